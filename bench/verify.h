/* bench/verify.h - checks what an aggregator handed on against its input,
 * byte for byte, per flow.
 *
 * From the input the reference keeps, per TCP flow (4-tuple), the bytes
 * of every data segment whose IP and TCP checksums are right, placed by
 * sequence number (from the SYN's when there is one). Each output frame's
 * payload is then compared with the reference at its sequence number. At
 * the end every reference byte must have been handed on exactly once and
 * nothing else. The order of the outputs is checked too: an output that
 * starts before the end of its flow's previous one is counted as out of
 * order (for an in-order aggregator, the concatenated payloads then equal
 * the flow's in-order payload). The checksums are computed here, by code
 * of its own (not the firmware's). */
#ifndef BENCH_VERIFY_H
#define BENCH_VERIFY_H

#include <stdint.h>

#include "bench/capture.h"

struct verify_report {
	uint64_t in_data_segments;     /* input data segments with right checksums */
	uint64_t in_bad_checksum;      /* input frames with a wrong checksum (left out) */
	uint64_t in_conflicts;         /* input bytes sent twice with different values */
	uint64_t out_frames;
	uint64_t out_data;             /* output frames that carry payload */
	uint64_t out_segments;         /* input segments those carry (caller's count) */
	uint64_t out_malformed;        /* not parseable as TCP/IPv4 */
	uint64_t out_bad_checksum;     /* output frames whose IP or TCP checksum is wrong */
	uint64_t out_of_order;         /* start before the end of the flow's previous output */
	uint64_t bytes_wrong;          /* differ from the input's */
	uint64_t bytes_twice;          /* handed on more than once */
	uint64_t bytes_extra;          /* not in the input */
	uint64_t bytes_missing;        /* in the input, never handed on */
	uint64_t bytes_ok;
	int bytes_verified;            /* no byte wrong, twice, extra or missing */
};

struct verify;

/* Builds the reference from the capture; NULL when out of memory (or more
 * than 65,536 flows). */
struct verify *verify_new(const struct capture *c);
/* Forget the outputs seen so far (a new pass). */
void verify_reset(struct verify *v);
/* One output frame, flattened; `segments`: how many input segments it
 * carries. */
void verify_output(struct verify *v, const uint8_t *frame, uint32_t len, uint32_t segments);
/* The totals so far, with the missing bytes counted. */
void verify_result(const struct verify *v, struct verify_report *r);
void verify_free(struct verify *v);

#endif
