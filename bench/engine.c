/* bench/engine.c - the LRO engine natively over a capture in memory, on
 * the native HAL (traces/hal_native.h): its packet pool, cost annotations
 * free as on the target. */
/* first: the engine's native names ahead of the firmware headers */
#include "traces/hal_native.h"
#include "bench/engine.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "firmware/lro.h"

#define N_BUFS (1u << 16)
/* About the buffers the engine keeps busy on the bulk capture (16 flows
 * of up to 45 segments), for the copy-only loop. */
#define COPY_RING 1024u

static volatile unsigned copy_sink;

struct run {
	struct lro_config cfg;
	void *mem;
	struct lro_engine *eng;        /* its N_BUFS packet buffers: the native HAL's pool */
	bool machine_built;
	uint8_t *agg;                  /* one flattened aggregate (verification) */
	struct lro_out out;
};

double bench_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

double bench_cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void bench_print_loadavg(void)
{
	FILE *f = fopen("/proc/loadavg", "r");
	double l1;
	if (f && fscanf(f, "%lf", &l1) == 1)
		printf("bench: load_average_1min %.2f (before the runs)\n", l1);
	if (f)
		fclose(f);
}

static void run_free(struct run *r)
{
	free(r->mem);
	if (r->machine_built)
		hal_native_fini();
	free(r->agg);
}

static int run_init(struct run *r)
{
	memset(r, 0, sizeof *r);
	/* as `npusim replay` configures it */
	lro_config_default(&r->cfg);
	r->cfg.max_conns = 4096;
	r->cfg.table_buckets = 1024;
	r->mem = aligned_alloc(64, (lro_engine_bytes(&r->cfg) + 63u) / 64u * 64u);
	struct hal_native_config machine = { .pkt_buffers = N_BUFS };
	r->machine_built = hal_native_init(&machine) == 0;
	r->agg = malloc(1u << 17);
	if (!r->mem || !r->machine_built || !r->agg) {
		run_free(r);
		fprintf(stderr, "bench: out of memory\n");
		return -1;
	}
	return 0;
}

/* A fresh engine and a full pool, ready for a pass. */
static void run_reset(struct run *r)
{
	r->eng = lro_engine_init(r->mem, &r->cfg);
	hal_native_pool_reset();
}

/* Asks for the lines of a frame in its packet buffer ahead of use: the
 * engine reads all of it (the checksum), and would otherwise wait for each
 * line in turn. */
static inline void prefetch_frame(const uint8_t *p, uint32_t len)
{
	for (uint32_t at = 0; at < len; at += 64u)
		__builtin_prefetch(p + at);
}

static void verify_deliver(struct run *r, const struct lro_action *a, struct verify *v)
{
	uint32_t payload = 0;
	for (const struct lro_seg *s = a->segs; s; s = s->next)
		payload += s->payload_len;
	uint32_t hdr = a->len - payload, at = hdr;
	memcpy(r->agg, a->segs->frame, hdr);
	for (const struct lro_seg *s = a->segs; s; s = s->next) {
		memcpy(r->agg + at, s->frame + s->payload_off, s->payload_len);
		at += s->payload_len;
	}
	verify_output(v, r->agg, at, a->n_segs);
}

/* The rx thread's part: buffers handed on go back to the pool. */
static void carry_out(struct run *r, struct verify *v)
{
	for (unsigned i = 0; i < r->out.n; i++) {
		const struct lro_action *a = &r->out.a[i];
		switch (a->kind) {
		case LRO_ACT_DELIVER:
			if (v)
				verify_deliver(r, a, v);
			for (struct lro_seg *s = a->segs, *next; s; s = next) {
				next = s->next;
				hal_pkt_free(s->frame);
			}
			break;
		case LRO_ACT_PASS:
			if (v)
				verify_output(v, a->buf, a->len, 1);
			hal_pkt_free(a->buf);
			break;
		case LRO_ACT_FREE:
			hal_pkt_free(a->buf);
			break;
		case LRO_ACT_ACK:
			break;
		}
	}
}

/* Takes a buffer from the pool and copies frame i into it: the NIC's DMA. */
static uint8_t *place(const struct capture *c, size_t i)
{
	uint8_t *b = hal_pkt_alloc();
	if (!b) {
		fprintf(stderr, "bench: more than %u segments held at frame %zu\n", N_BUFS, i + 1);
		return NULL;
	}
	const struct capture_frame *f = &c->frames[i];
	capture_prefetch(c, i + CAPTURE_PREFETCH_AHEAD);
	memcpy(b, c->data + f->off, f->len);
	return b;
}

/* Each frame is copied one frame ahead of the engine, as a NIC's DMA runs
 * ahead of the core: reading a frame right after its copy would wait for
 * the copy's stores to reach the cache. */
static int run_pass(struct run *r, const struct capture *c, struct verify *v)
{
	uint8_t *next = c->n ? place(c, 0) : NULL;
	for (size_t i = 0; i < c->n; i++) {
		uint8_t *b = next;
		if (!b)
			return -1;
		if (i + 1 < c->n)
			next = place(c, i + 1);
		lro_input(r->eng, b, c->frames[i].len, c->frames[i].ts_ns, &r->out);
		carry_out(r, v);
	}
	for (uint32_t i = 0; i < lro_conn_capacity(r->eng); i++) {
		lro_drain_conn(r->eng, i, &r->out);
		carry_out(r, v);
	}
	return 0;
}

/* A stretch of timed work, added to a figure's wall and CPU seconds. */
struct timing {
	double wall, cpu;
};

static struct timing timing_start(void)
{
	return (struct timing){ bench_now(), bench_cpu_now() };
}

static void timing_add(struct engine_speed *s, struct timing t)
{
	s->cpu_seconds += bench_cpu_now() - t.cpu;
	s->seconds += bench_now() - t.wall;
}

/* A pass with the frames put in their packet buffers ahead of the engine,
 * PLACED_BATCH at a time outside the timed region: the engine's time
 * alone. (A NIC's DMA costs the core nothing and, with DDIO, leaves the
 * frames in the last-level cache; 2,048 frames of 2 KB buffers stay in
 * this machine's L3.) */
#define PLACED_BATCH 2048u

static int run_pass_placed(struct run *r, const struct capture *c, struct engine_speed *s)
{
	static uint8_t *placed[PLACED_BATCH];
	for (size_t i = 0; i < c->n; i += PLACED_BATCH) {
		size_t n = c->n - i < PLACED_BATCH ? c->n - i : PLACED_BATCH;
		if (hal_pkt_free_count() < n) {
			fprintf(stderr, "bench: more than %u segments held at frame %zu\n",
				N_BUFS - PLACED_BATCH, i + 1);
			return -1;
		}
		for (size_t j = 0; j < n; j++) {
			const struct capture_frame *f = &c->frames[i + j];
			placed[j] = hal_pkt_alloc();
			memcpy(placed[j], c->data + f->off, f->len);
		}
		struct timing t = timing_start();
		for (size_t j = 0; j < n; j++) {
			const struct capture_frame *f = &c->frames[i + j];
			if (j + 1 < n)
				prefetch_frame(placed[j + 1], f[1].len);
			lro_input(r->eng, placed[j], f->len, f->ts_ns, &r->out);
			carry_out(r, NULL);
		}
		timing_add(s, t);
	}
	struct timing t = timing_start();
	for (uint32_t i = 0; i < lro_conn_capacity(r->eng); i++) {
		lro_drain_conn(r->eng, i, &r->out);
		carry_out(r, NULL);
	}
	timing_add(s, t);
	return 0;
}

/* The three kinds of timed pass: each adds its timed part to s. */
static int pass_placed(struct run *r, const struct capture *c, struct engine_speed *s)
{
	run_reset(r);
	return run_pass_placed(r, c, s);
}

static int pass_whole(struct run *r, const struct capture *c, struct engine_speed *s)
{
	run_reset(r);
	struct timing t = timing_start();
	int rc = run_pass(r, c, NULL);
	timing_add(s, t);
	return rc;
}

static int pass_copies(struct run *r, const struct capture *c, struct engine_speed *s)
{
	static uint8_t *ring[COPY_RING];
	(void)r;
	hal_native_pool_reset();
	for (unsigned i = 0; i < COPY_RING; i++)
		ring[i] = hal_pkt_alloc();
	unsigned last = 0;
	struct timing t = timing_start();
	for (size_t i = 0; i < c->n; i++) {
		const struct capture_frame *f = &c->frames[i];
		uint8_t *b = ring[i % COPY_RING];
		capture_prefetch(c, i + CAPTURE_PREFETCH_AHEAD);
		memcpy(b, c->data + f->off, f->len);
		last += b[f->len - 1];
	}
	timing_add(s, t);
	copy_sink += last;
	return 0;
}

/* Whole passes over c until they add up to min_seconds of timed work. */
static int measure(struct run *r, const struct capture *c, double min_seconds,
		   struct engine_speed *s,
		   int (*pass)(struct run *, const struct capture *, struct engine_speed *))
{
	int rc = 0;
	while (rc == 0 && (s->passes == 0 || s->seconds < min_seconds)) {
		rc = pass(r, c, s);
		s->passes++;
		s->frames += c->n;
	}
	s->mpps = s->seconds > 0 ? (double)s->frames / s->seconds / 1e6 : 0;
	return rc;
}

int engine_placed_measure(const struct capture *c, double min_seconds, struct engine_speed *s)
{
	struct run r;
	memset(s, 0, sizeof *s);
	if (run_init(&r) != 0)
		return -1;
	int rc = measure(&r, c, min_seconds, s, pass_placed);
	run_free(&r);
	return rc;
}

int engine_measure(const struct capture *c, double min_seconds, struct engine_speed *s)
{
	struct run r;
	memset(s, 0, sizeof *s);
	if (run_init(&r) != 0)
		return -1;
	int rc = measure(&r, c, min_seconds, s, pass_whole);
	const struct lro_counters *k = lro_engine_counters(r.eng);
	s->deliveries = k->deliveries;
	s->delivered_segments = k->delivered_segments;
	s->acks = k->acks_sent;
	run_free(&r);
	return rc;
}

int engine_copy_measure(const struct capture *c, double min_seconds, struct engine_speed *s)
{
	struct run r;
	memset(s, 0, sizeof *s);
	if (run_init(&r) != 0)
		return -1;
	int rc = measure(&r, c, min_seconds, s, pass_copies);
	run_free(&r);
	return rc;
}

int engine_verify(const struct capture *c, struct verify *v, struct verify_report *rep)
{
	struct run r;
	if (run_init(&r) != 0)
		return -1;
	run_reset(&r);
	verify_reset(v);
	int rc = run_pass(&r, c, v);
	verify_result(v, rep);
	run_free(&r);
	return rc;
}
