/* model/pcie.h - the PCIe link between the XLS416 (endpoint) and the server,
 * the server's memory as the DMA engine sees it, the device's shared memory
 * (BAR), MSI and doorbells.
 *
 * Bandwidth: Gen1 x4 by default: 2.5 GT/s x 4 lanes x 8b/10b = 1000 MB/s
 * raw; every memory-write TLP of up to max_payload bytes carries
 * tlp_overhead bytes (framing 2 + sequence 2 + header 12/16 + LCRC 4), and
 * DLLP/flow-control traffic takes a further documented fraction
 * (dllp_overhead). One direction is modelled per data path: device->host
 * writes (DMA, MSI) share one serializer; host->device writes (doorbells,
 * descriptor updates) another. See docs/CALIBRATION.md.
 */
#ifndef MODEL_PCIE_H
#define MODEL_PCIE_H

#include <stddef.h>
#include <stdint.h>
#include "firmware/hal.h"
#include "sim/kernel.h"

struct pcie_config {
	uint32_t generation;           /* 1..3, default 1 (2.5 GT/s, 8b/10b) */
	uint32_t lanes;                /* 1,2,4,8,16, default 4 */
	uint32_t max_payload;          /* MPS bytes, default 128 */
	uint32_t tlp_overhead;         /* bytes per TLP, default 24 (64-bit) */
	double dllp_overhead;          /* fraction of raw bandwidth, default 0.02 */
	sim_time write_latency_ps;     /* posted write, last byte to memory */
	sim_time read_latency_ps;      /* host read of device memory, round trip */
	uint64_t host_mem_bytes;       /* server RAM reachable by DMA */
	uint64_t shm_bytes;            /* device shared memory, default 16 MB */
};

struct pcie_stats {
	uint64_t dma_writes;           /* DMA write requests completed */
	uint64_t dma_bytes;            /* payload bytes written to host */
	uint64_t dma_reads;            /* DMA read requests completed */
	uint64_t dma_read_bytes;       /* payload bytes read from host */
	uint64_t tlps;
	uint64_t msi;
	uint64_t doorbells;
	sim_time busy_ps;              /* device->host direction busy time */
};

struct pcie;

void pcie_config_default(struct pcie_config *c);
struct pcie *pcie_create(sim *s, const struct pcie_config *c);
void pcie_destroy(struct pcie *p);

/* Effective device->host payload bandwidth in bits/s for writes of
 * `bytes` (TLP and DLLP overhead included); used by tests and docs. */
double pcie_effective_bps(const struct pcie *p, uint32_t bytes);

/* --- host memory (bus addresses) --- */
/* Driver-side allocation of `bytes` of consecutive, `align`-aligned host
 * memory; returns its bus address (never 0). */
hal_bus_addr pcie_host_alloc(struct pcie *p, size_t bytes, size_t align);
/* Pointer to host memory [addr, addr+len), which lies inside one
 * allocation; fatal if it does not. */
uint8_t *pcie_host_ptr(struct pcie *p, hal_bus_addr addr, size_t len);
/* The driver has consumed the bytes of the allocation holding addr (a
 * receive buffer given back): they need no memory until written again
 * (model/hostmem.h). */
void pcie_host_release(struct pcie *p, hal_bus_addr addr);

/* --- device shared memory --- */
uint8_t *pcie_shm(struct pcie *p);
/* A host read of device memory: a non-posted round trip. */
sim_time pcie_read_latency(const struct pcie *p);
size_t pcie_shm_size(const struct pcie *p);

/* --- device -> host --- */
/* Write len bytes from src to host memory at dst; the bytes land and `done`
 * runs when the last TLP has crossed the link (they queue behind earlier
 * writes). */
void pcie_dma_write(struct pcie *p, hal_bus_addr dst, const void *src, uint32_t len,
		    void (*done)(void *ctx), void *ctx);
/* When the device->host direction has sent everything queued so far (a DMA
 * engine that streams one request at a time is free again then). */
sim_time pcie_d2h_idle_at(const struct pcie *p);
/* DMA read of host memory [src, src+len) into dst: the read request, the
 * host's read latency (read_latency_ps, a non-posted round trip), then the
 * completions on the host->device direction. done(ctx) runs when the last
 * byte has arrived (dst holds the data). */
void pcie_dma_read(struct pcie *p, hal_bus_addr src, void *dst, uint32_t len,
		   void (*done)(void *ctx), void *ctx);
typedef void (*pcie_msi_fn)(void *ctx, unsigned vector);
void pcie_set_msi_handler(struct pcie *p, pcie_msi_fn fn, void *ctx);
/* Raise an MSI (a posted write: ordered after earlier DMA writes). */
void pcie_raise_msi(struct pcie *p, unsigned vector);

/* --- host -> device --- */
typedef void (*pcie_doorbell_fn)(void *ctx, uint32_t value);
void pcie_set_doorbell_handler(struct pcie *p, pcie_doorbell_fn fn, void *ctx);
/* A host write to the device's doorbell register, delivered after the
 * write latency. */
void pcie_host_doorbell(struct pcie *p, uint32_t value);

const struct pcie_stats *pcie_stats(const struct pcie *p);

#endif
