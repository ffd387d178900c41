/* cli/scenario.c - the scenario parser, its key table and sweep expansion. */
#include "cli/scenario.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
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
	{ "run", "connections", T_INT, "1", 1, CLIENT_MAX_CONNECTIONS, NULL, "", "TCP connections the client opens (those past source port 65535 take further client addresses: see client.port_base)", S_U32, TB(client.connections) },
	{ "run", "mode", T_ENUM, "lro", 0, 0, "nic|lro", "", "firmware mode: plain NIC or LRO", S_U32, TB(lro_mode) },
	{ "run", "ip", T_ENUM, "4", 0, 0, "4|6", "", "IP version the hosts speak: 6 puts a 40-byte IPv6 header (2001:db8::/96 addresses) where IPv4's 20 bytes were, so each segment carries 20 bytes less (client.mss - 20: 1428 at MTU 1500)", S_U32, TB(ip6) },
	{ "run", "connect", T_ENUM, "all-then-send", 0, 0, "sequential|all-then-send|simultaneous", "", "client connect pattern (see docs/ARCHITECTURE.md)", S_ENUM, TB(client.pattern) },
	{ "run", "bytes_per_connection", T_BYTES, "4MiB", 1, 2147483647, NULL, "bytes", "bytes each connection sends", S_U64, TB(client.bytes_per_connection) },
	{ "run", "write_size", T_BYTES, "0", 0, 2147483647, NULL, "bytes", "the test program's write size (0: all bytes in one write)", S_U64, TB(client.tcp.write_bytes) },
	{ "run", "write_pause", T_TIME, "0", 0, 1e6, NULL, "s", "the test program's pause after a write is acknowledged, before the next", S_TIME, TB(client.tcp.write_pause_ps) },
	{ "run", "close", T_BOOL, "on", 0, 1, NULL, "", "close each connection (FIN) after its data, or keep it open", S_U32, TB(client.tcp.close) },
	{ "run", "time_limit", T_TIME, "30s", 1e-6, 1e6, NULL, "s", "stop the run at this simulated time", S_TIME, TB(time_limit_ps) },

	{ "lro", "threshold", T_BYTES, "64KiB", 1, 1048576, NULL, "bytes", "flush a flow's contiguous run at this size", S_U32, TB(lro_threshold_bytes) },
	{ "lro", "max_aggregate", T_BYTES, "65535", 65535, 524288, NULL, "bytes", "largest aggregate IP packet (headers included). Past 65535 is BIG TCP: IPv4 total length 0, IPv6 a hop-by-hop jumbo payload option, as Linux's GRO writes them; the host's rx buffers grow to fit", S_U32, TB(lro_max_aggregate_bytes) },
	{ "lro", "active_ack", T_ENUM, "on", 0, 0, "off|on|safe", "", "the NPU ACKs every accepted segment (paper V.C): off - only the host's ACKs; on - the paper's, up to nextseq with window field ack_window; safe - never past the window the host advertised, learned from its own segments on the tx path, with the host's latest TSval so that the sender's PAWS keeps them (docs/ARCHITECTURE.md); 1/0 (and the other on/off words) read as on/off", S_U32, TB(lro_active_ack) },
	{ "lro", "ack_window", T_INT, "65535", 0, 65535, NULL, "", "raw window field of active ACKs: the sender reads it shifted left by the host's window scale (7), so 65535 means 8 MB", S_U32, TB(lro_ack_window) },
	{ "lro", "active_ack_window", T_ENUM, "scaled", 0, 0, "scaled|unscaled", "", "scaled: ack_window is the field as written (the paper's 0xFFFF); unscaled: the field is ack_window >> the host's window scale, so the sender sees ack_window bytes", S_ENUM, TB(lro_ack_window_unscaled) },
	{ "lro", "timeout_factor", T_INT, "10", 1, 1000000, NULL, "", "receive timeout after factor x average interval", S_U32, TB(lro_timeout_factor) },
	{ "lro", "timeout_rule", T_ENUM, "paper", 0, 0, "paper|floor|gap", "", "when a flow's receive timer runs out: the paper's factor x average interval; floor: never below timeout_floor; gap: floor's, and at least timeout_gap while data past a gap is held (docs/PERFORMANCE.md)", S_U32, TB(lro_timeout_rule) },
	{ "lro", "timeout_floor", T_TIME, "100us", 0, 1, NULL, "s", "the shortest receive timeout of the floor and gap rules", S_TIME, TB(lro_timeout_floor_ps) },
	{ "lro", "timeout_gap", T_TIME, "1ms", 0, 1, NULL, "s", "the gap rule's receive timeout while data past a sequence gap is held", S_TIME, TB(lro_timeout_gap_ps) },
	{ "lro", "pool_low", T_RATIO, "6%", 0, 0.5, NULL, "", "free packet buffers below this share: rx threads release held data", S_DOUBLE, TB(lro_pool_low) },
	/* lro.policy: the names in enum lro_policy_id order (firmware/lro_policy.h) */
	{ "lro", "policy", T_ENUM, "paper", 0, 0, "paper|linux-gro|freebsd-lro|dpdk-gro|freebsd-lro-sorted", "", "aggregation policy of the engine: the paper's (reorder buffer, threshold, adaptive timeout, active ACK) or the rules of Linux GRO, FreeBSD tcp_lro (-sorted: frames sorted by flow per poll, tcp_lro_queue_mbuf) or DPDK GRO (no active ACK; flush at the end of each rx poll; docs/ARCHITECTURE.md, Aggregation policies)", S_U32, TB(lro_policy) },
	{ "lro", "policy_flush_timeout", T_TIME, "0", 0, 1, NULL, "s", "policies other than paper: 0 flushes held data at the end of every rx poll or burst; more holds it across polls until it is this old (Linux gro_flush_timeout, DPDK timer mode, FreeBSD tcp_lro_flush_inactive)", S_TIME, TB(lro_flush_timeout_ps) },
	{ "lro", "conns", T_INT, "64", 1, 1024, NULL, "", "connection descriptors per rx thread", S_U32, TB(lro_conns) },
	{ "lro", "timeout_period", T_INT, "20000", 100, 1e8, NULL, "cycles", "idle time of the timeout thread between scans", S_U32, TB(timeout_period_cycles) },

	{ "dma", "buffer", T_ENUM, "stack", 0, 0, "stack|fifo", "", "DMA request buffer order", S_ENUM, TB(npu.dma_buffer) },
	{ "dma", "depth", T_INT, "64", 1, 4096, NULL, "entries", "DMA request buffer entries", S_U32, TB(npu.dma_depth) },
	{ "dma", "lb", T_BOOL, "on", 0, 1, NULL, "", "round-robin DMA load balancing (paper V.B)", S_U32, TB(dma_lb) },
	{ "dma", "lb_window", T_INT, "1", 1, 64, NULL, "requests", "balancer's requests allowed in the engine's buffer", S_U32, TB(dma_lb_window) },
	{ "dma", "request_overhead", T_TIME, "0", 0, 1e-3, NULL, "s", "fixed cost per DMA request (the calibrated knob)", S_TIME, TB(npu.dma_request_overhead_ps) },

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
	{ "host", "cores", T_INT, "2", 1, 4, NULL, "", "server CPU cores (the Core i3-530: 2 cores, 4 threads; hyperthreads are not counted as cores)", S_U32, TB(server.cores) },
	{ "host", "irq_affinity", T_ENUM, "one", 0, 0, "one|round-robin", "", "which core takes each rx ring's interrupt: `one` - all on one core (a plain-MSI device gets one vector from Linux; irqbalance moves it, never splits it; RPS off); `round-robin` - ring r on core r % cores (one MSI-X vector per ring, spread by irqbalance)", S_ENUM, TB(server.irq_affinity) },
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
	{ "client", "port_base", T_INT, "40000", 1024, 65535, "random", "", "source port of connection 0 (connection i uses port port_base + i % P from address 10.0.0.1 + i / P, P = 65536 - port_base, the server's 10.0.0.2 skipped; the ports decide the 4-tuple hash that spreads flows over rx threads); `random`: as connect() leaves it to Linux, a start in 32768-61000 drawn from the run's seed", S_U16, TB(client.port_base) },
	{ "client", "thread_start", T_TIME, "20us", 0, 1, NULL, "s", "time between the test program's starts of two connection threads, each of which calls connect() at once (connect = simultaneous; pthread_create costs 10-50 us)", S_TIME, TB(client.thread_start_ps) },
	{ "client", "slow_start_after_idle", T_BOOL, "on", 0, 1, NULL, "", "restart the window after an idle RTO (RFC 2861, Linux's default)", S_U32, TB(client.tcp.slow_start_after_idle) },
	{ "client", "rto_min", T_TIME, "200ms", 1e-3, 10, NULL, "s", "minimum RTO", S_TIME, TB(client.tcp.rto_min_ps) },
	{ "client", "cc", T_ENUM, "cubic", 0, 0, "cubic|newreno", "", "congestion control (net.ipv4.tcp_congestion_control; RHEL 6: cubic with HyStart; newreno: Linux's reno)", S_ENUM, TB(client.tcp.cc) },

	{ "tcp", "sack", T_BOOL, "on", 0, 1, NULL, "", "SACK offered by both hosts (net.ipv4.tcp_sack); off: duplicate ACKs and NewReno's partial ACKs drive recovery", S_ENUM, TB(client.tcp.sack) },
	{ "tcp", "dsack", T_BOOL, "on", 0, 1, NULL, "", "the server reports segments received twice in D-SACK blocks (net.ipv4.tcp_dsack); the client undoes needless reductions by them", S_U8, TB(server.tcp.dsack) },
	{ "tcp", "fack", T_BOOL, "on", 0, 1, NULL, "", "forward acknowledgment loss detection (net.ipv4.tcp_fack): segments more than `reordering` below the highest SACKed one are lost", S_ENUM, TB(client.tcp.fack) },
	{ "tcp", "paws", T_BOOL, "off", 0, 1, NULL, "", "PAWS (RFC 7323 section 5) in both hosts as Linux 2.6.32 runs it: a segment whose TSval is more than 1 ms older than the last kept is discarded and answered with a duplicate ACK (`paws_rejected`). Linux always runs it with timestamps on; off by default because with it the paper's active ACKs, which carry an older TSval than the host's ACKs, are discarded by the client, and the plain NIC's reordering trips it (docs/CALIBRATION.md, \"PAWS on the paper's runs\")", S_ENUM, TB(client.tcp.paws) },
	{ "tcp", "frto", T_INT, "2", 0, 2, NULL, "", "F-RTO after a timeout (net.ipv4.tcp_frto): 0 off, 1 RFC 5682's basic variant, 2 its SACK-enhanced one", S_ENUM, TB(client.tcp.frto) },

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

/* ---- "did you mean" ---- */

/* Edit distance of a and b, case-insensitive with fold: insertions,
 * deletions, substitutions and swaps of neighbours (optimal string
 * alignment). */
static unsigned edits(const char *a, const char *b, int fold)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 63 || lb > 63)
		return 99;
	static unsigned d[64][64];
	for (size_t i = 0; i <= la; i++)
		d[i][0] = (unsigned)i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = (unsigned)j;
	for (size_t i = 1; i <= la; i++) {
		for (size_t j = 1; j <= lb; j++) {
			int ai = (unsigned char)a[i - 1], bj = (unsigned char)b[j - 1];
			int ai2 = i > 1 ? (unsigned char)a[i - 2] : 0, bj2 = j > 1 ? (unsigned char)b[j - 2] : 0;
			if (fold) {
				ai = tolower(ai), bj = tolower(bj);
				ai2 = tolower(ai2), bj2 = tolower(bj2);
			}
			unsigned best = d[i - 1][j - 1] + (ai != bj);
			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && ai == bj2 && ai2 == bj && d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	}
	return d[la][lb];
}

static unsigned distance(const char *a, const char *b)
{
	return edits(a, b, 1);
}

/* Edits a misspelling of known may have: a third of the word, at least one. */
static unsigned tolerance(const char *known)
{
	size_t n = strlen(known);
	return n >= 6 ? (unsigned)(n / 3) : 1;
}

static int close_to(const char *typed, const char *known)
{
	return distance(typed, known) <= tolerance(known);
}

/* " (did you mean 'x'?)" for the closest of the '|'-separated words (both
 * when two are as close: 'of' is 'on' or 'off'), or "". */
static void suggest_word(const char *typed, const char *words, char *out, size_t len)
{
	out[0] = 0;
	unsigned best = 99;
	char first[64] = "";
	while (*words) {
		const char *bar = strchr(words, '|');
		size_t n = bar ? (size_t)(bar - words) : strlen(words);
		char w[64];
		snprintf(w, sizeof w, "%.*s", (int)(n < 63 ? n : 63), words);
		unsigned d = distance(typed, w);
		if (close_to(typed, w) && d < best) {
			best = d;
			snprintf(first, sizeof first, "%s", w);
			snprintf(out, len, " (did you mean '%s'?)", w);
		} else if (close_to(typed, w) && d == best) {
			snprintf(out, len, " (did you mean '%s' or '%s'?)", first, w);
		}
		words += n + (bar ? 1 : 0);
	}
}

/* The closest key to section.name: in that section, or the same name in
 * another section. */
static void suggest_key(const char *section, const char *name, char *out, size_t len)
{
	out[0] = 0;
	unsigned best = 99;
	for (size_t i = 0; i < N_KEYS; i++) {
		unsigned d = distance(name, keys[i].name);
		if (!strcmp(keys[i].section, section) && close_to(name, keys[i].name) && d < best) {
			best = d;
			snprintf(out, len, " (did you mean '%s'?)", keys[i].name);
		}
	}
	for (size_t i = 0; i < N_KEYS && !out[0]; i++)
		if (!strcasecmp(keys[i].name, name))
			snprintf(out, len, " (did you mean [%s] %s?)", keys[i].section, keys[i].name);
}

static void suggest_section(const char *section, char *out, size_t len)
{
	out[0] = 0;
	unsigned best = 99;
	for (size_t i = 0; i < N_KEYS; i++) {
		unsigned d = distance(section, keys[i].section);
		if (close_to(section, keys[i].section) && d < best) {
			best = d;
			snprintf(out, len, " (did you mean [%s]?)", keys[i].section);
		}
	}
}

/* ---- value parsing ---- */

/* A unit: its spelling, its scale to the base unit, and whether it is
 * matched regardless of case (where no other unit differs by case only:
 * bytes and hertz, not bits against bytes or milli against mega). */
struct unit { const char *suffix; double scale; int any_case; };

static const struct unit time_units[] = { { "ps", 1e-12, 0 }, { "ns", 1e-9, 0 },
	{ "us", 1e-6, 0 }, { "\xc2\xb5s", 1e-6, 0 }, { "ms", 1e-3, 0 }, { "s", 1, 0 },
	{ NULL, 0, 0 } };
/* in a byte count, b is a byte too: kb, kB and KB are 1000 bytes */
static const struct unit byte_units[] = { { "B", 1, 1 }, { "KiB", 1024, 1 },
	{ "MiB", 1048576, 1 }, { "GiB", 1073741824.0, 1 }, { "kB", 1e3, 1 }, { "MB", 1e6, 1 },
	{ "GB", 1e9, 1 }, { NULL, 0, 0 } };
static const struct unit rate_units[] = { { "bps", 1, 0 }, { "Kbps", 1e3, 0 },
	{ "kbps", 1e3, 0 }, { "Mbps", 1e6, 0 }, { "Gbps", 1e9, 0 }, { "Tbps", 1e12, 0 },
	{ "bit/s", 1, 0 }, { "kbit/s", 1e3, 0 }, { "Kbit/s", 1e3, 0 }, { "Mbit/s", 1e6, 0 },
	{ "Gbit/s", 1e9, 0 }, { "Tbit/s", 1e12, 0 }, { NULL, 0, 0 } };
static const struct unit freq_units[] = { { "Hz", 1, 1 }, { "kHz", 1e3, 1 },
	{ "MHz", 1e6, 1 }, { "GHz", 1e9, 1 }, { NULL, 0, 0 } };

/* "ps, ns, us, ..." */
static void list_units(const struct unit *u, char *out, size_t len)
{
	size_t at = 0;
	out[0] = 0;
	for (; u->suffix && at < len; u++)
		at += (size_t)snprintf(out + at, len - at, "%s%s", at ? ", " : "", u->suffix);
}

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
		char units[200];
		list_units(u, units, sizeof units);
		snprintf(why, why_len, "'%s' needs a unit (units: %s)", s, units);
		return -1;
	}
	for (const struct unit *x = u; x->suffix; x++) {
		if (x->any_case ? !strcasecmp(rest, x->suffix) : !strcmp(rest, x->suffix)) {
			*out = v * x->scale;
			return 0;
		}
	}
	char units[200], hint[96] = "";
	list_units(u, units, sizeof units);
	unsigned best = 99;
	for (const struct unit *x = u; x->suffix; x++) {
		/* case counts where the unit's does: GB/s is not Gbps */
		unsigned d = edits(rest, x->suffix, x->any_case);
		if (d < best && d <= tolerance(x->suffix)) {
			best = d;
			snprintf(hint, sizeof hint, "did you mean '%s'? ", x->suffix);
		}
	}
	snprintf(why, why_len, "unknown unit '%s' in '%s' (%sunits: %s)", rest, s, hint, units);
	return -1;
}

/* A switch's word in any case: 1 for on, true, yes, 1; 0 for off, false,
 * no, 0; -1 for anything else. */
static int switch_word(const char *s)
{
	static const char *const on[] = { "on", "true", "yes", "1" },
			  *const off[] = { "off", "false", "no", "0" };
	for (int i = 0; i < 4; i++) {
		if (!strcasecmp(s, on[i]))
			return 1;
		if (!strcasecmp(s, off[i]))
			return 0;
	}
	return -1;
}

/* The index of word s (any case) among k's enums, or -1. An enum whose
 * first words are off|on (a switch grown a third setting: lro.active_ack)
 * also takes the switch's words, so that older files still read. */
static int enum_index(const struct scenario_key *k, const char *s)
{
	const char *e = k->enums;
	for (int i = 0; *e; i++) {
		const char *bar = strchr(e, '|');
		size_t len = bar ? (size_t)(bar - e) : strlen(e);
		if (strlen(s) == len && strncasecmp(s, e, len) == 0)
			return i;
		e += len + (bar ? 1 : 0);
	}
	if (strncmp(k->enums, "off|on|", 7) == 0)
		return switch_word(s);
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
	case T_BOOL: {
		/* words in any case: on, On, ON */
		int w = switch_word(s);
		if (w >= 0) {
			*out = w;
			return 0;
		}
		char hint[64];
		suggest_word(s, "on|off|true|false|yes|no", hint, sizeof hint);
		snprintf(why, why_len, "'%s' is not on/off (or true/false, yes/no, 1/0)%s", s, hint);
		return -1;
	}
	case T_ENUM: {
		int i = enum_index(k, s);
		if (i >= 0) {
			*out = i;
			return 0;
		}
		char hint[96];
		suggest_word(s, k->enums, hint, sizeof hint);
		snprintf(why, why_len, "'%s' is not one of %s%s", s, k->enums, hint);
		return -1;
	}
	case T_INT:
		if (k->enums && !strcasecmp(s, k->enums)) {
			*out = WORD_VALUE;
			return 0;
		}
		/* fall through */
	case T_REAL: {
		const char *rest;
		if (parse_number(s, out, &rest) != 0 || *rest) {
			char hint[96] = "";
			if (k->enums)
				suggest_word(s, k->enums, hint, sizeof hint);
			snprintf(why, why_len, "'%s' is not a number%s%s%s", s, k->enums ? " or " : "",
				 k->enums ? k->enums : "", hint);
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
		/* the connections' limit is the simulator's own, not the system's */
		int conns = k->offset == TB(client.connections) && *out > k->max;
		snprintf(why, why_len, "%s is out of range [%.15g, %.15g]%s%s%s", s, k->min, k->max,
			 *k->unit ? " " : "", k->unit,
			 conns ? " (the most the simulator holds: docs/PERFORMANCE.md, \"Cost "
				 "curves\")" : "");
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

/* The spelling a value is stored with: a word as the key table writes it
 * (so that results group `LRO` with `lro`), a switch in lower case,
 * anything else as written. */
static char *canonical(const struct scenario_key *k, const char *tok)
{
	char *c = strdup(tok);
	if (!c)
		abort();
	if (k->type == T_ENUM) {
		const char *e = k->enums;
		int i = enum_index(k, tok);
		for (int j = i; j > 0; j--)
			e = strchr(e, '|') + 1;
		size_t len = strcspn(e, "|");
		if (len != strlen(tok)) {      /* a switch's word for off/on */
			free(c);
			c = strndup(e, len);
			if (!c)
				abort();
		} else {
			memcpy(c, e, len);     /* same length, as it matched */
		}
	} else if (k->type == T_BOOL || (k->type == T_INT && k->enums && !strcasecmp(tok, k->enums))) {
		for (char *p = c; *p; p++)
			*p = (char)tolower((unsigned char)*p);
	}
	return c;
}

/* A range modifier's number: decimal digits, a whole number >= min. */
static int modifier_number(const char *s, unsigned min, double *out)
{
	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s || s[strspn(s, "0123456789")] != 0 || strlen(s) > 9)
		return -1;
	*out = atof(s);
	return *out >= min ? 0 : -1;
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
			if (strncmp(mod, "step", 4) == 0) {
				if (modifier_number(mod + 4, 1, &step) != 0) {
					snprintf(why, why_len, "range modifier '%s': the step is a whole "
						 "number >= 1", mod);
					return -1;
				}
			} else if (mod[0] == 'x') {
				/* whole factors only: 1..64 x1.5 would give values the
				 * rounding repeats or skips */
				if (modifier_number(mod + 1, 2, &factor) != 0) {
					snprintf(why, why_len, "range modifier '%s': the factor is a whole "
						 "number >= 2", mod);
					return -1;
				}
			} else {
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
		vals[(*n)++] = canonical(k, tok);
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

/* The smallest and largest numbers among key idx's values (vals when idx
 * is `with`, the key being set): 0, or -1 when it has none (a word). */
static int value_range(const struct scenario *sc, unsigned idx, unsigned with, char **vals,
		       unsigned n, double *lo, double *hi)
{
	char *const *v = idx == with ? vals : sc->entries[idx].values;
	unsigned nv = idx == with ? n : sc->entries[idx].n_values;
	int any = 0;
	char why[200];
	for (unsigned i = 0; i < nv; i++) {
		double x;
		if (parse_value(&keys[idx], v[i], &x, why, sizeof why) != 0 || x == WORD_VALUE)
			continue;
		if (!any || x < *lo)
			*lo = x;
		if (!any || x > *hi)
			*hi = x;
		any = 1;
	}
	return any ? 0 : -1;
}

/* Limits between keys, over every combination of their values: checked
 * when either key is set, so that every point of a loaded scenario can
 * run. 0, or -1 with why naming the other key and where it was set. */
static int check_limits(const struct scenario *sc, unsigned idx, char **vals, unsigned n,
			char *why, size_t why_len)
{
	unsigned credits = (unsigned)(find_key("fmn", "dma_credits_per_core") - keys);
	unsigned depth = (unsigned)(find_key("dma", "depth") - keys);
	double plo, phi, clo, chi;
	if ((idx == credits || idx == depth) &&
	    value_range(sc, credits, idx, vals, n, &clo, &chi) == 0 &&
	    value_range(sc, depth, idx, vals, n, &plo, &phi) == 0 && NPU_CORES * chi > plo) {
		/* the cores' credits bound the requests in the buffer */
		snprintf(why, why_len, "%d cores x fmn.dma_credits_per_core %.0f exceed dma.depth "
			 "%.0f: the request buffer would overflow (%s.%s set at %s)", NPU_CORES, chi,
			 plo, keys[idx == credits ? depth : credits].section,
			 keys[idx == credits ? depth : credits].name,
			 sc->entries[idx == credits ? depth : credits].origin);
		return -1;
	}
	return 0;
}

static int assign(struct scenario *sc, const char *section, const char *name, char *value,
		  const char *origin, char *err, size_t err_len)
{
	const struct scenario_key *k = find_key(section, name);
	if (!k) {
		char hint[160];
		if (!section_known(section)) {
			suggest_section(section, hint, sizeof hint);
			snprintf(err, err_len, "%s: unknown section [%.60s]%s", origin, section, hint);
		} else {
			suggest_key(section, name, hint, sizeof hint);
			snprintf(err, err_len, "%s: unknown key '%.60s' in [%s]%s (see npusim keys)",
				 origin, name, section, hint[0] ? hint : "");
		}
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
	if (check_limits(sc, (unsigned)(k - keys), vals, n, why, sizeof why) != 0) {
		snprintf(err, err_len, "%s: %s.%s: %s", origin, section, name, why);
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

/* The whole file, NUL-terminated, in *out (its length in *len): a regular
 * file of at most SCENARIO_MAX_FILE_BYTES. Returns 0, or -1 with err. */
static int read_file(const char *path, char **out, size_t *len, char *err, size_t err_len)
{
	/* O_NONBLOCK: opening a FIFO does not wait for a writer */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0) {
		snprintf(err, err_len, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > SCENARIO_MAX_FILE_BYTES) {
		if (!S_ISREG(st.st_mode))
			snprintf(err, err_len, "%s: not a scenario file (%s)", path,
				 S_ISDIR(st.st_mode) ? "a folder" : "a device, pipe or socket");
		else
			snprintf(err, err_len, "%s: %lld bytes: a scenario file is at most %u bytes",
				 path, (long long)st.st_size, SCENARIO_MAX_FILE_BYTES);
		close(fd);
		return -1;
	}
	char *buf = malloc(SCENARIO_MAX_FILE_BYTES + 2);
	size_t got = 0;
	while (buf && got <= SCENARIO_MAX_FILE_BYTES) {
		ssize_t n = read(fd, buf + got, SCENARIO_MAX_FILE_BYTES + 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(err, err_len, "%s: cannot read: %s", path, strerror(errno));
			free(buf);
			close(fd);
			return -1;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (!buf) {
		snprintf(err, err_len, "%s: out of memory", path);
		return -1;
	}
	if (got > SCENARIO_MAX_FILE_BYTES) {        /* it grew while read */
		snprintf(err, err_len, "%s: a scenario file is at most %u bytes", path,
			 SCENARIO_MAX_FILE_BYTES);
		free(buf);
		return -1;
	}
	buf[got] = 0;
	*out = buf;
	*len = got;
	return 0;
}

/* An inline comment starts at a ';' or '#' after a blank (or at the line's
 * start): cut there. One glued to a value ('a;b', 'x#1') would silently cut
 * the value: -1. */
static int cut_comment(char *line)
{
	for (char *c = line; *c; c++) {
		if (*c != ';' && *c != '#')
			continue;
		if (c > line && c[-1] != ' ' && c[-1] != '\t')
			return -1;
		*c = 0;
		return 0;
	}
	return 0;
}

int scenario_load(struct scenario *sc, const char *path, const char *text, char *err,
		  size_t err_len)
{
	char *buf = NULL;
	size_t len = 0;
	if (!text) {
		if (read_file(path, &buf, &len, err, err_len) != 0)
			return -1;
	} else {
		len = strlen(text);
		buf = strdup(text);
		if (!buf)
			abort();
	}
	/* default name: the file name without directory and extension */
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	snprintf(sc->name, sizeof sc->name, "%s", base);
	char *dot = strrchr(sc->name, '.');
	if (dot)
		*dot = 0;

	char *p = buf;
	/* a UTF-8 byte-order mark (Windows editors write one) is not text */
	if (len >= 3 && !memcmp(p, "\xef\xbb\xbf", 3))
		p += 3;
	char *nul = memchr(p, 0, len - (size_t)(p - buf));
	int nul_line = 0;
	if (nul) {
		nul_line = 1;
		for (char *c = p; c < nul; c++)
			nul_line += *c == '\n';
	}

	char section[64] = "";
	struct { char name[64]; int line; } sections[32];
	unsigned n_sections = 0;
	int key_line[N_KEYS];
	memset(key_line, 0, sizeof key_line);
	int rc = 0, line_no = 0;
	while (p && *p) {
		char *nl = strchr(p, '\n');
		if (nl)
			*nl = 0;
		line_no++;
		char origin[300];
		snprintf(origin, sizeof origin, "%s:%d", path, line_no);
		char *line = trim(p);
		p = nl ? nl + 1 : NULL;
		if (line_no == nul_line) {
			snprintf(err, err_len, "%s: a NUL byte: not a text file", origin);
			rc = -1;
			break;
		}
		if (cut_comment(line) != 0) {
			snprintf(err, err_len, "%s: ';' or '#' inside '%.80s': a value cannot hold one, "
				 "and a comment needs a blank before it", origin, line);
			rc = -1;
			break;
		}
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
			char *name = trim(line + 1);
			if (strlen(name) >= sizeof section || !section_known(name)) {
				char hint[80];
				suggest_section(name, hint, sizeof hint);
				snprintf(err, err_len, "%s: unknown section [%.60s]%s", origin, name, hint);
				rc = -1;
				break;
			}
			snprintf(section, sizeof section, "%s", name);
			for (unsigned i = 0; i < n_sections; i++) {
				if (!strcmp(sections[i].name, section)) {
					snprintf(err, err_len, "%s: section [%s] again (first at line %d): "
						 "write each section once", origin, section,
						 sections[i].line);
					rc = -1;
				}
			}
			if (rc)
				break;
			if (n_sections < sizeof sections / sizeof sections[0]) {
				snprintf(sections[n_sections].name, sizeof sections[0].name, "%s", section);
				sections[n_sections++].line = line_no;
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
		const struct scenario_key *k = find_key(section, name);
		if (k && key_line[k - keys]) {
			snprintf(err, err_len, "%s: %s.%s set again (first at line %d): set each key "
				 "once (a list sweeps it)", origin, section, name, key_line[k - keys]);
			rc = -1;
			break;
		}
		if (assign(sc, section, name, value, origin, err, err_len) != 0) {
			rc = -1;
			break;
		}
		key_line[k - keys] = line_no;
	}
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
	char *tmp = strdup(assignment);    /* whole: a long list is not cut */
	if (!tmp)
		abort();
	char *eq = strchr(tmp, '=');
	char *dot = strchr(tmp, '.');
	int rc;
	if (!eq || !dot || dot > eq) {
		snprintf(err, err_len, "--set %.200s: expected section.key=value", assignment);
		rc = -1;
	} else {
		*eq = 0;
		*dot = 0;
		/* the messages name section.key themselves; the origin says where */
		rc = assign(sc, trim(tmp), trim(dot + 1), trim(eq + 1), "--set", err, err_len);
	}
	free(tmp);
	return rc;
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
	c->server.tcp.sack = (uint8_t)(c->client.tcp.sack != 0);   /* both hosts' sysctl */
	c->server.tcp.paws = (uint8_t)(c->client.tcp.paws != 0);   /* both hosts' */
	if (!strcmp(scenario_value(sc, p, "client", "port_base"), "random"))
		c->client.port_base = client_ephemeral_port_start(p->seed, c->client.connections);
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

void scenario_swept(const struct scenario *sc, unsigned i, const char **section,
		    const char **key)
{
	const struct scenario_key *k = &keys[sc->sweep_order[i]];
	*section = k->section;
	*key = k->name;
}

const char *scenario_key_unit(const char *section, const char *key)
{
	const struct scenario_key *k = find_key(section, key);
	return k ? k->unit : NULL;
}

/* A number as JSON: whole numbers without exponent or point where exact. */
static void json_number(FILE *f, double v)
{
	if (v == floor(v) && fabs(v) < 1e15)
		fprintf(f, "%.0f", v);
	else
		fprintf(f, "%.15g", v);
}

void scenario_write_json(const struct scenario *sc, const struct scenario_point *p, FILE *f,
			 const char *indent)
{
	for (unsigned i = 0; i < N_KEYS; i++) {
		const struct scenario_key *k = &keys[i];
		const char *s = value_at(sc, p, i);
		char name[96], why[200];
		double v = 0;
		int parsed = parse_value(k, s, &v, why, sizeof why) == 0;
		snprintf(name, sizeof name, "%s.%s", k->section, k->name);
		fprintf(f, "%s", indent);
		json_write_string(f, name);
		fputs(": ", f);
		if (!parsed || k->type == T_STRING || k->type == T_ENUM ||
		    (k->type == T_INT && v == WORD_VALUE)) {
			json_write_string(f, s);
		} else if (k->type == T_BOOL) {
			fputs(v ? "true" : "false", f);
		} else if (*k->unit) {
			fputs("{ \"value\": ", f);
			if (k->type == T_INT)
				fputs(s, f);   /* decimal digits: exact, even above 2^53 */
			else
				json_number(f, v);
			fputs(", \"unit\": ", f);
			json_write_string(f, k->unit);
			fputs(" }", f);
		} else if (k->type == T_INT) {
			fputs(s, f);
		} else {
			json_number(f, v);
		}
		fputs(i + 1 < N_KEYS ? ",\n" : "\n", f);
	}
}

/* A key's accepted values, readable (whole bounds without exponent, sizes
 * in KiB/MiB/GiB where exact, times in s/ms/us/ns). */
static void format_bound(char *out, size_t len, const struct scenario_key *k, double v)
{
	static const struct { const char *suffix; double scale; } bytes[] = {
		{ "GiB", 1073741824.0 }, { "MiB", 1048576.0 }, { "KiB", 1024.0 } };
	if (k->type == T_BYTES && v > 0) {
		for (int i = 0; i < 3; i++) {
			if (v >= bytes[i].scale && fmod(v, bytes[i].scale) == 0) {
				snprintf(out, len, "%.0f%s", v / bytes[i].scale, bytes[i].suffix);
				return;
			}
		}
		if (v == 2147483647.0) {
			snprintf(out, len, "2GiB-1");
			return;
		}
	}
	if (k->type == T_TIME && v > 0 && v < 1) {
		static const struct { const char *suffix; double scale; } t[] = {
			{ "ms", 1e-3 }, { "us", 1e-6 }, { "ns", 1e-9 }, { "ps", 1e-12 } };
		for (int i = 0; i < 4; i++) {
			if (v >= t[i].scale * 0.999) {
				snprintf(out, len, "%g%s", v / t[i].scale, t[i].suffix);
				return;
			}
		}
	}
	if (k->type == T_TIME) {
		snprintf(out, len, v == floor(v) ? "%.0fs" : "%gs", v);
		return;
	}
	if (k->type == T_RATIO) {
		snprintf(out, len, "%g%%", v * 100);
		return;
	}
	if ((k->type == T_RATE || k->type == T_FREQ) && v > 0) {
		static const char *const rate[] = { "bps", "Kbps", "Mbps", "Gbps", "Tbps" };
		static const char *const freq[] = { "Hz", "kHz", "MHz", "GHz", "THz" };
		int e = 0;
		while (e < 4 && v >= 1000 && fmod(v, 1000) == 0) {
			v /= 1000;
			e++;
		}
		snprintf(out, len, "%.15g%s", v, k->type == T_RATE ? rate[e] : freq[e]);
		return;
	}
	if (v == floor(v) && fabs(v) < 1e19)
		snprintf(out, len, "%.0f", v);
	else
		snprintf(out, len, "%g", v);
}

static void key_range(const struct scenario_key *k, char *range, size_t len)
{
	char lo[48], hi[48];
	format_bound(lo, sizeof lo, k, k->min);
	format_bound(hi, sizeof hi, k, k->max);
	if (k->type == T_ENUM) {
		/* "a|b|c" as "a, b, c": a bar would split a Markdown table's cell */
		size_t n = 0;
		for (const char *c = k->enums; *c && n + 3 < len; c++) {
			if (*c == '|') {
				range[n++] = ',';
				range[n++] = ' ';
			} else {
				range[n++] = *c;
			}
		}
		range[n] = 0;
	} else if (k->type == T_BOOL)
		snprintf(range, len, "on, off");
	else if (k->type == T_STRING)
		snprintf(range, len, "text");
	else if (k->enums)
		snprintf(range, len, "%s .. %s, %s", lo, hi, k->enums);
	else
		snprintf(range, len, "%s .. %s", lo, hi);
}

/* Is keys[i] the first key of its section? (A section's keys need not be
 * adjacent in the table; the reference lists each section once.) */
static int first_of_section(size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (strcmp(keys[j].section, keys[i].section) == 0)
			return 0;
	return 1;
}

int scenario_write_keys_markdown(FILE *f, const char *only)
{
	if (only && !section_known(only))
		return -1;
	for (size_t s = 0; s < N_KEYS; s++) {
		if (!first_of_section(s) || (only && strcmp(only, keys[s].section) != 0))
			continue;
		fprintf(f, "\n### [%s]\n\n| key | default | unit | range | meaning |\n"
			   "|---|---|---|---|---|\n", keys[s].section);
		for (size_t i = s; i < N_KEYS; i++) {
			const struct scenario_key *k = &keys[i];
			if (strcmp(k->section, keys[s].section) != 0)
				continue;
			char range[160];
			key_range(k, range, sizeof range);
			fprintf(f, "| `%s` | `%s` | %s | %s | %s |\n", k->name, k->dflt, k->unit, range,
				k->help);
		}
	}
	return 0;
}

int scenario_write_keys_text(FILE *f, const char *only)
{
	if (only && !section_known(only))
		return -1;
	int first = 1;
	for (size_t s = 0; s < N_KEYS; s++) {
		if (!first_of_section(s) || (only && strcmp(only, keys[s].section) != 0))
			continue;
		fprintf(f, "%s[%s]\n", first ? "" : "\n", keys[s].section);
		first = 0;
		for (size_t i = s; i < N_KEYS; i++) {
			const struct scenario_key *k = &keys[i];
			if (strcmp(k->section, keys[s].section) != 0)
				continue;
			char range[160], dflt[160];
			key_range(k, range, sizeof range);
			/* a bare number's unit beside it ("64 entries", not "100ns s") */
			size_t dl = strlen(k->dflt);
			int bare = dl && isdigit((unsigned char)k->dflt[dl - 1]);
			snprintf(dflt, sizeof dflt, "%s%s%s", dl ? k->dflt : "\"\"",
				 bare && *k->unit ? " " : "", bare ? k->unit : "");
			fprintf(f, "  %-20s = %-16s %s [%s]\n", k->name, dflt, k->help, range);
		}
	}
	return 0;
}

void scenario_write_sections(FILE *f)
{
	const char *sep = "";
	for (size_t i = 0; i < N_KEYS; i++) {
		if (first_of_section(i)) {
			fprintf(f, "%s%s", sep, keys[i].section);
			sep = " ";
		}
	}
	fputc('\n', f);
}
