/* tests/test_sim_kernel.c - event ordering, cancel, run limits, and the
 * event queue against a sorted reference. */
#include <check.h>
#include <signal.h>
#include <stdlib.h>
#include "sim/kernel.h"
#include "sim/rng.h"

static int order[64];
static int n_order;

static void record(sim *s, void *arg)
{
	(void)s;
	order[n_order++] = (int)(intptr_t)arg;
}

START_TEST(same_time_events_run_in_scheduling_order)
{
	sim *s = sim_create(1);
	n_order = 0;
	sim_schedule_at(s, sim_ns(5), record, (void *)3);
	sim_schedule_at(s, sim_ns(1), record, (void *)1);
	for (intptr_t i = 10; i < 20; i++)
		sim_schedule_at(s, sim_ns(2), record, (void *)i);
	ck_assert_uint_eq(sim_run_until(s, SIM_TIME_MAX), 12);
	ck_assert_int_eq(order[0], 1);
	for (int i = 0; i < 10; i++)
		ck_assert_int_eq(order[1 + i], 10 + i);
	ck_assert_int_eq(order[11], 3);
	ck_assert_uint_eq(sim_now(s), sim_ns(5));
	sim_destroy(s);
}
END_TEST

START_TEST(cancel_removes_only_the_named_event)
{
	sim *s = sim_create(1);
	n_order = 0;
	sim_event_handle a = sim_schedule_at(s, 10, record, (void *)1);
	sim_event_handle b = sim_schedule_at(s, 10, record, (void *)2);
	sim_event_handle c = sim_schedule_at(s, 20, record, (void *)3);
	ck_assert(sim_event_pending(s, b));
	ck_assert_int_eq(sim_cancel(s, b), 1);
	ck_assert(!sim_event_pending(s, b));
	ck_assert_int_eq(sim_cancel(s, b), 0);          /* already cancelled */
	ck_assert_uint_eq(sim_events_pending(s), 2);
	sim_run_until(s, SIM_TIME_MAX);
	ck_assert_int_eq(n_order, 2);
	ck_assert_int_eq(order[0], 1);
	ck_assert_int_eq(order[1], 3);
	ck_assert_int_eq(sim_cancel(s, a), 0);          /* already ran */
	ck_assert_int_eq(sim_cancel(s, c), 0);
	/* a stale handle must not cancel the event that reuses its slot */
	sim_event_handle d = sim_schedule_in(s, 5, record, (void *)4);
	ck_assert_int_eq(sim_cancel(s, a), 0);
	ck_assert(sim_event_pending(s, d));
	ck_assert_int_eq(sim_cancel(s, (sim_event_handle){ 0, 0 }), 0);
	sim_destroy(s);
}
END_TEST

START_TEST(run_until_stops_at_the_limit_and_sets_the_clock)
{
	sim *s = sim_create(1);
	n_order = 0;
	sim_schedule_at(s, sim_us(1), record, (void *)1);
	sim_schedule_at(s, sim_us(3), record, (void *)2);
	ck_assert_uint_eq(sim_run_until(s, sim_us(2)), 1);
	ck_assert_uint_eq(sim_now(s), sim_us(2));
	ck_assert_uint_eq(sim_run_until(s, sim_us(3)), 1);
	ck_assert_uint_eq(sim_events_executed(s), 2);
	sim_destroy(s);
}
END_TEST

static void stopper(sim *s, void *arg)
{
	(void)arg;
	sim_stop(s);
}

START_TEST(stop_ends_the_run_after_the_current_event)
{
	sim *s = sim_create(1);
	n_order = 0;
	sim_schedule_at(s, 1, stopper, NULL);
	sim_schedule_at(s, 2, record, (void *)1);
	ck_assert_uint_eq(sim_run_until(s, SIM_TIME_MAX), 1);
	ck_assert_int_eq(n_order, 0);
	ck_assert_uint_eq(sim_run_until(s, SIM_TIME_MAX), 1);
	ck_assert_int_eq(n_order, 1);
	sim_destroy(s);
}
END_TEST

static void schedule_past(sim *s, void *arg)
{
	(void)arg;
	sim_schedule_at(s, sim_now(s) - 1, record, NULL);
}

START_TEST(scheduling_in_the_past_is_fatal)
{
	sim *s = sim_create(1);
	sim_schedule_at(s, 100, schedule_past, NULL);
	sim_run_until(s, SIM_TIME_MAX);
}
END_TEST

static int progress_calls;
static void on_progress(sim *s, void *arg)
{
	(void)s;
	(void)arg;
	progress_calls++;
}

START_TEST(progress_hook_runs_every_n_events)
{
	sim *s = sim_create(1);
	progress_calls = 0;
	n_order = 0;
	sim_set_progress(s, 4, on_progress, NULL);
	for (int i = 0; i < 10; i++)
		sim_schedule_at(s, (sim_time)i, record, NULL);
	sim_run_until(s, SIM_TIME_MAX);
	ck_assert_int_eq(progress_calls, 2);
	sim_destroy(s);
}
END_TEST

/* Random pushes, pops and cancels checked against a brute-force reference.
 * A push's time is uniform in [0, 50) when `same_time_tenths` is 0; else
 * it is the last popped event's time in that many tenths of the pushes
 * (the queue's same-time FIFO), and up to 3 later otherwise. */
static void check_queue_against_reference(int same_time_tenths)
{
	enum { N = 4000 };
	static struct { sim_time t; uint64_t seq; uint64_t h; int live; } ref[N];
	evq *q = evq_create();
	sim_rng r;
	sim_rng_seed(&r, 42);
	int n = 0;
	uint64_t seq = 0;
	sim_time last = 0;
	for (int step = 0; step < 20000; step++) {
		uint64_t op = sim_rng_below(&r, 10);
		if (op < 5 && n < N) {
			sim_time t;
			if (same_time_tenths == 0)
				t = sim_rng_below(&r, 50);
			else if (sim_rng_below(&r, 10) < (uint64_t)same_time_tenths)
				t = last;
			else
				t = last + 1 + sim_rng_below(&r, 3);
			ref[n].t = t;
			ref[n].seq = seq++;
			ref[n].h = evq_push(q, t, NULL, (void *)(intptr_t)n);
			ref[n].live = 1;
			n++;
		} else if (op < 7 && n > 0) {
			int i = (int)sim_rng_below(&r, (uint64_t)n);
			ck_assert_int_eq(evq_contains(q, ref[i].h), ref[i].live);
			ck_assert_int_eq(evq_cancel(q, ref[i].h), ref[i].live);
			ref[i].live = 0;
		} else {
			int best = -1;
			for (int i = 0; i < n; i++)
				if (ref[i].live && (best < 0 || ref[i].t < ref[best].t ||
						    (ref[i].t == ref[best].t && ref[i].seq < ref[best].seq)))
					best = i;
			evq_event ev;
			if (best < 0) {
				ck_assert_uint_eq(evq_peek_time(q), SIM_TIME_MAX);
				ck_assert_int_eq(evq_pop(q, &ev), 0);
				continue;
			}
			ck_assert_uint_eq(evq_peek_time(q), ref[best].t);
			if (ref[best].t > 0)
				ck_assert_int_eq(evq_pop_until(q, ref[best].t - 1, &ev), 0);
			ck_assert_int_eq(evq_pop_until(q, ref[best].t, &ev), 1);
			ck_assert_int_eq((int)(intptr_t)ev.arg, best);
			ck_assert_uint_eq(ev.time, ref[best].t);
			ref[best].live = 0;
			last = ev.time;
		}
		size_t live = 0;
		for (int i = 0; i < n; i++)
			live += (size_t)ref[i].live;
		ck_assert_uint_eq(evq_size(q), live);
	}
	evq_destroy(q);
}

START_TEST(event_queue_matches_reference_under_random_operations)
{
	check_queue_against_reference(0);
}
END_TEST

/* Mostly pushes for the current time: the FIFO beside the heap, its holes
 * from cancels and its growth past its first 256 entries. */
START_TEST(event_queue_same_time_pushes_match_reference)
{
	check_queue_against_reference(7);
}
END_TEST

/* sim_quiet_until and sim_run_ahead, from an event at t=10 with the next
 * one at 100 and the run ending at 1,000. */
static int ahead_checked;

static void noop(sim *s, void *arg)
{
	(void)s;
	(void)arg;
}

static void look_ahead(sim *s, void *arg)
{
	(void)arg;
	ck_assert(sim_quiet_until(s, 99));
	ck_assert(!sim_quiet_until(s, 100));     /* the event at 100 runs first */
	ck_assert(!sim_quiet_until(s, 2000));    /* past the run's end */
	uint64_t before = sim_events_executed(s);
	sim_run_ahead(s, 50, 2);
	ck_assert_uint_eq(sim_now(s), 50);
	ck_assert_uint_eq(sim_events_executed(s), before + 2);
	sim_schedule_in(s, 0, noop, NULL);       /* for the new time */
	ahead_checked = 1;
}

START_TEST(run_ahead_moves_the_clock_only_when_nothing_is_due)
{
	sim *s = sim_create(1);
	ahead_checked = 0;
	ck_assert(!sim_quiet_until(s, 5));        /* outside a run */
	sim_schedule_at(s, 10, look_ahead, NULL);
	sim_schedule_at(s, 100, noop, NULL);
	ck_assert_uint_eq(sim_run_until(s, 1000), 3 + 2);
	ck_assert_int_eq(ahead_checked, 1);
	ck_assert_uint_eq(sim_now(s), 1000);
	sim_destroy(s);
}
END_TEST

Suite *sim_kernel_suite(void)
{
	Suite *s = suite_create("sim_kernel");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, same_time_events_run_in_scheduling_order);
	tcase_add_test(tc, cancel_removes_only_the_named_event);
	tcase_add_test(tc, run_until_stops_at_the_limit_and_sets_the_clock);
	tcase_add_test(tc, stop_ends_the_run_after_the_current_event);
	tcase_add_test_raise_signal(tc, scheduling_in_the_past_is_fatal, SIGABRT);
	tcase_add_test(tc, progress_hook_runs_every_n_events);
	tcase_add_test(tc, event_queue_matches_reference_under_random_operations);
	tcase_add_test(tc, event_queue_same_time_pushes_match_reference);
	tcase_add_test(tc, run_ahead_moves_the_clock_only_when_nothing_is_due);
	suite_add_tcase(s, tc);
	return s;
}
