/* sim/stats.c - time-weighted averages and log-linear histograms. */
#include "sim/stats.h"

#include <string.h>

void sim_tavg_init(sim_tavg *a, sim_time now, double value)
{
	a->start = now;
	a->last = now;
	a->value = value;
	a->integral = 0;
	a->max = value;
}

void sim_tavg_set(sim_tavg *a, sim_time now, double value)
{
	if (now > a->last) {
		a->integral += a->value * (double)(now - a->last);
		a->last = now;
	}
	a->value = value;
	if (value > a->max)
		a->max = value;
}

double sim_tavg_mean(const sim_tavg *a, sim_time now)
{
	if (now <= a->start)
		return a->value;
	double integral = a->integral;
	if (now > a->last)
		integral += a->value * (double)(now - a->last);
	return integral / (double)(now - a->start);
}

void sim_hist_init(sim_hist *h)
{
	memset(h, 0, sizeof *h);
	h->min = UINT64_MAX;
}

/* Values below SIM_HIST_SUB get a bucket each; above, each power of two is
 * split into SIM_HIST_SUB equal sub-buckets. */
static unsigned bucket_of(uint64_t v)
{
	if (v < SIM_HIST_SUB)
		return (unsigned)v;
	unsigned msb = 63u - (unsigned)__builtin_clzll(v);       /* >= 5 */
	unsigned shift = msb - 5u;                              /* log2(SUB) = 5 */
	unsigned sub = (unsigned)(v >> shift) - SIM_HIST_SUB;   /* 0..31 */
	return (shift + 1u) * SIM_HIST_SUB + sub;
}

/* The largest value a bucket holds (reported percentiles err upwards, by
 * at most one sub-bucket width = 1/SIM_HIST_SUB relative). */
static uint64_t bucket_high(unsigned b)
{
	if (b < SIM_HIST_SUB)
		return b;
	unsigned shift = b / SIM_HIST_SUB - 1u;
	uint64_t sub = b % SIM_HIST_SUB;
	return ((SIM_HIST_SUB + sub + 1) << shift) - 1;
}

void sim_hist_add(sim_hist *h, uint64_t v)
{
	h->count++;
	h->sum += (double)v;
	if (v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
	h->bucket[bucket_of(v)]++;
}

uint64_t sim_hist_percentile(const sim_hist *h, double p)
{
	if (h->count == 0)
		return 0;
	if (p <= 0)
		return h->min;
	if (p >= 100)
		return h->max;
	/* rank of the sample at or above p percent, 1-based */
	uint64_t rank = (uint64_t)((p / 100.0) * (double)h->count);
	if ((double)rank < (p / 100.0) * (double)h->count)
		rank++;
	if (rank == 0)
		rank = 1;
	uint64_t seen = 0;
	for (unsigned b = 0; b < SIM_HIST_BUCKETS; b++) {
		seen += h->bucket[b];
		if (seen >= rank) {
			uint64_t v = bucket_high(b);
			if (v > h->max)
				v = h->max;
			if (v < h->min)
				v = h->min;
			return v;
		}
	}
	return h->max;
}

double sim_hist_mean(const sim_hist *h)
{
	return h->count ? h->sum / (double)h->count : 0.0;
}
