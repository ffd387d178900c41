/* traces/pcap_tap.c - pcap files written during a simulation (libpcap),
 * through sim/atomic_file: libpcap writes into its own stream onto the
 * temporary file, whose errors the commit checks when the tap closes. */
#include "traces/pcap_tap.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/atomic_file.h"

struct pcap_tap {
	pcap_t *dead;
	pcap_dumper_t *dump;
	struct atomic_file *af;
	uint64_t frames;
};

pcap_dumper_t *pcap_dump_atomic(pcap_t *dead, struct atomic_file *af)
{
	FILE *f = atomic_file_extra_stream(af);
	if (!f)
		return NULL;
	pcap_dumper_t *d = pcap_dump_fopen(dead, f);
	if (!d)
		fclose(f);
	return d;
}

int pcap_dump_atomic_close(pcap_dumper_t *d, struct atomic_file *af)
{
	/* a write that failed, in pcap_dump or here, is the atomic file's
	 * error: its commit reports it and removes the temporary */
	pcap_dump_flush(d);
	pcap_dump_close(d);
	return atomic_file_commit(af);
}

struct pcap_tap *pcap_tap_open(const char *path)
{
	struct pcap_tap *t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	t->dead = pcap_open_dead_with_tstamp_precision(DLT_EN10MB, PCAP_TAP_SNAPLEN,
						       PCAP_TSTAMP_PRECISION_NANO);
	t->af = t->dead ? atomic_file_open(path) : NULL;
	int e = errno;
	t->dump = t->af ? pcap_dump_atomic(t->dead, t->af) : NULL;
	if (!t->dump) {
		fprintf(stderr, "npusim: cannot create %s: %s\n", path,
			!t->dead ? "libpcap" : t->af ? pcap_geterr(t->dead) : strerror(e));
		atomic_file_discard(t->af);
		if (t->dead)
			pcap_close(t->dead);
		free(t);
		return NULL;
	}
	return t;
}

void pcap_tap_write(struct pcap_tap *t, const uint8_t *frame, uint32_t len, sim_time t_ps)
{
	struct pcap_pkthdr h;
	uint64_t ns = t_ps / SIM_PS_PER_NS;
	h.ts.tv_sec = (time_t)(ns / 1000000000u);
	h.ts.tv_usec = (suseconds_t)(ns % 1000000000u);  /* nanoseconds in a nano file */
	h.caplen = h.len = len;
	if (h.caplen > PCAP_TAP_SNAPLEN)
		h.caplen = PCAP_TAP_SNAPLEN;
	pcap_dump((u_char *)t->dump, &h, frame);
	t->frames++;
}

int pcap_tap_close(struct pcap_tap *t)
{
	if (!t)
		return 0;
	char path[4096];
	snprintf(path, sizeof path, "%s", atomic_file_path(t->af));
	int rc = pcap_dump_atomic_close(t->dump, t->af);
	if (rc != 0)
		fprintf(stderr, "npusim: cannot write %s: %s\n", path, strerror(errno));
	pcap_close(t->dead);
	free(t);
	return rc;
}

void pcap_tap_discard(struct pcap_tap *t)
{
	if (!t)
		return;
	pcap_dump_close(t->dump);
	atomic_file_discard(t->af);
	pcap_close(t->dead);
	free(t);
}

uint64_t pcap_tap_frames(const struct pcap_tap *t)
{
	return t->frames;
}
