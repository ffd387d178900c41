/* cli/run.h - `npusim run`: every point of a scenario, in parallel worker
 * processes if asked, results written atomically into one folder. */
#ifndef CLI_RUN_H
#define CLI_RUN_H

#include "cli/scenario.h"

struct run_options {
	const char *out_dir;           /* NULL: results/<scenario name> */
	unsigned jobs;                 /* worker processes */
	int quiet;
	int plot;                      /* make the plots when gnuplot is there */
	int table;                     /* print a summary table */
};

/* Runs every point; returns the exit status (0 ok, 1 a run failed its
 * integrity check or could not run, 2 bad input). */
int run_scenario(const struct scenario *sc, const struct run_options *o);

/* The fixed first columns of results.csv. */
extern const char *const run_csv_required[];

#endif
