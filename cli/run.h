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
	int only_run;                  /* >= 0: run only this run of the sweep */
	int force;                     /* write over the results of another sweep */
	/* provenance for summary.json: the command line, its --set options,
	 * the scenario file (NULL: built in) */
	int argc;
	const char *const *argv;
	const char *const *sets;
	unsigned n_sets;
	const char *scenario_path;
	const char *scenario_text;     /* a built-in scenario's text */
};

/* Runs every point; returns the exit status (0 ok, 1 a run failed its
 * integrity check or could not run, 2 bad input). */
int run_scenario(const struct scenario *sc, const struct run_options *o);

/* --dry-run: every run's point (each swept key) and its resolved ports to
 * out, or the first bad point's error and nothing else. Returns the exit
 * status. */
int run_dry(const struct scenario *sc, const struct run_options *o, FILE *out);

/* The fixed first columns of results.csv. */
extern const char *const run_csv_required[];

#endif
