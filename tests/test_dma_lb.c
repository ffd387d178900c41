/* tests/test_dma_lb.c - the DMA load balancer's queues: round-robin order,
 * fairness against a flooding thread, bounded queues. */
#include <check.h>
#include <stdlib.h>
#include "firmware/dma_lb.h"

static struct dma_lb *lb;

static void setup(void) { lb = malloc(sizeof *lb); }
static void teardown(void) { free(lb); }

/* A request of rx thread `thread`, numbered `n` (in w[3]). */
static struct hal_msg request(unsigned thread, uint64_t n)
{
	struct hal_msg m = { .code = HAL_MSG_DMA_LB, .words = 4 };
	m.w[2] = 1448u | (uint64_t)thread << 32;
	m.w[3] = n;
	return m;
}

/* Forward the next request; its thread and number. */
static void forward(unsigned *thread, uint64_t *n)
{
	const struct hal_msg *m = dma_lb_next(lb);
	ck_assert_ptr_nonnull(m);
	ck_assert_uint_eq(m->code, HAL_MSG_DMA_REQ);
	*thread = (unsigned)(m->w[2] >> 32);
	*n = m->w[3];
	dma_lb_forwarded(lb);
}

START_TEST(requests_leave_round_robin_and_in_order_per_thread)
{
	dma_lb_init(lb, 4);
	for (uint64_t n = 0; n < 3; n++)
		for (unsigned t = 0; t < 3; t++) {
			struct hal_msg m = request(t, n);
			dma_lb_take(lb, t, &m);
		}
	for (uint64_t n = 0; n < 3; n++)
		for (unsigned t = 0; t < 3; t++) {
			unsigned got_t;
			uint64_t got_n;
			forward(&got_t, &got_n);
			ck_assert_uint_eq(got_t, t);   /* queue 3 is empty: skipped */
			ck_assert_uint_eq(got_n, n);
		}
	ck_assert_ptr_null(dma_lb_next(lb));
	ck_assert(!dma_lb_pending(lb));
	ck_assert_uint_eq(lb->taken, 9);
	ck_assert_uint_eq(lb->forwarded, 9);
}
END_TEST

START_TEST(a_flooding_thread_cannot_hold_back_another)
{
	/* thread 0 queues 200 requests, then thread 9 one: a stack would serve
	 * thread 9 at once or, buried, after all of thread 0's; the balancer
	 * serves it within one round, and thread 0 keeps its order */
	dma_lb_init(lb, 13);
	for (uint64_t n = 0; n < 200; n++) {
		struct hal_msg m = request(0, n);
		dma_lb_take(lb, 0, &m);
	}
	unsigned t;
	uint64_t n;
	forward(&t, &n);
	ck_assert_uint_eq(t, 0);
	struct hal_msg late = request(9, 1000);
	dma_lb_take(lb, 9, &late);
	unsigned served_before = 0;
	for (;;) {
		forward(&t, &n);
		if (t == 9)
			break;
		ck_assert_uint_eq(n, served_before + 1);
		served_before++;
	}
	ck_assert_uint_le(served_before, 1);
	ck_assert_uint_eq(n, 1000);
	/* the rest of thread 0's requests follow, in order */
	for (uint64_t want = served_before + 1; want < 200; want++) {
		forward(&t, &n);
		ck_assert_uint_eq(t, 0);
		ck_assert_uint_eq(n, want);
	}
	ck_assert(!dma_lb_pending(lb));
}
END_TEST

START_TEST(every_thread_gets_an_equal_share_while_all_are_backlogged)
{
	dma_lb_init(lb, 13);
	for (unsigned t = 0; t < 13; t++)
		for (uint64_t n = 0; n < 50; n++) {
			struct hal_msg m = request(t, n);
			dma_lb_take(lb, t, &m);
		}
	unsigned served[13] = { 0 };
	for (unsigned i = 0; i < 13 * 20; i++) {
		unsigned t;
		uint64_t n;
		forward(&t, &n);
		served[t]++;
	}
	for (unsigned t = 0; t < 13; t++)
		ck_assert_uint_eq(served[t], 20);
}
END_TEST

START_TEST(a_full_queue_stops_taking)
{
	dma_lb_init(lb, 2);
	ck_assert(dma_lb_has_room(lb));
	for (uint64_t n = 0; n < DMA_LB_QUEUE_DEPTH; n++) {
		struct hal_msg m = request(1, n);
		dma_lb_take(lb, 1, &m);
	}
	ck_assert(!dma_lb_has_room(lb));
	struct hal_msg extra = request(1, 9999);
	dma_lb_take(lb, 1, &extra);    /* refused, not overwritten */
	ck_assert_uint_eq(lb->taken, DMA_LB_QUEUE_DEPTH);
	ck_assert_uint_eq(lb->deepest, DMA_LB_QUEUE_DEPTH);
	unsigned t;
	uint64_t n;
	forward(&t, &n);
	ck_assert_uint_eq(n, 0);
	ck_assert(dma_lb_has_room(lb));
	/* a thread number out of range lands in queue 0 */
	struct hal_msg stray = request(40, 7);
	dma_lb_take(lb, 40, &stray);
	ck_assert_uint_eq(lb->q[0].len, 1);
}
END_TEST

Suite *dma_lb_suite(void)
{
	Suite *s = suite_create("dma_lb");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, requests_leave_round_robin_and_in_order_per_thread);
	tcase_add_test(tc, a_flooding_thread_cannot_hold_back_another);
	tcase_add_test(tc, every_thread_gets_an_equal_share_while_all_are_backlogged);
	tcase_add_test(tc, a_full_queue_stops_taking);
	suite_add_tcase(s, tc);
	return s;
}
