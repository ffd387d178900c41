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

/* How many frames ahead a copy loop asks for the capture's lines: it sits
 * in DRAM, and one frame's time (~120 ns) is too short a notice. */
#define CAPTURE_PREFETCH_AHEAD 2u

/* Asks for the lines of frame i, if there is one, before it is copied. */
static inline void capture_prefetch(const struct capture *c, size_t i)
{
	if (i >= c->n)
		return;
	const uint8_t *p = c->data + c->frames[i].off;
	for (uint32_t at = 0; at < c->frames[i].len; at += 64u)
		__builtin_prefetch(p + at);
}

/* The options both LRO benchmarks take: a capture file, or the size of
 * the bulk capture to generate, and how long to measure. */
struct capture_options {
	const char *path;              /* NULL: generate */
	double seconds;                /* 2 */
	unsigned flows, segs;          /* 16, 20,000 */
};
void capture_options_default(struct capture_options *o);
/* Takes argv[*i] (and its value, advancing *i) if it is one of these
 * options or the capture's path. Returns 1 if taken, 0 if not. */
int capture_options_take(struct capture_options *o, int argc, char **argv, int *i);
/* 1 if the values are in range. */
int capture_options_valid(const struct capture_options *o);
/* Loads the named capture or generates the bulk one; 0, or -1 with a
 * message naming `prog` on stderr. */
int capture_options_load(const struct capture_options *o, struct capture *c, const char *prog);

#endif
