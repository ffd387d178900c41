/* tests/test_sim_stats.c - time-weighted averages, histograms, logging. */
#include <check.h>
#include <stdio.h>
#include <string.h>
#include "sim/log.h"
#include "sim/process.h"
#include "sim/stats.h"

START_TEST(time_weighted_mean_weights_by_duration)
{
	sim_tavg a;
	sim_tavg_init(&a, 0, 0);
	sim_tavg_set(&a, 10, 4);     /* 0 for 10 ps */
	sim_tavg_set(&a, 30, 1);     /* 4 for 20 ps */
	/* then 1 for 10 ps: (0*10 + 4*20 + 1*10) / 40 */
	ck_assert_double_eq_tol(sim_tavg_mean(&a, 40), 90.0 / 40.0, 1e-12);
	ck_assert_double_eq(a.max, 4);
}
END_TEST

START_TEST(histogram_percentiles_within_stated_error)
{
	static sim_hist h;
	sim_hist_init(&h);
	for (uint64_t v = 1; v <= 100000; v++)
		sim_hist_add(&h, v);
	ck_assert_uint_eq(h.count, 100000);
	ck_assert_uint_eq(h.min, 1);
	ck_assert_uint_eq(h.max, 100000);
	double ps[] = { 50, 90, 99, 99.9 };
	for (unsigned i = 0; i < 4; i++) {
		double exact = ps[i] * 1000;
		double got = (double)sim_hist_percentile(&h, ps[i]);
		ck_assert(got >= exact);
		ck_assert(got <= exact * (1.0 + 1.0 / SIM_HIST_SUB) + 1);
	}
	ck_assert_uint_eq(sim_hist_percentile(&h, 100), 100000);
	ck_assert_uint_eq(sim_hist_percentile(&h, 0), 1);
	ck_assert_double_eq_tol(sim_hist_mean(&h), 50000.5, 1e-6);
	/* small values are exact */
	sim_hist_init(&h);
	sim_hist_add(&h, 3);
	sim_hist_add(&h, 7);
	ck_assert_uint_eq(sim_hist_percentile(&h, 50), 3);
	ck_assert_uint_eq(sim_hist_percentile(&h, 51), 7);
	sim_hist_init(&h);
	ck_assert_uint_eq(sim_hist_percentile(&h, 50), 0);
}
END_TEST

SIM_LOG_MODULE(dma);
SIM_LOG_MODULE(fmn);

START_TEST(log_filters_by_module_and_level)
{
	char buf[4096] = "";
	FILE *f = fmemopen(buf, sizeof buf, "w");
	char err[128];
	sim_log_set_stream(f);
	ck_assert_int_eq(sim_log_configure("dma=debug", err, sizeof err), 0);
	sim *s = sim_create(1);
	SIM_LOG(s, dma, SIM_LOG_DEBUG, "request %d", 7);
	SIM_LOG(s, dma, SIM_LOG_TRACE, "hidden");
	SIM_LOG(s, fmn, SIM_LOG_INFO, "hidden too");
	SIM_LOG(s, fmn, SIM_LOG_WARN, "credit %s", "low");
	ck_assert_int_eq(sim_log_configure("trace,dma=off", err, sizeof err), 0);
	SIM_LOG(s, dma, SIM_LOG_ERROR, "off");
	SIM_LOG(s, fmn, SIM_LOG_TRACE, "now visible");
	fclose(f);
	sim_log_set_stream(NULL);
	ck_assert_str_eq(buf, "0.000000000 debug dma: request 7\n"
			      "0.000000000 warn  fmn: credit low\n"
			      "0.000000000 trace fmn: now visible\n");
	ck_assert_int_eq(sim_log_configure("dma=loud", err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "unknown level 'loud'"));
	ck_assert_int_eq(sim_log_configure("=debug", err, sizeof err), -1);
	ck_assert_int_eq(sim_log_configure("", err, sizeof err), 0);
	sim_destroy(s);
}
END_TEST

/* The small accessors every module reports through. */
START_TEST(names_and_accessors_report_the_build_and_state)
{
	const char *sw = sim_proc_switch_name();
	ck_assert(!strcmp(sw, "asm-x86_64") || !strcmp(sw, "asm-aarch64") ||
		  !strcmp(sw, "ucontext"));
#ifdef SIM_CORO_UCONTEXT
	ck_assert_str_eq(sw, "ucontext");
#endif
	const char *q = evq_name();
#ifdef SIM_EVQ_HEAP2
	ck_assert_str_eq(q, "heap2");
#else
	ck_assert_str_eq(q, "heap4");
#endif
	ck_assert_str_eq(sim_log_level_name(SIM_LOG_DEBUG), "debug");
	ck_assert_str_eq(sim_log_level_name(99), "?");
	sim *s = sim_create(1234);
	ck_assert_uint_eq(sim_seed(s), 1234);
	ck_assert_uint_eq(sim_events_pending(s), 0);
	sim_destroy(s);
}
END_TEST

Suite *sim_stats_suite(void)
{
	Suite *s = suite_create("sim_stats");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, time_weighted_mean_weights_by_duration);
	tcase_add_test(tc, histogram_percentiles_within_stated_error);
	tcase_add_test(tc, log_filters_by_module_and_level);
	tcase_add_test(tc, names_and_accessors_report_the_build_and_state);
	suite_add_tcase(s, tc);
	return s;
}

