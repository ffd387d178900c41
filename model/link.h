/* model/link.h - the 10 Gbps fiber between the client NIC (side 0) and the
 * NPU's XAUI MAC (side 1), full duplex.
 *
 * Each direction serializes one frame at a time at the line rate: preamble
 * (7) + SFD (1) + frame + FCS (4) + inter-frame gap (12) bytes on the wire
 * (IEEE 802.3 clause 4/46), so 1518 B frames give 812,744 frames/s at
 * 10 Gbps. A frame is handed to the far side's receive function when its
 * last bit arrives (serialization + propagation delay). Frames wait in a
 * bounded transmit queue per direction; a full queue drops (counted).
 */
#ifndef MODEL_LINK_H
#define MODEL_LINK_H

#include <stdint.h>
#include "model/frame.h"
#include "sim/kernel.h"

enum link_side { LINK_CLIENT = 0, LINK_NPU = 1 };

struct link_config {
	uint64_t rate_bps;             /* default 10,000,000,000 */
	sim_time propagation_ps;       /* default 5 ns/m x 10 m = 50 ns */
	uint32_t tx_queue_frames;      /* per direction, default 4096 */
};

struct link_dir_stats {
	uint64_t frames;               /* delivered to the far side */
	uint64_t bytes;                /* frame bytes delivered */
	uint64_t wire_bytes;           /* incl. preamble, SFD, FCS, IFG */
	uint64_t drop_tx_queue_full;
	uint64_t pauses;               /* PAUSE episodes imposed on this direction */
	sim_time paused_ps;            /* time spent paused */
	sim_time busy_ps;              /* time spent serializing */
};

/* Receiver owns the frame (frees it or passes it on). */
typedef void (*link_rx_fn)(void *ctx, struct frame *f);
/* Optional: called when a side's transmit queue drains below half (lets a
 * sender that saw -1 resume). */
typedef void (*link_tx_ready_fn)(void *ctx);

struct link;

void link_config_default(struct link_config *c);
struct link *link_create(sim *s, struct frame_pool *pool, const struct link_config *c);
void link_destroy(struct link *l);
void link_attach(struct link *l, enum link_side side, link_rx_fn rx, void *ctx);
void link_set_tx_ready(struct link *l, enum link_side side, link_tx_ready_fn fn, void *ctx);
/* Queue f for transmission from `from`. Returns 0, or -1 if the queue was
 * full (the frame is freed and counted as dropped). */
int link_transmit(struct link *l, enum link_side from, struct frame *f);
uint32_t link_tx_queue_len(const struct link *l, enum link_side from);
/* Frames that can still be queued from `from` without a drop. */
uint32_t link_tx_queue_room(const struct link *l, enum link_side from);
/* Wire time of a frame of `frame_len` bytes (with preamble, SFD, FCS, IFG). */
sim_time link_frame_time(const struct link *l, uint32_t frame_len);
const struct link_dir_stats *link_stats(const struct link *l, enum link_side from);

/* IEEE 802.3x flow control: a receiver whose buffers fill sends PAUSE; the
 * far side's transmitter then starts no new frame until it is resumed.
 * `side` is the transmitting side to pause. */
void link_pause(struct link *l, enum link_side side, int paused);

/* Faults on the wire (model/faults.h): frames sent from `from` pass through
 * the injector as they arrive at the far side. */
struct faults_dir;
void link_set_faults(struct link *l, enum link_side from, struct faults_dir *faults);
/* Frame taps (pcap): called for every frame delivered to the far side. */
typedef void (*link_tap_fn)(void *ctx, enum link_side from, const struct frame *f, sim_time t);
void link_set_tap(struct link *l, link_tap_fn fn, void *ctx);

#endif
