/* tests/test_sim_process.c - coroutine processes and their synchronisation:
 * ping-pong, waits, park/wake, deep stacks, guard pages, signals, queues. */
#include <check.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include "sim/sync.h"

static char trace[256];
static int n_trace;

static void mark(char c)
{
	trace[n_trace++] = c;
	trace[n_trace] = 0;
}

struct pingpong {
	sim_queue *to_b, *to_a;
	int rounds;
	sim_time done_at;
};

static void ping(sim *s, void *arg)
{
	struct pingpong *pp = arg;
	for (int i = 0; i < pp->rounds; i++) {
		int v = i;
		sim_queue_put(s, pp->to_b, &v);
		sim_queue_get(s, pp->to_a, &v);
		ck_assert_int_eq(v, i + 1000);
		sim_proc_wait(s, sim_ns(10));
	}
	pp->done_at = sim_now(s);
}

static void pong(sim *s, void *arg)
{
	struct pingpong *pp = arg;
	for (int i = 0; i < pp->rounds; i++) {
		int v;
		sim_queue_get(s, pp->to_b, &v);
		ck_assert_int_eq(v, i);
		v += 1000;
		sim_queue_put(s, pp->to_a, &v);
	}
}

START_TEST(ping_pong_between_two_processes)
{
	sim *s = sim_create(1);
	struct pingpong pp = { sim_queue_create(1, sizeof(int)), sim_queue_create(1, sizeof(int)),
			       1000, 0 };
	sim_proc_spawn(s, "ping", ping, &pp, 0);
	sim_proc_spawn(s, "pong", pong, &pp, 0);
	sim_run_until(s, SIM_TIME_MAX);
	ck_assert_uint_eq(pp.done_at, sim_ns(10) * 1000);
	ck_assert_uint_eq(sim_events_pending(s), 0);
	sim_queue_destroy(pp.to_a);
	sim_queue_destroy(pp.to_b);
	sim_destroy(s);
}
END_TEST

static void sleeper(sim *s, void *arg)
{
	char c = (char)(intptr_t)arg;
	sim_proc_wait(s, sim_us((uint64_t)(c - 'a' + 1)));
	mark(c);
	ck_assert_str_eq(sim_proc_name(sim_proc_self(s)), c == 'a' ? "a" : c == 'b' ? "b" : "c");
}

START_TEST(waits_resume_at_the_right_time_in_order)
{
	sim *s = sim_create(1);
	n_trace = 0;
	sim_proc_spawn(s, "c", sleeper, (void *)'c', 0);
	sim_proc_spawn(s, "a", sleeper, (void *)'a', 0);
	sim_proc_spawn(s, "b", sleeper, (void *)'b', 0);
	ck_assert_ptr_null(sim_proc_self(s));
	sim_run_until(s, SIM_TIME_MAX);
	ck_assert_str_eq(trace, "abc");
	ck_assert_uint_eq(sim_now(s), sim_us(3));
	sim_destroy(s);
}
END_TEST

static sim_proc *parked_proc;

static void parker(sim *s, void *arg)
{
	(void)arg;
	mark('p');
	sim_proc_park(s);
	mark('w');
	ck_assert_uint_eq(sim_now(s), sim_us(7));
}

static void waker(sim *s, void *arg)
{
	(void)arg;
	mark('k');
	sim_proc_wake(s, parked_proc);
}

START_TEST(park_until_woken_by_an_event)
{
	sim *s = sim_create(1);
	n_trace = 0;
	parked_proc = sim_proc_spawn(s, "parker", parker, NULL, 0);
	sim_schedule_at(s, sim_us(7), waker, NULL);
	sim_run_until(s, SIM_TIME_MAX);
	ck_assert_str_eq(trace, "pkw");
	sim_destroy(s);
}
END_TEST

/* Woken from events, a process resumes exactly where its queued resumption
 * would have run (sim/process.c resumes it without queueing when nothing
 * else is due): after events already due now, before events scheduled for
 * now after the wake, and after a stop. */
static sim_proc *woken[2];

static void woken_body(sim *s, void *arg)
{
	char c = (char)(uintptr_t)arg;
	for (;;) {
		sim_proc_park(s);
		mark(c);
	}
}

static void mark_x(sim *s, void *arg)
{
	(void)s;
	(void)arg;
	mark('x');
}

static void wake_both_then_schedule_now(sim *s, void *arg)
{
	(void)arg;
	mark('a');
	sim_proc_wake(s, woken[0]);
	sim_proc_wake(s, woken[1]);
	sim_schedule_in(s, 0, mark_x, NULL);
}

static void wake_then_stop(sim *s, void *arg)
{
	(void)arg;
	mark('b');
	sim_proc_wake(s, woken[0]);
	sim_stop(s);
}

static void wake_behind_a_due_event(sim *s, void *arg)
{
	(void)arg;
	mark('c');
	sim_proc_wake(s, woken[1]);
}

static void wake_alone(sim *s, void *arg)
{
	(void)arg;
	mark('d');
	sim_proc_wake(s, woken[0]);
	sim_schedule_in(s, 5, mark_x, NULL);
}

START_TEST(processes_woken_by_events_resume_in_queue_order)
{
	sim *s = sim_create(1);
	n_trace = 0;
	woken[0] = sim_proc_spawn(s, "one", woken_body, (void *)(uintptr_t)'1', 0);
	woken[1] = sim_proc_spawn(s, "two", woken_body, (void *)(uintptr_t)'2', 0);
	sim_schedule_at(s, 10, wake_both_then_schedule_now, NULL);
	sim_schedule_at(s, 20, wake_then_stop, NULL);
	sim_schedule_at(s, 30, wake_behind_a_due_event, NULL);
	sim_schedule_at(s, 30, mark_x, NULL);
	sim_schedule_at(s, 40, wake_alone, NULL);
	/* 2 starts; 'a', its two resumptions and 'x'; 'b', then the stop */
	ck_assert_uint_eq(sim_run_until(s, SIM_TIME_MAX), 2 + 4 + 1);
	ck_assert_str_eq(trace, "a12xb");
	ck_assert_uint_eq(sim_now(s), 20);
	ck_assert_uint_eq(sim_events_pending(s), 1 + 3);   /* the resumption, 3 events */
	/* the stopped run's resumption first; 'x' was due at 30 before the wake */
	ck_assert_uint_eq(sim_run_until(s, SIM_TIME_MAX), 1 + 3 + 3);
	ck_assert_str_eq(trace, "a12xb1cx2d1x");
	ck_assert_uint_eq(sim_now(s), 45);
	ck_assert_uint_eq(sim_events_executed(s), 14);
	sim_destroy(s);
}
END_TEST

static void wake_running(sim *s, void *arg)
{
	(void)arg;
	sim_proc_wake(s, sim_proc_self(s));
}

START_TEST(waking_a_process_that_is_not_parked_is_fatal)
{
	sim *s = sim_create(1);
	sim_proc_spawn(s, "x", wake_running, NULL, 0);
	sim_run_until(s, SIM_TIME_MAX);
}
END_TEST

static unsigned recurse(unsigned depth)
{
	volatile char pad[256];
	memset((char *)pad, (int)depth, sizeof pad);
	if (depth == 0)
		return pad[0];
	return recurse(depth - 1) + pad[1];
}

static void deep(sim *s, void *arg)
{
	unsigned *out = arg;
	sim_proc_wait(s, 1);
	*out = recurse((unsigned)(uintptr_t)*out);
}

START_TEST(deep_recursion_fits_in_a_large_stack)
{
	sim *s = sim_create(1);
	unsigned v = 2000;        /* ~600 KB of frames */
	sim_proc_spawn(s, "deep", deep, &v, 1 << 20);
	sim_run_until(s, SIM_TIME_MAX);
	ck_assert_uint_gt(v, 0);
	sim_destroy(s);
}
END_TEST

START_TEST(stack_overflow_hits_the_guard_page)
{
	sim *s = sim_create(1);
	unsigned v = 100000;      /* far beyond 64 KB */
	sim_proc_spawn(s, "overflowing", deep, &v, 64 * 1024);
	sim_run_until(s, SIM_TIME_MAX);
}
END_TEST

static void many(sim *s, void *arg)
{
	int *count = arg;
	sim_proc_wait(s, sim_ns((uint64_t)(*count % 7)));
	(*count)++;
}

START_TEST(finished_processes_release_their_stacks_for_reuse)
{
	sim *s = sim_create(1);
	int count = 0;
	for (int round = 0; round < 50; round++) {
		for (int i = 0; i < 100; i++)
			sim_proc_spawn(s, "many", many, &count, 0);
		sim_run_until(s, SIM_TIME_MAX);
	}
	ck_assert_int_eq(count, 5000);
	sim_destroy(s);
}
END_TEST

/* ---- signals and queues ---- */

static sim_signal sig;

static void sig_waiter(sim *s, void *arg)
{
	sim_signal_wait(s, &sig);
	mark((char)(intptr_t)arg);
}

static void sig_notifier(sim *s, void *arg)
{
	(void)arg;
	ck_assert(sim_signal_has_waiters(&sig));
	ck_assert(sim_signal_notify_one(s, &sig));
	sim_proc_wait(s, 1);
	sim_signal_notify_all(s, &sig);
	ck_assert(!sim_signal_notify_one(s, &sig));
}

START_TEST(signal_wakes_waiters_in_fifo_order)
{
	sim *s = sim_create(1);
	n_trace = 0;
	memset(&sig, 0, sizeof sig);
	sim_proc_spawn(s, "1", sig_waiter, (void *)'1', 0);
	sim_proc_spawn(s, "2", sig_waiter, (void *)'2', 0);
	sim_proc_spawn(s, "3", sig_waiter, (void *)'3', 0);
	sim_proc_spawn(s, "n", sig_notifier, NULL, 0);
	sim_run_until(s, SIM_TIME_MAX);
	ck_assert_str_eq(trace, "123");
	sim_destroy(s);
}
END_TEST

static void timed_waiter(sim *s, void *arg)
{
	bool *result = arg;
	result[0] = sim_signal_wait_for(s, &sig, sim_us(5));
	ck_assert_uint_eq(sim_now(s), sim_us(5));
	result[1] = sim_signal_wait_for(s, &sig, sim_us(5));
	ck_assert_uint_eq(sim_now(s), sim_us(7));
}

static void late_notify(sim *s, void *arg)
{
	(void)arg;
	sim_signal_notify_one(s, &sig);
}

START_TEST(signal_wait_for_times_out_or_is_notified)
{
	sim *s = sim_create(1);
	memset(&sig, 0, sizeof sig);
	bool result[2] = { true, false };
	sim_proc_spawn(s, "t", timed_waiter, result, 0);
	sim_schedule_at(s, sim_us(7), late_notify, NULL);
	sim_run_until(s, SIM_TIME_MAX);
	ck_assert(!result[0]);
	ck_assert(result[1]);
	ck_assert_uint_eq(sim_events_pending(s), 0);
	sim_destroy(s);
}
END_TEST

struct qtest {
	sim_queue *q;
};

static void producer(sim *s, void *arg)
{
	struct qtest *t = arg;
	for (int i = 0; i < 5; i++) {
		sim_queue_put(s, t->q, &i);       /* blocks on the 3rd until taken */
		mark((char)('0' + i));
	}
}

static void consumer(sim *s, void *arg)
{
	struct qtest *t = arg;
	sim_proc_wait(s, sim_us(1));
	ck_assert_uint_eq(sim_queue_len(t->q), 2);
	for (int i = 0; i < 5; i++) {
		int v;
		sim_queue_get(s, t->q, &v);       /* blocks on empty at the end */
		ck_assert_int_eq(v, i);
		mark('g');
	}
}

START_TEST(queue_blocks_on_full_and_on_empty)
{
	sim *s = sim_create(1);
	n_trace = 0;
	struct qtest t = { sim_queue_create(2, sizeof(int)) };
	ck_assert_uint_eq(sim_queue_capacity(t.q), 2);
	sim_proc_spawn(s, "producer", producer, &t, 0);
	sim_proc_spawn(s, "consumer", consumer, &t, 0);
	sim_run_until(s, SIM_TIME_MAX);
	/* the producer stops at two (full); the consumer drains and blocks on empty */
	ck_assert_str_eq(trace, "01gg23gg4g");
	int v = 9;
	ck_assert(sim_queue_try_put(s, t.q, &v));
	ck_assert(sim_queue_try_put(s, t.q, &v));
	ck_assert(!sim_queue_try_put(s, t.q, &v));
	ck_assert(sim_queue_try_get(s, t.q, &v));
	ck_assert(sim_queue_try_get(s, t.q, &v));
	ck_assert(!sim_queue_try_get(s, t.q, &v));
	sim_queue_destroy(t.q);
	sim_destroy(s);
}
END_TEST

static void blocked_sender(sim *s, void *arg)
{
	struct qtest *t = arg;
	int v = (int)(sim_proc_name(sim_proc_self(s))[0] - 'A');
	sim_queue_put(s, t->q, &v);
}

static void drain(sim *s, void *arg)
{
	struct qtest *t = arg;
	sim_proc_wait(s, sim_us(1));
	for (int i = 0; i < 4; i++) {
		int v;
		sim_queue_get(s, t->q, &v);
		mark((char)('A' + v));
		sim_proc_wait(s, sim_ns(1));
	}
}

START_TEST(blocked_senders_resume_in_the_order_they_blocked)
{
	sim *s = sim_create(1);
	n_trace = 0;
	struct qtest t = { sim_queue_create(1, sizeof(int)) };
	sim_proc_spawn(s, "A", blocked_sender, &t, 0);
	sim_proc_spawn(s, "B", blocked_sender, &t, 0);
	sim_proc_spawn(s, "C", blocked_sender, &t, 0);
	sim_proc_spawn(s, "D", blocked_sender, &t, 0);
	sim_proc_spawn(s, "drain", drain, &t, 0);
	sim_run_until(s, SIM_TIME_MAX);
	ck_assert_str_eq(trace, "ABCD");
	sim_queue_destroy(t.q);
	sim_destroy(s);
}
END_TEST

Suite *sim_process_suite(void)
{
	Suite *s = suite_create("sim_process");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, ping_pong_between_two_processes);
	tcase_add_test(tc, waits_resume_at_the_right_time_in_order);
	tcase_add_test(tc, park_until_woken_by_an_event);
	tcase_add_test(tc, processes_woken_by_events_resume_in_queue_order);
	tcase_add_test_raise_signal(tc, waking_a_process_that_is_not_parked_is_fatal, SIGABRT);
	tcase_add_test(tc, deep_recursion_fits_in_a_large_stack);
#if !defined(__SANITIZE_ADDRESS__)
	tcase_add_test_raise_signal(tc, stack_overflow_hits_the_guard_page, SIGABRT);
#endif
	tcase_add_test(tc, finished_processes_release_their_stacks_for_reuse);
	tcase_add_test(tc, signal_wakes_waiters_in_fifo_order);
	tcase_add_test(tc, signal_wait_for_times_out_or_is_notified);
	tcase_add_test(tc, queue_blocks_on_full_and_on_empty);
	tcase_add_test(tc, blocked_senders_resume_in_the_order_they_blocked);
	suite_add_tcase(s, tc);
	(void)stack_overflow_hits_the_guard_page;
	return s;
}
