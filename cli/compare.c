/* cli/compare.c - two results compared point by point, by column name. */
#include "cli/compare.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/columns.h"
#include "cli/csv.h"

#define MAX_COLS 512

/* A results CSV file in memory, and which of its columns name a point. */
struct table {
	char path[4200];
	int points;                    /* points.csv (a `runs` column) */
	struct csv csv;
	int key[MAX_COLS];             /* column c names the point */
};

static void table_free(struct table *t)
{
	csv_free(&t->csv);
}

/* Which columns name a point: in points.csv those before `runs` but
 * `point`; in results.csv `run`, the point's keys (cli/columns.h) and
 * the swept `section.key`. */
static void mark_keys(struct table *t)
{
	int before_runs = 1;
	for (unsigned c = 0; c < t->csv.n_cols; c++) {
		const char *n = t->csv.names[c];
		if (t->points) {
			if (!strcmp(n, "runs"))
				before_runs = 0;
			t->key[c] = before_runs && strcmp(n, "point") != 0;
			continue;
		}
		const struct column *col = column_find(n);
		t->key[c] = !strcmp(n, columns[COL_run].name) || strchr(n, '.') != NULL ||
			    (col && col->points == POINTS_KEY);
	}
}

static int table_load(struct table *t, const char *where)
{
	struct stat st;
	char err[4400];
	memset(t, 0, sizeof *t);
	if (stat(where, &st) != 0) {
		fprintf(stderr, "npusim compare: %s: %s\n", where, strerror(errno));
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		snprintf(t->path, sizeof t->path, "%s/points.csv", where);
		if (stat(t->path, &st) != 0)
			snprintf(t->path, sizeof t->path, "%s/results.csv", where);
	} else {
		snprintf(t->path, sizeof t->path, "%s", where);
	}
	if (csv_load(&t->csv, t->path, err, sizeof err) != 0) {
		fprintf(stderr, "npusim compare: %s%s\n", err,
			access(t->path, R_OK) == 0 ? "" : " (not a results folder?)");
		return -1;
	}
	if (t->csv.n_cols > MAX_COLS) {
		fprintf(stderr, "npusim compare: %s: more than %d columns\n", t->path, MAX_COLS);
		return -1;
	}
	t->points = csv_column(&t->csv, "runs") >= 0;
	mark_keys(t);
	return 0;
}

static int column(const struct table *t, const char *name)
{
	return csv_column(&t->csv, name);
}

static const char *cell(const struct table *t, unsigned row, int col)
{
	return col < 0 ? NULL : csv_cell(&t->csv, row, col);
}

/* Is column c the _min/_max range of another column (its median)? */
static int range_column(const struct table *t, unsigned c)
{
	const char *n = t->csv.names[c];
	size_t len = strlen(n);
	if (len < 5 || (strcmp(n + len - 4, "_min") && strcmp(n + len - 4, "_max")))
		return 0;
	char base[256];
	snprintf(base, sizeof base, "%.*s", (int)(len - 4), n);
	return column(t, base) >= 0;
}

/* The metrics to compare: --keys, or every column both have that is not a
 * key, a range, or bookkeeping. */
static int choose_metrics(const struct table *a, const struct table *b, const char *keys,
			  const char **metrics, unsigned *n)
{
	*n = 0;
	if (keys) {
		static char copy[4096];
		snprintf(copy, sizeof copy, "%s", keys);
		char *save;
		for (char *k = strtok_r(copy, ",", &save); k; k = strtok_r(NULL, ",", &save)) {
			int ca = column(a, k), cb = column(b, k);
			if (ca < 0 || cb < 0) {
				fprintf(stderr, "npusim compare: no column '%s' in %s\n", k,
					ca < 0 ? a->path : b->path);
				return -1;
			}
			if (*n < MAX_COLS)
				metrics[(*n)++] = k;
		}
		return 0;
	}
	for (unsigned c = 0; c < a->csv.n_cols; c++) {
		const char *name = a->csv.names[c];
		if (a->key[c] || range_column(a, c) || column(b, name) < 0 || !strcmp(name, "point") ||
		    !strcmp(name, "runs") || !strcmp(name, "seed") || !strcmp(name, "port_base") ||
		    !strcmp(name, "events"))
			continue;
		metrics[(*n)++] = name;
	}
	return 0;
}

/* The row of b whose key columns equal row ra of a, or -1. */
static int find_row(const struct table *a, unsigned ra, const struct table *b, const int *bcol)
{
	for (unsigned rb = 0; rb < b->csv.n_rows; rb++) {
		int same = 1;
		for (unsigned c = 0; c < a->csv.n_cols && same; c++)
			if (a->key[c])
				same = !strcmp(cell(a, ra, (int)c), cell(b, rb, bcol[c]));
		if (same)
			return (int)rb;
	}
	return -1;
}

/* "k=v k=v" of a row's key columns that differ between rows (or all, if
 * every row has the same keys). */
static void point_name(const struct table *t, unsigned row, char *out, size_t len)
{
	size_t used = 0;
	out[0] = 0;
	for (unsigned c = 0; c < t->csv.n_cols && used < len; c++) {
		if (!t->key[c])
			continue;
		int varies = 0;
		for (unsigned r = 1; r < t->csv.n_rows && !varies; r++)
			varies = strcmp(cell(t, r, (int)c), cell(t, 0, (int)c)) != 0;
		if (varies || t->csv.n_rows == 1)
			used += (size_t)snprintf(out + used, len - used, "%s%s=%s", used ? " " : "",
						 t->csv.names[c], cell(t, row, (int)c));
	}
	if (!out[0])
		snprintf(out, len, "-");
}

/* The value of metric m at a row, with its range over the repeats where
 * the table has one: "4.5973 (4.51-4.62)". */
static void value_text(const struct table *t, unsigned row, const char *m, char *out, size_t len)
{
	char lo[256], hi[256];
	snprintf(lo, sizeof lo, "%s_min", m);
	snprintf(hi, sizeof hi, "%s_max", m);
	int cl = column(t, lo), ch = column(t, hi);
	const char *v = cell(t, row, column(t, m));
	if (cl >= 0 && ch >= 0)
		snprintf(out, len, "%s (%s-%s)", v, cell(t, row, cl), cell(t, row, ch));
	else
		snprintf(out, len, "%s", v);
}

static int is_number(const char *s, double *v)
{
	char *end;
	*v = strtod(s, &end);
	return end != s && *end == 0;
}

int compare_results(const char *pa, const char *pb, const struct compare_options *o, FILE *out)
{
	struct table a, b;
	int status = 2;
	if (table_load(&a, pa) != 0) {
		table_free(&a);
		return 2;
	}
	if (table_load(&b, pb) != 0)
		goto done;
	int bcol[MAX_COLS];
	for (unsigned c = 0; c < a.csv.n_cols; c++) {
		bcol[c] = column(&b, a.csv.names[c]);
		if (a.key[c] && (bcol[c] < 0 || !b.key[bcol[c]])) {
			fprintf(stderr, "npusim compare: %s has key column '%s', %s does not: they "
					"are not the same sweep\n", a.path, a.csv.names[c], b.path);
			goto done;
		}
	}
	for (unsigned c = 0; c < b.csv.n_cols; c++) {
		if (b.key[c] && column(&a, b.csv.names[c]) < 0) {
			fprintf(stderr, "npusim compare: %s has key column '%s', %s does not: they "
					"are not the same sweep\n", b.path, b.csv.names[c], a.path);
			goto done;
		}
	}
	const char *metrics[MAX_COLS];
	unsigned n_metrics;
	if (choose_metrics(&a, &b, o->keys, metrics, &n_metrics) != 0)
		goto done;

	unsigned compared = 0, bad = 0, missing = 0;
	fprintf(out, "compare %s (A) with %s (B), tolerance %g%%\n", a.path, b.path,
		o->tolerance * 100);
	fprintf(out, "%-36s %-24s %26s %26s %12s %9s  %s\n", "point", "metric", "A", "B", "B-A",
		"rel", "verdict");
	char *b_seen = calloc(b.csv.n_rows + 1, 1);
	for (unsigned ra = 0; ra < a.csv.n_rows; ra++) {
		char name[512];
		point_name(&a, ra, name, sizeof name);
		int rb = find_row(&a, ra, &b, bcol);
		if (rb < 0) {
			fprintf(out, "%-36s %-24s %26s %26s %12s %9s  %s\n", name, "-", "present",
				"missing", "-", "-", "FAIL");
			missing++;
			continue;
		}
		if (b_seen)
			b_seen[rb] = 1;
		for (unsigned m = 0; m < n_metrics; m++) {
			const char *va = cell(&a, ra, column(&a, metrics[m]));
			const char *vb = cell(&b, (unsigned)rb, column(&b, metrics[m]));
			char ta[128], tb[128], diff[32] = "-", rel[32] = "-";
			double x, y;
			int ok;
			value_text(&a, ra, metrics[m], ta, sizeof ta);
			value_text(&b, (unsigned)rb, metrics[m], tb, sizeof tb);
			if (is_number(va, &x) && is_number(vb, &y)) {
				double d = y - x;
				double r = x != 0 ? d / fabs(x) : (d == 0 ? 0 : INFINITY);
				ok = fabs(r) <= o->tolerance * (1 + 1e-9);
				snprintf(diff, sizeof diff, "%+.6g", d);
				if (isinf(r))
					snprintf(rel, sizeof rel, "new");
				else
					snprintf(rel, sizeof rel, "%+.2f%%", r * 100);
			} else {
				ok = !strcmp(va, vb);
			}
			compared++;
			bad += !ok;
			if (!ok || !o->quiet)
				fprintf(out, "%-36s %-24s %26s %26s %12s %9s  %s\n", name, metrics[m], ta,
					tb, diff, rel, ok ? "ok" : "FAIL");
		}
	}
	for (unsigned rb = 0; rb < b.csv.n_rows; rb++) {
		if (b_seen && b_seen[rb])
			continue;
		char name[512];
		point_name(&b, rb, name, sizeof name);
		fprintf(out, "%-36s %-24s %26s %26s %12s %9s  %s\n", name, "-", "missing", "present",
			"-", "-", "FAIL");
		missing++;
	}
	free(b_seen);
	fprintf(out, "compare: %u values at %u point(s); %u out of tolerance, %u point(s) on one "
		     "side only\n", compared, a.csv.n_rows, bad, missing);
	status = bad || missing ? 1 : 0;
done:
	table_free(&a);
	table_free(&b);
	return status;
}
