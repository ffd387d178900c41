/* tests/fw_target/selftest.c - the LRO engine's self-test for the target:
 * built with the big-endian MIPS64 cross compiler and run under qemu-mips64
 * (make check, mk/firmware.mk), proving the firmware is endian-clean target
 * code. It needs no test framework: a failure prints and exits 1. */
/* first: the engine's native names ahead of the firmware headers */
#include "traces/hal_native.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "firmware/lro.h"
#include "host/netpkt.h"

static int failures;
#define CHECK(c) do { if (!(c)) { printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #c); failures++; } } while (0)

#define N_BUFS 16
static uint8_t *bufs[N_BUFS];          /* from the native HAL's pool */

static uint32_t build(int i, uint32_t seq, uint32_t len, uint8_t flags)
{
	struct netpkt_tcp h;
	memset(&h, 0, sizeof h);
	h.saddr = 0x0a000001;
	h.daddr = 0x0a000002;
	h.sport = 40000;
	h.dport = 5001;
	h.seq = seq;
	h.ack = 1;
	h.flags = flags;
	h.window = 500;
	h.has_ts = 1;
	h.tsval = 7;
	h.tsecr = 9;
	h.wscale = 0xff;
	uint8_t payload[1500];
	for (uint32_t k = 0; k < len; k++)
		payload[k] = (uint8_t)(seq + k);
	return netpkt_build_tcp(bufs[i], &h, payload, len);
}

int main(void)
{
	static uint8_t mem[1 << 20] __attribute__((aligned(64)));
	struct hal_native_config machine = { .pkt_buffers = N_BUFS };
	if (hal_native_init(&machine) != 0) {
		printf("FAIL: no memory for the native HAL\n");
		return 1;
	}
	for (int i = 0; i < N_BUFS; i++)
		bufs[i] = hal_pkt_alloc();
	CHECK(bufs[N_BUFS - 1] != NULL && hal_pkt_alloc() == NULL);
	struct lro_config c;
	lro_config_default(&c);
	c.threshold_bytes = 3000;
	c.max_conns = 4;
	c.table_buckets = 4;
	CHECK(lro_engine_bytes(&c) <= sizeof mem);
	struct lro_engine *e = lro_engine_init(mem, &c);
	static struct lro_out out;
	uint32_t iss = 0xfffffbffu;           /* the run crosses 2^32 */
	lro_input(e, bufs[0], build(0, iss, 0, 0x02), 0, &out);
	CHECK(out.n == 1 && out.a[0].kind == LRO_ACT_PASS);
	lro_input(e, bufs[1], build(1, iss + 1001, 1000, 0x10), 1, &out);  /* out of order */
	lro_input(e, bufs[2], build(2, iss + 1, 1000, 0x10), 2, &out);
	CHECK(out.n == 1 && out.a[0].kind == LRO_ACT_ACK);
	lro_input(e, bufs[3], build(3, iss + 2001, 1000, 0x10), 3, &out);
	const struct lro_action *d = NULL;
	for (unsigned i = 0; i < out.n; i++)
		if (out.a[i].kind == LRO_ACT_DELIVER)
			d = &out.a[i];
	CHECK(d != NULL);
	if (d) {
		CHECK(d->n_segs == 3);
		static uint8_t agg[8192];
		const struct lro_seg *s = d->segs;
		uint32_t hdr = d->len - 3000, at = hdr;
		memcpy(agg, s->frame, hdr);
		for (; s; s = s->next) {
			memcpy(agg + at, s->frame + s->payload_off, s->payload_len);
			at += s->payload_len;
		}
		struct netpkt_tcp h;
		const uint8_t *pl;
		uint32_t plen;
		CHECK(netpkt_parse_tcp(agg, at, &h, &pl, &plen) == 0);  /* both checksums */
		CHECK(h.seq == iss + 1 && plen == 3000);
		for (uint32_t k = 0; k < plen; k++)
			CHECK(pl[k] == (uint8_t)(iss + 1 + k));
	}
	/* the safe active ACK: the host's SYN-ACK (scale 7) and an ACK read
	 * from big-endian frames; the ACK stays within the host's window */
	c.active_ack = LRO_ACK_SAFE;
	e = lro_engine_init(mem, &c);
	lro_input(e, bufs[4], build(4, iss, 0, 0x02), 0, &out);
	struct netpkt_tcp r;
	memset(&r, 0, sizeof r);
	r.saddr = 0x0a000002;
	r.daddr = 0x0a000001;
	r.sport = 5001;
	r.dport = 40000;
	r.ack = iss + 1;
	r.flags = 0x12;
	r.window = 5792;
	r.wscale = 7;
	r.has_ts = 1;
	static uint8_t host[128];
	struct lro_host_seg hs;
	static struct lro_action upd;
	CHECK(lro_host_seg_parse(host, netpkt_build_tcp(host, &r, NULL, 0), &hs) && hs.wscale == 7);
	CHECK(lro_note_host_seg(e, &hs, &upd) == LRO_HOST_NOTED);
	r.flags = 0x10;
	r.window = 20;                        /* 20 << 7 = 2,560 bytes */
	r.wscale = 0xff;
	CHECK(lro_host_seg_parse(host, netpkt_build_tcp(host, &r, NULL, 0), &hs));
	CHECK(lro_note_host_seg(e, &hs, &upd) == LRO_HOST_NOTED);
	lro_input(e, bufs[5], build(5, iss + 1, 1000, 0x10), 1, &out);
	CHECK(out.n == 1 && out.a[0].kind == LRO_ACT_ACK);
	if (out.n == 1) {
		struct netpkt_tcp a;
		const uint8_t *pl;
		uint32_t plen;
		CHECK(netpkt_parse_tcp(out.a[0].ack_frame, out.a[0].len, &a, &pl, &plen) == 0);
		CHECK(a.ack == iss + 1001 && a.window == (2560 - 1000) >> 7);
	}
	hal_native_fini();
	printf("firmware self-test on this target: %s\n", failures ? "FAILED" : "ok");
	return failures ? 1 : 0;
}
