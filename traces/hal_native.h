/* traces/hal_native.h - firmware/hal.h natively: the machine the LRO engine
 * runs on in replay, the benchmarks, the fuzzers and the target self-test.
 *
 * One hardware thread (id 0, station 0) and what it talks to, inside the
 * calling process, using libc only (it is cross-compiled for the target's
 * self-test too):
 *   - cost annotations are free, as on the target, and tallied
 *     (hal_native_cost_units);
 *   - packet buffers: a pool of HAL_PKT_BUF_BYTES buffers, last freed
 *     first taken;
 *   - the clock: time the caller sets (hal_native_set_time_ns: capture
 *     time in replay), advanced by hal_wait_cycles;
 *   - the FMN: the thread's two buckets, and one queue per other station
 *     (DMA, MAC tx) that the caller empties (hal_native_fmn_take). A
 *     station's credits are the free places in its queue. A wait that
 *     only another thread could end (a blocking send without credit, a
 *     blocking receive on empty buckets) is a fatal error: none exists;
 *   - PCIe shared memory: a zeroed block; MSIs counted per vector;
 *   - parameters: the ones set with hal_native_set_param.
 * State is one static machine: init, use, fini, one at a time per process.
 *
 * Include this header before any firmware header: it brings the native
 * engine's names with it (traces/native_names.h, generated under build/gen
 * by the Makefile from the simulated build's objects: `#define lro_input
 * native_lro_input` and the like).
 */
#ifndef TRACES_HAL_NATIVE_H
#define TRACES_HAL_NATIVE_H

#include "traces/native_names.h"   /* generated: NATIVE_NAMES */

#include "firmware/hal.h"

#define HAL_NATIVE_STATION_THREAD 0u
#define HAL_NATIVE_STATION_DMA 1u
#define HAL_NATIVE_STATION_MAC_TX 2u
#define HAL_NATIVE_STATIONS 3u
#define HAL_NATIVE_MSI_VECTORS 32u
#define HAL_NATIVE_PARAMS 32u

struct hal_native_config {
	uint32_t pkt_buffers;          /* the pool's size */
	uint64_t clock_hz;             /* what hal_cycles counts; 0: 1 GHz */
	size_t shm_bytes;              /* PCIe shared memory; 0: none */
	uint32_t fmn_depth;            /* places per bucket and per station queue; 0: 64 */
};

/* Builds the machine: 0, or -1 (out of memory, or one is built already). */
int hal_native_init(const struct hal_native_config *c);
/* Frees it (buffers still out become invalid). */
void hal_native_fini(void);

/* Every buffer back in the pool, in the order of a fresh machine (the
 * first taken is the pool's first buffer). */
void hal_native_pool_reset(void);
/* A pool buffer's index, 0..pool size - 1; UINT32_MAX if p is not the
 * start of one. */
uint32_t hal_native_pkt_index(const void *p);

/* Sets the clock (nanoseconds since the machine started). */
void hal_native_set_time_ns(uint64_t ns);
uint64_t hal_native_time_ns(void);

/* What hal_param(name) returns from now on: 0, or -1 (table full). */
int hal_native_set_param(const char *name, uint64_t value);

/* Takes the oldest message the thread sent to another station: false when
 * none waits. *dst gets the station. Taking it returns its credit. */
bool hal_native_fmn_take(unsigned *dst, struct hal_msg *m);
/* Puts a message from `src` into one of the thread's buckets: false when
 * the bucket is full. */
bool hal_native_fmn_put(enum hal_bucket b, unsigned src, const struct hal_msg *m);

/* MSIs raised on `vector` so far. */
uint64_t hal_native_msi_count(unsigned vector);

/* The count hal_cost recorded for `op` since the machine was built. */
uint64_t hal_native_cost_units(enum hal_cost op);

#endif
