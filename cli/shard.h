/* cli/shard.h - a sweep cut into deterministic slices, and the record
 * (sweep.json) each output folder keeps of what it holds.
 *
 * Shard K of N (1-based) is the contiguous block of runs
 * [floor((K-1)R/N), floor(KR/N)) of a sweep of R runs: the shards cover
 * every run exactly once, and neighbouring runs (which cost about the same)
 * spread evenly. sweep.json's first_run and end_run give [first, last). sweep.json names the kind of sweep, the scenario, the
 * program's version and a fingerprint of every run's settings, so that
 * --resume and merge refuse results of another sweep. */
#ifndef CLI_SHARD_H
#define CLI_SHARD_H

#include <stddef.h>
#include <stdio.h>
#include <time.h>

struct run_list;
struct run_options;

struct shard_record {
	char kind[16];                 /* "run" or "sensitivity" */
	char scenario[128];
	char version[128];
	char settings[24];             /* fingerprint of every run's keys, hex */
	unsigned runs, repeat;         /* of the whole sweep */
	unsigned shard, shards;        /* 1/1: the whole sweep */
	unsigned first, last;          /* runs [first, last) */
	char host[256];
	time_t started, finished;      /* finished 0: not finished */
};

/* "K/N" with 1 <= K <= N: 0, or -1 with a message in err. */
int shard_parse(const char *spec, unsigned *k, unsigned *n, char *err, size_t err_len);
void shard_range(unsigned runs, unsigned k, unsigned n, unsigned *first, unsigned *last);
/* The record of the list's runs as o slices them (fingerprint computed). */
int shard_record_init(struct shard_record *r, const struct run_list *l,
		      const struct run_options *o);
int shard_record_write(const struct shard_record *r, const char *dir);
/* dir/sweep.json: 0, 1 when there is none, -1 with a message in err. */
int shard_record_read(struct shard_record *r, const char *dir, char *err, size_t err_len);
/* --resume into dir: 0 when dir holds this sweep's slice (or nothing yet),
 * -1 (message printed) when it holds another's. */
int shard_check_resume(const struct shard_record *r, const char *dir);
/* The record as a JSON object (summary.json's provenance of a shard). */
void shard_record_json(const struct shard_record *r, FILE *f, const char *indent);

#endif
