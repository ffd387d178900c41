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
	unsigned shard, shards;        /* only the shard-th of `shards` slices
					* (1-based, cli/shard.h); 0: every run */
	int resume;                    /* keep the runs already complete in the
					* folder (same settings), run the rest */
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

/* A sweep as a list of runs: run i is point *p of *sc, as `get` gives them
 * (*sc stays valid until the next call). A scenario's own points are one
 * such list; a sensitivity study (cli/sensitivity.h) another. */
struct run_list {
	const char *kind;              /* "run" or "sensitivity" (sweep.json) */
	const char *name;              /* scenario name */
	unsigned runs;
	unsigned repeat;               /* runs per point, for points.csv */
	int (*get)(void *ctx, unsigned run, const struct scenario **sc,
		   struct scenario_point *p, char *err, size_t err_len);
	void *ctx;
};

/* Runs every point; returns the exit status (0 ok, 1 a run failed its
 * integrity check or could not run, 2 bad input). */
int run_scenario(const struct scenario *sc, const struct run_options *o);
/* Runs a list (its shard, less what --resume keeps) into out_dir; the same
 * exit statuses. */
int run_list(const struct run_list *l, const struct run_options *o, const char *out_dir);
/* The folder o names, or results/<name> (a shard: .../shard-K-of-N). */
void run_out_dir(const char *name, const struct run_options *o, char *buf, size_t len);
/* Writes results.csv, points.csv and summary.json of runs 0..runs-1 from the
 * result files each run leaves in its folder (run-N/result.csv, .json);
 * `provenance` is summary.json's members before "runs" (each ending ",\n").
 * Returns the number of runs whose integrity check failed, or -1. */
int run_assemble(const char *out_dir, const char *name, unsigned runs, unsigned repeat,
		 const char *provenance, FILE *echo);
/* Both result files of the run are there: the run is complete. */
int run_complete(const char *out_dir, unsigned run);
int run_mkdir_p(const char *path);

/* --dry-run: every run's point (each swept key) and its resolved ports to
 * out, or the first bad point's error and nothing else. Returns the exit
 * status. */
int run_dry(const struct scenario *sc, const struct run_options *o, FILE *out);

#endif
