/* model/hostmem.c - the server's RAM, backed on demand.
 *
 * The driver allocates its receive buffers once (13 rings x 256 x 68 KB =
 * 226 MB) and the NPU fills them in ring order, so a flat mapping of the
 * RAM has every run touch, zero and miss in the cache on all of them,
 * although only the few a ring holds unread carry live bytes. Instead an
 * allocation takes a block of real memory when it is first touched and
 * gives it back when the driver has consumed its bytes; blocks are reused
 * last-freed first, so the copies run on a small, cache-warm working set.
 * Offsets (the bus addresses the firmware and the traces see) do not
 * change. */
#include "model/hostmem.h"

#include <stdlib.h>

#include "sim/kernel.h"

struct region {
	uint64_t off;                  /* offset of the allocation */
	size_t bytes;
	uint8_t *mem;                  /* backing while touched, else NULL */
};

/* Released blocks of one size, linked through their first bytes. */
struct free_blocks {
	size_t bytes;
	void *head;
};

/* region_of remembers the region it found for each 64 KB of offsets, in a
 * small direct-mapped table: DMAs and the driver's reads go to the few
 * buffers the 13 rings hold at a time, so most lookups skip the binary
 * search over the 3,328 buffers. */
#define HINT_SHIFT 16
#define HINTS 1024u

struct hostmem {
	uint64_t bytes;                /* the RAM's size */
	uint64_t used;                 /* offsets below this are allocated */
	struct region *regions;        /* in increasing offset */
	size_t n_regions, cap_regions;
	uint32_t hint[HINTS];          /* region index + 1 found for off >> HINT_SHIFT, 0: none */
	struct free_blocks *free;      /* one list per allocation size */
	size_t n_free;
};

struct hostmem *hostmem_create(uint64_t bytes)
{
	struct hostmem *m = calloc(1, sizeof *m);
	if (!m)
		abort();
	m->bytes = bytes;
	return m;
}

void hostmem_destroy(struct hostmem *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n_regions; i++)
		free(m->regions[i].mem);
	for (size_t k = 0; k < m->n_free; k++) {
		while (m->free[k].head) {
			void *b = m->free[k].head;
			m->free[k].head = *(void **)b;
			free(b);
		}
	}
	free(m->regions);
	free(m->free);
	free(m);
}

uint64_t hostmem_alloc(struct hostmem *m, size_t bytes, size_t align)
{
	if (align == 0)
		align = 1;
	if (bytes == 0)
		bytes = 1;
	uint64_t at = (m->used + align - 1) / align * align;
	if (at + bytes > m->bytes)
		sim_fatal("host memory exhausted: %zu more bytes needed beyond %llu", bytes,
			  (unsigned long long)m->bytes);
	if (m->n_regions == m->cap_regions) {
		m->cap_regions = m->cap_regions ? m->cap_regions * 2 : 64;
		m->regions = realloc(m->regions, m->cap_regions * sizeof *m->regions);
		if (!m->regions)
			abort();
	}
	m->regions[m->n_regions++] = (struct region){ at, bytes, NULL };
	m->used = at + bytes;
	return at;
}

/* The allocation holding offset `off`, or NULL. */
static struct region *region_of(struct hostmem *m, uint64_t off)
{
	uint32_t *hint = &m->hint[(off >> HINT_SHIFT) % HINTS];
	if (*hint > 0 && *hint <= m->n_regions) {
		struct region *r = &m->regions[*hint - 1];
		if (off - r->off < r->bytes)
			return r;
	}
	size_t lo = 0, hi = m->n_regions;      /* the last region at or below off */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (m->regions[mid].off <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	struct region *r = &m->regions[lo - 1];
	if (off - r->off >= r->bytes)
		return NULL;
	*hint = (uint32_t)lo;          /* index lo - 1, plus one */
	return r;
}

static struct free_blocks *free_list(struct hostmem *m, size_t bytes)
{
	for (size_t k = 0; k < m->n_free; k++)
		if (m->free[k].bytes == bytes)
			return &m->free[k];
	m->free = realloc(m->free, (m->n_free + 1) * sizeof *m->free);
	if (!m->free)
		abort();
	m->free[m->n_free] = (struct free_blocks){ bytes, NULL };
	return &m->free[m->n_free++];
}

uint8_t *hostmem_ptr(struct hostmem *m, uint64_t off, size_t len)
{
	struct region *r = region_of(m, off);
	if (!r || len > r->bytes - (off - r->off))
		return NULL;
	if (!r->mem) {
		struct free_blocks *f = free_list(m, r->bytes);
		if (f->head) {
			r->mem = f->head;
			f->head = *(void **)f->head;
		} else if (!(r->mem = calloc(1, r->bytes < sizeof(void *) ? sizeof(void *) : r->bytes))) {
			abort();
		}
	}
	return r->mem + (off - r->off);
}

void hostmem_release(struct hostmem *m, uint64_t off)
{
	struct region *r = region_of(m, off);
	if (!r || !r->mem)
		return;
	struct free_blocks *f = free_list(m, r->bytes);
	*(void **)r->mem = f->head;
	f->head = r->mem;
	r->mem = NULL;
}
