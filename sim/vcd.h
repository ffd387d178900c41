/* sim/vcd.h - a Value Change Dump writer (IEEE 1364 section 18) for
 * GTKWave: integer signals sampled at simulated time, ps timescale. Declare
 * every signal, then record changes in non-decreasing time; only changes
 * are written. */
#ifndef SIM_VCD_H
#define SIM_VCD_H

#include <stdint.h>
#include <stdio.h>
#include "sim/time.h"

struct vcd;

/* Writes to f (the caller opens and closes it). */
struct vcd *vcd_create(FILE *f);
/* Declare a signal of `bits` width (1..64) in `scope`; returns its index.
 * Only before the first vcd_change. */
int vcd_signal(struct vcd *v, const char *scope, const char *name, unsigned bits);
void vcd_change(struct vcd *v, int signal, sim_time t, uint64_t value);
/* Writes nothing more; returns -1 if any write failed. */
int vcd_finish(struct vcd *v);

#endif
