/* host/client.h - the client: the paper's client test program on Linux
 * 2.6.32 with an Intel 82599 NIC. It opens N connections to the server and
 * sends each a number of bytes. The NIC's TSO cuts every write into MSS
 * frames that the fiber serializes at line rate (model/link.h); the NIC's
 * transmit ring is the link's queue.
 *
 * Connect pattern: `sequential` - connect() one connection after another,
 * each blocking until established (or failed), and each connection starts
 * sending as soon as it is established (the pattern behind the paper's SYN
 * starvation, docs/CALIBRATION.md); `simultaneous` - all connects are issued at once
 * (non-blocking) and each connection sends as soon as it is established
 * (the paper's section V.B wording); `all-then-send` - all connections are
 * opened, and data starts once every one is established or has failed (the
 * paper's section VII wording).
 *
 * `simultaneous` opens its connections as a plain test program does: one
 * thread per connection, each calling connect() (blocking) as soon as it
 * runs. The main thread creates them one after another, so the SYNs leave
 * `thread_start_ps` apart: the cost of pthread_create() (NPTL: an mmap'ed
 * stack and a clone(), 10-50 us; docs/CALIBRATION.md). `all-then-send`
 * issues all its connects at once: its data waits for every connection.
 */
#ifndef HOST_CLIENT_H
#define HOST_CLIENT_H

#include <stdint.h>
#include "host/tcp_sender.h"
#include "model/link.h"

enum client_pattern {
	CLIENT_SEQUENTIAL = 0,         /* blocking connects, one after another */
	CLIENT_ALL_THEN_SEND = 1,      /* all connect; data once all are established */
	CLIENT_SIMULTANEOUS = 2,       /* all connect at once; each sends when established */
};

struct client_config {
	uint32_t connections;
	uint64_t bytes_per_connection;
	enum client_pattern pattern;
	uint16_t port_base;            /* connection i's source address and port:
					* endpoint_of_conn (host/endpoints.h) */
	uint16_t server_port;
	sim_time thread_start_ps;      /* between two connection threads' connect()s
					* (`simultaneous`): 20 us */
	struct tcp_sender_config tcp;
	uint8_t ip6;                   /* speak IPv6 (netpkt.h's 2001:db8::/96 addresses) */
};

void client_config_default(struct client_config *c);

/* The most connections a scenario may ask for: 10^6 ran in 1.6 GiB of
 * the simulator's memory (docs/PERFORMANCE.md, "Cost curves"), within
 * 4 GB; their client addresses stay inside 10.0.0.0/8 (host/endpoints.h)
 * for any port_base. */
#define CLIENT_MAX_CONNECTIONS 1000000u

/* Linux's ephemeral port range (net.ipv4.ip_local_port_range, 32768-61000
 * on 2.6.32 / RHEL 6). */
#define CLIENT_EPHEMERAL_LOW 32768u
#define CLIENT_EPHEMERAL_HIGH 61000u

/* The source port of connection 0 when the ports are left to connect():
 * Linux starts from a hash of the destination keyed with a per-boot secret
 * plus a counter that every connect() advances, so one test run's
 * connections take consecutive ports from a start that differs from boot
 * to boot and run to run. Here the start is drawn from `seed`, uniform
 * over the range, and kept low enough that all `connections` ports fit
 * in it; more connections than the range holds take a start anywhere in
 * it (connections beyond 65535 - start take the next address,
 * host/endpoints.h). */
uint16_t client_ephemeral_port_start(uint64_t seed, uint32_t connections);

struct client_stats {
	uint64_t frames_sent, frames_received;
	uint64_t drop_bad_frame;       /* corrupted on the wire: checksum */
	uint64_t nic_queue_full;       /* writes that waited for the NIC */
};

struct client;

struct client *client_create(sim *s, const struct client_config *c, struct link *l,
			     struct frame_pool *pool, uint64_t seed);
void client_destroy(struct client *cl);
void client_start(struct client *cl);
/* Connections done (FIN acknowledged) or failed. */
uint32_t client_finished(const struct client *cl);
const struct tcp_sender_stats *client_conn(const struct client *cl, uint32_t conn);
enum tcp_sender_state client_conn_state(const struct client *cl, uint32_t conn);
const struct client_stats *client_stats(const struct client *cl);

#endif
