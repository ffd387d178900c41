/* model/npu.h - the simulated XLS416: 4 cores x 4 hardware threads running
 * the firmware, the Fast Messaging Network, the packet distribution engine,
 * the XAUI MAC, the DMA engine and the packet buffer pool, wired to a fiber
 * (model/link.h) and a PCIe link (model/pcie.h). One-stop API for the
 * system builder.
 */
#ifndef MODEL_NPU_H
#define MODEL_NPU_H

#include "model/frame.h"
#include "model/link.h"
#include "model/npu_types.h"
#include "model/pcie.h"

void npu_config_default(struct npu_config *c);

struct npu;

struct npu *npu_create(sim *s, struct frame_pool *pool, struct link *l, struct pcie *p,
		       const struct npu_config *c, const struct npu_program *prog,
		       const struct npu_param *params, size_t n_params);
void npu_destroy(struct npu *n);

const struct npu_thread_stats *npu_thread_stats(const struct npu *n, unsigned thread);
const struct dma_stats *npu_dma_stats(const struct npu *n);
const struct ddr *npu_ddr(const struct npu *n);      /* bus time and waits */
/* MAC figures, with the packet pool's allocation failures. */
struct mac_stats npu_mac_stats(const struct npu *n);
uint32_t npu_dma_depth(const struct npu *n);
void *npu_firmware_state(struct npu *n);
/* Replaces the probes (all of them: fill one struct npu_probes). */
void npu_set_probes(struct npu *n, const struct npu_probes *p);
/* Report requests still in the buffer (end of run) through the
 * dma_request probe. */
void npu_dma_trace_pending(struct npu *n);
/* Close the books on per-thread accounting at time now. */
void npu_finish(struct npu *n);

#endif
