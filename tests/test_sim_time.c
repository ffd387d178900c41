/* tests/test_sim_time.c - unit conversions, rounding and overflow detection. */
#include <check.h>
#include <signal.h>
#include "sim/time.h"

START_TEST(units_convert_to_picoseconds)
{
	ck_assert_uint_eq(sim_ns(1), 1000);
	ck_assert_uint_eq(sim_us(3), 3000000);
	ck_assert_uint_eq(sim_ms(200), 200000000000ULL);
	ck_assert_uint_eq(sim_s(2), 2000000000000ULL);
	ck_assert_uint_eq(sim_time_from_seconds(1.5e-9), 1500);
	ck_assert_double_eq_tol(sim_time_to_seconds(sim_ms(250)), 0.25, 1e-15);
	ck_assert_double_eq_tol(sim_time_to_us(sim_ns(1500)), 1.5, 1e-12);
}
END_TEST

START_TEST(cycles_round_to_nearest_picosecond)
{
	/* 1.2 GHz: 833.33 ps per cycle */
	ck_assert_uint_eq(sim_cycles(1, 1200000000ULL), 833);
	ck_assert_uint_eq(sim_cycles(3, 1200000000ULL), 2500);
	ck_assert_uint_eq(sim_cycles(2930000000ULL, 2930000000ULL), sim_s(1));
	/* large counts must not overflow the intermediate product */
	ck_assert_uint_eq(sim_cycles(1000000000000ULL, 1000000000ULL), sim_s(1000));
	ck_assert_uint_eq(sim_time_to_cycles(sim_us(1), 1000000000ULL), 1000);
}
END_TEST

START_TEST(bytes_time_rounds_up)
{
	/* 1538 wire bytes at 10 Gbps: 1230.4 ns */
	ck_assert_uint_eq(sim_bytes_time(1538, 10000000000ULL), 1230400);
	ck_assert_uint_eq(sim_bytes_time(1, 3000000000ULL), 2667);
}
END_TEST

/* The 64-bit paths of the conversions against 128-bit arithmetic, over
 * values around their limits and random ones. */
START_TEST(conversions_match_wide_arithmetic)
{
	static const uint64_t hzs[] = { 1, 3, 1000000000ULL, 1200000000ULL, 2930000000ULL,
					(1ULL << 33) - 1, 1ULL << 33, (1ULL << 40) - 1, 1ULL << 40 };
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	for (int i = 0; i < 20000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		uint64_t hz = hzs[i % 9];
		uint64_t v = x >> (i % 64);          /* every magnitude */
		unsigned __int128 want = ((unsigned __int128)v * hz) / SIM_PS_PER_S;
		ck_assert_uint_eq(sim_time_to_cycles(v, hz), (uint64_t)want);
		uint64_t cyc = v % (hz * 3 + 17000000u);
		uint64_t rem = cyc % hz;
		unsigned __int128 frac = ((unsigned __int128)rem * SIM_PS_PER_S + hz / 2) / hz;
		unsigned __int128 ps = (unsigned __int128)(cyc / hz) * SIM_PS_PER_S + frac;
		if (ps <= SIM_TIME_MAX)
			ck_assert_uint_eq(sim_cycles(cyc, hz), (uint64_t)ps);
		uint64_t bytes = v % 4000000u, bps = hz * 10u;
		unsigned __int128 t = ((unsigned __int128)bytes * 8u * SIM_PS_PER_S + bps - 1) / bps;
		if (t <= SIM_TIME_MAX)
			ck_assert_uint_eq(sim_bytes_time(bytes, bps), (uint64_t)t);
	}
}
END_TEST

START_TEST(checked_add_reports_overflow)
{
	sim_time r;
	ck_assert(sim_time_add_checked(1, 2, &r));
	ck_assert_uint_eq(r, 3);
	ck_assert(!sim_time_add_checked(SIM_TIME_MAX, 1, &r));
	ck_assert(sim_time_add_checked(SIM_TIME_MAX - 1, 1, &r));
}
END_TEST

START_TEST(add_overflow_is_fatal)
{
	sim_time_add(SIM_TIME_MAX - 5, 10);
}
END_TEST

START_TEST(mul_overflow_is_fatal)
{
	sim_s(UINT64_MAX / 1000);
}
END_TEST

START_TEST(negative_seconds_are_fatal)
{
	sim_time_from_seconds(-1.0);
}
END_TEST

Suite *sim_time_suite(void)
{
	Suite *s = suite_create("sim_time");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, units_convert_to_picoseconds);
	tcase_add_test(tc, cycles_round_to_nearest_picosecond);
	tcase_add_test(tc, bytes_time_rounds_up);
	tcase_add_test(tc, conversions_match_wide_arithmetic);
	tcase_add_test(tc, checked_add_reports_overflow);
	tcase_add_test_raise_signal(tc, add_overflow_is_fatal, SIGABRT);
	tcase_add_test_raise_signal(tc, mul_overflow_is_fatal, SIGABRT);
	tcase_add_test_raise_signal(tc, negative_seconds_are_fatal, SIGABRT);
	suite_add_tcase(s, tc);
	return s;
}
