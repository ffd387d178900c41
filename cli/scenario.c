/* cli/scenario.c - the scenario parser, its key table and sweep expansion. */
#include "cli/scenario.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "cli/json.h"
#include "sim/rng.h"

enum key_type { T_INT, T_BOOL, T_ENUM, T_TIME, T_BYTES, T_RATE, T_FREQ, T_RATIO, T_REAL, T_STRING };
enum store { S_NONE, S_U32, S_U64, S_U16, S_U8, S_TIME, S_DOUBLE, S_ENUM, S_FAULT_RATE,
	     S_FAULT_U32, S_FAULT_TIME };

struct scenario_key {
	const char *section, *name;
	enum key_type type;
	const char *dflt;
	double min, max;               /* in the key's base unit */
	const char *enums;             /* "a|b|c": stored as the index; for a
					* T_INT, a word accepted instead of a
					* number (resolved by scenario_config) */
	const char *unit;              /* for the reference */
	const char *help;
	enum store store;
	size_t offset;                 /* in struct testbed_config (or faults_dir_config) */
};

#define TB(f) offsetof(struct testbed_config, f)
#define FD(f) offsetof(struct faults_dir_config, f)

static const struct scenario_key keys[] = {
	{ "run", "name", T_STRING, "", 0, 0, NULL, "", "scenario name (default: file name)", S_NONE, 0 },
	{ "run", "seed", T_INT, "1", 0, 1e18, NULL, "", "seed of every random stream", S_U64, TB(seed) },
	{ "run", "repeat", T_INT, "1", 1, 1000, NULL, "", "runs per sweep point, seeds derived from seed", S_NONE, 0 },
	{ "run", "connections", T_INT, "1", 1, 10000, NULL, "", "TCP connections the client opens", S_U32, TB(client.connections) },
	{ "run", "mode", T_ENUM, "lro", 0, 0, "nic|lro", "", "firmware mode: plain NIC or LRO", S_U32, TB(lro_mode) },
	{ "run", "connect", T_ENUM, "all-then-send", 0, 0, "sequential|all-then-send|simultaneous", "", "client connect pattern (see docs/ARCHITECTURE.md)", S_ENUM, TB(client.pattern) },
	{ "run", "bytes_per_connection", T_BYTES, "4MiB", 1, 2147483647, NULL, "bytes", "bytes each connection sends", S_U64, TB(client.bytes_per_connection) },
	{ "run", "write_size", T_BYTES, "0", 0, 2147483647, NULL, "bytes", "the test program's write size (0: all bytes in one write)", S_U64, TB(client.tcp.write_bytes) },
	{ "run", "write_pause", T_TIME, "0", 0, 1e6, NULL, "s", "the test program's pause after a write is acknowledged, before the next", S_TIME, TB(client.tcp.write_pause_ps) },
	{ "run", "close", T_BOOL, "on", 0, 1, NULL, "", "close each connection (FIN) after its data, or keep it open", S_U32, TB(client.tcp.close) },
	{ "run", "time_limit", T_TIME, "30s", 1e-6, 1e6, NULL, "s", "stop the run at this simulated time", S_TIME, TB(time_limit_ps) },

	{ "lro", "threshold", T_BYTES, "64KiB", 1, 1048576, NULL, "bytes", "flush a flow's contiguous run at this size", S_U32, TB(lro_threshold_bytes) },
	{ "lro", "active_ack", T_BOOL, "on", 0, 1, NULL, "", "NPU ACKs every accepted segment (paper V.C)", S_U32, TB(lro_active_ack) },
	{ "lro", "ack_window", T_INT, "65535", 0, 65535, NULL, "", "raw window field of active ACKs", S_U32, TB(lro_ack_window) },
	{ "lro", "timeout_factor", T_INT, "10", 1, 1000000, NULL, "", "receive timeout after factor x average interval", S_U32, TB(lro_timeout_factor) },
	{ "lro", "pool_low", T_RATIO, "6%", 0, 0.5, NULL, "", "free packet buffers below this share: rx threads release held data", S_DOUBLE, TB(lro_pool_low) },
	{ "lro", "conns", T_INT, "64", 1, 1024, NULL, "", "connection descriptors per rx thread", S_U32, TB(lro_conns) },
	{ "lro", "timeout_period", T_INT, "20000", 100, 1e8, NULL, "cycles", "idle time of the timeout thread between scans", S_U32, TB(timeout_period_cycles) },

	{ "dma", "buffer", T_ENUM, "stack", 0, 0, "stack|fifo", "", "DMA request buffer order", S_ENUM, TB(npu.dma_buffer) },
	{ "dma", "depth", T_INT, "64", 1, 4096, NULL, "entries", "DMA request buffer entries", S_U32, TB(npu.dma_depth) },
	{ "dma", "lb", T_BOOL, "on", 0, 1, NULL, "", "round-robin DMA load balancing (paper V.B)", S_U32, TB(dma_lb) },
	{ "dma", "lb_window", T_INT, "1", 1, 64, NULL, "requests", "balancer's requests allowed in the engine's buffer", S_U32, TB(dma_lb_window) },
	{ "dma", "request_overhead", T_TIME, "100ns", 0, 1e-3, NULL, "s", "fixed cost per DMA request (the calibrated knob)", S_TIME, TB(npu.dma_request_overhead_ps) },

	{ "npu", "clock", T_FREQ, "1GHz", 1e8, 5e9, NULL, "Hz", "core clock", S_U64, TB(npu.clock_hz) },
	{ "npu", "rx_threads", T_INT, "13", 1, 13, NULL, "", "receive threads", S_U32, TB(npu.rx_threads) },

	{ "ddr", "latency", T_TIME, "120ns", 1e-9, 1e-5, NULL, "s", "DRAM load-to-use miss latency", S_TIME, TB(npu.ddr.latency_ps) },
	{ "ddr", "bandwidth", T_RATE, "51.2Gbps", 1e8, 1e12, NULL, "bit/s", "DRAM bus bandwidth, shared by the threads and the DMA engine", S_U64, TB(npu.ddr.bytes_per_s) },

	{ "fmn", "hop", T_TIME, "30ns", 0, 1e-5, NULL, "s", "FMN message latency", S_TIME, TB(npu.fmn_hop_ps) },
	{ "fmn", "bucket_depth", T_INT, "32", 1, 256, NULL, "messages", "FMN bucket entries per sender group", S_U32, TB(npu.thread_bucket_depth) },
	{ "fmn", "dma_credits_per_core", T_INT, "16", 1, 64, NULL, "", "FMN credits of each core for the DMA engine's bucket", S_U32, TB(npu.dma_credits_per_core) },
	{ "npu", "rx_fifo", T_BYTES, "64KiB", 1518, 1e8, NULL, "bytes", "MAC receive FIFO", S_U32, TB(npu.rx_fifo_bytes) },
	{ "npu", "flow_control", T_BOOL, "on", 0, 1, NULL, "", "802.3x PAUSE to the client when the rx FIFO fills", S_ENUM, TB(npu.flow_control) },
	{ "npu", "pkt_buffers", T_INT, "4608", 64, 1048576, NULL, "", "packet buffers (2 KB each) in NPU DRAM", S_U32, TB(npu.pkt_buffers) },
	{ "npu", "tx_reserve", T_RATIO, "1%", 0, 0.5, NULL, "", "share of the packet buffers the MAC may not take: kept for frames the NPU sends", S_DOUBLE, TB(npu.tx_reserve) },
	{ "npu", "ring_entries", T_INT, "256", 4, 1024, NULL, "", "descriptors per rx ring", S_U32, TB(ring_rx_entries) },

	{ "pcie", "generation", T_INT, "1", 1, 3, NULL, "", "PCIe generation", S_U32, TB(pcie.generation) },
	{ "pcie", "lanes", T_INT, "4", 1, 16, NULL, "", "PCIe lanes", S_U32, TB(pcie.lanes) },
	{ "pcie", "max_payload", T_BYTES, "128B", 128, 4096, NULL, "bytes", "max payload size (MPS)", S_U32, TB(pcie.max_payload) },
	{ "pcie", "tlp_overhead", T_BYTES, "24B", 12, 64, NULL, "bytes", "bytes per TLP beyond its payload", S_U32, TB(pcie.tlp_overhead) },
	{ "pcie", "dllp_overhead", T_RATIO, "2%", 0, 0.5, NULL, "", "link time taken by DLLPs and SKPs", S_DOUBLE, TB(pcie.dllp_overhead) },
	{ "pcie", "write_latency", T_TIME, "250ns", 0, 1e-4, NULL, "s", "posted write latency", S_TIME, TB(pcie.write_latency_ps) },
	{ "pcie", "read_latency", T_TIME, "900ns", 0, 1e-4, NULL, "s", "host read of device memory", S_TIME, TB(pcie.read_latency_ps) },

	{ "link", "rate", T_RATE, "10Gbps", 1e6, 1e12, NULL, "bit/s", "fiber line rate", S_U64, TB(link.rate_bps) },
	{ "link", "propagation", T_TIME, "50ns", 0, 1, NULL, "s", "fiber propagation delay", S_TIME, TB(link.propagation_ps) },
	{ "link", "tx_queue", T_INT, "4096", 16, 1e6, NULL, "frames", "transmit queue per direction", S_U32, TB(link.tx_queue_frames) },

	{ "host", "cpu", T_FREQ, "2.93GHz", 1e8, 1e10, NULL, "Hz", "server core clock", S_U64, TB(server.cpu_hz) },
	{ "host", "irq_cycles", T_INT, "3000", 0, 1e7, NULL, "cycles", "per MSI taken", S_U32, TB(server.irq_cycles) },
	{ "host", "poll_cycles", T_INT, "1000", 0, 1e7, NULL, "cycles", "per NAPI poll round", S_U32, TB(server.poll_cycles) },
	{ "host", "packet_cycles", T_INT, "9000", 0, 1e7, NULL, "cycles", "per frame: driver, skb, IP, TCP", S_U32, TB(server.packet_cycles) },
	{ "host", "byte_cycles", T_REAL, "1.0", 0, 100, NULL, "cycles", "per payload byte copied to the application", S_DOUBLE, TB(server.byte_cycles) },
	{ "host", "tx_cycles", T_INT, "1500", 0, 1e7, NULL, "cycles", "per frame the host sends", S_U32, TB(server.tx_cycles) },
	{ "host", "napi_weight", T_INT, "64", 1, 4096, NULL, "", "frames per ring per poll", S_U32, TB(server.napi_weight) },
	{ "host", "napi_budget", T_INT, "300", 1, 100000, NULL, "", "frames per poll round (netdev_budget)", S_U32, TB(server.napi_budget) },
	{ "host", "read_rate", T_RATE, "0", 0, 1e12, NULL, "bit/s", "rate at which the test program reads each connection (0: as data arrives)", S_U64, TB(server.app_read_bps) },
	{ "host", "rcvbuf", T_BYTES, "256KiB", 4096, 1e9, NULL, "bytes", "socket receive buffer", S_U64, TB(server.tcp.rcvbuf_bytes) },
	{ "host", "tx_wake", T_TIME, "10us", 1e-7, 1e-2, NULL, "s", "while frames wait in the qdisc, the driver looks at the full tx ring again after this (its tx-completion interrupt, spaced by interrupt moderation)", S_TIME, TB(server.tx_wake_ps) },
	{ "host", "txqueuelen", T_INT, "1000", 1, 100000, NULL, "frames", "qdisc in front of the NIC's tx ring (frames beyond it are dropped)", S_U32, TB(server.txqueuelen) },
	{ "host", "tx_dma", T_BOOL, "on", 0, 1, NULL, "", "the driver leaves sent frames (ACKs, SYN-ACKs) in host memory and the NPU's tx thread fetches each with the DMA engine (else the driver copies them into the tx ring in device memory)", S_U32, TB(server.tx_dma) },
	{ "host", "delack", T_TIME, "40ms", 1e-3, 1, NULL, "s", "delayed-ACK timeout (ATO)", S_TIME, TB(server.tcp.ato_min_ps) },

	{ "host", "listen_backlog", T_INT, "128", 1, 65535, NULL, "", "the server test program's listen() backlog (capped at host.somaxconn): the accept queue's size, and with tcp_max_syn_backlog the SYN queue's", S_U32, TB(server.listen.backlog) },
	{ "host", "somaxconn", T_INT, "128", 1, 65535, NULL, "", "net.core.somaxconn: the largest listen backlog", S_U32, TB(server.listen.somaxconn) },
	{ "host", "max_syn_backlog", T_INT, "1024", 1, 65535, NULL, "", "net.ipv4.tcp_max_syn_backlog (2.6.32 sets 1024 on a machine of this size)", S_U32, TB(server.listen.max_syn_backlog) },
	{ "host", "syncookies", T_BOOL, "on", 0, 1, NULL, "", "net.ipv4.tcp_syncookies: a full SYN queue answers with a cookie instead of dropping the SYN (RHEL 6.4's /etc/sysctl.conf sets 1)", S_U32, TB(server.listen.syncookies) },
	{ "host", "synack_retries", T_INT, "5", 0, 255, NULL, "", "net.ipv4.tcp_synack_retries: SYN-ACK retransmissions before a request is dropped", S_U32, TB(server.listen.synack_retries) },
	{ "host", "accept_time", T_TIME, "20us", 0, 1, NULL, "s", "the server test program's time per accepted connection (accept() and starting the connection's thread)", S_TIME, TB(server.listen.accept_ps) },
	{ "client", "mss", T_INT, "1448", 88, 9000, NULL, "bytes", "payload per segment", S_U32, TB(client.tcp.mss_bytes) },
	{ "client", "init_cwnd", T_INT, "3", 1, 100, NULL, "segments", "initial congestion window", S_U32, TB(client.tcp.init_cwnd_segments) },
	{ "client", "syn_rto", T_TIME, "3s", 1e-3, 60, NULL, "s", "initial SYN retransmission timeout", S_TIME, TB(client.tcp.syn_rto_ps) },
	{ "client", "syn_retries", T_INT, "5", 0, 20, NULL, "", "SYN retransmissions before connect fails", S_U32, TB(client.tcp.syn_retries) },
	{ "client", "port_base", T_INT, "40000", 1024, 65535, "random", "", "source port of connection 0 (connection i uses port_base + i; the ports decide the 4-tuple hash that spreads flows over rx threads); `random`: as connect() leaves it to Linux, a start in 32768-61000 drawn from the run's seed", S_U16, TB(client.port_base) },
	{ "client", "thread_start", T_TIME, "20us", 0, 1, NULL, "s", "time between the test program's starts of two connection threads, each of which calls connect() at once (connect = simultaneous; pthread_create costs 10-50 us)", S_TIME, TB(client.thread_start_ps) },
	{ "client", "slow_start_after_idle", T_BOOL, "on", 0, 1, NULL, "", "restart the window after an idle RTO (RFC 2861, Linux's default)", S_U32, TB(client.tcp.slow_start_after_idle) },
	{ "client", "rto_min", T_TIME, "200ms", 1e-3, 10, NULL, "s", "minimum RTO", S_TIME, TB(client.tcp.rto_min_ps) },

	{ "trace", "pcap", T_BOOL, "off", 0, 1, NULL, "", "write run-N/wire.pcap (the fiber at the NPU) and host.pcap (frames the host stack receives)", S_U32, TB(trace_pcap) },
	{ "trace", "vcd", T_BOOL, "off", 0, 1, NULL, "", "write run-N/waves.vcd (thread states, FMN bucket depths, DMA buffer depth, rx FIFO) for GTKWave", S_U32, TB(trace_vcd) },
	{ "trace", "dma", T_BOOL, "off", 0, 1, NULL, "", "write the DMA report (dma_requests.csv, dma_depth.csv, dma_report.txt)", S_U32, TB(trace_dma) },

	{ "faults", "loss", T_RATIO, "0", 0, 1, NULL, "", "frames lost, each direction", S_FAULT_RATE, FD(loss) },
	{ "faults", "duplicate", T_RATIO, "0", 0, 1, NULL, "", "frames duplicated", S_FAULT_RATE, FD(duplicate) },
	{ "faults", "reorder", T_RATIO, "0", 0, 1, NULL, "", "frames held back", S_FAULT_RATE, FD(reorder) },
	{ "faults", "reorder_distance", T_INT, "3", 1, 64, NULL, "frames", "frames that overtake a held one", S_FAULT_U32, FD(reorder_distance) },
	{ "faults", "corrupt", T_RATIO, "0", 0, 1, NULL, "", "frames with one bit flipped", S_FAULT_RATE, FD(corrupt) },
	{ "faults", "link_down", T_RATIO, "0", 0, 1, NULL, "", "frames that start a link-down interval", S_FAULT_RATE, FD(link_down) },
	{ "faults", "link_down_time", T_TIME, "10ms", 0, 10, NULL, "s", "length of a link-down interval", S_FAULT_TIME, FD(link_down_ps) },
};

#define N_KEYS (sizeof keys / sizeof keys[0])

static const struct scenario_key *find_key(const char *section, const char *name)
{
	for (size_t i = 0; i < N_KEYS; i++)
		if (strcmp(keys[i].section, section) == 0 && strcmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
}

static int section_known(const char *section)
{
	for (size_t i = 0; i < N_KEYS; i++)
		if (strcmp(keys[i].section, section) == 0)
			return 1;
	return 0;
}

/* ---- value parsing ---- */

struct unit { const char *suffix; double scale; };

static const struct unit time_units[] = { { "ps", 1e-12 }, { "ns", 1e-9 }, { "us", 1e-6 },
	{ "ms", 1e-3 }, { "s", 1 }, { NULL, 0 } };
static const struct unit byte_units[] = { { "B", 1 }, { "KiB", 1024 }, { "MiB", 1048576 },
	{ "GiB", 1073741824.0 }, { "KB", 1e3 }, { "MB", 1e6 }, { "GB", 1e9 }, { NULL, 0 } };
static const struct unit rate_units[] = { { "bps", 1 }, { "Kbps", 1e3 }, { "Mbps", 1e6 },
	{ "Gbps", 1e9 }, { NULL, 0 } };
static const struct unit freq_units[] = { { "Hz", 1 }, { "kHz", 1e3 }, { "MHz", 1e6 },
	{ "GHz", 1e9 }, { NULL, 0 } };

static int parse_number(const char *s, double *v, const char **rest)
{
	char *end;
	errno = 0;
	*v = strtod(s, &end);
	if (end == s || errno || !isfinite(*v))
		return -1;
	*rest = end;
	return 0;
}

static int parse_with_units(const char *s, const struct unit *u, int unit_optional, double *out,
			    char *why, size_t why_len)
{
	double v;
	const char *rest;
	if (parse_number(s, &v, &rest) != 0) {
		snprintf(why, why_len, "'%s' is not a number", s);
		return -1;
	}
	while (*rest == ' ')
		rest++;
	if (*rest == 0) {
		if (unit_optional || v == 0) {
			*out = v;
			return 0;
		}
		snprintf(why, why_len, "'%s' needs a unit (e.g. %s)", s, u[1].suffix ? u[1].suffix : u[0].suffix);
		return -1;
	}
	for (; u->suffix; u++) {
		if (strcmp(rest, u->suffix) == 0) {
			*out = v * u->scale;
			return 0;
		}
	}
	snprintf(why, why_len, "unknown unit '%s' in '%s'", rest, s);
	return -1;
}

/* What parse_value gives for a T_INT key's word (client.port_base = random). */
#define WORD_VALUE (-1.0)

/* A single value of key k, in its base unit (s, bytes, bit/s, Hz, ratio). */
static int parse_value(const struct scenario_key *k, const char *s, double *out, char *why,
		       size_t why_len)
{
	switch (k->type) {
	case T_STRING:
		*out = 0;
		return 0;
	case T_BOOL:
		if (!strcmp(s, "on") || !strcmp(s, "true") || !strcmp(s, "yes") || !strcmp(s, "1"))
			*out = 1;
		else if (!strcmp(s, "off") || !strcmp(s, "false") || !strcmp(s, "no") || !strcmp(s, "0"))
			*out = 0;
		else {
			snprintf(why, why_len, "'%s' is not on/off", s);
			return -1;
		}
		return 0;
	case T_ENUM: {
		const char *e = k->enums;
		for (int i = 0; *e; i++) {
			const char *bar = strchr(e, '|');
			size_t len = bar ? (size_t)(bar - e) : strlen(e);
			if (strlen(s) == len && strncmp(s, e, len) == 0) {
				*out = i;
				return 0;
			}
			e += len + (bar ? 1 : 0);
		}
		snprintf(why, why_len, "'%s' is not one of %s", s, k->enums);
		return -1;
	}
	case T_INT:
		if (k->enums && !strcmp(s, k->enums)) {
			*out = WORD_VALUE;
			return 0;
		}
		/* fall through */
	case T_REAL: {
		const char *rest;
		if (parse_number(s, out, &rest) != 0 || *rest) {
			snprintf(why, why_len, "'%s' is not a number", s);
			return -1;
		}
		/* decimal digits only, so that the readers of whole numbers
		 * (strtoull for the seed, atoi for repeat) see this value */
		if (k->type == T_INT && (*out != floor(*out) || s[strspn(s, "0123456789")] != 0)) {
			snprintf(why, why_len, "'%s' is not a whole number", s);
			return -1;
		}
		break;
	}
	case T_TIME:
		if (parse_with_units(s, time_units, 0, out, why, why_len))
			return -1;
		break;
	case T_BYTES:
		if (parse_with_units(s, byte_units, 1, out, why, why_len))
			return -1;
		break;
	case T_RATE:
		if (parse_with_units(s, rate_units, 0, out, why, why_len))
			return -1;
		break;
	case T_FREQ:
		if (parse_with_units(s, freq_units, 0, out, why, why_len))
			return -1;
		break;
	case T_RATIO: {
		const char *rest;
		if (parse_number(s, out, &rest) != 0 || (*rest && strcmp(rest, "%") != 0)) {
			snprintf(why, why_len, "'%s' is not a ratio (e.g. 1%% or 0.01)", s);
			return -1;
		}
		if (*rest)
			*out /= 100.0;
		break;
	}
	}
	if (*out < k->min || *out > k->max) {
		snprintf(why, why_len, "%s is out of range [%g, %g]%s%s", s, k->min, k->max,
			 *k->unit ? " " : "", k->unit);
		return -1;
	}
	return 0;
}

/* ---- scenario state ---- */

int scenario_init(struct scenario *sc)
{
	memset(sc, 0, sizeof *sc);
	sc->n_entries = N_KEYS;
	sc->entries = calloc(N_KEYS, sizeof *sc->entries);
	if (!sc->entries)
		return -1;
	for (size_t i = 0; i < N_KEYS; i++) {
		sc->entries[i].key = &keys[i];
		sc->entries[i].values[0] = strdup(keys[i].dflt);
		sc->entries[i].n_values = 1;
		snprintf(sc->entries[i].origin, sizeof sc->entries[i].origin, "default");
	}
	return 0;
}

void scenario_free(struct scenario *sc)
{
	for (unsigned i = 0; i < sc->n_entries; i++)
		for (unsigned v = 0; v < sc->entries[i].n_values; v++)
			free(sc->entries[i].values[v]);
	free(sc->entries);
	sc->entries = NULL;
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	char *e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = 0;
	return s;
}

static void free_values(char **vals, unsigned *n)
{
	for (unsigned i = 0; i < *n; i++)
		free(vals[i]);
	*n = 0;
}

/* Expand "a,b,c", "lo..hi", "lo..hi step s", "lo..hi xf" into values (on
 * error none are left allocated). */
static int expand(const struct scenario_key *k, char *text, char **vals, unsigned *n,
		  char *why, size_t why_len)
{
	*n = 0;
	char *dots = strstr(text, "..");
	if (dots && k->type != T_STRING) {
		*dots = 0;
		char *lo_s = trim(text), *hi_s = trim(dots + 2);
		double step = 1, factor = 0;
		char *mod = strpbrk(hi_s, " \t");
		if (mod) {
			*mod++ = 0;
			mod = trim(mod);
			if (strncmp(mod, "step", 4) == 0)
				step = atof(mod + 4);
			else if (mod[0] == 'x')
				factor = atof(mod + 1);
			else {
				snprintf(why, why_len, "range modifier '%s' is not 'step N' or 'xF'", mod);
				return -1;
			}
		}
		if (k->type != T_INT) {
			snprintf(why, why_len, "ranges are for whole numbers; list the values instead");
			return -1;
		}
		double lo, hi;
		if (parse_value(k, lo_s, &lo, why, why_len) || parse_value(k, hi_s, &hi, why, why_len))
			return -1;
		if (lo == WORD_VALUE || hi == WORD_VALUE) {
			snprintf(why, why_len, "'%s' cannot bound a range", k->enums);
			return -1;
		}
		if ((factor == 0 && step <= 0) || (factor != 0 && (factor <= 1 || lo <= 0)) || hi < lo) {
			snprintf(why, why_len, "range %s..%s does not progress", lo_s, hi_s);
			return -1;
		}
		for (double v = lo; v <= hi + 1e-9; v = factor ? v * factor : v + step) {
			if (*n == SCENARIO_MAX_VALUES) {
				snprintf(why, why_len, "more than %d values", SCENARIO_MAX_VALUES);
				free_values(vals, n);
				return -1;
			}
			char buf[64];
			snprintf(buf, sizeof buf, "%.0f", v);
			vals[(*n)++] = strdup(buf);
		}
		return 0;
	}
	char *save = NULL;
	for (char *tok = strtok_r(text, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		tok = trim(tok);
		double v;
		if (*n == SCENARIO_MAX_VALUES) {
			snprintf(why, why_len, "more than %d values", SCENARIO_MAX_VALUES);
			free_values(vals, n);
			return -1;
		}
		if (parse_value(k, tok, &v, why, why_len)) {
			free_values(vals, n);
			return -1;
		}
		vals[(*n)++] = strdup(tok);
	}
	if (*n == 0) {
		snprintf(why, why_len, "empty value");
		return -1;
	}
	return 0;
}

static const struct scenario_entry *entry(const struct scenario *sc, const char *section,
					  const char *name)
{
	const struct scenario_key *k = find_key(section, name);
	return k ? &sc->entries[k - keys] : NULL;
}

unsigned scenario_repeats(const struct scenario *sc)
{
	return (unsigned)atoi(entry(sc, "run", "repeat")->values[0]);
}

/* Runs the scenario would expand into with key idx given n values and
 * `repeat` repeats (saturating above SCENARIO_MAX_RUNS). */
static uint64_t runs_with(const struct scenario *sc, unsigned idx, unsigned n, uint64_t repeat)
{
	uint64_t runs = repeat * n;
	for (unsigned i = 0; i < sc->n_sweeps && runs <= SCENARIO_MAX_RUNS; i++)
		if (sc->sweep_order[i] != idx)
			runs *= sc->entries[sc->sweep_order[i]].n_values;
	return runs;
}

/* Why a scenario name cannot be used, or NULL. The name becomes a folder
 * (results/NAME) and appears in plot titles: one path component of
 * printable characters. */
static const char *name_problem(const char *s)
{
	if (!*s)
		return "is empty";
	if (strchr(s, '/'))
		return "holds a '/' (the name is one folder)";
	if (strstr(s, ".."))
		return "holds '..'";
	if (!strcmp(s, "."))
		return "is '.'";
	if (strlen(s) >= sizeof ((struct scenario *)0)->name)
		return "is longer than 127 characters";
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return "holds a control character";
	return NULL;
}

static int assign(struct scenario *sc, const char *section, const char *name, char *value,
		  const char *origin, char *err, size_t err_len)
{
	const struct scenario_key *k = find_key(section, name);
	if (!k) {
		if (!section_known(section))
			snprintf(err, err_len, "%s: unknown section [%s]", origin, section);
		else
			snprintf(err, err_len, "%s: unknown key '%s' in [%s] (see npusim keys)", origin,
				 name, section);
		return -1;
	}
	struct scenario_entry *e = &sc->entries[k - keys];
	char *vals[SCENARIO_MAX_VALUES];
	unsigned n;
	char why[200];
	if (k->type == T_STRING) {
		const char *bad = !strcmp(section, "run") && !strcmp(name, "name")
			? name_problem(value) : NULL;
		if (bad) {
			snprintf(err, err_len, "%s: %s.%s: '%.100s' %s", origin, section, name, value, bad);
			return -1;
		}
		vals[0] = strdup(value);
		n = 1;
	} else if (expand(k, value, vals, &n, why, sizeof why) != 0) {
		snprintf(err, err_len, "%s: %s.%s: %s", origin, section, name, why);
		return -1;
	}
	if (n > 1 && strcmp(section, "run") == 0 &&
	    (!strcmp(name, "seed") || !strcmp(name, "repeat") || !strcmp(name, "name"))) {
		snprintf(err, err_len, "%s: %s.%s cannot be swept", origin, section, name);
		for (unsigned i = 0; i < n; i++)
			free(vals[i]);
		return -1;
	}
	/* a bounded expansion (the run count stays an unsigned, and at most
	 * 19 keys can be swept, well within sweep_order) */
	unsigned idx = (unsigned)(k - keys);
	uint64_t repeat = !strcmp(section, "run") && !strcmp(name, "repeat")
		? strtoull(vals[0], NULL, 10) : scenario_repeats(sc);
	if (runs_with(sc, idx, n, repeat) > SCENARIO_MAX_RUNS) {
		snprintf(err, err_len, "%s: %s.%s: the scenario expands into more than %u runs",
			 origin, section, name, SCENARIO_MAX_RUNS);
		for (unsigned i = 0; i < n; i++)
			free(vals[i]);
		return -1;
	}
	for (unsigned v = 0; v < e->n_values; v++)
		free(e->values[v]);
	memcpy(e->values, vals, n * sizeof vals[0]);
	e->n_values = n;
	if (!strcmp(section, "run") && !strcmp(name, "name"))
		snprintf(sc->name, sizeof sc->name, "%s", vals[0]);
	snprintf(e->origin, sizeof e->origin, "%s", origin);
	/* sweep order: the order in which swept keys first appear */
	int listed = 0;
	for (unsigned i = 0; i < sc->n_sweeps; i++)
		if (sc->sweep_order[i] == idx)
			listed = 1;
	if (n > 1 && !listed)
		sc->sweep_order[sc->n_sweeps++] = idx;
	if (n == 1 && listed) {
		unsigned j = 0;
		for (unsigned i = 0; i < sc->n_sweeps; i++)
			if (sc->sweep_order[i] != idx)
				sc->sweep_order[j++] = sc->sweep_order[i];
		sc->n_sweeps = j;
	}
	return 0;
}

int scenario_load(struct scenario *sc, const char *path, const char *text, char *err,
		  size_t err_len)
{
	char *buf = NULL;
	if (!text) {
		FILE *f = fopen(path, "r");
		if (!f) {
			snprintf(err, err_len, "%s: %s", path, strerror(errno));
			return -1;
		}
		size_t cap = 0, len = 0;
		char chunk[4096];
		size_t got;
		while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
			if (len + got + 1 > cap) {
				cap = (len + got + 1) * 2;
				char *nb = realloc(buf, cap);
				if (!nb) {
					free(buf);
					fclose(f);
					return -1;
				}
				buf = nb;
			}
			memcpy(buf + len, chunk, got);
			len += got;
		}
		fclose(f);
		if (!buf)
			buf = strdup("");
		else
			buf[len] = 0;
	} else {
		buf = strdup(text);
	}
	/* default name: the file name without directory and extension */
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	snprintf(sc->name, sizeof sc->name, "%s", base);
	char *dot = strrchr(sc->name, '.');
	if (dot)
		*dot = 0;

	char section[64] = "";
	int rc = 0, line_no = 0;
	char *save = NULL;
	char *p = buf;
	while (p && *p) {
		char *nl = strchr(p, '\n');
		if (nl)
			*nl = 0;
		line_no++;
		char origin[300];
		snprintf(origin, sizeof origin, "%s:%d", path, line_no);
		char *line = trim(p);
		p = nl ? nl + 1 : NULL;
		char *comment = strpbrk(line, ";#");
		if (comment)
			*comment = 0;
		line = trim(line);
		if (*line == 0)
			continue;
		if (*line == '[') {
			char *close = strchr(line, ']');
			if (!close || close[1] != 0) {
				snprintf(err, err_len, "%s: malformed section header", origin);
				rc = -1;
				break;
			}
			*close = 0;
			snprintf(section, sizeof section, "%s", trim(line + 1));
			if (!section_known(section)) {
				snprintf(err, err_len, "%s: unknown section [%s]", origin, section);
				rc = -1;
				break;
			}
			continue;
		}
		char *eq = strchr(line, '=');
		if (!eq) {
			snprintf(err, err_len, "%s: expected 'key = value'", origin);
			rc = -1;
			break;
		}
		*eq = 0;
		char *name = trim(line), *value = trim(eq + 1);
		if (!*section) {
			snprintf(err, err_len, "%s: key '%s' before any [section]", origin, name);
			rc = -1;
			break;
		}
		if (assign(sc, section, name, value, origin, err, err_len) != 0) {
			rc = -1;
			break;
		}
	}
	(void)save;
	free(buf);
	if (rc == 0 && !strcmp(entry(sc, "run", "name")->origin, "default") &&
	    name_problem(sc->name)) {
		snprintf(err, err_len, "%s: the file name gives no usable scenario name ('%s' %s): "
			 "set [run] name", path, sc->name, name_problem(sc->name));
		rc = -1;
	}
	return rc;
}

int scenario_set(struct scenario *sc, const char *assignment, char *err, size_t err_len)
{
	char tmp[512];
	snprintf(tmp, sizeof tmp, "%s", assignment);
	char *eq = strchr(tmp, '=');
	char *dot = strchr(tmp, '.');
	if (!eq || !dot || dot > eq) {
		snprintf(err, err_len, "--set %s: expected section.key=value", assignment);
		return -1;
	}
	*eq = 0;
	*dot = 0;
	char origin[300];
	snprintf(origin, sizeof origin, "--set %.120s.%.120s", tmp, dot + 1);
	return assign(sc, trim(tmp), trim(dot + 1), trim(eq + 1), origin, err, err_len);
}

unsigned scenario_runs(const struct scenario *sc)
{
	unsigned n = scenario_repeats(sc);
	for (unsigned i = 0; i < sc->n_sweeps; i++)
		n *= sc->entries[sc->sweep_order[i]].n_values;
	return n;
}

void scenario_point(const struct scenario *sc, unsigned run, struct scenario_point *p)
{
	memset(p, 0, sizeof *p);
	p->run = run;
	unsigned r = scenario_repeats(sc);
	p->repeat = run % r;
	unsigned rest = run / r;
	for (unsigned i = sc->n_sweeps; i-- > 0;) {
		unsigned nv = sc->entries[sc->sweep_order[i]].n_values;
		p->choice[i] = rest % nv;
		rest /= nv;
	}
	uint64_t seed = strtoull(entry(sc, "run", "seed")->values[0], NULL, 10);
	p->seed = r > 1 ? sim_seed_derive(seed, p->repeat) : seed;
}

static const char *value_at(const struct scenario *sc, const struct scenario_point *p,
			    unsigned idx)
{
	const struct scenario_entry *e = &sc->entries[idx];
	for (unsigned i = 0; i < sc->n_sweeps; i++)
		if (sc->sweep_order[i] == idx)
			return e->values[p->choice[i]];
	return e->values[0];
}

const char *scenario_value(const struct scenario *sc, const struct scenario_point *p,
			   const char *section, const char *name)
{
	const struct scenario_key *k = find_key(section, name);
	return k ? value_at(sc, p, (unsigned)(k - keys)) : NULL;
}

static void store(void *base, enum store s, size_t off, double v)
{
	uint8_t *at = (uint8_t *)base + off;
	switch (s) {
	case S_U32: *(uint32_t *)(void *)at = (uint32_t)llround(v); break;
	case S_U64: *(uint64_t *)(void *)at = (uint64_t)llround(v); break;
	case S_U16: *(uint16_t *)(void *)at = (uint16_t)llround(v); break;
	case S_U8: *at = (uint8_t)llround(v); break;
	case S_TIME: *(sim_time *)(void *)at = sim_time_from_seconds(v); break;
	case S_DOUBLE: *(double *)(void *)at = v; break;
	case S_ENUM: *(int *)(void *)at = (int)llround(v); break;
	default: break;
	}
}

int scenario_config(const struct scenario *sc, const struct scenario_point *p,
		    struct testbed_config *c, char *err, size_t err_len)
{
	testbed_config_default(c);
	for (unsigned i = 0; i < N_KEYS; i++) {
		const struct scenario_key *k = &keys[i];
		const char *s = value_at(sc, p, i);
		double v;
		char why[200];
		if (parse_value(k, s, &v, why, sizeof why) != 0) {
			snprintf(err, err_len, "%s: %s.%s: %s", sc->entries[i].origin, k->section,
				 k->name, why);
			return -1;
		}
		if (v == WORD_VALUE && k->type == T_INT)
			continue;      /* resolved below, once the seed is known */
		switch (k->store) {
		case S_NONE:
			break;
		case S_FAULT_RATE:
			store(&c->faults[0], S_DOUBLE, k->offset, v);
			store(&c->faults[1], S_DOUBLE, k->offset, v);
			break;
		case S_FAULT_U32:
			store(&c->faults[0], S_U32, k->offset, v);
			store(&c->faults[1], S_U32, k->offset, v);
			break;
		case S_FAULT_TIME:
			store(&c->faults[0], S_TIME, k->offset, v);
			store(&c->faults[1], S_TIME, k->offset, v);
			break;
		default:
			store(c, k->store, k->offset, k->type == T_RATE && k->offset ==
			      TB(npu.ddr.bytes_per_s) ? v / 8.0 : v);
			break;
		}
	}
	if (!strcmp(scenario_value(sc, p, "client", "port_base"), "random"))
		c->client.port_base = client_ephemeral_port_start(p->seed, c->client.connections);
	if ((uint32_t)c->client.port_base + c->client.connections > 65536u) {
		snprintf(err, err_len, "client.port_base %u + run.connections %u passes port 65535",
			 c->client.port_base, c->client.connections);
		return -1;
	}
	c->seed = p->seed;
	return 0;
}

int scenario_check(const struct scenario *sc, char *err, size_t err_len)
{
	for (unsigned run = 0; run < scenario_runs(sc); run++) {
		struct scenario_point p;
		struct testbed_config c;
		scenario_point(sc, run, &p);
		if (scenario_config(sc, &p, &c, err, err_len) != 0)
			return -1;
	}
	return 0;
}

void scenario_write_json(const struct scenario *sc, const struct scenario_point *p, FILE *f,
			 const char *indent)
{
	for (unsigned i = 0; i < N_KEYS; i++) {
		char name[96];
		snprintf(name, sizeof name, "%s.%s", keys[i].section, keys[i].name);
		fprintf(f, "%s", indent);
		json_write_string(f, name);
		fputs(": ", f);
		json_write_string(f, value_at(sc, p, i));
		fputs(i + 1 < N_KEYS ? ",\n" : "\n", f);
	}
}

void scenario_write_keys_markdown(FILE *f)
{
	const char *section = "";
	for (size_t i = 0; i < N_KEYS; i++) {
		const struct scenario_key *k = &keys[i];
		if (strcmp(section, k->section) != 0) {
			section = k->section;
			fprintf(f, "\n### [%s]\n\n| key | default | unit | range | meaning |\n"
				   "|---|---|---|---|---|\n", section);
		}
		char range[96];
		if (k->type == T_ENUM)
			snprintf(range, sizeof range, "%s", k->enums);
		else if (k->type == T_BOOL)
			snprintf(range, sizeof range, "on, off");
		else if (k->type == T_STRING)
			snprintf(range, sizeof range, "text");
		else if (k->enums)
			snprintf(range, sizeof range, "%g .. %g, %s", k->min, k->max, k->enums);
		else
			snprintf(range, sizeof range, "%g .. %g", k->min, k->max);
		fprintf(f, "| `%s` | `%s` | %s | %s | %s |\n", k->name, k->dflt, k->unit, range, k->help);
	}
}
