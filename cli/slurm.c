/* cli/slurm.c - writes (and submits) the batch scripts of a sharded sweep.
 * Slurm runs the shards: npusim only says what each array task runs. */
#include "cli/slurm.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli/run.h"
#include "cli/scenario.h"
#include "cli/sensitivity.h"
#include "sim/atomic_file.h"

struct slurm_args {
	const char *scenario, *out_dir;
	const char *sets[64];
	unsigned n_sets, shards, max_parallel, jobs;
	int submit;
	char **sbatch;                 /* after `--` */
	int n_sbatch;
};

static int usage(const char *msg, const char *arg)
{
	fprintf(stderr, "npusim slurm: %s%s%s\nusage: npusim slurm SCENARIO [-o DIR] [--shards N] "
			"[--max-parallel M] [-j N] [--set section.key=value]... [--submit] "
			"[-- sbatch options]\n", msg, arg ? " " : "", arg ? arg : "");
	return 2;
}

static int parse_count(const char *s, unsigned max, unsigned *out)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);
	if (end == s || *end || v < 1 || v > max)
		return -1;
	*out = (unsigned)v;
	return 0;
}

static int parse_args(int argc, char **argv, struct slurm_args *a)
{
	memset(a, 0, sizeof *a);
	a->shards = 16;
	a->jobs = 1;
	for (int i = 1; i < argc; i++) {     /* argv[0]: "slurm" */
		const char *s = argv[i], *next = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(s, "--")) {
			a->sbatch = argv + i + 1;
			a->n_sbatch = argc - i - 1;
			break;
		} else if (!strcmp(s, "-o") && next) {
			a->out_dir = argv[++i];
		} else if (!strcmp(s, "--shards") && next) {
			if (parse_count(argv[++i], 100000, &a->shards))
				return usage("--shards needs a number 1..100000, not", next);
		} else if (!strcmp(s, "--max-parallel") && next) {
			if (parse_count(argv[++i], 100000, &a->max_parallel))
				return usage("--max-parallel needs a number 1..100000, not", next);
		} else if (!strcmp(s, "-j") && next) {
			if (parse_count(argv[++i], 256, &a->jobs))
				return usage("-j needs a number of processes 1..256, not", next);
		} else if (!strcmp(s, "--set") && next) {
			if (a->n_sets == 64)
				return usage("too many --set options", NULL);
			a->sets[a->n_sets++] = argv[++i];
		} else if (!strcmp(s, "--submit")) {
			a->submit = 1;
		} else if (s[0] == '-') {
			return usage("unknown option or missing value:", s);
		} else if (!a->scenario) {
			a->scenario = s;
		} else {
			return usage("unexpected argument", s);
		}
	}
	return a->scenario ? 0 : usage("needs a scenario file", NULL);
}

/* s in single quotes for sh. */
static void quote(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'')
			fputs("'\\''", f);
		else
			fputc(*s, f);
	}
	fputc('\'', f);
}

/* The user's sbatch options as #SBATCH lines: an option and the words
 * after it that are its value. */
static void sbatch_lines(FILE *f, const struct slurm_args *a)
{
	for (int i = 0; i < a->n_sbatch; i++) {
		fprintf(f, "%s%s", a->sbatch[i][0] == '-' || i == 0 ? (i ? "\n#SBATCH " :
			"#SBATCH ") : " ", a->sbatch[i]);
	}
	if (a->n_sbatch)
		fputc('\n', f);
}

/* Scripts appear whole or not at all. */
static struct atomic_file *script;

static FILE *open_script(const char *dir, const char *name, char *path, size_t len)
{
	snprintf(path, len, "%s/%s", dir, name);
	script = atomic_file_open(path);
	if (!script)
		fprintf(stderr, "npusim slurm: cannot write %s: %s\n", path, strerror(errno));
	return script ? atomic_file_stream(script) : NULL;
}

static int close_script(FILE *f, const char *path)
{
	(void)f;
	if (atomic_file_commit(script) != 0) {
		fprintf(stderr, "npusim slurm: cannot write %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

struct paths {
	char self[PATH_MAX], scenario[PATH_MAX], dir[PATH_MAX];
	const char *command;           /* "run" or "sensitivity" */
	const char *name;
};

static int write_sweep(const struct slurm_args *a, const struct paths *p)
{
	char path[PATH_MAX + 32];
	FILE *f = open_script(p->dir, "sweep.sbatch", path, sizeof path);
	if (!f)
		return -1;
	fprintf(f, "#!/bin/sh\n# %s/sweep.sbatch - written by `npusim slurm`: the sweep of\n"
		   "# %s as a job array, one task per shard; a task run again\n"
		   "# (requeued, preempted) keeps the runs it had completed (--resume).\n",
		p->dir, p->scenario);
	fprintf(f, "#SBATCH --job-name=npusim-%s\n#SBATCH --array=1-%u", p->name, a->shards);
	if (a->max_parallel)
		fprintf(f, "%%%u", a->max_parallel);
	fprintf(f, "\n#SBATCH --cpus-per-task=%u\n#SBATCH --output=%s/logs/shard-%%a.log\n",
		a->jobs, p->dir);
	sbatch_lines(f, a);
	fprintf(f, "set -eu\nexec ");
	quote(f, p->self);
	fprintf(f, " %s ", p->command);
	quote(f, p->scenario);
	for (unsigned i = 0; i < a->n_sets; i++) {
		fputs(" --set ", f);
		quote(f, a->sets[i]);
	}
	fprintf(f, " \\\n\t--shard \"$SLURM_ARRAY_TASK_ID/%u\" --resume -j %u --no-plot "
		   "\\\n\t-o ", a->shards, a->jobs);
	quote(f, p->dir);
	fprintf(f, "\"/shard-$SLURM_ARRAY_TASK_ID\"\n");
	if (close_script(f, path))
		return -1;

	f = open_script(p->dir, "merge.sbatch", path, sizeof path);
	if (!f)
		return -1;
	fprintf(f, "#!/bin/sh\n# %s/merge.sbatch - written by `npusim slurm`: assembles the\n"
		   "# shards of sweep.sbatch once every task succeeded (--dependency=afterok).\n",
		p->dir);
	fprintf(f, "#SBATCH --job-name=npusim-%s-merge\n#SBATCH --output=%s/logs/merge.log\n",
		p->name, p->dir);
	sbatch_lines(f, a);
	fprintf(f, "set -eu\ndir=");
	quote(f, p->dir);
	fprintf(f, "\nset --\ni=1\nwhile [ $i -le %u ]; do set -- \"$@\" \"$dir/shard-$i\"; "
		   "i=$((i + 1)); done\nexec ", a->shards);
	quote(f, p->self);
	fprintf(f, " merge \"$dir\" \"$@\"\n");
	if (close_script(f, path))
		return -1;

	f = open_script(p->dir, "submit.sh", path, sizeof path);
	if (!f)
		return -1;
	fprintf(f, "#!/bin/sh\n# %s/submit.sh - written by `npusim slurm`: submits the job\n"
		   "# array and its merge job.\nset -eu\ndir=", p->dir);
	quote(f, p->dir);
	fprintf(f, "\narray=$(sbatch --parsable \"$dir/sweep.sbatch\")\narray=${array%%%%;*}\n"
		   "merge=$(sbatch --parsable --dependency=afterok:$array \"$dir/merge.sbatch\")\n"
		   "merge=${merge%%%%;*}\necho \"array job $array, merge job $merge\"\n");
	if (close_script(f, path))
		return -1;
	chmod(path, 0755);
	return 0;
}

/* sbatch --parsable [extra] script: the job id, or -1. */
static long sbatch(const char *script, const char *extra)
{
	char cmd[PATH_MAX * 2], out[256] = "";
	snprintf(cmd, sizeof cmd, "sbatch --parsable %s '%s'", extra, script);
	FILE *p = popen(cmd, "r");
	if (!p) {
		fprintf(stderr, "npusim slurm: cannot run sbatch: %s\n", strerror(errno));
		return -1;
	}
	if (!fgets(out, sizeof out, p))
		out[0] = 0;
	int rc = pclose(p);
	char *end;
	long id = strtol(out, &end, 10);
	if (rc != 0 || end == out || id <= 0) {
		fprintf(stderr, "npusim slurm: `%s` failed (status %d)\n", cmd, rc);
		return -1;
	}
	return id;
}

static int submit(const struct slurm_args *a, const struct paths *p)
{
	char script[PATH_MAX + 32], dep[64];
	snprintf(script, sizeof script, "%s/sweep.sbatch", p->dir);
	long array = sbatch(script, "");
	if (array < 0)
		return 1;
	snprintf(script, sizeof script, "%s/merge.sbatch", p->dir);
	snprintf(dep, sizeof dep, "--dependency=afterok:%ld", array);
	long merge = sbatch(script, dep);
	if (merge < 0)
		return 1;
	printf("array job %ld (%u shards", array, a->shards);
	if (a->max_parallel)
		printf(", at most %u at once", a->max_parallel);
	printf("), merge job %ld; results in %s\n", merge, p->dir);
	return 0;
}

int slurm_main(int argc, char **argv)
{
	struct slurm_args a;
	int rc = parse_args(argc, argv, &a);
	if (rc)
		return rc;
	/* the scenario must load and every run build here, not on the cluster */
	struct sensitivity_study st;
	if (sensitivity_prepare(&st, a.scenario, a.sets, a.n_sets) != 0) {
		sensitivity_release(&st);
		return 2;
	}
	struct paths p;
	p.command = st.is_study ? "sensitivity" : "run";
	p.name = st.list.name;
	if (a.shards > st.list.runs)
		a.shards = st.list.runs;
	ssize_t n = readlink("/proc/self/exe", p.self, sizeof p.self - 1);
	p.self[n > 0 ? n : 0] = 0;
	char dir[PATH_MAX];
	struct run_options o = { .out_dir = a.out_dir };
	run_out_dir(p.name, &o, dir, sizeof dir);
	rc = 1;
	if (run_mkdir_p(dir) != 0) {
		fprintf(stderr, "npusim slurm: cannot create %s: %s\n", dir, strerror(errno));
	} else if (!realpath(a.scenario, p.scenario) || !realpath(dir, p.dir)) {
		fprintf(stderr, "npusim slurm: %s: %s\n", a.scenario, strerror(errno));
	} else {
		char logs[PATH_MAX + 8];
		snprintf(logs, sizeof logs, "%s/logs", p.dir);
		if (run_mkdir_p(logs) == 0 && write_sweep(&a, &p) == 0) {
			fprintf(stderr, "npusim slurm: %u runs in %u shards: %s/sweep.sbatch, "
					"merge.sbatch, submit.sh\n", st.list.runs, a.shards, p.dir);
			rc = a.submit ? submit(&a, &p) : 0;
		}
	}
	sensitivity_release(&st);
	return rc;
}
