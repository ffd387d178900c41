/* host/tcp_sender.h - the client's TCP sender, as Linux 2.6.32 behaves.
 *
 * Handshake: SYN with MSS 1460, timestamps and window scale 7; initial RTO
 * 3 s (TCP_TIMEOUT_INIT) doubling per retry; after tcp_syn_retries (5)
 * retransmissions and the last timeout the connect fails: SYNs at 0, 3, 9,
 * 21, 45, 93 s, given up at 189 s (see docs/CALIBRATION.md).
 * Data: MSS-sized segments with timestamps (1448 bytes at MTU 1500); slow
 * start from 3 segments counting one segment per ACK (2.6.32 without ABC);
 * CUBIC or Reno congestion control (host/tcp_cong.h). Loss recovery as
 * tcp_fastretrans_alert runs it (net/ipv4/tcp_input.c): the states Open,
 * Disorder, CWR, Recovery and Loss; with SACK (RFC 2018, offered in the
 * SYN) a scoreboard of SACKed, lost and retransmitted segments
 * (host/tcp_sack.h), the packets in flight counted as
 * tcp_packets_in_flight does; recovery when the peer holds more than
 * `reordering` (3) segments above the first hole (FACK: counting every
 * segment up to the highest SACKed one; without FACK: SACKed ones; without
 * SACK: duplicate ACKs, NewReno's partial ACKs), the window brought down
 * by rate halving (tcp_cwnd_down) to ssthresh; D-SACK and timestamps undo
 * a reduction that the peer shows was needless (tcp_try_undo_*), and
 * reordering raises the threshold (tcp_update_reordering). RTO per RFC
 * 6298 with timestamps, 200 ms minimum, 120 s maximum, exponential
 * back-off; on a timeout F-RTO (RFC 5682, net.ipv4.tcp_frto = 2: the
 * SACK-enhanced variant) first sends new data to tell a spurious timeout
 * from a loss, else every segment not SACKed is lost and is resent from a
 * window of one (tcp_enter_loss). The
 * receiver's window with its window scale, taken only from acceptable ACKs
 * (tcp_may_update_window). Ends with a FIN.
 * Application: one write of all its bytes, or writes of write_bytes each, the
 * next one write_pause_ps after the previous one was acknowledged. A write
 * that finds the connection idle for longer than an RTO restarts the window
 * (RFC 2861 as tcp_cwnd_restart does it, net.ipv4.tcp_slow_start_after_idle
 * = 1): the window halves per RTO of idleness, down to the initial window.
 * Timestamps: TSecr echoes ts_recent (tcp_replace_ts_recent); with `paws`
 * (Linux always; the scenario's tcp.paws) a segment of the server's whose
 * TSval is more than a tick older is discarded and answered with a
 * duplicate ACK, unless it is a disordered duplicate ACK; an RST is
 * accepted whatever its TSval (host/tcp_paws.h).
 */
#ifndef HOST_TCP_SENDER_H
#define HOST_TCP_SENDER_H

#include <stdint.h>
#include "host/netpkt.h"
#include "host/tcp_cong.h"
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
	enum tcp_cong_algo cc;         /* net.ipv4.tcp_congestion_control: cubic */
	int sack;                      /* net.ipv4.tcp_sack: 1 */
	int fack;                      /* net.ipv4.tcp_fack: 1 */
	int frto;                      /* net.ipv4.tcp_frto: 2 (SACK-enhanced) */
	int paws;                      /* PAWS discard (host/tcp_paws.h): Linux always;
					* 0 as the scenario's tcp.paws */
	uint32_t reordering;           /* net.ipv4.tcp_reordering: 3 */
	uint32_t ts_offset;            /* tcp_time_stamp at simulated time 0 (the
					* host's jiffies: tcp_ts_clock_offset) */
};

void tcp_sender_config_default(struct tcp_sender_config *c);

/* A host's TCP timestamp clock (tcp_time_stamp: jiffies at HZ=1000) at
 * simulated time 0: Linux starts jiffies at INITIAL_JIFFIES, 300 s before
 * the 32-bit wrap, and the host has been up for a time drawn from the seed
 * (under a day), one draw per host name. */
uint32_t tcp_ts_clock_offset(uint64_t seed, const char *host);

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
	uint64_t sack_blocks;          /* SACK blocks received (D-SACKs included) */
	uint64_t dsacks;               /* ACKs that carried a D-SACK */
	uint64_t undos;                /* reductions undone (D-SACK, timestamps) */
	uint64_t frto_spurious;        /* timeouts F-RTO found spurious */
	uint32_t hystart_exits;        /* slow starts HyStart ended */
	uint32_t reordering;           /* the reordering degree reached */
	uint64_t paws_rejected;        /* segments PAWS discarded (PAWSESTABREJECTED) */
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
/* The congestion window and ssthresh (segments), for traces and tests. */
uint32_t tcp_sender_cwnd(const struct tcp_sender *t);
uint32_t tcp_sender_ssthresh(const struct tcp_sender *t);
/* Called after every ACK the sender processed (NULL: none): cwnd traces. */
typedef void (*tcp_sender_trace_fn)(void *ctx, uint32_t conn, sim_time now, uint32_t cwnd,
				    uint32_t ssthresh);
void tcp_sender_set_trace(struct tcp_sender *t, tcp_sender_trace_fn fn, void *ctx);

#endif
