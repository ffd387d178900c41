/* host/listen.c - the listening socket of Linux 2.6.32 (listen.h). */
#include "host/listen.h"

#include <stdlib.h>

/* A request sock in the SYN queue (struct request_sock). */
struct listen_req {
	uint8_t queued;                /* in the SYN queue */
	uint8_t acked;                 /* its ACK came while the accept queue was full */
	uint32_t retrans;              /* SYN-ACKs resent by the timer */
	sim_time expires_ps;
};

struct listen_sock {
	sim *s;
	struct listen_config cfg;
	struct listen_io io;
	uint32_t n_conns;
	struct listen_req *req;        /* per connection */
	uint32_t max_ack_backlog;      /* min(backlog, somaxconn) */
	uint32_t max_qlen_log;
	uint32_t qlen, qlen_young;     /* SYN queue; young: never retransmitted */
	uint32_t ack_backlog;          /* accept queue */
	sim_event_handle timer;        /* the listener's SYN-ACK timer */
	int accepting;                 /* the test program is in an accept() */
	struct listen_stats st;
};

void listen_config_default(struct listen_config *c)
{
	c->backlog = 128;
	c->somaxconn = 128;
	c->max_syn_backlog = 1024;
	c->syncookies = 1;
	c->synack_retries = 5;
	c->synack_timeout_ps = sim_s(3);
	c->synq_interval_ps = sim_ms(200);
	c->rto_max_ps = sim_s(120);
	c->accept_ps = sim_us(20);
}

struct listen_sock *listen_create(sim *s, const struct listen_config *c,
				  const struct listen_io *io, uint32_t n_conns)
{
	struct listen_sock *l = calloc(1, sizeof *l);
	if (!l || !(l->req = calloc(n_conns ? n_conns : 1, sizeof *l->req)))
		abort();
	l->s = s;
	l->cfg = *c;
	l->io = *io;
	l->n_conns = n_conns;
	/* sys_listen caps the backlog at somaxconn */
	uint32_t backlog = c->backlog < c->somaxconn ? c->backlog : c->somaxconn;
	l->max_ack_backlog = backlog;
	/* reqsk_queue_alloc: min(backlog, max_syn_backlog), at least 8, then
	 * roundup_pow_of_two(n + 1) */
	uint32_t nr = backlog < c->max_syn_backlog ? backlog : c->max_syn_backlog;
	if (nr < 8)
		nr = 8;
	uint32_t pow = 1;
	while (pow < nr + 1)
		pow <<= 1;
	for (l->max_qlen_log = 3; (1u << l->max_qlen_log) < pow; l->max_qlen_log++)
		;
	return l;
}

void listen_destroy(struct listen_sock *l)
{
	if (!l)
		return;
	sim_cancel(l->s, l->timer);
	free(l->req);
	free(l);
}

uint32_t listen_synq_len(const struct listen_sock *l) { return l->qlen; }
uint32_t listen_acceptq_len(const struct listen_sock *l) { return l->ack_backlog; }
uint32_t listen_synq_max(const struct listen_sock *l) { return 1u << l->max_qlen_log; }
const struct listen_stats *listen_stats(const struct listen_sock *l) { return &l->st; }
int listen_has_request(const struct listen_sock *l, uint32_t conn)
{
	return conn < l->n_conns && l->req[conn].queued;
}

const char *listen_verdict_name(enum listen_verdict v)
{
	static const char *const name[LISTEN_VERDICTS] = {
		"queued", "cookie", "drop_synq_full", "drop_syn_acceptq_full",
		"drop_ack_acceptq_full", "child",
	};
	return v < LISTEN_VERDICTS ? name[v] : "?";
}

static enum listen_verdict verdict(struct listen_sock *l, enum listen_verdict v)
{
	l->st.verdicts[v]++;
	return v;
}

/* sk_acceptq_is_full: more than max_ack_backlog waiting (">", not ">=") */
static int acceptq_is_full(const struct listen_sock *l)
{
	return l->ack_backlog > l->max_ack_backlog;
}

/* ---- the test program's accept() loop ---- */

static void accepted(sim *s, void *arg);

static void accept_next(struct listen_sock *l)
{
	if (l->accepting || l->ack_backlog == 0)
		return;
	l->accepting = 1;
	sim_schedule_in(l->s, l->cfg.accept_ps, accepted, l);
}

static void accepted(sim *s, void *arg)
{
	(void)s;
	struct listen_sock *l = arg;
	l->accepting = 0;
	l->ack_backlog--;
	l->st.accepted++;
	accept_next(l);
}

/* ---- the SYN-ACK timer (inet_csk_reqsk_queue_prune) ---- */

static void prune(sim *s, void *arg);

static void timer_reset(struct listen_sock *l, sim_time delay)
{
	sim_cancel(l->s, l->timer);
	l->timer = sim_schedule_in(l->s, delay, prune, l);
}

static void req_unlink(struct listen_sock *l, struct listen_req *r)
{
	if (r->retrans == 0)
		l->qlen_young--;
	l->qlen--;
	r->queued = 0;
}

static void prune(sim *s, void *arg)
{
	struct listen_sock *l = arg;
	l->timer = (sim_event_handle){ 0, 0 };
	if (l->qlen == 0)
		return;
	sim_time now = sim_now(s);
	/* with half the queue taken, old requests get fewer retries so that
	 * young ones find room */
	uint32_t thresh = l->cfg.synack_retries;
	if (l->qlen >> (l->max_qlen_log - 1)) {
		uint64_t young = (uint64_t)l->qlen_young << 1;
		while (thresh > 2) {
			if (l->qlen < young)
				break;
			thresh--;
			young <<= 1;
		}
	}
	for (uint32_t c = 0; c < l->n_conns; c++) {
		struct listen_req *r = &l->req[c];
		if (!r->queued || now < r->expires_ps)
			continue;
		if (r->retrans >= thresh) {
			req_unlink(l, r);
			l->st.requests_expired++;
			if (l->io.expired)
				l->io.expired(l->io.ctx, c);
			continue;
		}
		l->st.synack_retransmits++;
		if (l->io.synack_resend)
			l->io.synack_resend(l->io.ctx, c);
		if (r->retrans++ == 0)
			l->qlen_young--;
		sim_time t = l->cfg.synack_timeout_ps;
		for (uint32_t k = 0; k < r->retrans && t < l->cfg.rto_max_ps; k++)
			t *= 2;
		r->expires_ps = now + (t < l->cfg.rto_max_ps ? t : l->cfg.rto_max_ps);
	}
	if (l->qlen)
		timer_reset(l, l->cfg.synq_interval_ps);
}

/* ---- the handshake ---- */

enum listen_verdict listen_on_syn(struct listen_sock *l, uint32_t conn)
{
	int cookie = 0;
	if (l->qlen >> l->max_qlen_log) {
		if (!l->cfg.syncookies)
			return verdict(l, LISTEN_DROP_SYNQ_FULL);
		cookie = 1;
	}
	if (acceptq_is_full(l) && l->qlen_young > 1)
		return verdict(l, LISTEN_DROP_SYN_ACCEPTQ_FULL);
	if (cookie)
		return verdict(l, LISTEN_COOKIE);
	struct listen_req *r = &l->req[conn];
	r->queued = 1;
	r->acked = 0;
	r->retrans = 0;
	r->expires_ps = sim_now(l->s) + l->cfg.synack_timeout_ps;
	/* inet_csk_reqsk_queue_added: the first request arms the timer */
	if (l->qlen++ == 0)
		timer_reset(l, l->cfg.synack_timeout_ps);
	l->qlen_young++;
	if (l->qlen > l->st.synq_max)
		l->st.synq_max = l->qlen;
	return verdict(l, LISTEN_QUEUED);
}

enum listen_verdict listen_on_ack(struct listen_sock *l, uint32_t conn)
{
	struct listen_req *r = &l->req[conn];
	if (acceptq_is_full(l)) {
		r->acked = 1;                  /* tcp_abort_on_overflow = 0 */
		return verdict(l, LISTEN_DROP_ACK_ACCEPTQ_FULL);
	}
	if (r->queued)
		req_unlink(l, r);
	l->ack_backlog++;
	if (l->ack_backlog > l->st.acceptq_max)
		l->st.acceptq_max = l->ack_backlog;
	accept_next(l);
	return verdict(l, LISTEN_CHILD);
}
