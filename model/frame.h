/* model/frame.h - an Ethernet frame in flight on a wire, and the pool that
 * recycles them (no malloc per packet).
 *
 * data holds the frame as a pcap would: destination MAC through the end of
 * the payload (padded to 60 bytes), without preamble, SFD or FCS; the link
 * model adds those when it computes serialization time.
 */
#ifndef MODEL_FRAME_H
#define MODEL_FRAME_H

#include <stdint.h>
#include "sim/time.h"

#define FRAME_MAX_BYTES 1518u          /* 1500 MTU + 14 header, + 4 spare */
#define FRAME_MIN_BYTES 60u            /* 64 minus the FCS */

struct frame {
	struct frame *next;            /* intrusive queue link */
	uint64_t id;                   /* unique per pool, for traces */
	sim_time created_ps;           /* when the sender built it */
	uint32_t len;                  /* bytes used in data */
	uint8_t data[FRAME_MAX_BYTES];
};

struct frame_pool;

struct frame_pool *frame_pool_create(void);
/* Frees every frame, including frames still out (checked in debug builds). */
void frame_pool_destroy(struct frame_pool *p);
/* Never fails (grows the pool); len 0, next NULL, a fresh id. */
struct frame *frame_alloc(struct frame_pool *p);
void frame_free(struct frame_pool *p, struct frame *f);
/* Copy of f with a fresh id (fault injection: duplication). */
struct frame *frame_clone(struct frame_pool *p, const struct frame *f);
uint64_t frame_pool_outstanding(const struct frame_pool *p);

#endif
