/* cli/dma_report.h - the DMA starvation report: per-request waits, buffer
 * depth and oldest-request age over time, and which connections starved.
 *
 * Fed one record per DMA request as the engine serves it (or, at the end of
 * the run, for requests never served), it writes into a run's folder:
 *   dma_requests.csv  one row per request (enqueue, start, wait, requester,
 *                     flow, SYN?, direction, depth at enqueue, newer requests
 *                     served first)
 *   dma_depth.csv     time_s,depth,oldest_age_us sampled per interval (max)
 *   dma_report.txt    the story per connection: each SYN's request, how long
 *                     it waited, how many newer requests overtook it, and
 *                     whether the client's SYN timer fired first.
 * See docs/DEBUGGING.md for how to read them.
 */
#ifndef CLI_DMA_REPORT_H
#define CLI_DMA_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include "sim/time.h"

#define DMA_REPORT_NOT_SERVED SIM_TIME_MAX

struct dma_report_req {
	sim_time enqueue_ps;           /* entered the request buffer */
	sim_time start_ps;             /* service began, or DMA_REPORT_NOT_SERVED */
	uint32_t requester;            /* station (thread) that asked */
	uint32_t len_bytes;
	uint32_t depth_at_enqueue;     /* requests already waiting */
	int32_t conn;                  /* client connection index, -1 if unknown */
	uint8_t is_syn;                /* the bytes moved start a TCP SYN (or, from
					* the host, a SYN-ACK) */
	uint8_t is_first_segment;      /* carries headers (not a payload-only piece) */
	uint8_t from_host;             /* a frame the tx thread fetched from the host */
};

struct dma_report;

struct dma_report *dma_report_create(void);
void dma_report_destroy(struct dma_report *r);
void dma_report_add(struct dma_report *r, const struct dma_report_req *q);
size_t dma_report_count(const struct dma_report *r);

/* The client's view of one connection, for the per-connection story. */
struct dma_report_conn {
	sim_time syn_first_ps;         /* first SYN sent, SIM_TIME_MAX if never */
	sim_time established_ps;       /* SIM_TIME_MAX if never */
	uint32_t syn_retransmits;
};

/* Writes the three files into dir (atomically: sim/atomic_file.h; a file
 * that cannot be written is named on stderr).
 * interval_ps is the sampling interval of dma_depth.csv; end_ps the end of
 * the run (requests never served count as waiting until then). Returns 0 or
 * -errno. */
int dma_report_write(struct dma_report *r, const char *dir, sim_time interval_ps,
		     sim_time end_ps, const struct dma_report_conn *conns, size_t n_conns);

/* Summary figures for results.csv. */
struct dma_report_summary {
	uint64_t requests;
	uint64_t never_served;
	uint64_t syn_requests;
	sim_time syn_wait_max_ps;
	uint32_t starved_connections;  /* a SYN request waited past the SYN RTO or forever */
};
void dma_report_summarize(struct dma_report *r, sim_time end_ps, sim_time syn_rto_ps,
			  struct dma_report_summary *out);

#endif
