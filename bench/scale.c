/* bench/scale.c - the simulator's cost curves: wall time and peak memory
 * of one run against the number of connections and against simulated
 * time. Each point runs in a child process of its own, so that its peak
 * resident memory (the child's getrusage ru_maxrss, read by wait4) is its
 * own and not the largest of the points before it.
 *
 *   scale [--quick]
 *   scale --point CONNECTIONS SIM_SECONDS   (one point, its row only)
 *
 * Connections: 1, 10, 100, 1k, 10k, the most one client address can open
 * (the source ports from 1024 up: 64,512) and 100k (from two addresses,
 * host/endpoints.h), the 64-connection bench point's traffic otherwise
 * (LRO, bulk transfers), connects all at once, 3 s simulated (the SYN
 * burst of 64,512 connects takes about 3 s to be answered; 100k: 4 s).
 * Simulated time: 64 connections for 0.05 to 2 s.
 * Prints "scale:" table rows and "bench: name value unit" lines. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/testbed.h"

/* What a child reports to its parent through a pipe. */
struct point_result {
	int ok;
	uint32_t established;
	uint64_t data_packets, events;
	double wall_seconds;           /* testbed_run's own: the run without set-up */
	double throughput_gbps;
};

struct point {
	uint32_t connections;
	double sim_seconds;
	/* filled by the parent */
	struct point_result r;
	double child_wall;             /* fork to reap: set-up, run, tear-down */
	double child_cpu;              /* its user + system seconds: steadier than
				* the wall time when other jobs share the cores */
	long peak_kib;
};

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void run_child(const struct point *p, int fd)
{
	struct testbed_config c;
	struct testbed_result r;
	struct point_result out;
	memset(&out, 0, sizeof out);
	testbed_config_default(&c);
	c.client.connections = p->connections;
	c.client.bytes_per_connection = 1ULL << 30;   /* more than fits the time limit */
	c.client.pattern = CLIENT_SIMULTANEOUS;
	/* the low end of the unprivileged ports: the most connections per
	 * client address */
	c.client.port_base = 1024;
	c.time_limit_ps = sim_time_from_seconds(p->sim_seconds);
	if (testbed_run(&c, &r, NULL) == 0) {
		out.ok = 1;
		out.established = r.established;
		out.data_packets = r.fw.lro.frames_in;
		out.events = r.events;
		out.wall_seconds = r.wall_seconds;
		out.throughput_gbps = r.throughput_gbps;
	} else {
		fprintf(stderr, "scale: %u connections: %s\n", p->connections, r.integrity_message);
	}
	ssize_t n = write(fd, &out, sizeof out);
	_exit(n == (ssize_t)sizeof out && out.ok ? 0 : 1);
}

static int run_point(struct point *p)
{
	int fds[2];
	if (pipe(fds) != 0) {
		perror("scale: pipe");
		return -1;
	}
	fflush(stdout);
	double t0 = now();
	pid_t pid = fork();
	if (pid < 0) {
		perror("scale: fork");
		return -1;
	}
	if (pid == 0) {
		close(fds[0]);
		run_child(p, fds[1]);
	}
	close(fds[1]);
	memset(&p->r, 0, sizeof p->r);
	ssize_t n = read(fds[0], &p->r, sizeof p->r);
	close(fds[0]);
	int status;
	struct rusage ru;
	if (wait4(pid, &status, 0, &ru) != pid) {
		perror("scale: wait4");
		return -1;
	}
	p->child_wall = now() - t0;
	p->peak_kib = ru.ru_maxrss;
	p->child_cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 +
		       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
	if (n != (ssize_t)sizeof p->r || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "scale: the run of %u connections, %.2f s simulated, failed (%s %d)\n",
			p->connections, p->sim_seconds,
			WIFSIGNALED(status) ? "signal" : "exit status",
			WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
		p->r.ok = 0;
		return -1;
	}
	return 0;
}

static void print_row(const struct point *p)
{
	printf("scale: | %u | %.2f | %u | %llu | %.2f | %.2f | %.2f | %.1f |\n", p->connections,
	       p->sim_seconds, p->r.established, (unsigned long long)p->r.data_packets,
	       p->r.wall_seconds, p->child_wall, p->child_cpu, (double)p->peak_kib / 1024.0);
}

static void print_header(const char *what)
{
	printf("scale: %s\n", what);
	printf("scale: | connections | simulated s | established | data packets | run wall s | "
	       "process wall s | process CPU s | peak RSS MiB |\n");
	printf("scale: |---|---|---|---|---|---|---|---|\n");
}

int main(int argc, char **argv)
{
	int quick = argc == 2 && !strcmp(argv[1], "--quick");
	if (argc == 4 && !strcmp(argv[1], "--point")) {
		struct point p = { .connections = (uint32_t)strtoul(argv[2], NULL, 10),
				   .sim_seconds = atof(argv[3]) };
		if (p.connections < 1 || p.connections > CLIENT_MAX_CONNECTIONS ||
		    !(p.sim_seconds > 0)) {
			fprintf(stderr, "scale: --point: 1 to %u connections, a positive time\n",
				CLIENT_MAX_CONNECTIONS);
			return 2;
		}
		print_header("one point");
		if (run_point(&p) != 0)
			return 1;
		print_row(&p);
		return 0;
	}
	if (argc > 2 || (argc == 2 && !quick)) {
		fprintf(stderr, "usage: scale [--quick] | scale --point CONNECTIONS SIM_SECONDS\n");
		return 2;
	}
	static const uint32_t conns[] = { 1, 10, 100, 1000, 10000, 64512, 100000 };
	static const double times[] = { 0.05, 0.1, 0.2, 0.5, 1.0, 2.0 };
	size_t n_conns = quick ? 4 : sizeof conns / sizeof conns[0];
	size_t n_times = quick ? 3 : sizeof times / sizeof times[0];
	int failed = 0;

	if (access("/proc/loadavg", R_OK) == 0) {
		FILE *f = fopen("/proc/loadavg", "r");
		double l1;
		if (f && fscanf(f, "%lf", &l1) == 1)
			printf("bench: load_average_1min %.2f (before the runs)\n", l1);
		if (f)
			fclose(f);
	}

	print_header("against connections (3 s simulated, 4 s from 100k: time for every SYN to be "
		     "answered)");
	struct point by_conn[sizeof conns / sizeof conns[0]];
	for (size_t i = 0; i < n_conns; i++) {
		by_conn[i] = (struct point){ .connections = conns[i],
					     .sim_seconds = conns[i] >= 100000 ? 4.0 : 3.0 };
		if (run_point(&by_conn[i]) != 0) {
			failed = 1;
			continue;
		}
		print_row(&by_conn[i]);
	}
	print_header("against simulated time (64 connections)");
	struct point by_time[sizeof times / sizeof times[0]];
	for (size_t i = 0; i < n_times; i++) {
		by_time[i] = (struct point){ .connections = 64, .sim_seconds = times[i] };
		if (run_point(&by_time[i]) != 0) {
			failed = 1;
			continue;
		}
		print_row(&by_time[i]);
	}

	/* memory per connection: the slope between the smallest and the
	 * largest point that ran */
	const struct point *lo = &by_conn[0], *hi = NULL;
	for (size_t i = n_conns; i-- > 1;)
		if (by_conn[i].r.ok) {
			hi = &by_conn[i];
			break;
		}
	if (lo->r.ok && hi) {
		double per = (double)(hi->peak_kib - lo->peak_kib) * 1024.0 /
			     (double)(hi->connections - lo->connections);
		printf("bench: scale_bytes_per_connection %.0f bytes (peak RSS, %u against %u connections)\n",
		       per, hi->connections, lo->connections);
		printf("bench: scale_max_connections_peak_rss %.1f MiB (%u connections)\n",
		       (double)hi->peak_kib / 1024.0, hi->connections);
		printf("bench: scale_max_connections_wall %.2f s\n", hi->child_wall);
		printf("bench: scale_max_connections_cpu %.2f s\n", hi->child_cpu);
	}
	if (by_time[0].r.ok && by_time[n_times - 1].r.ok)
		printf("bench: scale_peak_rss_time_growth %.2f x (%.2f s against %.2f s simulated)\n",
		       (double)by_time[n_times - 1].peak_kib / (double)by_time[0].peak_kib,
		       by_time[n_times - 1].sim_seconds, by_time[0].sim_seconds);
	return failed;
}
