/* traces/replay.h - `npusim replay`: the firmware's LRO engine run natively
 * over a capture, writing what it hands the host to a new capture. */
#ifndef TRACES_REPLAY_H
#define TRACES_REPLAY_H

#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include "firmware/lro.h"

/* Replay's timeout scans are this far apart in capture time: the firmware's
 * timeout thread scans every timeout.period_cycles (20,000 by default) of
 * its 1 GHz core (firmware/threads.c, model/npu.h). */
#define REPLAY_SCAN_PERIOD_NS 20000u

/* npusim replay IN.pcap -o OUT.pcap [--filter BPF] [--mode lro|nic]
 *                [--threshold BYTES] [--no-active-ack]
 * Returns the exit status (0 ok, 1 output error, 2 bad input). */
int replay_main(int argc, char **argv);

/* The engine configuration replay starts from (lro_config_default with
 * room for many flows). */
void replay_config_default(struct lro_config *cfg);

/* The engine over the open capture `in` (`name` for messages), frames
 * matching the BPF `filter`, at most n_bufs segments held at once; what
 * the host receives goes to `out`, the summary to `summary` (NULL: none),
 * errors to stderr. Returns the exit status as replay_main. */
int replay_capture(pcap_t *in, const char *name, const char *filter,
		   const struct lro_config *cfg, uint32_t n_bufs, pcap_dumper_t *out,
		   FILE *summary);

#endif
