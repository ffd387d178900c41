/* model/mac.h - the XLS416's XAUI MAC and its packet distribution engine
 * (PDE), between the fiber and the hardware threads.
 *
 * Contract. Receive: frames from the fiber (model/link.h) enter a FIFO
 * bounded in bytes, are copied into packet buffers (model/pkt_pool.h) and
 * sent over the FMN (model/fmn.h) as HAL_MSG_RX_FRAME to the rx thread the
 * PDE picks; frames that find the FIFO full are dropped and counted.
 * Transmit: the MAC is the FMN station STATION_MAC_TX; a HAL_MSG_TX_FRAME
 * puts the buffer's bytes on the fiber and frees the buffer.
 * Calls: the link, the FMN, the packet pool, sim/. Called by: the FMN
 * (registered receiver and sender), the fiber (registered receiver), the
 * HAL (mac_rx_kick after a buffer is freed), the NPU builder. The fields
 * are the MAC's own; others read `st` only, through npu_mac_stats.
 */
#ifndef MODEL_MAC_H
#define MODEL_MAC_H

#include "model/fmn.h"
#include "model/link.h"
#include "model/pkt_pool.h"

/* A frame in a packet buffer waiting for FMN credit to its thread. */
struct pde_pending {
	uint64_t addr;
	uint32_t len;
};

struct mac {
	sim *s;
	const struct npu_config *cfg;      /* pde, rx_threads, rx_fifo_bytes,
					    * flow_control, pkt_buffers */
	struct link *link;
	struct frame_pool *frames;
	struct fmn *fmn;
	struct pkt_pool *pool;
	const struct npu_probes *probes;   /* rx_fifo */
	/* rx FIFO */
	struct frame *rx_head, *rx_tail;
	uint32_t rx_fifo_bytes;
	int rx_blocked;                    /* FIFO head waits for a packet buffer */
	int pausing;                       /* PAUSE sent, not yet released */
	/* PDE: one queue per thread, so that a slow thread blocks only itself */
	unsigned pde_next;
	struct pde_pending *pde_q[NPU_THREADS];
	uint32_t pde_head[NPU_THREADS], pde_len[NPU_THREADS];
	struct mac_stats st;
};

/* Attaches the MAC to the fiber's NPU side and to the FMN. */
void mac_init(struct mac *m, sim *s, const struct npu_config *cfg, struct link *l,
	      struct frame_pool *frames, struct fmn *fmn, struct pkt_pool *pool,
	      const struct npu_probes *probes);
void mac_release(struct mac *m);
/* Move frames from the FIFO into packet buffers while buffers last, then
 * to the threads while credits last (after a buffer or a credit returned). */
void mac_rx_kick(struct mac *m);

#endif
