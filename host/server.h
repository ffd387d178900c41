/* host/server.h - the server: Core i3-530 running Linux 2.6.32 behind the
 * NPU. Its NIC driver (rx rings in the NPU's PCIe shared memory, MSI, NAPI),
 * the receive path's CPU cost, TCP, and the paper's server test program,
 * which reads every connection to EOF and checks every byte with the
 * integrity oracle.
 *
 * CPU model: a core does the interrupt, the NAPI poll, IP/TCP and the
 * copy to the application, one job at a time; each costs cycles from the
 * table in server_config (docs/CALIBRATION.md gives the sources). Reading
 * a descriptor from device memory stalls the core for a PCIe read.
 * Cores: the rx ring r raises MSI vector r; irq_affinity decides which
 * core takes each vector and polls that ring: all on one core (one MSI
 * vector, as Linux gives a plain-MSI device), or ring r on core r % cores
 * (one MSI-X vector per ring, irqbalance spreading them). Each core runs
 * its own NAPI poll over its rings.
 */
#ifndef HOST_SERVER_H
#define HOST_SERVER_H

#include <stdint.h>
#include "host/listen.h"
#include "host/tcp_receiver.h"
#include "model/pcie.h"

#define SERVER_MAX_CORES 4

enum server_irq_affinity {
	SERVER_IRQ_ONE_CORE = 0,       /* every ring's interrupt on core 0 */
	SERVER_IRQ_ROUND_ROBIN = 1,    /* ring r's on core r % cores */
};

struct server_config {
	uint64_t cpu_hz;               /* 2.93 GHz */
	uint32_t irq_cycles;           /* per MSI taken */
	uint32_t poll_cycles;          /* per NAPI poll round */
	uint32_t packet_cycles;        /* per frame: driver + skb + IP + TCP */
	double byte_cycles;            /* per payload byte: copy to user */
	uint32_t tx_cycles;            /* per frame the host sends (ACKs) */
	uint32_t napi_weight;          /* 64 */
	uint32_t napi_budget;          /* netdev_budget 300 */
	uint16_t client_port_base;     /* the client's port_base: connection i comes
					* from endpoint_of_conn (host/endpoints.h) */
	uint64_t app_read_bps;         /* the test program reads each connection at
					* this rate; 0: as fast as data arrives */
	uint32_t txqueuelen;           /* qdisc in front of the tx ring: 1000 frames */
	sim_time tx_wake_ps;           /* a full tx ring is looked at again after this
					* (the tx-completion interrupt): 10 us */
	int tx_dma;                    /* leave sent frames in host memory for the
					* NPU to fetch by DMA (else copy them into
					* the tx ring in device memory) */
	struct tcp_receiver_config tcp;
	uint32_t cores;                /* the i3-530: 2 (hyperthreads not counted) */
	enum server_irq_affinity irq_affinity;
	struct listen_config listen;   /* the test program's listening socket */
	uint32_t rx_buf_bytes;         /* each rx descriptor's buffer: NIC_RX_BUF_BYTES
					* (a 64 KB aggregate), more for BIG TCP */
};

void server_config_default(struct server_config *c);

struct server_conn_stats {
	sim_time established_ps, eof_ps;
	sim_time last_byte_ps;         /* when the last byte so far was read */
	uint64_t bytes;                /* read by the application */
	uint64_t arrived;              /* handed up in order by TCP */
	int integrity_failed;
};

struct server_stats {
	uint64_t msi, polls, frames, bytes_delivered;
	uint64_t drop_bad_frame;       /* not TCP/IPv4 or a bad checksum */
	uint64_t drop_unknown_conn;
	uint64_t tx_frames;
	uint64_t tx_ring_full;         /* frames that found the tx ring full (queued) */
	uint64_t tx_qdisc_drops;       /* frames dropped: ring and qdisc full */
	uint64_t tx_qdisc_synack_drops;   /* of which SYN-ACKs */
	uint32_t tx_qdisc_max;         /* deepest the qdisc got */
	sim_time cpu_busy_ps;          /* all cores */
	sim_time core_busy_ps[SERVER_MAX_CORES];
	uint64_t integrity_failures;
	char first_failure[160];
};

struct server;

struct server *server_create(sim *s, const struct server_config *c, struct pcie *p,
			     uint64_t seed, uint32_t n_conns);
void server_destroy(struct server *sv);
const struct server_stats *server_stats(const struct server *sv);
const struct server_conn_stats *server_conn(const struct server *sv, uint32_t conn);
const struct tcp_receiver_stats *server_tcp_stats(const struct server *sv, uint32_t conn);
/* The connection's first missing byte was dropped by the server's TCP. */
int server_hole_was_dropped(const struct server *sv, uint32_t conn);
/* Called with every frame the driver hands to the stack (aggregates as the
 * host sees them), for capture taps. */
typedef void (*server_tap_fn)(void *ctx, const uint8_t *frame, uint32_t len, sim_time t);
void server_set_tap(struct server *sv, server_tap_fn fn, void *ctx);
/* Connections read to EOF. */
uint32_t server_completed(const struct server *sv);
/* The listening socket: SYN and accept queues, their drops, SYN-ACK timer. */
const struct listen_stats *server_listen_stats(const struct server *sv);

#endif
