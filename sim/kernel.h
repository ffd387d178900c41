/* sim/kernel.h - the discrete-event kernel: one simulation, its clock and
 * its event queue.
 *
 * Ordering rule: events run in increasing time; events scheduled for the
 * same time run in the order they were scheduled (key = (time, sequence)).
 * Time never goes backwards: scheduling in the past is a fatal error.
 * Everything in a simulation is single-threaded; separate simulations (one
 * per sweep point) share nothing and may run in separate processes.
 */
#ifndef SIM_KERNEL_H
#define SIM_KERNEL_H

#include <stddef.h>
#include <stdint.h>
#include "sim/time.h"

#include "sim/evq.h"

/* Handle of a scheduled event; {0,0} never names a live event. Cancelling a
 * handle whose event already ran or was cancelled is a harmless no-op
 * (the generation number tells them apart). */
typedef struct {
	uint32_t slot;
	uint32_t gen;
} sim_event_handle;

sim *sim_create(uint64_t seed);
void sim_destroy(sim *s);

sim_time sim_now(const sim *s);
uint64_t sim_seed(const sim *s);

sim_event_handle sim_schedule_at(sim *s, sim_time when, sim_event_fn fn, void *arg);
sim_event_handle sim_schedule_in(sim *s, sim_time delay, sim_event_fn fn, void *arg);
/* Returns 1 if the event was pending and is now cancelled, 0 otherwise. */
int sim_cancel(sim *s, sim_event_handle h);
int sim_event_pending(const sim *s, sim_event_handle h);

/* Run events until the queue is empty, sim_stop() is called, or the next
 * event lies after `end` (the clock is then set to `end`). Returns the number
 * of events executed by this call. */
uint64_t sim_run_until(sim *s, sim_time end);
void sim_stop(sim *s);

/* Run-ahead, for a process about to wait until t for something only it is
 * waiting for. sim_quiet_until: no event is due at or before t, t is within
 * the running sim_run_until and no stop is requested - nothing can happen
 * in between. Then sim_run_ahead moves the clock to t at once and counts
 * the `events` the wait would have executed (a completion, a resumption);
 * the process goes on as if resumed at t. */
bool sim_quiet_until(const sim *s, sim_time t);
void sim_run_ahead(sim *s, sim_time t, unsigned events);

uint64_t sim_events_executed(const sim *s);
size_t sim_events_pending(const sim *s);

/* Called every `every_events` events from the run loop (progress lines). */
typedef void (*sim_progress_fn)(sim *s, void *arg);
void sim_set_progress(sim *s, uint64_t every_events, sim_progress_fn fn, void *arg);

/* Print "npusim: fatal: <message> (at t=<now>)" to stderr and abort(). For
 * broken invariants and misuse of the kernel, not for bad user input. */
_Noreturn void sim_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
