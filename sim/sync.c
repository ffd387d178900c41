/* sim/sync.c - signals (FIFO of parked processes) and bounded queues. */
#include "sim/sync.h"

#include <stdlib.h>
#include <string.h>

struct sim_waiter {
	struct sim_waiter *next;
	sim_proc *proc;
	sim_signal *sg;                /* signal waited on, NULL once notified */
	sim_event_handle timeout;
};

static void enqueue(sim_signal *sg, struct sim_waiter *w)
{
	w->next = NULL;
	if (sg->tail)
		sg->tail->next = w;
	else
		sg->head = w;
	sg->tail = w;
}

static void unlink_waiter(sim_signal *sg, struct sim_waiter *w)
{
	struct sim_waiter *prev = NULL;
	for (struct sim_waiter *x = sg->head; x; prev = x, x = x->next) {
		if (x != w)
			continue;
		if (prev)
			prev->next = x->next;
		else
			sg->head = x->next;
		if (sg->tail == x)
			sg->tail = prev;
		return;
	}
}

void sim_signal_wait(sim *s, sim_signal *sg)
{
	/* The waiter lives on the waiting process's stack: it stays valid
	 * while the process is parked. */
	struct sim_waiter w = { .proc = sim_proc_self(s), .sg = sg };
	if (!w.proc)
		sim_fatal("sim_signal_wait called outside a process");
	enqueue(sg, &w);
	sim_proc_park(s);
}

static void timeout_event(sim *s, void *arg)
{
	struct sim_waiter *w = arg;
	unlink_waiter(w->sg, w);
	w->sg = NULL;
	w->timeout = (sim_event_handle){ 0, 0 };
	sim_proc_wake(s, w->proc);
}

bool sim_signal_wait_for(sim *s, sim_signal *sg, sim_time timeout)
{
	struct sim_waiter w = { .proc = sim_proc_self(s), .sg = sg };
	if (!w.proc)
		sim_fatal("sim_signal_wait_for called outside a process");
	enqueue(sg, &w);
	w.timeout = sim_schedule_in(s, timeout, timeout_event, &w);
	sim_proc_park(s);
	/* notify cancels the timeout and leaves w.timeout set to {1,1} */
	return w.timeout.gen != 0;
}

bool sim_signal_notify_one(sim *s, sim_signal *sg)
{
	struct sim_waiter *w = sg->head;
	if (!w)
		return false;
	sg->head = w->next;
	if (!sg->head)
		sg->tail = NULL;
	w->sg = NULL;
	if (w->timeout.gen != 0) {
		sim_cancel(s, w->timeout);
		w->timeout = (sim_event_handle){ 1, 1 };   /* "notified" */
	}
	sim_proc_wake(s, w->proc);
	return true;
}

void sim_signal_notify_all(sim *s, sim_signal *sg)
{
	while (sim_signal_notify_one(s, sg))
		;
}

bool sim_signal_has_waiters(const sim_signal *sg)
{
	return sg->head != NULL;
}

struct sim_queue {
	size_t capacity, item_bytes;
	size_t head, len;
	sim_signal not_full, not_empty;
	unsigned char *items;
};

sim_queue *sim_queue_create(size_t capacity, size_t item_bytes)
{
	if (capacity == 0 || item_bytes == 0)
		sim_fatal("sim_queue_create: capacity and item size must be > 0");
	sim_queue *q = calloc(1, sizeof *q);
	if (!q || !(q->items = malloc(capacity * item_bytes)))
		abort();
	q->capacity = capacity;
	q->item_bytes = item_bytes;
	return q;
}

void sim_queue_destroy(sim_queue *q)
{
	if (!q)
		return;
	free(q->items);
	free(q);
}

bool sim_queue_try_put(sim *s, sim_queue *q, const void *item)
{
	if (q->len == q->capacity)
		return false;
	size_t tail = q->head + q->len;        /* wrapped by compare, not % */
	if (tail >= q->capacity)
		tail -= q->capacity;
	memcpy(q->items + tail * q->item_bytes, item, q->item_bytes);
	q->len++;
	sim_signal_notify_one(s, &q->not_empty);
	return true;
}

bool sim_queue_try_get(sim *s, sim_queue *q, void *item)
{
	if (q->len == 0)
		return false;
	memcpy(item, q->items + q->head * q->item_bytes, q->item_bytes);
	q->head = q->head + 1 == q->capacity ? 0 : q->head + 1;
	q->len--;
	sim_signal_notify_one(s, &q->not_full);
	return true;
}

/* A woken waiter re-checks: another process may have taken the slot first
 * (it was made runnable at the same time). */
void sim_queue_put(sim *s, sim_queue *q, const void *item)
{
	while (!sim_queue_try_put(s, q, item))
		sim_signal_wait(s, &q->not_full);
}

void sim_queue_get(sim *s, sim_queue *q, void *item)
{
	while (!sim_queue_try_get(s, q, item))
		sim_signal_wait(s, &q->not_empty);
}

size_t sim_queue_len(const sim_queue *q) { return q->len; }
size_t sim_queue_capacity(const sim_queue *q) { return q->capacity; }
