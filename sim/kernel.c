/* sim/kernel.c - the event loop: pop the earliest event, set the clock,
 * run it. */
#include "sim/kernel_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

sim *sim_running;

sim *sim_create(uint64_t seed)
{
	sim *s = calloc(1, sizeof *s);
	if (!s)
		abort();
	s->seed = seed;
	s->queue = evq_create();
	return s;
}

void sim_destroy(sim *s)
{
	if (!s)
		return;
	sim_proc_sched_destroy(s);
	evq_destroy(s->queue);
	if (sim_running == s)
		sim_running = NULL;
	free(s);
}

sim_time sim_now(const sim *s) { return s->now; }
uint64_t sim_seed(const sim *s) { return s->seed; }

static sim_event_handle handle_of(uint64_t h)
{
	return (sim_event_handle){ .slot = (uint32_t)h, .gen = (uint32_t)(h >> 32) };
}

static uint64_t packed(sim_event_handle h)
{
	return (uint64_t)h.gen << 32 | h.slot;
}

sim_event_handle sim_schedule_at(sim *s, sim_time when, sim_event_fn fn, void *arg)
{
	if (when < s->now)
		sim_fatal("event scheduled in the past (%llu ps < now %llu ps)",
			  (unsigned long long)when, (unsigned long long)s->now);
	if (s->deferred && when == s->now)
		sim_proc_queue_deferred(s);
	return handle_of(evq_push(s->queue, when, fn, arg));
}

sim_event_handle sim_schedule_in(sim *s, sim_time delay, sim_event_fn fn, void *arg)
{
	sim_time when = sim_time_add(s->now, delay);
	if (s->deferred && when == s->now)
		sim_proc_queue_deferred(s);
	return handle_of(evq_push(s->queue, when, fn, arg));
}

int sim_cancel(sim *s, sim_event_handle h)
{
	if (h.gen == 0)
		return 0;
	return evq_cancel(s->queue, packed(h));
}

int sim_event_pending(const sim *s, sim_event_handle h)
{
	return h.gen != 0 && evq_contains(s->queue, packed(h));
}

uint64_t sim_run_until(sim *s, sim_time end)
{
	sim *outer = sim_running;
	uint64_t start = s->executed;
	sim_time outer_end = s->run_end;
	int outer_in_event = s->in_event;
	evq_event ev;
	if (s->deferred)
		sim_proc_queue_deferred(s);   /* a run started from an event's callback */
	sim_running = s;
	s->stopping = 0;
	s->run_end = end;
	s->in_event = 0;
	while (!s->stopping) {
		if (s->deferred) {
			/* a process woken by the last event, due next (process.c) */
			s->executed++;
			sim_proc_run_deferred(s);
		} else if (evq_pop_until(s->queue, end, &ev)) {
			s->now = ev.time;
			s->executed++;
			s->in_event = 1;
			ev.fn(s, ev.arg);
			s->in_event = 0;
		} else {
			break;
		}
		if (s->progress_fn && s->executed >= s->progress_next) {
			s->progress_next = s->executed + s->progress_every;
			s->progress_fn(s, s->progress_arg);
		}
	}
	if (!s->stopping && end != SIM_TIME_MAX && end > s->now)
		s->now = end;
	s->run_end = outer_end;
	s->in_event = outer_in_event;
	sim_running = outer;
	return s->executed - start;
}

bool sim_quiet_until(const sim *s, sim_time t)
{
	/* strictly after t: an event at t itself would run before the
	 * wait's own events, which would be scheduled after it */
	return !s->stopping && !s->deferred && t <= s->run_end && evq_peek_time(s->queue) > t;
}

void sim_run_ahead(sim *s, sim_time t, unsigned events)
{
	s->now = t;
	s->executed += events;
	evq_set_time(s->queue, t);
}

void sim_stop(sim *s)
{
	if (s->deferred)
		sim_proc_queue_deferred(s);   /* the run ends before it: keep its place */
	s->stopping = 1;
}

uint64_t sim_events_executed(const sim *s) { return s->executed; }
size_t sim_events_pending(const sim *s) { return evq_size(s->queue) + (s->deferred != NULL); }

void sim_set_progress(sim *s, uint64_t every_events, sim_progress_fn fn, void *arg)
{
	s->progress_every = every_events ? every_events : 1;
	s->progress_next = s->executed + s->progress_every;
	s->progress_fn = fn;
	s->progress_arg = arg;
}

void sim_fatal(const char *fmt, ...)
{
	va_list ap;
	fflush(stdout);
	fputs("npusim: fatal: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (sim_running)
		fprintf(stderr, " (at t=%.12f s)", sim_time_to_seconds(sim_running->now));
	fputc('\n', stderr);
	abort();
}
