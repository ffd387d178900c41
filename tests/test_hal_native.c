/* tests/test_hal_native.c - the native HAL (traces/hal_native.c): its
 * packet pool, clock, FMN queues, MSIs and parameters keep
 * firmware/hal.h's contract. */
/* first: the native names ahead of the firmware headers */
#include "traces/hal_native.h"

#include <check.h>

START_TEST(pool_hands_out_each_buffer_once_last_freed_first)
{
	struct hal_native_config c = { .pkt_buffers = 4 };
	ck_assert_int_eq(hal_native_init(&c), 0);
	ck_assert_int_eq(hal_native_init(&c), -1);      /* one machine at a time */
	ck_assert_uint_eq(hal_pkt_pool_size(), 4);
	void *b[4];
	for (int i = 0; i < 4; i++) {
		b[i] = hal_pkt_alloc();
		ck_assert_ptr_nonnull(b[i]);
		ck_assert_uint_eq(hal_native_pkt_index(b[i]), (unsigned)i);
		ck_assert_ptr_eq(hal_ptr_of(hal_addr_of(b[i])), b[i]);
	}
	ck_assert_ptr_null(hal_pkt_alloc());
	ck_assert_uint_eq(hal_pkt_free_count(), 0);
	hal_pkt_free(b[2]);
	hal_pkt_free(b[0]);
	ck_assert_uint_eq(hal_pkt_free_count(), 2);
	ck_assert_ptr_eq(hal_pkt_alloc(), b[0]);
	ck_assert_uint_eq(hal_native_pkt_index((char *)b[1] + 1), UINT32_MAX);
	hal_native_pool_reset();
	ck_assert_uint_eq(hal_pkt_free_count(), 4);
	ck_assert_ptr_eq(hal_pkt_alloc(), b[0]);
	hal_native_fini();
}
END_TEST

START_TEST(clock_runs_at_the_configured_rate_and_waits_advance_it)
{
	struct hal_native_config c = { .pkt_buffers = 1, .clock_hz = 2000000000u };
	ck_assert_int_eq(hal_native_init(&c), 0);
	ck_assert_uint_eq(hal_cycles_per_second(), 2000000000u);
	hal_native_set_time_ns(1500);
	ck_assert_uint_eq(hal_cycles(), 3000);
	hal_wait_cycles(2000);
	ck_assert_uint_eq(hal_native_time_ns(), 2500);
	hal_native_set_time_ns(UINT64_MAX / 4);        /* no overflow on the way */
	ck_assert_uint_eq(hal_cycles(), UINT64_MAX / 4 / 1000000000u * 2000000000u +
					   UINT64_MAX / 4 % 1000000000u * 2u);
	ck_assert_uint_eq(hal_thread_id(), 0);
	ck_assert_uint_eq(hal_thread_count(), 1);
	hal_native_fini();
}
END_TEST

START_TEST(fmn_queues_hold_credits_and_order)
{
	struct hal_native_config c = { .pkt_buffers = 1, .fmn_depth = 2 };
	ck_assert_int_eq(hal_native_init(&c), 0);
	struct hal_msg m = { .code = HAL_MSG_DMA_REQ, .words = 4 }, got;
	unsigned dst;
	m.w[3] = 1;
	ck_assert(hal_fmn_try_send(hal_station_dma(), &m));
	m.w[3] = 2;
	ck_assert(hal_fmn_try_send(hal_station_dma(), &m));
	ck_assert(!hal_fmn_try_send(hal_station_dma(), &m));       /* out of credits */
	ck_assert_uint_eq(hal_fmn_credits_in_use(hal_station_dma()), 2);
	/* a wait for a credit only passes the time */
	hal_native_set_time_ns(0);
	ck_assert(!hal_fmn_wait(hal_station_dma(), 2, HAL_BUCKETS, 1000));
	ck_assert_uint_eq(hal_native_time_ns(), 1000);
	ck_assert(hal_native_fmn_take(&dst, &got));
	ck_assert_uint_eq(dst, hal_station_dma());
	ck_assert_uint_eq(got.w[3], 1);
	ck_assert_uint_eq(got.src, hal_station_of_thread(0));
	ck_assert_uint_eq(hal_fmn_credits_in_use(hal_station_dma()), 1);
	ck_assert(hal_fmn_wait(hal_station_dma(), 2, HAL_BUCKETS, 0));
	ck_assert(hal_native_fmn_take(&dst, &got) && got.w[3] == 2);
	ck_assert(!hal_native_fmn_take(&dst, &got));
	/* to the thread itself: data, and completions taken first */
	struct hal_msg data = { .code = HAL_MSG_USER, .words = 1 };
	struct hal_msg done = { .code = HAL_MSG_DMA_DONE, .words = 2 };
	ck_assert(hal_fmn_try_send(hal_station_of_thread(0), &data));
	ck_assert(hal_native_fmn_put(HAL_BUCKET_COMPLETION, hal_station_dma(), &done));
	ck_assert(!hal_fmn_wait(HAL_NO_STATION, 0, HAL_BUCKET_COMPLETION, 0));   /* a message waits */
	hal_fmn_recv(&got);
	ck_assert_uint_eq(got.code, HAL_MSG_DMA_DONE);
	ck_assert_uint_eq(got.src, hal_station_dma());
	ck_assert(hal_fmn_try_recv(&got) && got.code == HAL_MSG_USER);
	ck_assert(!hal_fmn_try_recv(&got));
	ck_assert(!hal_fmn_try_recv_bucket(HAL_BUCKET_DATA, &got));
	hal_native_fini();
}
END_TEST

START_TEST(parameters_msis_and_shared_memory)
{
	struct hal_native_config c = { .pkt_buffers = 1, .shm_bytes = 4096 };
	ck_assert_int_eq(hal_native_init(&c), 0);
	ck_assert_uint_eq(hal_param("lro.threshold", 7), 7);
	ck_assert_int_eq(hal_native_set_param("lro.threshold", 3000), 0);
	ck_assert_int_eq(hal_native_set_param("lro.threshold", 4000), 0);
	ck_assert_uint_eq(hal_param("lro.threshold", 7), 4000);
	ck_assert_uint_eq(hal_param("lro.other", 7), 7);
	hal_msi_raise(3);
	hal_msi_raise(3);
	ck_assert_uint_eq(hal_native_msi_count(3), 2);
	ck_assert_uint_eq(hal_native_msi_count(4), 0);
	ck_assert_uint_eq(hal_shm_size(), 4096);
	unsigned char *shm = hal_shm_base();
	ck_assert_ptr_nonnull(shm);
	ck_assert_uint_eq(shm[0] | shm[4095], 0);
	hal_native_fini();
}
END_TEST

Suite *hal_native_suite(void)
{
	Suite *s = suite_create("hal_native");
	TCase *tc = tcase_create("hal_native");
	tcase_add_test(tc, pool_hands_out_each_buffer_once_last_freed_first);
	tcase_add_test(tc, clock_runs_at_the_configured_rate_and_waits_advance_it);
	tcase_add_test(tc, fmn_queues_hold_credits_and_order);
	tcase_add_test(tc, parameters_msis_and_shared_memory);
	suite_add_tcase(s, tc);
	return s;
}
