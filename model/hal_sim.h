/* model/hal_sim.h - firmware/hal.h on the simulated XLS416.
 *
 * Contract. The firmware's HAL calls run on the hardware thread whose
 * coroutine is running and reach the machine through the
 * thread's struct hal_machine: what the firmware can touch, and nothing
 * more. Cost annotations are paid (compute on the shared core, then the
 * DRAM stalls) before anything the thread does that the rest of the machine
 * can see. The threads are FMN stations: hal_threads_attach registers their
 * buckets as receivers and their cores as senders.
 * Calls: the cores (model/core.h), the FMN, the packet pool, the MAC (a
 * freed buffer may let a frame in), the DMA engine (a sender that blocks),
 * DDR, PCIe (shared memory, MSI), sim/. Called by: the firmware, the NPU
 * builder (model/npu.c).
 */
#ifndef MODEL_HAL_SIM_H
#define MODEL_HAL_SIM_H

#include "model/core.h"
#include "model/dma.h"
#include "model/fmn.h"
#include "model/mac.h"
#include "model/pcie.h"
#include "model/pkt_pool.h"

/* The machine as the HAL sees it; filled in by the NPU builder. */
struct hal_machine {
	sim *s;
	const struct npu_config *cfg;      /* clock_hz, cost_cycles */
	struct npu_thread *th;             /* NPU_THREADS of them */
	struct fmn *fmn;
	struct pkt_pool *pool;
	struct mac *mac;
	struct dma_engine *dma;
	struct ddr *ddr;
	struct pcie *pcie;
	const struct npu_param *params;    /* what hal_param answers */
	size_t n_params;
	const struct npu_program *prog;    /* set by hal_firmware_start */
	void *fw_state;
};

void hal_threads_attach(struct hal_machine *hw);
/* The firmware's init on thread 0's identity, then every hardware thread
 * starts its main loop. */
void hal_firmware_start(struct hal_machine *hw, const struct npu_program *prog, void *fw_state);

#endif
