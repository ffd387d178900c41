/* model/npu.c - builds the XLS416 model, loads the firmware, starts its 16
 * hardware threads; packet buffer pool; statistics accessors. */
#include "model/npu_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/fw_costs.h"
#include "sim/bigmem.h"

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

void *npu_pkt_alloc(struct npu *n)
{
	return n->pkt_free_n ? n->pkt_free[--n->pkt_free_n] : NULL;
}

/* The MAC receives only into buffers the firmware hands to its free-in
 * FIFO; the firmware keeps the last tx_reserve of the pool out of it, so
 * a receive backlog cannot take the buffers of the frames the NPU sends
 * (active ACKs, the host's frames) and stop the very ACKs that would let
 * the senders slow down gracefully. */
void *npu_pkt_alloc_rx(struct npu *n)
{
	return n->pkt_free_n > n->rx_floor ? n->pkt_free[--n->pkt_free_n] : NULL;
}

const uint8_t *npu_pkt_buffer_of(const struct npu *n, const void *p)
{
	const uint8_t *b = p;
	size_t pool = (size_t)n->cfg.pkt_buffers * HAL_PKT_BUF_BYTES;
	if (b < n->pkt_mem || b >= n->pkt_mem + pool)
		return NULL;
	return n->pkt_mem + (size_t)(b - n->pkt_mem) / HAL_PKT_BUF_BYTES * HAL_PKT_BUF_BYTES;
}

void npu_pkt_free(struct npu *n, void *buf)
{
	uint8_t *b = buf;
	if (b < n->pkt_mem || b >= n->pkt_mem + (size_t)n->cfg.pkt_buffers * HAL_PKT_BUF_BYTES ||
	    (size_t)(b - n->pkt_mem) % HAL_PKT_BUF_BYTES != 0)
		sim_fatal("hal_pkt_free of %p, which is not a packet buffer", buf);
	if (n->pkt_free_n == n->cfg.pkt_buffers)
		sim_fatal("packet buffer %p freed twice", buf);
	n->pkt_free[n->pkt_free_n++] = buf;
}

/* A host doorbell becomes a message to the tx thread. Doorbells coalesce:
 * the tx thread scans the whole ring, so while its bucket has no room for
 * the PCIe station's message, one pending doorbell is remembered and sent
 * when a credit returns (never lost). */
void npu_doorbell_flush(struct npu *n)
{
	unsigned group = fmn_group_of_station(STATION_PCIE);
	if (!n->doorbell_pending || !fmn_has_credit(n, group, n->cfg.tx_thread))
		return;
	struct hal_msg m = { .code = HAL_MSG_HOST_DOORBELL, .words = 1 };
	m.w[0] = n->doorbell_value;
	n->doorbell_pending = 0;
	fmn_deliver(n, STATION_PCIE, n->cfg.tx_thread, &m);
}

static void doorbell(void *ctx, uint32_t value)
{
	struct npu *n = ctx;
	n->doorbell_pending = 1;
	n->doorbell_value = value;
	npu_doorbell_flush(n);
}

static void thread_body(sim *s, void *arg)
{
	(void)s;
	struct npu_thread *t = arg;
	hal_current = t;
	t->n->prog.thread_main(t->n->fw_state, t->id);
	hal_current = NULL;
}

struct npu *npu_create(sim *s, struct frame_pool *pool, struct link *l, struct pcie *p,
		       const struct npu_config *c, const struct npu_program *prog,
		       const struct npu_param *params, size_t n_params)
{
	struct npu *n = calloc(1, sizeof *n);
	if (!n)
		abort();
	n->s = s;
	n->cfg = *c;
	ddr_init(&n->ddr, &c->ddr);
	n->frames = pool;
	n->link = l;
	n->pcie = p;
	n->prog = *prog;
	n->params = params;
	n->n_params = n_params;
	n->cycle_ps = sim_cycles(1, c->clock_hz);
	if (c->rx_threads == 0 || c->rx_threads > NPU_THREADS)
		sim_fatal("npu: rx_threads must be 1..%d", NPU_THREADS);
	if (!(c->tx_reserve >= 0 && c->tx_reserve < 1))
		sim_fatal("npu: tx_reserve must be a share in [0, 1)");
	n->rx_floor = (uint32_t)(c->pkt_buffers * c->tx_reserve);
	n->pkt_mem = sim_bigmem_alloc((size_t)c->pkt_buffers * HAL_PKT_BUF_BYTES);
	n->pkt_free = malloc(c->pkt_buffers * sizeof *n->pkt_free);
	if (!n->pkt_mem || !n->pkt_free)
		abort();
	for (uint32_t i = c->pkt_buffers; i-- > 0;)
		n->pkt_free[n->pkt_free_n++] = n->pkt_mem + (size_t)i * HAL_PKT_BUF_BYTES;
	fmn_bucket_init(&n->dma_req, c->dma_depth);
	for (unsigned t = 0; t < NPU_THREADS; t++) {
		n->pde_q[t] = malloc(c->pkt_buffers * sizeof *n->pde_q[t]);
		if (!n->pde_q[t])
			abort();
	}
	sim_hist_init(&n->dma.wait_ns);
	sim_tavg_init(&n->dma.depth, sim_now(s), 0);
	for (unsigned i = 0; i < NPU_THREADS; i++) {
		struct npu_thread *t = &n->th[i];
		t->n = n;
		t->id = i;
		t->core = i / NPU_THREADS_PER_CORE;
		t->wake_bucket = -1;
		t->watch_dst = HAL_NO_STATION;
		/* credits to a thread bucket are per sender group, so the bucket
		 * holds at most one depth per group */
		fmn_bucket_init(&t->bucket[HAL_BUCKET_DATA], c->thread_bucket_depth * FMN_GROUPS);
		fmn_bucket_init(&t->bucket[HAL_BUCKET_COMPLETION], c->thread_bucket_depth);
	}
	link_attach(l, LINK_NPU, mac_rx_from_link, n);
	pcie_set_doorbell_handler(p, doorbell, n);

	/* the loader: firmware state in NPU memory, init on thread 0's
	 * identity, then every hardware thread starts its main loop */
	/* zeroed pages on first touch, like the packet buffers: no memset of
	 * the 2.3 MB the firmware's tables take */
	n->fw_state = sim_bigmem_alloc(prog->state_bytes());
	hal_current = &n->th[0];
	prog->init(n->fw_state);
	hal_current = NULL;
	for (unsigned i = 0; i < NPU_THREADS; i++) {
		char name[16];
		snprintf(name, sizeof name, "npu.t%u", i);
		n->th[i].proc = sim_proc_spawn(s, name, thread_body, &n->th[i], 256 * 1024);
	}
	return n;
}

void npu_destroy(struct npu *n)
{
	if (!n)
		return;
	for (unsigned i = 0; i < NPU_THREADS; i++) {
		free(n->th[i].bucket[HAL_BUCKET_DATA].slot);
		free(n->th[i].bucket[HAL_BUCKET_COMPLETION].slot);
		free(n->pde_q[i]);
	}
	free(n->dma_req.slot);
	while (n->rx_head) {
		struct frame *f = n->rx_head;
		n->rx_head = f->next;
		frame_free(n->frames, f);
	}
	sim_bigmem_free(n->pkt_mem, (size_t)n->cfg.pkt_buffers * HAL_PKT_BUF_BYTES);
	free(n->pkt_free);
	sim_bigmem_free(n->fw_state, n->prog.state_bytes());
	free(n);
}

const struct npu_thread_stats *npu_thread_stats(const struct npu *n, unsigned thread)
{
	return &n->th[thread].st;
}

const struct dma_stats *npu_dma_stats(const struct npu *n) { return &n->dma; }
const struct ddr *npu_ddr(const struct npu *n) { return &n->ddr; }
const struct mac_stats *npu_mac_stats(const struct npu *n) { return &n->mac; }
uint32_t npu_dma_depth(const struct npu *n) { return n->dma_req.len; }
void *npu_firmware_state(struct npu *n) { return n->fw_state; }

void npu_set_dma_trace(struct npu *n, dma_trace_fn fn, void *ctx)
{
	n->dma_trace = fn;
	n->dma_trace_ctx = ctx;
}

void npu_set_dma_depth_hook(struct npu *n, npu_depth_fn fn, void *ctx)
{
	n->depth_hook = fn;
	n->depth_ctx = ctx;
}

void npu_set_thread_state_hook(struct npu *n, npu_state_fn fn, void *ctx)
{
	n->state_hook = fn;
	n->state_ctx = ctx;
}

void npu_set_rx_fifo_hook(struct npu *n, npu_depth_fn fn, void *ctx)
{
	n->fifo_hook = fn;
	n->fifo_ctx = ctx;
}

void npu_set_bucket_hook(struct npu *n, npu_bucket_fn fn, void *ctx)
{
	n->bucket_hook = fn;
	n->bucket_ctx = ctx;
}

void npu_finish(struct npu *n)
{
	sim_tavg_set(&n->dma.depth, sim_now(n->s), n->dma_req.len);
	dma_finish(n);
}
