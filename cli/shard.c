/* cli/shard.c - shard slices and sweep.json (see cli/shard.h). */
#include "cli/shard.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli/json.h"
#include "cli/run.h"
#include "cli/version.h"
#include "sim/atomic_file.h"
#include "sim/rng.h"

int shard_parse(const char *spec, unsigned *k, unsigned *n, char *err, size_t err_len)
{
	char *end;
	unsigned long kk = strtoul(spec, &end, 10);
	if (end == spec || *end != '/') {
		snprintf(err, err_len, "--shard %s: expected K/N, e.g. 2/8", spec);
		return -1;
	}
	const char *ns = end + 1;
	unsigned long nn = strtoul(ns, &end, 10);
	if (end == ns || *end || nn < 1 || nn > 1000000 || kk < 1 || kk > nn) {
		snprintf(err, err_len, "--shard %s: expected K/N with 1 <= K <= N", spec);
		return -1;
	}
	*k = (unsigned)kk;
	*n = (unsigned)nn;
	return 0;
}

void shard_range(unsigned runs, unsigned k, unsigned n, unsigned *first, unsigned *last)
{
	*first = (unsigned)((unsigned long long)(k - 1) * runs / n);
	*last = (unsigned)((unsigned long long)k * runs / n);
}

/* FNV-style combination of each run's keys as summary.json lists them. */
static int fingerprint(const struct run_list *l, char *out, size_t len)
{
	uint64_t h = sim_hash_str(l->kind) ^ sim_hash_str(l->name);
	h = h * 0x100000001b3ULL ^ l->runs;
	h = h * 0x100000001b3ULL ^ l->repeat;
	for (unsigned run = 0; run < l->runs; run++) {
		const struct scenario *sc;
		struct scenario_point p;
		char err[512], *text = NULL;
		size_t size = 0;
		if (l->get(l->ctx, run, &sc, &p, err, sizeof err) != 0) {
			fprintf(stderr, "npusim: %s\n", err);
			return -1;
		}
		FILE *f = open_memstream(&text, &size);
		if (!f)
			return -1;
		fprintf(f, "%" PRIu64 "\n", p.seed);
		scenario_write_json(sc, &p, f, "");
		fclose(f);
		h = (h ^ sim_hash_str(text)) * 0x100000001b3ULL;
		free(text);
	}
	snprintf(out, len, "%016" PRIx64, h);
	return 0;
}

int shard_record_init(struct shard_record *r, const struct run_list *l,
		      const struct run_options *o)
{
	memset(r, 0, sizeof *r);
	snprintf(r->kind, sizeof r->kind, "%s", l->kind);
	snprintf(r->scenario, sizeof r->scenario, "%s", l->name);
	/* the revision too: two builds of one release may differ */
	snprintf(r->version, sizeof r->version, "%s (%s)", npusim_version, npusim_revision);
	r->runs = l->runs;
	r->repeat = l->repeat;
	r->shard = o->shards ? o->shard : 1;
	r->shards = o->shards ? o->shards : 1;
	shard_range(r->runs, r->shard, r->shards, &r->first, &r->last);
	if (gethostname(r->host, sizeof r->host - 1) != 0)
		snprintf(r->host, sizeof r->host, "unknown");
	r->started = time(NULL);
	return fingerprint(l, r->settings, sizeof r->settings);
}

static void write_time(FILE *f, time_t t)
{
	char buf[64];
	struct tm tm;
	if (!t) {
		fputs("null", f);
		return;
	}
	gmtime_r(&t, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_write_string(f, buf);
}

void shard_record_json(const struct shard_record *r, FILE *f, const char *in)
{
	fprintf(f, "{\n%s  \"kind\": ", in);
	json_write_string(f, r->kind);
	fprintf(f, ",\n%s  \"scenario\": ", in);
	json_write_string(f, r->scenario);
	fprintf(f, ",\n%s  \"npusim_version\": ", in);
	json_write_string(f, r->version);
	fprintf(f, ",\n%s  \"settings\": ", in);
	json_write_string(f, r->settings);
	fprintf(f, ",\n%s  \"runs\": %u,\n%s  \"repeat\": %u,\n%s  \"shard\": %u,\n"
		   "%s  \"shards\": %u,\n%s  \"first_run\": %u,\n%s  \"end_run\": %u,\n"
		   "%s  \"host\": ", in, r->runs, in, r->repeat, in, r->shard, in, r->shards, in,
		r->first, in, r->last, in);
	json_write_string(f, r->host);
	fprintf(f, ",\n%s  \"started\": ", in);
	write_time(f, r->started);
	fprintf(f, ",\n%s  \"finished\": ", in);
	write_time(f, r->finished);
	fprintf(f, "\n%s}", in);
}

int shard_record_write(const struct shard_record *r, const char *dir)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/sweep.json", dir);
	struct atomic_file *af = atomic_file_create(path);
	if (!af)
		return -1;
	shard_record_json(r, atomic_file_stream(af), "");
	fputc('\n', atomic_file_stream(af));
	if (atomic_file_finish(af) != 0)
		return -1;
	return 0;
}

/* The string after `"key": "` up to its closing quote, unescaped. */
static void parse_string(const char *s, char *out, size_t len)
{
	size_t n = 0;
	if (*s == '"')
		s++;
	for (; *s && *s != '"' && n + 1 < len; s++) {
		if (*s == '\\' && s[1])
			s++;
		out[n++] = *s;
	}
	out[n] = 0;
}

static time_t parse_time(const char *text)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	const char *end = strptime(text, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return end && !*end ? timegm(&tm) : 0;
}

/* sweep.json as shard_record_json writes it: one member per line. */
int shard_record_read(struct shard_record *r, const char *dir, char *err, size_t err_len)
{
	char path[4096], line[1024];
	snprintf(path, sizeof path, "%s/sweep.json", dir);
	FILE *f = fopen(path, "r");
	if (!f) {
		if (errno == ENOENT)
			return 1;
		snprintf(err, err_len, "%s: %s", path, strerror(errno));
		return -1;
	}
	memset(r, 0, sizeof *r);
	unsigned seen = 0;
	while (fgets(line, sizeof line, f)) {
		char key[64], text[512];
		const char *v = strstr(line, "\": ");
		if (sscanf(line, " \"%63[^\"]\": ", key) != 1 || !v)
			continue;
		v += 3;
		parse_string(v, text, sizeof text);
		struct { const char *name; char *s; size_t len; unsigned *u; } fields[] = {
			{ "kind", r->kind, sizeof r->kind, NULL },
			{ "scenario", r->scenario, sizeof r->scenario, NULL },
			{ "npusim_version", r->version, sizeof r->version, NULL },
			{ "settings", r->settings, sizeof r->settings, NULL },
			{ "host", r->host, sizeof r->host, NULL },
			{ "runs", NULL, 0, &r->runs },
			{ "repeat", NULL, 0, &r->repeat },
			{ "shard", NULL, 0, &r->shard },
			{ "shards", NULL, 0, &r->shards },
			{ "first_run", NULL, 0, &r->first },
			{ "end_run", NULL, 0, &r->last },
		};
		for (unsigned i = 0; i < sizeof fields / sizeof fields[0]; i++) {
			if (strcmp(key, fields[i].name) != 0)
				continue;
			if (fields[i].s)
				snprintf(fields[i].s, fields[i].len, "%s", text);
			else
				*fields[i].u = (unsigned)strtoul(v, NULL, 10);
			seen |= 1u << i;
		}
		if (!strcmp(key, "started"))
			r->started = parse_time(text);
		if (!strcmp(key, "finished"))
			r->finished = parse_time(text);
	}
	fclose(f);
	if (seen != (1u << 11) - 1 || !r->shards || r->shard > r->shards || r->first > r->last ||
	    r->last > r->runs) {
		snprintf(err, err_len, "%s: not a sweep record of this program", path);
		return -1;
	}
	return 0;
}

int shard_check_resume(const struct shard_record *r, const char *dir)
{
	struct shard_record old;
	char err[4200];
	int rc = shard_record_read(&old, dir, err, sizeof err);
	if (rc == 1)
		return 0;
	if (rc < 0) {
		fprintf(stderr, "npusim: --resume: %s\n", err);
		return -1;
	}
	const char *what = strcmp(old.kind, r->kind) ? "another kind of sweep"
		: strcmp(old.scenario, r->scenario) ? "another scenario"
		: strcmp(old.version, r->version) ? "another npusim version"
		: strcmp(old.settings, r->settings) || old.runs != r->runs ? "other settings"
		: old.shard != r->shard || old.shards != r->shards ? "another shard" : NULL;
	if (!what)
		return 0;
	fprintf(stderr, "npusim: --resume: %s holds %s (%s %u/%u of scenario %s, npusim %s, "
			"settings %s); not mixing results: use another folder or run without --resume\n",
		dir, what, old.kind, old.shard, old.shards, old.scenario, old.version, old.settings);
	return -1;
}
