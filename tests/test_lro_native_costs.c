/* tests/test_lro_native_costs.c - the work the LRO engine records (its
 * hal_cost counts, tallied by the native HAL) on paths whose cost grows
 * with the burst: freebsd-lro-sorted sorts a burst once, in O(n log n)
 * list steps (tcp_lro_flush_all's tcp_lro_sort), not one ordered insert
 * per frame that walks every queued frame of its flow (O(n^2)). */
/* first: the native names ahead of the firmware headers */
#include "traces/hal_native.h"

#include <check.h>
#include <stdlib.h>

#include "firmware/lro.h"
#include "firmware/lro_policy.h"
#include "tests/testutil.h"

/* List steps the engine records for a burst of n in-order segments of one
 * flow under policy, fed and then ended as one poll. */
static uint64_t list_steps_for_burst(enum lro_policy_id policy, uint32_t n)
{
	struct hal_native_config hc = { .pkt_buffers = 64 };
	ck_assert_int_eq(hal_native_init(&hc), 0);
	struct lro_config c;
	lro_config_default(&c);
	c.policy = (uint8_t)policy;
	c.max_conns = 64;
	c.table_buckets = 16;
	void *mem = aligned_alloc(64, (lro_engine_bytes(&c) + 63) / 64 * 64);
	ck_assert_ptr_nonnull(mem);
	struct lro_engine *eng = lro_engine_init(mem, &c);
	static struct lro_out out;
	struct netpkt_tcp h = testutil_flow(1000);
	uint32_t delivered = 0;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t fl;
		uint8_t *b = testutil_frame(h, i * 1000u, 1000, &fl);
		lro_input(eng, b, fl, i, &out);
		for (uint32_t a = 0; a < out.n; a++)
			delivered += out.a[a].kind == LRO_ACT_DELIVER ? out.a[a].n_segs : 0;
	}
	bool more;
	do {
		more = lro_burst_end(eng, &out);
		for (uint32_t a = 0; a < out.n; a++)
			delivered += out.a[a].kind == LRO_ACT_DELIVER ? out.a[a].n_segs : 0;
	} while (more);
	ck_assert_uint_eq(delivered, n);               /* every segment aggregated */
	uint64_t steps = hal_native_cost_units(HAL_COST_LIST_STEP);
	free(mem);
	testutil_free_frames();
	hal_native_fini();
	return steps;
}

START_TEST(sorted_burst_of_one_flow_costs_n_log_n_list_steps)
{
	const uint32_t n = 256;                        /* FreeBSD's burst (rx_process_limit) */
	uint64_t plain = list_steps_for_burst(LRO_POLICY_FREEBSD_LRO, n);
	uint64_t sorted = list_steps_for_burst(LRO_POLICY_FREEBSD_SORTED, n);
	ck_assert_uint_ge(sorted, plain);
	/* the sort's share: at most n steps per halving (log2 256 = 8), and
	 * far below the n^2 / 2 = 32,640 of an insert walking the queue */
	ck_assert_uint_le(sorted - plain, (uint64_t)n * 9u);
}
END_TEST

Suite *lro_native_costs_suite(void)
{
	Suite *s = suite_create("lro_native_costs");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, sorted_burst_of_one_flow_costs_n_log_n_list_steps);
	suite_add_tcase(s, tc);
	return s;
}
