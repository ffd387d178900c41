/* bench/tcp_flow.c - one TCP flow between npusim's client sender
 * (host/tcp_sender.c) and the server's receiver (host/tcp_receiver.c)
 * over a plain point-to-point link (host/tcp_pair.h), with data segments dropped on their
 * first transmission at chosen sequence numbers: the npusim half of the
 * sender's validation against ns-3 (bench/ns3/tcp_flow.cc, `make validate`).
 *
 *   build/bench/tcp_flow [--newreno] [--nosack] [--trace FILE] RATE_BPS DELAY_NS BYTES [SEQ...]
 *
 * SEQ: relative sequence numbers (the first data byte is 1, as Wireshark
 * and ns-3 count) of the segments dropped once. The link serializes each
 * packet as ns-3's PointToPointNetDevice does: its IP bytes plus the 2-byte
 * PPP header, at RATE_BPS, then DELAY_NS of propagation, with an unbounded
 * FIFO in each direction. Prints "flow: name value" lines; --trace writes
 * "time_s cwnd_segments ssthresh_segments" after every ACK. */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/tcp_pair.h"

#define MAX_DROPS 64

static struct tcp_pair P;
static uint32_t drop_seq[MAX_DROPS];
static int dropped[MAX_DROPS];
static int n_drops;
static uint32_t client_iss;
static FILE *trace;

/* The first transmission of a chosen segment is lost. */
static bool client_frame(void *ctx, const struct netpkt_tcp *h, uint32_t plen)
{
	(void)ctx;
	if (h->flags & NETPKT_TCP_SYN)
		client_iss = h->seq;
	if (plen == 0)
		return false;
	uint32_t rel = h->seq - client_iss;
	for (int i = 0; i < n_drops; i++)
		if (!dropped[i] && drop_seq[i] == rel) {
			dropped[i] = 1;
			return true;
		}
	return false;
}

static void on_ack(void *ctx, uint32_t conn, sim_time now, uint32_t cwnd, uint32_t ssthresh)
{
	(void)ctx;
	(void)conn;
	fprintf(trace, "%.9f %u %u\n", sim_time_to_seconds(now), cwnd, ssthresh > 65535 ? 65535 : ssthresh);
}

static void usage(void)
{
	fprintf(stderr, "usage: tcp_flow [--newreno] [--nosack] [--trace FILE] RATE_BPS DELAY_NS "
			"BYTES [SEQ...]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct tcp_sender_config c;
	tcp_sender_config_default(&c);
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--newreno"))
			c.cc = TCP_CONG_RENO;
		else if (!strcmp(argv[i], "--nosack"))
			c.sack = 0;
		else if (!strcmp(argv[i], "--trace") && i + 1 < argc) {
			trace = fopen(argv[++i], "w");
			if (!trace) {
				perror(argv[i]);
				return 1;
			}
		} else
			usage();
	}
	if (argc - i < 3)
		usage();
	uint64_t rate_bps = strtoull(argv[i], NULL, 10);
	sim_time delay_ps = (sim_time)strtoull(argv[i + 1], NULL, 10) * SIM_PS_PER_NS;
	uint64_t bytes = strtoull(argv[i + 2], NULL, 10);
	if (rate_bps == 0 || bytes == 0)
		usage();
	for (i += 3; i < argc && n_drops < MAX_DROPS; i++)
		drop_seq[n_drops++] = (uint32_t)strtoul(argv[i], NULL, 10);

	struct tcp_pair_hooks hooks = { .client_frame = client_frame };
	tcp_pair_init(&P, rate_bps, delay_ps, &hooks);
	tcp_pair_start(&P, &c, 49153, bytes);
	if (trace)
		tcp_sender_set_trace(P.snd, on_ack, NULL);
	sim_run_until(P.sim, sim_s(600));

	const struct tcp_sender_stats *st = tcp_sender_stats(P.snd);
	printf("flow: completion_s %.6f\n", P.done == SIM_TIME_MAX ? -1.0 : sim_time_to_seconds(P.done));
	printf("flow: fast_retransmits %" PRIu64 "\n", st->fast_retransmits);
	printf("flow: rto_timeouts %" PRIu64 "\n", st->rto_timeouts);
	printf("flow: retransmits %" PRIu64 "\n", st->retransmits);
	printf("flow: max_cwnd %u\n", st->max_cwnd_segments);
	printf("flow: undos %" PRIu64 "\n", st->undos);
	printf("flow: frto_spurious %" PRIu64 "\n", st->frto_spurious);
	printf("flow: dsacks %" PRIu64 "\n", st->dsacks);
	printf("flow: integrity_errors %" PRIu64 "\n", P.integrity_errors);
	int ok = P.bytes_in == bytes && P.integrity_errors == 0;
	tcp_pair_fini(&P);
	if (trace)
		fclose(trace);
	return ok ? 0 : 1;
}
