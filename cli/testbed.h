/* cli/testbed.h - the whole system of the paper's Fig. 12: client host,
 * fiber, XLS416 NIC running the LRO firmware, PCIe, server host. Builds it
 * from one configuration, runs it, and reports what happened. */
#ifndef HOST_TESTBED_H
#define HOST_TESTBED_H

#include <stdint.h>
#include "firmware/firmware.h"
#include "host/client.h"
#include "host/server.h"
#include "model/faults.h"
#include "model/npu.h"

struct testbed_config {
	uint64_t seed;
	sim_time time_limit_ps;        /* stop here even if transfers are unfinished */
	/* firmware parameters */
	uint32_t lro_mode;             /* 0 plain NIC, 1 LRO */
	uint32_t lro_threshold_bytes;
	uint32_t lro_max_aggregate_bytes; /* an aggregate's IP packet: 65535, more is BIG TCP */
	uint32_t ip6;                  /* 1: the hosts speak IPv6 (run.ip = 6) */
	uint32_t lro_active_ack;
	uint32_t lro_ack_window;
	int lro_ack_window_unscaled;   /* 1: lro_ack_window >> the host's window scale */
	uint32_t lro_timeout_factor;
	uint32_t lro_timeout_rule;     /* enum lro_timeout_rule */
	sim_time lro_timeout_floor_ps;
	sim_time lro_timeout_gap_ps;
	uint32_t lro_conns;
	double lro_pool_low;           /* share of the packet buffers */
	uint32_t lro_policy;           /* enum lro_policy_id (firmware/lro_policy.h) */
	sim_time lro_flush_timeout_ps; /* the other policies' flush timer (0: at burst ends) */
	uint32_t dma_lb;
	uint32_t dma_lb_window;
	uint32_t ring_rx_entries;
	uint32_t timeout_period_cycles;
	struct npu_config npu;
	struct pcie_config pcie;
	struct link_config link;
	struct server_config server;
	struct client_config client;
	struct faults_dir_config faults[2];  /* [LINK_CLIENT] client->NPU, [LINK_NPU] back */
	/* outputs (NULL/0: none) */
	const char *out_dir;           /* per-run folder for traces */
	int trace_dma;                 /* DMA report */
	int trace_pcap;                /* wire and host-delivery captures */
	int trace_vcd;                 /* waveforms: thread states, DMA depth, rx FIFO */
};

void testbed_config_default(struct testbed_config *c);

/* Called every 2^20 events: the simulated time, the time limit, events so
 * far, and the share of the run's work done (0..1): the larger of the bytes
 * the server read of all the client sends and now / end. */
struct testbed_progress {
	void (*fn)(void *ctx, sim_time now, sim_time end, uint64_t events, double work);
	void *ctx;
};

/* What a run produced: the paper's metric and everything behind it. */
struct testbed_result {
	double throughput_gbps;        /* server: bytes / (last EOF - first establishment) */
	uint64_t bytes_received;
	uint32_t established, completed;
	uint32_t failed_connections;   /* sent a SYN and were not established */
	uint32_t never_attempted;      /* sent no SYN before the time limit */
	uint32_t syn_retransmits;
	uint32_t established_after_syn_retransmit;   /* connections that needed one */
	int integrity_ok;
	char integrity_message[320];
	sim_time sim_end_ps;
	sim_time last_delivery_ps;     /* the last byte any application read */
	uint64_t events;
	double wall_seconds;
	/* breakdowns */
	struct fw_counters fw;
	struct dma_stats dma;
	struct mac_stats mac;
	struct server_stats server;
	struct listen_stats listen;
	struct client_stats client;
	struct faults_stats faults[2];
	uint64_t client_retransmits, client_rto_timeouts, client_fast_retransmits;
	uint64_t client_writes, client_cwnd_restarts;
	uint64_t client_sack_blocks, client_dsacks, client_undos, client_frto_spurious;
	uint64_t host_sack_acks, host_dsack_acks;
	uint64_t paws_rejected;        /* segments either host's PAWS discarded */
	double npu_thread_busy[NPU_THREADS];   /* fractions of the run */
	double npu_thread_mem[NPU_THREADS];
	const char *npu_thread_role[NPU_THREADS];
	double dma_busy, pcie_busy, host_cpu_busy;
	double host_core_busy[SERVER_MAX_CORES];
	double ddr_busy;               /* DRAM bus time / run */
	uint64_t host_rmem_drops;      /* segments the server's TCP had no room for */
	uint64_t lost_after_ack_bytes; /* acknowledged to the client, then dropped */
	uint32_t lost_after_ack_conn;
	char lost_after_ack_message[200];
	uint64_t dma_wait_p50_ns, dma_wait_p99_ns, dma_wait_max_ns;
	double dma_depth_mean;
	uint32_t dma_starved_connections;      /* with the DMA report on */
	uint32_t output_errors;        /* files of out_dir not written (each named on stderr) */
};

/* Runs one simulation. Returns 0, or -1 with a message in result's
 * integrity_message when the configuration is unusable. */
int testbed_run(const struct testbed_config *c, struct testbed_result *r,
		const struct testbed_progress *progress);

#endif
