/* traces/pcap_tap.c - pcap files written during a simulation (libpcap). */
#include "traces/pcap_tap.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct pcap_tap {
	pcap_t *dead;
	pcap_dumper_t *dump;
	char path[4096], tmp[4200];
	uint64_t frames;
};

struct pcap_tap *pcap_tap_open(const char *path)
{
	struct pcap_tap *t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	snprintf(t->path, sizeof t->path, "%s", path);
	snprintf(t->tmp, sizeof t->tmp, "%s.tmp.%d", path, (int)getpid());
	t->dead = pcap_open_dead_with_tstamp_precision(DLT_EN10MB, 262144,
						       PCAP_TSTAMP_PRECISION_NANO);
	t->dump = t->dead ? pcap_dump_open(t->dead, t->tmp) : NULL;
	if (!t->dump) {
		fprintf(stderr, "npusim: cannot create %s: %s\n", path,
			t->dead ? pcap_geterr(t->dead) : "libpcap");
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
	pcap_dump((u_char *)t->dump, &h, frame);
	t->frames++;
}

int pcap_tap_close(struct pcap_tap *t)
{
	if (!t)
		return 0;
	int rc = 0;
	if (pcap_dump_flush(t->dump) != 0)
		rc = -1;
	pcap_dump_close(t->dump);
	pcap_close(t->dead);
	if (rc == 0 && rename(t->tmp, t->path) != 0)
		rc = -1;
	if (rc != 0) {
		fprintf(stderr, "npusim: cannot write %s: %s\n", t->path, strerror(errno));
		unlink(t->tmp);
	}
	free(t);
	return rc;
}

uint64_t pcap_tap_frames(const struct pcap_tap *t)
{
	return t->frames;
}
