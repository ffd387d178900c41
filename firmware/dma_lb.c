/* firmware/dma_lb.c - round-robin queues of DMA requests (see dma_lb.h). */
#include "firmware/dma_lb.h"

#include <string.h>

void dma_lb_init(struct dma_lb *lb, unsigned queues)
{
	memset(lb, 0, sizeof *lb);
	if (queues < 1)
		queues = 1;
	if (queues > DMA_LB_MAX_QUEUES)
		queues = DMA_LB_MAX_QUEUES;
	lb->queues = queues;
}

bool dma_lb_has_room(const struct dma_lb *lb)
{
	for (unsigned i = 0; i < lb->queues; i++)
		if (lb->q[i].len >= DMA_LB_QUEUE_DEPTH)
			return false;
	return true;
}

void dma_lb_take(struct dma_lb *lb, unsigned queue, const struct hal_msg *m)
{
	struct dma_lb_queue *q = &lb->q[queue < lb->queues ? queue : 0];
	if (q->len >= DMA_LB_QUEUE_DEPTH)
		return;                    /* callers check dma_lb_has_room() */
	struct hal_msg *slot = &q->msg[(q->head + q->len) % DMA_LB_QUEUE_DEPTH];
	*slot = *m;
	slot->code = HAL_MSG_DMA_REQ;  /* what the engine expects */
	q->len++;
	lb->taken++;
	if (q->len > lb->deepest)
		lb->deepest = q->len;
}

const struct hal_msg *dma_lb_next(struct dma_lb *lb)
{
	for (unsigned tried = 0; tried < lb->queues; tried++) {
		const struct dma_lb_queue *q = &lb->q[lb->next];
		if (q->len)
			return &q->msg[q->head];
		lb->next = (lb->next + 1) % lb->queues;
	}
	return NULL;
}

void dma_lb_forwarded(struct dma_lb *lb)
{
	struct dma_lb_queue *q = &lb->q[lb->next];
	if (q->len == 0)
		return;
	q->head = (q->head + 1) % DMA_LB_QUEUE_DEPTH;
	q->len--;
	lb->forwarded++;
	lb->next = (lb->next + 1) % lb->queues;
}

bool dma_lb_pending(const struct dma_lb *lb)
{
	for (unsigned i = 0; i < lb->queues; i++)
		if (lb->q[i].len)
			return true;
	return false;
}
