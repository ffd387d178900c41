/* tests/test_endpoints.c - each connection's client address and port
 * (host/endpoints.h), and frames mapped back to their connection by both:
 * connections that share a port on different addresses stay apart at the
 * server, at the client and in the DMA report. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/csv.h"
#include "cli/testbed.h"
#include "host/endpoints.h"
#include "testutil.h"

#define ADDR(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

START_TEST(connections_fill_one_address_then_take_the_next)
{
	/* 6 ports per address from 65530 */
	ck_assert_uint_eq(endpoint_ports_per_address(65530), 6);
	ck_assert_uint_eq(endpoint_ports_per_address(1024), 64512);
	static const struct {
		uint32_t conn, addr;
		uint16_t port;
	} want[] = {
		{ 0, ADDR(10, 0, 0, 1), 65530 },  { 5, ADDR(10, 0, 0, 1), 65535 },
		{ 6, ADDR(10, 0, 0, 3), 65530 },  /* 10.0.0.2 is the server's */
		{ 11, ADDR(10, 0, 0, 3), 65535 }, { 12, ADDR(10, 0, 0, 4), 65530 },
		{ 6 * 300 + 1, ADDR(10, 0, 1, 46), 65531 },
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		uint32_t addr;
		uint16_t port;
		endpoint_of_conn(65530, want[i].conn, &addr, &port);
		ck_assert_uint_eq(addr, want[i].addr);
		ck_assert_uint_eq(port, want[i].port);
	}
	/* the default port base: what one address holds keeps 10.0.0.1 */
	uint32_t addr;
	uint16_t port;
	endpoint_of_conn(40000, 25535, &addr, &port);
	ck_assert_uint_eq(addr, ENDPOINT_CLIENT_ADDR);
	ck_assert_uint_eq(port, 65535);
	endpoint_of_conn(40000, 25536, &addr, &port);
	ck_assert_uint_eq(addr, ADDR(10, 0, 0, 3));
	ck_assert_uint_eq(port, 40000);
	/* the largest count at the highest base stays inside 10.0.0.0/8 */
	endpoint_of_conn(65535, CLIENT_MAX_CONNECTIONS - 1, &addr, &port);
	ck_assert_uint_eq(addr >> 24, 10);
	ck_assert_uint_eq(port, 65535);
}
END_TEST

START_TEST(an_address_and_port_name_one_connection)
{
	const uint32_t n = 3 * 64512 + 7;
	for (uint32_t conn = 0; conn < n; conn++) {
		uint32_t addr;
		uint16_t port;
		endpoint_of_conn(1024, conn, &addr, &port);
		ck_assert_int_eq(endpoint_conn(1024, n, addr, port), conn);
	}
	/* outside: a port below the base, the server's address, one below the
	 * client's, a connection past the count */
	ck_assert_int_eq(endpoint_conn(40000, 10, ENDPOINT_CLIENT_ADDR, 39999), -1);
	ck_assert_int_eq(endpoint_conn(40000, 100000, ENDPOINT_SERVER_ADDR, 40000), -1);
	ck_assert_int_eq(endpoint_conn(40000, 10, ENDPOINT_CLIENT_ADDR - 1, 40000), -1);
	ck_assert_int_eq(endpoint_conn(40000, 10, ENDPOINT_CLIENT_ADDR, 40010), -1);
	ck_assert_int_eq(endpoint_conn(40000, 10, ENDPOINT_CLIENT_ADDR, 40009), 9);
	ck_assert_int_eq(endpoint_conn(65535, 3, ADDR(10, 0, 0, 4), 65535), 2);
	ck_assert_int_eq(endpoint_conn(65535, 2, ADDR(10, 0, 0, 4), 65535), -1);
}
END_TEST

/* Logs name the client end by its port alone on the first address, as
 * they always did, and with its address on the others. */
START_TEST(logs_name_the_address_beyond_the_first)
{
	char buf[ENDPOINT_NAME_MAX];
	ck_assert_str_eq(endpoint_name(ENDPOINT_CLIENT_ADDR, 40000, 0, buf), "port 40000");
	ck_assert_str_eq(endpoint_name(ENDPOINT_CLIENT_ADDR, 40000, 1, buf), "port 40000");
	ck_assert_str_eq(endpoint_name(ADDR(10, 0, 1, 46), 65531, 0, buf), "10.0.1.46 port 65531");
	ck_assert_str_eq(endpoint_name(ADDR(10, 255, 255, 255), 65535, 1, buf),
			 "2001:db8::10.255.255.255 port 65535");
}
END_TEST

/* port_base 65535: every connection has port 65535, each from its own
 * address. Every byte arrives at its own connection (the oracle would see
 * another's bytes), and the DMA report gives each connection its own SYN
 * and SYN-ACK. _i: IPv4, IPv6. */
START_TEST(connections_on_one_port_from_different_addresses_stay_apart)
{
	char *dir = testutil_tmpdir();
	struct testbed_config c;
	struct testbed_result r;
	testbed_config_default(&c);
	c.ip6 = (uint32_t)_i;
	c.client.connections = 3;
	c.client.port_base = 65535;
	c.client.bytes_per_connection = 200 * 1000;
	c.time_limit_ps = sim_s(5);
	c.trace_dma = 1;
	c.out_dir = dir;
	ck_assert_int_eq(testbed_run(&c, &r, NULL), 0);
	ck_assert(r.integrity_ok);
	ck_assert_uint_eq(r.completed, 3);
	ck_assert_uint_eq(r.bytes_received, 3 * 200000);
	ck_assert_uint_eq(r.server.drop_unknown_conn, 0);

	char path[4096], err[4400];
	snprintf(path, sizeof path, "%s/dma_requests.csv", dir);
	struct csv t;
	ck_assert_int_eq(csv_load(&t, path, err, sizeof err), 0);
	int cc = csv_column(&t, "conn"), cs = csv_column(&t, "syn"), ch = csv_column(&t, "from_host");
	unsigned syn[3] = { 0 }, synack[3] = { 0 }, unknown = 0;
	for (unsigned row = 0; row < t.n_rows; row++) {
		int conn = atoi(csv_cell(&t, row, cc));
		if (strcmp(csv_cell(&t, row, cs), "1") != 0)
			continue;
		if (conn < 0 || conn > 2) {
			unknown++;
			continue;
		}
		if (strcmp(csv_cell(&t, row, ch), "1") == 0)
			synack[conn]++;
		else
			syn[conn]++;
	}
	csv_free(&t);
	ck_assert_uint_eq(unknown, 0);
	for (int i = 0; i < 3; i++) {
		ck_assert_uint_eq(syn[i], 1);
		ck_assert_uint_eq(synack[i], 1);
	}
	char cmd[4200];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
	free(dir);
}
END_TEST

Suite *endpoints_suite(void)
{
	Suite *s = suite_create("endpoints");
	TCase *tc = tcase_create("endpoints");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, connections_fill_one_address_then_take_the_next);
	tcase_add_test(tc, an_address_and_port_name_one_connection);
	tcase_add_test(tc, logs_name_the_address_beyond_the_first);
	tcase_add_loop_test(tc, connections_on_one_port_from_different_addresses_stay_apart, 0, 2);
	suite_add_tcase(s, tc);
	return s;
}
