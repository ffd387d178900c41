/* tests/test_npu.c - the XLS416 model with small test programs in place of
 * the firmware: core sharing, DRAM stalls, DMA stack and FIFO order, the
 * starvation of an old request, FMN credit back-pressure, the probes. */
#include <check.h>
#include <string.h>

#include "host/netpkt.h"
#include "model/npu.h"

/* What the test program does; filled per test. */
enum scene { SCENE_COMPUTE, SCENE_MEMORY, SCENE_DMA_ORDER, SCENE_STARVE, SCENE_CREDITS,
	     SCENE_PDE, SCENE_RESERVE, SCENE_FETCH };

#define PDE_FLOWS 64
#define PDE_FRAMES_PER_FLOW 4

struct prog_state {
	enum scene scene;
	unsigned n_compute;            /* SCENE_COMPUTE: threads 0..n-1 compute */
	uint64_t cycles;
	sim_time done_ps[NPU_THREADS];
	hal_bus_addr dst;
	uint8_t src[4096];
	uint64_t order[64];            /* completion order (cookies) */
	unsigned n_done;
	unsigned flood;                /* SCENE_STARVE: requests thread 4 sends */
	sim_time a_done_ps;
	sim_time sent_ps[32];          /* SCENE_CREDITS: when each send returned */
	enum pde_policy pde;           /* SCENE_PDE */
	int flow_thread[PDE_FLOWS];    /* thread that got the flow's first frame */
	unsigned flow_frames[PDE_FLOWS][NPU_THREADS]; /* frames per flow and thread */
	unsigned pde_frames;
	double tx_reserve;             /* SCENE_RESERVE: npu_config.tx_reserve */
	unsigned tx_allocs;            /* SCENE_RESERVE: buffers thread 13 got */
	uint8_t fetched[2048];         /* SCENE_FETCH: where the host's bytes land */
	uint64_t host_reads, host_read_bytes;   /* the PCIe model's counters */
	int a_is_syn;                  /* SCENE_STARVE: A's bytes are a TCP SYN */
	uint8_t syn_frame[128];
	struct dma_syn_stats syn;      /* the engine's SYN figures at the end */
	/* what the probes saw (npu_set_probes), and the engine's own figures */
	unsigned probe_requests, probe_depth_calls, probe_states[NPU_THREADS];
	uint32_t probe_depth_max, probe_depth_last;
	uint64_t dma_requests;
	uint32_t dma_max_depth;
};

static struct prog_state *P;
static sim *S;

static size_t state_bytes(void) { return 8; }
static void init(void *state) { (void)state; }

static void send_dma_reply(uint64_t cookie, uint32_t len, unsigned reply)
{
	struct hal_msg m = { .code = HAL_MSG_DMA_REQ, .words = 4 };
	m.w[0] = hal_addr_of(P->src);
	m.w[1] = P->dst;
	m.w[2] = (uint64_t)len | (uint64_t)hal_station_of_thread(reply) << 32;
	m.w[3] = cookie;
	hal_fmn_send(hal_station_dma(), &m);
}

static void send_dma(uint64_t cookie, uint32_t len)
{
	send_dma_reply(cookie, len, hal_thread_id());
}

static void thread_main(void *state, unsigned id)
{
	(void)state;
	switch (P->scene) {
	case SCENE_COMPUTE:
		if (id < P->n_compute) {
			hal_cost(HAL_COST_PARSE, (uint32_t)P->cycles);   /* 1 cycle each */
			(void)hal_cycles();                              /* pay */
			P->done_ps[id] = sim_now(S);
		}
		break;
	case SCENE_MEMORY:
		if (id == 0) {
			hal_mem(10);
			(void)hal_cycles();
			P->done_ps[0] = sim_now(S);
		} else if (id == 1) {
			hal_cost(HAL_COST_PARSE, 1000);
			(void)hal_cycles();
			P->done_ps[1] = sim_now(S);
		}
		break;
	case SCENE_DMA_ORDER:
		if (id == 0) {
			for (uint64_t i = 0; i < 6; i++)
				send_dma(i, 4096);
			for (int i = 0; i < 6; i++) {
				struct hal_msg m;
				hal_fmn_recv(&m);
				P->order[P->n_done++] = m.w[0];
			}
		}
		break;
	case SCENE_STARVE:
		if (id == 0) {
			hal_wait_cycles(100);          /* A: while the engine is busy */
			if (P->a_is_syn) {
				struct netpkt_tcp h;
				memset(&h, 0, sizeof h);
				h.flags = NETPKT_TCP_SYN;
				h.wscale = 0xff;
				uint32_t len = netpkt_build_tcp(P->syn_frame, &h, NULL, 0);
				struct hal_msg m = { .code = HAL_MSG_DMA_REQ, .words = 4 };
				m.w[0] = hal_addr_of(P->syn_frame);
				m.w[1] = P->dst;
				m.w[2] = (uint64_t)len | (uint64_t)hal_station_of_thread(0) << 32;
				m.w[3] = 1000;
				hal_fmn_send(hal_station_dma(), &m);
			} else {
				send_dma(1000, 1024);
			}
			struct hal_msg m;
			hal_fmn_recv(&m);
			P->a_done_ps = sim_now(S);
		} else if (id == 4 || id == 8 || id == 12) {
			/* three other cores flood the engine right after A, as fast
			 * as their FMN credits allow: the stack fills on top of A,
			 * and every request the engine takes frees a credit whose
			 * newer request lands on top again */
			unsigned i = 0;
			if (id == 4)
				send_dma_reply(i++, 1024, 5);  /* keeps the engine busy */
			hal_wait_cycles(200);
			for (; i < P->flood / 3; i++)
				send_dma_reply(i, 1024, 5);
		} else if (id == 5) {
			for (unsigned i = 0; i < P->flood / 3 * 3; i++) {
				struct hal_msg m;
				hal_fmn_recv(&m);
			}
		}
		break;
	case SCENE_PDE:
		if (id < 13) {
			for (;;) {
				struct hal_msg m;
				hal_fmn_recv(&m);
				uint8_t *b = hal_ptr_of(m.w[0]);
				unsigned flow = (unsigned)(b[14 + 20] << 8 | b[14 + 21]) - 10000u;
				if (flow < PDE_FLOWS) {
					P->flow_frames[flow][id]++;
					P->pde_frames++;
				}
				hal_pkt_free(b);
			}
		}
		break;
	case SCENE_RESERVE:
		if (id < 13) {
			for (;;) {             /* take frames, keep their buffers */
				struct hal_msg m;
				hal_fmn_recv(&m);
				P->pde_frames++;
			}
		} else if (id == 13) {
			hal_wait_cycles(1000000);  /* 1 ms: the frames are in */
			while (hal_pkt_alloc())
				P->tx_allocs++;
		}
		break;
	case SCENE_FETCH:
		if (id == 13) {
			struct hal_msg m = { .code = HAL_MSG_DMA_REQ, .words = 4 };
			m.w[0] = hal_addr_of(P->fetched);
			m.w[1] = P->dst;
			m.w[2] = 1500u | (uint64_t)hal_station_of_thread(13) << 32 |
				 HAL_DMA_FROM_HOST;
			m.w[3] = 77;
			hal_fmn_send(hal_station_dma(), &m);
			struct hal_msg done;
			hal_fmn_recv(&done);
			P->order[P->n_done++] = done.w[0];
			P->a_done_ps = sim_now(S);
		}
		break;
	case SCENE_CREDITS:
		if (id == 0) {
			/* 20 requests: the core holds 16 credits, so the 17th blocks
			 * until the engine takes one */
			for (uint64_t i = 0; i < 20; i++) {
				send_dma(i, 4096);
				P->sent_ps[i] = sim_now(S);
			}
			P->n_done = 20;
		}
		break;
	}
}

static const struct npu_program prog = { state_bytes, init, thread_main };

/* PDE_FLOWS TCP flows (source ports 10000..), PDE_FRAMES_PER_FLOW frames
 * each, interleaved, onto the fiber towards the NPU. */
static void send_flows(struct link *l, struct frame_pool *pool)
{
	uint8_t payload[64] = { 0 };
	for (unsigned k = 0; k < PDE_FRAMES_PER_FLOW; k++)
		for (unsigned flow = 0; flow < PDE_FLOWS; flow++) {
			struct netpkt_tcp h;
			memset(&h, 0, sizeof h);
			h.saddr = 0x0a000001;
			h.daddr = 0x0a000002;
			h.sport = (uint16_t)(10000 + flow);
			h.dport = 5001;
			h.seq = 1 + k * sizeof payload;
			h.flags = NETPKT_TCP_ACK;
			h.window = 1000;
			h.wscale = 0xff;
			struct frame *f = frame_alloc(pool);
			f->len = netpkt_build_tcp(f->data, &h, payload, sizeof payload);
			ck_assert_int_eq(link_transmit(l, LINK_CLIENT, f), 0);
		}
}

static void probe_request(void *ctx, const struct dma_trace_rec *r)
{
	struct prog_state *ps = ctx;
	ck_assert_uint_lt(r->start_ps, SIM_TIME_MAX);
	ps->probe_requests++;
}

static void probe_depth(void *ctx, sim_time t, uint32_t depth)
{
	(void)t;
	struct prog_state *ps = ctx;
	ps->probe_depth_calls++;
	ps->probe_depth_last = depth;
	if (depth > ps->probe_depth_max)
		ps->probe_depth_max = depth;
}

static void probe_state(void *ctx, unsigned thread, enum npu_thread_state st, sim_time t)
{
	(void)st;
	(void)t;
	struct prog_state *ps = ctx;
	ps->probe_states[thread]++;
}

static sim_time run_scene(struct prog_state *ps, enum dma_buffer_kind buf)
{
	P = ps;
	S = sim_create(1);
	struct frame_pool *pool = frame_pool_create();
	struct link_config lc;
	link_config_default(&lc);
	struct link *l = link_create(S, pool, &lc);
	struct pcie_config pc;
	pcie_config_default(&pc);
	pc.host_mem_bytes = 1 << 20;
	struct pcie *p = pcie_create(S, &pc);
	ps->dst = pcie_host_alloc(p, 4096, 4096);
	if (ps->scene == SCENE_FETCH)
		for (unsigned i = 0; i < 1500; i++)
			pcie_host_ptr(p, ps->dst, 4096)[i] = (uint8_t)(i * 7u + 3u);
	struct npu_config c;
	npu_config_default(&c);
	c.cost_cycles[HAL_COST_PARSE] = 1;
	c.dma_buffer = buf;
	c.pkt_buffers = 64;
	c.pde = ps->pde;
	c.tx_reserve = ps->tx_reserve;
	struct npu *n = npu_create(S, pool, l, p, &c, &prog, NULL, 0);
	struct npu_probes probes = { .ctx = ps, .thread_state = probe_state,
				     .dma_depth = probe_depth, .dma_request = probe_request };
	npu_set_probes(n, &probes);
	if (ps->scene == SCENE_PDE || ps->scene == SCENE_RESERVE)
		send_flows(l, pool);
	sim_run_until(S, sim_s(1));
	sim_time end = sim_now(S);
	ps->host_reads = pcie_stats(p)->dma_reads;
	ps->host_read_bytes = pcie_stats(p)->dma_read_bytes;
	npu_finish(n);
	ps->syn = npu_dma_stats(n)->syn;
	ps->dma_requests = npu_dma_stats(n)->requests;
	ps->dma_max_depth = npu_dma_stats(n)->max_depth;
	npu_destroy(n);
	pcie_destroy(p);
	link_destroy(l);
	sim_destroy(S);
	frame_pool_destroy(pool);
	return end;
}

START_TEST(ready_threads_share_the_core_equally)
{
	static struct prog_state ps;
	for (unsigned k = 1; k <= 4; k *= 2) {
		memset(&ps, 0, sizeof ps);
		ps.scene = SCENE_COMPUTE;
		ps.n_compute = k;
		ps.cycles = 10000;
		run_scene(&ps, DMA_BUFFER_STACK);
		/* k threads of 10,000 cycles on one single-issue core at 1 GHz:
		 * each ends at k x 10 us */
		for (unsigned t = 0; t < k; t++)
			ck_assert_uint_eq(ps.done_ps[t], sim_us(10) * k);
	}
}
END_TEST

START_TEST(a_memory_stall_leaves_the_core_to_others)
{
	static struct prog_state ps;
	memset(&ps, 0, sizeof ps);
	ps.scene = SCENE_MEMORY;
	run_scene(&ps, DMA_BUFFER_STACK);
	/* 10 DRAM misses of 120 ns stall thread 0 only; thread 1's 1,000
	 * cycles run at full speed beside them */
	ck_assert_uint_eq(ps.done_ps[0], sim_ns(1200));
	ck_assert_uint_eq(ps.done_ps[1], sim_us(1));
}
END_TEST

START_TEST(the_dma_stack_serves_the_newest_request_first)
{
	static struct prog_state ps;
	memset(&ps, 0, sizeof ps);
	ps.scene = SCENE_DMA_ORDER;
	run_scene(&ps, DMA_BUFFER_STACK);
	ck_assert_uint_eq(ps.n_done, 6);
	/* all six land in the buffer together (one FMN hop after the sends):
	 * they leave newest first */
	const uint64_t lifo[6] = { 5, 4, 3, 2, 1, 0 };
	for (int i = 0; i < 6; i++)
		ck_assert_uint_eq(ps.order[i], lifo[i]);
	memset(&ps, 0, sizeof ps);
	ps.scene = SCENE_DMA_ORDER;
	run_scene(&ps, DMA_BUFFER_FIFO);
	for (int i = 0; i < 6; i++)
		ck_assert_uint_eq(ps.order[i], (uint64_t)i);
}
END_TEST

START_TEST(an_old_request_starves_in_the_stack_while_new_ones_arrive)
{
	static struct prog_state ps;
	memset(&ps, 0, sizeof ps);
	ps.scene = SCENE_STARVE;
	ps.flood = 500;
	run_scene(&ps, DMA_BUFFER_STACK);
	sim_time stack_wait = ps.a_done_ps;
	memset(&ps, 0, sizeof ps);
	ps.scene = SCENE_STARVE;
	ps.flood = 500;
	run_scene(&ps, DMA_BUFFER_FIFO);
	sim_time fifo_wait = ps.a_done_ps;
	/* FIFO: A is served second (a few us). Stack: only when the flood
	 * of ~500 requests of ~1.3 us each has ended */
	ck_assert_uint_lt(fifo_wait, sim_us(5));
	ck_assert_uint_gt(stack_wait, sim_us(500));
}
END_TEST

START_TEST(the_engine_counts_who_overtakes_a_syn_request)
{
	static struct prog_state ps;
	for (int k = 0; k < 2; k++) {
		enum dma_buffer_kind buf = k ? DMA_BUFFER_FIFO : DMA_BUFFER_STACK;
		memset(&ps, 0, sizeof ps);
		ps.scene = SCENE_STARVE;
		ps.flood = 500;
		ps.a_is_syn = 1;
		run_scene(&ps, buf);
		ck_assert_uint_eq(ps.syn.requests, 1);
		ck_assert_uint_eq(ps.syn.never_served, 0);
		ck_assert_uint_eq(ps.syn.wait_max_requester, hal_station_of_thread(0));
		if (buf == DMA_BUFFER_FIFO) {
			ck_assert_uint_eq(ps.syn.overtaken_max, 0);
			ck_assert_uint_lt(ps.syn.wait_max_ps, sim_us(5));
		} else {
			/* nearly the whole flood of 498 lands on top of it */
			ck_assert_uint_gt(ps.syn.overtaken_max, 450);
			ck_assert_uint_le(ps.syn.overtaken_max, 498);
			ck_assert_uint_gt(ps.syn.wait_max_ps, sim_us(500));
		}
	}
	/* the other requests carry no SYN */
	memset(&ps, 0, sizeof ps);
	ps.scene = SCENE_STARVE;
	ps.flood = 500;
	run_scene(&ps, DMA_BUFFER_STACK);
	ck_assert_uint_eq(ps.syn.requests, 0);
	ck_assert_uint_eq(ps.syn.overtaken_max, 0);
}
END_TEST

START_TEST(a_sender_without_credit_blocks_until_the_engine_takes_one)
{
	static struct prog_state ps;
	memset(&ps, 0, sizeof ps);
	ps.scene = SCENE_CREDITS;
	run_scene(&ps, DMA_BUFFER_FIFO);
	ck_assert_uint_eq(ps.n_done, 20);
	/* the core's 16 credits: sends 0..15 return at once; the 17th waits
	 * until the engine takes the first (one FMN hop later), the 18th until
	 * it takes the second, after serving the first 4 KB (~5 us) */
	ck_assert_uint_eq(ps.sent_ps[15], 0);
	ck_assert_uint_eq(ps.sent_ps[16], sim_ns(30));
	ck_assert_uint_gt(ps.sent_ps[17], sim_us(4));
}
END_TEST

START_TEST(the_pde_keeps_a_flow_on_one_thread_and_spreads_flows_by_hash)
{
	static struct prog_state ps;
	memset(&ps, 0, sizeof ps);
	ps.scene = SCENE_PDE;
	ps.pde = PDE_HASH;
	run_scene(&ps, DMA_BUFFER_STACK);
	ck_assert_uint_eq(ps.pde_frames, PDE_FLOWS * PDE_FRAMES_PER_FLOW);
	unsigned per_thread[NPU_THREADS] = { 0 };
	for (unsigned flow = 0; flow < PDE_FLOWS; flow++) {
		unsigned threads = 0, home = 0;
		for (unsigned t = 0; t < NPU_THREADS; t++)
			if (ps.flow_frames[flow][t]) {
				threads++;
				home = t;
			}
		ck_assert_uint_eq(threads, 1);            /* every frame on one thread */
		ck_assert_uint_lt(home, 13);              /* an rx thread */
		per_thread[home]++;
	}
	/* 64 flows over 13 threads as a uniform hash spreads them: Pearson's
	 * chi-square with 12 degrees of freedom below its 0.1 % point (32.9),
	 * and no thread with more than a quarter of the flows */
	double expect = (double)PDE_FLOWS / 13.0, chi2 = 0;
	for (unsigned t = 0; t < 13; t++) {
		chi2 += (per_thread[t] - expect) * (per_thread[t] - expect) / expect;
		ck_assert_uint_le(per_thread[t], PDE_FLOWS / 4);
	}
	ck_assert_double_lt(chi2, 32.9);
}
END_TEST

START_TEST(round_robin_pde_deals_frames_out_in_turn)
{
	static struct prog_state ps;
	memset(&ps, 0, sizeof ps);
	ps.scene = SCENE_PDE;
	ps.pde = PDE_ROUND_ROBIN;
	run_scene(&ps, DMA_BUFFER_STACK);
	ck_assert_uint_eq(ps.pde_frames, PDE_FLOWS * PDE_FRAMES_PER_FLOW);
	/* frame i goes to thread i mod 13: flow f's k-th frame is frame
	 * k*64+f; and every rx thread gets its share (256/13: 19 or 20) */
	unsigned per_thread[NPU_THREADS] = { 0 };
	for (unsigned k = 0; k < PDE_FRAMES_PER_FLOW; k++)
		for (unsigned flow = 0; flow < PDE_FLOWS; flow++)
			ck_assert_uint_ge(ps.flow_frames[flow][(k * PDE_FLOWS + flow) % 13], 1);
	for (unsigned flow = 0; flow < PDE_FLOWS; flow++)
		for (unsigned t = 0; t < NPU_THREADS; t++)
			per_thread[t] += ps.flow_frames[flow][t];
	for (unsigned t = 0; t < 13; t++)
		ck_assert(per_thread[t] == 19 || per_thread[t] == 20);
}
END_TEST

START_TEST(the_mac_leaves_the_transmit_reserve_to_the_firmware)
{
	static struct prog_state ps;
	memset(&ps, 0, sizeof ps);
	ps.scene = SCENE_RESERVE;
	ps.pde = PDE_HASH;
	ps.tx_reserve = 0.25;
	run_scene(&ps, DMA_BUFFER_STACK);
	/* 256 frames arrive and nothing is freed: the MAC fills 48 of the 64
	 * buffers and stops; the firmware can still take the other 16 */
	ck_assert_uint_eq(ps.pde_frames, 48);
	ck_assert_uint_eq(ps.tx_allocs, 16);
	memset(&ps, 0, sizeof ps);
	ps.scene = SCENE_RESERVE;
	ps.pde = PDE_HASH;
	run_scene(&ps, DMA_BUFFER_STACK);
	ck_assert_uint_eq(ps.pde_frames, 64);      /* no reserve: the MAC takes all */
	ck_assert_uint_eq(ps.tx_allocs, 0);
}
END_TEST

START_TEST(a_fetch_from_host_memory_copies_the_bytes_after_the_read_round_trip)
{
	static struct prog_state ps;
	memset(&ps, 0, sizeof ps);
	ps.scene = SCENE_FETCH;
	run_scene(&ps, DMA_BUFFER_STACK);
	ck_assert_uint_eq(ps.n_done, 1);
	ck_assert_uint_eq(ps.order[0], 77);        /* the cookie comes back */
	for (unsigned i = 0; i < 1500; i++)
		ck_assert_uint_eq(ps.fetched[i], (uint8_t)(i * 7u + 3u));
	ck_assert_uint_eq(ps.host_reads, 1);
	ck_assert_uint_eq(ps.host_read_bytes, 1500);
	/* the request's overhead (100 ns), the non-posted round trip (900 ns)
	 * and 1500 bytes in 12 completions of 128 (~1.6 us at Gen1 x4) */
	ck_assert_uint_gt(ps.a_done_ps, sim_ns(100 + 900 + 1500));
	ck_assert_uint_lt(ps.a_done_ps, sim_us(4));
}
END_TEST

START_TEST(the_probes_see_every_request_and_every_depth_change)
{
	static struct prog_state ps;
	memset(&ps, 0, sizeof ps);
	ps.scene = SCENE_DMA_ORDER;
	run_scene(&ps, DMA_BUFFER_STACK);
	ck_assert_uint_eq(ps.dma_requests, 6);
	ck_assert_uint_eq(ps.probe_requests, 6);
	/* six pushes and six pops, the deepest as the engine counted it */
	ck_assert_uint_eq(ps.probe_depth_calls, 12);
	ck_assert_uint_eq(ps.probe_depth_max, ps.dma_max_depth);
	ck_assert_uint_eq(ps.probe_depth_last, 0);
	/* thread 0 waited for its completions, and each wait ended running
	 * again; thread 5 had nothing to do */
	ck_assert_uint_gt(ps.probe_states[0], 0);
	ck_assert_uint_eq(ps.probe_states[0] % 2, 0);
	ck_assert_uint_eq(ps.probe_states[5], 0);
}
END_TEST

Suite *npu_suite(void)
{
	Suite *s = suite_create("npu");
	TCase *tc = tcase_create("model");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, ready_threads_share_the_core_equally);
	tcase_add_test(tc, a_memory_stall_leaves_the_core_to_others);
	tcase_add_test(tc, the_dma_stack_serves_the_newest_request_first);
	tcase_add_test(tc, an_old_request_starves_in_the_stack_while_new_ones_arrive);
	tcase_add_test(tc, the_engine_counts_who_overtakes_a_syn_request);
	tcase_add_test(tc, a_sender_without_credit_blocks_until_the_engine_takes_one);
	tcase_add_test(tc, the_pde_keeps_a_flow_on_one_thread_and_spreads_flows_by_hash);
	tcase_add_test(tc, round_robin_pde_deals_frames_out_in_turn);
	tcase_add_test(tc, the_mac_leaves_the_transmit_reserve_to_the_firmware);
	tcase_add_test(tc, a_fetch_from_host_memory_copies_the_bytes_after_the_read_round_trip);
	tcase_add_test(tc, the_probes_see_every_request_and_every_depth_change);
	suite_add_tcase(s, tc);
	return s;
}
