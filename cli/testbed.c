/* cli/testbed.c - builds the paper's test system from a configuration and
 * runs it: client host -> fiber -> XLS416 (LRO firmware) -> PCIe -> server. */
#include "cli/testbed.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "cli/dma_report.h"
#include "host/endpoints.h"
#include "host/netpkt.h"
#include "sim/atomic_file.h"
#include "sim/vcd.h"
#include "traces/pcap_tap.h"

void testbed_config_default(struct testbed_config *c)
{
	memset(c, 0, sizeof *c);
	c->seed = 1;
	c->time_limit_ps = sim_s(30);
	c->lro_mode = 1;
	c->lro_threshold_bytes = 65536;
	c->lro_max_aggregate_bytes = 65535;
	c->lro_active_ack = 1;
	c->lro_ack_window = 65535;
	c->lro_timeout_factor = 10;
	c->lro_timeout_floor_ps = sim_us(100);
	c->lro_timeout_gap_ps = sim_ms(1);
	c->lro_pool_low = 0.06;
	c->lro_conns = 64;
	c->dma_lb = 1;
	c->dma_lb_window = 1;
	c->ring_rx_entries = 256;
	c->timeout_period_cycles = 20000;
	npu_config_default(&c->npu);
	pcie_config_default(&c->pcie);
	link_config_default(&c->link);
	server_config_default(&c->server);
	client_config_default(&c->client);
	faults_dir_config_default(&c->faults[0]);
	faults_dir_config_default(&c->faults[1]);
}

/* Everything one run owns. */
struct testbed {
	sim *s;
	struct frame_pool *pool;
	struct link *link;
	struct pcie *pcie;
	struct npu *npu;
	struct server *server;
	struct client *client;
	struct faults_dir faults[2];
	struct dma_report *report;
	struct pcap_tap *wire_tap, *host_tap;
	struct atomic_file *vcd_file;  /* run-N/waves.vcd */
	struct vcd *vcd;
	int vcd_thread[NPU_THREADS], vcd_bucket[NPU_THREADS], vcd_dma, vcd_fifo;
	const struct testbed_config *cfg;
	const struct testbed_progress *progress;
};

static const struct npu_program firmware = { fw_state_bytes, fw_init, fw_thread_main };

/* The client's connection whose TCP frame (IPv4, or IPv6 with at most a
 * BIG TCP jumbo header) starts at f (len bytes readable), or -1; *syn says
 * whether it is a SYN. */
static int32_t conn_of_frame(const struct testbed *tb, const uint8_t *f, uint32_t len, int *syn)
{
	uint32_t ihl;
	if (len >= 54 && f[12] == 0x86 && f[13] == 0xdd && (f[14] >> 4) == 6 &&
	    (f[20] == 6 || f[20] == 0)) {
		ihl = f[20] == 6 ? 40u : 48u;  /* 48: the hop-by-hop jumbo header */
	} else if (len >= 54 && f[12] == 0x08 && f[13] == 0x00 && (f[14] >> 4) == 4 && f[23] == 6) {
		ihl = (uint32_t)(f[14] & 0x0fu) * 4u;
	} else {
		return -2;                 /* not a TCP frame */
	}
	if (ihl < 20 || 14 + ihl + 14 > len)
		return -2;
	const uint8_t *tcp = f + 14 + ihl;
	*syn = (tcp[13] & 0x02) != 0;
	/* the 32-bit source and destination addresses: IPv4's, or the low
	 * words of IPv6's (2001:db8::/96, host/netpkt.h) */
	const uint8_t *addr = f[12] == 0x86 ? f + 14 + 8 + 12 : f + 14 + 12;
	uint32_t step = f[12] == 0x86 ? 16u : 4u;
	/* the client's (address, port) is the source of what the client sent
	 * and the destination of what the host sends */
	for (uint32_t i = 0; i < 2; i++) {
		const uint8_t *a = addr + i * step;
		uint32_t ip = (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 | (uint32_t)a[2] << 8 | a[3];
		uint16_t port = (uint16_t)(tcp[2 * i] << 8 | tcp[2 * i + 1]);
		int64_t conn = endpoint_conn(tb->cfg->client.port_base, tb->cfg->client.connections,
					     ip, port);
		if (conn >= 0)
			return (int32_t)conn;
	}
	return -1;
}

/* The DMA report wants each request's connection and whether it carried a
 * SYN: read the headers at the start of the bytes the request moves (a
 * frame's first piece), or else at the start of the packet buffer they lie
 * in (a later segment's payload, behind its own received headers). */
static void on_dma_request(void *ctx, const struct dma_trace_rec *rec)
{
	struct testbed *tb = ctx;
	struct dma_report_req q = { 0 };
	q.enqueue_ps = rec->enqueue_ps;
	q.start_ps = rec->start_ps == SIM_TIME_MAX ? DMA_REPORT_NOT_SERVED : rec->start_ps;
	q.requester = rec->requester;
	q.len_bytes = rec->len;
	q.depth_at_enqueue = rec->depth_at_enqueue;
	q.from_host = (uint8_t)rec->from_host;
	int syn = 0;
	if (rec->buffer && rec->buffer != rec->src) {
		/* payload from inside a buffer: its frame's headers lie before it */
		q.conn = conn_of_frame(tb, rec->buffer, (uint32_t)(rec->src - rec->buffer), &syn);
	} else {
		q.conn = conn_of_frame(tb, rec->src, rec->len, &syn);
		q.is_syn = q.conn != -2 && syn;
		q.is_first_segment = q.conn != -2;
	}
	if (q.conn < 0)
		q.conn = -1;
	dma_report_add(tb->report, &q);
}

static void on_wire_frame(void *ctx, enum link_side from, const struct frame *f, sim_time t)
{
	(void)from;
	pcap_tap_write(ctx, f->data, f->len, t);
}

static void on_host_frame(void *ctx, const uint8_t *frame, uint32_t len, sim_time t)
{
	pcap_tap_write(ctx, frame, len, t);
}

static void on_thread_state(void *ctx, unsigned thread, enum npu_thread_state st, sim_time t)
{
	struct testbed *tb = ctx;
	vcd_change(tb->vcd, tb->vcd_thread[thread], t, st);
}

static void on_bucket(void *ctx, unsigned thread, sim_time t, uint32_t depth)
{
	struct testbed *tb = ctx;
	vcd_change(tb->vcd, tb->vcd_bucket[thread], t, depth);
}

static void on_dma_depth(void *ctx, sim_time t, uint32_t depth)
{
	struct testbed *tb = ctx;
	vcd_change(tb->vcd, tb->vcd_dma, t, depth);
}

static void on_fifo(void *ctx, sim_time t, uint32_t bytes)
{
	struct testbed *tb = ctx;
	vcd_change(tb->vcd, tb->vcd_fifo, t, bytes);
}

/* run-N/waves.vcd for GTKWave: per thread its state (0 running, 1 compute,
 * 2 DRAM stall, 3 FMN wait, 4 sleep) and its FMN bucket depth, the DMA
 * buffer depth, the rx FIFO fill. */
static int open_vcd(struct testbed *tb, const struct testbed_config *c, struct npu_probes *probes)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/waves.vcd", c->out_dir);
	tb->vcd_file = atomic_file_open(path);
	if (!tb->vcd_file)
		return -1;
	tb->vcd = vcd_create(atomic_file_stream(tb->vcd_file));
	for (unsigned t = 0; t < NPU_THREADS; t++) {
		char name[32];
		snprintf(name, sizeof name, "t%02u_%s", t,
			 fw_thread_role(npu_firmware_state(tb->npu), t));
		for (char *p = name; *p; p++)
			if (*p == '+')
				*p = '_';
		tb->vcd_thread[t] = vcd_signal(tb->vcd, "npu_threads", name, 3);
	}
	for (unsigned t = 0; t < NPU_THREADS; t++) {
		char name[32];
		snprintf(name, sizeof name, "t%02u_bucket_depth", t);
		tb->vcd_bucket[t] = vcd_signal(tb->vcd, "fmn", name, 16);
	}
	tb->vcd_dma = vcd_signal(tb->vcd, "npu", "dma_buffer_depth", 16);
	tb->vcd_fifo = vcd_signal(tb->vcd, "npu", "rx_fifo_bytes", 32);
	probes->thread_state = on_thread_state;
	probes->dma_depth = on_dma_depth;
	probes->rx_fifo = on_fifo;
	probes->bucket_depth = on_bucket;
	return 0;
}

/* Returns 0, or -1 when the file could not be written (named on stderr). */
static int close_vcd(struct testbed *tb)
{
	if (!tb->vcd_file)
		return 0;
	char path[4096];
	snprintf(path, sizeof path, "%s", atomic_file_path(tb->vcd_file));
	int rc = vcd_finish(tb->vcd);
	if (rc != 0) {
		atomic_file_discard(tb->vcd_file);
		errno = EIO;
	} else {
		rc = atomic_file_commit(tb->vcd_file);
	}
	tb->vcd_file = NULL;
	if (rc != 0)
		fprintf(stderr, "npusim: cannot write %s: %s\n", path, strerror(errno));
	return rc;
}

static void on_progress(sim *s, void *arg)
{
	struct testbed *tb = arg;
	const struct testbed_config *c = tb->cfg;
	double expected = (double)c->client.connections * (double)c->client.bytes_per_connection;
	double read = 0;
	for (uint32_t i = 0; i < c->client.connections; i++)
		read += (double)server_conn(tb->server, i)->bytes;
	double work = c->time_limit_ps ? (double)sim_now(s) / (double)c->time_limit_ps : 0;
	if (expected > 0 && read / expected > work)
		work = read / expected;
	tb->progress->fn(tb->progress->ctx, sim_now(s), c->time_limit_ps, sim_events_executed(s),
			 work > 1 ? 1 : work);
}

/* The window field of the NPU's active ACKs. The sender multiplies every
 * window field by the scale the host announced in its SYN-ACK (RFC 7323;
 * Linux offers 7), so the paper's 0xFFFF reads as 0xFFFF << 7 bytes; the
 * unscaled reading writes the field that makes it 0xFFFF bytes. */
static uint32_t active_ack_window_field(const struct testbed_config *c)
{
	return c->lro_ack_window_unscaled ? c->lro_ack_window >> c->server.tcp.wscale
					  : c->lro_ack_window;
}

static int build(struct testbed *tb, const struct testbed_config *c, struct testbed_result *r)
{
	const struct npu_param params[] = {
		{ "lro.mode", c->lro_mode },
		{ "lro.threshold", c->lro_threshold_bytes },
		{ "lro.max_aggregate", c->lro_max_aggregate_bytes },
		{ "lro.active_ack", c->lro_active_ack },
		{ "lro.ack_window", active_ack_window_field(c) },
		{ "lro.timeout_factor", c->lro_timeout_factor },
		{ "lro.timeout_rule", c->lro_timeout_rule },
		{ "lro.timeout_floor_ns", c->lro_timeout_floor_ps / 1000u },
		{ "lro.timeout_gap_ns", c->lro_timeout_gap_ps / 1000u },
		{ "lro.conns", c->lro_conns },
		{ "lro.pool_low_permille", (uint64_t)(c->lro_pool_low * 1000.0 + 0.5) },
		{ "lro.policy", c->lro_policy },
		{ "lro.flush_timeout_ns", c->lro_flush_timeout_ps / 1000u },
		{ "dma.lb", c->dma_lb },
		{ "dma.lb_window", c->dma_lb_window },
		{ "rx.threads", c->npu.rx_threads },
		{ "ring.rx_entries", c->ring_rx_entries },
		{ "timeout.period_cycles", c->timeout_period_cycles },
	};
	static struct npu_param kept[sizeof params / sizeof params[0]];
	memcpy(kept, params, sizeof params);
	tb->s = sim_create(c->seed);
	tb->pool = frame_pool_create();
	tb->link = link_create(tb->s, tb->pool, &c->link);
	/* BIG TCP: each rx descriptor's buffer takes the largest aggregate
	 * and its Ethernet header, in whole pages; the server's RAM grows to
	 * hold them all */
	struct server_config sc = c->server;
	struct pcie_config pc = c->pcie;
	uint64_t buf = ((uint64_t)c->lro_max_aggregate_bytes + 14u + 4095u) & ~(uint64_t)4095u;
	if (buf > sc.rx_buf_bytes) {
		sc.rx_buf_bytes = (uint32_t)buf;
		uint64_t need = buf * c->npu.rx_threads * c->ring_rx_entries + (64u << 20);
		if (need > pc.host_mem_bytes)
			pc.host_mem_bytes = need;
	}
	tb->pcie = pcie_create(tb->s, &pc);
	struct npu_config npu = c->npu;
	npu.tx_thread = npu.rx_threads;        /* the firmware's role layout */
	npu.pde = c->lro_mode ? PDE_HASH : PDE_ROUND_ROBIN;
	tb->npu = npu_create(tb->s, tb->pool, tb->link, tb->pcie, &npu, &firmware, kept,
			     sizeof kept / sizeof kept[0]);
	sc.client_port_base = c->client.port_base;   /* one setting, both ends */
	tb->server = server_create(tb->s, &sc, tb->pcie, c->seed, c->client.connections);
	struct client_config cc = c->client;
	if (c->ip6) {
		cc.ip6 = 1;
		cc.tcp.mss_bytes -= NETPKT_IP6_EXTRA;   /* the same MTU, a longer header */
	}
	tb->client = client_create(tb->s, &cc, tb->link, tb->pool, c->seed);
	static const char *const stream[2] = { "faults.client-to-npu", "faults.npu-to-client" };
	for (int d = 0; d < 2; d++) {
		if (faults_dir_init(&tb->faults[d], &c->faults[d], c->seed, stream[d]) != 0) {
			snprintf(r->integrity_message, sizeof r->integrity_message,
				 "fault rates must be 0..100%% and reorder_distance 1..%d",
				 FAULTS_MAX_REORDER);
			return -1;
		}
		if (faults_dir_enabled(&tb->faults[d]))
			link_set_faults(tb->link, (enum link_side)d, &tb->faults[d]);
	}
	if (c->trace_pcap && c->out_dir) {
		/* the fiber at the NPU, both directions, and the host's view */
		char path[4096];
		snprintf(path, sizeof path, "%s/wire.pcap", c->out_dir);
		tb->wire_tap = pcap_tap_open(path);
		snprintf(path, sizeof path, "%s/host.pcap", c->out_dir);
		tb->host_tap = pcap_tap_open(path);
		if (!tb->wire_tap || !tb->host_tap) {
			snprintf(r->integrity_message, sizeof r->integrity_message,
				 "cannot create the capture files in %s", c->out_dir);
			return -1;
		}
		link_set_tap(tb->link, on_wire_frame, tb->wire_tap);
		server_set_tap(tb->server, on_host_frame, tb->host_tap);
	}
	struct npu_probes probes = { .ctx = tb };
	if (c->trace_vcd && c->out_dir && open_vcd(tb, c, &probes) != 0) {
		snprintf(r->integrity_message, sizeof r->integrity_message,
			 "cannot create the waveform file in %s", c->out_dir);
		return -1;
	}
	if (c->trace_dma) {
		tb->report = dma_report_create();
		probes.dma_request = on_dma_request;
	}
	npu_set_probes(tb->npu, &probes);
	return 0;
}

/* Returns the number of trace files that could not be written; without
 * keep (a run that could not start) none is given its name. */
static unsigned teardown(struct testbed *tb, int keep)
{
	unsigned bad = 0;
	if (keep) {
		bad += pcap_tap_close(tb->wire_tap) != 0;
		bad += pcap_tap_close(tb->host_tap) != 0;
		bad += close_vcd(tb) != 0;
	} else {
		pcap_tap_discard(tb->wire_tap);
		pcap_tap_discard(tb->host_tap);
		if (tb->vcd_file) {
			vcd_finish(tb->vcd);
			atomic_file_discard(tb->vcd_file);
		}
	}
	for (int d = 0; d < 2; d++)
		faults_dir_release(&tb->faults[d], tb->pool);
	client_destroy(tb->client);
	server_destroy(tb->server);
	npu_destroy(tb->npu);
	link_destroy(tb->link);
	pcie_destroy(tb->pcie);
	sim_destroy(tb->s);
	frame_pool_destroy(tb->pool);
	dma_report_destroy(tb->report);
	return bad;
}

/* Bytes the sender saw acknowledged that the server's TCP dropped (its
 * socket buffer was full) can never arrive: the sender will not resend
 * what was acknowledged - the NPU's active ACK acknowledges before the host
 * has the data. The oracle says so instead of calling the run unfinished.
 * Acknowledged bytes still inside the NPU are late, not lost: the loss is
 * reported only when the first missing byte is one the server dropped. */
static void lost_after_ack(struct testbed *tb, uint32_t i, const struct tcp_sender_stats *cs,
			   const struct server_conn_stats *ss, struct testbed_result *r)
{
	const struct tcp_receiver_stats *ts = server_tcp_stats(tb->server, i);
	if (!ts)
		return;
	r->host_rmem_drops += ts->rmem_drops;
	/* data bytes only: the sender's count includes its FIN */
	uint64_t acked = cs->bytes_acked;
	if (acked > tb->cfg->client.bytes_per_connection)
		acked = tb->cfg->client.bytes_per_connection;
	if (acked <= ss->arrived || !server_hole_was_dropped(tb->server, i))
		return;
	r->lost_after_ack_bytes += acked - ss->arrived;
	if (!r->lost_after_ack_conn++)
		snprintf(r->lost_after_ack_message, sizeof r->lost_after_ack_message,
			 "connection %u: %" PRIu64 " bytes from offset %" PRIu64
			 " were acknowledged to the client but dropped by the server's TCP "
			 "(socket buffer full): lost for good",
			 i, acked - ss->arrived, ss->arrived);
}

static void collect(struct testbed *tb, const struct testbed_config *c, struct testbed_result *r)
{
	sim_time end = sim_now(tb->s);
	uint32_t n = c->client.connections;
	r->sim_end_ps = end;
	r->events = sim_events_executed(tb->s);
	sim_time first_est = SIM_TIME_MAX, last_eof = 0;
	for (uint32_t i = 0; i < n; i++) {
		const struct tcp_sender_stats *cs = client_conn(tb->client, i);
		const struct server_conn_stats *ss = server_conn(tb->server, i);
		r->syn_retransmits += cs->syn_retransmits;
		r->client_retransmits += cs->retransmits;
		r->client_rto_timeouts += cs->rto_timeouts;
		r->client_fast_retransmits += cs->fast_retransmits;
		r->client_writes += cs->writes;
		r->client_cwnd_restarts += cs->cwnd_restarts;
		r->client_sack_blocks += cs->sack_blocks;
		r->client_dsacks += cs->dsacks;
		r->client_undos += cs->undos;
		r->client_frto_spurious += cs->frto_spurious;
		r->paws_rejected += cs->paws_rejected;
		const struct tcp_receiver_stats *hs = server_tcp_stats(tb->server, i);
		if (hs) {
			r->host_sack_acks += hs->sack_acks;
			r->host_dsack_acks += hs->dsack_acks;
			r->paws_rejected += hs->paws_rejected;
		}
		if (cs->established_ps != SIM_TIME_MAX) {
			r->established++;
			r->established_after_syn_retransmit += cs->syn_retransmits > 0;
		}
		if (cs->syn_first_ps == SIM_TIME_MAX)
			r->never_attempted++;
		else if (client_conn_state(tb->client, i) == TCP_SENDER_FAILED ||
			 cs->established_ps == SIM_TIME_MAX)
			r->failed_connections++;
		if (ss->established_ps < first_est)
			first_est = ss->established_ps;
		/* complete: read to EOF, or (a connection left open) every byte read */
		sim_time done = ss->eof_ps;
		if (done == SIM_TIME_MAX && !c->client.tcp.close &&
		    ss->bytes == c->client.bytes_per_connection)
			done = ss->last_byte_ps;
		if (done != SIM_TIME_MAX) {
			r->completed++;
			if (done > last_eof)
				last_eof = done;
		}
		if (ss->last_byte_ps > r->last_delivery_ps)
			r->last_delivery_ps = ss->last_byte_ps;
		r->bytes_received += ss->bytes;
		lost_after_ack(tb, i, cs, ss, r);
	}
	/* the paper's metric: bytes received over the time from establishment
	 * to completion (server side); unfinished runs count until the end */
	sim_time until = r->completed == n ? last_eof : end;
	if (first_est != SIM_TIME_MAX && until > first_est)
		r->throughput_gbps = (double)r->bytes_received * 8.0 /
				     sim_time_to_seconds(until - first_est) / 1e9;
	const struct server_stats *sv = server_stats(tb->server);
	r->server = *sv;
	r->listen = *server_listen_stats(tb->server);
	r->client = *client_stats(tb->client);
	r->integrity_ok = sv->integrity_failures == 0 && r->lost_after_ack_conn == 0;
	if (sv->integrity_failures)
		snprintf(r->integrity_message, sizeof r->integrity_message, "%s", sv->first_failure);
	else if (r->lost_after_ack_conn)
		snprintf(r->integrity_message, sizeof r->integrity_message, "%s (%u connection(s))",
			 r->lost_after_ack_message, r->lost_after_ack_conn);
	else if (r->completed < n - r->failed_connections - r->never_attempted)
		snprintf(r->integrity_message, sizeof r->integrity_message,
			 "%u of %u connections unfinished at the time limit (bytes so far verified)",
			 n - r->failed_connections - r->never_attempted - r->completed, n);
	npu_finish(tb->npu);
	fw_counters(npu_firmware_state(tb->npu), &r->fw);
	r->dma = *npu_dma_stats(tb->npu);
	r->mac = npu_mac_stats(tb->npu);
	for (int d = 0; d < 2; d++)
		r->faults[d] = tb->faults[d].stats;
	double span = end ? (double)end : 1.0;
	for (unsigned t = 0; t < NPU_THREADS; t++) {
		const struct npu_thread_stats *ts = npu_thread_stats(tb->npu, t);
		r->npu_thread_busy[t] = (double)ts->busy_ps / span;
		r->npu_thread_mem[t] = (double)ts->mem_ps / span;
		r->npu_thread_role[t] = fw_thread_role(npu_firmware_state(tb->npu), t);
	}
	r->dma_busy = (double)r->dma.busy_ps / span;
	r->ddr_busy = (double)npu_ddr(tb->npu)->bus_busy_ps / span;
	r->pcie_busy = (double)pcie_stats(tb->pcie)->busy_ps / span;
	/* the busiest core (all of the work when one core takes every interrupt) */
	r->host_cpu_busy = 0;
	for (unsigned k = 0; k < SERVER_MAX_CORES; k++) {
		r->host_core_busy[k] = (double)sv->core_busy_ps[k] / span;
		if (r->host_core_busy[k] > r->host_cpu_busy)
			r->host_cpu_busy = r->host_core_busy[k];
	}
	r->dma_wait_p50_ns = sim_hist_percentile(&r->dma.wait_ns, 50);
	r->dma_wait_p99_ns = sim_hist_percentile(&r->dma.wait_ns, 99);
	r->dma_wait_max_ns = r->dma.wait_ns.max;
	r->dma_depth_mean = sim_tavg_mean(&r->dma.depth, end);
}

/* connections.csv: the establishment timeline the plots draw. Returns 0,
 * or -1 when it could not be written (named on stderr). */
static int write_connections(struct testbed *tb, const struct testbed_config *c)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/connections.csv", c->out_dir);
	struct atomic_file *af = atomic_file_create(path);
	if (!af)
		return -1;
	FILE *f = atomic_file_stream(af);
	fprintf(f, "conn,syn_first_s,syn_retransmits,established_s,completed_s,bytes\n");
	for (uint32_t i = 0; i < c->client.connections; i++) {
		const struct tcp_sender_stats *cs = client_conn(tb->client, i);
		const struct server_conn_stats *ss = server_conn(tb->server, i);
		fprintf(f, "%u,", i);
		sim_time t[3] = { cs->syn_first_ps, cs->established_ps, ss->eof_ps };
		for (int k = 0; k < 3; k++) {
			if (t[k] == SIM_TIME_MAX)
				fprintf(f, "%s,", k == 0 ? "" : "");
			else
				fprintf(f, "%.6f,", sim_time_to_seconds(t[k]));
			if (k == 0)
				fprintf(f, "%u,", cs->syn_retransmits);
		}
		fprintf(f, "%llu\n", (unsigned long long)ss->bytes);
	}
	return atomic_file_finish(af);
}

static void write_dma_report(struct testbed *tb, const struct testbed_config *c,
			     struct testbed_result *r)
{
	npu_dma_trace_pending(tb->npu);
	uint32_t n = c->client.connections;
	struct dma_report_conn *conns = calloc(n, sizeof *conns);
	for (uint32_t i = 0; conns && i < n; i++) {
		const struct tcp_sender_stats *cs = client_conn(tb->client, i);
		conns[i].syn_first_ps = cs->syn_first_ps;
		conns[i].established_ps = cs->established_ps;
		conns[i].syn_retransmits = cs->syn_retransmits;
	}
	struct dma_report_summary sum;
	dma_report_summarize(tb->report, r->sim_end_ps, c->client.tcp.syn_rto_ps, &sum);
	r->dma_starved_connections = sum.starved_connections;
	if (c->out_dir && conns) {
		sim_time interval = r->sim_end_ps / 2000 ? r->sim_end_ps / 2000 : 1;
		int rc = dma_report_write(tb->report, c->out_dir, interval, r->sim_end_ps, conns, n);
		if (rc != 0)
			r->output_errors++;     /* the file is named on stderr */
	}
	free(conns);
}

/* Every connection failed, or the client is done and the server has read
 * every byte (data the NPU still holds counts as not delivered). */
static int all_done(const struct testbed *tb)
{
	uint32_t n = tb->cfg->client.connections;
	if (client_finished(tb->client) < n)
		return 0;
	for (uint32_t i = 0; i < n; i++)
		if (client_conn_state(tb->client, i) != TCP_SENDER_FAILED &&
		    server_conn(tb->server, i)->bytes < tb->cfg->client.bytes_per_connection)
			return 0;
	return 1;
}

int testbed_run(const struct testbed_config *c, struct testbed_result *r,
		const struct testbed_progress *progress)
{
	struct testbed tb;
	memset(&tb, 0, sizeof tb);
	memset(r, 0, sizeof *r);
	tb.cfg = c;
	tb.progress = progress;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (build(&tb, c, r) != 0) {
		teardown(&tb, 0);
		return -1;
	}
	if (progress && progress->fn)
		sim_set_progress(tb.s, 1u << 20, on_progress, &tb);
	client_start(tb.client);
	/* run in slices until every connection has finished or failed */
	sim_time slice = sim_ms(1);
	while (sim_now(tb.s) < c->time_limit_ps && !all_done(&tb)) {
		sim_time next = sim_now(tb.s) + slice;
		sim_run_until(tb.s, next < c->time_limit_ps ? next : c->time_limit_ps);
		if (sim_events_pending(tb.s) == 0)
			break;
	}
	collect(&tb, c, r);
	if (c->out_dir && write_connections(&tb, c) != 0)
		r->output_errors++;
	if (tb.report)
		write_dma_report(&tb, c, r);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	r->wall_seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
	r->output_errors += teardown(&tb, 1);
	return 0;
}
