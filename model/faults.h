/* model/faults.h - faults on the wire: loss, duplication, reordering, bit
 * corruption and link-down intervals, per direction, from a named RNG
 * stream (scenario section [faults]).
 *
 * The injector sits at the receiving end of each fiber direction: every
 * frame that finished crossing the wire passes through faults_on_arrival(),
 * which decides what the far side actually receives. Every decision is
 * counted, so results can account for each injected fault.
 */
#ifndef MODEL_FAULTS_H
#define MODEL_FAULTS_H

#include <stdint.h>
#include "model/frame.h"
#include "sim/rng.h"
#include "sim/time.h"

/* Rates are probabilities per frame (0..1). */
struct faults_dir_config {
	double loss;                   /* frame silently lost */
	double duplicate;              /* frame delivered twice */
	double reorder;                /* frame held back behind later ones */
	uint32_t reorder_distance;     /* frames that overtake a held frame, >= 1 */
	double corrupt;                /* one bit flipped inside IP header..payload */
	double link_down;              /* a frame starts a link-down interval */
	sim_time link_down_ps;         /* length of a link-down interval */
	double urgent;                 /* a TCP data frame gets the URG flag (checksum kept
					* right): a frame LRO must pass through untouched */
};

struct faults_stats {
	uint64_t frames_seen;
	uint64_t lost;
	uint64_t duplicated;
	uint64_t reordered;
	uint64_t corrupted;
	uint64_t link_down_intervals;
	uint64_t link_down_dropped;    /* frames lost while the link was down */
	uint64_t urgent;               /* data frames marked urgent */
};

#define FAULTS_MAX_REORDER 64

struct faults_dir {
	struct faults_dir_config cfg;
	struct faults_stats stats;
	sim_rng rng;
	sim_time down_until_ps;        /* link down while now < this */
	struct frame *held[FAULTS_MAX_REORDER];  /* frames waiting to be overtaken */
	uint32_t held_left[FAULTS_MAX_REORDER];  /* frames still to overtake each */
	uint32_t n_held;
};

void faults_dir_config_default(struct faults_dir_config *c);
/* Returns 0, or -1 when a rate is outside [0,1] or the distance is out of
 * range (1..FAULTS_MAX_REORDER). `stream` names the RNG stream. */
int faults_dir_init(struct faults_dir *d, const struct faults_dir_config *c, uint64_t seed,
		    const char *stream);
int faults_dir_enabled(const struct faults_dir *d);

/* Frame f arrived at time now. Writes the frames to deliver, in order, to
 * out[] (at most FAULTS_MAX_OUT) and returns their count. A lost frame is
 * freed into `pool`; a duplicate is a clone from `pool`. */
#define FAULTS_MAX_OUT (FAULTS_MAX_REORDER + 2)
unsigned faults_on_arrival(struct faults_dir *d, struct frame_pool *pool, struct frame *f,
			   sim_time now, struct frame **out);
/* Frames still held back (end of run): freed and counted as lost. */
void faults_dir_release(struct faults_dir *d, struct frame_pool *pool);
/* Sum of every injected fault (for results' faults_injected). */
uint64_t faults_injected(const struct faults_stats *s);

#endif
