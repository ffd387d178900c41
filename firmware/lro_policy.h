/* firmware/lro_policy.h - the aggregation policies the LRO engine can run:
 * the paper's, and the rules of Linux GRO, FreeBSD tcp_lro and DPDK's GRO
 * library, on the same engine (parse, descriptor table, rebuild, checksum,
 * hand-over, counters). A policy is data - which segments may join an
 * aggregate, what ends it, how many flows may hold data, when a poll or
 * burst ends - and the few rule functions below that read it. Every
 * policy runs over IPv4 and IPv6, the IP fields a join needs equal by the
 * family's source (ip6_offload.c, tcp_lro.c, gro_tcp6.c). Sources and
 * the comparison on real captures: docs/ARCHITECTURE.md, "Aggregation
 * policies".
 */
#ifndef FIRMWARE_LRO_POLICY_H
#define FIRMWARE_LRO_POLICY_H

#include <stdbool.h>
#include <stdint.h>

struct lro_seg;

enum lro_policy_id {
	LRO_POLICY_PAPER = 0,          /* the paper's engine: reorder buffer, threshold, timeout */
	LRO_POLICY_LINUX_GRO = 1,      /* net/ipv4/tcp_offload.c tcp_gro_receive, net/core/gro.c */
	LRO_POLICY_FREEBSD_LRO = 2,    /* sys/netinet/tcp_lro.c */
	LRO_POLICY_DPDK_GRO = 3,       /* lib/gro/gro_tcp4.c, rte_gro.c (burst mode) */
	LRO_POLICY_FREEBSD_SORTED = 4, /* freebsd-lro with tcp_lro_queue_mbuf: bursts sorted by flow */
	LRO_POLICIES
};

/* TCP flag bits as in the header's byte 13 */
#define LRO_TCP_FIN 0x01u
#define LRO_TCP_SYN 0x02u
#define LRO_TCP_RST 0x04u
#define LRO_TCP_PSH 0x08u
#define LRO_TCP_ACK 0x10u
#define LRO_TCP_URG 0x20u
#define LRO_TCP_ECE 0x40u
#define LRO_TCP_CWR 0x80u

struct lro_policy {
	const char *name;              /* as the scenario key and --policy spell it */
	uint8_t id;                    /* enum lro_policy_id */
	uint8_t verifies_csum;         /* drops a bad checksum before merging */
	uint8_t join_flags;            /* flags besides ACK a segment may carry and join */
	uint8_t end_flags;             /* flags that end the aggregate once the segment joined */
	uint8_t ends_on_short;         /* a segment shorter than the first ends it (len < mss) */
	uint8_t refuses_larger;        /* a segment longer than the first may not join */
	uint8_t exact_headers;         /* ACK, window and TCP option bytes must equal the last's */
	uint8_t timestamps_only;       /* options: none, or NOP,NOP,timestamps; TSval never
					* goes backwards, TSecr never 0; the aggregate carries
					* the latest TSval */
	uint8_t separate_runs;         /* a flow holds several runs; a segment joins one it
					* touches at either end; runs never merge */
	uint8_t queues_refused;        /* refused frames wait for the burst's end, after the
					* runs (rte_gro_reassemble_burst's order) */
	uint8_t evicts_oldest;         /* no free entry: flush the oldest flow (else the
					* segment passes untouched) */
	uint8_t timeout_from_last;     /* flush_timeout counts from the last arrival (else
					* from the aggregate's first) */
	uint8_t sorts_burst;           /* frames wait for the burst's end, are sorted by flow
					* hash (stable) and merged one flow after the other */
	uint8_t gives_seg_size;        /* an aggregate's rx descriptor names its segment
					* size, which the host driver makes the skb's
					* gso_size (GRO's and inet_lro's skbs carry it) */
	uint32_t max_flows;            /* flows holding data at once; 0: the descriptor pool */
	uint32_t room_flush_bytes;     /* after a join, flush when less than this is left of
					* the 64 KB IP length (0: flush only when the next
					* segment does not fit) */
	uint32_t burst_frames;         /* frames per poll, interrupt or burst (0: none) */
};

/* The policy named id (a valid enum lro_policy_id). */
const struct lro_policy *lro_policy_get(unsigned id);
/* enum lro_policy_id of a name (paper, linux-gro, freebsd-lro, dpdk-gro,
 * freebsd-lro-sorted), -1 if none. */
int lro_policy_by_name(const char *name);

/* May segment s, of the flow of the aggregate first..last, continue it
 * (append after last)? Sequence, flags, headers, options and size by the
 * policy's rules. */
bool lro_policy_may_append(const struct lro_policy *p, const struct lro_seg *first,
			   const struct lro_seg *last, uint32_t agg_payload, uint32_t agg_max,
			   const struct lro_seg *s);
/* May s go in front of the run headed by first (DPDK's prepend)? */
bool lro_policy_may_prepend(const struct lro_policy *p, const struct lro_seg *first,
			    uint32_t agg_payload, uint32_t agg_max, const struct lro_seg *s);
/* Does s end the aggregate it just joined (or started)? */
bool lro_policy_ends_after(const struct lro_policy *p, const struct lro_seg *first,
			   const struct lro_seg *s);
/* May s be held at all (start or join an aggregate)? tcp_flags and the
 * payload length decide; odd frames (IP options, fragments, unknown TCP
 * options) are refused by the engine before. */
bool lro_policy_may_hold(const struct lro_policy *p, uint8_t tcp_flags, uint32_t payload_len);
/* May s start an aggregate (it could join one)? Not when its flags would
 * end it at once. */
bool lro_policy_holds_alone(const struct lro_policy *p, uint8_t tcp_flags);

#endif
