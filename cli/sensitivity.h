/* cli/sensitivity.h - `npusim sensitivity`: how the headline outputs move
 * with each free parameter, one at a time at the ends of its documented
 * range and as Morris elementary effects (Morris 1991; Campolongo et al.
 * 2007's mu*) over a few seeded trajectories.
 *
 * A study is a scenario file with two more sections (scenarios/
 * sensitivity.ini): [sensitivity] says which runs measure the outputs
 * (`connections`: LRO runs at these counts; `plateau`: the counts whose
 * median is the plateau, also run as a plain NIC; `starvation`: key=value
 * overrides of the starvation run; `trajectories`, `seed`) and
 * [sensitivity.free] lists each parameter as `section.key = LOW .. HIGH`.
 * Every run is an independent job of one run list, so a study shards,
 * resumes and merges like any sweep (cli/shard.h). Its runs are, per
 * design point: the LRO counts, the NIC counts, the starvation run. */
#ifndef CLI_SENSITIVITY_H
#define CLI_SENSITIVITY_H

#include "cli/run.h"

struct sensitivity_design;

/* A scenario file loaded as a run list: a study's runs, or (no
 * [sensitivity] section) the scenario's own points. */
struct sensitivity_study {
	int is_study;
	struct run_list list;
	struct scenario base;          /* the file without the study's sections */
	struct sensitivity_design *design;
};

/* Loads path with the --set assignments and checks every run builds;
 * prints the error (file:line: key) and returns -1 on bad input. */
int sensitivity_prepare(struct sensitivity_study *st, const char *path,
			const char *const *sets, unsigned n_sets);
void sensitivity_release(struct sensitivity_study *st);

/* The command: runs the study (or its shard) into o's folder, then, unless
 * sharded, writes sensitivity.csv and the tornado plots. Exit status as
 * run_list's. */
int sensitivity_main(const char *path, const char *const *sets, unsigned n_sets,
		     const struct run_options *o);

/* sensitivity.csv and tornado-<output>.csv (.png with plot) of out_dir from
 * its results.csv and sensitivity-design.csv. 0 or -1 (message printed). */
int sensitivity_analyze(const char *out_dir, int quiet, int plot);

#endif
