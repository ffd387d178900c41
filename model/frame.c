/* model/frame.c - the frame pool: a free list that grows in slabs. */
#include "model/frame.h"

#include <stdlib.h>
#include <string.h>

#include "sim/bigmem.h"

/* A slab fills one 2 MB huge page (sim_bigmem): a full transmit queue holds
 * 4,096 frames (6 MB) that the link and the MAC walk through; on 4 KB pages
 * that is 1,500 TLB entries. */
#define FRAME_SLAB (((2u << 20) - 64u) / sizeof(struct frame))

struct frame_slab {
	struct frame_slab *next;
	struct frame frames[FRAME_SLAB];
};

struct frame_pool {
	struct frame_slab *slabs;
	struct frame *free;
	uint64_t next_id;
	uint64_t outstanding;
};

struct frame_pool *frame_pool_create(void)
{
	struct frame_pool *p = calloc(1, sizeof *p);
	if (!p)
		abort();
	return p;
}

void frame_pool_destroy(struct frame_pool *p)
{
	if (!p)
		return;
	while (p->slabs) {
		struct frame_slab *s = p->slabs;
		p->slabs = s->next;
		sim_bigmem_free(s, sizeof *s);
	}
	free(p);
}

struct frame *frame_alloc(struct frame_pool *p)
{
	if (!p->free) {
		struct frame_slab *s = sim_bigmem_alloc(sizeof *s);
		s->next = p->slabs;
		p->slabs = s;
		for (int i = (int)FRAME_SLAB - 1; i >= 0; i--) {
			s->frames[i].next = p->free;
			p->free = &s->frames[i];
		}
	}
	struct frame *f = p->free;
	p->free = f->next;
	f->next = NULL;
	f->len = 0;
	f->id = ++p->next_id;
	f->created_ps = 0;
	p->outstanding++;
	return f;
}

void frame_free(struct frame_pool *p, struct frame *f)
{
	f->next = p->free;
	p->free = f;
	p->outstanding--;
}

struct frame *frame_clone(struct frame_pool *p, const struct frame *f)
{
	struct frame *c = frame_alloc(p);
	c->created_ps = f->created_ps;
	c->len = f->len;
	memcpy(c->data, f->data, f->len);
	return c;
}

uint64_t frame_pool_outstanding(const struct frame_pool *p)
{
	return p->outstanding;
}
