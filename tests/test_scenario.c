/* tests/test_scenario.c - scenario files: units, errors with file:line and
 * key, sweeps and their order, overrides, repeat seeds. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/scenario.h"
#include "testutil.h"

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

/* Connections past port 65535 take the next client address, so any
 * port_base holds any connection count up to the simulator's limit. */
START_TEST(connections_past_port_65535_take_further_addresses_up_to_the_limit)
{
	ck_assert_int_eq(load("[run]\nconnections = 64\n[client]\nport_base = 65500\n"), 0);
	struct testbed_config c;
	ck_assert_int_eq(config_at(0, &c), 0);
	ck_assert_uint_eq(c.client.port_base, 65500);
	ck_assert_uint_eq(c.client.connections, 64);     /* not clobbered */
	ck_assert_int_eq(load("[client]\nport_base = 1024,65535\n[run]\nconnections = 1,1000000\n"),
			 0);
	ck_assert_int_eq(config_at(3, &c), 0);
	ck_assert_uint_eq(c.client.port_base, 65535);
	ck_assert_uint_eq(c.client.connections, CLIENT_MAX_CONNECTIONS);
	/* one more is refused, naming the limit */
	ck_assert_int_eq(load("[run]\nconnections = 1000001\n"), -1);
	ck_assert_str_eq(err, "t.ini:2: run.connections: 1000001 is out of range [1, 1000000] "
			 "(the most the simulator holds: docs/PERFORMANCE.md, \"Cost curves\")");
	ck_assert_int_eq(load("[run]\nconnections = 600\n"), 0);
	ck_assert_int_eq(scenario_set(&sc, "run.connections=2000000", err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "2000000 is out of range [1, 1000000]"));
	/* `random` with more connections than the ephemeral range holds */
	ck_assert_int_eq(load("[run]\nconnections = 100000\n[client]\nport_base = random\n"), 0);
	ck_assert_int_eq(config_at(0, &c), 0);
	ck_assert_uint_ge(c.client.port_base, CLIENT_EPHEMERAL_LOW);
	ck_assert_uint_le(c.client.port_base, CLIENT_EPHEMERAL_HIGH);
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
	ck_assert_str_eq(err, "t.ini:2: unknown key 'conections' in [run] (did you mean "
			 "'connections'?) (see npusim keys)");
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
	/* a switch grown a third setting still reads the switch's words */
	ck_assert_int_eq(scenario_set(&sc, "lro.active_ack=1,0,safe", err, sizeof err), 0);
	ck_assert_uint_eq(scenario_runs(&sc), 3);
	struct scenario_point ap;
	scenario_point(&sc, 0, &ap);
	ck_assert_str_eq(scenario_value(&sc, &ap, "lro", "active_ack"), "on");
	scenario_point(&sc, 1, &ap);
	ck_assert_str_eq(scenario_value(&sc, &ap, "lro", "active_ack"), "off");
	ck_assert_int_eq(scenario_set(&sc, "lro.active_ack=sometimes", err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "off|on|safe"));
	ck_assert_int_eq(scenario_set(&sc, "lro.active_ack=off,on", err, sizeof err), 0);
	ck_assert_int_eq(scenario_set(&sc, "run.bogus=1", err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "--set: unknown key 'bogus' in [run]"));
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
			      "[fmn]\ndma_credits_per_core = 1\n"
			      "[dma]\ndepth = 4..67\nlb_window = 1..64\n"), -1);
	ck_assert_ptr_nonnull(strstr(err, "t.ini:9: dma.lb_window: the scenario expands into more "
				      "than 1000000 runs"));
	ck_assert_int_eq(load("[run]\nrepeat = 1000\nconnections = 1..64\n[lro]\nconns = 1..64\n"),
			 -1);
	ck_assert_int_eq(load("[run]\nconnections = 1..64\n[lro]\nconns = 1..64\n"), 0);
	ck_assert_int_eq(scenario_set(&sc, "run.repeat=1000", err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "run.repeat: the scenario expands"));
	ck_assert_int_eq(load("[run]\nconnections = 1..64\n[lro]\nconns = 1..64\n"
			      "[fmn]\ndma_credits_per_core = 1\n[dma]\ndepth = 4..67\n"), 0);
	ck_assert_uint_eq(scenario_runs(&sc), 262144);
	/* re-assigning a swept key replaces its count, not multiplies it */
	ck_assert_int_eq(scenario_set(&sc, "dma.depth=4..6", err, sizeof err), 0);
	ck_assert_uint_eq(scenario_runs(&sc), 64u * 64u * 3u);
}
END_TEST

/* A file of the given bytes in a fresh folder; its path (static). */
static const char *file_with(const char *bytes, size_t len)
{
	static char path[4200];
	char *dir = testutil_tmpdir();
	snprintf(path, sizeof path, "%s/t.ini", dir);
	free(dir);
	FILE *f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(bytes, 1, len, f), len);
	fclose(f);
	return path;
}

static int load_file(const char *path)
{
	scenario_free(&sc);
	scenario_init(&sc);
	err[0] = 0;
	return scenario_load(&sc, path, NULL, err, sizeof err);
}

START_TEST(only_regular_files_of_bounded_size_are_read)
{
	ck_assert_int_eq(load_file("/tmp"), -1);
	ck_assert_str_eq(err, "/tmp: not a scenario file (a folder)");
	ck_assert_int_eq(load_file("/dev/zero"), -1);        /* no endless read */
	ck_assert_str_eq(err, "/dev/zero: not a scenario file (a device, pipe or socket)");
	ck_assert_int_eq(load_file("/nonexistent/x.ini"), -1);
	ck_assert_ptr_nonnull(strstr(err, "/nonexistent/x.ini: No such file"));
	/* a FIFO without a writer: refused, not waited on */
	const char *path = file_with("", 0);
	unlink(path);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	ck_assert_int_eq(load_file(path), -1);
	ck_assert_ptr_nonnull(strstr(err, "not a scenario file"));
	unlink(path);
	/* past the bound: refused by size */
	size_t big = SCENARIO_MAX_FILE_BYTES + 1;
	char *text = malloc(big);
	memset(text, '\n', big);
	path = file_with(text, big);
	free(text);
	ck_assert_int_eq(load_file(path), -1);
	ck_assert_ptr_nonnull(strstr(err, "a scenario file is at most 1048576 bytes"));
	unlink(path);
}
END_TEST

START_TEST(nul_bytes_and_byte_order_marks)
{
	const char *path = file_with("[run]\nmode = nic\0\nconnections = 9\n", 35);
	ck_assert_int_eq(load_file(path), -1);
	ck_assert_str_eq(strstr(err, "t.ini:"), "t.ini:2: a NUL byte: not a text file");
	unlink(path);
	/* a UTF-8 BOM at the start is skipped */
	path = file_with("\xef\xbb\xbf[run]\nmode = nic\n", 20);
	ck_assert_int_eq(load_file(path), 0);
	struct scenario_point p;
	scenario_point(&sc, 0, &p);
	ck_assert_str_eq(scenario_value(&sc, &p, "run", "mode"), "nic");
	unlink(path);
	ck_assert_int_eq(load("\xef\xbb\xbf[run]\nmode = nic\n"), 0);
	/* anywhere else it is a malformed line */
	ck_assert_int_eq(load("[run]\n\xef\xbb\xbfmode = nic\n"), -1);
	ck_assert_ptr_nonnull(strstr(err, "t.ini:2: unknown key"));
}
END_TEST

START_TEST(duplicate_keys_and_sections_are_errors_naming_both_lines)
{
	ck_assert_int_eq(load("[run]\nmode = lro\nconnections = 2\nmode = nic\n"), -1);
	ck_assert_str_eq(err, "t.ini:4: run.mode set again (first at line 2): set each key once "
			 "(a list sweeps it)");
	ck_assert_int_eq(load("[run]\nmode = lro\n[dma]\nlb = off\n[run]\nconnections = 2\n"), -1);
	ck_assert_str_eq(err, "t.ini:5: section [run] again (first at line 1): write each section "
			 "once");
	/* --set overrides the file: not a duplicate */
	ck_assert_int_eq(load("[run]\nmode = lro\n"), 0);
	ck_assert_int_eq(scenario_set(&sc, "run.mode=nic", err, sizeof err), 0);
}
END_TEST

START_TEST(long_overrides_are_not_cut)
{
	/* 64 values of 8 characters: 670 characters */
	char set[1024] = "run.connections=";
	for (int i = 1; i <= 64; i++)
		snprintf(set + strlen(set), sizeof set - strlen(set), "%s%08d", i > 1 ? ", " : "", i);
	ck_assert_uint_gt(strlen(set), 600);
	ck_assert_int_eq(load("[run]\nmode = lro\n"), 0);
	ck_assert_int_eq(scenario_set(&sc, set, err, sizeof err), 0);
	ck_assert_uint_eq(scenario_runs(&sc), 64);
	struct scenario_point p;
	scenario_point(&sc, 63, &p);
	ck_assert_str_eq(scenario_value(&sc, &p, "run", "connections"), "00000064");
}
END_TEST

START_TEST(range_modifiers_are_validated)
{
	static const char *const bad[] = { "x0", "x1.1", "x1", "step 0", "step nan", "step -1",
					   "step 2x", "step 1.5", "xinf", "step" };
	for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char text[128];
		snprintf(text, sizeof text, "[run]\nconnections = 1..8 %s\n", bad[i]);
		ck_assert_msg(load(text) == -1, "'%s' accepted", bad[i]);
		ck_assert_ptr_nonnull(strstr(err, "t.ini:2: run.connections: range modifier"));
	}
	ck_assert_int_eq(load("[run]\nconnections = 1..8 x2\n"), 0);
	ck_assert_uint_eq(scenario_runs(&sc), 4);
	ck_assert_int_eq(load("[run]\nconnections = 1..9 step 4\n"), 0);
	ck_assert_uint_eq(scenario_runs(&sc), 3);
}
END_TEST

START_TEST(comment_characters_inside_a_value_are_errors)
{
	ck_assert_int_eq(load("[run]\nname = a;b\n"), -1);
	ck_assert_ptr_nonnull(strstr(err, "t.ini:2: ';' or '#' inside 'name = a;b'"));
	ck_assert_int_eq(load("[run]\nmode = lro,nic#both\n"), -1);
	ck_assert_ptr_nonnull(strstr(err, "t.ini:2: "));
	/* after a blank, or at a line's start, it is a comment */
	ck_assert_int_eq(load("# head\n[run] ; the run\nmode = lro,nic # both\n  ; x\n"), 0);
	ck_assert_uint_eq(scenario_runs(&sc), 2);
}
END_TEST

START_TEST(dma_credits_must_fit_the_request_buffer)
{
	ck_assert_int_eq(load("[dma]\ndepth = 32\n"), -1);
	ck_assert_str_eq(err, "t.ini:2: dma.depth: 4 cores x fmn.dma_credits_per_core 16 exceed "
			 "dma.depth 32: the request buffer would overflow (fmn.dma_credits_per_core "
			 "set at default)");
	ck_assert_int_eq(load("[fmn]\ndma_credits_per_core = 8\n[dma]\ndepth = 32\n"), 0);
	struct testbed_config c;
	ck_assert_int_eq(config_at(0, &c), 0);
}
END_TEST

START_TEST(units_accept_common_spellings_and_list_the_others)
{
	ck_assert_int_eq(load("[link]\nrate = 2.5Gbit/s\n[lro]\nthreshold = 8kB\n"
			      "[run]\nbytes_per_connection = 2kb\nwrite_size = 1kib\n"
			      "[npu]\nclock = 1.2ghz\n"), 0);
	struct testbed_config c;
	ck_assert_int_eq(config_at(0, &c), 0);
	ck_assert_uint_eq(c.link.rate_bps, 2500000000ULL);
	ck_assert_uint_eq(c.lro_threshold_bytes, 8000);
	ck_assert_uint_eq(c.client.bytes_per_connection, 2000);
	ck_assert_uint_eq(c.client.tcp.write_bytes, 1024);
	ck_assert_uint_eq(c.npu.clock_hz, 1200000000ULL);
	ck_assert_int_eq(load("[link]\nrate = 10GB/s\n"), -1);
	ck_assert_ptr_nonnull(strstr(err, "unknown unit 'GB/s' in '10GB/s' (units: bps, Kbps"));
	ck_assert_ptr_nonnull(strstr(err, "Gbit/s"));
	ck_assert_int_eq(load("[run]\ntime_limit = 3sec\n"), -1);
	ck_assert_ptr_nonnull(strstr(err, "(units: ps, ns, us"));
	ck_assert_int_eq(load("[run]\ntime_limit = 3mss\n"), -1);
	ck_assert_ptr_nonnull(strstr(err, "did you mean 'ms'?"));
	/* milli and mega differ by case only: not guessed */
	ck_assert_int_eq(load("[run]\ntime_limit = 3MS\n"), -1);
}
END_TEST

START_TEST(words_ignore_case_and_misspellings_get_a_suggestion)
{
	ck_assert_int_eq(load("[run]\nmode = LRO, Nic\n[dma]\nlb = Off\nbuffer = FIFO\n"
			      "[client]\nport_base = Random\n"), 0);
	struct scenario_point p;
	scenario_point(&sc, 1, &p);
	/* stored as the key table writes them, so results group them */
	ck_assert_str_eq(scenario_value(&sc, &p, "run", "mode"), "nic");
	ck_assert_str_eq(scenario_value(&sc, &p, "dma", "lb"), "off");
	ck_assert_str_eq(scenario_value(&sc, &p, "dma", "buffer"), "fifo");
	ck_assert_str_eq(scenario_value(&sc, &p, "client", "port_base"), "random");
	struct testbed_config c;
	ck_assert_int_eq(config_at(1, &c), 0);
	ck_assert_int_eq(c.lro_mode, 0);
	ck_assert_int_eq(c.dma_lb, 0);
	ck_assert_int_eq(load("[run]\nmdoe = lro\n"), -1);
	ck_assert_ptr_nonnull(strstr(err, "unknown key 'mdoe' in [run] (did you mean 'mode'?)"));
	ck_assert_int_eq(load("[lro]\nmode = lro\n"), -1);
	ck_assert_ptr_nonnull(strstr(err, "(did you mean [run] mode?)"));
	ck_assert_int_eq(load("[rnu]\nmode = lro\n"), -1);
	ck_assert_str_eq(err, "t.ini:1: unknown section [rnu] (did you mean [run]?)");
	ck_assert_int_eq(load("[dma]\nbuffer = stak\n"), -1);
	ck_assert_ptr_nonnull(strstr(err, "'stak' is not one of stack|fifo (did you mean 'stack'?)"));
	ck_assert_int_eq(load("[dma]\nlb = of\n"), -1);
	ck_assert_ptr_nonnull(strstr(err, "(did you mean 'on' or 'off'?)"));
	ck_assert_int_eq(load("[client]\nport_base = randon\n"), -1);
	ck_assert_ptr_nonnull(strstr(err, "(did you mean 'random'?)"));
	ck_assert_int_eq(scenario_set(&sc, "run.conections=3", err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "did you mean 'connections'?"));
}
END_TEST

START_TEST(the_name_is_one_folder)
{
	static const char *const bad[] = { "../x", "a/b", "..", ".", "a\tb" };
	for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char text[128];
		snprintf(text, sizeof text, "[run]\nname = %s\n", bad[i]);
		ck_assert_msg(load(text) == -1, "'%s' accepted", bad[i]);
		ck_assert_ptr_nonnull(strstr(err, "t.ini:2: run.name: "));
	}
	ck_assert_int_eq(load("[run]\nname =\n"), -1);
	ck_assert_int_eq(load("[run]\nname = x'$(touch y)'\n"), 0);
	ck_assert_str_eq(sc.name, "x'$(touch y)'");
	ck_assert_int_eq(scenario_set(&sc, "run.name=other", err, sizeof err), 0);
	ck_assert_str_eq(sc.name, "other");
}
END_TEST

Suite *scenario_suite(void)
{
	Suite *s = suite_create("scenario");
	TCase *tc = tcase_create("parse");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, units_convert_to_the_configuration);
	tcase_add_test(tc, every_key_at_its_default_gives_the_default_configuration);
	tcase_add_test(tc, connections_past_port_65535_take_further_addresses_up_to_the_limit);
	tcase_add_test(tc, client_port_base_random_is_drawn_per_run_from_the_ephemeral_range);
	tcase_add_test(tc, errors_name_file_line_and_key);
	tcase_add_test(tc, sweeps_expand_to_the_cartesian_product_in_order);
	tcase_add_test(tc, overrides_replace_file_values_and_sweeps);
	tcase_add_test(tc, repeats_get_distinct_derived_seeds);
	tcase_add_test(tc, whole_numbers_are_decimal_digits);
	tcase_add_test(tc, expansion_is_bounded);
	tcase_add_test(tc, only_regular_files_of_bounded_size_are_read);
	tcase_add_test(tc, nul_bytes_and_byte_order_marks);
	tcase_add_test(tc, duplicate_keys_and_sections_are_errors_naming_both_lines);
	tcase_add_test(tc, long_overrides_are_not_cut);
	tcase_add_test(tc, range_modifiers_are_validated);
	tcase_add_test(tc, comment_characters_inside_a_value_are_errors);
	tcase_add_test(tc, dma_credits_must_fit_the_request_buffer);
	tcase_add_test(tc, units_accept_common_spellings_and_list_the_others);
	tcase_add_test(tc, words_ignore_case_and_misspellings_get_a_suggestion);
	tcase_add_test(tc, the_name_is_one_folder);
	suite_add_tcase(s, tc);
	return s;
}
