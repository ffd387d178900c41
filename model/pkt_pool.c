/* model/pkt_pool.c - the NPU's packet buffers (see pkt_pool.h). */
#include "model/pkt_pool.h"

#include <stdlib.h>

#include "firmware/hal.h"
#include "sim/bigmem.h"
#include "sim/kernel.h"

static size_t pool_bytes(const struct pkt_pool *p)
{
	return (size_t)p->count * HAL_PKT_BUF_BYTES;
}

void pkt_pool_init(struct pkt_pool *p, uint32_t count, double tx_reserve)
{
	p->count = count;
	p->rx_floor = (uint32_t)(count * tx_reserve);
	/* zeroed pages on first touch: no memset of the whole pool */
	p->mem = sim_bigmem_alloc(pool_bytes(p));
	p->free = malloc(count * sizeof *p->free);
	if (!p->mem || !p->free)
		abort();
	p->free_n = 0;
	p->alloc_fail = 0;
	for (uint32_t i = count; i-- > 0;)
		p->free[p->free_n++] = p->mem + (size_t)i * HAL_PKT_BUF_BYTES;
}

void pkt_pool_release(struct pkt_pool *p)
{
	sim_bigmem_free(p->mem, pool_bytes(p));
	free(p->free);
}

void *pkt_pool_alloc(struct pkt_pool *p)
{
	if (p->free_n)
		return p->free[--p->free_n];
	p->alloc_fail++;
	return NULL;
}

/* The MAC receives only into buffers the firmware hands to its free-in
 * FIFO; the firmware keeps the last tx_reserve of the pool out of it, so
 * a receive backlog cannot take the buffers of the frames the NPU sends
 * (active ACKs, the host's frames) and stop the very ACKs that would let
 * the senders slow down gracefully. */
void *pkt_pool_alloc_rx(struct pkt_pool *p)
{
	return p->free_n > p->rx_floor ? p->free[--p->free_n] : NULL;
}

const uint8_t *pkt_pool_buffer_of(const struct pkt_pool *p, const void *b)
{
	const uint8_t *x = b;
	if (x < p->mem || x >= p->mem + pool_bytes(p))
		return NULL;
	return p->mem + (size_t)(x - p->mem) / HAL_PKT_BUF_BYTES * HAL_PKT_BUF_BYTES;
}

void pkt_pool_free(struct pkt_pool *p, void *buf)
{
	uint8_t *b = buf;
	if (b < p->mem || b >= p->mem + pool_bytes(p) ||
	    (size_t)(b - p->mem) % HAL_PKT_BUF_BYTES != 0)
		sim_fatal("hal_pkt_free of %p, which is not a packet buffer", buf);
	if (p->free_n == p->count)
		sim_fatal("packet buffer %p freed twice", buf);
	p->free[p->free_n++] = buf;
}
