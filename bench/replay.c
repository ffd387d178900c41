/* bench/replay.c - the native speed of the firmware's LRO engine: a capture
 * held in memory, fed to the engine pass after pass for at least 2 s of
 * wall time (in 4 turns), checksum verification on (the engine always
 * verifies). The default capture is the generated bulk transfer
 * (bench/capture.h); a pcap path replaces it. Before timing, one pass is
 * checked byte for byte against the input (bench/verify.h). Also timed:
 * the harness's own share, the copies of the frames into packet buffers,
 * and the engine alone, the frames put in their buffers before its clock
 * runs (as a NIC's DMA would, at no cost to the core).
 *
 * usage: replay [CAPTURE.pcap] [--seconds S] [--flows N] [--segments N]
 *               [--write OUT.pcap]
 * Prints "bench: name value unit" lines; exits 1 if the check fails. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/capture.h"
#include "bench/engine.h"
#include "bench/verify.h"

#define SLICES 4

static int usage(void)
{
	fprintf(stderr, "usage: replay [CAPTURE.pcap] [--seconds S] [--flows N] [--segments N] "
			"[--write OUT.pcap]\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *write_path = NULL;
	struct capture_options opt;
	capture_options_default(&opt);
	for (int i = 1; i < argc; i++) {
		if (capture_options_take(&opt, argc, argv, &i))
			continue;
		if (!strcmp(argv[i], "--write") && i + 1 < argc)
			write_path = argv[++i];
		else
			return usage();
	}
	if (!capture_options_valid(&opt))
		return usage();
	double seconds = opt.seconds;

	struct capture c;
	if (capture_options_load(&opt, &c, "replay") != 0)
		return 2;
	if (write_path && capture_write(&c, write_path) != 0)
		return 1;
	printf("replay: capture: %s; %zu frames, %.1f MB\n", c.name, c.n, (double)c.data_bytes / 1e6);
	bench_print_loadavg();

	struct verify *v = verify_new(&c);
	struct verify_report rep;
	if (!v || engine_verify(&c, v, &rep) != 0) {
		fprintf(stderr, "replay: verification pass failed to run\n");
		return 1;
	}
	int ok = rep.bytes_verified && rep.out_of_order == 0 && rep.out_bad_checksum == 0;
	printf("replay: verified pass: %llu data segments in, %llu data frames out, %llu bytes equal; "
	       "wrong %llu, twice %llu, extra %llu, missing %llu, out of order %llu, bad checksums %llu\n",
	       (unsigned long long)rep.in_data_segments, (unsigned long long)rep.out_data,
	       (unsigned long long)rep.bytes_ok, (unsigned long long)rep.bytes_wrong,
	       (unsigned long long)rep.bytes_twice, (unsigned long long)rep.bytes_extra,
	       (unsigned long long)rep.bytes_missing, (unsigned long long)rep.out_of_order,
	       (unsigned long long)rep.out_bad_checksum);
	if (rep.in_bad_checksum)
		printf("replay: %llu input frames have a wrong checksum (the engine drops them)\n",
		       (unsigned long long)rep.in_bad_checksum);

	/* the engine, the copy alone and the engine alone take turns, so
	 * that all see the same machine (what a core gets from memory can
	 * change over seconds, on a shared virtual machine) */
	struct engine_speed s = { 0 }, copy = { 0 }, placed = { 0 };
	for (int slice = 0; slice < SLICES; slice++) {
		struct engine_speed s1, c1, p1;
		if (engine_measure(&c, seconds / SLICES, &s1) != 0 ||
		    engine_copy_measure(&c, seconds / SLICES / 4, &c1) != 0 ||
		    engine_placed_measure(&c, seconds / SLICES / 2, &p1) != 0)
			return 1;
		placed.frames += p1.frames;
		placed.seconds += p1.seconds;
		placed.cpu_seconds += p1.cpu_seconds;
		s.passes += s1.passes;
		s.frames += s1.frames;
		s.seconds += s1.seconds;
		s.cpu_seconds += s1.cpu_seconds;
		copy.frames += c1.frames;
		copy.seconds += c1.seconds;
		copy.cpu_seconds += c1.cpu_seconds;
	}
	s.mpps = (double)s.frames / s.seconds / 1e6;
	double copy_mpps = (double)copy.frames / copy.seconds / 1e6;
	double ratio = rep.out_data ? (double)rep.out_segments / (double)rep.out_data : 0;
	printf("replay: %llu passes, %.2f s timed, one core, checksum verification on\n",
	       (unsigned long long)s.passes, s.seconds);
	printf("replay: per frame %.0f ns, of which %.0f ns copying it into its packet buffer "
	       "(the harness's stand-in for the NIC's DMA)\n",
	       1e3 / s.mpps, 1e3 / copy_mpps);
	printf("bench: replay_mpps %.3f Mpps\n", s.mpps);
	printf("bench: replay_aggregation_ratio %.2f segments/aggregate\n", ratio);
	printf("bench: replay_line_rate_multiple %.2f x\n", s.mpps / LINE_RATE_MPPS);
	printf("bench: replay_copy_only_mpps %.3f Mpps\n", copy_mpps);
	/* the same per CPU second of this thread: steadier when other jobs
	 * share the cores (memory bandwidth is still shared) */
	printf("bench: replay_cpu_mpps %.3f Mpps\n", (double)s.frames / s.cpu_seconds / 1e6);
	printf("bench: replay_copy_only_cpu_mpps %.3f Mpps\n",
	       (double)copy.frames / copy.cpu_seconds / 1e6);
	/* the engine alone: frames already in their buffers, as the NIC's
	 * DMA leaves them (no copy by the core) */
	printf("bench: replay_engine_alone_mpps %.3f Mpps\n",
	       (double)placed.frames / placed.seconds / 1e6);
	printf("bench: replay_engine_alone_cpu_mpps %.3f Mpps\n",
	       (double)placed.frames / placed.cpu_seconds / 1e6);
	printf("bench: replay_verified %s\n", ok ? "yes" : "no");
	verify_free(v);
	capture_free(&c);
	return ok ? 0 : 1;
}
