/* tests/test_shard.c - shard slices cover a sweep exactly once, evenly, and
 * --shard rejects what is not K/N with 1 <= K <= N; sweep.json reads back. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli/shard.h"

START_TEST(slices_cover_every_run_once)
{
	static const unsigned runs[] = { 0, 1, 5, 12, 13, 924, 1000000 };
	for (unsigned r = 0; r < sizeof runs / sizeof runs[0]; r++) {
		for (unsigned n = 1; n <= 64; n++) {
			unsigned next = 0, min = ~0u, max = 0;
			for (unsigned k = 1; k <= n; k++) {
				unsigned first, last;
				shard_range(runs[r], k, n, &first, &last);
				ck_assert_uint_eq(first, next);     /* contiguous, in order */
				ck_assert_uint_le(first, last);
				next = last;
				if (last - first < min)
					min = last - first;
				if (last - first > max)
					max = last - first;
			}
			ck_assert_uint_eq(next, runs[r]);           /* all of them */
			ck_assert_uint_le(max - min, 1);             /* evenly */
		}
	}
}
END_TEST

START_TEST(shard_spec_parses)
{
	unsigned k, n;
	char err[160];
	ck_assert_int_eq(shard_parse("3/8", &k, &n, err, sizeof err), 0);
	ck_assert_uint_eq(k, 3);
	ck_assert_uint_eq(n, 8);
	ck_assert_int_eq(shard_parse("1/1", &k, &n, err, sizeof err), 0);
	static const char *const bad[] = { "0/4", "5/4", "3", "3/", "/4", "a/4", "3/4x", "-1/4",
					   "1/0", "" };
	for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err[0] = 0;
		ck_assert_int_eq(shard_parse(bad[i], &k, &n, err, sizeof err), -1);
		ck_assert_ptr_nonnull(strstr(err, "--shard"));
	}
}
END_TEST

START_TEST(record_reads_back)
{
	char dir[] = "/tmp/npusim-test-shard.XXXXXX", err[512];
	ck_assert_ptr_nonnull(mkdtemp(dir));
	struct shard_record r, back;
	memset(&r, 0, sizeof r);
	strcpy(r.kind, "sensitivity");
	strcpy(r.scenario, "a \"quoted\" name");
	strcpy(r.version, "1.2-dirty");
	strcpy(r.settings, "0123456789abcdef");
	strcpy(r.host, "node7");
	r.runs = 924;
	r.repeat = 1;
	r.shard = 3;
	r.shards = 8;
	shard_range(r.runs, r.shard, r.shards, &r.first, &r.last);
	r.started = 1796195330;
	ck_assert_int_eq(shard_record_read(&back, dir, err, sizeof err), 1);   /* none yet */
	ck_assert_int_eq(shard_record_write(&r, dir), 0);
	ck_assert_int_eq(shard_record_read(&back, dir, err, sizeof err), 0);
	ck_assert_str_eq(back.kind, r.kind);
	ck_assert_str_eq(back.scenario, r.scenario);
	ck_assert_str_eq(back.version, r.version);
	ck_assert_str_eq(back.settings, r.settings);
	ck_assert_str_eq(back.host, r.host);
	ck_assert_uint_eq(back.runs, 924);
	ck_assert_uint_eq(back.shard, 3);
	ck_assert_uint_eq(back.shards, 8);
	ck_assert_uint_eq(back.first, r.first);
	ck_assert_uint_eq(back.last, r.last);
	ck_assert_int_eq(back.started, r.started);
	ck_assert_int_eq(back.finished, 0);
	char path[512];
	snprintf(path, sizeof path, "%s/sweep.json", dir);
	unlink(path);
	rmdir(dir);
}
END_TEST

Suite *shard_suite(void)
{
	Suite *s = suite_create("shard");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, slices_cover_every_run_once);
	tcase_add_test(tc, shard_spec_parses);
	tcase_add_test(tc, record_reads_back);
	suite_add_tcase(s, tc);
	return s;
}
