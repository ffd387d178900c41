/* tests/test_model.c - the wire and PCIe models against their formulas,
 * fault injection accounting, and the NPU's packet pool and FMN on their
 * own, through their headers. */
#include <check.h>
#include <math.h>
#include <string.h>

#include "model/faults.h"
#include "model/fmn.h"
#include "model/hostmem.h"
#include "model/link.h"
#include "model/pcie.h"
#include "model/pkt_pool.h"

static uint64_t delivered;
static sim_time last_arrival;

static void count_rx(void *ctx, struct frame *f)
{
	struct frame_pool *pool = ctx;
	delivered++;
	last_arrival = 0;
	frame_free(pool, f);
}

/* Frames per second at line rate: 10e9 / ((len + 24) * 8). */
static double frame_rate(uint32_t len, uint32_t n)
{
	sim *s = sim_create(1);
	struct frame_pool *pool = frame_pool_create();
	struct link_config c;
	link_config_default(&c);
	c.tx_queue_frames = n;
	struct link *l = link_create(s, pool, &c);
	link_attach(l, LINK_NPU, count_rx, pool);
	delivered = 0;
	for (uint32_t i = 0; i < n; i++) {
		struct frame *f = frame_alloc(pool);
		f->len = len;
		ck_assert_int_eq(link_transmit(l, LINK_CLIENT, f), 0);
	}
	sim_run_until(s, SIM_TIME_MAX);
	ck_assert_uint_eq(delivered, n);
	const struct link_dir_stats *st = link_stats(l, LINK_CLIENT);
	double rate = (double)n / sim_time_to_seconds(st->busy_ps);
	ck_assert_uint_eq(frame_pool_outstanding(pool), 0);
	link_destroy(l);
	frame_pool_destroy(pool);
	sim_destroy(s);
	return rate;
}

START_TEST(link_gives_line_rate_frame_rates)
{
	/* 1518 B frames (1514 B held + 4 B FCS): 812,744 frames/s; 64 B
	 * frames (60 + FCS): 14,880,952 */
	ck_assert_double_eq_tol(frame_rate(1514, 10000), 812743.8, 1.0);
	ck_assert_double_eq_tol(frame_rate(60, 10000), 14880952.4, 10.0);
}
END_TEST

START_TEST(link_queue_overflow_is_counted)
{
	sim *s = sim_create(1);
	struct frame_pool *pool = frame_pool_create();
	struct link_config c;
	link_config_default(&c);
	c.tx_queue_frames = 4;
	struct link *l = link_create(s, pool, &c);
	link_attach(l, LINK_NPU, count_rx, pool);
	delivered = 0;
	for (int i = 0; i < 6; i++) {
		struct frame *f = frame_alloc(pool);
		f->len = 100;
		link_transmit(l, LINK_CLIENT, f);
	}
	sim_run_until(s, SIM_TIME_MAX);
	ck_assert_uint_eq(delivered, 4);
	ck_assert_uint_eq(link_stats(l, LINK_CLIENT)->drop_tx_queue_full, 2);
	link_destroy(l);
	frame_pool_destroy(pool);
	sim_destroy(s);
}
END_TEST

/* calibration-facts.md: MPS 128 -> 84.2% (24 B) / 86.5% (20 B); MPS 256 ->
 * 91.4% / 92.8% of 1000 MB/s, before DLLPs. */
START_TEST(pcie_effective_bandwidth_matches_the_tlp_formula)
{
	sim *s = sim_create(1);
	struct pcie_config c;
	pcie_config_default(&c);
	c.dllp_overhead = 0;
	c.host_mem_bytes = 1 << 20;
	struct {
		uint32_t mps, hdr;
		double eff;
	} cases[] = { { 128, 24, 128.0 / 152 }, { 128, 20, 128.0 / 148 },
		      { 256, 24, 256.0 / 280 }, { 256, 20, 256.0 / 276 } };
	for (int i = 0; i < 4; i++) {
		c.max_payload = cases[i].mps;
		c.tlp_overhead = cases[i].hdr;
		struct pcie *p = pcie_create(s, &c);
		double bps = pcie_effective_bps(p, 64 * 1024);
		ck_assert_double_eq_tol(bps / 8e9, cases[i].eff, cases[i].eff * 0.01);
		pcie_destroy(p);
	}
	sim_destroy(s);
}
END_TEST

static int writes_done;
static void write_done(void *ctx)
{
	(void)ctx;
	writes_done++;
}

START_TEST(pcie_writes_land_in_host_memory_in_order_at_link_speed)
{
	sim *s = sim_create(1);
	struct pcie_config c;
	pcie_config_default(&c);
	c.host_mem_bytes = 1 << 20;
	struct pcie *p = pcie_create(s, &c);
	hal_bus_addr a = pcie_host_alloc(p, 65536, 4096);
	ck_assert_uint_ne(a, 0);
	ck_assert_uint_eq(a % 4096, 0);
	static uint8_t src[65536];
	for (size_t i = 0; i < sizeof src; i++)
		src[i] = (uint8_t)(i * 7);
	writes_done = 0;
	pcie_dma_write(p, a, src, 32768, write_done, NULL);
	pcie_dma_write(p, a + 32768, src + 32768, 32768, write_done, NULL);
	sim_run_until(s, SIM_TIME_MAX);
	ck_assert_int_eq(writes_done, 2);
	ck_assert_int_eq(memcmp(pcie_host_ptr(p, a, 65536), src, 65536), 0);
	/* 64 KB at the effective rate, plus one write latency */
	double expect = 65536 * 8 / pcie_effective_bps(p, 32768) + 250e-9;
	ck_assert_double_eq_tol(sim_time_to_seconds(sim_now(s)), expect, expect * 0.001);
	pcie_destroy(p);
	sim_destroy(s);
}
END_TEST

START_TEST(faults_account_for_every_injected_fault)
{
	struct frame_pool *pool = frame_pool_create();
	struct faults_dir d;
	struct faults_dir_config c;
	faults_dir_config_default(&c);
	c.loss = c.duplicate = c.reorder = c.corrupt = 0.05;
	c.link_down = 0.001;
	c.link_down_ps = sim_us(10);
	ck_assert_int_eq(faults_dir_init(&d, &c, 7, "test"), 0);
	uint64_t out_frames = 0;
	for (int i = 0; i < 20000; i++) {
		struct frame *f = frame_alloc(pool);
		f->len = 200;
		memset(f->data, 0, 200);
		struct frame *out[FAULTS_MAX_OUT];
		unsigned n = faults_on_arrival(&d, pool, f, sim_us((uint64_t)i), out);
		for (unsigned k = 0; k < n; k++) {
			out_frames++;
			frame_free(pool, out[k]);
		}
	}
	faults_dir_release(&d, pool);
	const struct faults_stats *st = &d.stats;
	/* every frame in is out once, or lost, and duplicates add one each */
	ck_assert_uint_eq(out_frames, 20000 - st->lost - st->link_down_dropped + st->duplicated);
	ck_assert_uint_gt(st->lost, 500);
	ck_assert_uint_gt(st->corrupted, 500);
	ck_assert_uint_gt(st->reordered, 500);
	ck_assert_uint_gt(st->link_down_intervals, 0);
	ck_assert_uint_eq(frame_pool_outstanding(pool), 0);
	/* bad rates are refused */
	c.loss = 1.5;
	ck_assert_int_eq(faults_dir_init(&d, &c, 7, "test"), -1);
	frame_pool_destroy(pool);
}
END_TEST

START_TEST(faults_are_deterministic_per_seed)
{
	struct frame_pool *pool = frame_pool_create();
	struct faults_dir_config c;
	faults_dir_config_default(&c);
	c.loss = 0.1;
	uint64_t lost[3];
	uint64_t seeds[3] = { 1, 1, 2 };
	for (int r = 0; r < 3; r++) {
		struct faults_dir d;
		faults_dir_init(&d, &c, seeds[r], "x");
		uint64_t pattern = 0;
		for (int i = 0; i < 64; i++) {
			struct frame *f = frame_alloc(pool);
			f->len = 100;
			struct frame *out[FAULTS_MAX_OUT];
			unsigned n = faults_on_arrival(&d, pool, f, 0, out);
			if (n == 0)
				pattern |= 1ULL << i;
			for (unsigned k = 0; k < n; k++)
				frame_free(pool, out[k]);
		}
		lost[r] = pattern;
	}
	ck_assert_uint_eq(lost[0], lost[1]);
	ck_assert_uint_ne(lost[0], lost[2]);
	frame_pool_destroy(pool);
}
END_TEST

START_TEST(hostmem_keeps_bytes_until_released_and_reuses_backing)
{
	struct hostmem *m = hostmem_create(1 << 20);
	uint64_t a = hostmem_alloc(m, 5000, 4096);
	uint64_t b = hostmem_alloc(m, 5000, 4096);
	ck_assert_uint_eq(a, 0);
	ck_assert_uint_eq(b, 8192);
	/* never written: zero; written: kept */
	ck_assert_uint_eq(hostmem_ptr(m, a + 10, 1)[0], 0);
	memset(hostmem_ptr(m, a, 5000), 0xab, 5000);
	memset(hostmem_ptr(m, b, 5000), 0xcd, 5000);
	ck_assert_uint_eq(hostmem_ptr(m, a + 4999, 1)[0], 0xab);
	ck_assert_uint_eq(hostmem_ptr(m, b, 1)[0], 0xcd);
	/* ranges must lie inside one allocation */
	ck_assert_ptr_null(hostmem_ptr(m, a + 4999, 2));
	ck_assert_ptr_null(hostmem_ptr(m, 6000, 1));
	ck_assert_ptr_null(hostmem_ptr(m, 1 << 19, 1));
	/* a released allocation's block serves the next one touched */
	uint8_t *pa = hostmem_ptr(m, a, 1);
	hostmem_release(m, a);
	uint64_t c = hostmem_alloc(m, 5000, 4096);
	ck_assert_ptr_eq(hostmem_ptr(m, c, 1), pa);
	ck_assert_uint_eq(hostmem_ptr(m, b + 100, 1)[0], 0xcd);
	hostmem_destroy(m);
}
END_TEST

START_TEST(pkt_pool_keeps_the_tx_reserve_from_the_mac_and_counts_failures)
{
	struct pkt_pool p;
	pkt_pool_init(&p, 8, 0.25);             /* 2 buffers kept for tx */
	void *rx[8];
	unsigned n_rx = 0;
	while ((rx[n_rx] = pkt_pool_alloc_rx(&p)) != NULL)
		n_rx++;
	ck_assert_uint_eq(n_rx, 6);
	ck_assert_uint_eq(p.alloc_fail, 0);     /* the MAC's waits are not failures */
	void *a = pkt_pool_alloc(&p), *b = pkt_pool_alloc(&p);
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert_ptr_null(pkt_pool_alloc(&p));
	ck_assert_uint_eq(p.alloc_fail, 1);
	/* a byte inside a buffer names its buffer; a byte outside, none */
	ck_assert_ptr_eq(pkt_pool_buffer_of(&p, (uint8_t *)a + 100), a);
	ck_assert_ptr_null(pkt_pool_buffer_of(&p, &p));
	/* the last buffer freed is the next one given */
	pkt_pool_free(&p, rx[3]);
	ck_assert_ptr_eq(pkt_pool_alloc(&p), rx[3]);
	pkt_pool_release(&p);
}
END_TEST

struct fmn_probe {
	unsigned received, last_src, credits_back, last_group, last_dst;
	sim_time last_visible_ps;
	uint8_t last_bucket;
};

static void probe_receive(void *ctx, struct fmn_slot *slot)
{
	struct fmn_probe *p = ctx;
	p->received++;
	p->last_src = slot->m.src;
	p->last_visible_ps = slot->visible_ps;
	p->last_bucket = slot->bucket;
}

static void probe_credit_back(void *ctx, unsigned group, unsigned dst)
{
	struct fmn_probe *p = ctx;
	p->credits_back++;
	p->last_group = group;
	p->last_dst = dst;
}

START_TEST(fmn_counts_credits_per_group_and_tells_the_sender)
{
	sim *s = sim_create(1);
	struct npu_config c;
	memset(&c, 0, sizeof c);
	c.fmn_hop_ps = 30000;
	c.thread_bucket_depth = 4;
	c.dma_credits_per_core = 2;
	struct fmn f;
	fmn_init(&f, s, &c);
	struct fmn_probe dma = { 0 }, thread = { 0 }, mac = { 0 }, core0 = { 0 }, dmasend = { 0 };
	fmn_set_receiver(&f, STATION_DMA, probe_receive, &dma, 0);
	fmn_set_receiver(&f, 5, probe_receive, &thread, 0);
	fmn_set_receiver(&f, STATION_MAC_TX, probe_receive, &mac, 1);
	fmn_set_sender(&f, 0, probe_credit_back, &core0);
	fmn_set_sender(&f, fmn_group_of_station(STATION_DMA), probe_credit_back, &dmasend);
	struct hal_msg m = { .code = HAL_MSG_DMA_REQ, .words = 4 };
	/* thread 1 is on core 0: two credits for the DMA bucket, then none;
	 * core 1's credits are its own */
	ck_assert_int_eq(fmn_group_of_station(1), 0);
	fmn_deliver(&f, 1, STATION_DMA, &m);
	fmn_deliver(&f, 2, STATION_DMA, &m);
	ck_assert(!fmn_has_credit(&f, 0, STATION_DMA));
	ck_assert(fmn_has_credit(&f, 1, STATION_DMA));
	ck_assert_uint_eq(dma.received, 2);
	ck_assert_uint_eq(dma.last_src, 2);
	ck_assert_uint_eq(dma.last_visible_ps, 30000);
	/* the receiver dequeues one: the credit returns and core 0 hears of it */
	fmn_credit_return(&f, 0, STATION_DMA);
	ck_assert(fmn_has_credit(&f, 0, STATION_DMA));
	ck_assert_uint_eq(core0.credits_back, 1);
	ck_assert_uint_eq(core0.last_dst, STATION_DMA);
	/* a completion goes to the completion bucket on the DMA's own credits */
	struct hal_msg done = { .code = HAL_MSG_DMA_DONE, .words = 2 };
	fmn_deliver(&f, STATION_DMA, 5, &done);
	ck_assert_uint_eq(thread.last_bucket, HAL_BUCKET_COMPLETION);
	ck_assert_uint_eq(fmn_credits_in_use(&f, fmn_group_of_station(STATION_DMA), 5), 0);
	for (unsigned i = 1; i < c.thread_bucket_depth; i++)
		fmn_deliver(&f, STATION_DMA, 5, &done);
	ck_assert(!fmn_has_done_credit(&f, 5));
	fmn_done_credit_return(&f, 5);
	ck_assert(fmn_has_done_credit(&f, 5));
	ck_assert_uint_eq(dmasend.credits_back, 1);
	ck_assert_uint_eq(dmasend.last_dst, 5);
	/* data to a thread holds a credit of the sender's group */
	struct hal_msg data = { .code = HAL_MSG_RX_FRAME, .words = 2 };
	fmn_deliver(&f, STATION_MAC_RX, 5, &data);
	ck_assert_uint_eq(thread.last_bucket, HAL_BUCKET_DATA);
	ck_assert_uint_eq(fmn_credits_in_use(&f, fmn_group_of_station(STATION_MAC_RX), 5), 1);
	/* a station that drains at once holds no credit after delivery */
	struct hal_msg tx = { .code = HAL_MSG_TX_FRAME, .words = 2 };
	fmn_deliver(&f, 4, STATION_MAC_TX, &tx);
	ck_assert_uint_eq(mac.received, 1);
	ck_assert_uint_eq(fmn_credits_in_use(&f, 1, STATION_MAC_TX), 0);
	sim_destroy(s);
}
END_TEST

Suite *model_suite(void)
{
	Suite *s = suite_create("model");
	TCase *tc = tcase_create("wire");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, link_gives_line_rate_frame_rates);
	tcase_add_test(tc, link_queue_overflow_is_counted);
	tcase_add_test(tc, pcie_effective_bandwidth_matches_the_tlp_formula);
	tcase_add_test(tc, pcie_writes_land_in_host_memory_in_order_at_link_speed);
	tcase_add_test(tc, hostmem_keeps_bytes_until_released_and_reuses_backing);
	tcase_add_test(tc, faults_account_for_every_injected_fault);
	tcase_add_test(tc, faults_are_deterministic_per_seed);
	tcase_add_test(tc, pkt_pool_keeps_the_tx_reserve_from_the_mac_and_counts_failures);
	tcase_add_test(tc, fmn_counts_credits_per_group_and_tells_the_sender);
	suite_add_tcase(s, tc);
	return s;
}
