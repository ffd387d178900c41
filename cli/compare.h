/* cli/compare.h - `npusim compare A B`: two results folders (or CSV files)
 * compared point by point, every metric within a relative tolerance. */
#ifndef CLI_COMPARE_H
#define CLI_COMPARE_H

#include <stdio.h>

struct compare_options {
	double tolerance;              /* largest relative difference that passes */
	const char *keys;              /* comma-separated metrics; NULL: every one both have */
	int quiet;                     /* print only what is out of tolerance */
};

/* A and B are results folders (their points.csv, else results.csv) or CSV
 * files. Rows are matched by every key column - those before `runs` in
 * points.csv; `run`, the point's keys and the swept `section.key` columns
 * in results.csv - and read by column name only. The table goes to out.
 * Returns 0 when every metric of every point is within tolerance, 1 when
 * one is not or a point is on one side only, 2 when the inputs cannot be
 * compared (missing, different key columns, an unknown metric). */
int compare_results(const char *a, const char *b, const struct compare_options *o, FILE *out);

#endif
