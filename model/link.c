/* model/link.c - the 10 Gbps full-duplex fiber (see link.h). */
#include "model/link.h"

#include <stdlib.h>
#include "model/faults.h"

/* IEEE 802.3: 7 B preamble + 1 B SFD before, 4 B FCS after the frame, and a
 * 12 B inter-frame gap. */
#define WIRE_OVERHEAD_BYTES (7u + 1u + 4u + 12u)

struct link_dir {
	struct link *l;
	enum link_side from;
	struct frame *q_head, *q_tail; /* waiting to be serialized */
	uint32_t q_len;
	int busy;                      /* serializing q_head */
	int paused;                    /* 802.3x PAUSE from the far side */
	sim_time paused_since;
	struct frame *fly_head, *fly_tail; /* on the fiber, in arrival order */
	struct link_dir_stats st;
	struct faults_dir *faults;
	link_tx_ready_fn tx_ready;
	void *tx_ready_ctx;
};

struct link {
	sim *s;
	struct frame_pool *pool;
	struct link_config cfg;
	struct link_dir dir[2];
	link_rx_fn rx[2];
	void *rx_ctx[2];
	link_tap_fn tap;
	void *tap_ctx;
};

void link_config_default(struct link_config *c)
{
	c->rate_bps = 10000000000ULL;
	c->propagation_ps = sim_ns(50);      /* 10 m of fiber at ~5 ns/m */
	c->tx_queue_frames = 4096;
}

struct link *link_create(sim *s, struct frame_pool *pool, const struct link_config *c)
{
	struct link *l = calloc(1, sizeof *l);
	if (!l)
		abort();
	l->s = s;
	l->pool = pool;
	l->cfg = *c;
	for (int i = 0; i < 2; i++) {
		l->dir[i].l = l;
		l->dir[i].from = (enum link_side)i;
	}
	return l;
}

static void free_list(struct frame_pool *pool, struct frame *f)
{
	while (f) {
		struct frame *n = f->next;
		frame_free(pool, f);
		f = n;
	}
}

void link_destroy(struct link *l)
{
	if (!l)
		return;
	for (int i = 0; i < 2; i++) {
		free_list(l->pool, l->dir[i].q_head);
		free_list(l->pool, l->dir[i].fly_head);
	}
	free(l);
}

void link_attach(struct link *l, enum link_side side, link_rx_fn rx, void *ctx)
{
	l->rx[side] = rx;
	l->rx_ctx[side] = ctx;
}

void link_set_tx_ready(struct link *l, enum link_side side, link_tx_ready_fn fn, void *ctx)
{
	l->dir[side].tx_ready = fn;
	l->dir[side].tx_ready_ctx = ctx;
}

void link_set_faults(struct link *l, enum link_side from, struct faults_dir *faults)
{
	l->dir[from].faults = faults;
}

void link_set_tap(struct link *l, link_tap_fn fn, void *ctx)
{
	l->tap = fn;
	l->tap_ctx = ctx;
}

sim_time link_frame_time(const struct link *l, uint32_t frame_len)
{
	uint32_t len = frame_len < FRAME_MIN_BYTES ? FRAME_MIN_BYTES : frame_len;
	return sim_bytes_time(len + WIRE_OVERHEAD_BYTES, l->cfg.rate_bps);
}

static void deliver(struct link *l, enum link_side from, struct frame *f)
{
	enum link_side to = from == LINK_CLIENT ? LINK_NPU : LINK_CLIENT;
	if (l->tap)
		l->tap(l->tap_ctx, from, f, sim_now(l->s));
	if (l->rx[to])
		l->rx[to](l->rx_ctx[to], f);
	else
		frame_free(l->pool, f);
}

/* The last bit of the oldest frame in flight reached the far side. */
static void arrival(sim *s, void *arg)
{
	struct link_dir *d = arg;
	struct link *l = d->l;
	struct frame *f = d->fly_head;
	d->fly_head = f->next;
	if (!d->fly_head)
		d->fly_tail = NULL;
	f->next = NULL;
	d->st.frames++;
	d->st.bytes += f->len;
	if (!d->faults) {
		deliver(l, d->from, f);
		return;
	}
	struct frame *out[FAULTS_MAX_OUT];
	unsigned n = faults_on_arrival(d->faults, l->pool, f, sim_now(s), out);
	for (unsigned i = 0; i < n; i++)
		deliver(l, d->from, out[i]);
}

static void start_next(struct link_dir *d);

/* The frame at the head of the queue is fully on the wire. */
static void serialized(sim *s, void *arg)
{
	struct link_dir *d = arg;
	struct link *l = d->l;
	struct frame *f = d->q_head;
	d->q_head = f->next;
	if (!d->q_head)
		d->q_tail = NULL;
	d->q_len--;
	f->next = NULL;
	if (d->fly_tail)
		d->fly_tail->next = f;
	else
		d->fly_head = f;
	d->fly_tail = f;
	sim_schedule_in(s, l->cfg.propagation_ps, arrival, d);
	d->busy = 0;
	start_next(d);
	if (d->tx_ready && d->q_len == l->cfg.tx_queue_frames / 2)
		d->tx_ready(d->tx_ready_ctx);
}

/* A frame at the head of the queue waited behind up to tx_queue_frames
 * others (6 MB) and has left the cache: fetch its bytes while it
 * serializes, for the far side's copy at its arrival, and the next frame's
 * header, which the next start_next reads. */
static void prefetch_head(const struct frame *f)
{
	for (uint32_t off = 0; off < f->len; off += 64)
		__builtin_prefetch(f->data + off);
	if (f->next)
		__builtin_prefetch(f->next);
}

static void start_next(struct link_dir *d)
{
	if (d->busy || d->paused || !d->q_head)
		return;
	struct link *l = d->l;
	prefetch_head(d->q_head);
	sim_time t = link_frame_time(l, d->q_head->len);
	uint32_t len = d->q_head->len < FRAME_MIN_BYTES ? FRAME_MIN_BYTES : d->q_head->len;
	d->st.wire_bytes += len + WIRE_OVERHEAD_BYTES;
	d->st.busy_ps += t;
	d->busy = 1;
	sim_schedule_in(l->s, t, serialized, d);
}

int link_transmit(struct link *l, enum link_side from, struct frame *f)
{
	struct link_dir *d = &l->dir[from];
	if (d->q_len >= l->cfg.tx_queue_frames) {
		d->st.drop_tx_queue_full++;
		frame_free(l->pool, f);
		return -1;
	}
	f->next = NULL;
	if (d->q_tail)
		d->q_tail->next = f;
	else
		d->q_head = f;
	d->q_tail = f;
	d->q_len++;
	start_next(d);
	return 0;
}

void link_pause(struct link *l, enum link_side side, int paused)
{
	struct link_dir *d = &l->dir[side];
	if (paused == d->paused)
		return;
	d->paused = paused;
	if (paused) {
		d->st.pauses++;
		d->paused_since = sim_now(l->s);
	} else {
		d->st.paused_ps += sim_now(l->s) - d->paused_since;
		start_next(d);
	}
}

uint32_t link_tx_queue_len(const struct link *l, enum link_side from)
{
	return l->dir[from].q_len;
}

uint32_t link_tx_queue_room(const struct link *l, enum link_side from)
{
	return l->cfg.tx_queue_frames - l->dir[from].q_len;
}

const struct link_dir_stats *link_stats(const struct link *l, enum link_side from)
{
	return &l->dir[from].st;
}
