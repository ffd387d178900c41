/* host/endpoints.c - the client's address and port of each connection. */
#include "host/endpoints.h"

#include <stdio.h>

uint32_t endpoint_ports_per_address(uint16_t port_base)
{
	return 65536u - port_base;
}

void endpoint_of_conn(uint16_t port_base, uint32_t conn, uint32_t *addr, uint16_t *port)
{
	uint32_t per = endpoint_ports_per_address(port_base);
	uint32_t alias = conn / per;
	*addr = ENDPOINT_CLIENT_ADDR + alias + (alias > 0);   /* the server's address skipped */
	*port = (uint16_t)(port_base + conn % per);
}

int64_t endpoint_conn(uint16_t port_base, uint32_t connections, uint32_t addr, uint16_t port)
{
	if (port < port_base || addr < ENDPOINT_CLIENT_ADDR || addr == ENDPOINT_SERVER_ADDR)
		return -1;
	uint32_t alias = addr - ENDPOINT_CLIENT_ADDR;
	alias -= alias > 0;
	uint64_t conn = (uint64_t)alias * endpoint_ports_per_address(port_base) +
			(uint32_t)(port - port_base);
	return conn < connections ? (int64_t)conn : -1;
}

const char *endpoint_name(uint32_t addr, uint16_t port, int ip6, char buf[ENDPOINT_NAME_MAX])
{
	if (addr == ENDPOINT_CLIENT_ADDR)
		snprintf(buf, ENDPOINT_NAME_MAX, "port %u", port);
	else
		snprintf(buf, ENDPOINT_NAME_MAX, "%s%u.%u.%u.%u port %u", ip6 ? "2001:db8::" : "",
			 addr >> 24, addr >> 16 & 255u, addr >> 8 & 255u, addr & 255u, port);
	return buf;
}
