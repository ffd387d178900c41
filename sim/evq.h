/* sim/evq.h - the event queue behind the kernel: a priority queue of
 * (time, seq) keys with cancel by handle in O(log n).
 *
 * Two implementations share this interface (chosen at build time with
 * SIM_EVQ=heap2|heap4, default heap2, the faster one at ~1,000 pending
 * events per bench/kernel): a binary and a 4-ary implicit array heap. Both keep a slot table so that a
 * handle finds its heap position without scanning. Events pushed for the
 * time of the last pop wait in a FIFO beside the heap, and up to 32
 * events less than 1 ms ahead in a small sorted array (sim/evq_heap.inc);
 * the order of events is the same, by (time, seq).
 */
#ifndef SIM_EVQ_H
#define SIM_EVQ_H

#include <stddef.h>
#include <stdint.h>
#include "sim/time.h"

typedef struct sim sim;
typedef void (*sim_event_fn)(sim *s, void *arg);

typedef struct evq evq;

typedef struct {
	sim_time time;
	uint64_t seq;
	sim_event_fn fn;
	void *arg;
} evq_event;

evq *evq_create(void);
void evq_destroy(evq *q);
/* Inserts; returns the slot/gen handle packed as (gen << 32 | slot). */
uint64_t evq_push(evq *q, sim_time time, sim_event_fn fn, void *arg);
/* Removes the minimum into *out; returns 0 when empty. */
int evq_pop(evq *q, evq_event *out);
/* The same, if the minimum's time is at most `end`; else returns 0. */
int evq_pop_until(evq *q, sim_time end, evq_event *out);
/* Time of the minimum; SIM_TIME_MAX when empty. */
sim_time evq_peek_time(const evq *q);
/* The clock moved to `time` (at most the minimum's) with nothing popped:
 * later pushes for that time take the FIFO, as after a pop at it. */
void evq_set_time(evq *q, sim_time time);
int evq_cancel(evq *q, uint64_t handle);
int evq_contains(const evq *q, uint64_t handle);
size_t evq_size(const evq *q);
const char *evq_name(void);

#endif
