/* host/netpkt.h - Ethernet/IPv4/TCP frames as the hosts' stacks build and
 * parse them (real bytes, real checksums). */
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
	uint16_t ip_id;
	uint8_t flags;
	uint8_t has_ts;
	uint32_t tsval, tsecr;
	uint16_t mss;                  /* SYN option, 0 = none */
	uint8_t wscale;                /* SYN option, 0xff = none */
	uint8_t sack_ok;               /* SYN option SACK-permitted (RFC 2018) */
	uint8_t n_sack;                /* SACK blocks carried, at most NETPKT_MAX_SACK */
	uint32_t sack_start[NETPKT_MAX_SACK], sack_end[NETPKT_MAX_SACK];
};

/* Builds the frame into buf (at least 14+20+40+len bytes); returns its
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

/* Parses a frame. Returns 0 for a valid TCP/IPv4 frame, -1 if it is not
 * one, -2 if a checksum is wrong (then h is undefined). The payload is
 * returned in place. */
int netpkt_parse_tcp(const uint8_t *f, uint32_t len, struct netpkt_tcp *h,
		     const uint8_t **payload, uint32_t *payload_len);

#endif
