/* bench/sim.c - whole-simulator speed: the 64-connection LRO point of the
 * paper's Fig. 13 with the full NPU, PCIe and host model, for a fixed
 * simulated time. Prints "bench: name value unit" lines (median of 3). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include "cli/testbed.h"

/* CPU time of the process: unlike the wall time, not stretched by other
 * programs running on the machine. */
static double cpu_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* The machine's load before the runs: wall-clock figures depend on it. */
static void print_loadavg(void)
{
	FILE *f = fopen("/proc/loadavg", "r");
	double l1;
	if (f && fscanf(f, "%lf", &l1) == 1)
		printf("bench: load_average_1min %.2f (before the runs)\n", l1);
	if (f)
		fclose(f);
}

int main(int argc, char **argv)
{
	double sim_s = argc > 1 ? atof(argv[1]) : 0.5;
	print_loadavg();
	double rate[3], evs[3], pkts[3], evpp[3], pkts_cpu[3];
	for (int rep = 0; rep < 3; rep++) {
		struct testbed_config c;
		struct testbed_result r;
		testbed_config_default(&c);
		c.client.connections = 64;
		c.client.bytes_per_connection = 1ULL << 30;   /* more than fits the time limit */
		c.time_limit_ps = sim_time_from_seconds(sim_s);
		double cpu0 = cpu_seconds();
		if (testbed_run(&c, &r, NULL) != 0)
			return 1;
		double cpu = cpu_seconds() - cpu0;
		double data_packets = (double)r.fw.lro.frames_in;
		rate[rep] = sim_time_to_seconds(r.sim_end_ps) / r.wall_seconds;
		evs[rep] = (double)r.events / r.wall_seconds;
		pkts[rep] = data_packets / r.wall_seconds;
		evpp[rep] = (double)r.events / data_packets;
		pkts_cpu[rep] = data_packets / cpu;
		if (rep == 0)
			printf("bench: sim_throughput_gbps %.3f Gbit/s (64 connections, LRO, %.2f s simulated)\n",
			       r.throughput_gbps, sim_s);
	}
	qsort(rate, 3, sizeof rate[0], cmp);
	qsort(evs, 3, sizeof evs[0], cmp);
	qsort(pkts, 3, sizeof pkts[0], cmp);
	qsort(evpp, 3, sizeof evpp[0], cmp);
	qsort(pkts_cpu, 3, sizeof pkts_cpu[0], cmp);
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("bench: sim_seconds_per_wall_second %.3f s/s\n", rate[1]);
	printf("bench: events_per_s %.0f events/s\n", evs[1]);
	printf("bench: data_packets_per_wall_s %.0f packets/s\n", pkts[1]);
	printf("bench: data_packets_per_cpu_s %.0f packets/s\n", pkts_cpu[1]);
	printf("bench: events_per_data_packet %.1f events\n", evpp[1]);
	printf("bench: peak_rss %ld KiB\n", ru.ru_maxrss);
	return 0;
}
