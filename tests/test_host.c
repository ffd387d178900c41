/* tests/test_host.c - the hosts: frames, the oracle, the client's SYN and
 * RTO timing, and a whole run through the NPU in both modes. */
#include <check.h>
#include <string.h>

#include "cli/testbed.h"
#include "host/netpkt.h"
#include "host/oracle.h"
#include "host/tcp_sender.h"

START_TEST(frames_round_trip_with_valid_checksums)
{
	struct netpkt_tcp h, p;
	memset(&h, 0, sizeof h);
	h.saddr = 0x01020304;
	h.daddr = 0x05060708;
	h.sport = 1;
	h.dport = 2;
	h.seq = 0xfffffff0;
	h.ack = 3;
	h.flags = NETPKT_TCP_ACK | NETPKT_TCP_PSH;
	h.window = 77;
	h.has_ts = 1;
	h.tsval = 9;
	h.tsecr = 8;
	h.wscale = 0xff;
	uint8_t payload[333], frame[2048];
	for (int i = 0; i < 333; i++)
		payload[i] = (uint8_t)i;
	uint32_t len = netpkt_build_tcp(frame, &h, payload, 333);
	ck_assert_uint_eq(len, 14 + 20 + 32 + 333);
	const uint8_t *pl;
	uint32_t plen;
	ck_assert_int_eq(netpkt_parse_tcp(frame, len, &p, &pl, &plen), 0);
	ck_assert_uint_eq(p.seq, h.seq);
	ck_assert_uint_eq(p.tsval, 9);
	ck_assert_uint_eq(plen, 333);
	ck_assert_int_eq(memcmp(pl, payload, 333), 0);
	frame[200] ^= 4;
	ck_assert_int_eq(netpkt_parse_tcp(frame, len, &p, &pl, &plen), -2);
}
END_TEST

START_TEST(oracle_slices_agree_at_every_alignment_and_length)
{
	/* the stream is one sequence: any slice, at any offset and length,
	 * equals the same bytes of a fill from offset 0; a flip anywhere in a
	 * slice is found at its position (past 4 words: the vector loops) */
	static uint8_t whole[512], part[200];
	oracle_fill(7, 2, 0, whole, sizeof whole);
	for (uint32_t off = 0; off < 24; off++)
		for (uint32_t len = 0; len <= sizeof part; len++) {
			oracle_fill(7, 2, off, part, len);
			ck_assert_int_eq(memcmp(part, whole + off, len), 0);
			ck_assert_int_eq(oracle_check(7, 2, off, part, len), -1);
			for (uint32_t k = 0; k < len; k++) {
				part[k] ^= 0x10;
				ck_assert_int_eq(oracle_check(7, 2, off, part, len), (int64_t)k);
				part[k] ^= 0x10;
			}
		}
}
END_TEST

START_TEST(oracle_finds_the_first_wrong_byte)
{
	uint8_t buf[1000];
	oracle_fill(5, 3, 12345, buf, sizeof buf);
	ck_assert_int_eq(oracle_check(5, 3, 12345, buf, sizeof buf), -1);
	/* any window of the stream agrees with a fill at that offset */
	ck_assert_int_eq(oracle_check(5, 3, 12345 + 17, buf + 17, 100), -1);
	buf[611] ^= 1;
	ck_assert_int_eq(oracle_check(5, 3, 12345, buf, sizeof buf), 611);
	/* other connections and seeds differ */
	oracle_fill(5, 3, 0, buf, 64);
	ck_assert_int_ne(oracle_check(5, 4, 0, buf, 64), -1);
	ck_assert_int_ne(oracle_check(6, 3, 0, buf, 64), -1);
}
END_TEST

/* A client whose SYNs go nowhere: their times and the give-up. */
static sim_time syn_times[16];
static int n_syn;
static sim *syn_sim;
static int finished;

static int record_syn(void *ctx, const uint8_t *frame, uint32_t len)
{
	(void)ctx;
	(void)len;
	if (frame[14 + 20 + 13] & NETPKT_TCP_SYN)
		syn_times[n_syn++] = sim_now(syn_sim);
	return 0;
}

static void on_finished(void *ctx, uint32_t conn)
{
	(void)ctx;
	(void)conn;
	finished++;
}

START_TEST(syn_retransmissions_follow_linux_2_6_32)
{
	syn_sim = sim_create(1);
	n_syn = finished = 0;
	struct tcp_sender_config c;
	tcp_sender_config_default(&c);
	struct tcp_sender_io io = { record_syn, NULL, on_finished, NULL, NULL };
	struct netpkt_tcp a;
	memset(&a, 0, sizeof a);
	struct tcp_sender *t = tcp_sender_create(syn_sim, &c, &io, 0, 1, 1000, &a);
	tcp_sender_connect(t);
	sim_run_until(syn_sim, SIM_TIME_MAX);
	/* SYNs at 0, 3, 9, 21, 45, 93 s; connect fails at 189 s */
	const uint64_t expect[] = { 0, 3, 9, 21, 45, 93 };
	ck_assert_int_eq(n_syn, 6);
	for (int i = 0; i < 6; i++)
		ck_assert_uint_eq(syn_times[i], sim_s(expect[i]));
	ck_assert_int_eq(tcp_sender_state(t), TCP_SENDER_FAILED);
	ck_assert_int_eq(finished, 1);
	ck_assert_uint_eq(tcp_sender_stats(t)->done_ps, sim_s(189));
	ck_assert_uint_eq(tcp_sender_stats(t)->syn_retransmits, 5);
	tcp_sender_destroy(t);
	sim_destroy(syn_sim);
}
END_TEST

static void small_config(struct testbed_config *c, uint32_t mode, uint32_t conns)
{
	testbed_config_default(c);
	c->lro_mode = mode;
	c->client.connections = conns;
	c->client.bytes_per_connection = 300 * 1000;
	c->time_limit_ps = sim_s(5);
}

START_TEST(end_to_end_lro_delivers_every_byte_aggregated)
{
	struct testbed_config c;
	struct testbed_result r;
	small_config(&c, 1, 4);
	ck_assert_int_eq(testbed_run(&c, &r, NULL), 0);
	ck_assert(r.integrity_ok);
	ck_assert_uint_eq(r.completed, 4);
	ck_assert_uint_eq(r.bytes_received, 4 * 300000);
	ck_assert(r.throughput_gbps > 0.1);
	/* aggregation happened: far fewer frames reached the host than segments */
	ck_assert_uint_gt(r.fw.lro.segments_aggregated, 800);
	ck_assert_uint_lt(r.server.frames, r.fw.lro.segments_aggregated / 5);
}
END_TEST

START_TEST(end_to_end_nic_mode_delivers_every_frame)
{
	struct testbed_config c;
	struct testbed_result r;
	small_config(&c, 0, 3);
	ck_assert_int_eq(testbed_run(&c, &r, NULL), 0);
	ck_assert(r.integrity_ok);
	ck_assert_uint_eq(r.completed, 3);
	ck_assert_uint_eq(r.fw.lro.segments_aggregated, 0);
	ck_assert_uint_ge(r.server.frames, 3 * (300000 / 1448));
}
END_TEST

START_TEST(host_frames_reach_the_wire_fetched_by_dma_or_copied_into_the_ring)
{
	struct testbed_config c;
	struct testbed_result r;
	small_config(&c, 0, 3);                  /* NIC mode: an ACK per two frames */
	c.server.tx_dma = 1;
	ck_assert_int_eq(testbed_run(&c, &r, NULL), 0);
	ck_assert(r.integrity_ok);
	ck_assert_uint_eq(r.completed, 3);
	/* every frame the host sent went through the DMA engine */
	ck_assert_uint_gt(r.server.tx_frames, 3 * 100);
	ck_assert_uint_eq(r.fw.tx_fetches, r.server.tx_frames);
	ck_assert_uint_eq(r.fw.tx_frames, r.server.tx_frames);

	small_config(&c, 0, 3);
	c.server.tx_dma = 0;
	ck_assert_int_eq(testbed_run(&c, &r, NULL), 0);
	ck_assert(r.integrity_ok);
	ck_assert_uint_eq(r.completed, 3);
	ck_assert_uint_eq(r.fw.tx_fetches, 0);
	ck_assert_uint_eq(r.fw.tx_frames, r.server.tx_frames);
}
END_TEST

START_TEST(end_to_end_recovers_from_faults_on_the_wire)
{
	struct testbed_config c;
	struct testbed_result r;
	small_config(&c, 1, 4);
	c.time_limit_ps = sim_s(60);
	for (int d = 0; d < 2; d++) {
		c.faults[d].loss = 0.01;
		c.faults[d].corrupt = 0.01;
		c.faults[d].duplicate = 0.01;
		c.faults[d].reorder = 0.01;
	}
	ck_assert_int_eq(testbed_run(&c, &r, NULL), 0);
	ck_assert(r.integrity_ok);
	ck_assert_uint_eq(r.completed, 4);
	ck_assert_uint_gt(faults_injected(&r.faults[0]), 0);
	/* every corrupted frame was caught by a checksum, never delivered */
	uint64_t caught = r.fw.lro.drop[LRO_DROP_BAD_IP_CSUM] +
			  r.fw.lro.drop[LRO_DROP_BAD_TCP_CSUM] + r.client.drop_bad_frame;
	ck_assert_uint_eq(caught, r.faults[0].corrupted + r.faults[1].corrupted);
}
END_TEST

/* Data frames marked urgent on the wire, with loss and reordering: the
 * engine passes them through, keeps each flow consistent, and every byte
 * reaches the application. Over IPv4 (_i 0) and IPv6 (_i 1): the fault
 * rewrites the TCP checksum under either pseudo header, so no marked frame
 * is dropped for a bad checksum. */
START_TEST(end_to_end_urgent_frames_pass_through_without_loss)
{
	struct testbed_config c;
	struct testbed_result r;
	small_config(&c, 1, 4);
	c.ip6 = (uint32_t)_i;
	c.time_limit_ps = sim_s(60);
	c.faults[0].urgent = c.faults[1].urgent = 0.02;
	c.faults[0].loss = c.faults[1].loss = 0.005;
	c.faults[0].reorder = c.faults[1].reorder = 0.005;
	ck_assert_int_eq(testbed_run(&c, &r, NULL), 0);
	ck_assert(r.integrity_ok);
	ck_assert_uint_eq(r.completed, 4);
	ck_assert_uint_gt(r.faults[0].urgent + r.faults[1].urgent, 0);
	/* each urgent frame passes as urgent, or - once an urgent frame past a
	 * gap made the engine let its flow go (lro.h) - as a frame of a flow
	 * it no longer knows */
	uint64_t urgent = r.faults[0].urgent + r.faults[1].urgent;
	ck_assert_uint_gt(r.fw.lro.pass[LRO_PASS_RST_URG], 0);
	ck_assert_uint_le(r.fw.lro.pass[LRO_PASS_RST_URG], urgent);
	ck_assert_uint_ge(r.fw.lro.pass[LRO_PASS_RST_URG] + r.fw.lro.pass[LRO_PASS_UNKNOWN_FLOW], urgent);
	ck_assert_uint_eq(r.fw.lro.drop[LRO_DROP_HELD_LIMIT], 0);
	ck_assert_uint_eq(r.fw.lro.drop[LRO_DROP_BAD_TCP_CSUM], 0);
}
END_TEST

START_TEST(same_seed_same_run)
{
	struct testbed_config c;
	struct testbed_result a, b;
	small_config(&c, 1, 3);
	c.faults[0].loss = 0.01;
	ck_assert_int_eq(testbed_run(&c, &a, NULL), 0);
	ck_assert_int_eq(testbed_run(&c, &b, NULL), 0);
	ck_assert_uint_eq(a.events, b.events);
	ck_assert_uint_eq(a.sim_end_ps, b.sim_end_ps);
	ck_assert_double_eq(a.throughput_gbps, b.throughput_gbps);
	c.seed = 2;
	ck_assert_int_eq(testbed_run(&c, &b, NULL), 0);
	ck_assert_uint_ne(a.events, b.events);
}
END_TEST

/* NIC mode with many flows saturates the host core: the throughput is what
 * the cost model allows per frame. */
START_TEST(the_host_cpu_saturates_at_its_cost_model_rate)
{
	struct testbed_config c;
	struct testbed_result r;
	small_config(&c, 0, 8);
	c.client.bytes_per_connection = 2 * 1000 * 1000;
	ck_assert_int_eq(testbed_run(&c, &r, NULL), 0);
	ck_assert(r.integrity_ok);
	/* per 1448-byte frame: the stack's cycles, the copy, half an ACK (one
	 * per two segments), and a PCIe read of the descriptor */
	double hz = (double)c.server.cpu_hz;
	double frame_s = (c.server.packet_cycles + c.server.byte_cycles * 1448 +
			  c.server.tx_cycles / 2.0) / hz +
			 sim_time_to_seconds(c.pcie.read_latency_ps);
	double bound_gbps = 1448 * 8 / frame_s / 1e9;
	ck_assert(r.host_cpu_busy > 0.95);
	ck_assert(r.throughput_gbps <= bound_gbps);
	ck_assert(r.throughput_gbps > 0.9 * bound_gbps);
}
END_TEST

Suite *host_suite(void)
{
	Suite *s = suite_create("host");
	TCase *tc = tcase_create("host");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, frames_round_trip_with_valid_checksums);
	tcase_add_test(tc, oracle_finds_the_first_wrong_byte);
	tcase_add_test(tc, oracle_slices_agree_at_every_alignment_and_length);
	tcase_add_test(tc, syn_retransmissions_follow_linux_2_6_32);
	tcase_add_test(tc, end_to_end_lro_delivers_every_byte_aggregated);
	tcase_add_test(tc, end_to_end_nic_mode_delivers_every_frame);
	tcase_add_test(tc, host_frames_reach_the_wire_fetched_by_dma_or_copied_into_the_ring);
	tcase_add_test(tc, end_to_end_recovers_from_faults_on_the_wire);
	tcase_add_loop_test(tc, end_to_end_urgent_frames_pass_through_without_loss, 0, 2);
	tcase_add_test(tc, same_seed_same_run);
	tcase_add_test(tc, the_host_cpu_saturates_at_its_cost_model_rate);
	suite_add_tcase(s, tc);
	return s;
}
