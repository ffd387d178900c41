/* traces/replay.h - `npusim replay`: the firmware's LRO engine run natively
 * over a capture, writing what it hands the host to a new capture. */
#ifndef TRACES_REPLAY_H
#define TRACES_REPLAY_H

#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "firmware/lro.h"

/* Replay's timeout scans are this far apart in capture time: the firmware's
 * timeout thread scans every timeout.period_cycles (20,000 by default) of
 * its 1 GHz core (firmware/threads.c, model/npu.h). */
#define REPLAY_SCAN_PERIOD_NS 20000u

/* The default --filter: every TCP segment over IPv4 or IPv6, the IPv6 ones
 * past any chain of extension headers (libpcap's protochain walks it;
 * "tcp" reads only the fixed header's next header, and would leave out the
 * segments the engine passes as LRO_PASS_IPV6_EXTHDR: holes in the output).
 * Non-TCP traffic stays out, counted as filtered. */
#define REPLAY_DEFAULT_FILTER "ip protochain 6 or ip6 protochain 6"

/* npusim replay IN.pcap -o OUT.pcap [--filter BPF] [--mode lro|nic]
 *                [--threshold BYTES] [--max-aggregate BYTES] [--no-active-ack]
 *                [--no-verify-csum] [--json]
 *                [--timeout-rule paper|floor|gap] [--timeout-floor-us US]
 *                [--timeout-gap-us US] [--policy P|all] [--flush-timeout-us US]
 * --policy all replays the capture once per policy and prints one table
 * (OUT.pcap, if given, becomes OUT.<policy>.pcap for each).
 * argv[0] is the command's name; options as getopt_long takes them.
 * Returns the exit status: 0 ok; 1 the output is written but the input was
 * not all replayed (REPLAY_INCOMPLETE: a capture cut short, frames cut by
 * the snaplen, checksums a sender's offload left; said on stderr), or the
 * output could not be written; 2 bad input (no output). */
int replay_main(int argc, char **argv);

#define REPLAY_INCOMPLETE 1

/* What one replay did, for the --policy all table. */
struct replay_totals {
	uint64_t packets_in, data_in, packets_out, aggregates, segments_delivered;
	uint64_t out_of_order;         /* data frames handed over after a later byte of their flow */
	uint64_t flush[LRO_FLUSH_REASONS];
};

struct replay_options {
	const char *filter;            /* BPF, applied to the untagged Ethernet frame */
	bool verify_csum;              /* false: fill checksums in (--no-verify-csum) */
	bool json;                     /* the summary as JSON */
	struct replay_totals *totals;  /* filled in when not NULL */
};
void replay_options_default(struct replay_options *o);

/* The engine configuration replay starts from (lro_config_default with
 * room for many flows). */
void replay_config_default(struct lro_config *cfg);

/* The engine over the open capture `in` (`name` for messages; Ethernet,
 * Linux cooked SLL/SLL2 or raw IP), at most n_bufs segments held at once;
 * what the host receives goes to `out` (Ethernet), the summary to `summary`
 * (NULL: none), errors and warnings to stderr. Returns the exit status as
 * replay_main (REPLAY_INCOMPLETE: `out` holds what the input had). */
int replay_capture(pcap_t *in, const char *name, const struct replay_options *opt,
		   const struct lro_config *cfg, uint32_t n_bufs, pcap_dumper_t *out,
		   FILE *summary);

/* Bursts: with a policy other than the paper's, the engine's poll or burst
 * ends (lro_burst_end) after lro_burst_frames() frames, when the capture is
 * quiet for REPLAY_SCAN_PERIOD_NS (the host would find its ring empty), and
 * after the last packet. */

/* enum lro_timeout_rule of a rule's name (paper, floor, gap), -1 if none. */
int replay_timeout_rule(const char *name);

#endif
