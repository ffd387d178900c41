/* tests/test_scenario.c - scenario files: units, errors with file:line and
 * key, sweeps and their order, overrides, repeat seeds. */
#include <check.h>
#include <string.h>

#include "cli/scenario.h"

static struct scenario sc;
static char err[600];

static int load(const char *text)
{
	scenario_free(&sc);
	scenario_init(&sc);
	err[0] = 0;
	return scenario_load(&sc, "t.ini", text, err, sizeof err);
}

/* The configuration of run `run` of the loaded scenario: 0, or -1 (err). */
static int config_at(unsigned run, struct testbed_config *c)
{
	struct scenario_point p;
	scenario_point(&sc, run, &p);
	return scenario_config(&sc, &p, c, err, sizeof err);
}

static void teardown(void)
{
	scenario_free(&sc);
}

static void setup(void)
{
	scenario_init(&sc);
}

START_TEST(units_convert_to_the_configuration)
{
	ck_assert_int_eq(load("[run]\nbytes_per_connection = 64KiB\ntime_limit = 1.5s\n"
			      "[link]\nrate = 2.5Gbps\n[npu]\nclock = 1.2GHz\n"
			      "[pcie]\ndllp_overhead = 3%\n[lro]\nthreshold = 8000\n"), 0);
	struct testbed_config c;
	ck_assert_int_eq(config_at(0, &c), 0);
	ck_assert_uint_eq(c.client.bytes_per_connection, 65536);
	ck_assert_uint_eq(c.time_limit_ps, sim_ms(1500));
	ck_assert_uint_eq(c.link.rate_bps, 2500000000ULL);
	ck_assert_uint_eq(c.npu.clock_hz, 1200000000ULL);
	ck_assert_double_eq_tol(c.pcie.dllp_overhead, 0.03, 1e-12);
	ck_assert_uint_eq(c.lro_threshold_bytes, 8000);
}
END_TEST

/* Every key's documented default is what the model uses by default, and no
 * key's store overwrites a neighbour (a wrong store width would). */
START_TEST(every_key_at_its_default_gives_the_default_configuration)
{
	ck_assert_int_eq(load("[run]\n"), 0);
	static struct testbed_config c, d;
	ck_assert_int_eq(config_at(0, &c), 0);
	testbed_config_default(&d);
	d.seed = c.seed;
	ck_assert_int_eq(memcmp(&c, &d, sizeof c), 0);
}
END_TEST

START_TEST(client_port_base_must_leave_room_for_every_connection)
{
	ck_assert_int_eq(load("[run]\nconnections = 64\n[client]\nport_base = 50000\n"), 0);
	struct testbed_config c;
	ck_assert_int_eq(config_at(0, &c), 0);
	ck_assert_uint_eq(c.client.port_base, 50000);
	ck_assert_uint_eq(c.client.connections, 64);     /* not clobbered */
	ck_assert_int_eq(load("[run]\nconnections = 64\n[client]\nport_base = 65500\n"), 0);
	ck_assert_int_eq(config_at(0, &c), -1);
	ck_assert_ptr_nonnull(strstr(err, "passes port 65535"));
}
END_TEST

/* `random` leaves the ports to the client's connect(): a start in Linux's
 * ephemeral range that leaves room for every connection, the same for the
 * same seed, another for another repeat. */
START_TEST(client_port_base_random_is_drawn_per_run_from_the_ephemeral_range)
{
	ck_assert_int_eq(load("[run]\nconnections = 64\nrepeat = 8\n[client]\nport_base = random\n"),
			 0);
	unsigned distinct = 0;
	uint16_t first = 0;
	for (unsigned run = 0; run < 8; run++) {
		struct testbed_config c, again;
		ck_assert_int_eq(config_at(run, &c), 0);
		ck_assert_uint_ge(c.client.port_base, CLIENT_EPHEMERAL_LOW);
		ck_assert_uint_le(c.client.port_base + 63u, CLIENT_EPHEMERAL_HIGH);
		ck_assert_uint_eq(c.client.connections, 64);
		ck_assert_int_eq(config_at(run, &again), 0);
		ck_assert_uint_eq(again.client.port_base, c.client.port_base);
		if (run == 0)
			first = c.client.port_base;
		else
			distinct += c.client.port_base != first;
	}
	ck_assert_uint_ge(distinct, 6);
	/* the whole range for a connection count that fills it exactly */
	ck_assert_uint_eq(client_ephemeral_port_start(7, CLIENT_EPHEMERAL_HIGH -
						      CLIENT_EPHEMERAL_LOW + 1), CLIENT_EPHEMERAL_LOW);
	/* the word is not a number: no ranges of it, no other words */
	ck_assert_int_eq(load("[client]\nport_base = random..50000\n"), -1);
	ck_assert_ptr_nonnull(strstr(err, "t.ini:2: client.port_base: 'random' cannot bound a range"));
	ck_assert_int_eq(load("[client]\nport_base = any\n"), -1);
	ck_assert_ptr_nonnull(strstr(err, "'any' is not a number"));
	ck_assert_int_eq(load("[run]\nconnections = 2\n[client]\nport_base = random, 40000\n"), 0);
	struct testbed_config c;
	ck_assert_int_eq(config_at(1, &c), 0);
	ck_assert_uint_eq(c.client.port_base, 40000);
}
END_TEST

START_TEST(errors_name_file_line_and_key)
{
	ck_assert_int_eq(load("[run]\nconections = 4\n"), -1);
	ck_assert_str_eq(err, "t.ini:2: unknown key 'conections' in [run] (see npusim keys)");
	ck_assert_int_eq(load("; c\n[nope]\n"), -1);
	ck_assert_str_eq(err, "t.ini:2: unknown section [nope]");
	ck_assert_int_eq(load("[run]\ntime_limit = 5\n"), -1);
	ck_assert_ptr_nonnull(strstr(err, "t.ini:2: run.time_limit: '5' needs a unit"));
	ck_assert_int_eq(load("[run]\n\nconnections = 0\n"), -1);
	ck_assert_ptr_nonnull(strstr(err, "t.ini:3: run.connections: 0 is out of range"));
	ck_assert_int_eq(load("[dma]\nbuffer = heap\n"), -1);
	ck_assert_ptr_nonnull(strstr(err, "'heap' is not one of stack|fifo"));
	ck_assert_int_eq(load("[run]\nconnections 4\n"), -1);
	ck_assert_str_eq(err, "t.ini:2: expected 'key = value'");
	ck_assert_int_eq(load("connections = 4\n"), -1);
	ck_assert_ptr_nonnull(strstr(err, "before any [section]"));
	ck_assert_int_eq(load("[run]\nrepeat = 1,2\n"), -1);
	ck_assert_ptr_nonnull(strstr(err, "cannot be swept"));
	ck_assert_int_eq(load("[link]\nrate = 10 Gbit\n"), -1);
	ck_assert_ptr_nonnull(strstr(err, "unknown unit 'Gbit'"));
}
END_TEST

START_TEST(sweeps_expand_to_the_cartesian_product_in_order)
{
	ck_assert_int_eq(load("[run]\nmode = lro, nic\nconnections = 1..8 x2\n"
			      "[dma]\nlb = off,on\n"), 0);
	ck_assert_uint_eq(scenario_runs(&sc), 2 * 4 * 2);
	struct scenario_point p;
	/* the last swept key varies fastest */
	scenario_point(&sc, 0, &p);
	ck_assert_str_eq(scenario_value(&sc, &p, "run", "mode"), "lro");
	ck_assert_str_eq(scenario_value(&sc, &p, "run", "connections"), "1");
	ck_assert_str_eq(scenario_value(&sc, &p, "dma", "lb"), "off");
	scenario_point(&sc, 1, &p);
	ck_assert_str_eq(scenario_value(&sc, &p, "dma", "lb"), "on");
	scenario_point(&sc, 2, &p);
	ck_assert_str_eq(scenario_value(&sc, &p, "run", "connections"), "2");
	scenario_point(&sc, 15, &p);
	ck_assert_str_eq(scenario_value(&sc, &p, "run", "mode"), "nic");
	ck_assert_str_eq(scenario_value(&sc, &p, "run", "connections"), "8");
	ck_assert_int_eq(load("[run]\nconnections = 10..30 step 10\n"), 0);
	ck_assert_uint_eq(scenario_runs(&sc), 3);
}
END_TEST

START_TEST(overrides_replace_file_values_and_sweeps)
{
	ck_assert_int_eq(load("[run]\nconnections = 1,2,4\n"), 0);
	ck_assert_int_eq(scenario_set(&sc, "run.connections=16", err, sizeof err), 0);
	ck_assert_uint_eq(scenario_runs(&sc), 1);
	ck_assert_int_eq(scenario_set(&sc, "lro.active_ack=off,on", err, sizeof err), 0);
	ck_assert_uint_eq(scenario_runs(&sc), 2);
	ck_assert_int_eq(scenario_set(&sc, "run.bogus=1", err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "--set run.bogus: unknown key"));
	ck_assert_int_eq(scenario_set(&sc, "nosuchform", err, sizeof err), -1);
}
END_TEST

START_TEST(repeats_get_distinct_derived_seeds)
{
	ck_assert_int_eq(load("[run]\nseed = 42\nrepeat = 3\nconnections = 1,2\n"), 0);
	ck_assert_uint_eq(scenario_runs(&sc), 6);
	struct scenario_point a, b, c;
	scenario_point(&sc, 0, &a);
	scenario_point(&sc, 1, &b);
	scenario_point(&sc, 3, &c);
	ck_assert_uint_ne(a.seed, b.seed);
	ck_assert_uint_eq(a.seed, c.seed);     /* same repeat index, other point */
	ck_assert_str_eq(scenario_value(&sc, &c, "run", "connections"), "2");
	ck_assert_int_eq(load("[run]\nseed = 42\n"), 0);
	scenario_point(&sc, 0, &a);
	ck_assert_uint_eq(a.seed, 42);
}
END_TEST

START_TEST(whole_numbers_are_decimal_digits)
{
	/* hex or an exponent would be read one way by the range check and
	 * another by the seed and repeat readers */
	ck_assert_int_eq(load("[run]\nrepeat = 0x2\n"), -1);
	ck_assert_ptr_nonnull(strstr(err, "'0x2' is not a whole number"));
	ck_assert_int_eq(load("[run]\nseed = 1e3\n"), -1);
	ck_assert_int_eq(load("[run]\nconnections = 2.0\n"), -1);
	ck_assert_int_eq(load("[run]\nseed = 1000\nrepeat = 2\n"), 0);
	ck_assert_uint_eq(scenario_runs(&sc), 2);
}
END_TEST

START_TEST(expansion_is_bounded)
{
	/* 64^4 = 16,777,216 runs: refused at the key that crosses the limit */
	ck_assert_int_eq(load("[run]\nconnections = 1..64\n[lro]\nconns = 1..64\n"
			      "[dma]\ndepth = 1..64\nlb_window = 1..64\n"), -1);
	ck_assert_ptr_nonnull(strstr(err, "t.ini:7: dma.lb_window: the scenario expands into more "
				      "than 1000000 runs"));
	ck_assert_int_eq(load("[run]\nrepeat = 1000\nconnections = 1..64\n[lro]\nconns = 1..64\n"),
			 -1);
	ck_assert_int_eq(load("[run]\nconnections = 1..64\n[lro]\nconns = 1..64\n"
			      "[run]\nrepeat = 1000\n"), -1);
	ck_assert_ptr_nonnull(strstr(err, "run.repeat: the scenario expands"));
	ck_assert_int_eq(load("[run]\nconnections = 1..64\n[lro]\nconns = 1..64\n"
			      "[dma]\ndepth = 1..64\n"), 0);
	ck_assert_uint_eq(scenario_runs(&sc), 262144);
	/* re-assigning a swept key replaces its count, not multiplies it */
	ck_assert_int_eq(scenario_set(&sc, "dma.depth=1..3", err, sizeof err), 0);
	ck_assert_uint_eq(scenario_runs(&sc), 64u * 64u * 3u);
}
END_TEST

Suite *scenario_suite(void)
{
	Suite *s = suite_create("scenario");
	TCase *tc = tcase_create("parse");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, units_convert_to_the_configuration);
	tcase_add_test(tc, every_key_at_its_default_gives_the_default_configuration);
	tcase_add_test(tc, client_port_base_must_leave_room_for_every_connection);
	tcase_add_test(tc, client_port_base_random_is_drawn_per_run_from_the_ephemeral_range);
	tcase_add_test(tc, errors_name_file_line_and_key);
	tcase_add_test(tc, sweeps_expand_to_the_cartesian_product_in_order);
	tcase_add_test(tc, overrides_replace_file_values_and_sweeps);
	tcase_add_test(tc, repeats_get_distinct_derived_seeds);
	tcase_add_test(tc, whole_numbers_are_decimal_digits);
	tcase_add_test(tc, expansion_is_bounded);
	suite_add_tcase(s, tc);
	return s;
}
