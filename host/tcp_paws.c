/* host/tcp_paws.c - PAWS as Linux 2.6.32 runs it (tcp_paws.h). */
#include "host/tcp_paws.h"

static uint64_t seconds(sim_time now)
{
	return now / SIM_PS_PER_S;     /* get_seconds() */
}

void tcp_ts_recent_store(struct tcp_ts_recent *r, uint32_t tsval, sim_time now)
{
	r->val = tsval;
	r->stamp_s = seconds(now);
}

int tcp_paws_check(const struct tcp_ts_recent *r, uint32_t tsval, sim_time now, int32_t win)
{
	if ((int32_t)(r->val - tsval) <= win)
		return 1;
	return seconds(now) >= r->stamp_s + TCP_PAWS_24DAYS;
}

void tcp_ts_recent_replace(struct tcp_ts_recent *r, uint32_t seq, uint32_t rcv_wup,
			   uint32_t tsval, sim_time now)
{
	if ((int32_t)(seq - rcv_wup) <= 0 && tcp_paws_check(r, tsval, now, 0))
		tcp_ts_recent_store(r, tsval, now);
}

int tcp_paws_in_replay_window(const struct tcp_ts_recent *r, uint32_t tsval, uint32_t rto_ms)
{
	const uint64_t hz = 1000;
	return (int64_t)(int32_t)(r->val - tsval) <= (int64_t)((uint64_t)rto_ms * 1024u / hz);
}
