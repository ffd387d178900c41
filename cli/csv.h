/* cli/csv.h - the program's own CSV files (results.csv, points.csv,
 * sensitivity-design.csv...) read whole and looked up by column name: a
 * header of names, then rows of comma-separated fields, no quoting. */
#ifndef CLI_CSV_H
#define CLI_CSV_H

#include <stddef.h>

struct csv {
	char *text;                    /* the file, its separators turned into NULs */
	char **names;                  /* the header's n_cols names */
	unsigned n_cols;
	char **cells;                  /* row r, column c: cells[r * n_cols + c] */
	unsigned n_rows;               /* rows after the header; blank lines skipped */
};

/* Reads path. 0, or -1 with the reason in err ("PATH: ...", a row with
 * another number of fields as "PATH:LINE: N columns expected"); t is then
 * empty (csv_free is harmless). */
int csv_load(struct csv *t, const char *path, char *err, size_t err_len);
void csv_free(struct csv *t);

/* The column named name, or -1. */
int csv_column(const struct csv *t, const char *name);
/* Row r's field in column c ("" for c < 0). */
const char *csv_cell(const struct csv *t, unsigned r, int c);

#endif
