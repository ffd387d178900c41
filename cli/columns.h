/* cli/columns.h - every results.csv column, defined once: its name, type,
 * unit, how points.csv summarises it, what the regression gate does with
 * it, its meaning (docs/SCENARIOS.md's column table is generated from this),
 * and the expression that computes it.
 *
 * RESULT_COLUMNS(X) lists the columns in results.csv order; each entry is
 *   X(name, type, unit, points, rank, gate, value, "meaning")
 *   name     the column's name in results.csv (a C identifier)
 *   type     TEXT (a word or a key as the scenario has it), COUNT (an
 *            integer, printed %PRIu64), REAL2/REAL3/REAL4/REAL6/REAL9 (a real
 *            number with that many decimals)
 *   unit     what one unit of the value is ("Gbit/s", "us", "s", "bytes",
 *            "count", "fraction"...); summary.json's unit follows the name's
 *            suffix (_gbps, _us, _s, _seconds, _bytes), which
 *            tests/test_columns.c keeps in step with this unit
 *   points   how points.csv summarises a point's runs: NONE (not in
 *            points.csv), KEY (names the point), MEDIAN_RANGE (median, then
 *            NAME_min and NAME_max), MEDIAN, MIN (NAME_min: the worst run's),
 *            MAX (NAME_max), MOST (the word most runs name; bound_by's
 *            words, cli/run.c's bound_names, ties to the first), ALL_OK
 *            (`ok` only if every run's is; the last column)
 *   rank     for MEDIAN_RANGE .. MOST: the figure's place among points.csv's
 *            figures (1 first); 0 otherwise
 *   gate     what scripts/regress.sh does with it (npusim columns --gate):
 *            NO (nothing), ID (kept in the baseline beside the figures: it
 *            names the run), NEAR (within the scenario's tolerance), EXACT
 *   value    the expression collect_metrics (cli/run.c) writes, in its
 *            scope: sc, p (the scenario point), c (testbed_config), r
 *            (testbed_result), l (r's LRO counters), ls (r's listening
 *            socket), d (the figures run.c derives: struct derived)
 *
 * Adding a column: one entry at the end of the list (so that older results
 * keep their order), e.g. for a counter r->fw.foo of testbed_result
 *   X(foo_drops, COUNT, "frames", NONE, 0, NO, r->fw.foo, \
 *     "frames dropped because ...") \
 * then `make docs` (docs/SCENARIOS.md's table; tests/e2e/columns.sh fails
 * until it is run). A figure worth a points.csv summary gets a `points`
 * and the next free rank; one the regression gate should check gets NEAR
 * or EXACT (regress.sh reads `npusim columns --gate`; the baselines then
 * need `make rebaseline`). tests/test_columns.c checks every entry: a unit,
 * a meaning, a name used once, a unit that agrees with summary.json's.
 *
 * The values of the swept keys that have no column here (`section.key`)
 * follow the column RESULT_COLUMNS_SWEPT_AFTER. */
#ifndef CLI_COLUMNS_H
#define CLI_COLUMNS_H

#include <stdio.h>

#define RESULT_COLUMNS_SWEPT_AFTER COL_integrity

#define RESULT_COLUMNS(X) \
X(run, COUNT, "index", NONE, 0, ID, p->run, \
  "the run's number in the sweep (run i is repeat i % N of point i / N)") \
X(mode, TEXT, "word", KEY, 0, ID, scenario_value(sc, p, "run", "mode"), \
  "`lro` (the firmware aggregates) or `nic` (the same NPU as a plain NIC)") \
X(connections, TEXT, "connections", KEY, 0, ID, scenario_value(sc, p, "run", "connections"), \
  "the TCP connections the client opens (`run.connections`)") \
X(dma_buffer, TEXT, "word", KEY, 0, ID, scenario_value(sc, p, "dma", "buffer"), \
  "the DMA request buffer: `stack` (the XLS416's LIFO) or `fifo`") \
X(dma_lb, TEXT, "word", KEY, 0, ID, scenario_value(sc, p, "dma", "lb"), \
  "the timeout thread's round-robin DMA load balancing, `on` or `off`") \
X(active_ack, TEXT, "word", KEY, 0, ID, scenario_value(sc, p, "lro", "active_ack"), \
  "the NPU's active ACK, `off`, `on` (the paper's) or `safe` (within the host's window)") \
X(threshold_bytes, TEXT, "bytes", KEY, 0, ID, scenario_value(sc, p, "lro", "threshold"), \
  "the LRO flush threshold as the scenario writes it (`64KiB`); summary.json has the bytes") \
X(seed, COUNT, "number", NONE, 0, ID, p->seed, \
  "the run's seed, derived from `run.seed` and the run's number") \
X(throughput_gbps, REAL4, "Gbit/s", MEDIAN_RANGE, 1, NEAR, r->throughput_gbps, \
  "bytes the server application read / (last completion, or the end of the run if one is " \
  "unfinished, - first establishment), the paper's metric") \
X(established, COUNT, "connections", MIN, 2, EXACT, r->established, \
  "connections established, as the client saw it") \
X(syn_retransmits, COUNT, "count", MAX, 4, EXACT, r->syn_retransmits, \
  "SYNs the client retransmitted") \
X(failed_connections, COUNT, "connections", MAX, 3, EXACT, r->failed_connections, \
  "connections that sent a SYN and were not established (those that sent none are " \
  "`never_attempted`)") \
X(integrity, TEXT, "word", ALL_OK, 0, EXACT, r->integrity_ok ? "ok" : "FAIL", \
  "the oracle's verdict on every byte read: `ok` or `FAIL`") \
X(port_base, COUNT, "port", NONE, 0, NO, c->client.port_base, \
  "the client's first source port (connection i uses port_base + i; those past port " \
  "65535 take further client addresses, `client.port_base`), as drawn when " \
  "`client.port_base = random`") \
X(established_after_syn_retransmit, COUNT, "connections", NONE, 0, NO, \
  r->established_after_syn_retransmit, \
  "connections established only after retransmitting their SYN") \
X(completed, COUNT, "connections", NONE, 0, EXACT, r->completed, \
  "transfers finished") \
X(bytes_received, COUNT, "bytes", NONE, 0, NO, r->bytes_received, \
  "bytes the server application read") \
X(sim_seconds, REAL6, "s", NONE, 0, NO, sim_time_to_seconds(r->sim_end_ps), \
  "simulated time at the end of the run") \
X(last_delivery_s, REAL9, "s", NONE, 0, NO, sim_time_to_seconds(r->last_delivery_ps), \
  "simulated time of the last byte read") \
X(lro_segments, COUNT, "segments", NONE, 0, NO, l->segments_aggregated, \
  "data segments the firmware aggregated") \
X(lro_deliveries, COUNT, "aggregates", NONE, 0, NO, l->deliveries, \
  "aggregates delivered to the host") \
X(aggregation_ratio, REAL2, "segments/aggregate", NONE, 0, NO, \
  l->deliveries ? (double)l->delivered_segments / (double)l->deliveries : 0.0, \
  "segments per aggregate delivered") \
X(frames_to_host, COUNT, "descriptors", NONE, 0, NO, r->fw.frames_to_host, \
  "rx descriptors published to the host") \
X(flush_threshold, COUNT, "aggregates", NONE, 0, NO, \
  l->flush[LRO_FLUSH_THRESHOLD] + l->flush[LRO_FLUSH_FULL], \
  "aggregates delivered because the run reached the threshold or the 64 KB limit " \
  "(`lro.max_aggregate`)") \
X(flush_fin, COUNT, "aggregates", NONE, 0, NO, l->flush[LRO_FLUSH_FIN], \
  "aggregates delivered because of a FIN") \
X(flush_timeout, COUNT, "aggregates", NONE, 0, NO, l->flush[LRO_FLUSH_TIMEOUT], \
  "aggregates delivered by the receive timeout") \
X(flush_other, COUNT, "aggregates", NONE, 0, NO, d->flush_other, \
  "aggregates delivered for any other reason (pass-through, held limit, SYN, data ahead, " \
  "release, end of a replay)") \
X(acks_sent, COUNT, "ACKs", NONE, 0, NO, l->acks_sent, \
  "active ACKs sent by the NPU") \
X(drop_duplicate, COUNT, "segments", NONE, 0, NO, l->drop[LRO_DROP_DUPLICATE], \
  "segments the firmware dropped: already held or delivered") \
X(drop_held_limit, COUNT, "segments", NONE, 0, NO, l->drop[LRO_DROP_HELD_LIMIT], \
  "segments the firmware dropped: 256 segments held past a gap") \
X(drop_pool_low, COUNT, "segments", NONE, 0, NO, l->drop[LRO_DROP_POOL_LOW], \
  "segments the firmware dropped: held past a gap when packet buffers ran low (`lro.pool_low`)") \
X(pool_low_signals, COUNT, "count", NONE, 0, NO, r->fw.pool_low_signals, \
  "release requests the timeout thread sent because packet buffers ran low") \
X(drop_bad_csum, COUNT, "segments", NONE, 0, NO, \
  l->drop[LRO_DROP_BAD_IP_CSUM] + l->drop[LRO_DROP_BAD_TCP_CSUM], \
  "segments the firmware dropped: bad IP or TCP checksum") \
X(drop_truncated, COUNT, "segments", NONE, 0, NO, l->drop[LRO_DROP_TRUNCATED], \
  "segments the firmware dropped: shorter than their headers") \
X(pass_pool_exhausted, COUNT, "frames", NONE, 0, NO, l->pass[LRO_PASS_POOL_EXHAUSTED], \
  "frames passed untouched because the connection-descriptor pool was empty") \
X(mac_fifo_drops, COUNT, "frames", NONE, 0, NO, r->mac.rx_drop_fifo_full, \
  "frames lost at the MAC: rx FIFO full") \
X(host_rmem_drops, COUNT, "segments", NONE, 0, NO, r->host_rmem_drops, \
  "segments the server's TCP dropped for want of socket-buffer room") \
X(lost_after_ack_bytes, COUNT, "bytes", NONE, 0, NO, r->lost_after_ack_bytes, \
  "of host_rmem_drops, bytes the client had seen acknowledged (by the NPU's active ACK), " \
  "lost for good - integrity is then `FAIL`") \
X(mac_waits_no_buffer, COUNT, "count", NONE, 0, NO, r->mac.rx_waits_no_buffer, \
  "back-pressure: times the MAC waited for a packet buffer") \
X(mac_waits_no_credit, COUNT, "count", NONE, 0, NO, r->mac.rx_waits_no_credit, \
  "back-pressure: times the MAC waited for FMN credit") \
X(ring_full_waits, COUNT, "count", NONE, 0, NO, r->fw.ring_full_waits, \
  "back-pressure: times an rx thread waited for a free rx descriptor") \
X(host_tx_ring_full, COUNT, "frames", NONE, 0, NO, r->server.tx_ring_full, \
  "frames the server sent that found its transmit ring full (they waited in the qdisc)") \
X(host_qdisc_drops, COUNT, "frames", NONE, 0, NO, r->server.tx_qdisc_drops, \
  "frames the server dropped with its transmit ring and qdisc full") \
X(host_qdisc_synack_drops, COUNT, "frames", NONE, 0, NO, r->server.tx_qdisc_synack_drops, \
  "of host_qdisc_drops, SYN-ACKs") \
X(host_qdisc_max, COUNT, "frames", NONE, 0, NO, r->server.tx_qdisc_max, \
  "the longest the server's qdisc got") \
X(tx_fetches, COUNT, "count", NONE, 0, NO, r->fw.tx_fetches, \
  "host frames (ACKs, SYN-ACKs) the tx thread fetched from host memory by DMA (`host.tx_dma`)") \
X(ack_alloc_fail, COUNT, "ACKs", NONE, 0, NO, r->fw.ack_alloc_fail, \
  "back-pressure: active ACKs not sent for want of a buffer") \
X(client_retransmits, COUNT, "segments", NONE, 0, NO, r->client_retransmits, \
  "segments the client retransmitted") \
X(client_rto_timeouts, COUNT, "count", MAX, 5, EXACT, r->client_rto_timeouts, \
  "the client's retransmission timeouts") \
X(client_fast_retransmits, COUNT, "count", NONE, 0, NO, r->client_fast_retransmits, \
  "the client's fast retransmits") \
X(client_writes, COUNT, "count", NONE, 0, NO, r->client_writes, \
  "application writes the client's test program began") \
X(client_cwnd_restarts, COUNT, "count", NONE, 0, NO, r->client_cwnd_restarts, \
  "client writes that found the congestion window shrunk by idleness (restarted)") \
X(dma_requests, COUNT, "requests", NONE, 0, NO, r->dma.requests, \
  "DMA requests served") \
X(dma_wait_p50_us, REAL3, "us", NONE, 0, NO, (double)r->dma_wait_p50_ns / 1e3, \
  "a DMA request's wait in the request buffer: median") \
X(dma_wait_p99_us, REAL3, "us", NONE, 0, NO, (double)r->dma_wait_p99_ns / 1e3, \
  "a DMA request's wait in the request buffer: 99th percentile") \
X(dma_wait_max_us, REAL3, "us", NONE, 0, NO, (double)r->dma_wait_max_ns / 1e3, \
  "a DMA request's wait in the request buffer: the longest") \
X(dma_depth_mean, REAL2, "requests", NONE, 0, NO, r->dma_depth_mean, \
  "the request buffer's depth, time-weighted mean") \
X(dma_depth_max, COUNT, "requests", NONE, 0, NO, r->dma.max_depth, \
  "the request buffer's largest depth") \
X(dma_starved_connections, COUNT, "connections", NONE, 0, NO, r->dma_starved_connections, \
  "connections whose SYN's DMA request waited at least the SYN RTO or was never served (with `[trace] dma = on`)") \
X(util_dma, REAL3, "fraction", MEDIAN, 6, NO, r->dma_busy, \
  "the DMA engine's busy fraction") \
X(util_ddr, REAL3, "fraction", MEDIAN, 12, NO, r->ddr_busy, \
  "the NPU DRAM bus's busy fraction") \
X(util_pcie, REAL3, "fraction", MEDIAN, 8, NO, r->pcie_busy, \
  "the PCIe link's busy fraction") \
X(util_host_cpu, REAL3, "fraction", MEDIAN, 9, NO, r->host_cpu_busy, \
  "the busiest server core's busy fraction") \
X(util_rx_thread_max, REAL3, "fraction", MEDIAN, 7, NO, d->rx_max, \
  "the busiest rx thread's utilization (computing or stalled on DRAM)") \
X(util_rx_thread_mean, REAL3, "fraction", NONE, 0, NO, d->rx_mean, \
  "the rx threads' mean utilization") \
X(faults_injected, COUNT, "count", NONE, 0, NO, d->faults_injected, \
  "faults the `[faults]` section injected (losses, duplicates, reorderings, corruptions, link-down drops...; both directions)") \
X(corrupt_injected, COUNT, "frames", NONE, 0, NO, d->corrupt_injected, \
  "of faults_injected, frames corrupted") \
X(corrupt_dropped, COUNT, "frames", NONE, 0, NO, \
  l->drop[LRO_DROP_BAD_IP_CSUM] + l->drop[LRO_DROP_BAD_TCP_CSUM] + r->client.drop_bad_frame, \
  "corrupt frames dropped (bad checksums at the NPU, bad frames at the client)") \
X(events, COUNT, "events", NONE, 0, NO, r->events, \
  "simulation events executed") \
X(client_sack_blocks, COUNT, "count", NONE, 0, NO, r->client_sack_blocks, \
  "SACK blocks the client received") \
X(client_dsacks, COUNT, "ACKs", NONE, 0, NO, r->client_dsacks, \
  "ACKs with a D-SACK the client received") \
X(client_undos, COUNT, "count", NONE, 0, NO, r->client_undos, \
  "window reductions the client undid (D-SACK or timestamps showed them needless)") \
X(client_frto_spurious, COUNT, "count", NONE, 0, NO, r->client_frto_spurious, \
  "timeouts F-RTO found spurious") \
X(host_sack_acks, COUNT, "ACKs", NONE, 0, NO, r->host_sack_acks, \
  "the server's ACKs that carried SACK blocks") \
X(host_dsack_acks, COUNT, "ACKs", NONE, 0, NO, r->host_dsack_acks, \
  "the server's ACKs that carried a D-SACK") \
X(util_host_core0, REAL3, "fraction", NONE, 0, NO, r->host_core_busy[0], \
  "server core 0's busy share (`host.cores`, `host.irq_affinity`)") \
X(util_host_core1, REAL3, "fraction", NONE, 0, NO, r->host_core_busy[1], \
  "server core 1's busy share") \
X(util_host_core2, REAL3, "fraction", NONE, 0, NO, r->host_core_busy[2], \
  "server core 2's busy share") \
X(util_host_core3, REAL3, "fraction", NONE, 0, NO, r->host_core_busy[3], \
  "server core 3's busy share") \
X(syn_dma_wait_max_us, REAL3, "us", NONE, 0, NEAR, sim_time_to_us(r->dma.syn.wait_max_ps), \
  "the longest wait in the DMA request buffer of a request carrying a client's SYN, " \
  "retransmitted SYNs included; a request never served counts as waiting until the end of " \
  "the run (model/dma.c follows every such request, with or without the DMA report)") \
X(syn_overtaken_max, COUNT, "requests", NONE, 0, NEAR, r->dma.syn.overtaken_max, \
  "the most newer requests the DMA engine served before one request carrying a client's " \
  "SYN (on a stack: every request that landed on top of it)") \
X(never_attempted, COUNT, "connections", NONE, 0, EXACT, r->never_attempted, \
  "connections that sent no SYN before the time limit (the client had not started their " \
  "thread, or with `connect = sequential` not reached them)") \
X(syn_dma_requests, COUNT, "requests", NONE, 0, NO, \
  r->dma.syn.requests + r->dma.syn.never_served, \
  "requests carrying a client's SYN that entered the DMA request buffer. A SYN the client " \
  "sent that is not among them waited (or was dropped) before the DMA step: in its rx " \
  "thread's queue, or at the MAC") \
X(syn_dma_never_served, COUNT, "requests", NONE, 0, NO, r->dma.syn.never_served, \
  "of syn_dma_requests, those still waiting at the end") \
X(synack_dma_wait_max_us, REAL3, "us", NONE, 0, NO, sim_time_to_us(r->dma.synack.wait_max_ps), \
  "syn_dma_wait_max_us for the tx thread's fetches of the host's SYN-ACKs (`host.tx_dma`)") \
X(synack_overtaken_max, COUNT, "requests", NONE, 0, NO, r->dma.synack.overtaken_max, \
  "syn_overtaken_max for the tx thread's fetches of the host's SYN-ACKs") \
X(listen_syn_drops, COUNT, "SYNs", NONE, 0, NO, \
  ls->verdicts[LISTEN_DROP_SYNQ_FULL] + ls->verdicts[LISTEN_DROP_SYN_ACCEPTQ_FULL], \
  "SYNs the server's listening socket (host/listen.h) dropped: SYN queue full without " \
  "cookies, or accept queue full with young requests waiting") \
X(listen_ack_drops, COUNT, "ACKs", NONE, 0, NO, ls->verdicts[LISTEN_DROP_ACK_ACCEPTQ_FULL], \
  "handshake ACKs the listening socket dropped (accept queue full)") \
X(listen_cookies, COUNT, "SYNs", NONE, 0, NO, ls->verdicts[LISTEN_COOKIE], \
  "SYNs answered with a SYN cookie") \
X(synack_timer_retransmits, COUNT, "SYN-ACKs", NONE, 0, NO, ls->synack_retransmits, \
  "SYN-ACKs resent by the listener's SYN-ACK timer (3 s, doubling)") \
X(acceptq_max, COUNT, "connections", NONE, 0, NO, ls->acceptq_max, \
  "the longest the accept queue got") \
X(util_rx_thread_min, REAL3, "fraction", NONE, 0, NO, d->rx_min, \
  "the least busy of the 13 rx threads' utilizations (computing or stalled on DRAM, as a " \
  "fraction of the run)") \
X(util_rx_thread_median, REAL3, "fraction", MEDIAN, 10, NO, d->rx_median, \
  "the rx threads' median utilization") \
X(rx_threads_busy, COUNT, "threads", MEDIAN, 11, NO, d->rx_busy, \
  "rx threads at least 80 % busy, so that a burst finds them short of time") \
X(util_wire, REAL3, "fraction", NONE, 0, NO, d->wire, \
  "the fiber's utilization: the throughput with each 1,448-byte payload's 90 bytes of " \
  "headers, FCS, preamble and gap (over IPv6, 1,428 bytes and 110), over `link.rate`") \
X(util_timeout_thread, REAL3, "fraction", NONE, 0, NO, d->lb, \
  "the timeout thread's utilization: its receive-timeout scans and, with `dma.lb = on`, the " \
  "DMA balancer's queue work (paper V.B: the same thread)") \
X(bound_by, TEXT, "word", MOST, 13, NO, d->bound_by, \
  "the resource closest to saturation, of `wire`, `dma` (`util_dma`), `pcie`, `ddr`, " \
  "`rx_threads` (the busiest rx thread), `lb_thread` (`util_timeout_thread`) and " \
  "`host_cpu`: the one with the highest utilization (ties go in that order). It names what " \
  "a run is nearest to running out of; docs/CALIBRATION.md, \"Fig. 13: the mechanism\", " \
  "reads it along the paper's curve") \
X(acks_window_limited, COUNT, "segments", NONE, 0, NO, l->acks_window_limited, \
  "`lro.active_ack = safe`: segments whose active ACK the host's advertised window held " \
  "short of nextseq (none sent, or one up to the window's edge)") \
X(acks_window_unknown, COUNT, "segments", NONE, 0, NO, l->acks_window_unknown, \
  "`safe`: segments not acknowledged because the flow's window scale is unknown (its " \
  "SYN-ACK was not seen)") \
X(ack_window_updates, COUNT, "ACKs", NONE, 0, NO, l->ack_window_updates, \
  "`safe`: ACKs the tx thread sent because a host ACK opened the window while the NPU's " \
  "ACKs ran ahead of the host's (the sender drops the host's older ACK unread)") \
X(window_update_alloc_fail, COUNT, "ACKs", NONE, 0, NO, r->fw.window_update_alloc_fail, \
  "`safe`: window updates not sent for want of a packet buffer") \
X(flush_window, COUNT, "aggregates", NONE, 0, NO, l->flush[LRO_FLUSH_WINDOW], \
  "`safe`: aggregates delivered because the host's window left the sender no room for " \
  "another segment (instead of at the receive timeout)") \
X(pass_unacked_resend, COUNT, "segments", NONE, 0, NO, l->pass[LRO_PASS_UNACKED_RESEND], \
  "`safe`: resends of bytes the NPU had handed to the host without acknowledging them, " \
  "passed to the host (which may have dropped them) instead of dropped as duplicates") \
X(flush_burst_end, COUNT, "aggregates", NONE, 0, NO, d->flush_burst_end, \
  "with `lro.policy` other than `paper`: aggregates flushed at the end of an rx poll or " \
  "burst (docs/ARCHITECTURE.md, \"Aggregation policies\")") \
X(flush_policy_rules, COUNT, "aggregates", NONE, 0, NO, d->flush_policy_rules, \
  "with `lro.policy` other than `paper`: aggregates ended by the policy's merge rules - a " \
  "sequence gap, headers or options that differ, PSH/FIN or a short segment, an entry " \
  "evicted for a new flow, a sorted poll moving on to the next flow") \
X(pass_ipv6_exthdr, COUNT, "frames", NONE, 0, NO, l->pass[LRO_PASS_IPV6_EXTHDR], \
  "IPv6 segments passed untouched for an extension header (docs/ARCHITECTURE.md, \"IPv6 " \
  "and BIG TCP\")") \
X(host_frames_per_second, REAL2, "frames/s", NONE, 0, NO, \
  r->last_delivery_ps ? (double)r->fw.frames_to_host / sim_time_to_seconds(r->last_delivery_ps) \
		      : 0.0, \
  "frames the host took (aggregates and single frames: `frames_to_host`) per second up to " \
  "the last delivery: what larger aggregates (`lro.max_aggregate`, BIG TCP) save the " \
  "host's per-packet path") \
X(paws_rejected, COUNT, "segments", NONE, 0, NO, r->paws_rejected, \
  "segments the hosts' TCP discarded by PAWS (RFC 7323 section 5; Linux 2.6.32's " \
  "tcp_paws_discard: a TSval more than 1 ms older than the last kept, not a reordered " \
  "duplicate ACK; PAWSESTABREJECTED), the server's and the client's together, each " \
  "answered with a duplicate ACK (docs/CALIBRATION.md)")

enum column_id {
#define COLUMN_ID(name, type, unit, points, rank, gate, value, meaning) COL_##name,
	RESULT_COLUMNS(COLUMN_ID)
#undef COLUMN_ID
	N_COLUMNS
};

enum column_type { COLUMN_TEXT, COLUMN_COUNT, COLUMN_REAL };
enum column_points { POINTS_NONE, POINTS_KEY, POINTS_MEDIAN_RANGE, POINTS_MEDIAN, POINTS_MIN,
		     POINTS_MAX, POINTS_MOST, POINTS_ALL_OK };
enum column_gate { GATE_NO, GATE_ID, GATE_NEAR, GATE_EXACT };

struct column {
	const char *name;
	enum column_type type;
	unsigned decimals;             /* COLUMN_REAL: digits after the point */
	const char *unit;
	enum column_points points;
	unsigned rank;                 /* place among points.csv's figures, 1 first */
	enum column_gate gate;
	const char *meaning;
};

/* The table, in results.csv order (columns[COL_x] is column x). */
extern const struct column columns[N_COLUMNS];

/* The column named name, or NULL (a swept `section.key`, or unknown). */
const struct column *column_find(const char *name);

/* points.csv's figures (the columns with a rank), in rank order; returns
 * their count. */
unsigned columns_points_figures(const struct column **out, unsigned max);

/* A set of gate roles: GATE_SET(GATE_NEAR) | GATE_SET(GATE_EXACT)... */
#define GATE_SET(gate) (1u << (gate))
/* The columns the regression gate keeps in a baseline. */
#define GATE_BASELINE (GATE_SET(GATE_ID) | GATE_SET(GATE_NEAR) | GATE_SET(GATE_EXACT))

/* "throughput_gbps,...\n": the names of the columns whose gate role is in
 * the set, in table order. */
void columns_write_gate(FILE *f, unsigned gates);

/* The docs' table (docs/SCENARIOS.md, "results.csv, column by column"). */
void columns_write_markdown(FILE *f);
/* The same as plain text, for a terminal. */
void columns_write_text(FILE *f);

/* The JSON member summary.json gives a column (or a swept section.key):
 * the name with a unit suffix turned into the base unit's (_gbps -> _bps,
 * _us -> _s), the factor to that unit, and the unit ("bit/s", "s",
 * "bytes"), or NULL when the name carries none. */
const char *column_json_unit(const char *name, char *json_name, size_t len, double *scale);

/* Names among names[0..n) that are neither a column of the table nor a
 * swept `section.key`: each named on err; returns their count. */
int columns_check_names(const char *const *names, unsigned n, FILE *err);

#endif
