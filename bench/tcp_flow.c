/* bench/tcp_flow.c - one TCP flow between npusim's client sender
 * (host/tcp_sender.c) and the server's receiver (host/tcp_receiver.c)
 * over a plain point-to-point link, with data segments dropped on their
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/oracle.h"
#include "host/tcp_receiver.h"
#include "host/tcp_sender.h"

#define MAX_DROPS 64

struct packet {
	int to_server;
	uint32_t len;
	uint8_t data[1600];
};

static sim *S;
static struct tcp_sender *snd;
static struct tcp_receiver *rcv;
static uint64_t rate_bps;
static sim_time delay_ps;
static sim_time link_free[2];          /* per direction: when the transmitter is idle */
static uint32_t drop_seq[MAX_DROPS];
static int dropped[MAX_DROPS];
static int n_drops;
static uint32_t client_iss;
static uint64_t bytes_total, bytes_in;
static sim_time done_ps = SIM_TIME_MAX;
static uint64_t integrity_errors;
static FILE *trace;

static void arrive(sim *s, void *arg);

static void put_on_link(int to_server, const uint8_t *frame, uint32_t len)
{
	struct packet *p = malloc(sizeof *p);
	if (!p)
		abort();
	p->to_server = to_server;
	p->len = len;
	memcpy(p->data, frame, len);
	uint32_t ip_len = (uint32_t)frame[16] << 8 | frame[17];
	sim_time ser = (sim_time)((ip_len + 2u) * 8ull * SIM_PS_PER_S / rate_bps);
	sim_time now = sim_now(S);
	sim_time start = link_free[to_server] > now ? link_free[to_server] : now;
	link_free[to_server] = start + ser;
	sim_schedule_at(S, start + ser + delay_ps, arrive, p);
}

/* The first transmission of a chosen segment is lost. */
static int drop_it(const struct netpkt_tcp *h, uint32_t plen)
{
	if (plen == 0)
		return 0;
	uint32_t rel = h->seq - client_iss;
	for (int i = 0; i < n_drops; i++)
		if (!dropped[i] && drop_seq[i] == rel) {
			dropped[i] = 1;
			return 1;
		}
	return 0;
}

static int client_xmit(void *ctx, const uint8_t *frame, uint32_t len)
{
	(void)ctx;
	struct netpkt_tcp h;
	const uint8_t *pl;
	uint32_t plen;
	if (netpkt_parse_tcp(frame, len, &h, &pl, &plen) != 0)
		abort();
	if (h.flags & NETPKT_TCP_SYN)
		client_iss = h.seq;
	if (!drop_it(&h, plen))
		put_on_link(1, frame, len);
	return 0;
}

static void server_xmit(void *ctx, const uint8_t *frame, uint32_t len)
{
	(void)ctx;
	put_on_link(0, frame, len);
}

static void server_deliver(void *ctx, uint32_t conn, uint64_t offset, const uint8_t *data,
			   uint32_t len)
{
	(void)ctx;
	if (offset != bytes_in || oracle_check(1, conn, offset, data, len) >= 0)
		integrity_errors++;
	bytes_in += len;
	if (bytes_in == bytes_total)
		done_ps = sim_now(S);
}

static const struct tcp_receiver_io rio = { server_xmit, server_deliver, NULL, NULL, NULL };

static void arrive(sim *s, void *arg)
{
	(void)s;
	struct packet *p = arg;
	struct netpkt_tcp h;
	const uint8_t *pl;
	uint32_t plen;
	if (netpkt_parse_tcp(p->data, p->len, &h, &pl, &plen) != 0)
		abort();
	if (p->to_server) {
		if (!rcv) {
			struct tcp_receiver_config c;
			tcp_receiver_config_default(&c);
			rcv = tcp_receiver_accept(S, &c, &rio, 0, &h);
		} else {
			tcp_receiver_on_segment(rcv, &h, pl, plen);
		}
	} else {
		tcp_sender_on_frame(snd, &h, plen);
	}
	free(p);
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
	rate_bps = strtoull(argv[i], NULL, 10);
	delay_ps = (sim_time)strtoull(argv[i + 1], NULL, 10) * SIM_PS_PER_NS;
	bytes_total = strtoull(argv[i + 2], NULL, 10);
	if (rate_bps == 0 || bytes_total == 0)
		usage();
	for (i += 3; i < argc && n_drops < MAX_DROPS; i++)
		drop_seq[n_drops++] = (uint32_t)strtoul(argv[i], NULL, 10);

	S = sim_create(1);
	struct tcp_sender_io io = { client_xmit, NULL, NULL, NULL, NULL };
	struct netpkt_tcp a;
	memset(&a, 0, sizeof a);
	a.saddr = 0x0a000001;
	a.daddr = 0x0a000002;
	a.sport = 49153;
	a.dport = 5001;
	snd = tcp_sender_create(S, &c, &io, 0, 1, bytes_total, &a);
	if (trace)
		tcp_sender_set_trace(snd, on_ack, NULL);
	tcp_sender_connect(snd);
	tcp_sender_start_data(snd);
	sim_run_until(S, sim_s(600));

	const struct tcp_sender_stats *st = tcp_sender_stats(snd);
	printf("flow: completion_s %.6f\n", done_ps == SIM_TIME_MAX ? -1.0 : sim_time_to_seconds(done_ps));
	printf("flow: fast_retransmits %" PRIu64 "\n", st->fast_retransmits);
	printf("flow: rto_timeouts %" PRIu64 "\n", st->rto_timeouts);
	printf("flow: retransmits %" PRIu64 "\n", st->retransmits);
	printf("flow: max_cwnd %u\n", st->max_cwnd_segments);
	printf("flow: undos %" PRIu64 "\n", st->undos);
	printf("flow: frto_spurious %" PRIu64 "\n", st->frto_spurious);
	printf("flow: dsacks %" PRIu64 "\n", st->dsacks);
	printf("flow: integrity_errors %" PRIu64 "\n", integrity_errors);
	tcp_sender_destroy(snd);
	tcp_receiver_destroy(rcv);
	sim_destroy(S);
	if (trace)
		fclose(trace);
	return bytes_in == bytes_total && integrity_errors == 0 ? 0 : 1;
}
