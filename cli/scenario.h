/* cli/scenario.h - scenario files: INI sections per component, typed keys
 * with units, sweeps, overrides, and their mapping onto the testbed.
 *
 * A value may be a list (`1,2,4`) or a range (`1..64`, `1..64 x2` geometric,
 * `0..100 step 10`): the scenario then stands for the Cartesian product of
 * all its lists, in the order the swept keys first appear (the last one
 * varies fastest), each point repeated [run] repeat times with seeds
 * derived from [run] seed. Every error names the file, line and key.
 */
#ifndef CLI_SCENARIO_H
#define CLI_SCENARIO_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "cli/testbed.h"

#define SCENARIO_MAX_VALUES 64
#define SCENARIO_MAX_RUNS 1000000u         /* runs a scenario may expand into */
#define SCENARIO_MAX_FILE_BYTES (1u << 20) /* a scenario file's size */

struct scenario_entry {
	const struct scenario_key *key;
	char *values[SCENARIO_MAX_VALUES]; /* one, or the sweep's values */
	unsigned n_values;
	char origin[300];                  /* "file:line" or "--set" */
};

struct scenario {
	char name[128];
	struct scenario_entry *entries;    /* one per key, in table order */
	unsigned n_entries;
	unsigned sweep_order[64];          /* swept entries, first-appearance order */
	unsigned n_sweeps;
};

/* One run of a scenario: a sweep point and repeat. */
struct scenario_point {
	unsigned run;                      /* 0-based index in the expansion */
	unsigned choice[64];               /* per sweep: value index */
	unsigned repeat;
	uint64_t seed;
};

int scenario_init(struct scenario *sc);
void scenario_free(struct scenario *sc);
/* Parse a file (or, with text != NULL, that text named `path`). Returns 0,
 * or -1 with the message in err (file:line: key: what is wrong). The file
 * is a regular file of at most SCENARIO_MAX_FILE_BYTES of text (a UTF-8
 * byte-order mark at its start is skipped); each section and each key
 * appears once; ';' and '#' start a comment at a line's start or after a
 * blank, and nowhere else. */
int scenario_load(struct scenario *sc, const char *path, const char *text, char *err,
		  size_t err_len);
/* Apply "section.key=value". */
int scenario_set(struct scenario *sc, const char *assignment, char *err, size_t err_len);
/* Number of runs the scenario expands into. */
unsigned scenario_runs(const struct scenario *sc);
/* Runs per sweep point ([run] repeat): run i is repeat i % repeats of
 * point i / repeats. */
unsigned scenario_repeats(const struct scenario *sc);
void scenario_point(const struct scenario *sc, unsigned run, struct scenario_point *p);
/* The value of a key at a point (for CSV columns and summaries). */
const char *scenario_value(const struct scenario *sc, const struct scenario_point *p,
			   const char *section, const char *key);
/* Build the testbed configuration of a point. Returns 0 or -1 + err. */
int scenario_config(const struct scenario *sc, const struct scenario_point *p,
		    struct testbed_config *c, char *err, size_t err_len);
/* Every run's configuration builds: 0, or -1 with the first run's error. */
int scenario_check(const struct scenario *sc, char *err, size_t err_len);
/* Swept key i (0 <= i < sc->n_sweeps, in sweep order): its section and name. */
void scenario_swept(const struct scenario *sc, unsigned i, const char **section,
		    const char **key);
/* A key's unit as the reference names it ("" for none), NULL if no such key. */
const char *scenario_key_unit(const char *section, const char *key);
/* Every key of a point as JSON members, typed: numbers in the key's base
 * unit ({ "value": 65536, "unit": "bytes" } where it has one), on/off as
 * true/false, words as strings. */
void scenario_write_json(const struct scenario *sc, const struct scenario_point *p, FILE *f,
			 const char *indent);
/* The key reference of one section (NULL: all), as Markdown tables
 * (docs/SCENARIOS.md's) or plain text; -1 for an unknown section. */
int scenario_write_keys_markdown(FILE *f, const char *section);
int scenario_write_keys_text(FILE *f, const char *section);
/* The sections' names, space-separated, one line. */
void scenario_write_sections(FILE *f);

#endif
