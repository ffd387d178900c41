/* traces/pcap_tap.h - capture files written during a simulation (pcap with
 * nanosecond timestamps, Ethernet), opened by Wireshark and tshark. A tap
 * writes to a temporary name; pcap_tap_close renames it into place, so an
 * interrupted run leaves no half-written capture. */
#ifndef TRACES_PCAP_TAP_H
#define TRACES_PCAP_TAP_H

#include <stdint.h>
#include "sim/time.h"

struct pcap_tap;

/* NULL with a message on stderr when the file cannot be created. */
struct pcap_tap *pcap_tap_open(const char *path);
void pcap_tap_write(struct pcap_tap *t, const uint8_t *frame, uint32_t len, sim_time t_ps);
/* Finish the file and give it its name; returns 0 or -1. */
int pcap_tap_close(struct pcap_tap *t);
uint64_t pcap_tap_frames(const struct pcap_tap *t);

#endif
