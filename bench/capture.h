/* bench/capture.h - a capture held in memory for the LRO benchmarks: read
 * from a pcap file, or generated (a bulk TCP transfer). */
#ifndef BENCH_CAPTURE_H
#define BENCH_CAPTURE_H

#include <stddef.h>
#include <stdint.h>

struct capture_frame {
	uint64_t ts_ns;                /* capture time */
	uint64_t off;                  /* into capture.data */
	uint32_t len;
};

struct capture {
	uint8_t *data;                 /* all frames back to back */
	struct capture_frame *frames;
	size_t n;
	uint64_t data_bytes;
	char name[256];                /* what the capture is, for the output */
};

/* The bulk capture: `flows` TCP flows to one receiver, each a SYN, `segs`
 * segments of `mss` payload bytes and a FIN. Like a Linux sender's: the
 * timestamp option on every segment (TSval a 1 ms clock), PSH on every 4th
 * segment, DF set and the IP ID counting up, correct checksums. The flows'
 * segments are interleaved one by one (many senders into one port), at
 * the 10 Gbit/s line rate of their frames. Payload bytes are pseudo-random.
 * Returns 0, or -1 when out of memory. */
int capture_generate_bulk(struct capture *c, unsigned flows, unsigned segs, unsigned mss);
/* Reads an Ethernet pcap file; frames longer than 1536 bytes are refused.
 * Returns 0, or -1 with a message on stderr. */
int capture_load(struct capture *c, const char *path);
/* Writes the capture as a pcap file (microsecond timestamps). */
int capture_write(const struct capture *c, const char *path);
void capture_free(struct capture *c);

#endif
