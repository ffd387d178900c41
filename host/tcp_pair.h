/* host/tcp_pair.h - the client's TCP sender (host/tcp_sender.h) and the
 * server's receiver (host/tcp_receiver.h) back to back over a
 * point-to-point wire, no NPU between: the fixture of the TCP suites
 * (tests/test_tcp.c) and of the sender's validation against ns-3
 * (bench/tcp_flow.c).
 *
 * One flow, 10.0.0.1:sport -> 10.0.0.2:5001, connection 0 of oracle seed 1
 * (host/oracle.h). The server accepts it, with the default receiver
 * configuration, at the first frame that reaches it, and checks every byte
 * its receiver delivers: in order, and the oracle's. The wire, in each
 * direction: a FIFO that serializes a frame's IP bytes plus 2 (PPP's
 * header, as ns-3's PointToPointNetDevice does) at rate_bps (0: at once),
 * then `delay` of propagation.
 */
#ifndef HOST_TCP_PAIR_H
#define HOST_TCP_PAIR_H

#include <stdbool.h>
#include <stdint.h>

#include "host/netpkt.h"
#include "host/tcp_receiver.h"
#include "host/tcp_sender.h"
#include "sim/kernel.h"

struct tcp_pair_hooks {
	/* Each frame the sender puts out: true when the wire loses it. NULL:
	 * none is lost. */
	bool (*client_frame)(void *ctx, const struct netpkt_tcp *h, uint32_t payload_len);
	/* Each frame the receiver puts out, as it goes on the wire. */
	void (*server_frame)(void *ctx, const struct netpkt_tcp *h);
	void *ctx;
};

struct tcp_pair {
	sim *sim;
	struct tcp_sender *snd;        /* NULL: a receiver alone */
	struct tcp_receiver *rcv;      /* NULL until the first frame reaches the server */
	uint64_t bytes;                /* the flow's size (0: a receiver alone) */
	uint64_t bytes_in;             /* delivered to the server's application */
	uint64_t integrity_errors;     /* deliveries out of order or not the oracle's bytes */
	sim_time done;                 /* when bytes_in reached bytes; SIM_TIME_MAX: not yet */
	/* the pair's own */
	uint64_t rate_bps;
	sim_time delay;
	sim_time idle_at[2];           /* per direction (1: to the server): when its transmitter is free */
	struct tcp_pair_hooks hooks;
	struct tcp_sender_io sio;
	struct tcp_receiver_io rio;
};

/* A new simulation holding the wire, nothing on it yet. p stays where it
 * is until tcp_pair_fini. hooks may be NULL. */
void tcp_pair_init(struct tcp_pair *p, uint64_t rate_bps, sim_time delay,
		   const struct tcp_pair_hooks *hooks);
/* The client's sender (config c) of `bytes` from port sport: created,
 * connecting and writing. The simulation does the rest. */
void tcp_pair_start(struct tcp_pair *p, const struct tcp_sender_config *c, uint16_t sport,
		    uint64_t bytes);
/* Without a sender: the server's passive open of syn with config c; the
 * caller feeds p->rcv, and its ACKs cross the wire to no one. */
void tcp_pair_accept(struct tcp_pair *p, const struct tcp_receiver_config *c,
		     const struct netpkt_tcp *syn);
/* Frees the sender, the receiver and the simulation. */
void tcp_pair_fini(struct tcp_pair *p);

#endif
