/* tests/fuzz/fuzz_pcap.c - libFuzzer harness: `npusim replay` over an
 * arbitrary capture file. The input is the file's bytes, read by libpcap
 * from memory (fmemopen + pcap_fopen_offline, so pcap and pcapng), run
 * through replay_capture (traces/replay.c) with the command's defaults
 * (filter "tcp", LRO mode, 64 KB threshold, active ACK); the output
 * capture and the summary go to /dev/null.
 *
 * Checks: AddressSanitizer and UBSan over the replay path (record reading,
 * the timeout scan, the engine, flattening aggregates into the output) and
 * the exit status being one replay documents (0, 1 or 2).
 *
 * Smaller than the command's configuration, to keep an execution fast
 * (the timeout scan before each packet walks every descriptor): 64
 * descriptors instead of 4,096 (so a capture can also exhaust them) and
 * 64 packet buffers instead of 65,536 (running out of them is an error
 * path replay handles: status 1). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <pcap/pcap.h>

#include "firmware/lro.h"
#include "traces/replay.h"

#define FUZZ_CONNS 64u
#define FUZZ_PKT_BUFS 64u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static pcap_t *dead;
	static pcap_dumper_t *out;
	static FILE *summary;
	if (!dead) {
		dead = pcap_open_dead(DLT_EN10MB, 262144);
		FILE *null_out = fopen("/dev/null", "wb");
		summary = fopen("/dev/null", "w");
		if (!dead || !null_out || !summary)
			abort();
		out = pcap_dump_fopen(dead, null_out);
		if (!out)
			abort();
	}
	if (size == 0)
		return 0;
	FILE *f = fmemopen((void *)(uintptr_t)data, size, "rb");
	if (!f)
		return 0;
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_fopen_offline(f, err);
	if (!p) {
		fclose(f);
		return 0;
	}
	struct lro_config cfg;
	replay_config_default(&cfg);
	cfg.max_conns = FUZZ_CONNS;
	cfg.table_buckets = FUZZ_CONNS;
	struct replay_options opt;
	replay_options_default(&opt);
	int status = replay_capture(p, "fuzz", &opt, &cfg, FUZZ_PKT_BUFS, out, summary);
	pcap_close(p);                 /* closes f */
	if (status < 0 || status > 2)
		abort();
	return 0;
}
