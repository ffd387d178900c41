/* bench/dpdk_gro/gro.c - DPDK's GRO library (librte_gro) side by side with
 * the firmware's LRO engine, on the same capture in memory (by default the
 * generated bulk transfer, bench/capture.h).
 *
 * DPDK runs without hugepages, PCI devices or shared files: the EAL and a
 * mempool of mbufs. Per burst of 32 frames, each frame is copied into an
 * mbuf (as a NIC's DMA would put it), its packet type and header lengths
 * set (as a PMD and the application would), and the burst goes through
 *   - "table" mode: rte_gro_reassemble() into a GRO context, everything in
 *     the table flushed (rte_gro_timeout_flush with timeout 0) every 4
 *     bursts and at the end of the pass; DPDK's best aggregation, and the
 *     figures compared with the engine;
 *   - "timer" mode: rte_gro_reassemble() into a GRO context, and after
 *     every burst rte_gro_timeout_flush() with a timeout (--timeout-us,
 *     100 us): what has waited longer in the table goes on. DPDK's way of
 *     bounding the hold time as a receive path running without end would
 *     (its clock is the TSC: rte_gro.c compares an item's start time, taken
 *     with rte_rdtsc(), with rte_rdtsc() - timeout), and the one nearest the
 *     engine's receive timeout;
 *   - "burst" mode: rte_gro_reassemble_burst(), which merges within one
 *     burst only;
 *   - "verified" mode: the table mode doing the engine's checksum work as a
 *     DPDK application must when the NIC verifies nothing (no
 *     RTE_ETH_RX_OFFLOAD_*_CKSUM): every frame's IPv4 header and TCP
 *     checksums checked in software before GRO (a bad one is dropped and
 *     counted), and every merged packet's IPv4 and TCP checksums rebuilt
 *     before it goes on (rte_ipv4_cksum, rte_ipv4_udptcp_cksum_mbuf), with
 *     DPDK's own helpers. The like-for-like comparison with the engine.
 * What comes out is freed (the engine's harness returns its buffers the
 * same way). Before timing, one untimed pass of each mode and of the
 * engine is checked byte for byte (bench/verify.h). Then the engine and
 * the two modes take turns, 4 turns each of whole passes, at least 2 s
 * in all for each.
 *
 * usage: gro [CAPTURE.pcap] [--seconds S] [--flows N] [--segments N]
 *            [--flush-bursts N] [--timeout-us US] */
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_gro.h>
#include <rte_cycles.h>
#include <rte_ip.h>
#include <rte_tcp.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_version.h>

#include "bench/capture.h"
#include "bench/engine.h"
#include "bench/verify.h"

#define BURST 32u
#define TABLE_FLOWS 64u
#define TABLE_ITEMS_PER_FLOW 64u
#define POOL_MBUFS 16383u
#define FLUSH_OUT 256u
#define SLICES 4

enum mode { MODE_TABLE, MODE_TIMER, MODE_BURST, MODE_VERIFIED };

struct gro_run {
	struct rte_mempool *pool;
	struct rte_gro_param param;
	void *ctx;                     /* MODE_TABLE, MODE_TIMER, MODE_VERIFIED */
	struct verify *v;              /* NULL while timed */
	bool checksums;                /* MODE_VERIFIED: verify in, rebuild out */
	uint64_t bad_checksum;         /* MODE_VERIFIED: frames dropped for one */
	uint8_t *flat;                 /* one flattened aggregate */
	unsigned flush_bursts;         /* MODE_TABLE: bursts between flushes */
	uint64_t timeout_cycles;       /* MODE_TIMER: the table's timeout, TSC cycles */
};

/* What the harness tells GRO about a frame: packet type and header
 * lengths (from the frame, as a PMD's classification would give them). */
static void classify(struct rte_mbuf *m, const uint8_t *f, uint32_t len)
{
	m->packet_type = RTE_PTYPE_L2_ETHER;
	m->l2_len = 14;
	if (len < 14u + 20u + 20u || f[12] != 0x08 || f[13] != 0x00 || (f[14] >> 4) != 4)
		return;
	uint32_t ihl = (uint32_t)(f[14] & 0x0fu) * 4u;
	if (f[14 + 9] != 6 || 14u + ihl + 20u > len)
		return;
	m->packet_type = RTE_PTYPE_L2_ETHER | RTE_PTYPE_L3_IPV4 | RTE_PTYPE_L4_TCP;
	m->l3_len = ihl & 0x1ffu;
	m->l4_len = (uint32_t)(f[14 + ihl + 12] >> 4) * 4u;
}

/* A well-formed IPv4/TCP frame (classify() found it so) whose IPv4 header
 * and TCP checksums are both right. Others are not checked: GRO passes
 * them on untouched, as the engine does. */
static bool checksums_ok(const struct rte_mbuf *m)
{
	if (!RTE_ETH_IS_IPV4_HDR(m->packet_type) || (m->packet_type & RTE_PTYPE_L4_TCP) == 0)
		return true;
	const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *, m->l2_len);
	if (rte_raw_cksum(ip, m->l3_len) != 0xffff)
		return false;
	return rte_ipv4_udptcp_cksum_verify(ip, (const uint8_t *)ip + m->l3_len) == 0;
}

/* A merged packet leaves GRO with its first segment's checksums (GRO
 * rewrites only the IPv4 total length): both are computed again, the TCP
 * one over every segment of the chain. */
static void rebuild_checksums(struct rte_mbuf *m)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, m->l2_len);
	struct rte_tcp_hdr *tcp = (struct rte_tcp_hdr *)((uint8_t *)ip + m->l3_len);
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	tcp->cksum = 0;
	tcp->cksum = rte_ipv4_udptcp_cksum_mbuf(m, ip, (uint16_t)(m->l2_len + m->l3_len));
}

/* Drops the frames of a burst whose checksums are wrong (counted); returns
 * how many are left, in their order. */
static uint16_t drop_bad_checksums(struct gro_run *g, struct rte_mbuf **pkts, uint16_t k)
{
	uint16_t kept = 0;
	for (uint16_t j = 0; j < k; j++) {
		if (checksums_ok(pkts[j])) {
			pkts[kept++] = pkts[j];
		} else {
			g->bad_checksum++;
			rte_pktmbuf_free(pkts[j]);
		}
	}
	return kept;
}

/* Packets leaving GRO go on to the host's stack: here, checked (untimed
 * pass) and freed. */
static void hand_on(struct gro_run *g, struct rte_mbuf **pkts, uint16_t n)
{
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		if (g->checksums && m->nb_segs > 1)
			rebuild_checksums(m);
		if (g->v) {
			const uint8_t *p = rte_pktmbuf_read(m, 0, m->pkt_len, g->flat);
			verify_output(g->v, p, m->pkt_len, m->nb_segs);
		}
		rte_pktmbuf_free(m);
	}
}

/* Hands on what has been in the table at least timeout_cycles (0: all). */
static void flush_table(struct gro_run *g, uint64_t timeout_cycles)
{
	struct rte_mbuf *out[FLUSH_OUT];
	uint16_t n;
	do {
		n = rte_gro_timeout_flush(g->ctx, timeout_cycles, RTE_GRO_TCP_IPV4, out, FLUSH_OUT);
		hand_on(g, out, n);
	} while (n == FLUSH_OUT);
}

static int gro_pass(struct gro_run *g, const struct capture *c, enum mode mode)
{
	struct rte_mbuf *pkts[BURST];
	unsigned bursts = 0;
	for (size_t i = 0; i < c->n; i += BURST) {
		uint16_t k = (uint16_t)(c->n - i < BURST ? c->n - i : BURST);
		if (rte_pktmbuf_alloc_bulk(g->pool, pkts, k) != 0) {
			fprintf(stderr, "dpdk_gro: mempool empty\n");
			return -1;
		}
		for (uint16_t j = 0; j < k; j++) {
			const struct capture_frame *f = &c->frames[i + j];
			const uint8_t *src = c->data + f->off;
			struct rte_mbuf *m = pkts[j];
			capture_prefetch(c, i + j + CAPTURE_PREFETCH_AHEAD);  /* as the engine's harness */
			memcpy(rte_pktmbuf_mtod(m, uint8_t *), src, f->len);
			m->data_len = (uint16_t)f->len;
			m->pkt_len = f->len;
			classify(m, src, f->len);
		}
		uint16_t n;
		if (mode == MODE_VERIFIED)
			k = drop_bad_checksums(g, pkts, k);
		if (mode == MODE_TABLE || mode == MODE_VERIFIED) {
			n = rte_gro_reassemble(pkts, k, g->ctx);
			hand_on(g, pkts, n);
			if (++bursts % g->flush_bursts == 0)
				flush_table(g, 0);
		} else if (mode == MODE_TIMER) {
			n = rte_gro_reassemble(pkts, k, g->ctx);
			hand_on(g, pkts, n);
			flush_table(g, g->timeout_cycles);
		} else {
			n = rte_gro_reassemble_burst(pkts, k, &g->param);
			hand_on(g, pkts, n);
		}
	}
	if (mode != MODE_BURST)
		flush_table(g, 0);
	return 0;
}

static int pass_setup(struct gro_run *g, enum mode mode)
{
	g->checksums = mode == MODE_VERIFIED;
	if (mode == MODE_BURST)
		return 0;
	g->ctx = rte_gro_ctx_create(&g->param);
	if (!g->ctx) {
		fprintf(stderr, "dpdk_gro: rte_gro_ctx_create failed\n");
		return -1;
	}
	return 0;
}

static void pass_done(struct gro_run *g)
{
	if (g->ctx)
		rte_gro_ctx_destroy(g->ctx);
	g->ctx = NULL;
}

struct gro_figures {
	double mpps, seconds;
	uint64_t passes;
	struct verify_report rep;
	double ratio;
};

/* One untimed pass, checked byte for byte. */
static int gro_check(struct gro_run *g, const struct capture *c, struct verify *v, enum mode mode,
		     struct gro_figures *r)
{
	memset(r, 0, sizeof *r);
	g->v = v;
	verify_reset(v);
	if (pass_setup(g, mode) != 0)
		return -1;
	int rc = gro_pass(g, c, mode);
	pass_done(g);
	g->v = NULL;
	verify_result(v, &r->rep);
	r->ratio = r->rep.out_data ? (double)r->rep.out_segments / (double)r->rep.out_data : 0;
	return rc;
}

/* Whole timed passes for at least min_seconds, a fresh GRO context each
 * (made outside the timed region); added to r. */
static int gro_time(struct gro_run *g, const struct capture *c, enum mode mode,
		    double min_seconds, struct gro_figures *r)
{
	double seconds = 0;
	int rc = 0;
	while (rc == 0 && seconds < min_seconds) {
		if (pass_setup(g, mode) != 0)
			return -1;
		double t0 = bench_now();
		rc = gro_pass(g, c, mode);
		seconds += bench_now() - t0;
		pass_done(g);
		r->passes++;
	}
	r->seconds += seconds;
	r->mpps = (double)(r->passes * c->n) / r->seconds / 1e6;
	return rc;
}

static void print_check(const char *name, const struct verify_report *r)
{
	printf("dpdk_gro: %s check: %llu data segments in, %llu data packets out, %llu bytes equal; "
	       "wrong %llu, twice %llu, extra %llu, missing %llu; out of sequence order %llu, "
	       "checksum wrong %llu\n",
	       name, (unsigned long long)r->in_data_segments, (unsigned long long)r->out_data,
	       (unsigned long long)r->bytes_ok, (unsigned long long)r->bytes_wrong,
	       (unsigned long long)r->bytes_twice, (unsigned long long)r->bytes_extra,
	       (unsigned long long)r->bytes_missing, (unsigned long long)r->out_of_order,
	       (unsigned long long)r->out_bad_checksum);
}

static int usage(void)
{
	fprintf(stderr, "usage: gro [CAPTURE.pcap] [--seconds S] [--flows N] [--segments N] "
			"[--flush-bursts N] [--timeout-us US]\n");
	return 2;
}

/* The EAL on the first CPU this process may run on: no hugepages, no PCI,
 * no shared configuration files. */
static int eal_start(const char *prog)
{
	cpu_set_t set;
	int cpu = 0;
	if (sched_getaffinity(0, sizeof set, &set) == 0)
		while (cpu < CPU_SETSIZE - 1 && !CPU_ISSET(cpu, &set))
			cpu++;
	char lcore[16];
	snprintf(lcore, sizeof lcore, "%d", cpu);
	char *eal_argv[] = { (char *)prog, "-l", lcore, "--no-huge", "--no-pci", "-m", "512",
			     "--no-shconf", "--no-telemetry", "--log-level=error", NULL };
	int eal_argc = (int)(sizeof eal_argv / sizeof eal_argv[0]) - 1;
	if (rte_eal_init(eal_argc, eal_argv) < 0) {
		fprintf(stderr, "dpdk_gro: rte_eal_init failed: %s\n", rte_strerror(rte_errno));
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	unsigned flush_bursts = 4;
	double timeout_us = 100;
	struct capture_options opt;
	capture_options_default(&opt);
	for (int i = 1; i < argc; i++) {
		if (capture_options_take(&opt, argc, argv, &i))
			continue;
		if (!strcmp(argv[i], "--flush-bursts") && i + 1 < argc)
			flush_bursts = (unsigned)atoi(argv[++i]);
		else if (!strcmp(argv[i], "--timeout-us") && i + 1 < argc)
			timeout_us = atof(argv[++i]);
		else
			return usage();
	}
	if (!capture_options_valid(&opt) || flush_bursts == 0 || flush_bursts > 1000 ||
	    !(timeout_us >= 0 && timeout_us <= 1e6))
		return usage();
	double seconds = opt.seconds;

	struct capture c;
	if (capture_options_load(&opt, &c, "dpdk_gro") != 0)
		return 2;
	struct verify *v = verify_new(&c);
	if (!v) {
		fprintf(stderr, "dpdk_gro: cannot build the reference\n");
		return 1;
	}
	if (eal_start(argv[0]) != 0)
		return 1;
	printf("dpdk_gro: %s; capture: %s; %zu frames, %.1f MB\n", rte_version(), c.name, c.n,
	       (double)c.data_bytes / 1e6);
	bench_print_loadavg();

	struct gro_run g;
	memset(&g, 0, sizeof g);
	g.flush_bursts = flush_bursts;
	g.timeout_cycles = (uint64_t)(timeout_us * 1e-6 * (double)rte_get_tsc_hz());
	g.pool = rte_pktmbuf_pool_create("bench_gro", POOL_MBUFS, 256, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
					 (int)rte_socket_id());
	g.flat = malloc(14u + 65536u);
	if (!g.pool || !g.flat) {
		fprintf(stderr, "dpdk_gro: no mempool: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	g.param.gro_types = RTE_GRO_TCP_IPV4;
	g.param.max_flow_num = TABLE_FLOWS;
	g.param.max_item_per_flow = TABLE_ITEMS_PER_FLOW;
	g.param.socket_id = (uint16_t)rte_socket_id();

	/* the checks, then the timing: the engine and both modes take turns
	 * in slices, so that all see the same machine (what a core gets from
	 * memory can change over seconds, on a shared virtual machine) */
	struct verify_report erep;
	struct gro_figures table, timer, burst, verified;
	if (engine_verify(&c, v, &erep) != 0 || gro_check(&g, &c, v, MODE_TABLE, &table) != 0 ||
	    gro_check(&g, &c, v, MODE_TIMER, &timer) != 0 ||
	    gro_check(&g, &c, v, MODE_BURST, &burst) != 0 ||
	    gro_check(&g, &c, v, MODE_VERIFIED, &verified) != 0)
		return 1;
	uint64_t checked_bad = g.bad_checksum;
	double eratio = erep.out_data ? (double)erep.out_segments / (double)erep.out_data : 0;
	bool eok = erep.bytes_verified && erep.out_of_order == 0 && erep.out_bad_checksum == 0;
	struct engine_speed es = { 0 };
	for (int slice = 0; slice < SLICES; slice++) {
		struct engine_speed s1;
		if (engine_measure(&c, seconds / SLICES, &s1) != 0 ||
		    gro_time(&g, &c, MODE_TABLE, seconds / SLICES, &table) != 0 ||
		    gro_time(&g, &c, MODE_TIMER, seconds / SLICES, &timer) != 0 ||
		    gro_time(&g, &c, MODE_BURST, seconds / SLICES, &burst) != 0 ||
		    gro_time(&g, &c, MODE_VERIFIED, seconds / SLICES, &verified) != 0)
			return 1;
		es.passes += s1.passes;
		es.frames += s1.frames;
		es.seconds += s1.seconds;
	}
	es.mpps = (double)es.frames / es.seconds / 1e6;
	print_check("table mode", &table.rep);
	print_check("timer mode", &timer.rep);
	print_check("burst mode", &burst.rep);
	print_check("verified mode", &verified.rep);
	printf("dpdk_gro: verified mode dropped %llu frames with a wrong checksum in its checked pass\n",
	       (unsigned long long)checked_bad);
	printf("dpdk_gro: the engine on the same capture: %.3f Mpps, %.2f segments/aggregate, "
	       "checked %s (in order, checksums verified and rebuilt)\n",
	       es.mpps, eratio, eok ? "yes" : "NO");
	printf("dpdk_gro: note: DPDK GRO verifies no checksum (a corrupted segment is merged) and "
	       "fixes none: an aggregate keeps its first segment's IP and TCP checksums, only the IP "
	       "total length is rewritten (%llu of %llu packets out carry a wrong checksum)\n",
	       (unsigned long long)table.rep.out_bad_checksum,
	       (unsigned long long)table.rep.out_frames);
	printf("dpdk_gro: note: it merges only segments whose TCP flags are exactly ACK (a PSH "
	       "segment goes on alone) and whose TCP options equal the first segment's byte for byte "
	       "(a new timestamp value starts a new aggregate)\n");
	printf("dpdk_gro: note: segments it cannot merge go on at once, ahead of earlier segments "
	       "of their flow still in its table: %llu packets out of sequence order (the byte check "
	       "places each packet by its sequence number)\n",
	       (unsigned long long)table.rep.out_of_order);
	printf("dpdk_gro: timed on one core, in %d turns: engine %llu passes in %.2f s, table mode "
	       "%llu in %.2f s, timer mode (%.0f us) %llu in %.2f s, burst mode %llu in %.2f s, "
	       "verified mode %llu in %.2f s\n",
	       SLICES, (unsigned long long)es.passes, es.seconds, (unsigned long long)table.passes,
	       table.seconds, timeout_us, (unsigned long long)timer.passes, timer.seconds,
	       (unsigned long long)burst.passes, burst.seconds, (unsigned long long)verified.passes,
	       verified.seconds);
	printf("bench: dpdk_gro_mpps %.3f Mpps\n", table.mpps);
	printf("bench: dpdk_gro_aggregation_ratio %.2f segments/aggregate\n", table.ratio);
	printf("bench: dpdk_gro_verified %s\n", table.rep.bytes_verified ? "yes" : "no");
	printf("bench: dpdk_gro_timer_mpps %.3f Mpps\n", timer.mpps);
	printf("bench: dpdk_gro_timer_aggregation_ratio %.2f segments/aggregate\n", timer.ratio);
	printf("bench: dpdk_gro_timer_verified %s\n", timer.rep.bytes_verified ? "yes" : "no");
	printf("bench: dpdk_gro_burst_mpps %.3f Mpps\n", burst.mpps);
	printf("bench: dpdk_gro_burst_aggregation_ratio %.2f segments/aggregate\n", burst.ratio);
	printf("bench: dpdk_gro_burst_verified %s\n", burst.rep.bytes_verified ? "yes" : "no");
	printf("bench: dpdk_gro_verified_mpps %.3f Mpps\n", verified.mpps);
	printf("bench: dpdk_gro_verified_aggregation_ratio %.2f segments/aggregate\n", verified.ratio);
	printf("bench: dpdk_gro_verified_verified %s\n", verified.rep.bytes_verified ? "yes" : "no");
	printf("bench: dpdk_gro_verified_bad_checksums_out %llu packets\n",
	       (unsigned long long)verified.rep.out_bad_checksum);
	printf("bench: replay_vs_dpdk_mpps %.2f x\n", table.mpps > 0 ? es.mpps / table.mpps : 0);
	printf("bench: replay_vs_dpdk_aggregation %.2f x\n", table.ratio > 0 ? eratio / table.ratio : 0);
	printf("bench: replay_vs_dpdk_timer_mpps %.2f x\n", timer.mpps > 0 ? es.mpps / timer.mpps : 0);
	printf("bench: replay_vs_dpdk_burst_mpps %.2f x\n", burst.mpps > 0 ? es.mpps / burst.mpps : 0);
	printf("bench: replay_vs_dpdk_verified_mpps %.2f x\n",
	       verified.mpps > 0 ? es.mpps / verified.mpps : 0);

	rte_mempool_free(g.pool);
	free(g.flat);
	verify_free(v);
	capture_free(&c);
	rte_eal_cleanup();
	return eok && table.rep.bytes_verified && timer.rep.bytes_verified &&
			       burst.rep.bytes_verified && verified.rep.bytes_verified &&
			       verified.rep.out_bad_checksum == 0
		       ? 0 : 1;
}
