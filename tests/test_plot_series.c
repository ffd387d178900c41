/* tests/test_plot_series.c - the throughput plot's series: one per
 * combination of the swept keys other than the x axis, and the sha256 of
 * summary.json's provenance. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/plot_series.h"
#include "cli/sha256.h"
#include "tests/testutil.h"

/* Writes points.csv text to a temporary file and returns the series data
 * written for it (a static buffer). */
static const char *series_of(const char *csv, struct plot_series *ps, int *rc)
{
	char *dir = testutil_tmpdir();
	char path[4096];
	snprintf(path, sizeof path, "%s/points.csv", dir);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(csv, f);
	fclose(f);
	static char buf[8192];
	memset(buf, 0, sizeof buf);
	FILE *out = fmemopen(buf, sizeof buf - 1, "w");
	char err[256];
	*rc = plot_series_write(path, out, ps, err, sizeof err);
	fclose(out);
	unlink(path);
	rmdir(dir);
	free(dir);
	return buf;
}

#define HEAD "point,mode,connections,dma_buffer,dma_lb,active_ack,threshold_bytes"
#define TAIL ",runs,throughput_gbps,throughput_gbps_min,throughput_gbps_max,integrity\n"

START_TEST(a_swept_key_beside_connections_makes_a_series_per_value)
{
	struct plot_series ps;
	int rc;
	const char *d = series_of(HEAD ",lro.timeout_factor" TAIL
				  "0,lro,1,stack,on,on,64KiB,5,1,1.5,1.4,1.6,ok\n"
				  "1,lro,1,stack,on,on,64KiB,10,1,1.7,1.7,1.7,ok\n"
				  "2,lro,16,stack,on,on,64KiB,5,1,4.5,4.5,4.5,ok\n"
				  "3,lro,16,stack,on,on,64KiB,10,1,4.6,4.6,4.6,ok\n", &ps, &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_str_eq(ps.xkey, "connections");
	ck_assert(ps.x_numeric && ps.logx);
	ck_assert_str_eq(ps.key_title, "lro.timeout_factor");
	ck_assert_uint_eq(ps.n, 2);
	ck_assert_str_eq(ps.titles[0], "5");
	ck_assert_str_eq(ps.titles[1], "10");
	ck_assert_str_eq(d, "1\t1\t1.5\t1.4\t1.6\n16\t16\t4.5\t4.5\t4.5\n\n\n"
			    "1\t1\t1.7\t1.7\t1.7\n16\t16\t4.6\t4.6\t4.6\n");
}
END_TEST

START_TEST(fixed_connections_puts_the_swept_key_on_x)
{
	struct plot_series ps;
	int rc;
	const char *d = series_of(HEAD TAIL
				  "0,lro,8,stack,on,on,64KiB,1,3,3,3,ok\n"
				  "1,lro,8,fifo,on,on,64KiB,1,2,2,2,ok\n"
				  "2,nic,8,stack,on,on,64KiB,1,1,1,1,ok\n"
				  "3,nic,8,fifo,on,on,64KiB,1,0.5,0.5,0.5,ok\n", &ps, &rc);
	ck_assert_int_eq(rc, 0);
	/* the first key that varies; the other one makes the series */
	ck_assert_str_eq(ps.xkey, "mode");
	ck_assert(!ps.x_numeric);
	ck_assert_str_eq(ps.key_title, "dma_buffer");
	ck_assert_uint_eq(ps.n, 2);
	ck_assert_str_eq(ps.titles[0], "stack");
	ck_assert_str_eq(d, "0\tlro\t3\t3\t3\n1\tnic\t1\t1\t1\n\n\n0\tlro\t2\t2\t2\n1\tnic\t0.5\t0.5\t0.5\n");
}
END_TEST

START_TEST(nothing_swept_is_one_series)
{
	struct plot_series ps;
	int rc;
	series_of(HEAD TAIL "0,lro,8,stack,on,on,64KiB,1,3,3,3,ok\n", &ps, &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_uint_eq(ps.n, 1);
	ck_assert_str_eq(ps.xkey, "connections");
	ck_assert_str_eq(ps.key_title, "");
}
END_TEST

START_TEST(not_a_points_file_is_an_error)
{
	struct plot_series ps;
	int rc;
	series_of("run,mode\n0,lro\n", &ps, &rc);
	ck_assert_int_eq(rc, -1);
}
END_TEST

static const char *hex_of(const char *s, size_t len, size_t chunk)
{
	static char hex[65];
	struct sha256 h;
	sha256_init(&h);
	for (size_t i = 0; i < len; i += chunk)
		sha256_update(&h, s + i, len - i < chunk ? len - i : chunk);
	sha256_hex(&h, hex);
	return hex;
}

/* FIPS 180-4 examples, and a message crossing the padding boundary fed in
 * odd pieces */
START_TEST(sha256_matches_the_standard_vectors)
{
	ck_assert_str_eq(hex_of("", 0, 1),
			 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	ck_assert_str_eq(hex_of("abc", 3, 1),
			 "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	ck_assert_str_eq(hex_of(m, strlen(m), 7),
			 "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	static char a[1000000];
	memset(a, 'a', sizeof a);
	ck_assert_str_eq(hex_of(a, sizeof a, 4097),
			 "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}
END_TEST

Suite *plot_series_suite(void)
{
	Suite *s = suite_create("plot_series");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, a_swept_key_beside_connections_makes_a_series_per_value);
	tcase_add_test(tc, fixed_connections_puts_the_swept_key_on_x);
	tcase_add_test(tc, nothing_swept_is_one_series);
	tcase_add_test(tc, not_a_points_file_is_an_error);
	tcase_add_test(tc, sha256_matches_the_standard_vectors);
	suite_add_tcase(s, tc);
	return s;
}
