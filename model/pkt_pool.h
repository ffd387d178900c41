/* model/pkt_pool.h - the NPU's packet buffers: HAL_PKT_BUF_BYTES each, in
 * NPU DRAM, handed out from a free stack.
 *
 * Contract. The pool gives out and takes back buffers and answers which
 * buffer a byte lies in; it keeps the last share of itself (tx_reserve)
 * from the MAC's receive side. It counts allocations that found it empty.
 * A buffer freed twice, or a pointer that is no buffer, stops the run.
 * Others may read free_n, count and alloc_fail; only these functions
 * change them.
 * Calls: sim/ only. Called by: the MAC (model/mac.c), the HAL
 * (model/hal_sim.c), the DMA engine (model/dma.c, to find a request's
 * frame), the NPU builder (model/npu.c).
 */
#ifndef MODEL_PKT_POOL_H
#define MODEL_PKT_POOL_H

#include <stddef.h>
#include <stdint.h>

struct pkt_pool {
	uint8_t *mem;                  /* count x HAL_PKT_BUF_BYTES */
	void **free;                   /* stack of free buffers */
	uint32_t free_n;
	uint32_t count;                /* buffers in the pool */
	uint32_t rx_floor;             /* the MAC leaves this many free */
	uint64_t alloc_fail;           /* pkt_pool_alloc found the pool empty */
};

/* count buffers; tx_reserve in [0, 1) of them are kept from the MAC. */
void pkt_pool_init(struct pkt_pool *p, uint32_t count, double tx_reserve);
void pkt_pool_release(struct pkt_pool *p);
/* A free buffer, or NULL (counted in alloc_fail). */
void *pkt_pool_alloc(struct pkt_pool *p);
/* For the MAC: a free buffer beyond the tx reserve, or NULL. */
void *pkt_pool_alloc_rx(struct pkt_pool *p);
void pkt_pool_free(struct pkt_pool *p, void *buf);
/* The start of the buffer that b lies in, or NULL if b is not in the pool. */
const uint8_t *pkt_pool_buffer_of(const struct pkt_pool *p, const void *b);

#endif
