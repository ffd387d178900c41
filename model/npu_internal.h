/* model/npu_internal.h - the XLS416 model as one machine: its sixteen
 * hardware threads on four cores, composed with the components that the
 * threads reach through the HAL.
 *
 * Contract. struct npu only composes: each component's state is its own
 * struct, behind its own header (model/fmn.h, mac.h, dma.h, pkt_pool.h,
 * ddr.h, core.h for the threads; the fiber and the PCIe link stand
 * outside, model/link.h and model/pcie.h), and is reached through that
 * header alone. Included by npu.c and hal_sim.c (firmware/hal.h on a
 * thread, which reaches every component) only; the components never see
 * it - data flows from the threads into the components, and back only
 * through what the components were given to call (FMN receivers and
 * senders, probes).
 */
#ifndef MODEL_NPU_INTERNAL_H
#define MODEL_NPU_INTERNAL_H

#include "model/core.h"
#include "model/dma.h"
#include "model/fmn.h"
#include "model/mac.h"
#include "model/npu.h"
#include "model/pkt_pool.h"

struct npu {
	sim *s;
	struct npu_config cfg;
	struct npu_program prog;
	void *fw_state;
	const struct npu_param *params;
	size_t n_params;
	sim_time cycle_ps;
	struct npu_probes probes;      /* the components hold a pointer to it */
	/* the threads */
	struct npu_thread th[NPU_THREADS];
	struct npu_core core[NPU_CORES];
	/* the components */
	struct fmn fmn;
	struct pkt_pool pool;
	struct mac mac;
	struct dma_engine dma;
	struct ddr ddr;                /* shared by the threads and the DMA engine */
	struct pcie *pcie;
	/* a host doorbell that waits for FMN credit to the tx thread */
	int doorbell_pending;
	uint32_t doorbell_value;
};

/* hal_sim.c */
extern struct npu_thread *hal_current;
/* Makes the threads FMN stations: receivers of their buckets, and senders
 * told when a credit of their core returns. */
void hal_threads_attach(struct npu *n);

#endif
