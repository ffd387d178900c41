/* sim/sync.h - process synchronisation: signals (condition variables) and
 * bounded message queues with blocking put/get. Waiters are woken in FIFO
 * order, so a blocked sender resumes in the order it blocked (the FMN's
 * credit back-pressure builds on this).
 */
#ifndef SIM_SYNC_H
#define SIM_SYNC_H

#include <stdbool.h>
#include <stddef.h>
#include "sim/process.h"

/* A FIFO of parked processes. Zero-initialised is a valid empty signal. */
typedef struct sim_signal {
	struct sim_waiter *head, *tail;
} sim_signal;

/* Park the calling process until notified. */
void sim_signal_wait(sim *s, sim_signal *sg);
/* Like wait, but give up after `timeout`; returns true if notified. */
bool sim_signal_wait_for(sim *s, sim_signal *sg, sim_time timeout);
/* Wake the longest waiter; returns false if nobody waited. */
bool sim_signal_notify_one(sim *s, sim_signal *sg);
void sim_signal_notify_all(sim *s, sim_signal *sg);
bool sim_signal_has_waiters(const sim_signal *sg);

/* Bounded queue of fixed-size items (copied in and out). */
typedef struct sim_queue sim_queue;

sim_queue *sim_queue_create(size_t capacity, size_t item_bytes);
void sim_queue_destroy(sim_queue *q);
/* Blocking: the calling process waits while the queue is full / empty. */
void sim_queue_put(sim *s, sim_queue *q, const void *item);
void sim_queue_get(sim *s, sim_queue *q, void *item);
/* Non-blocking: return false instead of waiting (usable from events). */
bool sim_queue_try_put(sim *s, sim_queue *q, const void *item);
bool sim_queue_try_get(sim *s, sim_queue *q, void *item);
size_t sim_queue_len(const sim_queue *q);
size_t sim_queue_capacity(const sim_queue *q);

#endif
