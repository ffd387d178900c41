/* host/tcp_cong.h - the sender's congestion control, as Linux 2.6.32's
 * tcp_congestion_ops run it (RHEL 6's kernel: net/ipv4/tcp_cong.c,
 * net/ipv4/tcp_cubic.c; docs/CALIBRATION.md cites the lines).
 *
 * CUBIC (the default, net.ipv4.tcp_congestion_control = cubic): window
 * W(t) = C (t - K)^3 + W_max with C = bic_scale/1024 * 10 = 0.4 (the
 * 100 ms reference RTT folded in), the multiplicative decrease beta =
 * 717/1024, fast convergence (W_max = W (1 + beta) / 2 when a loss comes
 * below the last W_max), TCP friendliness (never slower than Reno's
 * estimated window), at most 5 % growth per RTT before the first loss,
 * the ACK ratio from the delayed-ACK estimate, and HyStart (ACK train and
 * delay, from cwnd 16), fed with RTT samples in jiffies (HZ = 1000) as
 * tcp_clean_rtx_queue gives them: a sub-millisecond RTT gives no sample.
 * Reno ("newreno"): tcp_reno_cong_avoid, ssthresh = cwnd / 2.
 * Both: slow start while cwnd <= ssthresh, one segment per ACK (no ABC);
 * no growth unless the window limits the sender (tcp_is_cwnd_limited).
 */
#ifndef HOST_TCP_CONG_H
#define HOST_TCP_CONG_H

#include <stdint.h>

enum tcp_cong_algo { TCP_CONG_CUBIC, TCP_CONG_RENO };

/* CUBIC's state (struct bictcp); unused by Reno. Times in ms (jiffies). */
struct tcp_cong {
	enum tcp_cong_algo algo;
	int hystart;                   /* 1 in 2.6.32's CUBIC */
	uint32_t cnt;                  /* ACKs per one-segment increase */
	uint32_t last_max_cwnd, loss_cwnd, last_cwnd, last_time;
	uint32_t origin_point, k;      /* K in 1/1024 s */
	uint32_t delay_min;            /* ms << 3 */
	uint32_t epoch_start;          /* 0: no epoch */
	uint32_t ack_cnt, tcp_cwnd;
	uint32_t delayed_ack;          /* packets per ACK << 4 */
	uint32_t sample_cnt, found;
	uint32_t round_start, end_seq, last_ack, curr_rtt;
	uint32_t hystart_exits;        /* slow starts HyStart ended */
};

void tcp_cong_init(struct tcp_cong *c, enum tcp_cong_algo algo, uint32_t now_ms,
		   uint32_t snd_nxt);
/* One ACK that acknowledged new data, outside recovery: grow *cwnd.
 * in_flight: packets in flight before the ACK; max_burst: tcp_max_burst
 * (the reordering degree). */
void tcp_cong_avoid(struct tcp_cong *c, uint32_t *cwnd, uint32_t *cwnd_cnt, uint32_t ssthresh,
		    uint32_t cwnd_clamp, uint32_t ack, uint32_t snd_nxt, uint32_t in_flight,
		    uint32_t max_burst, uint32_t now_ms);
/* ssthresh at a loss (tcp_congestion_ops.ssthresh); ends CUBIC's epoch. */
uint32_t tcp_cong_ssthresh(struct tcp_cong *c, uint32_t cwnd);
/* The window to return to when a reduction is undone. */
uint32_t tcp_cong_undo_cwnd(const struct tcp_cong *c, uint32_t cwnd);
/* An RTO: CUBIC forgets its history (bictcp_state on TCP_CA_Loss). */
void tcp_cong_on_loss(struct tcp_cong *c, uint32_t now_ms, uint32_t snd_nxt);
/* packets acknowledged by one ACK, with its RTT in ms (< 0: none);
 * ca_open: the sender is in the Open state. May end slow start
 * (HyStart) by lowering *ssthresh. */
void tcp_cong_pkts_acked(struct tcp_cong *c, uint32_t packets, int32_t rtt_ms, int ca_open,
			 uint32_t cwnd, uint32_t *ssthresh, uint32_t now_ms);

/* CUBIC's window t ms into an epoch that started at w_origin - delta(K)
 * (exposed for tests): bic_target as bictcp_update computes it. */
uint32_t tcp_cubic_target(uint32_t origin_point, uint32_t k, uint32_t t_ms);
/* K (1/1024 s) for a window w below w_max. */
uint32_t tcp_cubic_k(uint32_t w_max, uint32_t w);

#endif
