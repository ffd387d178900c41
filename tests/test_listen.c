/* tests/test_listen.c - the server's listening socket: queue sizes, the
 * drop rules of tcp_v4_conn_request and tcp_v4_syn_recv_sock, SYN cookies,
 * the SYN-ACK retransmission timer and the test program's accept loop. */
#include <check.h>

#include "host/listen.h"

static sim_time resent_at[16];
static uint32_t resent_conn[16];
static int n_resent, n_expired;
static sim *ls_sim;

static void on_resend(void *ctx, uint32_t conn)
{
	(void)ctx;
	if (n_resent < 16) {
		resent_at[n_resent] = sim_now(ls_sim);
		resent_conn[n_resent] = conn;
	}
	n_resent++;
}

static void on_expired(void *ctx, uint32_t conn)
{
	(void)ctx;
	(void)conn;
	n_expired++;
}

static struct listen_sock *make(uint32_t backlog, int cookies, sim_time accept_ps)
{
	ls_sim = sim_create(1);
	n_resent = n_expired = 0;
	struct listen_config c;
	listen_config_default(&c);
	c.backlog = backlog;
	c.syncookies = cookies;
	c.accept_ps = accept_ps;
	struct listen_io io = { on_resend, on_expired, NULL };
	return listen_create(ls_sim, &c, &io, 256);
}

static void done(struct listen_sock *l)
{
	listen_destroy(l);
	sim_destroy(ls_sim);
}

START_TEST(queue_sizes_follow_reqsk_queue_alloc_and_somaxconn)
{
	/* max(8, min(backlog, 1024)) + 1 rounded up to a power of two */
	const uint32_t backlog[] = { 1, 5, 8, 15, 16, 100, 128, 4096 };
	const uint32_t synq[] = { 16, 16, 16, 16, 32, 128, 256, 256 };
	for (int i = 0; i < 8; i++) {
		struct listen_sock *l = make(backlog[i], 1, sim_us(20));
		ck_assert_uint_eq(listen_synq_max(l), synq[i]);
		done(l);
	}
}
END_TEST

START_TEST(a_full_accept_queue_drops_syns_while_young_requests_wait)
{
	/* backlog 2: the accept queue is full with 3 (">", not ">=") */
	struct listen_sock *l = make(2, 1, sim_s(1000));   /* nobody accepts */
	for (uint32_t c = 0; c < 3; c++) {
		ck_assert_int_eq(listen_on_syn(l, c), LISTEN_QUEUED);
		ck_assert_int_eq(listen_on_ack(l, c), LISTEN_CHILD);
	}
	ck_assert_uint_eq(listen_acceptq_len(l), 3);
	/* full, but fewer than two young requests: SYNs still join */
	ck_assert_int_eq(listen_on_syn(l, 3), LISTEN_QUEUED);
	ck_assert_int_eq(listen_on_syn(l, 4), LISTEN_QUEUED);
	/* two young requests: the next SYN is dropped */
	ck_assert_int_eq(listen_on_syn(l, 5), LISTEN_DROP_SYN_ACCEPTQ_FULL);
	/* the ACK completing a handshake is dropped too; the request stays */
	ck_assert_int_eq(listen_on_ack(l, 3), LISTEN_DROP_ACK_ACCEPTQ_FULL);
	ck_assert(listen_has_request(l, 3));
	ck_assert_uint_eq(listen_synq_len(l), 2);
	ck_assert_uint_eq(listen_stats(l)->verdicts[LISTEN_DROP_SYN_ACCEPTQ_FULL], 1);
	done(l);
}
END_TEST

START_TEST(a_full_syn_queue_drops_or_answers_with_a_cookie)
{
	for (int cookies = 0; cookies <= 1; cookies++) {
		struct listen_sock *l = make(128, cookies, sim_us(20));
		uint32_t max = listen_synq_max(l);   /* 256 */
		/* backlog 128 < 256 requests: keep the accept queue out of it
		 * by never completing a handshake */
		for (uint32_t c = 0; c < max; c++)
			ck_assert_int_eq(listen_on_syn(l, c % 256), LISTEN_QUEUED);
		enum listen_verdict v = listen_on_syn(l, 0);
		ck_assert_int_eq(v, cookies ? LISTEN_COOKIE : LISTEN_DROP_SYNQ_FULL);
		ck_assert_uint_eq(listen_synq_len(l), max);
		done(l);
	}
}
END_TEST

START_TEST(the_test_program_drains_the_accept_queue_at_its_pace)
{
	struct listen_sock *l = make(128, 1, sim_us(20));
	for (uint32_t c = 0; c < 10; c++) {
		listen_on_syn(l, c);
		listen_on_ack(l, c);
	}
	ck_assert_uint_eq(listen_acceptq_len(l), 10);
	sim_run_until(ls_sim, sim_us(100));
	ck_assert_uint_eq(listen_stats(l)->accepted, 5);
	ck_assert_uint_eq(listen_acceptq_len(l), 5);
	sim_run_until(ls_sim, sim_ms(1));
	ck_assert_uint_eq(listen_acceptq_len(l), 0);
	ck_assert_uint_eq(listen_stats(l)->acceptq_max, 10);
	done(l);
}
END_TEST

START_TEST(synack_timer_resends_at_3_9_21_45_93_s_then_drops)
{
	struct listen_sock *l = make(128, 1, sim_us(20));
	ck_assert_int_eq(listen_on_syn(l, 7), LISTEN_QUEUED);
	sim_run_until(ls_sim, sim_s(400));
	/* timeouts of 3 s doubling from the SYN (TCP_TIMEOUT_INIT << retrans),
	 * checked every 200 ms: resends at 3, 9, 21, 45, 93 s, the request
	 * dropped at 189 s after tcp_synack_retries = 5 */
	const uint64_t expect[] = { 3, 9, 21, 45, 93 };
	ck_assert_int_eq(n_resent, 5);
	for (int i = 0; i < 5; i++) {
		ck_assert_uint_eq(resent_conn[i], 7);
		ck_assert_uint_eq(resent_at[i], sim_s(expect[i]));
	}
	ck_assert_int_eq(n_expired, 1);
	ck_assert(!listen_has_request(l, 7));
	ck_assert_uint_eq(listen_synq_len(l), 0);
	ck_assert_uint_eq(listen_stats(l)->requests_expired, 1);
	done(l);
}
END_TEST

START_TEST(synack_timer_ticks_every_200_ms_after_the_first_request)
{
	struct listen_sock *l = make(128, 1, sim_us(20));
	listen_on_syn(l, 0);                   /* arms the timer for 3 s */
	sim_run_until(ls_sim, sim_ms(1100));
	listen_on_syn(l, 1);                   /* expires at 4.1 s */
	sim_run_until(ls_sim, sim_ms(4500));
	/* conn 0 at 3.0 s; conn 1 at the first 200 ms tick at or after 4.1 s */
	ck_assert_int_eq(n_resent, 2);
	ck_assert_uint_eq(resent_at[0], sim_s(3));
	ck_assert_uint_eq(resent_at[1], sim_ms(4200));
	/* an acknowledged request leaves the queue and is not resent */
	ck_assert_int_eq(listen_on_ack(l, 0), LISTEN_CHILD);
	ck_assert_int_eq(listen_on_ack(l, 1), LISTEN_CHILD);
	sim_run_until(ls_sim, sim_s(60));
	ck_assert_int_eq(n_resent, 2);
	done(l);
}
END_TEST

Suite *listen_suite(void)
{
	Suite *s = suite_create("listen");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, queue_sizes_follow_reqsk_queue_alloc_and_somaxconn);
	tcase_add_test(tc, a_full_accept_queue_drops_syns_while_young_requests_wait);
	tcase_add_test(tc, a_full_syn_queue_drops_or_answers_with_a_cookie);
	tcase_add_test(tc, the_test_program_drains_the_accept_queue_at_its_pace);
	tcase_add_test(tc, synack_timer_resends_at_3_9_21_45_93_s_then_drops);
	tcase_add_test(tc, synack_timer_ticks_every_200_ms_after_the_first_request);
	suite_add_tcase(s, tc);
	return s;
}
