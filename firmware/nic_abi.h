/* firmware/nic_abi.h - the device/driver interface in PCIe shared memory:
 * what the NPU firmware and the host driver (host/driver.c) both read and
 * write. All multi-byte fields are little-endian (the host's order); the
 * firmware converts with nic_le32/nic_le64, so it stays right on the
 * big-endian XLS416.
 *
 * Layout (paper section V.A, Fig. 8): a header, then one rx ring per
 * receive thread (so rx threads never share a ring and need no lock), then
 * one tx ring for host-originated frames.
 *
 * rx ring protocol. The driver pre-allocates for every rx descriptor a
 * buffer of consecutive host pages (NIC_RX_BUF_BYTES, room for a 64 KB
 * aggregate and its headers), writes its bus address into buf_addr and sets
 * flags = NIC_RX_OWNED_BY_NPU. The firmware fills descriptors in ring order:
 * DMA the frame (or aggregate) to buf_addr, wait for the DMA completions,
 * then write frame_len, segments, seg_size and flags = NIC_RX_DONE, advance
 * `produced`, raise the
 * ring's MSI vector. The driver consumes in order, hands the data up,
 * refills buf_addr and gives the descriptor back (flags = OWNED_BY_NPU),
 * then advances `consumed`.
 *
 * tx ring protocol. The driver copies a frame (ACKs, SYN-ACKs...) into the
 * next free slot, sets len and flags = NIC_TX_READY, then writes the slot
 * index to the doorbell, which the PCIe model turns into a
 * HAL_MSG_HOST_DOORBELL message to the tx thread. The tx thread transmits it
 * and sets flags = 0 and advances tx_consumed.
 * A driver may instead leave the frame in host memory, as NIC drivers
 * usually do: it writes the frame's bus address to host_addr and sets
 * NIC_TX_READY | NIC_TX_IN_HOST; the tx thread then fetches the frame with
 * the DMA engine before transmitting it.
 */
#ifndef FIRMWARE_NIC_ABI_H
#define FIRMWARE_NIC_ABI_H

#include <stdint.h>

#define NIC_ABI_MAGIC 0x4e505553u          /* "NPUS" */
#define NIC_ABI_VERSION 3u
#define NIC_MAX_RX_RINGS 16
#define NIC_RX_BUF_BYTES (68u * 1024u)     /* 17 pages: 64 KB + headers */
#define NIC_TX_FRAME_MAX 1536u

enum nic_rx_flags {
	NIC_RX_OWNED_BY_NPU = 1u << 0,
	NIC_RX_DONE = 1u << 1,
	NIC_RX_AGGREGATE = 1u << 2,   /* several segments rebuilt into one */
};

struct nic_rx_desc {                      /* 32 bytes */
	uint64_t buf_addr;                /* host bus address of the buffer */
	uint32_t buf_len;                 /* bytes available at buf_addr */
	uint32_t frame_len;               /* bytes written by the NPU */
	uint32_t flags;                   /* enum nic_rx_flags */
	uint32_t segments;                /* wire segments in this frame */
	uint32_t seg_size;                /* an aggregate's segment size (TCP payload of
					   * its first segment), for the driver's skb
					   * gso_size; 0: not given (the paper's firmware) */
	uint32_t reserved;
};

enum nic_tx_flags {
	NIC_TX_READY = 1u << 0,
	NIC_TX_IN_HOST = 1u << 1,         /* the frame is at host_addr, not in frame[] */
};

struct nic_tx_slot {
	uint32_t len;                     /* frame bytes */
	uint32_t flags;                   /* enum nic_tx_flags */
	uint64_t host_addr;               /* bus address of the frame (NIC_TX_IN_HOST) */
	uint8_t frame[NIC_TX_FRAME_MAX];
};

struct nic_shm_header {
	uint32_t magic;                   /* NIC_ABI_MAGIC, written by the NPU */
	uint32_t version;
	uint32_t rx_rings;                /* number of rx rings (rx threads) */
	uint32_t rx_ring_entries;         /* descriptors per rx ring */
	uint32_t tx_ring_entries;
	uint32_t reserved;
	uint64_t rx_ring_offset[NIC_MAX_RX_RINGS]; /* from shm base */
	uint64_t tx_ring_offset;
	uint32_t rx_produced[NIC_MAX_RX_RINGS];    /* written by the NPU */
	uint32_t rx_consumed[NIC_MAX_RX_RINGS];    /* written by the host */
	uint32_t tx_produced;                      /* written by the host */
	uint32_t tx_consumed;                      /* written by the NPU */
};

static inline uint32_t nic_le32(uint32_t v)
{
	const uint8_t *b = (const uint8_t *)&v;
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	       (uint32_t)b[3] << 24;
}

static inline uint64_t nic_le64(uint64_t v)
{
	const uint8_t *b = (const uint8_t *)&v;
	uint64_t r = 0;
	for (int i = 7; i >= 0; i--)
		r = r << 8 | b[i];
	return r;
}

#endif
