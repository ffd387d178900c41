/* tests/test_columns.c - the results.csv column table (cli/columns.h): every
 * column described, named once, summarised consistently, its unit the one
 * summary.json derives from its name; the CSV reader (cli/csv.h); the
 * firmware's reason lists. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/columns.h"
#include "cli/csv.h"
#include "firmware/lro.h"
#include "tests/testutil.h"

START_TEST(every_column_has_a_unit_and_a_meaning)
{
	for (unsigned i = 0; i < N_COLUMNS; i++) {
		const struct column *c = &columns[i];
		ck_assert_msg(c->name && c->name[0], "column %u has no name", i);
		ck_assert_msg(c->unit && c->unit[0], "column %s has no unit", c->name);
		ck_assert_msg(c->meaning && strlen(c->meaning) >= 10, "column %s has no meaning",
			      c->name);
		ck_assert_msg(!strchr(c->name, '.') && !strchr(c->name, ','),
			      "column %s: '.' is for swept keys, ',' separates", c->name);
		ck_assert_msg(c->type != COLUMN_REAL || (c->decimals >= 1 && c->decimals <= 9),
			      "column %s: decimals", c->name);
	}
}
END_TEST

START_TEST(no_name_is_used_twice)
{
	for (unsigned i = 0; i < N_COLUMNS; i++)
		for (unsigned j = i + 1; j < N_COLUMNS; j++)
			ck_assert_msg(strcmp(columns[i].name, columns[j].name) != 0,
				      "column %s twice (%u and %u)", columns[i].name, i, j);
	/* points.csv's names too: a figure's _min/_max must not be a column */
	for (unsigned i = 0; i < N_COLUMNS; i++) {
		char n[128];
		snprintf(n, sizeof n, "%s_min", columns[i].name);
		ck_assert_msg((columns[i].points != POINTS_MEDIAN_RANGE &&
			       columns[i].points != POINTS_MIN) || !column_find(n),
			      "%s is a column and a points.csv range", n);
		snprintf(n, sizeof n, "%s_max", columns[i].name);
		ck_assert_msg((columns[i].points != POINTS_MEDIAN_RANGE &&
			       columns[i].points != POINTS_MAX) || !column_find(n),
			      "%s is a column and a points.csv range", n);
	}
}
END_TEST

START_TEST(points_figures_are_ranked_once_each)
{
	unsigned ranked = 0, all_ok = 0, keys = 0;
	for (unsigned i = 0; i < N_COLUMNS; i++) {
		const struct column *c = &columns[i];
		int figure = c->points == POINTS_MEDIAN_RANGE || c->points == POINTS_MEDIAN ||
			     c->points == POINTS_MIN || c->points == POINTS_MAX ||
			     c->points == POINTS_MOST;
		ck_assert_msg(figure == (c->rank > 0), "column %s: a figure has a rank, only a figure",
			      c->name);
		ranked += c->rank > 0;
		all_ok += c->points == POINTS_ALL_OK;
		keys += c->points == POINTS_KEY;
		ck_assert_msg(c->type != COLUMN_TEXT || !figure || c->points == POINTS_MOST,
			      "column %s: words cannot be a median", c->name);
		/* points.csv's key columns and the regression gate name the run alike */
		ck_assert_msg(c->points != POINTS_KEY || c->gate == GATE_ID,
			      "key column %s not kept by the gate", c->name);
	}
	ck_assert_uint_eq(all_ok, 1);
	ck_assert_uint_eq(keys, 6);      /* cli/run.c's point_key_columns */
	const struct column *f[N_COLUMNS];
	ck_assert_uint_eq(columns_points_figures(f, N_COLUMNS), ranked);
	for (unsigned i = 0; i < ranked; i++)
		ck_assert_uint_eq(f[i]->rank, i + 1);   /* 1 .. n, no gap, no repeat */
	ck_assert_str_eq(f[0]->name, "throughput_gbps");
}
END_TEST

/* summary.json names a unit from the column's name; the table's unit must
 * say the same. */
START_TEST(units_agree_with_what_summary_json_derives_from_the_name)
{
	static const struct { const char *unit, *json; } base[] = {
		{ "Gbit/s", "bit/s" }, { "us", "s" }, { "s", "s" }, { "bytes", "bytes" },
	};
	for (unsigned i = 0; i < N_COLUMNS; i++) {
		const struct column *c = &columns[i];
		char json_name[128];
		double scale;
		const char *json = column_json_unit(c->name, json_name, sizeof json_name, &scale);
		const char *want = NULL;
		for (size_t b = 0; b < sizeof base / sizeof base[0]; b++)
			if (!strcmp(c->unit, base[b].unit))
				want = base[b].json;
		if (c->type == COLUMN_TEXT && strcmp(c->name, "threshold_bytes") != 0)
			continue;   /* words: no unit in JSON */
		ck_assert_msg(want ? json && !strcmp(json, want) : json == NULL,
			      "column %s: unit %s, but summary.json would say %s", c->name, c->unit,
			      json ? json : "none");
	}
	char json_name[128];
	double scale;
	ck_assert_str_eq(column_json_unit("throughput_gbps", json_name, sizeof json_name, &scale),
			 "bit/s");
	ck_assert_str_eq(json_name, "throughput_bps");
	ck_assert(scale == 1e9);
	ck_assert_str_eq(column_json_unit("dma_wait_p50_us", json_name, sizeof json_name, &scale),
			 "s");
	ck_assert_str_eq(json_name, "dma_wait_p50_s");
}
END_TEST

START_TEST(the_gate_lists_come_from_the_table)
{
	char buf[4096];
	FILE *f = fmemopen(buf, sizeof buf, "w");
	columns_write_gate(f, GATE_SET(GATE_NEAR));
	fclose(f);
	ck_assert_str_eq(buf, "throughput_gbps,syn_dma_wait_max_us,syn_overtaken_max\n");
	f = fmemopen(buf, sizeof buf, "w");
	columns_write_gate(f, GATE_BASELINE);
	fclose(f);
	ck_assert_ptr_eq(strstr(buf, "run,mode,connections,"), buf);
	ck_assert_ptr_nonnull(strstr(buf, ",throughput_gbps,"));
	ck_assert_ptr_nonnull(strstr(buf, ",integrity,"));
	ck_assert_ptr_null(strstr(buf, "port_base"));
}
END_TEST

START_TEST(a_header_is_checked_against_the_table)
{
	const char *good[] = { "run", "mode", "integrity", "lro.timeout_factor", "bound_by" };
	const char *bad[] = { "run", "throughput", "util_nothing" };
	FILE *devnull = fopen("/dev/null", "w");
	ck_assert_int_eq(columns_check_names(good, 5, devnull), 0);
	ck_assert_int_eq(columns_check_names(bad, 3, devnull), 2);
	fclose(devnull);
	ck_assert_ptr_eq(column_find("throughput_gbps"), &columns[COL_throughput_gbps]);
	ck_assert_ptr_null(column_find("lro.threshold"));
}
END_TEST

START_TEST(the_docs_table_has_a_row_per_column)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	columns_write_markdown(f);
	fclose(f);
	unsigned rows = 0;
	for (char *p = buf; *p; p++)
		rows += *p == '\n';
	ck_assert_uint_eq(rows, 2 + N_COLUMNS + 1);   /* header, rule, columns, section.key */
	ck_assert_ptr_nonnull(strstr(buf, "| `throughput_gbps` | Gbit/s |"));
	free(buf);
}
END_TEST

static const char *write_tmp(const char *text, char *path, size_t len)
{
	char *dir = testutil_tmpdir();
	snprintf(path, len, "%s/t.csv", dir);
	free(dir);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static void remove_tmp(const char *path)
{
	char dir[4096];
	snprintf(dir, sizeof dir, "%s", path);
	unlink(path);
	*strrchr(dir, '/') = 0;
	rmdir(dir);
}

START_TEST(csv_reads_by_name_and_names_a_bad_row)
{
	char path[4096], err[4400];
	struct csv t;
	write_tmp("run,mode,throughput_gbps\r\n0,lro,4.5\r\n\n1,nic,2.3\n", path, sizeof path);
	ck_assert_int_eq(csv_load(&t, path, err, sizeof err), 0);
	ck_assert_uint_eq(t.n_cols, 3);
	ck_assert_uint_eq(t.n_rows, 2);
	ck_assert_int_eq(csv_column(&t, "throughput_gbps"), 2);
	ck_assert_int_eq(csv_column(&t, "nothing"), -1);
	ck_assert_str_eq(csv_cell(&t, 1, csv_column(&t, "mode")), "nic");
	ck_assert_str_eq(csv_cell(&t, 0, csv_column(&t, "throughput_gbps")), "4.5");
	ck_assert_str_eq(csv_cell(&t, 0, -1), "");
	csv_free(&t);
	remove_tmp(path);

	write_tmp("a,b\n1,2\n3\n", path, sizeof path);
	ck_assert_int_eq(csv_load(&t, path, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, ":3: 2 columns expected"));
	csv_free(&t);
	remove_tmp(path);

	write_tmp("", path, sizeof path);
	ck_assert_int_eq(csv_load(&t, path, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "is empty"));
	remove_tmp(path);
	ck_assert_int_eq(csv_load(&t, "/nonexistent/x.csv", err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "/nonexistent/x.csv: "));
}
END_TEST

/* The firmware's reason lists give an enum and the names in one place. */
START_TEST(reason_names_follow_the_enums)
{
	static const char *const flush[] = { LRO_FLUSH_REASON_LIST(LRO_REASON_NAME) };
	static const char *const pass[] = { LRO_PASS_REASON_LIST(LRO_REASON_NAME) };
	static const char *const drop[] = { LRO_DROP_REASON_LIST(LRO_REASON_NAME) };
	ck_assert_uint_eq(sizeof flush / sizeof flush[0], LRO_FLUSH_REASONS);
	ck_assert_uint_eq(sizeof pass / sizeof pass[0], LRO_PASS_REASONS);
	ck_assert_uint_eq(sizeof drop / sizeof drop[0], LRO_DROP_REASONS);
	ck_assert_str_eq(flush[LRO_FLUSH_FULL], "size-limit");
	ck_assert_str_eq(flush[LRO_FLUSH_END], "end-of-capture");
	ck_assert_str_eq(pass[LRO_PASS_POOL_EXHAUSTED], "pool-exhausted");
	ck_assert_str_eq(pass[LRO_PASS_HELD_LIMIT], "held-limit");
	ck_assert_str_eq(drop[LRO_DROP_BAD_TCP_CSUM], "bad-tcp-csum");
	ck_assert_str_eq(drop[LRO_DROP_POOL_LOW], "pool-low");
	for (unsigned i = 0; i < LRO_PASS_REASONS; i++)
		for (unsigned j = i + 1; j < LRO_PASS_REASONS; j++)
			ck_assert_str_ne(pass[i], pass[j]);
}
END_TEST

Suite *columns_suite(void)
{
	Suite *s = suite_create("columns");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, every_column_has_a_unit_and_a_meaning);
	tcase_add_test(tc, no_name_is_used_twice);
	tcase_add_test(tc, points_figures_are_ranked_once_each);
	tcase_add_test(tc, units_agree_with_what_summary_json_derives_from_the_name);
	tcase_add_test(tc, the_gate_lists_come_from_the_table);
	tcase_add_test(tc, a_header_is_checked_against_the_table);
	tcase_add_test(tc, the_docs_table_has_a_row_per_column);
	tcase_add_test(tc, csv_reads_by_name_and_names_a_bad_row);
	tcase_add_test(tc, reason_names_follow_the_enums);
	suite_add_tcase(s, tc);
	return s;
}
