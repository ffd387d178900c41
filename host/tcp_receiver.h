/* host/tcp_receiver.h - the server's TCP receive side, as Linux 2.6.32
 * behaves: passive open, in-order delivery with an out-of-order queue, the
 * ACK rules of tcp_input.c, the receive window with scaling.
 *
 * ACK rules (net/ipv4/tcp_input.c __tcp_ack_snd_check, 2.6.32): ACK at once
 * when more than one rcv_mss of new data is unacknowledged, in quickack
 * mode (the first segments of a connection), or when data arrives out of
 * order or fills a hole; otherwise the delayed-ACK timer (ATO 40 ms, at
 * most 200 ms). rcv_mss follows the largest segment seen
 * (tcp_measure_rcv_mss), so 64 KB aggregates raise it to ~64 KB and the
 * host then ACKs about every second aggregate.
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
	uint16_t advmss;               /* 1460 */
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
	uint64_t acks_sent, delayed_acks;
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
const struct tcp_receiver_stats *tcp_receiver_stats(const struct tcp_receiver *r);

#endif
