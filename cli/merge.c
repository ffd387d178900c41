/* cli/merge.c - assembles shard folders (cli/shard.h) with run.c's own
 * writers, so the result is the bytes a single run of the sweep writes. */
#include "cli/merge.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli/json.h"
#include "cli/plot.h"
#include "cli/run.h"
#include "cli/sensitivity.h"
#include "cli/shard.h"
#include "cli/version.h"

static int usage(const char *msg)
{
	fprintf(stderr, "npusim merge: %s\nusage: npusim merge OUT DIR... [--quiet] [--no-plot]\n",
		msg);
	return 2;
}

/* Hard link src to dst (same file system), else copy it. */
static int link_or_copy(const char *src, const char *dst)
{
	unlink(dst);
	if (link(src, dst) == 0)
		return 0;
	int in = open(src, O_RDONLY);
	if (in < 0)
		return -1;
	int out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (out < 0) {
		close(in);
		return -1;
	}
	char buf[65536];
	ssize_t n;
	int rc = 0;
	while ((n = read(in, buf, sizeof buf)) > 0)
		if (write(out, buf, (size_t)n) != n) {
			rc = -1;
			break;
		}
	if (n < 0)
		rc = -1;
	close(in);
	if (close(out) != 0)
		rc = -1;
	return rc;
}

/* Every plain file of src into dst (a run's folder holds no folders), its
 * result files with the rest. */
static int copy_dir(const char *src, const char *dst)
{
	if (run_mkdir_p(dst) != 0)
		return -1;
	DIR *d = opendir(src);
	if (!d)
		return -1;
	struct dirent *e;
	int rc = 0;
	while (rc == 0 && (e = readdir(d))) {
		char a[4096], b[4096];
		struct stat st;
		snprintf(a, sizeof a, "%.3000s/%.255s", src, e->d_name);
		snprintf(b, sizeof b, "%.3000s/%.255s", dst, e->d_name);
		if (e->d_name[0] == '.' || stat(a, &st) != 0 || !S_ISREG(st.st_mode) ||
		    strstr(e->d_name, ".tmp."))
			continue;
		rc = link_or_copy(a, b);
	}
	closedir(d);
	return rc;
}

static int same_dir(const char *a, const char *b)
{
	struct stat sa, sb;
	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

/* The first difference between two shards' records that forbids merging. */
static const char *mismatch(const struct shard_record *a, const struct shard_record *b)
{
	if (strcmp(a->kind, b->kind))
		return "kind of sweep";
	if (strcmp(a->scenario, b->scenario))
		return "scenario";
	if (strcmp(a->version, b->version))
		return "npusim version";
	if (strcmp(a->settings, b->settings) || a->runs != b->runs || a->repeat != b->repeat)
		return "settings";
	if (a->shards != b->shards)
		return "number of shards";
	return NULL;
}

/* Checks that dirs hold every run of one sweep exactly once, complete;
 * owner[run] = the dir holding it. Prints every problem; returns their
 * number. */
static unsigned check_shards(char **dirs, unsigned n, struct shard_record *recs,
			     unsigned *owner)
{
	unsigned problems = 0, runs = recs[0].runs;
	for (unsigned i = 1; i < n; i++) {
		const char *what = mismatch(&recs[0], &recs[i]);
		if (what) {
			fprintf(stderr, "npusim merge: %s and %s differ in their %s: %s of %s, "
					"npusim %s, settings %s, %u shards against %s of %s, npusim %s, "
					"settings %s, %u shards\n", dirs[0], dirs[i], what, recs[0].kind,
				recs[0].scenario, recs[0].version, recs[0].settings, recs[0].shards,
				recs[i].kind, recs[i].scenario, recs[i].version, recs[i].settings,
				recs[i].shards);
			problems++;
		}
	}
	if (problems)
		return problems;
	for (unsigned run = 0; run < runs; run++)
		owner[run] = n;
	for (unsigned i = 0; i < n; i++) {
		for (unsigned run = recs[i].first; run < recs[i].last; run++) {
			if (owner[run] != n) {
				fprintf(stderr, "npusim merge: run %u is in both %s (shard %u/%u) and "
						"%s (shard %u/%u)\n", run, dirs[owner[run]],
					recs[owner[run]].shard, recs[i].shards, dirs[i], recs[i].shard,
					recs[i].shards);
				problems++;
				continue;
			}
			owner[run] = i;
			if (!run_complete(dirs[i], run)) {
				fprintf(stderr, "npusim merge: run %u in %s is incomplete (rerun "
						"shard %u/%u with --resume)\n", run, dirs[i], recs[i].shard,
					recs[i].shards);
				problems++;
			}
		}
	}
	for (unsigned run = 0; run < runs; run++) {
		if (owner[run] != n)
			continue;
		unsigned end = run;
		while (end + 1 < runs && owner[end + 1] == n)
			end++;
		/* name the shards that would hold them */
		unsigned k0 = 0, k1 = 0, first, last;
		for (unsigned k = 1; k <= recs[0].shards; k++) {
			shard_range(runs, k, recs[0].shards, &first, &last);
			if (first <= run && run < last)
				k0 = k;
			if (first <= end && end < last)
				k1 = k;
		}
		if (end > run)
			fprintf(stderr, "npusim merge: runs %u-%u missing", run, end);
		else
			fprintf(stderr, "npusim merge: run %u missing", run);
		fprintf(stderr, " (shard%s %u", k0 != k1 ? "s" : "", k0);
		if (k0 != k1)
			fprintf(stderr, "-%u", k1);
		fprintf(stderr, " of %u not given)\n", recs[0].shards);
		problems++;
		run = end;
	}
	return problems;
}

/* summary.json's "provenance" (this merge) and "shards" (each shard's
 * record, in shard order). */
static char *provenance(struct shard_record *recs, unsigned n, int argc, char **argv)
{
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);
	if (!f)
		return NULL;
	fprintf(f, "  \"provenance\": {\n    \"program\": \"npusim\",\n    \"version\": ");
	json_write_string(f, npusim_version);
	fprintf(f, ",\n    \"revision\": ");
	json_write_string(f, npusim_revision);
	fprintf(f, ",\n    \"command_line\": [\"npusim\"");
	for (int i = 0; i < argc; i++) {
		fputs(", ", f);
		json_write_string(f, argv[i]);
	}
	fprintf(f, "]\n  },\n  \"shards\": [\n");
	for (unsigned k = 1, done = 0; done < n; k++) {
		for (unsigned i = 0; i < n; i++) {
			if (recs[i].shard != k)
				continue;
			fputs("    ", f);
			shard_record_json(&recs[i], f, "    ");
			fputs(++done < n ? ",\n" : "\n", f);
		}
	}
	fputs("  ],\n", f);
	fclose(f);
	return text;
}

static int gather(const char *out, char **dirs, const unsigned *owner, unsigned runs)
{
	for (unsigned run = 0; run < runs; run++) {
		const char *dir = dirs[owner[run]];
		char a[4096], b[4096];
		if (same_dir(dir, out))
			continue;
		snprintf(a, sizeof a, "%s/run-%u", dir, run);
		snprintf(b, sizeof b, "%s/run-%u", out, run);
		if (copy_dir(a, b) != 0)
			goto fail;
		continue;
fail:
		fprintf(stderr, "npusim merge: cannot copy %s to %s: %s\n", a, b, strerror(errno));
		return -1;
	}
	return 0;
}

/* A study's design file (the same in every shard: its settings match). */
static int copy_design(const char *shard, const char *out)
{
	char a[4096], b[4096];
	snprintf(a, sizeof a, "%s/sensitivity-design.csv", shard);
	snprintf(b, sizeof b, "%s/sensitivity-design.csv", out);
	if (same_dir(shard, out) || link_or_copy(a, b) == 0)
		return 0;
	fprintf(stderr, "npusim merge: cannot copy %s to %s: %s\n", a, b, strerror(errno));
	return -1;
}

int merge_main(int argc, char **argv)
{
	char *dirs[4096];
	const char *out = NULL;
	unsigned n = 0;
	int quiet = 0, plot = 1;
	for (int i = 1; i < argc; i++) {     /* argv[0]: "merge" */
		if (!strcmp(argv[i], "--quiet"))
			quiet = 1;
		else if (!strcmp(argv[i], "--no-plot"))
			plot = 0;
		else if (argv[i][0] == '-')
			return usage("unknown option");
		else if (!out)
			out = argv[i];
		else if (n < sizeof dirs / sizeof dirs[0])
			dirs[n++] = argv[i];
		else
			return usage("too many shard folders");
	}
	if (!out || n == 0)
		return usage("needs an output folder and at least one shard folder");
	struct shard_record *recs = calloc(n, sizeof *recs);
	if (!recs)
		return 1;
	unsigned problems = 0;
	for (unsigned i = 0; i < n; i++) {
		char err[4200];
		int rc = shard_record_read(&recs[i], dirs[i], err, sizeof err);
		if (rc != 0) {
			if (rc > 0)
				fprintf(stderr, "npusim merge: %s holds no sweep (no sweep.json)\n",
					dirs[i]);
			else
				fprintf(stderr, "npusim merge: %s\n", err);
			problems++;
		}
	}
	unsigned *owner = problems ? NULL : calloc(recs[0].runs + 1, sizeof *owner);
	if (!problems)
		problems = owner ? check_shards(dirs, n, recs, owner) : 1;
	if (problems) {
		fprintf(stderr, "npusim merge: %u problem(s); nothing written\n", problems);
		free(recs);
		free(owner);
		return 2;
	}
	struct shard_record whole = recs[0];
	whole.shard = whole.shards = 1;
	whole.first = 0;
	whole.last = whole.runs;
	whole.finished = time(NULL);
	for (unsigned i = 0; i < n; i++)
		if (recs[i].started < whole.started)
			whole.started = recs[i].started;
	int status = 1;
	char *shards = provenance(recs, n, argc, argv);
	if (run_mkdir_p(out) != 0) {
		fprintf(stderr, "npusim merge: cannot create %s: %s\n", out, strerror(errno));
	} else if (shards && gather(out, dirs, owner, whole.runs) == 0 &&
		   shard_record_write(&whole, out) == 0) {
		FILE *echo = !quiet && whole.repeat > 1 ? stderr : NULL;
		int failed = run_assemble(out, whole.scenario, whole.runs, whole.repeat, shards,
					  echo);
		status = failed != 0;
		int study = !strcmp(whole.kind, "sensitivity");
		if (failed < 0)
			fprintf(stderr, "npusim merge: cannot assemble the results in %s\n", out);
		else if (study && copy_design(dirs[0], out) != 0)
			status = 1;
		else if (study && sensitivity_analyze(out, quiet, plot) != 0)
			status = 1;
		/* a study's hundreds of runs get no plots of their own */
		if (failed >= 0 && plot && !study)
			plot_directory(out, quiet);
		if (failed >= 0 && !quiet)
			fprintf(stderr, "npusim merge: %u runs of %u shard(s) in %s/results.csv, "
					"points.csv and summary.json\n", whole.runs, n, out);
	}
	free(shards);
	free(recs);
	free(owner);
	return status;
}
