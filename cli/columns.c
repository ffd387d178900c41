/* cli/columns.c - the results.csv column table (cli/columns.h) and what is
 * generated from it: the docs' table, the regression gate's lists, the
 * check of a results.csv header. */
#include "cli/columns.h"

#include <string.h>

#define TYPE_TEXT COLUMN_TEXT, 0
#define TYPE_COUNT COLUMN_COUNT, 0
#define TYPE_REAL2 COLUMN_REAL, 2
#define TYPE_REAL3 COLUMN_REAL, 3
#define TYPE_REAL4 COLUMN_REAL, 4
#define TYPE_REAL6 COLUMN_REAL, 6
#define TYPE_REAL9 COLUMN_REAL, 9

const struct column columns[N_COLUMNS] = {
#define COLUMN_ENTRY(name, type, unit, points, rank, gate, value, meaning) \
	[COL_##name] = { #name, TYPE_##type, unit, POINTS_##points, rank, GATE_##gate, meaning },
	RESULT_COLUMNS(COLUMN_ENTRY)
#undef COLUMN_ENTRY
};

const struct column *column_find(const char *name)
{
	for (unsigned i = 0; i < N_COLUMNS; i++)
		if (!strcmp(columns[i].name, name))
			return &columns[i];
	return NULL;
}

unsigned columns_points_figures(const struct column **out, unsigned max)
{
	unsigned n = 0;
	for (unsigned rank = 1; rank <= N_COLUMNS; rank++)
		for (unsigned i = 0; i < N_COLUMNS; i++)
			if (columns[i].rank == rank && n < max)
				out[n++] = &columns[i];
	return n;
}

void columns_write_gate(FILE *f, unsigned gates)
{
	int first = 1;
	for (unsigned i = 0; i < N_COLUMNS; i++) {
		if (!(gates & GATE_SET(columns[i].gate)))
			continue;
		fprintf(f, "%s%s", first ? "" : ",", columns[i].name);
		first = 0;
	}
	fputc('\n', f);
}

static const char *type_text(const struct column *c, char *buf, size_t len)
{
	if (c->type == COLUMN_TEXT)
		return "text";
	if (c->type == COLUMN_COUNT)
		return "integer";
	snprintf(buf, len, "real, %u decimals", c->decimals);
	return buf;
}

static const char *points_text(const struct column *c)
{
	static const char *const text[] = {
		[POINTS_NONE] = "-",
		[POINTS_KEY] = "names the point",
		[POINTS_MEDIAN_RANGE] = "median, `_min`, `_max`",
		[POINTS_MEDIAN] = "median",
		[POINTS_MIN] = "`_min` (the worst run's)",
		[POINTS_MAX] = "`_max` (the worst run's)",
		[POINTS_MOST] = "the value most runs have",
		[POINTS_ALL_OK] = "`ok` if every run's is",
	};
	return text[c->points];
}

static const char *gate_text(const struct column *c)
{
	static const char *const text[] = {
		[GATE_NO] = "-",
		[GATE_ID] = "kept",
		[GATE_NEAR] = "within tolerance",
		[GATE_EXACT] = "exact",
	};
	return text[c->gate];
}

void columns_write_markdown(FILE *f)
{
	fprintf(f, "| column | unit | type | points.csv | regress | meaning |\n"
		   "|---|---|---|---|---|---|\n");
	for (unsigned i = 0; i < N_COLUMNS; i++) {
		const struct column *c = &columns[i];
		char type[32];
		fprintf(f, "| `%s` | %s | %s | %s | %s | %s |\n", c->name, c->unit,
			type_text(c, type, sizeof type), points_text(c), gate_text(c), c->meaning);
		if (i == RESULT_COLUMNS_SWEPT_AFTER)
			fprintf(f, "| `section.key` | - | text | names the point | - | the value of a "
				   "swept key without a column of its own (one column per such key, "
				   "in sweep order) |\n");
	}
}

void columns_write_text(FILE *f)
{
	for (unsigned i = 0; i < N_COLUMNS; i++) {
		const struct column *c = &columns[i];
		char type[32];
		fprintf(f, "%-34s %-18s %-17s %s\n", c->name, c->unit, type_text(c, type, sizeof type),
			c->meaning);
	}
}

const char *column_json_unit(const char *name, char *json_name, size_t len, double *scale)
{
	static const struct { const char *suffix, *base; double scale; const char *unit; } units[] = {
		{ "_gbps", "_bps", 1e9, "bit/s" },
		{ "_us", "_s", 1e-6, "s" },
		{ "_s", "_s", 1, "s" },
		{ "_seconds", "_seconds", 1, "s" },
		{ "_bytes", "_bytes", 1, "bytes" },
	};
	size_t nl = strlen(name);
	snprintf(json_name, len, "%s", name);
	*scale = 1;
	for (size_t u = 0; u < sizeof units / sizeof units[0]; u++) {
		size_t sl = strlen(units[u].suffix);
		if (nl > sl && !strcmp(name + nl - sl, units[u].suffix)) {
			if (nl - sl < len)
				snprintf(json_name + nl - sl, len - (nl - sl), "%s", units[u].base);
			*scale = units[u].scale;
			return units[u].unit;
		}
	}
	return !strncmp(name, "bytes_", 6) ? "bytes" : NULL;
}

int columns_check_names(const char *const *names, unsigned n, FILE *err)
{
	int unknown = 0;
	for (unsigned i = 0; i < n; i++) {
		if (column_find(names[i]) || strchr(names[i], '.'))
			continue;
		fprintf(err, "column '%s' is not in the table (cli/columns.h)\n", names[i]);
		unknown++;
	}
	return unknown;
}
