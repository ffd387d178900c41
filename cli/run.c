/* cli/run.c - runs a scenario's points and writes results.csv, summary.json,
 * per-run CSVs and plots. Files are written to a temporary name and renamed,
 * so an interrupted run leaves no half-written file. */
#include "cli/run.h"

#include <errno.h>
#include <stdarg.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "cli/json.h"
#include "cli/plot.h"

const char *const run_csv_required[] = { "run", "mode", "connections", "dma_buffer", "dma_lb",
	"active_ack", "threshold_bytes", "seed", "throughput_gbps", "established",
	"syn_retransmits", "failed_connections", "integrity", NULL };

static int mkdir_p(const char *path)
{
	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s", path);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(tmp, 0755) != 0 && errno != EEXIST ? -1 : 0;
}

/* Temporary files in flight, removed if the run is interrupted. */
static char pending_tmp[4][4096];

static void on_signal(int sig)
{
	for (int i = 0; i < 4; i++)
		if (pending_tmp[i][0])
			unlink(pending_tmp[i]);
	signal(sig, SIG_DFL);
	raise(sig);
}

static FILE *open_atomic(const char *path, int slot)
{
	snprintf(pending_tmp[slot], sizeof pending_tmp[slot], "%s.tmp.%d", path, (int)getpid());
	return fopen(pending_tmp[slot], "w");
}

static int commit_atomic(FILE *f, const char *path, int slot)
{
	int bad = ferror(f);
	if (fclose(f) != 0 || bad || rename(pending_tmp[slot], path) != 0) {
		fprintf(stderr, "npusim: cannot write %s: %s\n", path, strerror(errno));
		unlink(pending_tmp[slot]);
		pending_tmp[slot][0] = 0;
		return -1;
	}
	pending_tmp[slot][0] = 0;
	return 0;
}

static void abandon_atomic(FILE *f, int slot)
{
	fclose(f);
	unlink(pending_tmp[slot]);
	pending_tmp[slot][0] = 0;
}

/* ---- progress (OMNeT++ Cmdenv style), only on a terminal ---- */

struct progress_state {
	unsigned run, runs;
	struct timespec start;
};

static double since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) * 1e-9;
}

static void progress_line(void *ctx, sim_time now, sim_time end, uint64_t events)
{
	struct progress_state *ps = ctx;
	double wall = since(&ps->start);
	double simsec = sim_time_to_seconds(now);
	double pct = end ? 100.0 * (double)now / (double)end : 0;
	double rate = wall > 0 ? simsec / wall : 0;
	double eta = rate > 0 ? (sim_time_to_seconds(end) - simsec) / rate : 0;
	fprintf(stderr, "\rrun %u/%u  t=%.4fs  %5.1f%%  %.2fMev/s  %.3f simsec/s  ETA<=%.0fs   ",
		ps->run + 1, ps->runs, simsec, pct, wall > 0 ? (double)events / wall / 1e6 : 0,
		rate, eta);
	fflush(stderr);
}

/* ---- one run ---- */

struct metric {
	char name[48];
	char value[64];
};

struct metrics {
	struct metric m[112];
	unsigned n;
};

static void put(struct metrics *ms, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void put(struct metrics *ms, const char *name, const char *fmt, ...)
{
	struct metric *m = &ms->m[ms->n++];
	snprintf(m->name, sizeof m->name, "%s", name);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(m->value, sizeof m->value, fmt, ap);
	va_end(ap);
}

static void collect_metrics(const struct scenario *sc, const struct scenario_point *p,
			    const struct testbed_config *c, const struct testbed_result *r,
			    struct metrics *ms)
{
	ms->n = 0;
	put(ms, "run", "%u", p->run);
	put(ms, "mode", "%s", scenario_value(sc, p, "run", "mode"));
	put(ms, "connections", "%s", scenario_value(sc, p, "run", "connections"));
	put(ms, "dma_buffer", "%s", scenario_value(sc, p, "dma", "buffer"));
	put(ms, "dma_lb", "%s", scenario_value(sc, p, "dma", "lb"));
	put(ms, "active_ack", "%s", scenario_value(sc, p, "lro", "active_ack"));
	put(ms, "threshold_bytes", "%s", scenario_value(sc, p, "lro", "threshold"));
	put(ms, "seed", "%" PRIu64, p->seed);
	put(ms, "throughput_gbps", "%.4f", r->throughput_gbps);
	put(ms, "established", "%u", r->established);
	put(ms, "syn_retransmits", "%u", r->syn_retransmits);
	put(ms, "failed_connections", "%u", r->failed_connections);
	put(ms, "integrity", "%s", r->integrity_ok ? "ok" : "FAIL");
	put(ms, "port_base", "%u", c->client.port_base);  /* resolved, if `random` */
	put(ms, "established_after_syn_retransmit", "%u", r->established_after_syn_retransmit);
	put(ms, "completed", "%u", r->completed);
	put(ms, "bytes_received", "%" PRIu64, r->bytes_received);
	put(ms, "sim_seconds", "%.6f", sim_time_to_seconds(r->sim_end_ps));
	put(ms, "last_delivery_s", "%.9f", sim_time_to_seconds(r->last_delivery_ps));
	const struct lro_counters *l = &r->fw.lro;
	put(ms, "lro_segments", "%" PRIu64, l->segments_aggregated);
	put(ms, "lro_deliveries", "%" PRIu64, l->deliveries);
	put(ms, "aggregation_ratio", "%.2f",
	    l->deliveries ? (double)l->delivered_segments / (double)l->deliveries : 0.0);
	put(ms, "frames_to_host", "%" PRIu64, r->fw.frames_to_host);
	put(ms, "flush_threshold", "%" PRIu64, l->flush[LRO_FLUSH_THRESHOLD] + l->flush[LRO_FLUSH_FULL]);
	put(ms, "flush_fin", "%" PRIu64, l->flush[LRO_FLUSH_FIN]);
	put(ms, "flush_timeout", "%" PRIu64, l->flush[LRO_FLUSH_TIMEOUT]);
	put(ms, "flush_other", "%" PRIu64, l->flush[LRO_FLUSH_PASSTHROUGH] +
	    l->flush[LRO_FLUSH_HELD_LIMIT] + l->flush[LRO_FLUSH_SYN]);
	put(ms, "acks_sent", "%" PRIu64, l->acks_sent);
	put(ms, "drop_duplicate", "%" PRIu64, l->drop[LRO_DROP_DUPLICATE]);
	put(ms, "drop_held_limit", "%" PRIu64, l->drop[LRO_DROP_HELD_LIMIT]);
	put(ms, "drop_pool_low", "%" PRIu64, l->drop[LRO_DROP_POOL_LOW]);
	put(ms, "pool_low_signals", "%" PRIu64, r->fw.pool_low_signals);
	put(ms, "drop_bad_csum", "%" PRIu64, l->drop[LRO_DROP_BAD_IP_CSUM] + l->drop[LRO_DROP_BAD_TCP_CSUM]);
	put(ms, "drop_truncated", "%" PRIu64, l->drop[LRO_DROP_TRUNCATED]);
	put(ms, "pass_pool_exhausted", "%" PRIu64, l->pass[LRO_PASS_POOL_EXHAUSTED]);
	put(ms, "mac_fifo_drops", "%" PRIu64, r->mac.rx_drop_fifo_full);
	put(ms, "host_rmem_drops", "%" PRIu64, r->host_rmem_drops);
	put(ms, "lost_after_ack_bytes", "%" PRIu64, r->lost_after_ack_bytes);
	/* back-pressure: how often each resource ran out (waits, not losses) */
	put(ms, "mac_waits_no_buffer", "%" PRIu64, r->mac.rx_waits_no_buffer);
	put(ms, "mac_waits_no_credit", "%" PRIu64, r->mac.rx_waits_no_credit);
	put(ms, "ring_full_waits", "%" PRIu64, r->fw.ring_full_waits);
	/* the host's transmit ring was full: the frame waited in the qdisc,
	 * or, the qdisc full too, was dropped */
	put(ms, "host_tx_ring_full", "%" PRIu64, r->server.tx_ring_full);
	put(ms, "host_qdisc_drops", "%" PRIu64, r->server.tx_qdisc_drops);
	put(ms, "host_qdisc_synack_drops", "%" PRIu64, r->server.tx_qdisc_synack_drops);
	put(ms, "host_qdisc_max", "%u", r->server.tx_qdisc_max);
	put(ms, "tx_fetches", "%" PRIu64, r->fw.tx_fetches);
	put(ms, "ack_alloc_fail", "%" PRIu64, r->fw.ack_alloc_fail);
	put(ms, "client_retransmits", "%" PRIu64, r->client_retransmits);
	put(ms, "client_rto_timeouts", "%" PRIu64, r->client_rto_timeouts);
	put(ms, "client_fast_retransmits", "%" PRIu64, r->client_fast_retransmits);
	put(ms, "client_writes", "%" PRIu64, r->client_writes);
	put(ms, "client_cwnd_restarts", "%" PRIu64, r->client_cwnd_restarts);
	put(ms, "dma_requests", "%" PRIu64, r->dma.requests);
	put(ms, "dma_wait_p50_us", "%.3f", (double)r->dma_wait_p50_ns / 1e3);
	put(ms, "dma_wait_p99_us", "%.3f", (double)r->dma_wait_p99_ns / 1e3);
	put(ms, "dma_wait_max_us", "%.3f", (double)r->dma_wait_max_ns / 1e3);
	put(ms, "dma_depth_mean", "%.2f", r->dma_depth_mean);
	put(ms, "dma_depth_max", "%u", r->dma.max_depth);
	put(ms, "dma_starved_connections", "%u", r->dma_starved_connections);
	put(ms, "util_dma", "%.3f", r->dma_busy);
	put(ms, "util_ddr", "%.3f", r->ddr_busy);
	put(ms, "util_pcie", "%.3f", r->pcie_busy);
	put(ms, "util_host_cpu", "%.3f", r->host_cpu_busy);
	double rx_max = 0, rx_mean = 0;
	unsigned rx_n = 0;
	for (unsigned t = 0; t < NPU_THREADS; t++) {
		if (strcmp(r->npu_thread_role[t], "rx") != 0)
			continue;
		double u = r->npu_thread_busy[t] + r->npu_thread_mem[t];
		rx_mean += u;
		rx_n++;
		if (u > rx_max)
			rx_max = u;
	}
	put(ms, "util_rx_thread_max", "%.3f", rx_max);
	put(ms, "util_rx_thread_mean", "%.3f", rx_n ? rx_mean / rx_n : 0.0);
	uint64_t injected = 0, corrupted = 0;
	for (int d = 0; d < 2; d++) {
		injected += faults_injected(&r->faults[d]);
		corrupted += r->faults[d].corrupted;
	}
	put(ms, "faults_injected", "%" PRIu64, injected);
	put(ms, "corrupt_injected", "%" PRIu64, corrupted);
	put(ms, "corrupt_dropped", "%" PRIu64, l->drop[LRO_DROP_BAD_IP_CSUM] +
	    l->drop[LRO_DROP_BAD_TCP_CSUM] + r->client.drop_bad_frame);
	put(ms, "events", "%" PRIu64, r->events);
	/* SYN starvation: the client's SYNs in the DMA request buffer
	 * (retransmissions included; never served: waiting until the end) */
	put(ms, "syn_dma_wait_max_us", "%.3f", sim_time_to_us(r->dma.syn.wait_max_ps));
	put(ms, "syn_overtaken_max", "%u", r->dma.syn.overtaken_max);
	put(ms, "never_attempted", "%u", r->never_attempted);
	put(ms, "syn_dma_requests", "%" PRIu64, r->dma.syn.requests + r->dma.syn.never_served);
	put(ms, "syn_dma_never_served", "%" PRIu64, r->dma.syn.never_served);
	put(ms, "synack_dma_wait_max_us", "%.3f", sim_time_to_us(r->dma.synack.wait_max_ps));
	put(ms, "synack_overtaken_max", "%u", r->dma.synack.overtaken_max);
	const struct listen_stats *ls = &r->listen;
	put(ms, "listen_syn_drops", "%" PRIu64, ls->verdicts[LISTEN_DROP_SYNQ_FULL] +
	    ls->verdicts[LISTEN_DROP_SYN_ACCEPTQ_FULL]);
	put(ms, "listen_ack_drops", "%" PRIu64, ls->verdicts[LISTEN_DROP_ACK_ACCEPTQ_FULL]);
	put(ms, "listen_cookies", "%" PRIu64, ls->verdicts[LISTEN_COOKIE]);
	put(ms, "synack_timer_retransmits", "%" PRIu64, ls->synack_retransmits);
	put(ms, "acceptq_max", "%u", ls->acceptq_max);
}

static int write_run_files(const char *dir, const struct testbed_result *r,
			   const struct testbed_config *c)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/threads.csv", dir);
	FILE *f = open_atomic(path, 1);
	if (!f)
		return -1;
	fprintf(f, "thread,role,busy,mem_stall\n");
	for (unsigned t = 0; t < NPU_THREADS; t++)
		fprintf(f, "%u,%s,%.4f,%.4f\n", t, r->npu_thread_role[t], r->npu_thread_busy[t],
			r->npu_thread_mem[t]);
	if (commit_atomic(f, path, 1))
		return -1;
	(void)c;
	return 0;
}

/* Everything one run yields, as text for the parent to assemble. */
static int do_run(const struct scenario *sc, unsigned run, const char *out_dir, int quiet,
		  unsigned runs)
{
	struct scenario_point p;
	struct testbed_config c;
	struct testbed_result r;
	char err[512], run_dir[4096], path[4096];
	scenario_point(sc, run, &p);
	if (scenario_config(sc, &p, &c, err, sizeof err) != 0) {
		fprintf(stderr, "npusim: %s\n", err);
		return 2;
	}
	snprintf(run_dir, sizeof run_dir, "%s/run-%u", out_dir, run);
	if (mkdir_p(run_dir) != 0) {
		fprintf(stderr, "npusim: cannot create %s: %s\n", run_dir, strerror(errno));
		return 1;
	}
	c.out_dir = run_dir;
	struct progress_state ps = { run, runs, { 0, 0 } };
	clock_gettime(CLOCK_MONOTONIC, &ps.start);
	struct testbed_progress prog = { progress_line, &ps };
	int tty = !quiet && isatty(2);
	if (testbed_run(&c, &r, tty ? &prog : NULL) != 0) {
		fprintf(stderr, "npusim: run %u: %s\n", run, r.integrity_message);
		return 2;
	}
	if (tty)
		fputs("\r\033[K", stderr);
	if (write_run_files(run_dir, &r, &c) != 0)
		return 1;
	struct metrics ms;
	collect_metrics(sc, &p, &c, &r, &ms);
	snprintf(path, sizeof path, "%s/.run-%u.row", out_dir, run);
	FILE *f = open_atomic(path, 2);
	if (!f)
		return 1;
	for (unsigned i = 0; i < ms.n; i++)
		fprintf(f, "%s%s", ms.m[i].value, i + 1 < ms.n ? "," : "\n");
	if (commit_atomic(f, path, 2))
		return 1;
	snprintf(path, sizeof path, "%s/.run-%u.json", out_dir, run);
	if (!(f = open_atomic(path, 3)))
		return 1;
	fprintf(f, "    {\n      \"run\": %u,\n      \"scenario\": {\n", run);
	scenario_write_json(sc, &p, f, "        ");
	fprintf(f, "      },\n      \"results\": {\n");
	for (unsigned i = 0; i < ms.n; i++)
		fprintf(f, "        \"%s\": \"%s\"%s\n", ms.m[i].name, ms.m[i].value,
			i + 1 < ms.n ? "," : "");
	fprintf(f, "      },\n      \"integrity_message\": ");
	json_write_string(f, r.integrity_message);
	fprintf(f, "\n    }");
	if (commit_atomic(f, path, 3))
		return 1;
	if (!quiet)
		fprintf(stderr, "run %u: %s %s conns -> %.3f Gbps, established %u, failed %u, "
				"SYN retransmits %u, integrity %s (%.1f s wall)\n",
			run, scenario_value(sc, &p, "run", "mode"),
			scenario_value(sc, &p, "run", "connections"), r.throughput_gbps,
			r.established, r.failed_connections, r.syn_retransmits,
			r.integrity_ok ? "ok" : "FAIL", r.wall_seconds);
	return r.integrity_ok ? 0 : 1;
}

/* Copy a run's part file (.run-N.row / .run-N.json) into dst. */
static int append_part(FILE *dst, const char *out_dir, unsigned run, const char *ext)
{
	char part[4096], buf[8192];
	snprintf(part, sizeof part, "%s/.run-%u.%s", out_dir, run, ext);
	FILE *f = fopen(part, "r");
	if (!f)
		return -1;
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		fwrite(buf, 1, n, dst);
	fclose(f);
	return 0;
}

/* ---- points.csv: one row per sweep point, over its repeats ---- */

static int read_row(const char *out_dir, unsigned run, char *buf, size_t len)
{
	char part[4096];
	snprintf(part, sizeof part, "%s/.run-%u.row", out_dir, run);
	FILE *f = fopen(part, "r");
	if (!f)
		return -1;
	int ok = fgets(buf, (int)len, f) != NULL;
	fclose(f);
	buf[strcspn(buf, "\n")] = 0;
	return ok ? 0 : -1;
}

/* Field idx of a comma-separated row (a copy, at most len - 1 bytes). */
static void row_field(const char *row, unsigned idx, char *out, size_t len)
{
	for (unsigned i = 0; i < idx && row; i++) {
		row = strchr(row, ',');
		if (row)
			row++;
	}
	size_t n = row ? strcspn(row, ",") : 0;
	if (n >= len)
		n = len - 1;
	memcpy(out, row ? row : "", n);
	out[n] = 0;
}

static double row_number(const char *row, unsigned idx)
{
	char field[64];
	row_field(row, idx, field, sizeof field);
	return strtod(field, NULL);
}

static unsigned metric_index(const struct metrics *names, const char *name)
{
	for (unsigned i = 0; i < names->n; i++)
		if (!strcmp(names->m[i].name, name))
			return i;
	abort();   /* a name collect_metrics does not put */
}

static int compare_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Median of v[0..n) (sorts v); the mean of the middle two for even n. */
static double median(double *v, unsigned n)
{
	qsort(v, n, sizeof v[0], compare_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* The figures points.csv summarises, and how: a median (with the range for
 * throughput), the worst run, or the best. */
enum summary { MEDIAN, MEDIAN_RANGE, MAX, MIN };
static const struct { const char *metric; enum summary how; } point_figures[] = {
	{ "throughput_gbps", MEDIAN_RANGE },
	{ "established", MIN },
	{ "failed_connections", MAX },
	{ "syn_retransmits", MAX },
	{ "client_rto_timeouts", MAX },
	{ "util_dma", MEDIAN },
	{ "util_rx_thread_max", MEDIAN },
	{ "util_pcie", MEDIAN },
	{ "util_host_cpu", MEDIAN },
};
#define N_POINT_FIGURES (sizeof point_figures / sizeof point_figures[0])
/* the sweep point's columns in results.csv: mode .. threshold_bytes, after
 * run (run_csv_required) */
#define POINT_FIRST_COLUMN 1
#define POINT_LAST_COLUMN 6

static void write_points_header(FILE *f, const struct metrics *names)
{
	fprintf(f, "point");
	for (unsigned c = POINT_FIRST_COLUMN; c <= POINT_LAST_COLUMN; c++)
		fprintf(f, ",%s", names->m[c].name);
	fprintf(f, ",runs");
	for (unsigned i = 0; i < N_POINT_FIGURES; i++) {
		const char *m = point_figures[i].metric;
		switch (point_figures[i].how) {
		case MEDIAN_RANGE:
			fprintf(f, ",%s,%s_min,%s_max", m, m, m);
			break;
		case MEDIAN:
			fprintf(f, ",%s", m);
			break;
		case MAX:
			fprintf(f, ",%s_max", m);
			break;
		case MIN:
			fprintf(f, ",%s_min", m);
			break;
		}
	}
	fprintf(f, ",integrity\n");
}

/* One row: the point's first run names the point; each run's row is read
 * once into values[figure * repeat + run]. With echo, the throughput line
 * also goes there. */
static int write_point(FILE *f, FILE *echo, const char *out_dir, const struct metrics *names,
		       unsigned point, unsigned repeat, double *values)
{
	char row[16384], field[128], name[POINT_LAST_COLUMN + 1][64];
	unsigned integrity = metric_index(names, "integrity");
	int all_ok = 1;
	for (unsigned r = 0; r < repeat; r++) {
		if (read_row(out_dir, point * repeat + r, row, sizeof row) != 0)
			return -1;
		for (unsigned i = 0; i < N_POINT_FIGURES; i++)
			values[i * repeat + r] = row_number(row, metric_index(names, point_figures[i].metric));
		row_field(row, integrity, field, sizeof field);
		all_ok &= !strcmp(field, "ok");
	}
	fprintf(f, "%u", point);
	for (unsigned c = POINT_FIRST_COLUMN; c <= POINT_LAST_COLUMN; c++) {
		row_field(row, c, name[c], sizeof name[c]);
		fprintf(f, ",%s", name[c]);
	}
	fprintf(f, ",%u", repeat);
	for (unsigned i = 0; i < N_POINT_FIGURES; i++) {
		double *v = &values[i * repeat];
		double med = median(v, repeat);   /* sorted from here on */
		switch (point_figures[i].how) {
		case MEDIAN_RANGE:
			fprintf(f, ",%.4f,%.4f,%.4f", med, v[0], v[repeat - 1]);
			if (echo)
				fprintf(echo, "point %u: %s %s conns -> %.4f Gbps median of %u runs "
					"(%.4f-%.4f)\n", point, name[1], name[2], med, repeat, v[0],
					v[repeat - 1]);
			break;
		case MEDIAN:
			fprintf(f, ",%.3f", med);
			break;
		case MAX:
			fprintf(f, ",%.0f", v[repeat - 1]);
			break;
		case MIN:
			fprintf(f, ",%.0f", v[0]);
			break;
		}
	}
	fprintf(f, ",%s\n", all_ok ? "ok" : "FAIL");
	return 0;
}

/* points.csv; with echo, each point's throughput line goes there too. */
static int write_points(const struct scenario *sc, const char *out_dir, unsigned runs,
			const struct metrics *names, FILE *echo)
{
	char path[4096];
	unsigned repeat = scenario_repeats(sc);
	double *values = malloc(N_POINT_FIGURES * repeat * sizeof *values);
	snprintf(path, sizeof path, "%s/points.csv", out_dir);
	FILE *f = values ? open_atomic(path, 0) : NULL;
	if (!f) {
		free(values);
		return -1;
	}
	write_points_header(f, names);
	if (echo)
		fprintf(echo, "per point, over its runs:\n");
	for (unsigned point = 0; point < runs / repeat; point++) {
		if (write_point(f, echo, out_dir, names, point, repeat, values) != 0) {
			abandon_atomic(f, 0);
			free(values);
			return -1;
		}
	}
	free(values);
	return commit_atomic(f, path, 0);
}

/* results.csv, points.csv (each point echoed to `echo` unless NULL) and
 * summary.json from the runs' part files. */
static int assemble(const struct scenario *sc, const char *out_dir, unsigned runs, FILE *echo)
{
	char path[4096], part[4096];
	struct metrics names;
	struct testbed_config dummy_config;
	struct testbed_result dummy;
	struct scenario_point p0;
	testbed_config_default(&dummy_config);
	memset(&dummy, 0, sizeof dummy);
	for (unsigned t = 0; t < NPU_THREADS; t++)
		dummy.npu_thread_role[t] = "";
	scenario_point(sc, 0, &p0);
	collect_metrics(sc, &p0, &dummy_config, &dummy, &names);

	snprintf(path, sizeof path, "%s/results.csv", out_dir);
	FILE *csv = open_atomic(path, 0);
	if (!csv)
		return -1;
	for (unsigned i = 0; i < names.n; i++)
		fprintf(csv, "%s%s", names.m[i].name, i + 1 < names.n ? "," : "\n");
	for (unsigned run = 0; run < runs; run++) {
		if (append_part(csv, out_dir, run, "row") != 0) {
			abandon_atomic(csv, 0);
			return -1;
		}
	}
	if (commit_atomic(csv, path, 0))
		return -1;
	if (write_points(sc, out_dir, runs, &names, echo) != 0)
		return -1;

	snprintf(path, sizeof path, "%s/summary.json", out_dir);
	FILE *js = open_atomic(path, 0);
	if (!js)
		return -1;
	fprintf(js, "{\n  \"npusim_version\": ");
	json_write_string(js, NPUSIM_VERSION);
	fprintf(js, ",\n  \"scenario\": ");
	json_write_string(js, sc->name);
	fprintf(js, ",\n  \"runs\": [\n");
	for (unsigned run = 0; run < runs; run++) {
		if (append_part(js, out_dir, run, "json") != 0) {
			abandon_atomic(js, 0);
			return -1;
		}
		fputs(run + 1 < runs ? ",\n" : "\n", js);
	}
	fprintf(js, "  ]\n}\n");
	if (commit_atomic(js, path, 0))
		return -1;
	for (unsigned run = 0; run < runs; run++) {
		snprintf(part, sizeof part, "%s/.run-%u.row", out_dir, run);
		unlink(part);
		snprintf(part, sizeof part, "%s/.run-%u.json", out_dir, run);
		unlink(part);
	}
	return 0;
}

int run_scenario(const struct scenario *sc, const struct run_options *o)
{
	unsigned runs = scenario_runs(sc);
	char out_dir[4096], err[512];
	/* validate every point before anything is written */
	if (scenario_check(sc, err, sizeof err) != 0) {
		fprintf(stderr, "npusim: %s\n", err);
		return 2;
	}
	if (o->out_dir)
		snprintf(out_dir, sizeof out_dir, "%s", o->out_dir);
	else
		snprintf(out_dir, sizeof out_dir, "results/%s", sc->name);
	if (mkdir_p(out_dir) != 0) {
		fprintf(stderr, "npusim: cannot create %s: %s\n", out_dir, strerror(errno));
		return 1;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	unsigned jobs = o->jobs ? o->jobs : 1;
	if (jobs > runs)
		jobs = runs;
	int status = 0;
	if (jobs <= 1) {
		for (unsigned run = 0; run < runs; run++) {
			int rc = do_run(sc, run, out_dir, o->quiet, runs);
			if (rc > status)
				status = rc;
		}
	} else {
		/* worker w takes runs w, w+jobs, ...; each run's output depends only
		 * on its point, so the result equals the serial one */
		pid_t pids[256];
		for (unsigned w = 0; w < jobs; w++) {
			pid_t pid = fork();
			if (pid < 0) {
				perror("npusim: fork");
				return 1;
			}
			if (pid == 0) {
				int worst = 0;
				for (unsigned run = w; run < runs; run += jobs) {
					int rc = do_run(sc, run, out_dir, 1, runs);
					if (rc > worst)
						worst = rc;
				}
				_exit(worst);
			}
			pids[w] = pid;
		}
		for (unsigned w = 0; w < jobs; w++) {
			int ws;
			waitpid(pids[w], &ws, 0);
			int rc = WIFEXITED(ws) ? WEXITSTATUS(ws) : 1;
			if (rc > status)
				status = rc;
		}
	}
	if (status == 2)
		return 2;
	FILE *echo = !o->quiet && scenario_repeats(sc) > 1 ? stderr : NULL;
	if (assemble(sc, out_dir, runs, echo) != 0) {
		fprintf(stderr, "npusim: cannot assemble the results in %s\n", out_dir);
		return 1;
	}
	/* a missing gnuplot only costs the images; a failing one is an error */
	if (o->plot && plot_directory(out_dir, o->quiet) < 0 && status == 0)
		status = 1;
	if (!o->quiet)
		fprintf(stderr, "npusim: results in %s/results.csv, points.csv and summary.json\n",
			out_dir);
	return status;
}
