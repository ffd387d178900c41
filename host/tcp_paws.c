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

int tcp_may_update_window(uint32_t ack, uint32_t seq, uint64_t nwin, uint32_t snd_una,
			  uint32_t snd_wl1, uint64_t snd_wnd)
{
	return (int32_t)(ack - snd_una) > 0 || (int32_t)(seq - snd_wl1) > 0 ||
	       (seq == snd_wl1 && nwin > snd_wnd);
}

int tcp_paws_discard(const struct tcp_ts_recent *r, const struct netpkt_tcp *h, uint32_t len,
		     const struct tcp_paws_conn *c, sim_time now)
{
	if (!h->has_ts || tcp_paws_check(r, h->tsval, now, TCP_PAWS_WINDOW))
		return 0;
	int pure = len == 0 && !(h->flags & (NETPKT_TCP_SYN | NETPKT_TCP_FIN));
	int disordered_ack = (h->flags & NETPKT_TCP_ACK) && pure && h->seq == c->rcv_nxt &&
			     h->ack == c->snd_una &&
			     !tcp_may_update_window(h->ack, h->seq, (uint64_t)h->window << c->peer_wscale,
						    c->snd_una, c->snd_wl1, c->snd_wnd) &&
			     tcp_paws_in_replay_window(r, h->tsval, c->rto_ms);
	return !disordered_ack;
}
