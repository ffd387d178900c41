/* cli/run.c - runs a scenario's points and writes results.csv, summary.json,
 * per-run CSVs and plots. Files are written to a temporary name and renamed,
 * so an interrupted run leaves no half-written file. */
#include "cli/run.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "cli/columns.h"
#include "cli/json.h"
#include "host/netpkt.h"
#include "cli/plot.h"
#include "cli/shard.h"
#include "cli/sha256.h"
#include "cli/version.h"
#include "sim/atomic_file.h"

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

int run_mkdir_p(const char *path)
{
	return mkdir_p(path);
}

/* A run's result files, written last: its columns and row of results.csv
 * (result.csv) and its entry of summary.json (result.json). */
static void result_path(char *buf, size_t len, const char *out_dir, unsigned run,
			const char *ext)
{
	snprintf(buf, len, "%s/run-%u/result.%s", out_dir, run, ext);
}

/* ---- interruption, workers and the output folder's lock ---- */

/* What the signal handler needs: set before the first run starts. */
static struct {
	pid_t parent;
	pid_t workers[256];
	volatile sig_atomic_t n_workers;
} interrupt;

/* SIGINT/SIGTERM in the parent: the workers are stopped (each removes its
 * own temporaries) and waited for; sim/atomic_file removes the parent's
 * temporaries and says so. The result files of the runs that completed stay
 * (each is whole): --resume keeps those runs. */
static void on_interrupt(int sig)
{
	(void)sig;
	if (getpid() != interrupt.parent)
		return;         /* a worker, before its own handler is set */
	for (int w = 0; w < interrupt.n_workers; w++)
		kill(interrupt.workers[w], SIGTERM);
	for (int w = 0; w < interrupt.n_workers; w++)
		waitpid(interrupt.workers[w], NULL, 0);
}

/* In a worker: its own temporaries only, and death with the parent even
 * when the parent is killed outright (SIGKILL). */
static void become_worker(pid_t parent)
{
	atomic_file_trap_signals(NULL, NULL);
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 || getppid() != parent)
		_exit(1);
}

/* DIR/.npusim.lock, held (flock) until the next run_scenario or the exit,
 * and by the workers, who inherit it: a second npusim writing into the same
 * folder would mix its rows with ours. Returns 0, or -1 with a message. */
static int lock_output(const char *dir)
{
	static int held = -1;
	if (held >= 0)
		close(held);
	held = -1;
	char path[4200];
	snprintf(path, sizeof path, "%s/.npusim.lock", dir);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		fprintf(stderr, "npusim: cannot create %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		char pid[24] = "";
		ssize_t n = pread(fd, pid, sizeof pid - 1, 0);
		pid[n > 0 ? n : 0] = 0;
		pid[strcspn(pid, "\n")] = 0;
		fprintf(stderr, "npusim: %s is in use by another npusim run (pid %s): wait for it "
				"to finish, or write elsewhere with -o\n", dir, *pid ? pid : "?");
		close(fd);
		return -1;
	}
	char me[24];
	int len = snprintf(me, sizeof me, "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) != 0 || pwrite(fd, me, (size_t)len, 0) != len)
		fprintf(stderr, "npusim: warning: cannot record the pid in %s\n", path);
	held = fd;
	return 0;
}

/* Temporaries a run killed outright (SIGKILL) left in dir (NAME.tmp.PID). */
static void remove_temporaries(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	char path[4400];
	while ((e = readdir(d))) {
		if (!strstr(e->d_name, ".tmp."))
			continue;
		snprintf(path, sizeof path, "%.4000s/%.255s", dir, e->d_name);
		unlink(path);
	}
	closedir(d);
}

/* The temporaries killed runs left, in dir and its run folders; unless
 * resuming, also every run's result files, so that no result of an earlier
 * sweep passes for one of this sweep's. */
static void clean_output(const char *dir, int resume)
{
	remove_temporaries(dir);
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	char run_dir[4400], path[4500];
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, "run-", 4) != 0)
			continue;
		snprintf(run_dir, sizeof run_dir, "%.4000s/%.255s", dir, e->d_name);
		remove_temporaries(run_dir);
		if (resume)
			continue;
		snprintf(path, sizeof path, "%s/result.csv", run_dir);
		unlink(path);
		snprintf(path, sizeof path, "%s/result.json", run_dir);
		unlink(path);
	}
	closedir(d);
}

/* Everything above, before the first run, the folder locked. Returns 0 or
 * -1 (message given). */
static int prepare_output(const char *dir, int resume)
{
	clean_output(dir, resume);
	interrupt.parent = getpid();
	interrupt.n_workers = 0;
	atomic_file_trap_signals("npusim: interrupted: temporary files removed", on_interrupt);
	return 0;
}

/* ---- progress: runs done of all, elapsed, ETA, simulated s per wall s ----
 *
 * Every run reports to a board: in process with -j 1, over a pipe from the
 * worker processes otherwise (each report one write of less than PIPE_BUF
 * bytes, so reports of several workers never mix). "P w work simsec" is
 * worker w's run so far; "R w simsec line" a run finished, with its line. */

struct board {
	unsigned runs, done, workers;
	double work[256];              /* share done of each worker's current run */
	double sim[256];               /* its simulated seconds so far */
	double sim_done;               /* simulated seconds of the finished runs */
	struct timespec start, drawn;
	int tty, quiet;
};

struct reporter {
	int fd;                        /* the pipe to the parent, or -1: board in process */
	unsigned worker;
	struct board *board;
};

static double since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) * 1e-9;
}

static void board_init(struct board *b, unsigned runs, unsigned workers, int quiet)
{
	memset(b, 0, sizeof *b);
	b->runs = runs;
	b->workers = workers;
	b->quiet = quiet;
	b->tty = !quiet && isatty(2);
	clock_gettime(CLOCK_MONOTONIC, &b->start);
	b->drawn = b->start;
}

/* The progress line (a terminal only), at most 4 times a second unless
 * forced. The ETA is the elapsed time scaled by the work left: finished
 * runs count whole, running ones by their share done. */
static void board_draw(struct board *b, int force)
{
	if (!b->tty || (!force && since(&b->drawn) < 0.25))
		return;
	clock_gettime(CLOCK_MONOTONIC, &b->drawn);
	double wall = since(&b->start), work = b->done, sim = b->sim_done;
	for (unsigned w = 0; w < b->workers; w++) {
		work += b->work[w];
		sim += b->sim[w];
	}
	double share = work / b->runs;
	char eta[32] = "-";
	if (share > 0.001 && share < 1)
		snprintf(eta, sizeof eta, "%.0fs", wall * (1 - share) / share);
	fprintf(stderr, "\r\033[K%u/%u runs done  %4.1f%%  elapsed %.0fs  ETA %s  %.3f simsec/s",
		b->done, b->runs, 100 * share, wall, eta, wall > 0 ? sim / wall : 0);
	fflush(stderr);
}

/* One report, as the workers write them. */
static void board_event(struct board *b, char *msg)
{
	unsigned w;
	double work, sim;
	int used = 0;
	if (msg[0] == 'P' && sscanf(msg + 1, "%u %lf %lf", &w, &work, &sim) == 3 && w < 256) {
		b->work[w] = work;
		b->sim[w] = sim;
		board_draw(b, 0);
	} else if (msg[0] == 'R' && sscanf(msg + 1, "%u %lf %n", &w, &sim, &used) == 2 && used &&
		   w < 256) {
		b->work[w] = 0;
		b->sim[w] = 0;
		b->sim_done += sim;
		b->done++;
		if (!b->quiet)
			fprintf(stderr, "%s%s", b->tty ? "\r\033[K" : "", msg + 1 + used);
		board_draw(b, 1);
	}
}

static void board_finish(struct board *b)
{
	if (b->tty)
		fputs("\r\033[K", stderr);
}

static void report(struct reporter *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void report(struct reporter *r, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (r->fd < 0) {
		board_event(r->board, msg);
		return;
	}
	size_t len = (size_t)n < sizeof msg ? (size_t)n : sizeof msg - 1;
	while (write(r->fd, msg, len) < 0 && errno == EINTR)
		;
}

static void progress_report(void *ctx, sim_time now, sim_time end, uint64_t events, double work)
{
	struct reporter *r = ctx;
	(void)end;
	(void)events;
	report(r, "P%u %.4f %.6f\n", r->worker, work, sim_time_to_seconds(now));
}

/* The parent's side with worker processes: reports until every worker has
 * closed the pipe. */
static void board_read(struct board *b, int fd)
{
	FILE *f = fdopen(fd, "r");
	if (!f) {
		close(fd);
		return;
	}
	char line[2048];
	for (;;) {
		if (fgets(line, sizeof line, f)) {
			board_event(b, line);
		} else if (ferror(f) && errno == EINTR) {
			clearerr(f);
		} else {
			break;
		}
	}
	fclose(f);
}

/* ---- one run ---- */

struct metric {
	char name[80];
	char value[64];
};

struct metrics {
	struct metric m[192];
	unsigned n;
};

/* The keys of a sweep point that have a results.csv column of their own,
 * under the column's name. Any other swept key gets a column named
 * section.key after `integrity`. */
static const struct { const char *section, *key; } point_key_columns[] = {
	{ "run", "mode" },                /* COL_mode */
	{ "run", "connections" },         /* COL_connections */
	{ "dma", "buffer" },              /* COL_dma_buffer */
	{ "dma", "lb" },                  /* COL_dma_lb */
	{ "lro", "active_ack" },          /* COL_active_ack */
	{ "lro", "threshold" },           /* COL_threshold_bytes */
};
#define N_POINT_KEY_COLUMNS (sizeof point_key_columns / sizeof point_key_columns[0])

struct swept_column {
	const char *section, *key;
	char name[96];                 /* section.key */
};

/* The swept keys without a column of their own, in sweep order. */
static unsigned swept_columns(const struct scenario *sc, struct swept_column *out)
{
	unsigned n = 0;
	for (unsigned i = 0; i < sc->n_sweeps; i++) {
		const char *section, *key;
		scenario_swept(sc, i, &section, &key);
		int own = 0;
		for (unsigned c = 0; c < N_POINT_KEY_COLUMNS; c++)
			own |= !strcmp(section, point_key_columns[c].section) &&
			       !strcmp(key, point_key_columns[c].key);
		if (own)
			continue;
		out[n].section = section;
		out[n].key = key;
		snprintf(out[n].name, sizeof out[n].name, "%s.%s", section, key);
		n++;
	}
	return n;
}

/* " section.key=value" for each swept key without a column of its own. */
static void swept_text(const struct scenario *sc, const struct scenario_point *p, char *out,
		       size_t len)
{
	struct swept_column cols[64];
	unsigned n = swept_columns(sc, cols);
	size_t used = 0;
	out[0] = 0;
	for (unsigned i = 0; i < n && used < len; i++)
		used += (size_t)snprintf(out + used, len - used, " %s=%s", cols[i].name,
					 scenario_value(sc, p, cols[i].section, cols[i].key));
}

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

/* A column's value as its type prints it (cli/columns.h). */
static void put_text(struct metrics *ms, enum column_id id, const char *v)
{
	put(ms, columns[id].name, "%s", v);
}

static void put_count(struct metrics *ms, enum column_id id, uint64_t v)
{
	put(ms, columns[id].name, "%" PRIu64, v);
}

static void put_real(struct metrics *ms, enum column_id id, double v)
{
	put(ms, columns[id].name, "%.*f", (int)columns[id].decimals, v);
}

/* Why a run has its throughput (docs/SCENARIOS.md, "What bounds a run"):
 * the rx threads' utilization spread, how many are busy, the wire's
 * utilization, and the resource closest to saturation. */
#define RX_BUSY_UTIL 0.8
/* the resources bound_by names, in the order ties go */
static const char *const bound_names[] = { "wire", "dma", "pcie", "ddr", "rx_threads", "lb_thread",
					   "host_cpu" };
#define N_BOUNDS (sizeof bound_names / sizeof bound_names[0])

static double median(double *v, unsigned n);

/* The figures results.csv's columns take from more than one counter
 * (the `d` of cli/columns.h's expressions). */
struct derived {
	double rx_min, rx_median, rx_max, rx_mean;   /* the rx threads' utilizations */
	unsigned rx_busy;              /* rx threads at least RX_BUSY_UTIL busy */
	double wire;                   /* the fiber's utilization */
	double lb;                     /* the timeout (and balancing) thread's */
	const char *bound_by;
	uint64_t flush_other;          /* flushes of the reasons without a column */
	uint64_t flush_burst_end, flush_policy_rules;  /* lro.policy's flushes */
	uint64_t faults_injected, corrupt_injected;
};

static void derive(const struct testbed_config *c, const struct testbed_result *r,
		   struct derived *d)
{
	double u[NPU_THREADS], rx_sum = 0;
	unsigned n = 0;
	memset(d, 0, sizeof *d);
	for (unsigned t = 0; t < NPU_THREADS; t++) {
		if (!strncmp(r->npu_thread_role[t], "timeout", 7))
			d->lb = r->npu_thread_busy[t] + r->npu_thread_mem[t];
		if (strcmp(r->npu_thread_role[t], "rx") != 0)
			continue;
		u[n] = r->npu_thread_busy[t] + r->npu_thread_mem[t];
		rx_sum += u[n];
		d->rx_busy += u[n] >= RX_BUSY_UTIL;
		if (u[n] > d->rx_max)
			d->rx_max = u[n];
		n++;
	}
	d->rx_mean = n ? rx_sum / n : 0.0;
	d->rx_median = n ? median(u, n) : 0.0;   /* sorts u */
	d->rx_min = n ? u[0] : 0.0;
	/* payload to wire bytes: TCP/IP headers with timestamps (52, IPv6 72),
	 * Ethernet header and FCS (18), preamble, SFD and gap (20) */
	double ip6 = c->ip6 ? NETPKT_IP6_EXTRA : 0.0;
	double mss = c->client.tcp.mss_bytes - ip6;
	d->wire = c->link.rate_bps ? r->throughput_gbps * 1e9 * (mss + 90.0 + ip6) / mss /
				     (double)c->link.rate_bps : 0.0;
	const double util[N_BOUNDS] = { d->wire, r->dma_busy, r->pcie_busy, r->ddr_busy,
					n ? u[n - 1] : 0.0, d->lb, r->host_cpu_busy };
	unsigned top = 0;
	for (unsigned i = 1; i < N_BOUNDS; i++)
		if (util[i] > util[top])
			top = i;
	d->bound_by = bound_names[top];
	const struct lro_counters *l = &r->fw.lro;
	/* every reason without a column of its own, so that a new reason is
	 * counted somewhere */
	for (int i = 0; i < LRO_FLUSH_REASONS; i++)
		d->flush_other += l->flush[i];
	d->flush_other -= l->flush[LRO_FLUSH_THRESHOLD] + l->flush[LRO_FLUSH_FULL] +
			  l->flush[LRO_FLUSH_FIN] + l->flush[LRO_FLUSH_TIMEOUT] +
			  l->flush[LRO_FLUSH_WINDOW];
	/* the other policies' (lro.policy): at the end of a poll or burst; by
	 * their merge rules */
	d->flush_burst_end = l->flush[LRO_FLUSH_BURST_END];
	d->flush_policy_rules = l->flush[LRO_FLUSH_GAP] + l->flush[LRO_FLUSH_MISMATCH] +
				l->flush[LRO_FLUSH_FLAGS] + l->flush[LRO_FLUSH_EVICTED] +
				l->flush[LRO_FLUSH_NEXT_FLOW];
	d->flush_other -= d->flush_burst_end + d->flush_policy_rules;
	for (int dir = 0; dir < 2; dir++) {
		d->faults_injected += faults_injected(&r->faults[dir]);
		d->corrupt_injected += r->faults[dir].corrupted;
	}
}

/* results.csv's row: every column of cli/columns.h in its order, the swept
 * keys without a column of their own after RESULT_COLUMNS_SWEPT_AFTER. */
#define PUT_TEXT(id, v) put_text(ms, id, (v))
#define PUT_COUNT(id, v) put_count(ms, id, (uint64_t)(v))
#define PUT_REAL2(id, v) put_real(ms, id, (double)(v))
#define PUT_REAL3 PUT_REAL2
#define PUT_REAL4 PUT_REAL2
#define PUT_REAL6 PUT_REAL2
#define PUT_REAL9 PUT_REAL2
#define PUT_COLUMN(name, type, unit, points, rank, gate, value, meaning) \
	PUT_##type(COL_##name, value);                                  \
	if (COL_##name == RESULT_COLUMNS_SWEPT_AFTER)                   \
		put_swept(ms, sc, p);

static void put_swept(struct metrics *ms, const struct scenario *sc,
		      const struct scenario_point *p)
{
	struct swept_column swept[64];
	unsigned n_swept = swept_columns(sc, swept);
	for (unsigned i = 0; i < n_swept; i++)
		put(ms, swept[i].name, "%s", scenario_value(sc, p, swept[i].section, swept[i].key));
}

static void collect_metrics(const struct scenario *sc, const struct scenario_point *p,
			    const struct testbed_config *c, const struct testbed_result *r,
			    struct metrics *ms)
{
	const struct lro_counters *l = &r->fw.lro;
	const struct listen_stats *ls = &r->listen;
	struct derived dv, *d = &dv;
	derive(c, r, d);
	ms->n = 0;
	RESULT_COLUMNS(PUT_COLUMN)
}

static int write_run_files(const char *dir, const struct testbed_result *r,
			   const struct testbed_config *c)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/threads.csv", dir);
	struct atomic_file *af = atomic_file_create(path);
	if (!af)
		return -1;
	FILE *f = atomic_file_stream(af);
	fprintf(f, "thread,role,busy,mem_stall\n");
	for (unsigned t = 0; t < NPU_THREADS; t++)
		fprintf(f, "%u,%s,%.4f,%.4f\n", t, r->npu_thread_role[t], r->npu_thread_busy[t],
			r->npu_thread_mem[t]);
	if (atomic_file_finish(af))
		return -1;
	(void)c;
	return 0;
}

/* A results.csv column as a JSON member, typed: numbers in SI base units,
 * the unit beside them where there is one ({ "value": 1e-06, "unit": "s" }),
 * the name's unit suffix the base unit's (_gbps -> _bps, _us -> _s); words
 * stay strings. `number`, unless NaN, stands for a value written in words
 * (the threshold's "64KiB"). */
static void json_write_metric(FILE *f, const char *name, const char *value, double number)
{
	char json_name[128];
	char *end;
	double v = isnan(number) ? strtod(value, &end) : number;
	int numeric = !isnan(number) || (end != value && *end == 0 && isfinite(v));
	double scale;
	const char *unit = column_json_unit(name, json_name, sizeof json_name, &scale);
	if (!numeric)
		snprintf(json_name, sizeof json_name, "%s", name);
	else if (unit)
		v *= scale;
	json_write_string(f, json_name);
	fputs(": ", f);
	if (!numeric) {
		json_write_string(f, value);
		return;
	}
	if (unit)
		fputs("{ \"value\": ", f);
	if (unit && v == floor(v) && fabs(v) < 1e15)
		fprintf(f, "%.0f", v);
	else if (unit)
		fprintf(f, "%.10g", v);
	else
		fputs(value, f);   /* as results.csv has it: exact, even a 64-bit count */
	if (unit) {
		fputs(", \"unit\": ", f);
		json_write_string(f, unit);
		fputs(" }", f);
	}
}

/* Everything one run yields, as text for the parent to assemble. */
static int do_run(const struct run_list *l, unsigned run, const char *out_dir,
		  struct reporter *rep)
{
	const struct scenario *sc;
	struct scenario_point p;
	struct testbed_config c;
	struct testbed_result r;
	char err[512], run_dir[4096], path[4096];
	if (l->get(l->ctx, run, &sc, &p, err, sizeof err) != 0 ||
	    scenario_config(sc, &p, &c, err, sizeof err) != 0) {
		fprintf(stderr, "npusim: %s\n", err);
		return 2;
	}
	snprintf(run_dir, sizeof run_dir, "%s/run-%u", out_dir, run);
	if (mkdir_p(run_dir) != 0) {
		fprintf(stderr, "npusim: cannot create %s: %s\n", run_dir, strerror(errno));
		return 1;
	}
	c.out_dir = run_dir;
	struct testbed_progress prog = { progress_report, rep };
	if (testbed_run(&c, &r, &prog) != 0) {
		fprintf(stderr, "npusim: run %u: %s\n", run, r.integrity_message);
		return 2;
	}
	if (write_run_files(run_dir, &r, &c) != 0)
		return 1;
	struct metrics ms;
	collect_metrics(sc, &p, &c, &r, &ms);
	result_path(path, sizeof path, out_dir, run, "csv");
	struct atomic_file *af = atomic_file_create(path);
	if (!af)
		return 1;
	FILE *f = atomic_file_stream(af);
	for (unsigned i = 0; i < ms.n; i++)
		fprintf(f, "%s%s", ms.m[i].name, i + 1 < ms.n ? "," : "\n");
	for (unsigned i = 0; i < ms.n; i++)
		fprintf(f, "%s%s", ms.m[i].value, i + 1 < ms.n ? "," : "\n");
	if (atomic_file_finish(af))
		return 1;
	result_path(path, sizeof path, out_dir, run, "json");
	if (!(af = atomic_file_create(path)))
		return 1;
	f = atomic_file_stream(af);
	fprintf(f, "    {\n      \"run\": %u,\n      \"scenario\": {\n", run);
	scenario_write_json(sc, &p, f, "        ");
	fprintf(f, "      },\n      \"results\": {\n");
	for (unsigned i = 0; i < ms.n; i++) {
		fprintf(f, "        ");
		json_write_metric(f, ms.m[i].name, ms.m[i].value,
				  !strcmp(ms.m[i].name, "threshold_bytes") ? (double)c.lro_threshold_bytes
									   : NAN);
		fputs(i + 1 < ms.n ? ",\n" : "\n", f);
	}
	fprintf(f, "      },\n      \"integrity_message\": ");
	json_write_string(f, r.integrity_message);
	fprintf(f, "\n    }");
	if (atomic_file_finish(af))
		return 1;
	char swept[1024];
	swept_text(sc, &p, swept, sizeof swept);
	report(rep, "R%u %.6f run %u: %s %s conns%s -> %.3f Gbps, established %u, failed %u, "
		    "SYN retransmits %u, integrity %s (%.1f s wall)\n", rep->worker,
	       sim_time_to_seconds(r.sim_end_ps), run, scenario_value(sc, &p, "run", "mode"),
	       scenario_value(sc, &p, "run", "connections"), swept, r.throughput_gbps,
	       r.established, r.failed_connections, r.syn_retransmits,
	       r.integrity_ok ? "ok" : "FAIL", r.wall_seconds);
	return r.integrity_ok && !r.output_errors ? 0 : 1;
}

/* Copy a run's result file into dst: its summary.json entry (ext "json"),
 * or (ext "csv") its row of results.csv, the file's second line. */
static int append_part(FILE *dst, const char *out_dir, unsigned run, const char *ext)
{
	char part[4096], buf[8192];
	result_path(part, sizeof part, out_dir, run, ext);
	FILE *f = fopen(part, "r");
	if (!f) {
		fprintf(stderr, "npusim: cannot read %s: %s\n", part, strerror(errno));
		return -1;
	}
	int c = 0;
	if (!strcmp(ext, "csv"))
		while ((c = getc(f)) != EOF && c != '\n')
			;       /* the column names */
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		fwrite(buf, 1, n, dst);
	int bad = ferror(f);
	fclose(f);
	if (bad)
		fprintf(stderr, "npusim: cannot read %s\n", part);
	return bad ? -1 : 0;
}

/* ---- points.csv: one row per sweep point, over its repeats ---- */

/* Line `line` (0: the column names, 1: the row) of a run's result.csv. */
static int read_result_line(const char *out_dir, unsigned run, int line, char *buf, size_t len)
{
	char part[4096];
	result_path(part, sizeof part, out_dir, run, "csv");
	FILE *f = fopen(part, "r");
	if (!f)
		return -1;
	int ok = 1;
	for (int i = 0; i <= line && ok; i++)
		ok = fgets(buf, (int)len, f) != NULL;
	fclose(f);
	buf[strcspn(buf, "\n")] = 0;
	return ok ? 0 : -1;
}

static int read_row(const char *out_dir, unsigned run, char *buf, size_t len)
{
	return read_result_line(out_dir, run, 1, buf, len);
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

/* points.csv's layout: the columns of results.csv that name a sweep point
 * (the keys with a column of their own, then the other swept keys), and
 * the figures it summarises, and how (a median, with the range for
 * throughput; the worst run; the word most runs name): the columns
 * cli/columns.h ranks, in rank order. */
struct point_columns {
	unsigned idx[N_POINT_KEY_COLUMNS + 64];
	unsigned n;
	unsigned n_keys;               /* idx[0 .. n_keys): the table's KEY columns */
	const struct column *fig[N_COLUMNS];
	unsigned n_fig;
};

/* From the column names alone (merge has no scenario): the table's KEY
 * columns, then the swept keys' columns (named section.key) in their
 * order. */
static void point_columns(const struct metrics *names, struct point_columns *pc)
{
	pc->n = 0;
	for (unsigned c = 0; c < N_COLUMNS; c++)
		if (columns[c].points == POINTS_KEY)
			pc->idx[pc->n++] = metric_index(names, columns[c].name);
	pc->n_keys = pc->n;
	pc->n_fig = columns_points_figures(pc->fig, N_COLUMNS);
	for (unsigned i = 0; i < names->n && pc->n < N_POINT_KEY_COLUMNS + 64; i++)
		if (strchr(names->m[i].name, '.'))
			pc->idx[pc->n++] = i;
}

static void write_points_header(FILE *f, const struct metrics *names,
				const struct point_columns *pc)
{
	fprintf(f, "point");
	for (unsigned c = 0; c < pc->n; c++)
		fprintf(f, ",%s", names->m[pc->idx[c]].name);
	fprintf(f, ",runs");
	for (unsigned i = 0; i < pc->n_fig; i++) {
		const char *m = pc->fig[i]->name;
		switch (pc->fig[i]->points) {
		case POINTS_MEDIAN_RANGE:
			fprintf(f, ",%s,%s_min,%s_max", m, m, m);
			break;
		case POINTS_MEDIAN:
			fprintf(f, ",%s", m);
			break;
		case POINTS_MAX:
			fprintf(f, ",%s_max", m);
			break;
		case POINTS_MIN:
			fprintf(f, ",%s_min", m);
			break;
		case POINTS_MOST:
			fprintf(f, ",%s", m);
			break;
		default:
			break;   /* ranked columns have one of the above */
		}
	}
	fprintf(f, ",integrity\n");
}

/* bound_by as its index in bound_names (N_BOUNDS if unknown), and the one
 * most runs name (the first in bound_names on a tie). */
static double bound_index(const char *row, unsigned column)
{
	char field[64];
	row_field(row, column, field, sizeof field);
	unsigned i = 0;
	while (i < N_BOUNDS && strcmp(field, bound_names[i]) != 0)
		i++;
	return i;
}

static const char *most_bound(const double *v, unsigned n)
{
	unsigned count[N_BOUNDS + 1] = { 0 }, top = 0;
	for (unsigned i = 0; i < n; i++)
		count[(unsigned)v[i]]++;
	for (unsigned i = 1; i <= N_BOUNDS; i++)
		if (count[i] > count[top])
			top = i;
	return top < N_BOUNDS ? bound_names[top] : "unknown";
}

/* One row: the point's first run names the point; each run's row is read
 * once into values[figure * repeat + run]. With echo, the throughput line
 * also goes there. */
static int write_point(FILE *f, FILE *echo, const char *out_dir, const struct metrics *names,
		       const struct point_columns *pc, unsigned point, unsigned repeat,
		       double *values)
{
	char row[16384], field[128], name[64], swept[1024] = "";
	unsigned integrity = metric_index(names, "integrity");
	int all_ok = 1;
	for (unsigned r = 0; r < repeat; r++) {
		if (read_row(out_dir, point * repeat + r, row, sizeof row) != 0)
			return -1;
		for (unsigned i = 0; i < pc->n_fig; i++)
			values[i * repeat + r] = pc->fig[i]->points == POINTS_MOST ?
				bound_index(row, metric_index(names, pc->fig[i]->name)) :
				row_number(row, metric_index(names, pc->fig[i]->name));
		row_field(row, integrity, field, sizeof field);
		all_ok &= !strcmp(field, "ok");
	}
	fprintf(f, "%u", point);
	size_t used = 0;
	for (unsigned c = 0; c < pc->n; c++) {
		row_field(row, pc->idx[c], name, sizeof name);
		fprintf(f, ",%s", name);
		if (c >= pc->n_keys && used < sizeof swept)
			used += (size_t)snprintf(swept + used, sizeof swept - used, " %s=%s",
						 names->m[pc->idx[c]].name, name);
	}
	char mode[64], conns[64];
	row_field(row, metric_index(names, columns[COL_mode].name), mode, sizeof mode);
	row_field(row, metric_index(names, columns[COL_connections].name), conns, sizeof conns);
	fprintf(f, ",%u", repeat);
	for (unsigned i = 0; i < pc->n_fig; i++) {
		double *v = &values[i * repeat];
		double med = median(v, repeat);   /* sorted from here on */
		switch (pc->fig[i]->points) {
		case POINTS_MEDIAN_RANGE:
			fprintf(f, ",%.4f,%.4f,%.4f", med, v[0], v[repeat - 1]);
			if (echo)
				fprintf(echo, "point %u: %s %s conns%s -> %.4f Gbps median of %u runs "
					"(%.4f-%.4f)\n", point, mode, conns, swept, med, repeat, v[0],
					v[repeat - 1]);
			break;
		case POINTS_MEDIAN:
			fprintf(f, ",%.3f", med);
			break;
		case POINTS_MAX:
			fprintf(f, ",%.0f", v[repeat - 1]);
			break;
		case POINTS_MIN:
			fprintf(f, ",%.0f", v[0]);
			break;
		case POINTS_MOST:
			fprintf(f, ",%s", most_bound(v, repeat));
			break;
		default:
			break;
		}
	}
	fprintf(f, ",%s\n", all_ok ? "ok" : "FAIL");
	return 0;
}

/* points.csv; with echo, each point's throughput line goes there too. */
static int write_points(const char *out_dir, unsigned runs, unsigned repeat,
			const struct metrics *names, FILE *echo)
{
	char path[4096];
	double *values = malloc(N_COLUMNS * repeat * sizeof *values);
	snprintf(path, sizeof path, "%s/points.csv", out_dir);
	struct atomic_file *af = values ? atomic_file_create(path) : NULL;
	if (!af) {
		free(values);
		return -1;
	}
	FILE *f = atomic_file_stream(af);
	struct point_columns pc;
	point_columns(names, &pc);
	write_points_header(f, names, &pc);
	if (echo)
		fprintf(echo, "per point, over its runs:\n");
	for (unsigned point = 0; point < runs / repeat; point++) {
		if (write_point(f, echo, out_dir, names, &pc, point, repeat, values) != 0) {
			atomic_file_discard(af);
			free(values);
			return -1;
		}
	}
	free(values);
	return atomic_file_finish(af);
}

/* The scenario file's (or built-in text's) SHA-256, or "" if unreadable. */
static void scenario_digest(const struct run_options *o, char hex[65])
{
	struct sha256 h;
	sha256_init(&h);
	hex[0] = 0;
	if (o->scenario_text) {
		sha256_update(&h, o->scenario_text, strlen(o->scenario_text));
	} else if (o->scenario_path) {
		FILE *f = fopen(o->scenario_path, "rb");
		if (!f)
			return;
		char buf[8192];
		size_t n;
		while ((n = fread(buf, 1, sizeof buf, f)) > 0)
			sha256_update(&h, buf, n);
		fclose(f);
	} else {
		return;
	}
	sha256_hex(&h, hex);
}

/* summary.json's provenance: what was run, by which program, where, when. */
static void write_provenance(FILE *js, const struct run_list *l, const struct run_options *o,
			     unsigned first, unsigned n, time_t started)
{
	const struct scenario *sc;
	struct scenario_point p;
	char err[512], seed[64];
	char host[256] = "", when[64], hex[65];
	struct tm tm;
	if (gethostname(host, sizeof host - 1) != 0)
		snprintf(host, sizeof host, "unknown");
	gmtime_r(&started, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	scenario_digest(o, hex);
	l->get(l->ctx, first, &sc, &p, err, sizeof err);   /* every run checked before */
	snprintf(seed, sizeof seed, "%s", scenario_value(sc, &p, "run", "seed"));
	fprintf(js, "  \"provenance\": {\n    \"program\": \"npusim\",\n    \"version\": ");
	json_write_string(js, npusim_version);
	fprintf(js, ",\n    \"revision\": ");
	json_write_string(js, npusim_revision);
	fprintf(js, ",\n    \"command_line\": ");
	json_write_string_array(js, o->argv, o->argv ? (unsigned)o->argc : 0);
	fprintf(js, ",\n    \"sets\": ");
	json_write_string_array(js, o->sets, o->sets ? o->n_sets : 0);
	fprintf(js, ",\n    \"scenario_file\": ");
	if (o->scenario_path)
		json_write_string(js, o->scenario_path);
	else
		fputs("null", js);
	fprintf(js, ",\n    \"scenario_sha256\": ");
	json_write_string(js, hex);
	fprintf(js, ",\n    \"seed\": %s,\n    \"run_seeds\": [", seed);
	for (unsigned r = first; r < first + n; r++) {
		l->get(l->ctx, r, &sc, &p, err, sizeof err);
		fprintf(js, "%s%" PRIu64, r > first ? ", " : "", p.seed);
	}
	fprintf(js, "],\n    \"start_time\": ");
	json_write_string(js, when);
	fprintf(js, ",\n    \"host\": ");
	json_write_string(js, host);
	fprintf(js, "\n  },\n");
}

/* results.csv's column names, from the first run's result.csv. */
static int result_names(const char *out_dir, unsigned run, struct metrics *names)
{
	char line[16384];
	if (read_result_line(out_dir, run, 0, line, sizeof line) != 0)
		return -1;
	names->n = 0;
	for (char *tok = strtok(line, ","); tok; tok = strtok(NULL, ",")) {
		if (names->n == sizeof names->m / sizeof names->m[0])
			return -1;
		snprintf(names->m[names->n].name, sizeof names->m[0].name, "%s", tok);
		names->m[names->n++].value[0] = 0;
	}
	return 0;
}

/* Runs among first .. first + n - 1 whose row says their integrity check
 * failed. */
static int count_failed(const char *out_dir, unsigned first, unsigned n,
			const struct metrics *names)
{
	char row[16384], field[64];
	unsigned integrity = metric_index(names, "integrity");
	int failed = 0;
	for (unsigned run = first; run < first + n; run++) {
		if (read_row(out_dir, run, row, sizeof row) != 0)
			return -1;
		row_field(row, integrity, field, sizeof field);
		failed += strcmp(field, "ok") != 0;
	}
	return failed;
}

/* results.csv, points.csv (each point echoed to `echo` unless NULL) and
 * summary.json from the result files of runs first .. first + n - 1 (of a
 * sweep of `runs`), into dest; points.csv only for a whole sweep.
 * `provenance` is summary.json's members before "runs". Returns the number
 * of runs whose integrity check failed, or -1. */
static int assemble(const char *out_dir, const char *dest, const char *name, unsigned first,
		    unsigned n, unsigned runs, unsigned repeat, const char *provenance, FILE *echo)
{
	char path[4096];
	struct metrics names;
	if (result_names(out_dir, first, &names) != 0) {
		fprintf(stderr, "npusim: cannot read the columns of run %u in %s\n", first, out_dir);
		return -1;
	}
	snprintf(path, sizeof path, "%s/results.csv", dest);
	struct atomic_file *af = atomic_file_create(path);
	if (!af)
		return -1;
	FILE *csv = atomic_file_stream(af);
	for (unsigned i = 0; i < names.n; i++)
		fprintf(csv, "%s%s", names.m[i].name, i + 1 < names.n ? "," : "\n");
	for (unsigned run = first; run < first + n; run++) {
		if (append_part(csv, out_dir, run, "csv") != 0) {
			atomic_file_discard(af);
			return -1;
		}
	}
	if (atomic_file_finish(af))
		return -1;
	if (n == runs && write_points(out_dir, n, repeat, &names, echo) != 0)
		return -1;

	snprintf(path, sizeof path, "%s/summary.json", dest);
	if (!(af = atomic_file_create(path)))
		return -1;
	FILE *js = atomic_file_stream(af);
	fprintf(js, "{\n  \"npusim_version\": ");
	json_write_string(js, npusim_version);
	fprintf(js, ",\n  \"scenario\": ");
	json_write_string(js, name);
	fprintf(js, ",\n%s  \"runs\": [\n", provenance);
	for (unsigned run = first; run < first + n; run++) {
		if (append_part(js, out_dir, run, "json") != 0) {
			atomic_file_discard(af);
			return -1;
		}
		fputs(run + 1 < first + n ? ",\n" : "\n", js);
	}
	fprintf(js, "  ]\n}\n");
	if (atomic_file_finish(af))
		return -1;
	/* the result files stay: --resume and merge read them */
	return count_failed(out_dir, first, n, &names);
}

int run_assemble(const char *out_dir, const char *name, unsigned runs, unsigned repeat,
		 const char *provenance, FILE *echo)
{
	return assemble(out_dir, out_dir, name, 0, runs, runs, repeat, provenance, echo);
}

int run_complete(const char *out_dir, unsigned run)
{
	char path[4096];
	struct stat st;
	result_path(path, sizeof path, out_dir, run, "csv");
	if (stat(path, &st) != 0)
		return 0;
	result_path(path, sizeof path, out_dir, run, "json");
	return stat(path, &st) == 0;
}

void run_out_dir(const char *name, const struct run_options *o, char *buf, size_t len)
{
	if (o->out_dir)
		snprintf(buf, len, "%s", o->out_dir);
	else if (o->shards)
		snprintf(buf, len, "results/%s/shard-%u-of-%u", name, o->shard, o->shards);
	else
		snprintf(buf, len, "results/%s", name);
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* run-K/ folders of an earlier, larger sweep (K >= runs) would be read as
 * this one's: removed with force, else the run refused. Returns 0 or the
 * exit status. */
static int clear_stale_runs(const char *out_dir, unsigned runs, int force)
{
	DIR *d = opendir(out_dir);
	if (!d)
		return 0;
	struct dirent *e;
	char path[4400], first[300] = "";
	unsigned stale = 0;
	int status = 0;
	while ((e = readdir(d))) {
		char *end;
		if (strncmp(e->d_name, "run-", 4) != 0 || !isdigit((unsigned char)e->d_name[4]))
			continue;
		unsigned long k = strtoul(e->d_name + 4, &end, 10);
		if (*end || k < runs)
			continue;
		if (!stale++)
			snprintf(first, sizeof first, "%s", e->d_name);
		if (!force)
			continue;
		snprintf(path, sizeof path, "%s/%s", out_dir, e->d_name);
		if (nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS) != 0) {
			fprintf(stderr, "npusim: cannot remove %s: %s\n", path, strerror(errno));
			status = 1;
		}
	}
	closedir(d);
	if (stale && !force) {
		fprintf(stderr, "npusim: %s holds %u run folder(s) of a larger sweep (%s/, this one "
				"has %u runs): another folder (-o), or --force to remove them\n",
			out_dir, stale, first, runs);
		return 2;
	}
	return status;
}

int run_dry(const struct scenario *sc, const struct run_options *o, FILE *out)
{
	char err[512];
	if (scenario_check(sc, err, sizeof err) != 0) {
		fprintf(stderr, "npusim: %s\n", err);
		return 2;
	}
	unsigned runs = scenario_runs(sc);
	if (o->only_run >= 0 && (unsigned)o->only_run >= runs) {
		fprintf(stderr, "npusim: --run %d: scenario %s has runs 0..%u\n", o->only_run,
			sc->name, runs - 1);
		return 2;
	}
	fprintf(out, "scenario %s: %u run(s)\n", sc->name, runs);
	for (unsigned r = 0; r < runs; r++) {
		struct scenario_point p;
		struct testbed_config c;
		char swept[1024];
		if (o->only_run >= 0 && r != (unsigned)o->only_run)
			continue;
		scenario_point(sc, r, &p);
		scenario_config(sc, &p, &c, err, sizeof err);   /* checked above */
		swept_text(sc, &p, swept, sizeof swept);
		fprintf(out, "run %u: mode=%s connections=%s dma.buffer=%s dma.lb=%s%s seed=%llu "
			     "client.port_base=%u\n", r,
			scenario_value(sc, &p, "run", "mode"),
			scenario_value(sc, &p, "run", "connections"),
			scenario_value(sc, &p, "dma", "buffer"),
			scenario_value(sc, &p, "dma", "lb"), swept, (unsigned long long)p.seed,
			c.client.port_base);
	}
	return 0;
}

/* Runs todo[0..n) in `jobs` worker processes; the worst exit status. Each
 * run's output depends only on its point, so the result equals the serial
 * one. */
static int run_all(const struct run_list *l, const unsigned *todo, unsigned n,
		   const char *out_dir, const struct run_options *o)
{
	unsigned jobs = o->jobs ? o->jobs : 1;
	if (jobs > n)
		jobs = n;
	int status = 0;
	struct board board;
	board_init(&board, n, jobs, o->quiet);
	if (jobs <= 1) {
		struct reporter rep = { -1, 0, &board };
		for (unsigned i = 0; i < n; i++) {
			int rc = do_run(l, todo[i], out_dir, &rep);
			if (rc > status)
				status = rc;
		}
		board_finish(&board);
		return status;
	}
	/* worker w takes todo[w], todo[w + jobs], ... */
	pid_t *pids = interrupt.workers;
	int pipefd[2];
	if (pipe(pipefd) != 0) {
		perror("npusim: pipe");
		return 1;
	}
	for (unsigned w = 0; w < jobs; w++) {
		pid_t pid = fork();
		if (pid < 0) {
			perror("npusim: fork");
			raise(SIGTERM);        /* stops the workers started */
		}
		if (pid == 0) {
			become_worker(interrupt.parent);
			close(pipefd[0]);
			struct reporter rep = { pipefd[1], w, NULL };
			int worst = 0;
			for (unsigned i = w; i < n; i += jobs) {
				int rc = do_run(l, todo[i], out_dir, &rep);
				if (rc > worst)
					worst = rc;
			}
			_exit(worst);
		}
		pids[w] = pid;
		interrupt.n_workers = (sig_atomic_t)(w + 1);
	}
	close(pipefd[1]);
	board_read(&board, pipefd[0]);
	for (unsigned w = 0; w < jobs; w++) {
		int ws;
		while (waitpid(pids[w], &ws, 0) < 0 && errno == EINTR)
			;
		int rc = WIFEXITED(ws) ? WEXITSTATUS(ws) : 1;
		if (rc > status)
			status = rc;
	}
	interrupt.n_workers = 0;
	board_finish(&board);
	return status;
}

/* Every run's configuration builds: 0, or 2 with the first error. */
static int check_list(const struct run_list *l)
{
	for (unsigned run = 0; run < l->runs; run++) {
		const struct scenario *sc;
		struct scenario_point p;
		struct testbed_config c;
		char err[512];
		if (l->get(l->ctx, run, &sc, &p, err, sizeof err) != 0 ||
		    scenario_config(sc, &p, &c, err, sizeof err) != 0) {
			fprintf(stderr, "npusim: %s\n", err);
			return 2;
		}
	}
	return 0;
}

/* The runs this invocation runs: the shard's (all without --shard), the one
 * --run names, less those --resume keeps. */
static unsigned *plan(const struct run_list *l, const struct run_options *o,
		      const struct shard_record *rec, const char *out_dir, unsigned *n)
{
	unsigned first = rec->first, last = rec->last, kept = 0;
	if (o->only_run >= 0) {
		first = (unsigned)o->only_run;
		last = first + 1;
	}
	unsigned *todo = malloc((last - first + 1) * sizeof *todo);
	*n = 0;
	for (unsigned run = first; todo && run < last; run++) {
		if (o->resume && run_complete(out_dir, run))
			kept++;
		else
			todo[(*n)++] = run;
	}
	if (todo && o->resume && !o->quiet)
		fprintf(stderr, "npusim: resuming in %s: %u run(s) complete, %u to run\n", out_dir,
			kept, *n);
	(void)l;
	return todo;
}

int run_list(const struct run_list *l, const struct run_options *o, const char *out_dir)
{
	time_t started = time(NULL);
	/* validate every point before anything is written */
	int status = check_list(l);
	if (status)
		return status;
	if (o->only_run >= 0 && (unsigned)o->only_run >= l->runs) {
		fprintf(stderr, "npusim: --run %d: scenario %s has runs 0..%u\n", o->only_run,
			l->name, l->runs - 1);
		return 2;
	}
	struct shard_record rec;
	if (shard_record_init(&rec, l, o) != 0)
		return 2;
	if (mkdir_p(out_dir) != 0) {
		fprintf(stderr, "npusim: cannot create %s: %s\n", out_dir, strerror(errno));
		return 1;
	}
	/* the folder is ours (locked) before anything in it is removed */
	if (lock_output(out_dir) != 0)
		return 1;
	if (o->only_run < 0 && (status = clear_stale_runs(out_dir, l->runs, o->force)) != 0)
		return status;
	if (o->resume && shard_check_resume(&rec, out_dir) != 0)
		return 2;
	/* one run (--run) leaves the sweep's other results alone */
	if (prepare_output(out_dir, o->resume || o->only_run >= 0) != 0 ||
	    (o->only_run < 0 && shard_record_write(&rec, out_dir) != 0))
		return 1;
	unsigned n;
	unsigned *todo = plan(l, o, &rec, out_dir, &n);
	if (!todo)
		return 1;
	status = run_all(l, todo, n, out_dir, o);
	free(todo);
	if (status == 2)
		return 2;
	rec.finished = time(NULL);
	if (o->only_run < 0 && shard_record_write(&rec, out_dir) != 0)
		return 1;
	if (o->shards && o->only_run < 0) {
		if (!o->quiet)
			fprintf(stderr, "npusim: shard %u/%u (runs %u-%u of %u) in %s; assemble the "
					"shards with npusim merge\n", o->shard, o->shards, rec.first,
				rec.last - 1, l->runs, out_dir);
		return status;
	}
	/* one run of a sweep: its results.csv and summary.json go into its own
	 * folder, beside its traces, leaving the sweep's untouched */
	unsigned first = o->only_run >= 0 ? (unsigned)o->only_run : 0;
	unsigned count = o->only_run >= 0 ? 1 : l->runs;
	char dest[4200], *prov = NULL;
	size_t prov_len = 0;
	if (count < l->runs)
		snprintf(dest, sizeof dest, "%s/run-%u", out_dir, first);
	else
		snprintf(dest, sizeof dest, "%s", out_dir);
	FILE *pf = open_memstream(&prov, &prov_len);
	if (!pf)
		return 1;
	write_provenance(pf, l, o, first, count, started);
	fclose(pf);
	FILE *echo = !o->quiet && l->repeat > 1 && count == l->runs ? stderr : NULL;
	int failed = assemble(out_dir, dest, l->name, first, count, l->runs, l->repeat, prov, echo);
	free(prov);
	if (failed < 0) {
		fprintf(stderr, "npusim: cannot assemble the results in %s\n", dest);
		return 1;
	}
	if (failed && status == 0)
		status = 1;
	/* a missing gnuplot only costs the images; a failing one is an error */
	if (o->plot && count == l->runs && plot_directory(out_dir, o->quiet) < 0 && status == 0)
		status = 1;
	if (!o->quiet && count == l->runs)
		fprintf(stderr, "npusim: results in %s/results.csv, points.csv and summary.json\n",
			out_dir);
	else if (!o->quiet)
		fprintf(stderr, "npusim: run %u of %s in %s/ (results.csv, summary.json)\n", first,
			l->name, dest);
	return status;
}

/* A scenario's own points as a run list. */
static int scenario_get(void *ctx, unsigned run, const struct scenario **sc,
			struct scenario_point *p, char *err, size_t err_len)
{
	(void)err;
	(void)err_len;
	*sc = ctx;
	scenario_point(*sc, run, p);
	return 0;
}

int run_scenario(const struct scenario *sc, const struct run_options *o)
{
	struct run_list l = { "run", sc->name, scenario_runs(sc), scenario_repeats(sc),
			      scenario_get, (void *)sc };
	char out_dir[4096];
	run_out_dir(sc->name, o, out_dir, sizeof out_dir);
	return run_list(&l, o, out_dir);
}
