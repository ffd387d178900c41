/* firmware/firmware.h - the firmware's entry points and what it reports.
 *
 * Thread roles (paper section VI): threads 0..rx_threads-1 receive (13 by
 * default, spread over the four cores: t on core t/4), then one transmit
 * thread, one timeout-checking thread that also balances DMA requests
 * (paper V.B), and the shell thread, which idles.
 *
 * Parameters (hal_param names, defaults):
 *   lro.mode 1 (0 = plain NIC, 1 = LRO)   lro.threshold 65536 (bytes)
 *   lro.active_ack 1 (0 off, 1 on, 2 safe) lro.ack_window 65535
 *   lro.timeout_factor 10                 lro.conns 64 (descriptors per rx thread)
 *   dma.lb 1 (requests go through the timeout thread, round-robin)
 *   rx.threads 13                         ring.rx_entries 256, ring.tx_entries 256
 *   timeout.period_cycles 20000 (idle time between timeout scans)
 *   lro.max_aggregate 65535 (an aggregate's IP packet, up to 524288: BIG TCP)
 */
#ifndef FIRMWARE_FIRMWARE_H
#define FIRMWARE_FIRMWARE_H

#include <stddef.h>
#include <stdint.h>
#include "firmware/lro.h"

#define FW_MAX_RX 13u

size_t fw_state_bytes(void);
void fw_init(void *state);
void fw_thread_main(void *state, unsigned thread_id);

struct fw_counters {
	struct lro_counters lro;       /* summed over the rx threads */
	uint64_t dma_requests;         /* sent by rx threads */
	uint64_t ring_full_waits;      /* a delivery waited for a free descriptor */
	uint64_t frames_to_host;       /* descriptors published */
	uint64_t msi_raised;
	uint64_t ack_alloc_fail;       /* active ACK dropped: no packet buffer */
	uint64_t tx_frames;            /* host frames sent by the tx thread */
	uint64_t tx_alloc_fail;        /* host frames that waited for a buffer */
	uint64_t tx_fetches;           /* host frames fetched from host memory by DMA */
	uint64_t window_update_alloc_fail; /* safe active ACK's window update dropped: no buffer */
	uint64_t timeouts_sent;        /* timeout messages to rx threads */
	uint64_t timeouts_deferred;    /* rx thread's bucket full: next scan */
	uint64_t pool_low_signals;     /* release requests (buffers ran low) */
	uint64_t lb_forwarded;         /* DMA requests forwarded by the balancer */
	uint32_t lb_queue_max;         /* deepest per-thread balancer queue */
};

void fw_counters(const void *state, struct fw_counters *out);
/* Thread roles, for reports. */
const char *fw_thread_role(const void *state, unsigned thread_id);

#endif
