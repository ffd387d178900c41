/* traces/pcap_tap.h - capture files written during a simulation (pcap with
 * nanosecond timestamps, Ethernet), opened by Wireshark and tshark. A tap
 * writes to a temporary name (sim/atomic_file.h); pcap_tap_close renames it
 * into place once every write is known to have succeeded, so a full disk or
 * an interrupted run leaves no half-written capture. */
#ifndef TRACES_PCAP_TAP_H
#define TRACES_PCAP_TAP_H

#include <pcap/pcap.h>
#include <stdint.h>
#include "sim/atomic_file.h"
#include "sim/time.h"

struct pcap_tap;

/* NULL with a message on stderr when the file cannot be created. */
struct pcap_tap *pcap_tap_open(const char *path);
/* Captures written hold records of at most this many bytes (libpcap's and
 * Wireshark's largest for Ethernet); a longer frame (a BIG TCP aggregate)
 * is recorded cut to it, its full length kept, as tcpdump would. */
#define PCAP_TAP_SNAPLEN 262144u
void pcap_tap_write(struct pcap_tap *t, const uint8_t *frame, uint32_t len, sim_time t_ps);
/* Finish the file and give it its name; returns 0 or -1. */
int pcap_tap_close(struct pcap_tap *t);
/* Close without giving the file its name (a run that could not start). */
void pcap_tap_discard(struct pcap_tap *t);
uint64_t pcap_tap_frames(const struct pcap_tap *t);

/* Any pcap dumper as an atomic file: a dumper writing into af (NULL on
 * failure, af left open), and its close, which checks every write, commits
 * af and returns 0, or discards af and returns -1 with errno. */
pcap_dumper_t *pcap_dump_atomic(pcap_t *dead, struct atomic_file *af);
int pcap_dump_atomic_close(pcap_dumper_t *d, struct atomic_file *af);

#endif
