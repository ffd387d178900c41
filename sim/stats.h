/* sim/stats.h - statistics primitives: time-weighted averages (queue
 * depths) and histograms with percentiles. Counters are plain uint64_t
 * fields in each component's state struct.
 */
#ifndef SIM_STATS_H
#define SIM_STATS_H

#include <stdint.h>
#include "sim/time.h"

/* Time-weighted value (e.g. a queue depth): integral of value over time. */
typedef struct {
	sim_time start;       /* time of the first update */
	sim_time last;        /* time of the last update */
	double value;         /* current value */
	double integral;      /* sum of value x ps since start */
	double max;
} sim_tavg;

void sim_tavg_init(sim_tavg *a, sim_time now, double value);
void sim_tavg_set(sim_tavg *a, sim_time now, double value);
double sim_tavg_mean(const sim_tavg *a, sim_time now);

/* Log-linear histogram of non-negative integers (e.g. waits in ns):
 * relative error of a reported percentile <= 1/SIM_HIST_SUB. */
#define SIM_HIST_SUB 32
#define SIM_HIST_BUCKETS (64 * SIM_HIST_SUB)
typedef struct {
	uint64_t count;
	uint64_t min, max;
	double sum;
	uint64_t bucket[SIM_HIST_BUCKETS];
} sim_hist;

void sim_hist_init(sim_hist *h);
void sim_hist_add(sim_hist *h, uint64_t v);
/* p in [0, 100]; 0 when empty. */
uint64_t sim_hist_percentile(const sim_hist *h, double p);
double sim_hist_mean(const sim_hist *h);

#endif
