/* firmware/hal.h - everything the firmware may ask of the machine.
 *
 * The firmware (firmware/) includes only its own headers and freestanding C
 * headers, and reaches the XLS416 only through these calls. Three
 * implementations exist: model/hal_sim.c (the simulated NPU: calls that wait
 * yield the hardware thread's coroutine), a native one for replay and unit
 * tests, and the target's (not in this tree).
 *
 * Timing contract. hal_cost() and hal_mem() only record work; the recorded
 * compute cycles and memory stalls are paid (simulated time advances for the
 * calling thread) at the thread's next call that talks to the outside world:
 * hal_fmn_send/recv, hal_wait_cycles, hal_msi_raise, hal_cycles. On the
 * target both are no-ops. So an O(n) loop that annotates each step costs
 * O(n) simulated time without an event per step.
 *
 * Entry points. The firmware exports (firmware/firmware.h) fw_state_bytes(),
 * fw_init(state) run once by the loader before any thread starts, and
 * fw_thread_main(state, thread_id) run by every hardware thread. All
 * firmware state lives in that one block: no globals, so several simulated
 * NPUs can live in one process. Counters are fields of the state, read by
 * the simulator through firmware/firmware.h.
 *
 * Addresses. NPU memory (packet buffers, the PCIe shared memory) is plain C
 * memory to the firmware. Host memory is reached only through the DMA engine
 * and is named by 64-bit bus addresses (hal_bus_addr). A pointer travels in
 * an FMN word as hal_addr_of()/hal_ptr_of().
 */
#ifndef FIRMWARE_HAL_H
#define FIRMWARE_HAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint64_t hal_bus_addr;         /* host physical / PCIe bus address */

/* ---- identity and clock ---- */
#define HAL_MAX_THREADS 16
unsigned hal_thread_id(void);          /* 0..hal_thread_count()-1 */
unsigned hal_thread_count(void);
uint64_t hal_cycles(void);             /* this core's cycle counter */
uint64_t hal_cycles_per_second(void);  /* core clock in Hz */
/* Sleep without using issue slots (pays pending cost first). */
void hal_wait_cycles(uint64_t cycles);

/* ---- cost annotations (no-ops on the target) ---- */
enum hal_cost {
	HAL_COST_PARSE,          /* parse Ethernet/IPv4/TCP headers */
	HAL_COST_HASH,           /* compute a 4-tuple hash */
	HAL_COST_HASH_PROBE,     /* one chain step in a hash table */
	HAL_COST_LIST_STEP,      /* one step of an ordered list walk */
	HAL_COST_CSUM_8B,        /* checksum 8 bytes (one 64-bit load+add) */
	HAL_COST_HEADER_REWRITE, /* rewrite IP+TCP headers of an aggregate */
	HAL_COST_DESC,           /* take/return/init a connection descriptor */
	HAL_COST_ACK_BUILD,      /* build an active ACK frame */
	HAL_COST_QUEUE_OP,       /* software queue enqueue/dequeue */
	HAL_COST_MSG,            /* prepare/decode one FMN message */
	HAL_COST_RING,           /* read/write one rx/tx ring descriptor */
	HAL_COST_TIMEOUT_SCAN,   /* check one descriptor for receive timeout */
	HAL_COST_COUNT
};
/* Record `count` times the cycle cost of `op` (table in the implementation,
 * documented in docs/CALIBRATION.md). */
void hal_cost(enum hal_cost op, uint32_t count);
/* Record `count` DRAM accesses that miss the caches: they stall only the
 * calling thread, the core keeps issuing for the others. */
void hal_mem(uint32_t count);

/* ---- Fast Messaging Network ---- */
#define HAL_MSG_MAX_WORDS 4
struct hal_msg {
	uint8_t code;        /* HAL_MSG_* */
	uint8_t words;       /* 1..4 */
	uint16_t src;        /* source station (filled in by the network) */
	uint64_t w[HAL_MSG_MAX_WORDS];
};

/* Message codes and their words. */
enum hal_msg_code {
	/* MAC rx (via PDE) -> rx thread: w0 = buffer (hal_addr_of), w1 = frame
	 * length in bytes. The buffer belongs to the firmware from now on. */
	HAL_MSG_RX_FRAME = 1,
	/* firmware -> DMA engine: w0 = source (NPU address), w1 = destination
	 * bus address, w2 = length (bits 0-31) | reply station (bits 32-47),
	 * w3 = cookie, returned untouched in the completion. With
	 * HAL_DMA_FROM_HOST set in w2 the copy goes the other way: w1 is the
	 * source in host memory, w0 the destination in NPU memory. */
	HAL_MSG_DMA_REQ = 2,
	/* DMA engine -> reply station: w0 = cookie, w1 = status (0 = ok). */
	HAL_MSG_DMA_DONE = 3,
	/* firmware -> MAC tx: w0 = buffer, w1 = frame length. The MAC frees
	 * the buffer after transmission. */
	HAL_MSG_TX_FRAME = 4,
	/* host doorbell -> tx thread: w0 = tx ring index written by the host. */
	HAL_MSG_HOST_DOORBELL = 5,
	/* timeout thread -> rx thread: w0 = connection key (engine-defined). */
	HAL_MSG_TIMEOUT = 6,
	/* rx thread -> load-balancing thread: a DMA request to forward; words
	 * as HAL_MSG_DMA_REQ. */
	HAL_MSG_DMA_LB = 7,
	/* firmware-internal codes start here */
	HAL_MSG_USER = 32,
};

#define HAL_DMA_FROM_HOST (1ULL << 48)  /* HAL_MSG_DMA_REQ w2: host -> NPU */

/* Stations. */
unsigned hal_station_of_thread(unsigned thread_id);
unsigned hal_station_dma(void);
unsigned hal_station_mac_tx(void);

/* Send; blocks while the sender holds no credit for the destination
 * (back-pressure). The network stamps m->src. */
void hal_fmn_send(unsigned dst_station, const struct hal_msg *m);
/* Non-blocking send: false when no credit. */
bool hal_fmn_try_send(unsigned dst_station, const struct hal_msg *m);
/* Credits the calling thread's core holds for dst_station: in use (messages
 * sent that the receiver has not dequeued yet) and in total (the XLS keeps
 * these in per-bucket credit counters software can read). */
unsigned hal_fmn_credits_in_use(unsigned dst_station);
/* Each thread has two buckets (the XLS gives a core 8, 2 per thread):
 * DMA completions land in the completion bucket, every other message in
 * the data bucket. A thread that waits for DMA completions can take them
 * while its data bucket stays full - the back-pressure that stops the MAC
 * - without deadlocking the engine that needs its completions taken. */
enum hal_bucket { HAL_BUCKET_DATA = 0, HAL_BUCKET_COMPLETION = 1, HAL_BUCKETS = 2 };

/* Receive from this thread's buckets (completions first); blocks until a
 * message arrives. */
void hal_fmn_recv(struct hal_msg *m);
/* Non-blocking receive from any bucket: false when all are empty. */
bool hal_fmn_try_recv(struct hal_msg *m);
/* Non-blocking receive from one bucket. */
bool hal_fmn_try_recv_bucket(enum hal_bucket b, struct hal_msg *m);

#define HAL_NO_STATION 0xffffu
/* Sleep until one of: a send to `dst` would succeed with fewer than
 * `max_in_use` of this core's messages waiting there (dst HAL_NO_STATION:
 * never); a message is in bucket `wake` (HAL_BUCKETS: none); `cycles` have
 * passed (0: no limit). Returns true when the send condition holds. On the
 * XLS this is a poll of the credit counter and the bucket status; the
 * simulator turns it into one wake-up instead of a loop. */
bool hal_fmn_wait(unsigned dst, unsigned max_in_use, enum hal_bucket wake, uint64_t cycles);

/* ---- packet buffers in NPU DRAM ---- */
#define HAL_PKT_BUF_BYTES 2048
void *hal_pkt_alloc(void);       /* NULL when the pool is empty (counted) */
void hal_pkt_free(void *buf);
uint32_t hal_pkt_free_count(void);  /* buffers in the pool right now */
uint32_t hal_pkt_pool_size(void);   /* buffers in all */
uint64_t hal_addr_of(const void *p);
void *hal_ptr_of(uint64_t addr);

/* ---- host interface ---- */
/* The PCIe shared memory (16 MB on the XLS416): the device's rings and
 * state, readable and writable by the host. */
void *hal_shm_base(void);
size_t hal_shm_size(void);
/* Raise MSI `vector` to the host. */
void hal_msi_raise(unsigned vector);

/* ---- configuration the loader hands the firmware ---- */
/* Value of firmware parameter `name` (e.g. "lro.threshold"), or `dflt`. */
uint64_t hal_param(const char *name, uint64_t dflt);

#endif
