/* tests/fuzz/fuzz_scenario.c - libFuzzer harness: the scenario parser
 * (cli/scenario.c) over arbitrary text.
 *
 * The input up to its first NUL byte is a scenario file (scenario_load);
 * each line after it is an override (scenario_set, as --set). For every
 * run of the expansion (the first MAX_RUNS) the point and the testbed
 * configuration are resolved, and the first point is written as JSON to
 * /dev/null.
 *
 * Checks (abort() on violation), besides AddressSanitizer and UBSan:
 *   - a failed load or override leaves a message;
 *   - a scenario that loads expands into repeat x (values of each swept
 *     key) runs, at least one, the count not wrapped around;
 *   - every point's choices are within its sweeps;
 *   - every point of a loaded scenario yields a configuration (values are
 *     validated at load time), whose seed is the [run] seed when there is
 *     one repeat. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/scenario.h"

#define MAX_RUNS 64u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what)
{
	fprintf(stderr, "fuzz_scenario: invariant violated: %s\n", what);
	abort();
}

#define CHECK(c) do { if (!(c)) fail(#c); } while (0)

/* A whole number as the parser reads it (strtod). */
static double number(const char *s)
{
	return strtod(s, NULL);
}

static void check_runs(const struct scenario *sc)
{
	struct scenario_point p0;
	memset(&p0, 0, sizeof p0);
	double repeat = number(scenario_value(sc, &p0, "run", "repeat"));
	CHECK(repeat >= 1 && repeat <= 1000);
	uint64_t expect = (uint64_t)repeat;
	CHECK(sc->n_sweeps <= 64);
	for (unsigned i = 0; i < sc->n_sweeps && expect <= UINT32_MAX; i++) {
		CHECK(sc->sweep_order[i] < sc->n_entries);
		unsigned nv = sc->entries[sc->sweep_order[i]].n_values;
		CHECK(nv >= 2 && nv <= SCENARIO_MAX_VALUES);
		expect *= nv;
	}
	unsigned runs = scenario_runs(sc);
	CHECK(runs >= 1);
	CHECK(runs == expect);

	static FILE *null_out;
	if (!null_out && !(null_out = fopen("/dev/null", "w")))
		abort();
	for (unsigned run = 0; run < runs && run < MAX_RUNS; run++) {
		struct scenario_point p;
		struct testbed_config c;
		char err[600];
		scenario_point(sc, run, &p);
		CHECK(p.run == run && p.repeat < (unsigned)repeat);
		for (unsigned i = 0; i < sc->n_sweeps; i++)
			CHECK(p.choice[i] < sc->entries[sc->sweep_order[i]].n_values);
		err[0] = 0;
		if (scenario_config(sc, &p, &c, err, sizeof err) != 0)
			fail(err);
		if (repeat == 1) {
			/* compared as doubles: both sides round the same integer the
			 * same way (a seed may be above 2^53) */
			double seed = number(scenario_value(sc, &p, "run", "seed"));
			CHECK((double)c.seed == seed);
		}
		CHECK(scenario_value(sc, &p, "run", "mode") != NULL);
		CHECK(scenario_value(sc, &p, "run", "nope") == NULL);
		if (run == 0)
			scenario_write_json(sc, &p, null_out, "  ");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (!text)
		abort();
	memcpy(text, data, size);
	text[size] = 0;
	size_t file_len = strlen(text);

	struct scenario sc;
	if (scenario_init(&sc) != 0)
		abort();
	char err[600];
	err[0] = 0;
	int rc = scenario_load(&sc, "fuzz.ini", text, err, sizeof err);
	CHECK(rc == 0 || rc == -1);
	if (rc != 0) {
		CHECK(err[0] != 0);
	} else {
		/* overrides: the lines after the first NUL */
		char *p = file_len < size ? text + file_len + 1 : NULL;
		while (p && p < text + size) {
			char *nl = memchr(p, '\n', (size_t)(text + size - p));
			if (nl)
				*nl = 0;
			err[0] = 0;
			if (scenario_set(&sc, p, err, sizeof err) != 0)
				CHECK(err[0] != 0);
			p = nl ? nl + 1 : NULL;
		}
		check_runs(&sc);
	}
	scenario_free(&sc);
	free(text);
	return 0;
}
