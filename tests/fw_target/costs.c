/* tests/fw_target/costs.c - the harness that measures the firmware's costs
 * (make costs, mk/costs.mk). Built for big-endian MIPS64 with the firmware
 * compiled as the target would run it: cost annotations compiled out
 * (tests/fw_target/no_annotations.h). Run under qemu-mips64 with one
 * instruction per translation block, it executes each firmware path twice,
 * with n and 2n repetitions (or with two sizes of one parameter), each
 * region between two calls of mark(); scripts/fw_costs.py counts the
 * instructions executed between the marks, leaving out the mock HAL below,
 * and takes the slope, so fixed set-up cancels.
 *
 * The mock HAL stands in for the hardware: FMN buckets as queues, a DMA
 * engine that completes at once, a host that gives descriptors back at
 * each MSI. A thread runs until it would wait; the mock then ends the
 * region and jumps back here. The HAL's own work (the XLS's msgsnd, msgld,
 * free-in FIFO) is the hardware's and is not counted; the firmware's side
 * of every call (building the message, the call) is.
 *
 * stdout: one line per region, "region NAME PARAM", in the order of the
 * marks. A failed expectation prints and exits 1. */
#define _DEFAULT_SOURCE 1                /* mmap's MAP_ANONYMOUS */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "firmware/csum.h"
#include "firmware/dma_lb.h"
#include "firmware/firmware.h"
#include "firmware/hal.h"
#include "firmware/lro.h"
#include "firmware/nic_abi.h"
#include "host/netpkt.h"

#define MOCK __attribute__((noinline, used))

static void fail(const char *what)
{
	printf("costs harness: %s\n", what);
	exit(1);
}

/* ---- marks: the trace parser finds the regions by this address ---- */

static int region_open;

MOCK void mark(unsigned id)
{
	__asm__ volatile("" : : "r"(id) : "memory");
}

static void region_begin(const char *name, unsigned param)
{
	printf("region %s %u\n", name, param);
	fflush(stdout);
	region_open = 1;
	mark(1);
}

static void region_end(void)
{
	if (region_open)
		mark(2);
	region_open = 0;
}

/* ---- the mock HAL ---- */

#define STATION_DMA 16u
#define STATION_MAC 17u
#define QLEN 8192u
#define POOL 6144u

struct queue {
	struct hal_msg m[QLEN];
	unsigned head, len;
};

static struct queue buckets[HAL_MAX_THREADS][HAL_BUCKETS];
static unsigned current;                /* the running thread */
static jmp_buf escape;                  /* back to the harness when it waits */
static uint64_t cycles;
static uint8_t pool_mem[POOL][HAL_PKT_BUF_BYTES] __attribute__((aligned(64)));
static void *pool_free[POOL];
static unsigned pool_n;
static uint8_t shm[4u << 20] __attribute__((aligned(64)));
static uint64_t dma_sent, mac_sent;

struct param { const char *name; uint64_t v; };
static struct param params[16];
static unsigned n_params;

static void set_param(const char *name, uint64_t v)
{
	for (unsigned i = 0; i < n_params; i++)
		if (strcmp(params[i].name, name) == 0) {
			params[i].v = v;
			return;
		}
	params[n_params].name = name;
	params[n_params++].v = v;
}

MOCK static void push(unsigned station, enum hal_bucket b, const struct hal_msg *m)
{
	struct queue *q = &buckets[station][b];
	if (q->len == QLEN)
		fail("mock bucket overflow");
	struct hal_msg *d = &q->m[(q->head + q->len++) % QLEN];
	d->code = m->code;
	d->words = m->words;
	d->src = (uint16_t)current;
	for (unsigned i = 0; i < HAL_MSG_MAX_WORDS; i++)
		d->w[i] = m->w[i];
}

MOCK static bool pop(enum hal_bucket b, struct hal_msg *m)
{
	struct queue *q = &buckets[current][b];
	if (!q->len)
		return false;
	const struct hal_msg *s = &q->m[q->head];
	m->code = s->code;
	m->words = s->words;
	m->src = s->src;
	for (unsigned i = 0; i < HAL_MSG_MAX_WORDS; i++)
		m->w[i] = s->w[i];
	q->head = (q->head + 1) % QLEN;
	q->len--;
	return true;
}

/* The thread would wait: the region ends. */
MOCK static void thread_waits(void)
{
	region_end();
	longjmp(escape, 1);
}

MOCK unsigned hal_thread_id(void) { return current; }
MOCK unsigned hal_thread_count(void) { return HAL_MAX_THREADS; }
MOCK uint64_t hal_cycles(void) { return cycles; }
MOCK uint64_t hal_cycles_per_second(void) { return 1000000000u; }
MOCK void hal_wait_cycles(uint64_t c) { (void)c; fail("a thread waited for cycles"); }
MOCK void hal_cost(enum hal_cost op, uint32_t count) { (void)op; (void)count; }
MOCK void hal_mem(uint32_t count) { (void)count; }
MOCK unsigned hal_station_of_thread(unsigned t) { return t; }
MOCK unsigned hal_station_dma(void) { return STATION_DMA; }
MOCK unsigned hal_station_mac_tx(void) { return STATION_MAC; }

MOCK bool hal_fmn_try_send(unsigned dst, const struct hal_msg *m)
{
	if (dst == STATION_DMA) {
		/* the engine copies at once and answers the reply station */
		struct hal_msg done = { .code = HAL_MSG_DMA_DONE, .words = 2 };
		done.w[0] = m->w[3];
		dma_sent++;
		push((unsigned)(m->w[2] >> 32) & 0xffffu, HAL_BUCKET_COMPLETION, &done);
	} else if (dst == STATION_MAC) {
		mac_sent++;
		pool_free[pool_n++] = (void *)(uintptr_t)m->w[0];
	} else if (dst < HAL_MAX_THREADS) {
		push(dst, HAL_BUCKET_DATA, m);
	} else {
		fail("send to an unknown station");
	}
	return true;
}

MOCK void hal_fmn_send(unsigned dst, const struct hal_msg *m) { hal_fmn_try_send(dst, m); }
MOCK unsigned hal_fmn_credits_in_use(unsigned dst) { (void)dst; return 0; }

MOCK bool hal_fmn_try_recv_bucket(enum hal_bucket b, struct hal_msg *m) { return pop(b, m); }

MOCK bool hal_fmn_try_recv(struct hal_msg *m)
{
	return pop(HAL_BUCKET_COMPLETION, m) || pop(HAL_BUCKET_DATA, m);
}

MOCK void hal_fmn_recv(struct hal_msg *m)
{
	if (!hal_fmn_try_recv(m))
		thread_waits();
}

MOCK bool hal_fmn_wait(unsigned dst, unsigned max_in_use, enum hal_bucket wake, uint64_t c)
{
	(void)dst; (void)max_in_use; (void)wake; (void)c;
	thread_waits();
	return false;
}

MOCK void *hal_pkt_alloc(void) { return pool_n ? pool_free[--pool_n] : NULL; }
MOCK void hal_pkt_free(void *b) { pool_free[pool_n++] = b; }
MOCK uint32_t hal_pkt_free_count(void) { return pool_n; }
MOCK uint32_t hal_pkt_pool_size(void) { return POOL; }
MOCK uint64_t hal_addr_of(const void *p) { return (uint64_t)(uintptr_t)p; }
MOCK void *hal_ptr_of(uint64_t a) { return (void *)(uintptr_t)a; }
MOCK void *hal_shm_base(void) { return shm; }
MOCK size_t hal_shm_size(void) { return sizeof shm; }

/* The host reads what was published and gives the descriptors back. */
MOCK void hal_msi_raise(unsigned vector)
{
	const struct nic_shm_header *h = (const struct nic_shm_header *)(void *)shm;
	struct nic_rx_desc *d = (struct nic_rx_desc *)(void *)(shm + nic_le64(h->rx_ring_offset[vector]));
	uint32_t n = nic_le32(h->rx_ring_entries);
	for (uint32_t i = 0; i < n; i++)
		if (nic_le32(d[i].flags) & NIC_RX_DONE)
			d[i].flags = nic_le32(NIC_RX_OWNED_BY_NPU);
}

MOCK uint64_t hal_param(const char *name, uint64_t dflt)
{
	for (unsigned i = 0; i < n_params; i++)
		if (strcmp(params[i].name, name) == 0)
			return params[i].v;
	return dflt;
}

static void pool_reset(void)
{
	pool_n = 0;
	for (unsigned i = 0; i < POOL; i++)
		pool_free[pool_n++] = pool_mem[POOL - 1 - i];
	for (unsigned t = 0; t < HAL_MAX_THREADS; t++)
		for (unsigned b = 0; b < HAL_BUCKETS; b++)
			buckets[t][b].head = buckets[t][b].len = 0;
}

static uint8_t *pool_take(void)
{
	uint8_t *b = hal_pkt_alloc();
	if (!b)
		fail("harness pool empty");
	return b;
}

/* ---- frames ---- */

static uint32_t frame(uint8_t *buf, uint16_t sport, uint32_t seq, uint32_t len, uint8_t flags)
{
	struct netpkt_tcp h;
	memset(&h, 0, sizeof h);
	h.saddr = 0x0a000001;
	h.daddr = 0x0a000002;
	h.sport = sport;
	h.dport = 5001;
	h.seq = seq;
	h.ack = 1;
	h.flags = flags;
	h.window = 500;
	h.has_ts = 1;
	h.tsval = 7;
	h.tsecr = 9;
	h.wscale = 0xff;
	uint32_t off = netpkt_tcp_payload_offset(&h);
	for (uint32_t k = 0; k < len; k++)
		buf[off + k] = (uint8_t)(seq + k);
	return netpkt_build_tcp(buf, &h, buf + off, len);
}

#define F_SYN 0x02u
#define F_ACK 0x10u
#define F_FIN 0x01u
#define ISN 1000u
#define MAXF 4096u

/* A batch of frames prepared before a region. */
static uint8_t *fb[MAXF];
static uint32_t fl[MAXF];
static unsigned nf;

static void add(uint16_t sport, uint32_t seq, uint32_t len, uint8_t flags)
{
	if (nf == MAXF)
		fail("too many frames");
	fb[nf] = pool_take();
	fl[nf] = frame(fb[nf], sport, seq, len, flags);
	nf++;
}

/* ---- engine-level regions (firmware/lro.c, csum.c) ---- */

static uint8_t eng_mem[4u << 20] __attribute__((aligned(64)));
static struct lro_out out;

static struct lro_engine *engine(uint32_t threshold, bool ack, uint32_t buckets_n)
{
	struct lro_config c;
	lro_config_default(&c);
	c.threshold_bytes = threshold;
	c.active_ack = ack;
	c.max_conns = 64;
	c.table_buckets = buckets_n;
	if (lro_engine_bytes(&c) > sizeof eng_mem)
		fail("engine memory");
	pool_reset();
	nf = 0;
	return lro_engine_init(eng_mem, &c);
}

/* Feed frames [from, nf) without a region (set-up). */
static void feed(struct lro_engine *e, unsigned from)
{
	for (unsigned i = from; i < nf; i++)
		lro_input(e, fb[i], fl[i], i * 1000u, &out);
}

typedef void input_fn(struct lro_engine *, uint8_t *, uint32_t, uint64_t, struct lro_out *);

static void run(const char *name, unsigned param, struct lro_engine *e, unsigned from,
		input_fn *fn)
{
	region_begin(name, param);
	for (unsigned i = from; i < nf; i++)
		fn(e, fb[i], fl[i], i * 1000u, &out);
	region_end();
}

/* n frames of a flow nobody opened, payload len. */
static void r_unknown(const char *name, unsigned n, uint32_t len, input_fn *fn)
{
	struct lro_engine *e = engine(65536, true, 256);
	for (unsigned i = 0; i < n; i++)
		add(40000, ISN + 1 + i * len, len, F_ACK);
	run(name, n, e, 0, fn);
}

/* n pure ACKs of the flow at chain position pos (one bucket). */
static void r_chain(unsigned n, unsigned pos)
{
	struct lro_engine *e = engine(65536, true, 1);
	for (unsigned f = 0; f < pos; f++)   /* the last opened is first in the chain */
		add((uint16_t)(40000 + f), ISN, 0, F_SYN);
	feed(e, 0);
	unsigned from = nf;
	for (unsigned i = 0; i < n; i++)
		add(40000, ISN + 1, 0, F_ACK);
	run("chain", pos, e, from, lro_input);
}

/* n in-order segments of len bytes, none delivered (threshold above). */
static void r_append(const char *name, unsigned n, uint32_t len, bool ack)
{
	struct lro_engine *e = engine(1u << 20, ack, 256);
	add(40000, ISN, 0, F_SYN);
	feed(e, 0);
	unsigned from = nf;
	for (unsigned i = 0; i < n; i++)
		add(40000, ISN + 1 + i * len, len, F_ACK);
	run(name, n, e, from, lro_input);
}

/* n in-order segments of 1448 bytes delivered segs at a time. */
static void r_deliver(unsigned segs, unsigned n)
{
	struct lro_engine *e = engine(segs * 1448u, false, 256);
	add(40000, ISN, 0, F_SYN);
	feed(e, 0);
	unsigned from = nf;
	for (unsigned i = 0; i < n; i++)
		add(40000, ISN + 1 + i * 1448u, 1448, F_ACK);
	run("deliver", segs * 1000u + n, e, from, lro_input);
	if (lro_engine_counters(e)->deliveries != n / segs)
		fail("deliver: wrong number of deliveries");
}

/* One segment inserted out of order into each of m flows, each holding
 * 16 segments past a gap; the insert walks `steps` of them. */
static void r_insert(unsigned m, unsigned steps)
{
	struct lro_engine *e = engine(65536, false, 256);
	for (unsigned f = 0; f < m; f++) {
		uint16_t sport = (uint16_t)(40000 + f);
		add(sport, ISN, 0, F_SYN);
		for (unsigned k = 1; k <= 16; k++)   /* 100 bytes at every 1000, a gap first */
			add(sport, ISN + 1 + k * 1000u, 100, F_ACK);
	}
	feed(e, 0);
	unsigned from = nf;
	for (unsigned f = 0; f < m; f++)     /* lands after held segment `steps` */
		add((uint16_t)(40000 + f), ISN + 1 + steps * 1000u + 500u, 100, F_ACK);
	run("insert", steps, e, from, lro_input);
	if (lro_held_segments(e) != m * 17u)
		fail("insert: segments not held");
}

/* n connections opened by a SYN and closed by a FIN, one after another. */
static void r_conn(unsigned n)
{
	struct lro_engine *e = engine(65536, false, 256);
	for (unsigned f = 0; f < n; f++) {
		add((uint16_t)(40000 + f), ISN, 0, F_SYN);
		add((uint16_t)(40000 + f), ISN + 1, 0, F_FIN | F_ACK);
	}
	run("conn", n, e, 0, lro_input);
	if (lro_engine_counters(e)->conns_closed != n)
		fail("conn: connections not closed");
}

/* ---- thread-level regions (firmware/threads.c, dma_lb.c) ---- */

static uint8_t *fw;
static size_t fw_bytes;

static void fw_boot(uint32_t conns, uint32_t threshold, bool ack, bool lb)
{
	pool_reset();
	nf = 0;
	n_params = 0;
	set_param("lro.conns", conns);
	set_param("lro.threshold", threshold);
	set_param("lro.active_ack", ack);
	set_param("dma.lb", lb);
	cycles = 0;
	size_t bytes = fw_state_bytes();
	/* fresh zeroed pages, aligned as the state wants (a memset would
	 * fill the trace) */
	if (fw)
		munmap(fw, fw_bytes);
	fw_bytes = bytes;
	fw = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (fw == MAP_FAILED)
		fail("no memory for the firmware state");
	fw_init(fw);
	/* the driver hands every descriptor to the NPU */
	struct nic_shm_header *h = (struct nic_shm_header *)(void *)shm;
	for (unsigned r = 0; r < nic_le32(h->rx_rings); r++) {
		struct nic_rx_desc *d = (struct nic_rx_desc *)(void *)(shm + nic_le64(h->rx_ring_offset[r]));
		for (uint32_t i = 0; i < nic_le32(h->rx_ring_entries); i++) {
			d[i].buf_addr = nic_le64(0x100000000ull + (uint64_t)i * 0x20000u);
			d[i].buf_len = nic_le32(0x11000);
			d[i].flags = nic_le32(NIC_RX_OWNED_BY_NPU);
		}
	}
}

/* Run thread t until it would wait; inside a region when name is set. */
static void thread(unsigned t, const char *name, unsigned param)
{
	current = t;
	if (name)
		region_begin(name, param);
	if (!setjmp(escape))
		fw_thread_main(fw, t);
	region_open = 0;
}

static void queue_frames(unsigned t, unsigned from)
{
	for (unsigned i = from; i < nf; i++) {
		struct hal_msg m = { .code = HAL_MSG_RX_FRAME, .words = 2 };
		m.w[0] = hal_addr_of(fb[i]);
		m.w[1] = fl[i];
		current = 99;
		push(t, HAL_BUCKET_DATA, &m);
	}
}

/* rx thread 0: n in-order segments of one flow, as the engine's r_append,
 * or delivered segs at a time (segs 0: never). */
static void r_rx(const char *name, unsigned n, bool ack, unsigned segs)
{
	fw_boot(64, segs ? segs * 1448u : 1u << 20, ack, false);
	add(40000, ISN, 0, F_SYN);
	queue_frames(0, 0);
	thread(0, NULL, 0);                  /* the SYN goes to the host */
	unsigned from = nf;
	for (unsigned i = 0; i < n; i++)
		add(40000, ISN + 1 + i * 1448u, 1448, F_ACK);
	queue_frames(0, from);
	thread(0, name, segs * 1000u + n);
}

/* The balancer: n DMA requests from rx threads in turn queued and
 * forwarded (no timeout scan: the clock stays below the period). */
static void r_balancer(unsigned n)
{
	fw_boot(64, 65536, true, true);
	unsigned lbt = FW_MAX_RX + 1;       /* the timeout + balancing thread */
	current = 0;
	for (unsigned i = 0; i < n; i++) {
		struct hal_msg m = { .code = HAL_MSG_DMA_LB, .words = 4 };
		unsigned from = i % FW_MAX_RX;
		m.w[0] = 0x1000;
		m.w[1] = 0x2000;
		m.w[2] = 1448u | (uint64_t)from << 32;
		m.w[3] = i;
		push(lbt, HAL_BUCKET_DATA, &m);
	}
	cycles = 10;
	thread(lbt, "balancer", n);
	if (buckets[0][HAL_BUCKET_COMPLETION].len == 0 || dma_sent < n)
		fail("balancer: requests not forwarded");
}

/* One timeout scan over every rx thread's `conns` descriptors, none
 * timed out. */
static void r_scan(unsigned conns)
{
	fw_boot(conns, 65536, true, true);
	cycles = 1000000;                   /* past the period: a scan is due */
	thread(FW_MAX_RX + 1, "scan", conns);
}

int main(void)
{
	/* regions in pairs: the parser takes slopes between the two */
	r_unknown("unknown200", 100, 200, lro_input);
	r_unknown("unknown200", 200, 200, lro_input);
	r_unknown("unknown1448", 100, 1448, lro_input);
	r_unknown("unknown1448", 200, 1448, lro_input);
	r_chain(100, 1);
	r_chain(100, 5);
	r_append("append", 20, 1448, false);
	r_append("append", 40, 1448, false);
	r_append("append_ack", 20, 1448, true);
	r_append("append_ack", 40, 1448, true);
	r_insert(50, 2);
	r_insert(50, 14);
	r_deliver(4, 180);
	r_deliver(36, 180);
	r_conn(50);
	r_conn(100);
	r_rx("rx", 20, false, 0);
	r_rx("rx", 40, false, 0);
	r_rx("rx_ack", 20, true, 0);
	r_rx("rx_ack", 40, true, 0);
	r_rx("rx_deliver", 180, false, 36);
	r_rx("rx_deliver", 180, false, 4);
	r_balancer(26);
	r_balancer(52);
	r_scan(16);
	r_scan(64);
	printf("done\n");
	return 0;
}
