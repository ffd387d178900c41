/* host/tcp_cong.c - Reno and CUBIC as Linux 2.6.32 runs them (tcp_cong.h). */
#include "host/tcp_cong.h"

/* tcp_cubic.c's module parameters, RHEL 6's defaults */
#define CUBIC_BETA 717u                /* /1024: the window after a loss */
#define CUBIC_BETA_SCALE 1024u
#define CUBIC_BIC_SCALE 41u            /* C = 41 * 10 / 1024 = 0.4 */
#define CUBIC_HZ_SHIFT 10u             /* time in 1/1024 s */
#define CUBIC_RTT_SCALE (CUBIC_BIC_SCALE * 10u)
/* the Reno-equivalent increase: 3 (1 - beta) / (1 + beta) per RTT, as
 * ACKs per segment << 3 (cubictcp_register's beta_scale: 15) */
#define CUBIC_FRIENDLY_SCALE (8u * (CUBIC_BETA_SCALE + CUBIC_BETA) / 3u / (CUBIC_BETA_SCALE - CUBIC_BETA))
#define ACK_RATIO_SHIFT 4u
#define ACK_RATIO_LIMIT (32u << ACK_RATIO_SHIFT)
#define HYSTART_ACK_TRAIN 1u
#define HYSTART_DELAY 2u
#define HYSTART_MIN_SAMPLES 8u
#define HYSTART_DELAY_MIN (4u << 3)
#define HYSTART_DELAY_MAX (16u << 3)
#define HYSTART_LOW_WINDOW 16u
#define HYSTART_ACK_DELTA_MS 2u
#define HZ 1000u

static uint32_t clamp_u32(uint32_t x, uint32_t lo, uint32_t hi)
{
	return x < lo ? lo : x > hi ? hi : x;
}

/* floor(cbrt(a)); Linux approximates it (a table and one Newton step,
 * about 0.2 % off), which moves K by at most a millisecond or two. */
static uint32_t cube_root(uint64_t a)
{
	uint64_t lo = 0, hi = 2642245;         /* cbrt(2^64) */
	while (lo < hi) {
		uint64_t mid = (lo + hi + 1) / 2;
		if (mid * mid * mid <= a)
			lo = mid;
		else
			hi = mid - 1;
	}
	return (uint32_t)lo;
}

uint32_t tcp_cubic_k(uint32_t w_max, uint32_t w)
{
	/* (w_max - w) / C in (1/1024 s)^3: 2^30 / (C * 1024) per segment */
	uint64_t cube_factor = (1ull << (10 + 3 * CUBIC_HZ_SHIFT)) / CUBIC_RTT_SCALE;
	return w >= w_max ? 0 : cube_root(cube_factor * (uint64_t)(w_max - w));
}

uint32_t tcp_cubic_target(uint32_t origin_point, uint32_t k, uint32_t t_ms)
{
	uint64_t t = ((uint64_t)t_ms << CUBIC_HZ_SHIFT) / HZ;
	uint64_t offs = t < k ? k - t : t - k;
	uint32_t delta = (uint32_t)((CUBIC_RTT_SCALE * offs * offs * offs) >> (10 + 3 * CUBIC_HZ_SHIFT));
	return t < k ? origin_point - delta : origin_point + delta;
}

static void cubic_reset(struct tcp_cong *c)
{
	c->cnt = 0;
	c->last_max_cwnd = 0;
	c->last_cwnd = 0;
	c->last_time = 0;
	c->origin_point = 0;
	c->k = 0;
	c->delay_min = 0;
	c->epoch_start = 0;
	c->delayed_ack = 2u << ACK_RATIO_SHIFT;
	c->ack_cnt = 0;
	c->tcp_cwnd = 0;
	c->found = 0;
}

static void hystart_reset(struct tcp_cong *c, uint32_t now_ms, uint32_t snd_nxt)
{
	c->round_start = c->last_ack = now_ms;
	c->end_seq = snd_nxt;
	c->curr_rtt = 0;
	c->sample_cnt = 0;
}

void tcp_cong_init(struct tcp_cong *c, enum tcp_cong_algo algo, uint32_t now_ms,
		   uint32_t snd_nxt)
{
	*c = (struct tcp_cong){ 0 };
	c->algo = algo;
	c->hystart = 1;
	cubic_reset(c);
	c->loss_cwnd = 0;
	hystart_reset(c, now_ms, snd_nxt);
}

/* bictcp_update: how many ACKs per segment of growth now. */
static void cubic_update(struct tcp_cong *c, uint32_t cwnd, uint32_t now_ms)
{
	c->ack_cnt++;
	if (c->last_cwnd == cwnd && (int32_t)(now_ms - c->last_time) <= (int32_t)(HZ / 32))
		return;
	c->last_cwnd = cwnd;
	c->last_time = now_ms;
	if (c->epoch_start == 0) {
		c->epoch_start = now_ms;
		c->ack_cnt = 1;
		c->tcp_cwnd = cwnd;
		if (c->last_max_cwnd <= cwnd) {
			c->k = 0;
			c->origin_point = cwnd;
		} else {
			c->k = tcp_cubic_k(c->last_max_cwnd, cwnd);
			c->origin_point = c->last_max_cwnd;
		}
	}
	/* the target one minimum RTT ahead */
	uint32_t t_ms = now_ms + (c->delay_min >> 3) - c->epoch_start;
	uint32_t target = tcp_cubic_target(c->origin_point, c->k, t_ms);
	c->cnt = target > cwnd ? cwnd / (target - cwnd) : 100u * cwnd;
	if (c->last_max_cwnd == 0 && c->cnt > 20)
		c->cnt = 20;                   /* before any loss: at most 5 % per RTT */
	/* TCP friendliness: Reno's window over the same ACKs */
	uint32_t per = (cwnd * CUBIC_FRIENDLY_SCALE) >> 3;
	while (per > 0 && c->ack_cnt > per) {
		c->ack_cnt -= per;
		c->tcp_cwnd++;
	}
	if (c->tcp_cwnd > cwnd) {
		uint32_t max_cnt = cwnd / (c->tcp_cwnd - cwnd);
		if (c->cnt > max_cnt)
			c->cnt = max_cnt;
	}
	c->cnt = (c->cnt << ACK_RATIO_SHIFT) / c->delayed_ack;
	if (c->cnt == 0)
		c->cnt = 1;
}

/* tcp_slow_start without ABC: one segment per ACK */
static void slow_start(uint32_t *cwnd, uint32_t *cwnd_cnt, uint32_t clamp)
{
	*cwnd_cnt += *cwnd;
	while (*cwnd_cnt >= *cwnd) {
		*cwnd_cnt -= *cwnd;
		if (*cwnd < clamp)
			(*cwnd)++;
	}
}

/* tcp_cong_avoid_ai: one segment per w ACKs */
static void avoid_ai(uint32_t *cwnd, uint32_t *cwnd_cnt, uint32_t w, uint32_t clamp)
{
	if (*cwnd_cnt >= w) {
		if (*cwnd < clamp)
			(*cwnd)++;
		*cwnd_cnt = 0;
	} else {
		(*cwnd_cnt)++;
	}
}

void tcp_cong_avoid(struct tcp_cong *c, uint32_t *cwnd, uint32_t *cwnd_cnt, uint32_t ssthresh,
		    uint32_t cwnd_clamp, uint32_t ack, uint32_t snd_nxt, uint32_t in_flight,
		    uint32_t max_burst, uint32_t now_ms)
{
	/* tcp_is_cwnd_limited: a window the sender does not fill does not grow */
	if (in_flight < *cwnd && *cwnd - in_flight > max_burst)
		return;
	if (*cwnd <= ssthresh) {
		if (c->algo == TCP_CONG_CUBIC && c->hystart && (int32_t)(ack - c->end_seq) > 0)
			hystart_reset(c, now_ms, snd_nxt);
		slow_start(cwnd, cwnd_cnt, cwnd_clamp);
	} else if (c->algo == TCP_CONG_CUBIC) {
		cubic_update(c, *cwnd, now_ms);
		avoid_ai(cwnd, cwnd_cnt, c->cnt, cwnd_clamp);
	} else {
		avoid_ai(cwnd, cwnd_cnt, *cwnd, cwnd_clamp);
	}
}

uint32_t tcp_cong_ssthresh(struct tcp_cong *c, uint32_t cwnd)
{
	if (c->algo == TCP_CONG_RENO) {
		c->loss_cwnd = cwnd;
		return cwnd / 2 > 2 ? cwnd / 2 : 2;
	}
	c->epoch_start = 0;
	if (cwnd < c->last_max_cwnd)       /* fast convergence */
		c->last_max_cwnd = cwnd * (CUBIC_BETA_SCALE + CUBIC_BETA) / (2 * CUBIC_BETA_SCALE);
	else
		c->last_max_cwnd = cwnd;
	c->loss_cwnd = cwnd;
	uint32_t s = cwnd * CUBIC_BETA / CUBIC_BETA_SCALE;
	return s > 2 ? s : 2;
}

uint32_t tcp_cong_undo_cwnd(const struct tcp_cong *c, uint32_t cwnd)
{
	return cwnd > c->loss_cwnd ? cwnd : c->loss_cwnd;
}

void tcp_cong_on_loss(struct tcp_cong *c, uint32_t now_ms, uint32_t snd_nxt)
{
	if (c->algo != TCP_CONG_CUBIC)
		return;
	cubic_reset(c);
	hystart_reset(c, now_ms, snd_nxt);
}

static void hystart_update(struct tcp_cong *c, uint32_t delay, uint32_t cwnd, uint32_t *ssthresh,
			   uint32_t now_ms)
{
	if (c->found & (HYSTART_ACK_TRAIN | HYSTART_DELAY))
		return;
	/* ACK train: ACKs closely spaced for longer than half the min RTT */
	if ((int32_t)(now_ms - c->last_ack) <= (int32_t)HYSTART_ACK_DELTA_MS) {
		c->last_ack = now_ms;
		if ((int32_t)(now_ms - c->round_start) > (int32_t)(c->delay_min >> 4))
			c->found |= HYSTART_ACK_TRAIN;
	}
	/* delay: this round's min RTT well above the connection's */
	if (c->sample_cnt < HYSTART_MIN_SAMPLES) {
		if (c->curr_rtt == 0 || c->curr_rtt > delay)
			c->curr_rtt = delay;
		c->sample_cnt++;
	} else if (c->curr_rtt > c->delay_min + clamp_u32(c->delay_min >> 4, HYSTART_DELAY_MIN,
							     HYSTART_DELAY_MAX)) {
		c->found |= HYSTART_DELAY;
	}
	if (c->found) {
		*ssthresh = cwnd;
		c->hystart_exits++;
	}
}

void tcp_cong_pkts_acked(struct tcp_cong *c, uint32_t packets, int32_t rtt_ms, int ca_open,
			 uint32_t cwnd, uint32_t *ssthresh, uint32_t now_ms)
{
	if (c->algo != TCP_CONG_CUBIC)
		return;
	if (ca_open) {
		uint32_t ratio = c->delayed_ack - (c->delayed_ack >> ACK_RATIO_SHIFT) + packets;
		c->delayed_ack = ratio < ACK_RATIO_LIMIT ? ratio : ACK_RATIO_LIMIT;
	}
	if (rtt_ms <= 0)
		return;                        /* tcp_clean_rtx_queue gives only ca_seq_rtt > 0 */
	if ((int32_t)(now_ms - c->epoch_start) < (int32_t)HZ)
		return;                        /* no delay samples right after a recovery */
	uint32_t delay = (uint32_t)rtt_ms << 3;
	if (c->delay_min == 0 || c->delay_min > delay)
		c->delay_min = delay;
	if (c->hystart && cwnd <= *ssthresh && cwnd >= HYSTART_LOW_WINDOW)
		hystart_update(c, delay, cwnd, ssthresh, now_ms);
}
