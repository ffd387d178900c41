/* model/frame.c - the frame pool: a free list that grows in slabs. */
#include "model/frame.h"

#include <stdlib.h>
#include <string.h>

#define FRAME_SLAB 256

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
		free(s);
	}
	free(p);
}

struct frame *frame_alloc(struct frame_pool *p)
{
	if (!p->free) {
		struct frame_slab *s = malloc(sizeof *s);
		if (!s)
			abort();
		s->next = p->slabs;
		p->slabs = s;
		for (int i = FRAME_SLAB - 1; i >= 0; i--) {
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
