/* model/pcie.c - the PCIe link, the server's memory as DMA sees it, the
 * device's shared memory, MSI and doorbells (see pcie.h). */
#include "model/pcie.h"

#include <stdlib.h>
#include <string.h>

#include "model/hostmem.h"
#include "sim/bigmem.h"

#define HOST_BUS_BASE 0x10000000ULL    /* bus address of host memory byte 0 */

/* A device->host write waiting for its last TLP to land, or a DMA read
 * waiting for its last completion. */
struct pcie_write {
	struct pcie_write *next;       /* free list */
	struct pcie_write *all_next;   /* every write made, landed or in flight */
	struct pcie *p;
	hal_bus_addr host;             /* written (writes) or read (reads) */
	const void *src;
	uint32_t len;
	unsigned msi_vector;           /* for MSI writes */
	int is_msi;
	void *read_into;               /* for DMA reads: the device's buffer */
	void (*done)(void *ctx);
	void *ctx;
};

struct pcie {
	sim *s;
	struct pcie_config cfg;
	double payload_bytes_per_ps;   /* raw rate after 8b/10b and DLLP overhead */
	struct hostmem *host_mem;
	uint8_t *shm;
	sim_time d2h_free_ps;          /* device->host serializer free at */
	sim_time h2d_free_ps;          /* host->device (read completions) free at */
	struct pcie_write *free_writes;
	struct pcie_write *all_writes;    /* freed at destroy, in flight or not */
	pcie_msi_fn msi;
	void *msi_ctx;
	pcie_doorbell_fn doorbell;
	void *doorbell_ctx;
	struct pcie_stats st;
};

void pcie_config_default(struct pcie_config *c)
{
	c->generation = 1;
	c->lanes = 4;
	c->max_payload = 128;          /* what desktop chipsets of 2010 negotiate */
	c->tlp_overhead = 24;          /* framing 2 + seq 2 + 64-bit header 16 + LCRC 4 */
	c->dllp_overhead = 0.02;       /* ACK/NAK + flow-control DLLPs, SKP ordered sets */
	c->write_latency_ps = sim_ns(250);
	c->read_latency_ps = sim_ns(900);
	c->host_mem_bytes = 1ULL << 30;
	c->shm_bytes = 16u << 20;      /* XLS416's PCIe shared memory (paper VI) */
}

/* Bytes per second of one lane after line coding: Gen1 2.5 GT/s 8b/10b,
 * Gen2 5 GT/s 8b/10b, Gen3 8 GT/s 128b/130b (PCIe base spec). */
static double lane_bytes_per_s(uint32_t gen)
{
	switch (gen) {
	case 1: return 2.5e9 * 8.0 / 10.0 / 8.0;
	case 2: return 5.0e9 * 8.0 / 10.0 / 8.0;
	default: return 8.0e9 * 128.0 / 130.0 / 8.0;
	}
}

struct pcie *pcie_create(sim *s, const struct pcie_config *c)
{
	struct pcie *p = calloc(1, sizeof *p);
	if (!p)
		abort();
	p->s = s;
	p->cfg = *c;
	double bps = lane_bytes_per_s(c->generation) * c->lanes * (1.0 - c->dllp_overhead);
	p->payload_bytes_per_ps = bps / 1e12;
	p->host_mem = hostmem_create(c->host_mem_bytes);
	/* zeroed pages on first touch: no memset of 16 MB per run (calloc's
	 * memory comes from the heap, not fresh pages, once a run has freed
	 * blocks this large) */
	p->shm = sim_bigmem_alloc(c->shm_bytes);
	return p;
}

void pcie_destroy(struct pcie *p)
{
	if (!p)
		return;
	hostmem_destroy(p->host_mem);
	sim_bigmem_free(p->shm, p->cfg.shm_bytes);
	while (p->all_writes) {
		struct pcie_write *w = p->all_writes;
		p->all_writes = w->all_next;
		free(w);
	}
	free(p);
}

/* Bytes on the link for a memory write of `bytes` payload: one TLP per
 * max_payload chunk, each with its overhead. */
static uint64_t wire_bytes(const struct pcie *p, uint32_t bytes)
{
	uint32_t tlps = bytes == 0 ? 1 : (bytes + p->cfg.max_payload - 1) / p->cfg.max_payload;
	return (uint64_t)bytes + (uint64_t)tlps * p->cfg.tlp_overhead;
}

double pcie_effective_bps(const struct pcie *p, uint32_t bytes)
{
	double wire = (double)wire_bytes(p, bytes);
	return p->payload_bytes_per_ps * 1e12 * 8.0 * (double)bytes / wire;
}

hal_bus_addr pcie_host_alloc(struct pcie *p, size_t bytes, size_t align)
{
	return HOST_BUS_BASE + hostmem_alloc(p->host_mem, bytes, align);
}

uint8_t *pcie_host_ptr(struct pcie *p, hal_bus_addr addr, size_t len)
{
	uint8_t *m = addr < HOST_BUS_BASE ? NULL :
		     hostmem_ptr(p->host_mem, addr - HOST_BUS_BASE, len);
	if (!m)
		sim_fatal("DMA outside the host's buffers: bus address 0x%llx, %zu bytes",
			  (unsigned long long)addr, len);
	return m;
}

void pcie_host_release(struct pcie *p, hal_bus_addr addr)
{
	hostmem_release(p->host_mem, addr - HOST_BUS_BASE);
}

uint8_t *pcie_shm(struct pcie *p) { return p->shm; }
sim_time pcie_read_latency(const struct pcie *p) { return p->cfg.read_latency_ps; }
size_t pcie_shm_size(const struct pcie *p) { return p->cfg.shm_bytes; }

static struct pcie_write *write_alloc(struct pcie *p)
{
	struct pcie_write *w = p->free_writes;
	struct pcie_write *all_next;
	if (w) {
		p->free_writes = w->next;
		all_next = w->all_next;
	} else {
		if (!(w = malloc(sizeof *w)))
			abort();
		all_next = p->all_writes;
		p->all_writes = w;
	}
	memset(w, 0, sizeof *w);
	w->all_next = all_next;
	w->p = p;
	return w;
}

static void write_landed(sim *s, void *arg)
{
	(void)s;
	struct pcie_write *w = arg;
	struct pcie *p = w->p;
	if (w->is_msi) {
		p->st.msi++;
		if (p->msi)
			p->msi(p->msi_ctx, w->msi_vector);
	} else {
		memcpy(pcie_host_ptr(p, w->host, w->len), w->src, w->len);
		p->st.dma_writes++;
		p->st.dma_bytes += w->len;
		if (w->done)
			w->done(w->ctx);
	}
	w->next = p->free_writes;
	p->free_writes = w;
}

/* Queue `bytes` on the device->host direction; returns when they land. */
static sim_time d2h_reserve(struct pcie *p, uint32_t bytes)
{
	sim_time now = sim_now(p->s);
	sim_time start = p->d2h_free_ps > now ? p->d2h_free_ps : now;
	uint64_t wire = wire_bytes(p, bytes);
	sim_time busy = (sim_time)((double)wire / p->payload_bytes_per_ps + 0.5);
	p->d2h_free_ps = start + busy;
	p->st.busy_ps += busy;
	p->st.tlps += wire_bytes(p, bytes) > bytes ? (wire - bytes) / p->cfg.tlp_overhead : 0;
	return p->d2h_free_ps + p->cfg.write_latency_ps;
}

void pcie_dma_write(struct pcie *p, hal_bus_addr dst, const void *src, uint32_t len,
		    void (*done)(void *ctx), void *ctx)
{
	pcie_host_ptr(p, dst, len);            /* bounds check now, not at landing */
	/* the copy at landing reads a packet buffer last touched when the
	 * frame arrived: ask for it now, while the write waits its turn on the
	 * link (asking for the host memory too gains nothing more) */
	for (uint32_t off = 0; off < len; off += 64u)
		__builtin_prefetch((const uint8_t *)src + off, 0);
	struct pcie_write *w = write_alloc(p);
	w->host = dst;
	w->src = src;
	w->len = len;
	w->done = done;
	w->ctx = ctx;
	sim_schedule_at(p->s, d2h_reserve(p, len), write_landed, w);
}

static void read_landed(sim *s, void *arg)
{
	(void)s;
	struct pcie_write *w = arg;
	struct pcie *p = w->p;
	memcpy(w->read_into, pcie_host_ptr(p, w->host, w->len), w->len);
	p->st.dma_reads++;
	p->st.dma_read_bytes += w->len;
	if (w->done)
		w->done(w->ctx);
	w->next = p->free_writes;
	p->free_writes = w;
}

void pcie_dma_read(struct pcie *p, hal_bus_addr src, void *dst, uint32_t len,
		   void (*done)(void *ctx), void *ctx)
{
	pcie_host_ptr(p, src, len);            /* bounds check now */
	struct pcie_write *w = write_alloc(p);
	w->host = src;
	w->read_into = dst;
	w->len = len;
	w->done = done;
	w->ctx = ctx;
	/* the request reaches host memory and the first completion returns
	 * after the round trip; the data then streams in completion TLPs
	 * (one per max_payload, like writes) on the host->device direction */
	sim_time now = sim_now(p->s);
	sim_time first = now + p->cfg.read_latency_ps;
	sim_time start = p->h2d_free_ps > first ? p->h2d_free_ps : first;
	sim_time busy = (sim_time)((double)wire_bytes(p, len) / p->payload_bytes_per_ps + 0.5);
	p->h2d_free_ps = start + busy;
	sim_schedule_at(p->s, p->h2d_free_ps, read_landed, w);
}

sim_time pcie_d2h_idle_at(const struct pcie *p)
{
	sim_time now = sim_now(p->s);
	return p->d2h_free_ps > now ? p->d2h_free_ps : now;
}

void pcie_set_msi_handler(struct pcie *p, pcie_msi_fn fn, void *ctx)
{
	p->msi = fn;
	p->msi_ctx = ctx;
}

void pcie_raise_msi(struct pcie *p, unsigned vector)
{
	/* an MSI is a 4-byte posted memory write: it lands after every write
	 * queued before it (PCIe ordering rules for posted requests) */
	struct pcie_write *w = write_alloc(p);
	w->is_msi = 1;
	w->msi_vector = vector;
	sim_schedule_at(p->s, d2h_reserve(p, 4), write_landed, w);
}

void pcie_set_doorbell_handler(struct pcie *p, pcie_doorbell_fn fn, void *ctx)
{
	p->doorbell = fn;
	p->doorbell_ctx = ctx;
}


static void doorbell_landed(sim *s, void *arg)
{
	(void)s;
	struct pcie_write *w = arg;
	struct pcie *p = w->p;
	p->st.doorbells++;
	if (p->doorbell)
		p->doorbell(p->doorbell_ctx, w->msi_vector);
	w->next = p->free_writes;
	p->free_writes = w;
}

void pcie_host_doorbell(struct pcie *p, uint32_t value)
{
	struct pcie_write *w = write_alloc(p);
	w->msi_vector = value;             /* the written value */
	sim_schedule_in(p->s, p->cfg.write_latency_ps, doorbell_landed, w);
}

const struct pcie_stats *pcie_stats(const struct pcie *p)
{
	return &p->st;
}
