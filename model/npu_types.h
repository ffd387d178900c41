/* model/npu_types.h - the XLS416 model's vocabulary, shared by its
 * components and its users: the machine's dimensions, its configuration,
 * the firmware's entry points, the figures it keeps and the probes it
 * calls. Types only; the API is model/npu.h.
 */
#ifndef MODEL_NPU_TYPES_H
#define MODEL_NPU_TYPES_H

#include <stddef.h>
#include <stdint.h>
#include "firmware/hal.h"
#include "model/ddr.h"
#include "sim/kernel.h"
#include "sim/stats.h"

#define NPU_CORES 4
#define NPU_THREADS_PER_CORE 4
#define NPU_THREADS (NPU_CORES * NPU_THREADS_PER_CORE)
#define NPU_CACHE_LINE_BYTES 32u       /* L1 line: what one hal_mem() access moves */

enum dma_buffer_kind { DMA_BUFFER_STACK = 0, DMA_BUFFER_FIFO = 1 };
enum pde_policy { PDE_HASH = 0, PDE_ROUND_ROBIN = 1 };

struct npu_config {
	uint64_t clock_hz;                 /* core clock; 1.0e9 (free, 1.0-1.5 GHz) */
	uint32_t cost_cycles[HAL_COST_COUNT]; /* cycles per firmware operation */
	struct ddr_config ddr;             /* DRAM seen by threads and the DMA engine */
	/* FMN */
	sim_time fmn_hop_ps;               /* per-message latency */
	uint32_t thread_bucket_depth;      /* messages per thread bucket */
	uint32_t dma_credits_per_core;     /* credits of each core for the DMA bucket */
	/* PDE and MAC */
	enum pde_policy pde;
	uint32_t rx_threads;               /* threads 0..rx_threads-1 receive */
	uint32_t rx_fifo_bytes;            /* MAC receive FIFO */
	int flow_control;                  /* send 802.3x PAUSE when the FIFO fills */
	uint32_t pkt_buffers;              /* packet buffers in NPU DRAM */
	double tx_reserve;                 /* share of them the MAC may not take */
	/* DMA engine */
	enum dma_buffer_kind dma_buffer;
	uint32_t dma_depth;                /* request buffer entries */
	sim_time dma_request_overhead_ps;  /* fixed cost per request */
	unsigned tx_thread;                /* receives host doorbells */
};

/* The firmware's entry points (firmware/firmware.h), passed in so that the
 * model does not name the firmware. */
struct npu_program {
	size_t (*state_bytes)(void);
	void (*init)(void *state);
	void (*thread_main)(void *state, unsigned thread_id);
};

/* hal_param() answers from this table. */
struct npu_param {
	const char *name;
	uint64_t value;
};

struct npu_thread_stats {
	sim_time busy_ps;                  /* issuing on the core (shared) */
	sim_time mem_ps;                   /* stalled on DRAM */
	sim_time wait_ps;                  /* waiting on FMN receive or credit */
	sim_time idle_ps;                  /* hal_wait_cycles */
	uint64_t msgs_sent, msgs_received;
};

/* Which requests the SYN figures follow: the client's SYNs on their way to
 * the host, and the host's SYN-ACKs fetched from host memory (host.tx_dma). */
enum dma_syn_kind { DMA_NOT_SYN = 0, DMA_SYN = 1, DMA_SYNACK = 2 };

/* The longest-waiting request of one kind, retransmissions included;
 * requests never served count as waiting until the end of the run. */
struct dma_syn_stats {
	uint64_t requests;
	sim_time wait_max_ps;
	uint32_t overtaken_max;            /* most newer requests served before one */
	unsigned wait_max_requester;       /* station of the longest wait */
	uint64_t never_served;
};

struct dma_stats {
	uint64_t requests;                 /* served */
	uint64_t bytes;
	uint64_t sender_blocked;           /* sends that found no credit */
	sim_hist wait_ns;                  /* time in the request buffer */
	sim_tavg depth;
	sim_time busy_ps;
	uint32_t max_depth;
	struct dma_syn_stats syn;          /* requests carrying a client's SYN */
	struct dma_syn_stats synack;       /* fetches of the host's SYN-ACKs */
};

struct mac_stats {
	uint64_t rx_frames;
	uint64_t rx_drop_fifo_full;
	uint64_t rx_waits_no_buffer;       /* head frame waited for a packet buffer */
	uint64_t rx_waits_no_credit;       /* head frame waited for FMN credit */
	uint64_t tx_frames;
	uint64_t tx_drop_queue_full;
	uint64_t pkt_alloc_fail;           /* hal_pkt_alloc found the pool empty */
	uint32_t rx_fifo_max_bytes;
	uint64_t pause_sent;               /* PAUSE episodes (802.3x) */
};

/* One record per DMA request, when service starts (and for requests still
 * waiting at the end, via npu_dma_trace_pending). */
struct dma_trace_rec {
	sim_time enqueue_ps;
	sim_time start_ps;                 /* SIM_TIME_MAX: never served */
	unsigned requester;                /* station */
	const uint8_t *src;                /* the bytes to move */
	uint32_t len;
	uint32_t depth_at_enqueue;
	const uint8_t *buffer;             /* the packet buffer src lies in (it
					    * starts with a received frame), or
					    * NULL */
	int from_host;                     /* a fetch from host memory: src is
					    * the host's frame */
};
typedef void (*dma_trace_fn)(void *ctx, const struct dma_trace_rec *r);
/* A depth that changed at time t (for waveforms). */
typedef void (*npu_depth_fn)(void *ctx, sim_time t, uint32_t depth);
/* What a hardware thread is doing, for waveforms. */
enum npu_thread_state {
	NPU_THREAD_RUNNING = 0,        /* between annotations (no simulated time) */
	NPU_THREAD_COMPUTE = 1,        /* issuing on its core */
	NPU_THREAD_MEMORY = 2,         /* stalled on DRAM */
	NPU_THREAD_WAITING = 3,        /* waiting on the FMN (message or credit) */
	NPU_THREAD_SLEEPING = 4,       /* hal_wait_cycles */
};
typedef void (*npu_state_fn)(void *ctx, unsigned thread, enum npu_thread_state s, sim_time t);
typedef void (*npu_bucket_fn)(void *ctx, unsigned thread, sim_time t, uint32_t depth);

/* What the model reports as it runs, for traces and waveforms; a probe
 * left NULL costs a test of the pointer. All are called with ctx. */
struct npu_probes {
	void *ctx;
	npu_state_fn thread_state;         /* every change of a thread's state */
	npu_bucket_fn bucket_depth;        /* a thread's FMN buckets (both) */
	npu_depth_fn dma_depth;            /* the DMA request buffer */
	npu_depth_fn rx_fifo;              /* the MAC receive FIFO, bytes */
	dma_trace_fn dma_request;          /* every DMA request, when served */
};

#endif
