/* tests/testutil.c - helpers shared by the Check suites. */
#include "tests/testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "firmware/hal.h"

const char *testutil_data_dir(void)
{
	const char *d = getenv("NPUSIM_TEST_DATA");
	return d ? d : "tests/data";
}

const char *testutil_data_path(const char *name)
{
	static char path[4096];
	snprintf(path, sizeof path, "%s/%s", testutil_data_dir(), name);
	return path;
}

char *testutil_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	char tmpl[4096];
	snprintf(tmpl, sizeof tmpl, "%s/npusim-test-XXXXXX", base ? base : "/tmp");
	char *d = mkdtemp(tmpl);
	return d ? strdup(d) : NULL;
}

struct netpkt_tcp testutil_flow(uint16_t sport)
{
	struct netpkt_tcp h;
	memset(&h, 0, sizeof h);
	memset(h.dst_mac, 2, 6);
	memset(h.src_mac, 1, 6);
	h.saddr = 0x0a000001;
	h.daddr = 0x0a000002;
	h.sport = sport;
	h.dport = 5001;
	h.ack = 777;
	h.window = 100;
	h.flags = NETPKT_TCP_ACK;
	h.has_ts = 1;
	h.tsval = 10;
	h.tsecr = 20;
	h.wscale = 0xff;
	return h;
}

static uint8_t *frames[8192];
static unsigned n_frames;

uint8_t *testutil_frame(struct netpkt_tcp h, uint32_t seq, uint32_t len, uint32_t *flen)
{
	uint8_t *b = aligned_alloc(64, HAL_PKT_BUF_BYTES);
	uint8_t payload[1500];
	if (!b || n_frames == sizeof frames / sizeof frames[0] || len > sizeof payload)
		abort();
	frames[n_frames++] = b;
	for (uint32_t i = 0; i < len; i++)
		payload[i] = (uint8_t)(seq + i);
	h.seq = seq;
	*flen = netpkt_build_tcp(b, &h, payload, len);
	return b;
}

uint8_t *testutil_last_frame(void)
{
	return n_frames ? frames[n_frames - 1] : NULL;
}

void testutil_free_frames(void)
{
	for (unsigned i = 0; i < n_frames; i++)
		free(frames[i]);
	n_frames = 0;
}
