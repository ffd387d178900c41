/* cli/main.c - npusim, the program: dispatches to its commands. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/plot.h"
#include "cli/run.h"
#include "cli/scenario.h"
#include "sim/log.h"
#include "traces/replay.h"

static const char usage_text[] =
	"usage: npusim run SCENARIO [--set section.key=value]... [-o DIR] [-j N] [--seed N]\n"
	"                  [--quiet] [--no-plot] [--log module=level,...] [--dry-run]\n"
	"       npusim demo [-o DIR] [-j N]\n"
	"       npusim replay IN.pcap -o OUT.pcap [--filter BPF] [--mode lro|nic]\n"
	"                     [--threshold BYTES] [--no-active-ack]\n"
	"       npusim plot DIR\n"
	"       npusim keys [--markdown]\n"
	"       npusim --help | --version\n"
	"\n"
	"npusim simulates an XLS416 network processor working as a 10 GbE NIC that\n"
	"does TCP Large Receive Offload in firmware, the Linux 2.6.32 server behind\n"
	"it, the client sending TCP, and the fiber between them.\n"
	"\n"
	"  run    run every point of a scenario file (sweeps expand; see docs/SCENARIOS.md)\n"
	"         and write results.csv, summary.json, per-run CSVs and plots into DIR\n"
	"         (default results/<scenario>/); -j N runs points in N processes\n"
	"  demo   the paper's experiments at a small size, with a summary table\n"
	"  replay run the LRO engine natively over a capture; write what the host\n"
	"         would receive (aggregates and pass-through) to OUT.pcap\n"
	"  plot   redraw the plots of a results folder with gnuplot\n"
	"  keys   list every scenario key with its default, unit and range\n"
	"\n"
	"Exit status: 0 success, 1 a run failed (integrity) or could not write, 2 bad input.\n";

static int usage_error(const char *msg, const char *arg)
{
	fprintf(stderr, "npusim: %s%s%s\n%s", msg, arg ? " " : "", arg ? arg : "",
		"try 'npusim --help'\n");
	return 2;
}

struct cli_args {
	const char *scenario;
	const char *sets[64];
	unsigned n_sets;
	struct run_options run;
	const char *seed;
	const char *log;
	int dry_run;
};

static int parse_run_args(int argc, char **argv, struct cli_args *a, int need_scenario)
{
	memset(a, 0, sizeof *a);
	a->run.jobs = 1;
	a->run.plot = 1;
	for (int i = 0; i < argc; i++) {
		const char *s = argv[i];
		const char *next = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(s, "--set") && next) {
			if (a->n_sets == 64)
				return usage_error("too many --set options", NULL);
			a->sets[a->n_sets++] = argv[++i];
		} else if (!strcmp(s, "-o") && next) {
			a->run.out_dir = argv[++i];
		} else if ((!strcmp(s, "-j") && next) || (!strncmp(s, "-j", 2) && s[2])) {
			/* -j N and -jN, as make takes them */
			const char *num = s[2] ? s + 2 : argv[++i];
			char *end;
			long j = strtol(num, &end, 10);
			if (*end || j < 1 || j > 256)
				return usage_error("-j needs a number of processes 1..256, not", num);
			a->run.jobs = (unsigned)j;
		} else if (!strcmp(s, "--seed") && next) {
			a->seed = argv[++i];
		} else if (!strcmp(s, "--log") && next) {
			a->log = argv[++i];
		} else if (!strcmp(s, "--quiet")) {
			a->run.quiet = 1;
		} else if (!strcmp(s, "--no-plot")) {
			a->run.plot = 0;
		} else if (!strcmp(s, "--dry-run")) {
			a->dry_run = 1;
		} else if (s[0] == '-') {
			return usage_error("unknown option or missing value:", s);
		} else if (need_scenario && !a->scenario) {
			a->scenario = s;
		} else {
			return usage_error("unexpected argument", s);
		}
	}
	if (need_scenario && !a->scenario)
		return usage_error("run needs a scenario file", NULL);
	return 0;
}

static int prepare(struct scenario *sc, const char *path, const char *text,
		   const struct cli_args *a)
{
	char err[600];
	if (scenario_init(sc) != 0 || scenario_load(sc, path, text, err, sizeof err) != 0) {
		fprintf(stderr, "npusim: %s\n", err);
		return 2;
	}
	for (unsigned i = 0; i < a->n_sets; i++) {
		if (scenario_set(sc, a->sets[i], err, sizeof err) != 0) {
			fprintf(stderr, "npusim: %s\n", err);
			return 2;
		}
	}
	if (a->seed) {
		char set[128];
		snprintf(set, sizeof set, "run.seed=%s", a->seed);
		if (scenario_set(sc, set, err, sizeof err) != 0) {
			fprintf(stderr, "npusim: --seed: %s\n", err);
			return 2;
		}
	}
	if (a->log && sim_log_configure(a->log, err, sizeof err) != 0) {
		fprintf(stderr, "npusim: %s\n", err);
		return 2;
	}
	return 0;
}

/* --dry-run: every run's point and its resolved ports, or the first bad
 * point's error and nothing else. */
static int print_dry_run(const struct scenario *sc)
{
	char err[512];
	if (scenario_check(sc, err, sizeof err) != 0) {
		fprintf(stderr, "npusim: %s\n", err);
		return 2;
	}
	unsigned runs = scenario_runs(sc);
	printf("scenario %s: %u run(s)\n", sc->name, runs);
	for (unsigned r = 0; r < runs; r++) {
		struct scenario_point p;
		struct testbed_config c;
		scenario_point(sc, r, &p);
		scenario_config(sc, &p, &c, err, sizeof err);   /* checked above */
		printf("run %u: mode=%s connections=%s dma.buffer=%s dma.lb=%s seed=%llu "
		       "client.port_base=%u\n", r,
		       scenario_value(sc, &p, "run", "mode"),
		       scenario_value(sc, &p, "run", "connections"),
		       scenario_value(sc, &p, "dma", "buffer"),
		       scenario_value(sc, &p, "dma", "lb"), (unsigned long long)p.seed,
		       c.client.port_base);
	}
	return 0;
}

static int cmd_run(int argc, char **argv)
{
	struct cli_args a;
	int rc = parse_run_args(argc, argv, &a, 1);
	if (rc)
		return rc;
	struct scenario sc;
	rc = prepare(&sc, a.scenario, NULL, &a);
	if (rc == 0 && a.dry_run) {
		rc = print_dry_run(&sc);
	} else if (rc == 0) {
		rc = run_scenario(&sc, &a.run);
	}
	scenario_free(&sc);
	return rc;
}

/* The demo: the paper's experiments at a size that runs in minutes. */
#include "cli/demo_scenarios.h"  /* generated by mk/cli.mk */

static void print_demo_tables(const char *dir)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/fig13/points.csv", dir);
	FILE *f = fopen(path, "r");
	if (f) {
		char line[4096];
		printf("\nThroughput vs connections (Gbps), the paper's Fig. 13: median over each\n"
		       "point's runs (ephemeral ports drawn per run), with the range:\n");
		printf("%12s %22s %22s\n", "connections", "lro", "nic");
		char lro[128][32] = { { 0 } }, nic[128][32] = { { 0 } };
		int conns[128], n = 0;
		if (fgets(line, sizeof line, f)) {
			while (fgets(line, sizeof line, f)) {
				char mode[16];
				int c;
				double med, lo, hi;
				/* point,mode,connections,dma_buffer,dma_lb,active_ack,
				 * threshold_bytes,runs,throughput median,min,max */
				if (sscanf(line, "%*[^,],%15[^,],%d,%*[^,],%*[^,],%*[^,],%*[^,],%*[^,],"
						 "%lf,%lf,%lf", mode, &c, &med, &lo, &hi) != 5)
					continue;
				int k;
				for (k = 0; k < n && conns[k] != c; k++)
					;
				if (k == n && n < 128)
					conns[n++] = c;
				if (k < 128)
					snprintf(!strcmp(mode, "lro") ? lro[k] : nic[k], sizeof lro[k],
						 "%.2f (%.2f-%.2f)", med, lo, hi);
			}
		}
		fclose(f);
		for (int k = 0; k < n; k++)
			printf("%12d %22s %22s\n", conns[k], lro[k], nic[k]);
	}
	snprintf(path, sizeof path, "%s/syn-starvation/results.csv", dir);
	f = fopen(path, "r");
	if (f) {
		char line[4096];
		printf("\nSYN starvation, 64 connections opened together (a thread each), each\n"
		       "sending once established (5 s of simulated time):\n");
		printf("%-8s %-4s %12s %16s %16s\n", "buffer", "lb", "established", "not established",
		       "SYN retransmits");
		if (fgets(line, sizeof line, f)) {
			while (fgets(line, sizeof line, f)) {
				char buf[16], lb[8];
				unsigned est, rtx, failed;
				if (sscanf(line, "%*[^,],%*[^,],%*[^,],%15[^,],%7[^,],%*[^,],%*[^,],%*[^,],"
						 "%*[^,],%u,%u,%u", buf, lb, &est, &rtx, &failed) == 5)
					printf("%-8s %-4s %12u %16u %16u\n", buf, lb, est, failed, rtx);
			}
		}
		fclose(f);
	}
	printf("\nPlots: %s/fig13/throughput.png, %s/syn-starvation/run-*/*.png\n", dir, dir);
}

static int cmd_demo(int argc, char **argv)
{
	struct cli_args a;
	int rc = parse_run_args(argc, argv, &a, 0);
	if (rc)
		return rc;
	int explicit_jobs = 0;
	for (int i = 0; i < argc; i++)
		explicit_jobs |= !strncmp(argv[i], "-j", 2);
	if (!explicit_jobs) {
		long cpus = sysconf(_SC_NPROCESSORS_ONLN);
		a.run.jobs = cpus > 1 ? (unsigned)(cpus > 8 ? 8 : cpus) : 1;
	}
	const char *dir = a.run.out_dir ? a.run.out_dir : "results/demo";
	printf("npusim demo: the paper's experiments at a small size (built-in scenarios,\n"
	       "see scenarios/demo-*.ini); results under %s\n", dir);
	fflush(stdout);
	static const struct { const char *name, *text; } parts[] = {
		{ "fig13", demo_fig13_ini },
		{ "syn-starvation", demo_syn_starvation_ini },
	};
	int worst = 0;
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		struct scenario sc;
		char out[4096];
		snprintf(out, sizeof out, "%s/%s", dir, parts[i].name);
		struct cli_args ai = a;
		ai.run.out_dir = out;
		rc = prepare(&sc, parts[i].name, parts[i].text, &ai);
		if (rc == 0)
			rc = run_scenario(&sc, &ai.run);
		scenario_free(&sc);
		if (rc > worst)
			worst = rc;
		if (rc == 2)
			return rc;
	}
	print_demo_tables(dir);
	return worst;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs(usage_text, stderr);
		return 2;
	}
	const char *cmd = argv[1];
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (!strcmp(cmd, "--version")) {
		printf("npusim %s\n", NPUSIM_VERSION);
		return 0;
	}
	if (!strcmp(cmd, "run"))
		return cmd_run(argc - 2, argv + 2);
	if (!strcmp(cmd, "demo"))
		return cmd_demo(argc - 2, argv + 2);
	if (!strcmp(cmd, "replay"))
		return replay_main(argc - 2, argv + 2);
	if (!strcmp(cmd, "plot")) {
		if (argc != 3)
			return usage_error("plot needs one results folder", NULL);
		return plot_directory(argv[2], 0) == 0 ? 0 : 1;
	}
	if (!strcmp(cmd, "keys")) {
		scenario_write_keys_markdown(stdout);
		return 0;
	}
	return usage_error("unknown command", cmd);
}
