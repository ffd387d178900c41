/* traces/hal_native.c - firmware/hal.h natively (contract in
 * traces/hal_native.h): one thread, its packet pool, a clock the caller
 * sets, and the FMN as queues the caller fills and empties. */
#include "traces/hal_native.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A ring of messages: a bucket of the thread, or a station's queue. */
struct msg_ring {
	struct hal_msg *m;
	unsigned *dst;                 /* station queues: where each goes */
	uint32_t head, len, cap;
};

struct native_param {
	char name[64];
	uint64_t value;
};

static struct native {
	bool built;
	uint8_t *bufs;                 /* pkt_buffers x HAL_PKT_BUF_BYTES */
	uint32_t *free_list;           /* indices; the top is taken next */
	uint32_t n_free, n_bufs;
	uint64_t time_ns, clock_hz;
	uint32_t depth;                /* credits per station */
	struct msg_ring bucket[HAL_BUCKETS];
	struct msg_ring sent;          /* to every other station, in send order */
	uint32_t in_use[HAL_NATIVE_STATIONS];  /* per station: sent, not taken */
	void *shm;
	size_t shm_bytes;
	uint64_t msi[HAL_NATIVE_MSI_VECTORS];
	struct native_param param[HAL_NATIVE_PARAMS];
	unsigned n_params;
	uint64_t cost_units[HAL_COST_COUNT];   /* hal_cost's counts, per op */
} nat;

/* A wait no other thread can end, or a call the contract forbids. */
static void fatal(const char *what)
{
	fprintf(stderr, "hal_native: %s\n", what);
	abort();
}

static bool ring_init(struct msg_ring *r, uint32_t cap, bool with_dst)
{
	r->m = calloc(cap, sizeof *r->m);
	r->dst = with_dst ? calloc(cap, sizeof *r->dst) : NULL;
	r->head = r->len = 0;
	r->cap = cap;
	return r->m && (r->dst || !with_dst);
}

static void ring_free(struct msg_ring *r)
{
	free(r->m);
	free(r->dst);
	memset(r, 0, sizeof *r);
}

static bool ring_push(struct msg_ring *r, unsigned dst, const struct hal_msg *m)
{
	if (r->len == r->cap)
		return false;
	uint32_t at = (r->head + r->len) % r->cap;
	r->m[at] = *m;
	if (r->dst)
		r->dst[at] = dst;
	r->len++;
	return true;
}

static bool ring_pop(struct msg_ring *r, unsigned *dst, struct hal_msg *m)
{
	if (r->len == 0)
		return false;
	*m = r->m[r->head];
	if (dst)
		*dst = r->dst ? r->dst[r->head] : HAL_NATIVE_STATION_THREAD;
	r->head = (r->head + 1u) % r->cap;
	r->len--;
	return true;
}

int hal_native_init(const struct hal_native_config *c)
{
	if (nat.built)
		return -1;
	memset(&nat, 0, sizeof nat);
	uint32_t depth = c->fmn_depth ? c->fmn_depth : 64u;
	nat.depth = depth;
	nat.n_bufs = c->pkt_buffers;
	nat.clock_hz = c->clock_hz ? c->clock_hz : 1000000000u;
	/* (one spare line and slot: a pool of no buffers is still an allocation) */
	nat.bufs = aligned_alloc(64, (size_t)nat.n_bufs * HAL_PKT_BUF_BYTES + 64u);
	nat.free_list = malloc(((size_t)nat.n_bufs + 1u) * sizeof *nat.free_list);
	nat.shm_bytes = c->shm_bytes;
	nat.shm = c->shm_bytes ? calloc(1, c->shm_bytes) : NULL;
	bool ok = nat.bufs && nat.free_list && (nat.shm || !c->shm_bytes);
	for (int b = 0; b < HAL_BUCKETS; b++)
		ok = ring_init(&nat.bucket[b], depth, false) && ok;
	/* one queue for the other stations, each held to `depth` by credits */
	ok = ring_init(&nat.sent, depth * (HAL_NATIVE_STATIONS - 1u), true) && ok;
	nat.built = true;
	if (!ok) {
		hal_native_fini();
		return -1;
	}
	hal_native_pool_reset();
	return 0;
}

void hal_native_fini(void)
{
	free(nat.bufs);
	free(nat.free_list);
	free(nat.shm);
	for (int b = 0; b < HAL_BUCKETS; b++)
		ring_free(&nat.bucket[b]);
	ring_free(&nat.sent);
	memset(&nat, 0, sizeof nat);
}

void hal_native_pool_reset(void)
{
	nat.n_free = 0;
	for (uint32_t i = nat.n_bufs; i-- > 0;)
		nat.free_list[nat.n_free++] = i;
}

uint32_t hal_native_pkt_index(const void *p)
{
	const uint8_t *b = p;
	if (!nat.bufs || b < nat.bufs || b >= nat.bufs + (size_t)nat.n_bufs * HAL_PKT_BUF_BYTES)
		return UINT32_MAX;
	size_t off = (size_t)(b - nat.bufs);
	return off % HAL_PKT_BUF_BYTES ? UINT32_MAX : (uint32_t)(off / HAL_PKT_BUF_BYTES);
}

void hal_native_set_time_ns(uint64_t ns) { nat.time_ns = ns; }
uint64_t hal_native_time_ns(void) { return nat.time_ns; }

int hal_native_set_param(const char *name, uint64_t value)
{
	for (unsigned i = 0; i < nat.n_params; i++)
		if (strcmp(nat.param[i].name, name) == 0) {
			nat.param[i].value = value;
			return 0;
		}
	if (nat.n_params == HAL_NATIVE_PARAMS || strlen(name) >= sizeof nat.param[0].name)
		return -1;
	struct native_param *p = &nat.param[nat.n_params++];
	memcpy(p->name, name, strlen(name) + 1u);
	p->value = value;
	return 0;
}

bool hal_native_fmn_take(unsigned *dst, struct hal_msg *m)
{
	if (!ring_pop(&nat.sent, dst, m))
		return false;
	nat.in_use[*dst]--;
	return true;
}

bool hal_native_fmn_put(enum hal_bucket b, unsigned src, const struct hal_msg *m)
{
	if (b >= HAL_BUCKETS)
		fatal("hal_native_fmn_put: no such bucket");
	struct hal_msg c = *m;
	c.src = (uint16_t)src;
	return ring_push(&nat.bucket[b], src, &c);
}

uint64_t hal_native_msi_count(unsigned vector)
{
	return vector < HAL_NATIVE_MSI_VECTORS ? nat.msi[vector] : 0;
}

/* ---- firmware/hal.h ---- */

unsigned hal_thread_id(void) { return 0; }
unsigned hal_thread_count(void) { return 1; }

/* ns * hz / 1e9 without overflow for any time below 2^64 ns */
static uint64_t ns_to_cycles(uint64_t ns)
{
	return ns / 1000000000u * nat.clock_hz + ns % 1000000000u * nat.clock_hz / 1000000000u;
}

static uint64_t cycles_to_ns(uint64_t cycles)
{
	return cycles / nat.clock_hz * 1000000000u + cycles % nat.clock_hz * 1000000000u / nat.clock_hz;
}

uint64_t hal_cycles(void) { return ns_to_cycles(nat.time_ns); }
uint64_t hal_cycles_per_second(void) { return nat.clock_hz; }
void hal_wait_cycles(uint64_t cycles) { nat.time_ns += cycles_to_ns(cycles); }

/* The target's cost: none (the simulated NPU's table is model/hal_sim.c's);
 * the counts are tallied so that tests can see how much work a path
 * records. */
void hal_cost(enum hal_cost op, uint32_t count)
{
	if ((unsigned)op < HAL_COST_COUNT)
		nat.cost_units[op] += count;
}

uint64_t hal_native_cost_units(enum hal_cost op)
{
	return (unsigned)op < HAL_COST_COUNT ? nat.cost_units[op] : 0;
}

void hal_mem(uint32_t count) { (void)count; }

unsigned hal_station_of_thread(unsigned thread_id)
{
	if (thread_id != 0)
		fatal("hal_station_of_thread: the native machine has thread 0 only");
	return HAL_NATIVE_STATION_THREAD;
}

unsigned hal_station_dma(void) { return HAL_NATIVE_STATION_DMA; }
unsigned hal_station_mac_tx(void) { return HAL_NATIVE_STATION_MAC_TX; }

unsigned hal_fmn_credits_in_use(unsigned dst)
{
	if (dst >= HAL_NATIVE_STATIONS)
		fatal("hal_fmn_credits_in_use: no such station");
	return dst == HAL_NATIVE_STATION_THREAD ? nat.bucket[HAL_BUCKET_DATA].len : nat.in_use[dst];
}

static bool has_credit(unsigned dst)
{
	return hal_fmn_credits_in_use(dst) < nat.depth;
}

bool hal_fmn_try_send(unsigned dst, const struct hal_msg *m)
{
	if (!has_credit(dst))
		return false;
	struct hal_msg c = *m;
	c.src = HAL_NATIVE_STATION_THREAD;
	if (dst == HAL_NATIVE_STATION_THREAD) {
		enum hal_bucket b = c.code == HAL_MSG_DMA_DONE ? HAL_BUCKET_COMPLETION : HAL_BUCKET_DATA;
		return ring_push(&nat.bucket[b], dst, &c);
	}
	if (!ring_push(&nat.sent, dst, &c))
		return false;
	nat.in_use[dst]++;
	return true;
}

void hal_fmn_send(unsigned dst, const struct hal_msg *m)
{
	if (!hal_fmn_try_send(dst, m))
		fatal("hal_fmn_send: no credit, and no other thread to return one");
}

bool hal_fmn_try_recv_bucket(enum hal_bucket b, struct hal_msg *m)
{
	if (b >= HAL_BUCKETS)
		fatal("hal_fmn_try_recv_bucket: no such bucket");
	return ring_pop(&nat.bucket[b], NULL, m);
}

bool hal_fmn_try_recv(struct hal_msg *m)
{
	return hal_fmn_try_recv_bucket(HAL_BUCKET_COMPLETION, m) ||
	       hal_fmn_try_recv_bucket(HAL_BUCKET_DATA, m);
}

void hal_fmn_recv(struct hal_msg *m)
{
	if (!hal_fmn_try_recv(m))
		fatal("hal_fmn_recv: buckets empty, and no other thread to fill them");
}

bool hal_fmn_wait(unsigned dst, unsigned max_in_use, enum hal_bucket wake, uint64_t cycles)
{
	bool can_send = dst != HAL_NO_STATION && has_credit(dst) && hal_fmn_credits_in_use(dst) < max_in_use;
	if (can_send || (wake < HAL_BUCKETS && nat.bucket[wake].len > 0))
		return can_send;
	if (cycles == 0)
		fatal("hal_fmn_wait: nothing to wait for but another thread");
	hal_wait_cycles(cycles);
	return false;
}

void *hal_pkt_alloc(void)
{
	if (nat.n_free == 0)
		return NULL;
	return nat.bufs + (size_t)nat.free_list[--nat.n_free] * HAL_PKT_BUF_BYTES;
}

void hal_pkt_free(void *buf)
{
	uint32_t i = hal_native_pkt_index(buf);
	if (i == UINT32_MAX || nat.n_free == nat.n_bufs)
		fatal("hal_pkt_free: not a buffer of the pool, or freed twice");
	nat.free_list[nat.n_free++] = i;
}

uint32_t hal_pkt_free_count(void) { return nat.n_free; }
uint32_t hal_pkt_pool_size(void) { return nat.n_bufs; }

uint64_t hal_addr_of(const void *p) { return (uint64_t)(uintptr_t)p; }
void *hal_ptr_of(uint64_t addr) { return (void *)(uintptr_t)addr; }

void *hal_shm_base(void) { return nat.shm; }
size_t hal_shm_size(void) { return nat.shm_bytes; }

void hal_msi_raise(unsigned vector)
{
	if (vector >= HAL_NATIVE_MSI_VECTORS)
		fatal("hal_msi_raise: no such vector");
	nat.msi[vector]++;
}

uint64_t hal_param(const char *name, uint64_t dflt)
{
	for (unsigned i = 0; i < nat.n_params; i++)
		if (strcmp(nat.param[i].name, name) == 0)
			return nat.param[i].value;
	return dflt;
}
