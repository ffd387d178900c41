/* tests/test_dma_report.c - the DMA starvation report: overtaking counts,
 * depth/age sampling, starved connections. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/dma_report.h"
#include "tests/testutil.h"

static struct dma_report_req req(sim_time enq, sim_time start, int conn, int syn)
{
	struct dma_report_req q = { 0 };
	q.enqueue_ps = enq;
	q.start_ps = start;
	q.conn = conn;
	q.is_syn = (uint8_t)syn;
	q.len_bytes = 64;
	return q;
}

static char *slurp(const char *dir, const char *name)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	static char buf[1 << 16];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = 0;
	fclose(f);
	return buf;
}

/* LIFO service: A (t=0) waits while B, C (newer) are served first. */
START_TEST(overtaking_counts_newer_requests_served_first)
{
	struct dma_report *r = dma_report_create();
	struct dma_report_req a = req(sim_us(0), sim_us(30), 0, 1);
	struct dma_report_req b = req(sim_us(1), sim_us(10), 1, 0);
	struct dma_report_req c = req(sim_us(2), sim_us(20), 1, 0);
	dma_report_add(r, &a);
	dma_report_add(r, &b);
	dma_report_add(r, &c);
	char *dir = testutil_tmpdir();
	ck_assert_int_eq(dma_report_write(r, dir, sim_us(10), sim_us(40), NULL, 0), 0);
	char *csv = slurp(dir, "dma_requests.csv");
	/* request 0 waited 30 us and was overtaken by both newer ones */
	ck_assert_ptr_nonnull(strstr(csv, "\n0,0.000000000,0.000030000,30.000,0,0,1,0,64,0,2,0\n"));
	ck_assert_ptr_nonnull(strstr(csv, "\n1,0.000001000,0.000010000,9.000,0,1,0,0,64,0,0,0\n"));
	dma_report_destroy(r);
	free(dir);
}
END_TEST

START_TEST(depth_and_oldest_age_are_sampled_per_interval)
{
	struct dma_report *r = dma_report_create();
	struct dma_report_req a = req(sim_us(0), sim_us(25), 0, 0);
	struct dma_report_req b = req(sim_us(5), sim_us(6), 0, 0);
	dma_report_add(r, &a);
	dma_report_add(r, &b);
	char *dir = testutil_tmpdir();
	ck_assert_int_eq(dma_report_write(r, dir, sim_us(10), sim_us(30), NULL, 0), 0);
	char *csv = slurp(dir, "dma_depth.csv");
	/* [0,10): depth reaches 2, oldest (a) is 10 us old at the interval end;
	 * [10,20): depth 1, a is 20 us old; [20,30): a served at 25 -> 25 us */
	ck_assert_str_eq(csv, "time_s,depth,oldest_age_us\n"
			      "0.000000,2,10.000\n"
			      "0.000010,1,20.000\n"
			      "0.000020,1,25.000\n");
	dma_report_destroy(r);
	free(dir);
}
END_TEST

START_TEST(syn_waiting_past_rto_marks_connection_starved)
{
	struct dma_report *r = dma_report_create();
	struct dma_report_req fast = req(sim_ms(1), sim_ms(2), 0, 1);
	struct dma_report_req slow = req(sim_ms(1), sim_s(4), 1, 1);
	struct dma_report_req lost = req(sim_ms(1), DMA_REPORT_NOT_SERVED, 2, 1);
	struct dma_report_req data = req(sim_ms(1), sim_s(5), 0, 0);
	dma_report_add(r, &fast);
	dma_report_add(r, &slow);
	dma_report_add(r, &lost);
	dma_report_add(r, &data);
	struct dma_report_summary s;
	dma_report_summarize(r, sim_s(6), sim_s(3), &s);
	ck_assert_uint_eq(s.requests, 4);
	ck_assert_uint_eq(s.never_served, 1);
	ck_assert_uint_eq(s.syn_requests, 3);
	ck_assert_uint_eq(s.starved_connections, 2);
	ck_assert_uint_eq(s.syn_wait_max_ps, sim_s(6) - sim_ms(1));

	struct dma_report_conn conns[3] = {
		{ sim_ms(1), sim_ms(3), 0 },
		{ sim_ms(1), sim_s(4), 1 },
		{ sim_ms(1), SIM_TIME_MAX, 5 },
	};
	char *dir = testutil_tmpdir();
	ck_assert_int_eq(dma_report_write(r, dir, sim_ms(100), sim_s(6), conns, 3), 0);
	char *txt = slurp(dir, "dma_report.txt");
	ck_assert_ptr_nonnull(strstr(txt, "connection 2: NEVER established, 5 SYN"));
	ck_assert_ptr_nonnull(strstr(txt, "never served"));
	/* the longest setups, longest first: 2 still waits at the end (6 s),
	 * 1 took 3.999 s, 0 took 2 ms */
	char *top = strstr(txt, "Longest setups");
	ck_assert_ptr_nonnull(top);
	char *c2 = strstr(top, "connection 2: 5.999000 s and still waiting, 5 SYN");
	char *c1 = strstr(top, "connection 1: 3.999000 s, 1 SYN");
	char *c0 = strstr(top, "connection 0: 0.002000 s, 0 SYN");
	ck_assert_ptr_nonnull(c2);
	ck_assert_ptr_nonnull(c1);
	ck_assert_ptr_nonnull(c0);
	ck_assert(c2 < c1 && c1 < c0);
	ck_assert_ptr_nonnull(strstr(txt, "first SYN at 0.001000, setup still waiting after 5.999000 s"));
	dma_report_destroy(r);

	/* a SYN-ACK the tx thread fetched from host memory is told apart */
	r = dma_report_create();
	struct dma_report_req synack = req(sim_ms(2), sim_s(2), 0, 1);
	synack.from_host = 1;
	synack.requester = 13;
	dma_report_add(r, &fast);
	dma_report_add(r, &synack);
	ck_assert_int_eq(dma_report_write(r, dir, sim_ms(100), sim_s(6), conns, 1), 0);
	txt = slurp(dir, "dma_report.txt");
	ck_assert_ptr_nonnull(strstr(txt, "  SYN request 0 from station 0: entered at 0.001000"));
	ck_assert_ptr_nonnull(strstr(txt, "  SYN-ACK fetch 1 from station 13: entered at 0.002000"));
	char *csv = slurp(dir, "dma_requests.csv");
	ck_assert_ptr_nonnull(strstr(csv, "\n1,0.002000000,2.000000000,1998000.000,13,0,1,0,64,0,0,1\n"));
	dma_report_destroy(r);
	free(dir);
}
END_TEST

START_TEST(per_requester_table_shows_whose_requests_sank)
{
	struct dma_report *r = dma_report_create();
	/* station 5 (core 1) is served at once; station 12 (core 3) waits 2 s
	 * once and is never served once */
	for (int i = 0; i < 3; i++) {
		struct dma_report_req q = req(sim_ms(i), sim_ms(i) + sim_us(2), -1, 0);
		q.requester = 5;
		dma_report_add(r, &q);
	}
	struct dma_report_req sank = req(sim_ms(1), sim_s(2) + sim_ms(1), -1, 0);
	sank.requester = 12;
	struct dma_report_req lost = req(sim_s(1), DMA_REPORT_NOT_SERVED, -1, 0);
	lost.requester = 12;
	dma_report_add(r, &sank);
	dma_report_add(r, &lost);
	char *dir = testutil_tmpdir();
	ck_assert_int_eq(dma_report_write(r, dir, sim_ms(100), sim_s(3), NULL, 0), 0);
	char *txt = slurp(dir, "dma_report.txt");
	/* station core requests never p50(us) max(ms) >100ms */
	ck_assert_ptr_nonnull(strstr(txt, "\n      5     1         3             0        2.000        0.002               0\n"));
	ck_assert_ptr_nonnull(strstr(txt, "\n     12     3         2             1  2000000.000     2000.000               2\n"));
	ck_assert_ptr_null(strstr(txt, "\n      0     0"));   /* stations without requests are left out */
	dma_report_destroy(r);
	free(dir);
}
END_TEST

Suite *dma_report_suite(void)
{
	Suite *s = suite_create("dma_report");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, overtaking_counts_newer_requests_served_first);
	tcase_add_test(tc, depth_and_oldest_age_are_sampled_per_interval);
	tcase_add_test(tc, syn_waiting_past_rto_marks_connection_starved);
	tcase_add_test(tc, per_requester_table_shows_whose_requests_sank);
	suite_add_tcase(s, tc);
	return s;
}
