/* model/npu.c - builds the XLS416 model from its components, loads the
 * firmware, starts its 16 hardware threads; the host doorbell; statistics
 * accessors. */
#include "model/npu.h"

#include "model/hal_sim.h"

#include <stdlib.h>
#include <string.h>

#include "model/fw_costs.h"
#include "sim/bigmem.h"

/* The machine: the threads on their cores, composed with the components
 * they reach through the HAL. It only composes: each component's state is
 * its own, behind its own header, and is reached through that header. */
struct npu {
	sim *s;
	struct npu_config cfg;
	struct npu_program prog;
	void *fw_state;
	sim_time cycle_ps;
	struct npu_probes probes;      /* the components hold a pointer to it */
	struct npu_thread th[NPU_THREADS];
	struct npu_core core[NPU_CORES];
	struct hal_machine hw;         /* the HAL's view of what follows */
	struct fmn fmn;
	struct pkt_pool pool;
	struct mac mac;
	struct dma_engine dma;
	struct ddr ddr;                /* shared by the threads and the DMA engine */
	/* a host doorbell that waits for FMN credit to the tx thread */
	int doorbell_pending;
	uint32_t doorbell_value;
};

void npu_config_default(struct npu_config *c)
{
	memset(c, 0, sizeof *c);
	c->clock_hz = 1000000000ULL;
	/* cycles per firmware operation: measured instruction counts of the
	 * firmware's MIPS64 build (make costs; model/fw_costs.tsv and
	 * docs/CALIBRATION.md) */
	static const uint32_t measured[HAL_COST_COUNT] = FW_COSTS_CYCLES;
	memcpy(c->cost_cycles, measured, sizeof measured);
	ddr_config_default(&c->ddr);
	c->fmn_hop_ps = sim_ns(30);
	c->thread_bucket_depth = 32;
	c->dma_credits_per_core = 16;
	c->pde = PDE_HASH;
	c->rx_threads = 13;
	c->rx_fifo_bytes = 64 * 1024;
	c->flow_control = 1;
	c->pkt_buffers = 4608;
	c->tx_reserve = 0.01;
	c->dma_buffer = DMA_BUFFER_STACK;
	c->dma_depth = 64;
	c->dma_request_overhead_ps = 0;  /* the calibrated knob: docs/CALIBRATION.md */
	c->tx_thread = 13;
}

/* A host doorbell becomes a message to the tx thread. Doorbells coalesce:
 * the tx thread scans the whole ring, so while its bucket has no room for
 * the PCIe station's message, one pending doorbell is remembered and sent
 * when a credit returns (never lost). */
static void doorbell_flush(struct npu *n)
{
	unsigned group = fmn_group_of_station(STATION_PCIE);
	if (!n->doorbell_pending || !fmn_has_credit(&n->fmn, group, n->cfg.tx_thread))
		return;
	struct hal_msg m = { .code = HAL_MSG_HOST_DOORBELL, .words = 1 };
	m.w[0] = n->doorbell_value;
	n->doorbell_pending = 0;
	fmn_deliver(&n->fmn, STATION_PCIE, n->cfg.tx_thread, &m);
}

static void doorbell_credit_back(void *ctx, unsigned group, unsigned dst)
{
	(void)group;
	(void)dst;
	doorbell_flush(ctx);
}

static void doorbell(void *ctx, uint32_t value)
{
	struct npu *n = ctx;
	n->doorbell_pending = 1;
	n->doorbell_value = value;
	doorbell_flush(n);
}

/* The cores, the threads' identity and buckets, and the FMN stations the
 * threads are. */
static void threads_init(struct npu *n)
{
	for (unsigned i = 0; i < NPU_CORES; i++) {
		n->core[i].s = n->s;
		n->core[i].cycle_ps = n->cycle_ps;
	}
	for (unsigned i = 0; i < NPU_THREADS; i++) {
		struct npu_thread *t = &n->th[i];
		t->hw = &n->hw;
		t->s = n->s;
		t->core = &n->core[i / NPU_THREADS_PER_CORE];
		t->probes = &n->probes;
		t->id = i;
		t->wake_bucket = -1;
		t->watch_dst = HAL_NO_STATION;
		/* credits to a thread bucket are per sender group, so the bucket
		 * holds at most one depth per group */
		fmn_bucket_init(&t->bucket[HAL_BUCKET_DATA], n->cfg.thread_bucket_depth * FMN_GROUPS);
		fmn_bucket_init(&t->bucket[HAL_BUCKET_COMPLETION], n->cfg.thread_bucket_depth);
	}
	hal_threads_attach(&n->hw);
}

/* The loader: firmware state in NPU memory, then the firmware starts on
 * the threads. */
static void load_firmware(struct npu *n)
{
	/* zeroed pages on first touch, like the packet buffers: no memset of
	 * the 2.3 MB the firmware's tables take */
	n->fw_state = sim_bigmem_alloc(n->prog.state_bytes());
	hal_firmware_start(&n->hw, &n->prog, n->fw_state);
}

struct npu *npu_create(sim *s, struct frame_pool *pool, struct link *l, struct pcie *p,
		       const struct npu_config *c, const struct npu_program *prog,
		       const struct npu_param *params, size_t n_params)
{
	if (c->rx_threads == 0 || c->rx_threads > NPU_THREADS)
		sim_fatal("npu: rx_threads must be 1..%d", NPU_THREADS);
	if (!(c->tx_reserve >= 0 && c->tx_reserve < 1))
		sim_fatal("npu: tx_reserve must be a share in [0, 1)");
	struct npu *n = calloc(1, sizeof *n);
	if (!n)
		abort();
	n->s = s;
	n->cfg = *c;
	n->prog = *prog;
	n->cycle_ps = sim_cycles(1, c->clock_hz);
	ddr_init(&n->ddr, &c->ddr);
	fmn_init(&n->fmn, s, &n->cfg);
	pkt_pool_init(&n->pool, c->pkt_buffers, c->tx_reserve);
	mac_init(&n->mac, s, &n->cfg, l, pool, &n->fmn, &n->pool, &n->probes);
	dma_init(&n->dma, s, &n->cfg, &n->fmn, p, &n->ddr, &n->pool, &n->probes);
	n->hw = (struct hal_machine){ .s = s, .cfg = &n->cfg, .th = n->th, .fmn = &n->fmn,
				      .pool = &n->pool, .mac = &n->mac, .dma = &n->dma,
				      .ddr = &n->ddr, .pcie = p, .params = params,
				      .n_params = n_params };
	threads_init(n);
	fmn_set_sender(&n->fmn, fmn_group_of_station(STATION_PCIE), doorbell_credit_back, n);
	pcie_set_doorbell_handler(p, doorbell, n);
	load_firmware(n);
	return n;
}

void npu_destroy(struct npu *n)
{
	if (!n)
		return;
	for (unsigned i = 0; i < NPU_THREADS; i++) {
		fmn_bucket_release(&n->th[i].bucket[HAL_BUCKET_DATA]);
		fmn_bucket_release(&n->th[i].bucket[HAL_BUCKET_COMPLETION]);
	}
	dma_release(&n->dma);
	mac_release(&n->mac);
	pkt_pool_release(&n->pool);
	sim_bigmem_free(n->fw_state, n->prog.state_bytes());
	free(n);
}

const struct npu_thread_stats *npu_thread_stats(const struct npu *n, unsigned thread)
{
	return &n->th[thread].st;
}

const struct dma_stats *npu_dma_stats(const struct npu *n) { return &n->dma.st; }
const struct ddr *npu_ddr(const struct npu *n) { return &n->ddr; }
uint32_t npu_dma_depth(const struct npu *n) { return dma_depth(&n->dma); }
void *npu_firmware_state(struct npu *n) { return n->fw_state; }

struct mac_stats npu_mac_stats(const struct npu *n)
{
	struct mac_stats st = n->mac.st;
	st.pkt_alloc_fail = n->pool.alloc_fail;
	return st;
}

void npu_set_probes(struct npu *n, const struct npu_probes *p)
{
	n->probes = *p;
}

void npu_dma_trace_pending(struct npu *n)
{
	dma_trace_pending(&n->dma);
}

void npu_finish(struct npu *n)
{
	dma_finish(&n->dma);
}
