/* model/dma.h - the XLS416's DMA engine: the FMN station STATION_DMA, its
 * bounded request buffer (a stack, or a FIFO for comparison) and the copies
 * it makes between NPU DRAM and host memory over PCIe.
 *
 * Contract. Requests (HAL_MSG_DMA_REQ) arrive through the FMN; the engine
 * serves one at a time and answers each with a HAL_MSG_DMA_DONE to the
 * reply station named in it, holding the completion while that thread's
 * completion bucket has no credit (and taking no new request meanwhile).
 * It keeps the statistics of its buffer (waits, depth, the requests that
 * carry SYNs) and calls the dma_request and dma_depth probes.
 * Calls: the FMN, the PCIe link, the DDR channel, the packet pool (to find
 * a request's frame), sim/. Called by: the FMN (registered receiver and
 * sender), the HAL (dma_count_blocked_sender), the NPU builder. The fields
 * are the engine's own; others read `st` only, through npu_dma_stats.
 */
#ifndef MODEL_DMA_H
#define MODEL_DMA_H

#include "model/fmn.h"
#include "model/pcie.h"
#include "model/pkt_pool.h"

#define DMA_DONE_QUEUE 1024u           /* completions waiting for credit */

struct dma_job;

struct dma_engine {
	sim *s;
	const struct npu_config *cfg;      /* dma_buffer, dma_request_overhead_ps */
	struct fmn *fmn;
	struct pcie *pcie;
	struct ddr *ddr;                   /* shared with the threads */
	const struct pkt_pool *pool;
	const struct npu_probes *probes;   /* dma_request, dma_depth */
	struct fmn_bucket req;             /* the request buffer */
	int busy;
	uint64_t seq;                      /* requests that entered the buffer */
	uint32_t syn_waiting;              /* of those waiting, SYN carriers */
	struct fmn_slot done_q[DMA_DONE_QUEUE];
	uint32_t done_head, done_len;
	struct dma_job *job_free;          /* finished jobs, for reuse */
	struct dma_job *job_all;           /* every job made, freed at release */
	struct dma_stats st;
};

/* Registers the engine with the FMN as STATION_DMA and as its sender. */
void dma_init(struct dma_engine *d, sim *s, const struct npu_config *cfg, struct fmn *fmn,
	      struct pcie *pcie, struct ddr *ddr, const struct pkt_pool *pool,
	      const struct npu_probes *probes);
void dma_release(struct dma_engine *d);
uint32_t dma_depth(const struct dma_engine *d);
/* A thread found no credit for the request buffer (counted, it blocks). */
void dma_count_blocked_sender(struct dma_engine *d);
/* End of run: close the depth average; requests still waiting count into
 * the SYN figures. */
void dma_finish(struct dma_engine *d);
/* Report requests still in the buffer through the dma_request probe. */
void dma_trace_pending(const struct dma_engine *d);

#endif
