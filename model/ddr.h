/* model/ddr.h - the XLS416's DDR2 channel as the hardware threads and the
 * DMA engine see it: a load-to-use latency per access and one data bus
 * whose bandwidth all accesses share, one transfer after another.
 *
 * An in-order thread's cache misses are serialized (each costs the
 * latency; the 32-byte line's transfer hides inside it unless the bus is
 * taken); the DMA engine streams its source: latency, then the bytes at the
 * bus rate. With the bus busy, a transfer waits for it - that is how the
 * DMA engine and the threads slow each other down.
 */
#ifndef MODEL_DDR_H
#define MODEL_DDR_H

#include <stdint.h>
#include "sim/time.h"

struct ddr_config {
	sim_time latency_ps;               /* load-to-use miss latency */
	uint64_t bytes_per_s;              /* DDR2-800, 64-bit: 6.4 GB/s peak */
};

void ddr_config_default(struct ddr_config *c);

struct ddr {
	struct ddr_config cfg;
	sim_time bus_free_ps;              /* the bus is taken until then */
	sim_time bus_busy_ps;              /* total transfer time */
	sim_time waited_ps;                /* time accesses waited for the bus */
	uint64_t bytes;
};

void ddr_init(struct ddr *d, const struct ddr_config *c);
/* `lines` cache misses of `line_bytes` each by one in-order thread, from
 * `now`: returns when the last line is in. */
sim_time ddr_misses(struct ddr *d, sim_time now, uint32_t lines, uint32_t line_bytes);
/* A streamed read of `bytes` (the DMA engine's source), from `now`:
 * returns when the last byte is read. */
sim_time ddr_stream(struct ddr *d, sim_time now, uint32_t bytes);

#endif
