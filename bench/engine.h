/* bench/engine.h - the firmware's LRO engine run natively over a capture in
 * memory, for speed and for a byte-for-byte check of its output. */
#ifndef BENCH_ENGINE_H
#define BENCH_ENGINE_H

#include <stdint.h>

#include "bench/capture.h"
#include "bench/verify.h"

/* 10 Gbit/s of 1,500-byte IP packets: 1,538 bytes on the wire each. */
#define LINE_RATE_MPPS 0.812744

struct engine_speed {
	uint64_t passes, frames;
	double seconds;                /* inside the timed region */
	double cpu_seconds;            /* this thread's CPU time in it (less noisy on a shared machine) */
	double mpps;
	uint64_t deliveries, delivered_segments, acks;
};

/* Runs whole passes over the capture until `min_seconds` of timed work;
 * the engine is initialised before each pass, outside the timed region.
 * Each frame is copied into a packet buffer (as the NIC's DMA would put
 * it), fed to lro_input, and the actions are carried out as the rx thread
 * would up to the host: delivered and passed buffers go back to the pool.
 * What is still held at the end of a pass is delivered (lro_drain_conn)
 * inside the timed region. Returns 0, or -1 (out of buffers or memory). */
int engine_measure(const struct capture *c, double min_seconds, struct engine_speed *s);

/* The same with the frames put in their packet buffers ahead of the
 * engine, 2,048 at a time outside the timed region (a NIC's DMA costs
 * the core nothing): the engine's own speed. */
int engine_placed_measure(const struct capture *c, double min_seconds, struct engine_speed *s);

/* The harness's share: the same copies into packet buffers (a ring of
 * 1,024), without the engine. */
int engine_copy_measure(const struct capture *c, double min_seconds, struct engine_speed *s);

/* One untimed pass whose outputs (aggregates flattened, as the host would
 * receive them) go to the verifier. */
int engine_verify(const struct capture *c, struct verify *v, struct verify_report *r);

double bench_now(void);
/* The calling thread's CPU time, seconds. */
double bench_cpu_now(void);

/* Prints "bench: load_average_1min L (before the runs)" from /proc/loadavg:
 * wall-clock figures depend on what else the machine runs. */
void bench_print_loadavg(void);

#endif
