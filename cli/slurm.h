/* cli/slurm.h - `npusim slurm`: a sweep as a Slurm job array (one task per
 * shard, each resuming what a preempted attempt left) and a merge job that
 * runs once every task succeeded. */
#ifndef CLI_SLURM_H
#define CLI_SLURM_H

/* argv: SCENARIO [-o DIR] [--shards N] [--max-parallel M] [-j N]
 * [--set section.key=value]... [--submit] [-- sbatch options...].
 * Writes DIR/sweep.sbatch, DIR/merge.sbatch and DIR/submit.sh; with
 * --submit, submits both and prints the job ids. Exit status 0, 1 (sbatch
 * failed, a file could not be written), 2 (bad input). */
int slurm_main(int argc, char **argv);

#endif
