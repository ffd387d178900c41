/* host/netpkt.h - Ethernet/IPv4/TCP and Ethernet/IPv6/TCP frames as the
 * hosts' stacks build and parse them (real bytes, real checksums).
 *
 * IPv6: the hosts' addresses are the 32-bit saddr/daddr inside the
 * documentation prefix 2001:db8::/96 (RFC 3849), so one address field
 * serves both families; a frame from outside that prefix is not ours.
 * Parsing takes the aggregates Linux's BIG TCP GRO builds (docs/
 * ARCHITECTURE.md): IPv4 with total length 0 (the length is the frame's),
 * IPv6 with payload length 0 and a hop-by-hop jumbo payload option
 * (RFC 2675). */
#ifndef HOST_NETPKT_H
#define HOST_NETPKT_H

#include <stdint.h>

#define NETPKT_TCP_SYN 0x02u
#define NETPKT_TCP_FIN 0x01u
#define NETPKT_TCP_RST 0x04u
#define NETPKT_TCP_PSH 0x08u
#define NETPKT_TCP_ACK 0x10u

/* SACK blocks an ACK can carry: 4 fit the 40 option bytes, 3 beside
 * timestamps (Linux: tcp_established_options). */
#define NETPKT_MAX_SACK 4

struct netpkt_tcp {
	uint8_t src_mac[6], dst_mac[6];
	uint32_t saddr, daddr;
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint16_t window;               /* raw header field */
	uint16_t ip_id;                /* IPv4 only */
	uint8_t ip6;                   /* IPv6 (addresses in 2001:db8::/96) */
	uint8_t flags;
	uint8_t has_ts;
	uint32_t tsval, tsecr;
	uint16_t mss;                  /* SYN option, 0 = none */
	uint8_t wscale;                /* SYN option, 0xff = none */
	uint8_t sack_ok;               /* SYN option SACK-permitted (RFC 2018) */
	uint8_t n_sack;                /* SACK blocks carried, at most NETPKT_MAX_SACK */
	uint32_t sack_start[NETPKT_MAX_SACK], sack_end[NETPKT_MAX_SACK];
};

/* Builds the frame into buf (at least 14+40+60+len bytes); returns its
 * length (padded to the 60-byte Ethernet minimum). The payload may already
 * be in place, at buf + netpkt_tcp_payload_offset(h): it is not copied. */
/* Where the payload starts in the frame netpkt_build_tcp builds from h. */
uint32_t netpkt_tcp_payload_offset(const struct netpkt_tcp *h);
uint32_t netpkt_build_tcp(uint8_t *buf, const struct netpkt_tcp *h, const uint8_t *payload,
			  uint32_t len);

/* The Internet checksum's ones' complement sum (RFC 1071) of len bytes read
 * as big-endian 16-bit words (an odd last byte padded with zero), plus
 * `sum` (a sum of such words, e.g. a pseudo header's), folded to 16 bits
 * and not complemented: 0xffff over data that carries its right checksum,
 * 0 only when everything summed is zero. */
uint16_t netpkt_csum(const uint8_t *p, uint32_t len, uint64_t sum);

/* Header bytes an IPv6 frame carries beyond an IPv4 one (40 - 20). */
#define NETPKT_IP6_EXTRA 20u
/* The 16-byte IPv6 address of a host's 32-bit address. */
void netpkt_ip6_addr(uint32_t addr, uint8_t out[16]);

/* Parses a frame. Returns 0 for a valid TCP/IPv4 or TCP/IPv6 frame, -1 if
 * it is not one (an IPv6 extension header other than a jumbo payload
 * option, an address outside the prefix), -2 if a checksum is wrong (then
 * h is undefined). The payload is returned in place. */
int netpkt_parse_tcp(const uint8_t *f, uint32_t len, struct netpkt_tcp *h,
		     const uint8_t **payload, uint32_t *payload_len);

#endif
