/* cli/merge.h - `npusim merge OUT DIR...`: the shards of one sweep
 * assembled into the folder one run of the whole sweep writes. */
#ifndef CLI_MERGE_H
#define CLI_MERGE_H

/* argv: OUT DIR... [--quiet] [--no-plot]. Exit status: 0, 1 (a run failed
 * its integrity check, or a write failed), 2 (shards that do not belong
 * together, missing, duplicate or incomplete runs: nothing is written). */
int merge_main(int argc, char **argv);

#endif
