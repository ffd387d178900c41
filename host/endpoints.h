/* host/endpoints.h - the test network's addresses: the server's, and the
 * client's source address and port of each connection.
 *
 * The client opens its connections as a load generator with several IP
 * aliases does: the source ports of one address run from port_base to
 * 65535, and the connections that do not fit take the next address.
 * Connection i uses address alias i / P and port port_base + i % P, with
 * P = 65536 - port_base ports per address. Alias 0 is 10.0.0.1; alias k > 0
 * is 10.0.0.1 + k + 1, stepping over the server's 10.0.0.2 (so 10.0.0.3,
 * 10.0.0.4, ...; inside 10.0.0.0/8 for any connection count below 2^24 - 3).
 * IPv6 uses the same 32-bit addresses inside 2001:db8::/96 (netpkt.h).
 * Every (address, port) pair names one connection: frames are mapped back
 * to their connection by both, never by the port alone. */
#ifndef HOST_ENDPOINTS_H
#define HOST_ENDPOINTS_H

#include <stdint.h>

#define ENDPOINT_SERVER_ADDR 0x0a000002u   /* 10.0.0.2 */
#define ENDPOINT_CLIENT_ADDR 0x0a000001u   /* 10.0.0.1: the client's first address */

/* Source ports one client address offers from port_base: 65536 - port_base. */
uint32_t endpoint_ports_per_address(uint16_t port_base);

/* The client's address and source port of connection conn. */
void endpoint_of_conn(uint16_t port_base, uint32_t conn, uint32_t *addr, uint16_t *port);

/* The connection (< connections) whose client end is (addr, port), or -1. */
int64_t endpoint_conn(uint16_t port_base, uint32_t connections, uint32_t addr, uint16_t port);

/* How logs name a connection's client end: "port P" from the client's
 * first address (what every run within one address has always logged),
 * else "A.B.C.D port P" (IPv6: "2001:db8::A.B.C.D port P"). Writes buf
 * and returns it. */
#define ENDPOINT_NAME_MAX 40
const char *endpoint_name(uint32_t addr, uint16_t port, int ip6, char buf[ENDPOINT_NAME_MAX]);

#endif
