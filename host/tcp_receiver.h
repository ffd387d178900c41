/* host/tcp_receiver.h - the server's TCP receive side, as Linux 2.6.32
 * behaves: passive open, in-order delivery with an out-of-order queue, the
 * ACK rules of tcp_input.c, the receive window with scaling.
 *
 * ACK rules (net/ipv4/tcp_input.c __tcp_ack_snd_check, 2.6.32): ACK at once
 * when more than one rcv_mss of new data is unacknowledged, in quickack
 * mode (the first segments of a connection), or when data arrives out of
 * order or fills a hole; otherwise the delayed-ACK timer (ATO 40 ms, at
 * most 200 ms). rcv_mss is measured as tcp_measure_rcv_mss does: from the
 * skb's gso_size, or its length when the driver gave none; it rises to any
 * larger value at once, and falls to a smaller full-sized segment (at least
 * 536 bytes with its header, or one without PSH/URG/FIN) seen twice in a
 * row. So aggregates without gso_size (the paper's driver) raise it to
 * ~64 KB and the host then ACKs about every second aggregate, while GRO's
 * gso_size keeps it at the wire MSS and every aggregate of two or more
 * segments is ACKed at once ("more than one full frame").
 *
 * Timestamps (RFC 1323 as 2.6.32 keeps them): TSval is the host's
 * tcp_time_stamp (1 ms jiffies, ts_offset at simulated time 0); TSecr
 * echoes ts_recent, which the SYN sets and a later segment replaces only
 * when it starts at or before the last ACKed byte (rcv_wup), does not end
 * before it (tcp_sequence runs first) and its TSval is not older, or
 * ts_recent is 24 days old (tcp_replace_ts_recent). With `paws` (Linux
 * always, the scenario's tcp.paws), PAWS comes first (host/tcp_paws.h): an
 * established connection's segment whose TSval is more than a tick older
 * than ts_recent is dropped, counted (paws_rejected) and answered with a
 * duplicate ACK, unless it is an RST or a disordered duplicate ACK
 * (tcp_disordered_ack; the client's window and the RTO it needs are kept
 * as tcp_ack and the handshake's timestamp sample set them).
 *
 * Receive memory: bytes the application has not read yet (and, for
 * out-of-order data, the queue) live in the socket buffer. A segment that
 * does not fit is dropped, as tcp_data_queue does when
 * tcp_try_rmem_schedule fails; the advertised window is the free space,
 * and its right edge never moves back (tcp_select_window).
 *
 * SACK (RFC 2018) when both SYNs offer it (net.ipv4.tcp_sack = 1): every
 * ACK carries the out-of-order blocks, the one holding the newest segment
 * first (tcp_sack_new_ofo_skb), at most 3 beside timestamps. D-SACK (RFC
 * 2883, net.ipv4.tcp_dsack = 1): a segment received twice is reported in
 * a first block of its own, once (tcp_dsack_set, tcp_dsack_extend).
 */
#ifndef HOST_TCP_RECEIVER_H
#define HOST_TCP_RECEIVER_H

#include <stdint.h>
#include "host/netpkt.h"
#include "sim/kernel.h"

struct tcp_receiver_config {
	uint64_t rcvbuf_bytes;         /* socket buffer: 256 KB (docs/CALIBRATION.md) */
	uint8_t wscale;                /* offered: 7 */
	sim_time ato_min_ps;           /* 40 ms */
	sim_time ato_max_ps;           /* 200 ms */
	uint32_t quickacks;            /* 16 (TCP_MAX_QUICKACKS) */
	uint16_t advmss;               /* 1460 (over IPv6, 20 less) */
	uint8_t app_paced;             /* 0: the application reads as data arrives;
					* 1: it reads when it can (tcp_receiver_consumed) */
	uint8_t sack;                  /* net.ipv4.tcp_sack: 1 */
	uint8_t dsack;                 /* net.ipv4.tcp_dsack: 1 */
	uint8_t paws;                  /* PAWS discard (host/tcp_paws.h): Linux always;
					* 0 as the scenario's tcp.paws */
	uint32_t ts_offset;            /* tcp_time_stamp at simulated time 0 */
};

void tcp_receiver_config_default(struct tcp_receiver_config *c);

struct tcp_receiver_io {
	/* Send a frame (ACK, SYN-ACK) through the NIC. */
	void (*xmit)(void *ctx, const uint8_t *frame, uint32_t len);
	/* In-order bytes for the application (offset from the stream start). */
	void (*deliver)(void *ctx, uint32_t conn, uint64_t offset, const uint8_t *data,
			uint32_t len);
	void (*established)(void *ctx, uint32_t conn);
	void (*eof)(void *ctx, uint32_t conn);
	void *ctx;
};

struct tcp_receiver_stats {
	uint64_t segments, bytes_in_order, ooo_segments, dup_segments, dup_bytes;
	uint64_t rmem_drops, rmem_drop_bytes;  /* no room in the socket buffer */
	uint64_t window_updates;       /* ACKs sent because the application read */
	uint64_t acks_sent, delayed_acks;
	uint64_t sack_acks, dsack_acks;        /* ACKs with SACK blocks; with a D-SACK */
	uint64_t paws_rejected;        /* segments PAWS discarded (PAWSESTABREJECTED) */
	uint32_t rcv_mss;
};

struct tcp_receiver;

/* Created for a SYN (passive open); answers it with a SYN-ACK. */
struct tcp_receiver *tcp_receiver_accept(sim *s, const struct tcp_receiver_config *c,
					 const struct tcp_receiver_io *io, uint32_t conn,
					 const struct netpkt_tcp *syn);
void tcp_receiver_destroy(struct tcp_receiver *r);
void tcp_receiver_on_segment(struct tcp_receiver *r, const struct netpkt_tcp *h,
			     const uint8_t *payload, uint32_t len);
/* The same for an skb whose gso_size the driver set (0: none, as above). */
void tcp_receiver_on_skb(struct tcp_receiver *r, const struct netpkt_tcp *h,
			 const uint8_t *payload, uint32_t len, uint32_t gso_size);
const struct tcp_receiver_stats *tcp_receiver_stats(const struct tcp_receiver *r);
/* The host's tcp_time_stamp now (what its TSval carries). */
uint32_t tcp_receiver_ts_now(const struct tcp_receiver *r);
/* The application read `bytes` of what was delivered: the space returns to
 * the window (and a window update goes out when it opened by two rcv_mss). */
void tcp_receiver_consumed(struct tcp_receiver *r, uint64_t bytes);
/* True when the first byte not yet received was in a segment this receiver
 * dropped for want of room: only the sender can fill that hole. */
int tcp_receiver_hole_was_dropped(const struct tcp_receiver *r);

#endif
