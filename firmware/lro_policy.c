/* firmware/lro_policy.c - the aggregation policies' rules as data, and the
 * rule functions the engine asks (firmware/lro_policy.h). Each rule cites
 * the source file it follows; the code here is written from those facts.
 */
#include "firmware/lro_policy.h"

#include <string.h>
#include "firmware/hal.h"
#include "firmware/lro.h"

#define ETH_HLEN 14u
#define IP_HLEN 20u                    /* frames with IP options are never held */
#define IP6_HLEN 40u                   /* nor IPv6 ones with extension headers */

static const struct lro_policy policies[LRO_POLICIES] = {
	[LRO_POLICY_PAPER] = {
		.name = "paper", .id = LRO_POLICY_PAPER, .verifies_csum = 1,
	},
	/* net/ipv4/tcp_offload.c tcp_gro_receive: the flag word (header
	 * length, flags but CWR/FIN/PSH, window), the ACK and every option
	 * word must equal the held packet's; a segment longer than the first
	 * (gso_size) is not merged; after merging, a segment shorter than the
	 * first or one with URG/PSH/RST/SYN/FIN ends it. net/ipv4/af_inet.c
	 * inet_gro_receive: TTL, TOS and DF must match; IPv6, net/ipv6/
	 * ip6_offload.c ipv6_gro_receive: flow label, next header, hop limit
	 * and traffic class (linux_ip_match). net/core/gro.c: at
	 * most MAX_GRO_SKBS (8) held, the oldest flushed for a new flow
	 * (gro_flush_oldest); everything flushed when the NAPI poll completes
	 * (napi_complete_done; budget NAPI_POLL_WEIGHT 64), or, with
	 * gro_flush_timeout set, when that timer fires. */
	[LRO_POLICY_LINUX_GRO] = {
		.name = "linux-gro", .id = LRO_POLICY_LINUX_GRO, .verifies_csum = 1,
		.join_flags = LRO_TCP_PSH | LRO_TCP_FIN,
		.end_flags = LRO_TCP_URG | LRO_TCP_PSH | LRO_TCP_RST | LRO_TCP_SYN | LRO_TCP_FIN,
		.ends_on_short = 1, .refuses_larger = 1, .exact_headers = 1, .evicts_oldest = 1,
		.max_flows = 8, .burst_frames = 64, .gives_seg_size = 1,
	},
	/* sys/netinet/tcp_lro.c (tcp_lro_rx_common): ACK and PSH only; no
	 * option but NOP,NOP,timestamps, TSval not backwards, TSecr not 0;
	 * a segment that does not continue the entry (next_seq) flushes it;
	 * lro_entries (TCP_LRO_ENTRIES, 8) per ring and no free entry leaves
	 * the segment to the stack (TCP_LRO_NO_ENTRIES); an entry is flushed
	 * when the next full-size packet would overflow 65,535 bytes (p_len >
	 * lro_length_lim - if_mtu) and at the end of each interrupt
	 * (tcp_lro_flush_all; the driver's rx_process_limit, 256 on ixgbe);
	 * tcp_lro_flush_inactive(timeout) counts from the last arrival. The
	 * flushed header carries the latest TSval and TSecr. IPv6: TCP must
	 * follow the fixed header (tcp_lro_low_level_parser); an entry is
	 * keyed by addresses and ports alone, no other IP field compared
	 * (lro_address_compare), for either family. */
	[LRO_POLICY_FREEBSD_LRO] = {
		.name = "freebsd-lro", .id = LRO_POLICY_FREEBSD_LRO, .verifies_csum = 1,
		.join_flags = LRO_TCP_PSH, .timestamps_only = 1, .timeout_from_last = 1,
		.max_flows = 8, .room_flush_bytes = 1500, .burst_frames = 256,
		.gives_seg_size = 1,
	},
	/* freebsd-lro with the driver queueing its frames (tcp_lro_queue_mbuf,
	 * as mlx5 does): tcp_lro_flush_all sorts them by RSS hash type and
	 * flowid, keeping arrival order within a flow (the sequence key's
	 * low bits), then merges one flow after the other and flushes the
	 * active entries whenever the flow changes (tcp_lro_rx_done). */
	[LRO_POLICY_FREEBSD_SORTED] = {
		.name = "freebsd-lro-sorted", .id = LRO_POLICY_FREEBSD_SORTED, .verifies_csum = 1,
		.join_flags = LRO_TCP_PSH, .timestamps_only = 1, .timeout_from_last = 1,
		.sorts_burst = 1, .max_flows = 8, .room_flush_bytes = 1500, .burst_frames = 256,
		.gives_seg_size = 1,
	},
	/* lib/gro/gro_tcp4.c gro_tcp4_reassemble, gro_tcp.h: flags within
	 * ACK|PSH|FIN (VALID_GRO_TCP_FLAGS), payload > 0; the ACK is part of
	 * the flow key and option bytes must equal the item's first packet's
	 * (check_seq_option); a packet joins an item it continues (append) or
	 * precedes (prepend), else becomes a new item; items never merge;
	 * the IP length stays within 65,535. No checksum is checked.
	 * rte_gro.c rte_gro_reassemble_burst: every item is flushed when the
	 * burst is done, followed by the packets GRO did not take; bursts of
	 * 32 (the examples' MAX_PKT_BURST). Timer mode (rte_gro_reassemble,
	 * rte_gro_timeout_flush) flushes items by their start time. IPv6
	 * (lib/gro/gro_tcp6.c, DPDK 23.07): the same rules, the flow key
	 * holding the header's first word (vtc_flow); no extension header
	 * (rte_gro.c IS_IPV6_TCP_PKT). */
	[LRO_POLICY_DPDK_GRO] = {
		.name = "dpdk-gro", .id = LRO_POLICY_DPDK_GRO, .verifies_csum = 0,
		.join_flags = LRO_TCP_PSH | LRO_TCP_FIN, .exact_headers = 1, .separate_runs = 1,
		.queues_refused = 1, .burst_frames = 32, .gives_seg_size = 1,
	},
};

const struct lro_policy *lro_policy_get(unsigned id)
{
	return &policies[id < LRO_POLICIES ? id : LRO_POLICY_PAPER];
}

int lro_policy_by_name(const char *name)
{
	for (int i = 0; i < LRO_POLICIES; i++)
		if (!strcmp(name, policies[i].name))
			return i;
	return -1;
}

/* A held segment's IP header: IPv4 without options or the fixed IPv6
 * header alone (the engine passes the others untouched). */
static const uint8_t *ip_of(const struct lro_seg *s)
{
	return s->frame + ETH_HLEN;
}

static bool is_ip6(const struct lro_seg *s)
{
	return s->frame[12] == 0x86 && s->frame[13] == 0xdd;
}

static const uint8_t *tcp_of(const struct lro_seg *s)
{
	return ip_of(s) + (is_ip6(s) ? IP6_HLEN : IP_HLEN);
}

static uint32_t tcp_hlen_of(const struct lro_seg *s)
{
	return (uint32_t)(tcp_of(s)[12] >> 4) * 4u;
}

/* Same header length and the same option bytes. */
static bool same_options(const struct lro_seg *a, const struct lro_seg *b)
{
	uint32_t hlen = tcp_hlen_of(a);
	hal_cost(HAL_COST_LIST_STEP, 1);
	return hlen == tcp_hlen_of(b) && memcmp(tcp_of(a) + 20, tcp_of(b) + 20, hlen - 20u) == 0;
}

/* The IP header fields Linux requires equal. IPv4 (net/ipv4/af_inet.c
 * inet_gro_receive): TTL, TOS and DF. IPv6 (net/ipv6/ip6_offload.c
 * ipv6_gro_receive): version and flow label, next header, hop limit and
 * the addresses (already the flow's) or the packets are not the same flow;
 * a different traffic class flushes the held packet. Either way the held
 * aggregate goes up and s starts the next (Linux keeps a packet of another
 * "flow" beside it until the poll ends: the bytes reach the host in the
 * same order). */
static bool linux_ip_match(const struct lro_seg *first, const struct lro_seg *s)
{
	const uint8_t *ip1 = ip_of(first), *ip2 = ip_of(s);
	if (is_ip6(s))
		return memcmp(ip1, ip2, 4) == 0 && ip1[6] == ip2[6] && ip1[7] == ip2[7];
	return ip1[1] == ip2[1] && ip1[8] == ip2[8] && ((ip1[6] ^ ip2[6]) & 0x40u) == 0;
}

/* The header fields Linux requires equal (tcp_gro_receive, and the IP
 * layer's above). */
static bool linux_headers_match(const struct lro_seg *first, const struct lro_seg *s)
{
	uint8_t flags_diff = (uint8_t)(first->tcp_flags ^ s->tcp_flags) &
			     (uint8_t)~(LRO_TCP_CWR | LRO_TCP_FIN | LRO_TCP_PSH);
	return !(s->tcp_flags & LRO_TCP_CWR) && flags_diff == 0 && first->window == s->window &&
	       first->ack == s->ack && linux_ip_match(first, s) && same_options(first, s);
}

/* DPDK's flow key beyond the 4-tuple and the ACK: for IPv6 the first word
 * (version, traffic class, flow label: vtc_flow in lib/gro/gro_tcp6.c's
 * tcp6_flow_key); IPv4's (gro_tcp4.c) holds no other IP field. A packet
 * of another key is another flow: it never joins this one's items. */
static bool dpdk_key_match(const struct lro_seg *first, const struct lro_seg *s)
{
	return !is_ip6(s) || memcmp(ip_of(first), ip_of(s), 4) == 0;
}

/* FreeBSD: NOP,NOP,timestamps or nothing; TSval not backwards, TSecr not 0
 * (tcp_lro_rx_common's option checks). */
static bool freebsd_timestamps_ok(const struct lro_seg *last, const struct lro_seg *s)
{
	uint32_t hlen = tcp_hlen_of(s);
	if (hlen == 20u)
		return !last->has_ts;
	const uint8_t *o = tcp_of(s) + 20;
	if (hlen != 32u || o[0] != 1 || o[1] != 1 || o[2] != 8 || o[3] != 10)
		return false;
	return last->has_ts && s->tsecr != 0 && (int32_t)(s->tsval - last->tsval) >= 0;
}

static bool fits(uint32_t agg_payload, uint32_t agg_max, const struct lro_seg *s)
{
	return agg_payload + s->payload_len <= agg_max;
}

bool lro_policy_may_hold(const struct lro_policy *p, uint8_t tcp_flags, uint32_t payload_len)
{
	if (payload_len == 0 || !(tcp_flags & LRO_TCP_ACK))
		return false;
	return (tcp_flags & (uint8_t)~(LRO_TCP_ACK | p->join_flags)) == 0;
}

bool lro_policy_holds_alone(const struct lro_policy *p, uint8_t tcp_flags)
{
	/* a segment that would end its aggregate at once is not held alone
	 * (Linux: NAPI_GRO_CB(skb)->flush, the packet goes up as it is) */
	return (tcp_flags & p->end_flags) == 0;
}

bool lro_policy_may_append(const struct lro_policy *p, const struct lro_seg *first,
			   const struct lro_seg *last, uint32_t agg_payload, uint32_t agg_max,
			   const struct lro_seg *s)
{
	hal_cost(HAL_COST_LIST_STEP, 1);
	if (s->seq != last->seq + last->payload_len || s->payload_len == 0 ||
	    !fits(agg_payload, agg_max, s))
		return false;
	if (!(s->tcp_flags & LRO_TCP_ACK) || (s->tcp_flags & (uint8_t)~(LRO_TCP_ACK | p->join_flags)))
		return false;
	if (last->tcp_flags & LRO_TCP_FIN)
		return false;              /* nothing follows a FIN */
	if (p->refuses_larger && s->payload_len > first->payload_len)
		return false;
	if (p->id == LRO_POLICY_LINUX_GRO)
		return linux_headers_match(first, s);
	if (p->timestamps_only)
		return freebsd_timestamps_ok(last, s);
	if (p->exact_headers)
		return first->ack == s->ack && dpdk_key_match(first, s) && same_options(first, s);
	return true;
}

bool lro_policy_may_prepend(const struct lro_policy *p, const struct lro_seg *first,
			    uint32_t agg_payload, uint32_t agg_max, const struct lro_seg *s)
{
	hal_cost(HAL_COST_LIST_STEP, 1);
	if (!p->separate_runs || s->seq + s->payload_len != first->seq ||
	    !fits(agg_payload, agg_max, s))
		return false;
	if (s->tcp_flags & LRO_TCP_FIN)
		return false;              /* a FIN cannot precede data */
	return first->ack == s->ack && dpdk_key_match(first, s) && same_options(first, s);
}

bool lro_policy_ends_after(const struct lro_policy *p, const struct lro_seg *first,
			   const struct lro_seg *s)
{
	if (s->tcp_flags & p->end_flags)
		return true;
	return p->ends_on_short && s != first && s->payload_len < first->payload_len;
}
