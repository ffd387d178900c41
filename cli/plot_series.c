/* cli/plot_series.c - points.csv regrouped into the throughput plot's series. */
#include "cli/plot_series.h"

#include <stdlib.h>
#include <string.h>

#include "cli/csv.h"

#define MAX_COLS 512
#define MAX_CATEGORIES 4096

/* points.csv, and where its key columns are. */
struct points {
	struct csv csv;
	int first_key, runs;           /* key columns: first_key .. runs - 1 */
};

static int column(const struct points *t, const char *name)
{
	return csv_column(&t->csv, name);
}

static const char *cell(const struct points *t, unsigned r, int c)
{
	return csv_cell(&t->csv, r, c);
}

static int load(struct points *t, const char *path, char *err, size_t len)
{
	memset(t, 0, sizeof *t);
	if (csv_load(&t->csv, path, err, len) != 0)
		return -1;
	if (t->csv.n_cols > MAX_COLS) {
		snprintf(err, len, "%s: more than %d columns", path, MAX_COLS);
		return -1;
	}
	t->first_key = column(t, "point") + 1;
	t->runs = column(t, "runs");
	if (t->first_key != 1 || t->runs < 0 || column(t, "throughput_gbps") < 0) {
		snprintf(err, len, "%s: not a points.csv (point .. runs, throughput_gbps)", path);
		return -1;
	}
	return 0;
}

static int varies(const struct points *t, int c)
{
	for (unsigned r = 1; r < t->csv.n_rows; r++)
		if (strcmp(cell(t, r, c), cell(t, 0, c)))
			return 1;
	return 0;
}

static int is_number(const char *s, double *v)
{
	char *end;
	*v = strtod(s, &end);
	return end != s && !*end;
}

/* The series title of row r: its values of the series columns. */
static void title_of(const struct points *t, unsigned r, const int *sc, unsigned n, char *out,
		     size_t len)
{
	size_t used = 0;
	out[0] = 0;
	for (unsigned i = 0; i < n && used < len; i++)
		used += (size_t)snprintf(out + used, len - used, "%s%s", i ? ", " : "",
					 cell(t, r, sc[i]));
}

int plot_series_write(const char *points_csv, FILE *out, struct plot_series *ps, char *err,
		      size_t err_len)
{
	struct points t;
	int rc = -1;
	memset(ps, 0, sizeof *ps);
	if (load(&t, points_csv, err, err_len) != 0)
		goto done;
	/* the x axis: connections if it varies, else the first key that does */
	int xc = column(&t, "connections");
	if (xc < 0 || !varies(&t, xc)) {
		xc = -1;
		for (int c = t.first_key; c < t.runs && xc < 0; c++)
			if (varies(&t, c))
				xc = c;
		if (xc < 0)
			xc = column(&t, "connections");
	}
	snprintf(ps->xkey, sizeof ps->xkey, "%s", t.csv.names[xc]);
	int sc[MAX_COLS];
	unsigned n_sc = 0;
	for (int c = t.first_key; c < t.runs; c++)
		if (c != xc && varies(&t, c))
			sc[n_sc++] = c;
	size_t used = 0;
	for (unsigned i = 0; i < n_sc && used < sizeof ps->key_title; i++)
		used += (size_t)snprintf(ps->key_title + used, sizeof ps->key_title - used, "%s%s",
					 i ? ", " : "", t.csv.names[sc[i]]);
	/* numeric x: every value a number; a log axis when they span 8x */
	double lo = 0, hi = 0, v;
	ps->x_numeric = t.csv.n_rows > 0;
	for (unsigned r = 0; r < t.csv.n_rows; r++) {
		if (!is_number(cell(&t, r, xc), &v)) {
			ps->x_numeric = 0;
			break;
		}
		if (r == 0 || v < lo)
			lo = v;
		if (r == 0 || v > hi)
			hi = v;
	}
	ps->logx = ps->x_numeric && lo > 0 && hi / lo >= 8;
	/* categories keep their first-appearance order */
	const char *cats[MAX_CATEGORIES];
	unsigned n_cats = 0;
	int yc = column(&t, "throughput_gbps"), yl = column(&t, "throughput_gbps_min"),
	    yh = column(&t, "throughput_gbps_max");
	for (unsigned r = 0; r < t.csv.n_rows; r++) {
		char title[256];
		title_of(&t, r, sc, n_sc, title, sizeof title);
		unsigned s;
		for (s = 0; s < ps->n && strcmp(ps->titles[s], title); s++)
			;
		if (s == ps->n) {
			if (ps->n == PLOT_MAX_SERIES) {
				snprintf(err, err_len, "%s: more than %d series (%s)", points_csv,
					 PLOT_MAX_SERIES, ps->key_title);
				goto done;
			}
			snprintf(ps->titles[ps->n++], sizeof ps->titles[0], "%s", title);
		}
	}
	for (unsigned s = 0; s < ps->n; s++) {
		if (s)
			fputs("\n\n", out);
		for (unsigned r = 0; r < t.csv.n_rows; r++) {
			char title[256];
			title_of(&t, r, sc, n_sc, title, sizeof title);
			if (strcmp(title, ps->titles[s]))
				continue;
			const char *x = cell(&t, r, xc);
			unsigned k = 0;
			if (!ps->x_numeric) {
				for (k = 0; k < n_cats && strcmp(cats[k], x); k++)
					;
				if (k == n_cats && n_cats < sizeof cats / sizeof cats[0])
					cats[n_cats++] = x;
			}
			if (ps->x_numeric)
				fprintf(out, "%s\t%s", x, x);
			else
				fprintf(out, "%u\t%s", k, x);
			fprintf(out, "\t%s\t%s\t%s\n", cell(&t, r, yc), yl >= 0 ? cell(&t, r, yl) : cell(&t, r, yc),
				yh >= 0 ? cell(&t, r, yh) : cell(&t, r, yc));
		}
	}
	if (ps->n == 1 && !ps->titles[0][0])
		snprintf(ps->titles[0], sizeof ps->titles[0], "throughput");
	rc = ferror(out) ? -1 : 0;
	if (rc)
		snprintf(err, err_len, "cannot write the plot's data");
done:
	csv_free(&t.csv);
	return rc;
}
