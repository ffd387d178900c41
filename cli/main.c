/* cli/main.c - npusim, the program: a table of commands, each with a table of
 * options parsed by getopt_long (`--opt=value`, `--opt value`, `-o value`),
 * and `npusim COMMAND --help` generated from those tables. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/columns.h"
#include "cli/compare.h"
#include "cli/csv.h"
#include "cli/merge.h"
#include "cli/plot.h"
#include "cli/run.h"
#include "cli/scenario.h"
#include "cli/sensitivity.h"
#include "cli/shard.h"
#include "cli/slurm.h"
#include "cli/version.h"
#include "sim/log.h"
#include "traces/replay.h"

/* ---- options ---- */

/* Every option of every command; a command lists the ones it takes. */
enum opt_id {
	OPT_SET = 256, OPT_OUT, OPT_JOBS, OPT_SEED, OPT_LOG, OPT_QUIET, OPT_NO_PLOT, OPT_DRY_RUN,
	OPT_RUN, OPT_FORCE, OPT_MARKDOWN, OPT_TOLERANCE, OPT_KEYS, OPT_HELP, OPT_SHARD, OPT_RESUME,
	OPT_GATE, OPT_CHECK,
};

struct opt_spec {
	const char *name;              /* long name */
	int short_name;                /* 0: none */
	int has_arg;                   /* no_argument / required_argument */
	enum opt_id id;
	const char *arg;               /* the value's name in --help */
	const char *help;
};

static const struct opt_spec opt_help = { "help", 'h', no_argument, OPT_HELP, NULL,
					  "print this help and exit" };

#define OPTS_END { NULL, 0, 0, 0, NULL, NULL }

static const struct opt_spec run_opts[] = {
	{ "set", 0, required_argument, OPT_SET, "section.key=value",
	  "override a scenario key (a list or range sweeps it); repeatable" },
	{ "output", 'o', required_argument, OPT_OUT, "DIR", "results folder (default results/<scenario>)" },
	{ "jobs", 'j', required_argument, OPT_JOBS, "N", "run points in N worker processes (1..256)" },
	{ "seed", 0, required_argument, OPT_SEED, "N", "the same as --set run.seed=N" },
	{ "run", 0, required_argument, OPT_RUN, "N",
	  "run only run N of the sweep, with its exact settings (see --dry-run)" },
	{ "log", 0, required_argument, OPT_LOG, "module=level,...",
	  "print a model's events (modules dma, fmn, tcp, server; levels off..trace)" },
	{ "quiet", 'q', no_argument, OPT_QUIET, NULL, "no progress or per-run lines" },
	{ "no-plot", 0, no_argument, OPT_NO_PLOT, NULL, "do not draw the plots" },
	{ "dry-run", 'n', no_argument, OPT_DRY_RUN, NULL, "list the runs and their settings, run nothing" },
	{ "force", 'f', no_argument, OPT_FORCE, NULL,
	  "write into a folder holding a larger sweep's results (its other run-N/ removed)" },
	{ "shard", 0, required_argument, OPT_SHARD, "K/N",
	  "run only the K-th of N slices of the sweep (npusim merge assembles them)" },
	{ "resume", 0, no_argument, OPT_RESUME, NULL,
	  "keep the runs already complete in the folder, run the others" },
	OPTS_END
};

static const struct opt_spec sensitivity_opts[] = {
	{ "set", 0, required_argument, OPT_SET, "section.key=value",
	  "override a key of the study's scenario; repeatable" },
	{ "output", 'o', required_argument, OPT_OUT, "DIR", "results folder (default results/<study>)" },
	{ "jobs", 'j', required_argument, OPT_JOBS, "N", "run in N worker processes (1..256)" },
	{ "quiet", 'q', no_argument, OPT_QUIET, NULL, "no progress or per-run lines" },
	{ "no-plot", 0, no_argument, OPT_NO_PLOT, NULL, "do not draw the tornado plots" },
	{ "force", 'f', no_argument, OPT_FORCE, NULL,
	  "write into a folder holding a larger sweep's results (its other run-N/ removed)" },
	{ "shard", 0, required_argument, OPT_SHARD, "K/N",
	  "run only the K-th of N slices of the study (npusim merge assembles them)" },
	{ "resume", 0, no_argument, OPT_RESUME, NULL,
	  "keep the runs already complete in the folder, run the others" },
	OPTS_END
};

static const struct opt_spec demo_opts[] = {
	{ "output", 'o', required_argument, OPT_OUT, "DIR", "results folder (default results/demo)" },
	{ "jobs", 'j', required_argument, OPT_JOBS, "N", "worker processes (default: the cores, at most 8)" },
	{ "quiet", 'q', no_argument, OPT_QUIET, NULL, "no progress or per-run lines" },
	{ "no-plot", 0, no_argument, OPT_NO_PLOT, NULL, "do not draw the plots" },
	{ "dry-run", 'n', no_argument, OPT_DRY_RUN, NULL, "list the demo's runs, run nothing" },
	{ "force", 'f', no_argument, OPT_FORCE, NULL, "write over a larger sweep's results" },
	OPTS_END
};

static const struct opt_spec keys_opts[] = {
	{ "markdown", 0, no_argument, OPT_MARKDOWN, NULL, "Markdown tables (docs/SCENARIOS.md)" },
	OPTS_END
};

static const struct opt_spec columns_opts[] = {
	{ "markdown", 0, no_argument, OPT_MARKDOWN, NULL, "the Markdown table (docs/SCENARIOS.md)" },
	{ "gate", 0, required_argument, OPT_GATE, "ROLE",
	  "the names regress.sh reads: id, near, exact, baseline (all three)" },
	{ "check", 0, required_argument, OPT_CHECK, "RESULTS.csv",
	  "exit 1 naming each column of its header the table lacks" },
	OPTS_END
};

static const struct opt_spec compare_opts[] = {
	{ "tolerance", 't', required_argument, OPT_TOLERANCE, "X%",
	  "largest relative difference of a metric that passes (default 2%)" },
	{ "keys", 'k', required_argument, OPT_KEYS, "COL,...",
	  "metrics to compare (default: every numeric column both folders have)" },
	{ "quiet", 'q', no_argument, OPT_QUIET, NULL, "print only the differences out of tolerance" },
	OPTS_END
};

static const struct opt_spec no_opts[] = { OPTS_END };

/* What the options of a command line say. */
struct cli_args {
	const char *positional[8];
	unsigned n_positional;
	const char *sets[64];
	unsigned n_sets;
	struct run_options run;
	const char *seed;
	const char *log;
	int dry_run;
	int markdown;
	int explicit_jobs;
	const char *gate;              /* columns --gate */
	const char *check;             /* columns --check */
	struct compare_options compare;
};

/* ---- commands ---- */

struct command {
	const char *name;
	const char *synopsis;          /* after "npusim NAME" */
	const char *brief;             /* one line, for npusim --help */
	const char *summary;           /* what it does, for npusim NAME --help */
	const struct opt_spec *opts;   /* NULL: the command parses its own argv */
	unsigned min_args, max_args;   /* positional arguments */
	int (*main)(struct cli_args *a);
	int (*raw_main)(int argc, char **argv);
};

static const struct command commands[];

static int usage_error(const char *cmd, const char *msg, const char *arg)
{
	fprintf(stderr, "npusim%s%s: %s%s%s\ntry 'npusim %s%s--help'\n", cmd ? " " : "",
		cmd ? cmd : "", msg, arg ? " " : "", arg ? arg : "", cmd ? cmd : "",
		cmd ? " " : "");
	return 2;
}

static void print_command_help(const struct command *c, FILE *f)
{
	fprintf(f, "usage: npusim %s %s\n\n%s\n", c->name, c->synopsis, c->summary);
	const struct opt_spec *opts = c->opts ? c->opts : no_opts;
	fprintf(f, "\noptions:\n");
	for (const struct opt_spec *o = opts;; o++) {
		const struct opt_spec *s = o->name ? o : &opt_help;
		char left[64];
		int n = 0;
		if (s->short_name)
			n = snprintf(left, sizeof left, "-%c, ", s->short_name);
		else
			n = snprintf(left, sizeof left, "    ");
		snprintf(left + n, sizeof left - (size_t)n, "--%s%s%s", s->name, s->arg ? " " : "",
			 s->arg ? s->arg : "");
		fprintf(f, "  %-30s %s\n", left, s->help);
		if (!o->name)
			break;
	}
}

static int apply_option(const struct command *c, struct cli_args *a, int id, const char *arg)
{
	switch (id) {
	case OPT_SET:
		if (a->n_sets == sizeof a->sets / sizeof a->sets[0])
			return usage_error(c->name, "too many --set options", NULL);
		a->sets[a->n_sets++] = arg;
		break;
	case OPT_OUT:
		a->run.out_dir = arg;
		break;
	case OPT_JOBS: {
		char *end;
		long j = strtol(arg, &end, 10);
		if (*end || end == arg || j < 1 || j > 256)
			return usage_error(c->name, "-j needs a number of processes 1..256, not", arg);
		a->run.jobs = (unsigned)j;
		a->explicit_jobs = 1;
		break;
	}
	case OPT_SEED:
		a->seed = arg;
		break;
	case OPT_RUN: {
		char *end;
		unsigned long n = strtoul(arg, &end, 10);
		if (*end || end == arg || arg[0] == '-' || n >= SCENARIO_MAX_RUNS)
			return usage_error(c->name, "--run needs a run number (see --dry-run), not", arg);
		a->run.only_run = (int)n;
		break;
	}
	case OPT_LOG:
		a->log = arg;
		break;
	case OPT_QUIET:
		a->run.quiet = 1;
		a->compare.quiet = 1;
		break;
	case OPT_NO_PLOT:
		a->run.plot = 0;
		break;
	case OPT_DRY_RUN:
		a->dry_run = 1;
		break;
	case OPT_FORCE:
		a->run.force = 1;
		break;
	case OPT_SHARD: {
		char err[160];
		if (shard_parse(arg, &a->run.shard, &a->run.shards, err, sizeof err) != 0)
			return usage_error(c->name, err, NULL);
		break;
	}
	case OPT_RESUME:
		a->run.resume = 1;
		break;
	case OPT_MARKDOWN:
		a->markdown = 1;
		break;
	case OPT_TOLERANCE: {
		char *end;
		double t = strtod(arg, &end);
		int pct = *end == '%';
		if (end == arg || (*end && strcmp(end, "%")) || !(t >= 0) || (!pct && t > 1e9))
			return usage_error(c->name, "--tolerance needs a relative difference like 2% or 0.02, not",
					   arg);
		a->compare.tolerance = pct ? t / 100 : t;
		break;
	}
	case OPT_KEYS:
		a->compare.keys = arg;
		break;
	case OPT_GATE:
		if (strcmp(arg, "id") && strcmp(arg, "near") && strcmp(arg, "exact") &&
		    strcmp(arg, "baseline"))
			return usage_error(c->name, "--gate takes id, near, exact or baseline, not", arg);
		a->gate = arg;
		break;
	case OPT_CHECK:
		a->check = arg;
		break;
	default:
		return usage_error(c->name, "unhandled option", arg);
	}
	return 0;
}

/* getopt_long over the command's table; positional arguments collected. A
 * request for help prints it and returns -1. */
static int parse_options(const struct command *c, int argc, char **argv, struct cli_args *a)
{
	struct option longopts[64];
	char shortopts[130] = "+:h";   /* stop at nothing; ':' reports a missing value */
	unsigned n = 0;
	size_t sl = strlen(shortopts);
	for (const struct opt_spec *o = c->opts; o->name; o++) {
		longopts[n++] = (struct option){ o->name, o->has_arg, NULL, o->id };
		if (o->short_name) {
			shortopts[sl++] = (char)o->short_name;
			if (o->has_arg == required_argument)
				shortopts[sl++] = ':';
		}
	}
	longopts[n++] = (struct option){ "help", no_argument, NULL, OPT_HELP };
	longopts[n] = (struct option){ NULL, 0, NULL, 0 };
	shortopts[sl] = 0;
	shortopts[0] = '-';    /* positional arguments in place, as code 1 */
	optind = 1;
	opterr = 0;
	int ch;
	while ((ch = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		if (ch == 'h' || ch == OPT_HELP) {
			print_command_help(c, stdout);
			return -1;
		}
		if (ch == 1) {
			if (a->n_positional == c->max_args)
				return usage_error(c->name, "unexpected argument", optarg);
			a->positional[a->n_positional++] = optarg;
			continue;
		}
		if (ch == '?' || ch == ':') {
			const char *what = ch == '?' ? "unknown option" : "option needs a value:";
			if (optopt && optopt < 256) {
				char s[3] = { '-', (char)optopt, 0 };
				return usage_error(c->name, what, s);
			}
			return usage_error(c->name, what, argv[optind - 1]);
		}
		int id = ch;
		for (const struct opt_spec *o = c->opts; o->name; o++)
			if (o->short_name == ch)
				id = o->id;
		int rc = apply_option(c, a, id, optarg);
		if (rc)
			return rc;
	}
	/* after "--": arguments only */
	for (int i = optind; i < argc; i++) {
		if (a->n_positional == c->max_args)
			return usage_error(c->name, "unexpected argument", argv[i]);
		a->positional[a->n_positional++] = argv[i];
	}
	if (a->n_positional < c->min_args)
		return usage_error(c->name, "missing argument; usage: npusim", c->name);
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

static int cmd_run(struct cli_args *a)
{
	struct scenario sc;
	a->run.scenario_path = a->positional[0];
	int rc = prepare(&sc, a->positional[0], NULL, a);
	if (rc == 0 && a->dry_run)
		rc = run_dry(&sc, &a->run, stdout);
	else if (rc == 0)
		rc = run_scenario(&sc, &a->run);
	scenario_free(&sc);
	return rc;
}

static int cmd_sensitivity(struct cli_args *a)
{
	a->run.scenario_path = a->positional[0];
	return sensitivity_main(a->positional[0], a->sets, a->n_sets, &a->run);
}

/* The demo: the paper's experiments at a size that runs in minutes. */
#include "cli/demo_scenarios.h"  /* generated by mk/cli.mk */

static void print_demo_tables(const char *dir)
{
	char path[4096], err[4400];
	struct csv t;
	snprintf(path, sizeof path, "%s/fig13/points.csv", dir);
	if (csv_load(&t, path, err, sizeof err) == 0) {
		printf("\nThroughput vs connections (Gbps), the paper's Fig. 13: median over each\n"
		       "point's runs (ephemeral ports drawn per run), with the range:\n");
		printf("%12s %22s %22s\n", "connections", "lro", "nic");
		char lro[128][32] = { { 0 } }, nic[128][32] = { { 0 } };
		int conns[128], n = 0;
		int c_mode = csv_column(&t, "mode"), c_conns = csv_column(&t, "connections"),
		    c_med = csv_column(&t, "throughput_gbps"),
		    c_lo = csv_column(&t, "throughput_gbps_min"),
		    c_hi = csv_column(&t, "throughput_gbps_max");
		for (unsigned r = 0; r < t.n_rows; r++) {
			const char *mode = csv_cell(&t, r, c_mode);
			int c = atoi(csv_cell(&t, r, c_conns));
			double med = atof(csv_cell(&t, r, c_med)), lo = atof(csv_cell(&t, r, c_lo)),
			       hi = atof(csv_cell(&t, r, c_hi));
			int k;
			for (k = 0; k < n && conns[k] != c; k++)
				;
			if (k == n && n < 128)
				conns[n++] = c;
			if (k < 128)
				snprintf(!strcmp(mode, "lro") ? lro[k] : nic[k], sizeof lro[k],
					 "%.2f (%.2f-%.2f)", med, lo, hi);
		}
		csv_free(&t);
		for (int k = 0; k < n; k++)
			printf("%12d %22s %22s\n", conns[k], lro[k], nic[k]);
	}
	snprintf(path, sizeof path, "%s/syn-starvation/results.csv", dir);
	if (csv_load(&t, path, err, sizeof err) == 0) {
		printf("\nSYN starvation, 64 connections opened together (a thread each), each\n"
		       "sending once established (5 s of simulated time):\n");
		printf("%-8s %-4s %12s %16s %16s\n", "buffer", "lb", "established", "not established",
		       "SYN retransmits");
		int c_buf = csv_column(&t, "dma_buffer"), c_lb = csv_column(&t, "dma_lb"),
		    c_est = csv_column(&t, "established"), c_rtx = csv_column(&t, "syn_retransmits"),
		    c_failed = csv_column(&t, "failed_connections");
		for (unsigned r = 0; r < t.n_rows; r++)
			printf("%-8s %-4s %12s %16s %16s\n", csv_cell(&t, r, c_buf),
			       csv_cell(&t, r, c_lb), csv_cell(&t, r, c_est), csv_cell(&t, r, c_failed),
			       csv_cell(&t, r, c_rtx));
		csv_free(&t);
	}
	printf("\nPlots: %s/fig13/throughput.png, %s/syn-starvation/run-*/*.png\n", dir, dir);
}

static int cmd_demo(struct cli_args *a)
{
	if (!a->explicit_jobs) {
		long cpus = sysconf(_SC_NPROCESSORS_ONLN);
		a->run.jobs = cpus > 1 ? (unsigned)(cpus > 8 ? 8 : cpus) : 1;
	}
	const char *dir = a->run.out_dir ? a->run.out_dir : "results/demo";
	if (!a->dry_run) {
		printf("npusim demo: the paper's experiments at a small size (built-in scenarios,\n"
		       "see scenarios/demo-*.ini); results under %s\n", dir);
		fflush(stdout);
	}
	static const struct { const char *name, *text; } parts[] = {
		{ "fig13", demo_fig13_ini },
		{ "syn-starvation", demo_syn_starvation_ini },
	};
	int worst = 0;
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		struct scenario sc;
		char out[4096];
		snprintf(out, sizeof out, "%s/%s", dir, parts[i].name);
		struct cli_args ai = *a;
		ai.run.out_dir = out;
		ai.run.scenario_text = parts[i].text;
		ai.run.scenario_path = NULL;
		int rc = prepare(&sc, parts[i].name, parts[i].text, &ai);
		if (rc == 0 && a->dry_run)
			rc = run_dry(&sc, &ai.run, stdout);
		else if (rc == 0)
			rc = run_scenario(&sc, &ai.run);
		scenario_free(&sc);
		if (rc > worst)
			worst = rc;
		if (rc == 2)
			return rc;
	}
	if (!a->dry_run)
		print_demo_tables(dir);
	return worst;
}

static int cmd_plot(struct cli_args *a)
{
	return plot_directory(a->positional[0], 0) == 0 ? 0 : 1;
}

static int cmd_keys(struct cli_args *a)
{
	const char *section = a->n_positional ? a->positional[0] : NULL;
	int rc = a->markdown || !isatty(1) ? scenario_write_keys_markdown(stdout, section)
					   : scenario_write_keys_text(stdout, section);
	if (rc != 0) {
		fprintf(stderr, "npusim keys: no section [%s]; the sections are: ", section);
		scenario_write_sections(stderr);
		return 2;
	}
	return 0;
}

static int cmd_columns(struct cli_args *a)
{
	if (a->gate) {
		unsigned g = !strcmp(a->gate, "id") ? GATE_SET(GATE_ID) :
			     !strcmp(a->gate, "near") ? GATE_SET(GATE_NEAR) :
			     !strcmp(a->gate, "exact") ? GATE_SET(GATE_EXACT) : GATE_BASELINE;
		columns_write_gate(stdout, g);
		return 0;
	}
	if (a->check) {
		char err[4400];
		struct csv t;
		if (csv_load(&t, a->check, err, sizeof err) != 0) {
			fprintf(stderr, "npusim columns: %s\n", err);
			return 2;
		}
		int unknown = columns_check_names((const char *const *)t.names, t.n_cols, stderr);
		csv_free(&t);
		return unknown ? 1 : 0;
	}
	if (a->markdown || !isatty(1))
		columns_write_markdown(stdout);
	else
		columns_write_text(stdout);
	return 0;
}

static int cmd_compare(struct cli_args *a)
{
	return compare_results(a->positional[0], a->positional[1], &a->compare, stdout);
}

static const struct command commands[] = {
	{ "run", "SCENARIO [options]",
	  "run a scenario (its sweep) and write the results folder",
	  "Run every point of a scenario file (lists and ranges sweep; see docs/SCENARIOS.md)\n"
	  "and write results.csv, points.csv, summary.json, per-run folders run-N/ and plots\n"
	  "into the results folder.",
	  run_opts, 1, 1, cmd_run, NULL },
	{ "demo", "[options]",
	  "the paper's experiments at a small size, with a summary table",
	  "The paper's experiments (Fig. 13 and the SYN starvation) at a small size, with a\n"
	  "summary table; the scenarios are built in (scenarios/demo-*.ini).",
	  demo_opts, 0, 0, cmd_demo, NULL },
	{ "replay", "IN.pcap -o OUT.pcap [--filter BPF] [--mode lro|nic] [--threshold BYTES]\n"
		    "                     [--max-aggregate BYTES] [--no-active-ack] [--no-verify-csum] [--json]\n"
		    "                     [--timeout-rule paper|floor|gap] [--policy P|all]",
	  "run the LRO engine over a capture, write what the host receives",
	  "Run the LRO engine natively over a capture and write what the host would receive\n"
	  "(aggregates and pass-through frames) to OUT.pcap.\n\n"
	  "  -o, --output OUT.pcap    the capture written\n"
	  "      --filter BPF         the frames given to the engine (default: TCP over IPv4 and\n"
	  "                           IPv6, behind any IPv6 extension header chain:\n"
	  "                           '" REPLAY_DEFAULT_FILTER "')\n"
	  "      --mode lro|nic       LRO, or pass every frame through\n"
	  "      --threshold BYTES    flush a flow's contiguous run at this size\n"
	  "      --max-aggregate BYTES  largest aggregate IP packet, 65535 (default) to 524288\n"
	  "                           (BIG TCP; an aggregate past 262144 bytes is recorded cut)\n"
	  "      --no-active-ack      no ACKs from the engine\n"
	  "      --timeout-rule R     the receive-timeout rule: paper (default), floor, gap\n"
	  "      --timeout-floor-us US  the floor and gap rules' shortest timeout (100)\n"
	  "      --timeout-gap-us US  the gap rule's timeout while data past a gap is held (1000)\n"
	  "      --policy P           aggregation policy: paper (default), linux-gro, freebsd-lro,\n"
	  "                           freebsd-lro-sorted, dpdk-gro; all: once per policy, one\n"
	  "                           table (-o OUT.pcap optional, written as OUT.<policy>.pcap)\n"
	  "      --flush-timeout-us US  other policies: hold across polls, flush at this age\n"
	  "      --no-verify-csum     fill checksums in (a sender-side capture with offload)\n"
	  "      --json               the summary as JSON\n\n"
	  "Takes Ethernet (802.1Q/QinQ tags removed), Linux cooked SLL/SLL2 and raw-IP captures,\n"
	  "TCP over IPv4 and IPv6.\n"
	  "Exit 1: the output is written but the input was not all replayed (a capture cut\n"
	  "mid-record, frames cut by the snaplen, offloaded checksums), or it could not be written.",
	  NULL, 0, 0, NULL, replay_main },
	{ "compare", "A B [--tolerance 2%] [--keys COL,...]",
	  "compare two results folders point by point, within a tolerance",
	  "Compare two results folders point by point (by every key column of points.csv, or\n"
	  "results.csv when a folder has no points.csv): a table of the differences, absolute\n"
	  "and relative, with each side's range over its repeats. Exit 0 when every metric is\n"
	  "within the tolerance, 1 otherwise, 2 when the folders cannot be compared.",
	  compare_opts, 2, 2, cmd_compare, NULL },
	{ "merge", "OUT DIR... [--quiet] [--no-plot]",
	  "assemble the shard folders of one sweep into OUT",
	  "Assemble the shard folders of one sweep (run --shard K/N) into OUT: the results.csv,\n"
	  "points.csv, summary.json and plots one run of the whole sweep writes. Refuses shards\n"
	  "of other scenarios, settings or versions; names missing, duplicate and incomplete\n"
	  "runs (docs/SWEEPS.md).",
	  NULL, 0, 0, NULL, merge_main },
	{ "slurm", "SCENARIO [-o DIR] [--shards N] [--max-parallel M] [-j N] [--set k=v]...\n"
		   "                    [--submit] [-- sbatch options]",
	  "write (and submit) a Slurm job array of the sweep's shards and its merge job",
	  "Write DIR/sweep.sbatch (a job array, one task per shard, each running\n"
	  "`npusim run --shard $SLURM_ARRAY_TASK_ID/N --resume`), DIR/merge.sbatch (npusim merge,\n"
	  "after the array succeeded) and DIR/submit.sh; --submit submits them and prints the\n"
	  "job ids. A study file (a [sensitivity] section) runs as `npusim sensitivity`.\n"
	  "Options after -- go into both scripts as #SBATCH lines (docs/SWEEPS.md).",
	  NULL, 0, 0, NULL, slurm_main },
	{ "sensitivity", "STUDY [options]",
	  "every free parameter at its range's ends and along Morris trajectories",
	  "Run a sensitivity study (scenarios/sensitivity.ini): every free parameter at the low\n"
	  "and high end of its range, the others at their defaults, and Morris trajectories;\n"
	  "write DIR/sensitivity.csv and DIR/tornado-<output>.png per headline output\n"
	  "(docs/CALIBRATION.md, \"Sensitivity\").",
	  sensitivity_opts, 1, 1, cmd_sensitivity, NULL },
	{ "plot", "DIR", "redraw the plots of a results folder",
	  "Redraw the plots of a results folder with gnuplot.", no_opts, 1, 1, cmd_plot,
	  NULL },
	{ "keys", "[SECTION] [--markdown]",
	  "list the scenario keys with default, unit and range",
	  "List the scenario keys (of one section) with their default, unit and range: plain\n"
	  "text on a terminal, Markdown otherwise or with --markdown.",
	  keys_opts, 0, 1, cmd_keys, NULL },
	{ "columns", "[--markdown] [--gate ROLE] [--check RESULTS.csv]",
	  "list the results.csv columns with unit, points.csv summary and meaning",
	  "List the columns of results.csv (cli/columns.h) with their unit, type, how\n"
	  "points.csv summarises them, what the regression gate does with them and their\n"
	  "meaning: plain text on a terminal, Markdown otherwise or with --markdown. --gate\n"
	  "prints the names scripts/regress.sh reads; --check names the columns of a\n"
	  "results.csv the table lacks.",
	  columns_opts, 0, 0, cmd_columns, NULL },
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

static void print_usage(FILE *f)
{
	for (size_t i = 0; i < N_COMMANDS; i++)
		fprintf(f, "%s npusim %s %.*s\n", i ? "      " : "usage:", commands[i].name,
			(int)strcspn(commands[i].synopsis, "\n"), commands[i].synopsis);
	fprintf(f, "       npusim --help | --version      (npusim COMMAND --help: its options)\n\n"
		   "npusim simulates an XLS416 network processor working as a 10 GbE NIC that\n"
		   "does TCP Large Receive Offload in firmware, the Linux 2.6.32 server behind\n"
		   "it, the client sending TCP, and the fiber between them.\n\ncommands:\n");
	for (size_t i = 0; i < N_COMMANDS; i++) {
		fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].brief);
	}
	fprintf(f, "\nExit status: 0 success, 1 a run failed (integrity), could not write, or\n"
		   "(compare) a difference out of tolerance; 2 bad input.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		print_usage(stderr);
		return 2;
	}
	const char *cmd = argv[1];
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
		print_usage(stdout);
		return 0;
	}
	if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V")) {
		printf("npusim %s (revision %s)\n", npusim_version, npusim_revision);
		return 0;
	}
	for (size_t i = 0; i < N_COMMANDS; i++) {
		const struct command *c = &commands[i];
		if (strcmp(cmd, c->name) != 0)
			continue;
		if (c->raw_main) {
			for (int k = 2; k < argc && strcmp(argv[k], "--"); k++) {
				if (!strcmp(argv[k], "--help") || !strcmp(argv[k], "-h")) {
					print_command_help(c, stdout);
					return 0;
				}
			}
			return c->raw_main(argc - 1, argv + 1);
		}
		struct cli_args a;
		memset(&a, 0, sizeof a);
		a.run.jobs = 1;
		a.run.plot = 1;
		a.run.only_run = -1;
		a.run.argc = argc;
		a.run.argv = (const char *const *)argv;
		a.compare.tolerance = 0.02;
		int rc = parse_options(c, argc - 1, argv + 1, &a);
		if (rc)
			return rc < 0 ? 0 : rc;
		a.run.sets = a.sets;
		a.run.n_sets = a.n_sets;
		return c->main(&a);
	}
	return usage_error(NULL, "unknown command", cmd);
}
