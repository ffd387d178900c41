/* host/listen.h - the server test program's listening socket as Linux
 * 2.6.32 keeps it: the SYN queue of request socks, the accept queue, their
 * drop rules, SYN cookies, the SYN-ACK retransmission timer, and the test
 * program's accept() loop draining the accept queue.
 *
 * Sizes (net/socket.c sys_listen, net/core/request_sock.c reqsk_queue_alloc):
 * the accept queue holds min(backlog, net.core.somaxconn) connections, and
 * is full when it holds more (sk_acceptq_is_full: ack_backlog >
 * max_ack_backlog). The SYN queue holds 2^max_qlen_log requests, the power
 * of two above max(8, min(backlog, tcp_max_syn_backlog)) + 1
 * (inet_csk_reqsk_queue_is_full: qlen >> max_qlen_log).
 *
 * A SYN (net/ipv4/tcp_ipv4.c tcp_v4_conn_request): a full SYN queue drops
 * it, or with tcp_syncookies answers with a cookie and keeps nothing; then
 * a full accept queue with more than one young request (one whose SYN-ACK
 * was never retransmitted) drops it. Otherwise the request joins the SYN
 * queue and its SYN-ACK timer is set to TCP_TIMEOUT_INIT (3 s).
 * The handshake's ACK (tcp_v4_syn_recv_sock via tcp_check_req, or
 * cookie_v4_check): a full accept queue drops it (LISTENOVERFLOWS) and the
 * request stays, marked acked (tcp_abort_on_overflow = 0); otherwise the
 * request leaves the SYN queue and the new socket joins the accept queue.
 * SYN-ACK timer (inet_csk_reqsk_queue_prune, every TCP_SYNQ_INTERVAL =
 * 200 ms): an expired request gets its SYN-ACK again and the timeout
 * doubles (3, 6, 12, ... s, at most TCP_RTO_MAX), until tcp_synack_retries
 * (5) retransmissions - fewer when old requests fill half the queue - then
 * the request is dropped.
 */
#ifndef HOST_LISTEN_H
#define HOST_LISTEN_H

#include <stdint.h>
#include "sim/kernel.h"

struct listen_config {
	uint32_t backlog;              /* the test program's listen() argument */
	uint32_t somaxconn;            /* net.core.somaxconn: 128 */
	uint32_t max_syn_backlog;      /* net.ipv4.tcp_max_syn_backlog: 1024 */
	int syncookies;                /* net.ipv4.tcp_syncookies: RHEL 6.4 sets 1 */
	uint32_t synack_retries;       /* net.ipv4.tcp_synack_retries: 5 */
	sim_time synack_timeout_ps;    /* TCP_TIMEOUT_INIT: 3 s */
	sim_time synq_interval_ps;     /* TCP_SYNQ_INTERVAL: 200 ms */
	sim_time rto_max_ps;           /* TCP_RTO_MAX: 120 s */
	sim_time accept_ps;            /* the test program: one accept() and the
					* start of the connection's thread */
};

void listen_config_default(struct listen_config *c);

enum listen_verdict {
	LISTEN_QUEUED = 0,             /* SYN: a request joined the SYN queue */
	LISTEN_COOKIE,                 /* SYN: answered with a cookie, nothing kept */
	LISTEN_DROP_SYNQ_FULL,         /* SYN dropped: SYN queue full, no cookies */
	LISTEN_DROP_SYN_ACCEPTQ_FULL,  /* SYN dropped: accept queue full, young requests */
	LISTEN_DROP_ACK_ACCEPTQ_FULL,  /* ACK dropped: accept queue full */
	LISTEN_CHILD,                  /* ACK: the connection joined the accept queue */
	LISTEN_VERDICTS
};

struct listen_stats {
	uint64_t verdicts[LISTEN_VERDICTS];
	uint64_t synack_retransmits;   /* by the SYN-ACK timer */
	uint64_t requests_expired;     /* dropped after the last SYN-ACK */
	uint64_t accepted;             /* by the test program */
	uint32_t synq_max, acceptq_max;
};

struct listen_io {
	/* The SYN-ACK timer resends conn's SYN-ACK. */
	void (*synack_resend)(void *ctx, uint32_t conn);
	/* The request of conn expired: the server forgets it. */
	void (*expired)(void *ctx, uint32_t conn);
	void *ctx;
};

struct listen_sock;

struct listen_sock *listen_create(sim *s, const struct listen_config *c,
				  const struct listen_io *io, uint32_t n_conns);
void listen_destroy(struct listen_sock *l);
/* A SYN from conn, which has no request here (a retransmitted SYN of a
 * queued request is the request's business, not the listener's). */
enum listen_verdict listen_on_syn(struct listen_sock *l, uint32_t conn);
/* The ACK that completes conn's handshake (a queued request, or a cookie). */
enum listen_verdict listen_on_ack(struct listen_sock *l, uint32_t conn);
/* conn has a request in the SYN queue. */
int listen_has_request(const struct listen_sock *l, uint32_t conn);
uint32_t listen_synq_len(const struct listen_sock *l);
uint32_t listen_acceptq_len(const struct listen_sock *l);
/* SYN queue size: 2^max_qlen_log. */
uint32_t listen_synq_max(const struct listen_sock *l);
const struct listen_stats *listen_stats(const struct listen_sock *l);
const char *listen_verdict_name(enum listen_verdict v);

#endif
