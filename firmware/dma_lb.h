/* firmware/dma_lb.h - the DMA load balancer's queues (paper V.B, Fig. 10).
 *
 * One FIFO of DMA requests per rx thread, served round-robin, one request
 * at a time, so a thread that floods the engine cannot bury the requests
 * of the others (the XLS416's DMA request buffer is a stack). A plain data
 * structure with no HAL calls: the timeout thread (threads.c) takes the rx
 * threads' requests from its bucket into the queues and forwards
 * dma_lb_next() to the DMA engine whenever the engine has room.
 */
#ifndef FIRMWARE_DMA_LB_H
#define FIRMWARE_DMA_LB_H

#include <stdbool.h>
#include <stdint.h>
#include "firmware/hal.h"

#define DMA_LB_QUEUE_DEPTH 256u
#define DMA_LB_MAX_QUEUES 16u

struct dma_lb_queue {
	struct hal_msg msg[DMA_LB_QUEUE_DEPTH];
	uint32_t head, len;
};

struct dma_lb {
	struct dma_lb_queue q[DMA_LB_MAX_QUEUES];
	unsigned queues;
	unsigned next;                 /* the queue whose turn it is */
	uint64_t taken, forwarded;
	uint32_t deepest;              /* longest any queue has been */
};

/* queues: 1..DMA_LB_MAX_QUEUES, one per rx thread. */
void dma_lb_init(struct dma_lb *lb, unsigned queues);
/* True when every queue can take one more request (a full queue leaves
 * requests in the balancer's FMN bucket, and FMN credits stop senders). */
bool dma_lb_has_room(const struct dma_lb *lb);
/* Queue a request of rx thread `queue` (out of range: queue 0). Needs
 * dma_lb_has_room(). */
void dma_lb_take(struct dma_lb *lb, unsigned queue, const struct hal_msg *m);
/* The request whose turn it is, or NULL when all queues are empty. The
 * turn skips empty queues; the request stays queued until
 * dma_lb_forwarded(). */
const struct hal_msg *dma_lb_next(struct dma_lb *lb);
/* The request dma_lb_next() returned went to the engine: drop it from its
 * queue and pass the turn to the next queue. */
void dma_lb_forwarded(struct dma_lb *lb);
bool dma_lb_pending(const struct dma_lb *lb);

#endif
