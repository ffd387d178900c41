/* host/tcp_sender.h - the client's TCP sender, as Linux 2.6.32 behaves.
 *
 * Handshake: SYN with MSS 1460, timestamps and window scale 7; initial RTO
 * 3 s (TCP_TIMEOUT_INIT) doubling per retry; after tcp_syn_retries (5)
 * retransmissions and the last timeout the connect fails: SYNs at 0, 3, 9,
 * 21, 45, 93 s, given up at 189 s (see docs/CALIBRATION.md).
 * Data: MSS-sized segments with timestamps (1448 bytes at MTU 1500); slow
 * start from 3 segments counting one segment per ACK (2.6.32 without ABC);
 * NewReno congestion avoidance, fast retransmit on 3 duplicate ACKs with
 * NewReno recovery; RTO per RFC 6298 with timestamps (Karn's problem does
 * not arise), 200 ms minimum, 120 s maximum, exponential back-off; the
 * receiver's window with its window scale, taken only from acceptable ACKs
 * (tcp_may_update_window). Ends with a FIN.
 * Application: one write of all its bytes, or writes of write_bytes each, the
 * next one write_pause_ps after the previous one was acknowledged. A write
 * that finds the connection idle for longer than an RTO restarts the window
 * (RFC 2861 as tcp_cwnd_restart does it, net.ipv4.tcp_slow_start_after_idle
 * = 1): the window halves per RTO of idleness, down to the initial window.
 */
#ifndef HOST_TCP_SENDER_H
#define HOST_TCP_SENDER_H

#include <stdint.h>
#include "host/netpkt.h"
#include "sim/kernel.h"

struct tcp_sender_config {
	uint32_t mss_bytes;            /* payload per segment: 1448 */
	uint32_t init_cwnd_segments;   /* 3 in 2.6.32 */
	sim_time syn_rto_ps;           /* 3 s */
	uint32_t syn_retries;          /* 5 */
	sim_time rto_min_ps;           /* 200 ms */
	sim_time rto_max_ps;           /* 120 s */
	uint8_t wscale;                /* offered: 7 */
	uint32_t max_cwnd_segments;    /* snd_cwnd_clamp: 65535 */
	int close;                     /* send a FIN after the data (else stay open) */
	uint64_t write_bytes;          /* the application's write size; 0: one write */
	sim_time write_pause_ps;       /* pause after a write is acknowledged */
	int slow_start_after_idle;     /* RFC 2861 window restart: 1 in Linux */
};

void tcp_sender_config_default(struct tcp_sender_config *c);

enum tcp_sender_state {
	TCP_SENDER_CLOSED,
	TCP_SENDER_SYN_SENT,
	TCP_SENDER_ESTABLISHED,
	TCP_SENDER_FIN_SENT,
	TCP_SENDER_DONE,               /* FIN (or, staying open, all data) acknowledged */
	TCP_SENDER_FAILED,             /* connect timed out */
};

struct tcp_sender_io {
	/* Put a frame on the NIC; -1 when its queue is full (the sender stops
	 * and waits for tcp_sender_pump). */
	int (*xmit)(void *ctx, const uint8_t *frame, uint32_t len);
	void (*established)(void *ctx, uint32_t conn);
	void (*finished)(void *ctx, uint32_t conn);   /* done or failed */
	void *ctx;
	/* Optional (NULL: always): would xmit take a frame of len bytes now?
	 * Asked before the frame is built, so that a full queue costs no
	 * payload fill and checksum; 0 counts as xmit's -1. */
	int (*room)(void *ctx, uint32_t len);
};

struct tcp_sender_stats {
	sim_time syn_first_ps, established_ps, done_ps;
	uint32_t syn_retransmits;
	uint64_t segments_sent, retransmits, rto_timeouts, fast_retransmits;
	uint64_t bytes_acked;
	uint32_t max_cwnd_segments;
	uint32_t writes;               /* application writes begun */
	uint32_t cwnd_restarts;        /* writes that found the window shrunk by idleness */
};

struct tcp_sender;

struct tcp_sender *tcp_sender_create(sim *s, const struct tcp_sender_config *c,
				     const struct tcp_sender_io *io, uint32_t conn,
				     uint64_t seed, uint64_t bytes, const struct netpkt_tcp *addr);
void tcp_sender_destroy(struct tcp_sender *t);
void tcp_sender_connect(struct tcp_sender *t);
/* The application starts writing its bytes (at once, or once all
 * connections are established, per the test program's pattern). */
void tcp_sender_start_data(struct tcp_sender *t);
void tcp_sender_on_frame(struct tcp_sender *t, const struct netpkt_tcp *h,
			 uint32_t payload_len);
/* The NIC has room again. */
void tcp_sender_pump(struct tcp_sender *t);
enum tcp_sender_state tcp_sender_state(const struct tcp_sender *t);
const struct tcp_sender_stats *tcp_sender_stats(const struct tcp_sender *t);
/* The peer's window as the sender holds it (bytes, scaled): Linux's snd_wnd. */
uint64_t tcp_sender_send_window(const struct tcp_sender *t);

#endif
