/* bench/capture.c - captures in memory: the generated bulk transfer and
 * pcap files. */
#include "bench/capture.h"

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "firmware/lro.h"
#include "host/netpkt.h"

/* Frames start on 64-byte boundaries of capture.data. */
#define FRAME_ALIGN 64u
#define LINE_RATE_BPS 10000000000ull
/* Preamble, start delimiter, FCS and the inter-frame gap. */
#define WIRE_OVERHEAD 24u

static uint64_t align_up(uint64_t n)
{
	return (n + FRAME_ALIGN - 1u) / FRAME_ALIGN * FRAME_ALIGN;
}

void capture_free(struct capture *c)
{
	free(c->data);
	free(c->frames);
	memset(c, 0, sizeof *c);
}

static uint64_t xorshift64(uint64_t *s)
{
	uint64_t x = *s;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return x;
}

static void fill_random(uint8_t *p, uint32_t len, uint64_t *state)
{
	for (uint32_t i = 0; i < len; i += 8) {
		uint64_t r = xorshift64(state);
		uint32_t n = len - i < 8u ? len - i : 8u;
		memcpy(p + i, &r, n);
	}
}

int capture_generate_bulk(struct capture *c, unsigned flows, unsigned segs, unsigned mss)
{
	memset(c, 0, sizeof *c);
	if (flows == 0 || segs == 0 || mss == 0 || mss > 1448u)
		return -1;
	size_t n = (size_t)flows * (segs + 2u);
	uint64_t stride = align_up(14u + 20u + 40u + mss);
	c->frames = calloc(n, sizeof *c->frames);
	c->data = aligned_alloc(FRAME_ALIGN, n * stride);
	if (!c->frames || !c->data) {
		capture_free(c);
		return -1;
	}
	snprintf(c->name, sizeof c->name, "generated bulk TCP, %u flows x %u segments of %u bytes", flows,
		 segs, mss);

	struct netpkt_tcp *h = calloc(flows, sizeof *h);
	uint64_t *rng = calloc(flows, sizeof *rng);
	uint8_t *payload = malloc(mss);
	if (!h || !rng || !payload) {
		free(h);
		free(rng);
		free(payload);
		capture_free(c);
		return -1;
	}
	uint64_t t_ps = 0, at = 0;
	for (unsigned f = 0; f < flows; f++) {
		memcpy(h[f].src_mac, "\x02\x00\x00\x00\x01\x01", 6);
		memcpy(h[f].dst_mac, "\x02\x00\x00\x00\x00\x02", 6);
		h[f].saddr = 0x0a000100u + f + 1u;    /* 10.0.1.x -> 10.0.0.2 */
		h[f].daddr = 0x0a000002u;
		h[f].sport = (uint16_t)(40000u + f);
		h[f].dport = 5001;
		h[f].seq = 0x10000000u * (f % 16u) + 0x0ff00000u;  /* the 16th wraps past 2^32 */
		h[f].ack = 0x70000000u + f;
		h[f].window = 502;                    /* scaled by 2^7 */
		h[f].ip_id = (uint16_t)(f * 4099u);
		h[f].has_ts = 1;
		rng[f] = 0x9e3779b97f4a7c15ull * (f + 1u);
	}
	/* round k: every flow sends its k-th frame (0: SYN, segs + 1: FIN) */
	for (unsigned k = 0; k < segs + 2u; k++) {
		for (unsigned f = 0; f < flows; f++) {
			struct netpkt_tcp *p = &h[f];
			uint64_t t_ns = t_ps / 1000u;
			uint32_t len = 0;
			p->tsval = (uint32_t)(t_ns / 1000000u) + 1000000u + 1000u * f;
			/* the receiver's clock, as last echoed (50 us round trip) */
			p->tsecr = (uint32_t)((t_ns + 10000000u - 50000u) / 1000000u) + 5000000u;
			if (k == 0) {
				p->flags = NETPKT_TCP_SYN;
				p->mss = (uint16_t)mss;
				p->wscale = 7;
			} else if (k == segs + 1u) {
				p->flags = NETPKT_TCP_FIN | NETPKT_TCP_ACK;
				p->mss = 0;
				p->wscale = 0xff;
			} else {
				p->flags = (k % 4u == 0) ? (NETPKT_TCP_ACK | NETPKT_TCP_PSH) : NETPKT_TCP_ACK;
				p->mss = 0;
				p->wscale = 0xff;
				len = mss;
				fill_random(payload, len, &rng[f]);
			}
			struct capture_frame *fr = &c->frames[c->n++];
			fr->off = at;
			fr->ts_ns = t_ns;
			fr->len = netpkt_build_tcp(c->data + at, p, payload, len);
			at += align_up(fr->len);
			c->data_bytes += fr->len;
			t_ps += (uint64_t)(fr->len + WIRE_OVERHEAD) * 8u * 1000000000000ull / LINE_RATE_BPS;
			p->seq += len + (k == 0 ? 1u : 0u);
			p->ip_id++;
		}
	}
	free(h);
	free(rng);
	free(payload);
	return 0;
}

int capture_load(struct capture *c, const char *path)
{
	memset(c, 0, sizeof *c);
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline(path, err);
	if (!p) {
		fprintf(stderr, "%s: %s\n", path, err);
		return -1;
	}
	if (pcap_datalink(p) != DLT_EN10MB) {
		fprintf(stderr, "%s: not an Ethernet capture\n", path);
		pcap_close(p);
		return -1;
	}
	snprintf(c->name, sizeof c->name, "%s", path);
	size_t cap_frames = 0;
	uint64_t cap_bytes = 0, at = 0;
	struct pcap_pkthdr *h;
	const u_char *d;
	int rc;
	while ((rc = pcap_next_ex(p, &h, &d)) == 1) {
		if (h->caplen < h->len || h->caplen > LRO_FRAME_MAX) {
			fprintf(stderr, "%s: frame %zu is truncated or longer than %u bytes\n", path,
				c->n + 1, LRO_FRAME_MAX);
			rc = -1;
			break;
		}
		if (c->n == cap_frames) {
			cap_frames = cap_frames ? cap_frames * 2 : 4096;
			struct capture_frame *nf = realloc(c->frames, cap_frames * sizeof *nf);
			if (!nf) {
				rc = -1;
				break;
			}
			c->frames = nf;
		}
		if (at + align_up(h->caplen) > cap_bytes) {
			cap_bytes = cap_bytes ? cap_bytes * 2 : (1u << 22);
			uint8_t *nd = realloc(c->data, cap_bytes);
			if (!nd) {
				rc = -1;
				break;
			}
			c->data = nd;
		}
		struct capture_frame *fr = &c->frames[c->n++];
		fr->ts_ns = (uint64_t)h->ts.tv_sec * 1000000000u + (uint64_t)h->ts.tv_usec * 1000u;
		fr->off = at;
		fr->len = h->caplen;
		memcpy(c->data + at, d, h->caplen);
		at += align_up(h->caplen);
		c->data_bytes += h->caplen;
	}
	if (rc == -1)
		fprintf(stderr, "%s: cannot read the capture\n", path);
	pcap_close(p);
	if (rc == -1 || c->n == 0) {
		if (c->n == 0 && rc != -1)
			fprintf(stderr, "%s: no frames\n", path);
		capture_free(c);
		return -1;
	}
	return 0;
}

int capture_write(const struct capture *c, const char *path)
{
	pcap_t *dead = pcap_open_dead(DLT_EN10MB, 65535);
	pcap_dumper_t *d = pcap_dump_open(dead, path);
	if (!d) {
		fprintf(stderr, "%s: %s\n", path, pcap_geterr(dead));
		pcap_close(dead);
		return -1;
	}
	for (size_t i = 0; i < c->n; i++) {
		struct pcap_pkthdr h;
		h.ts.tv_sec = (time_t)(c->frames[i].ts_ns / 1000000000u);
		h.ts.tv_usec = (suseconds_t)(c->frames[i].ts_ns % 1000000000u / 1000u);
		h.caplen = h.len = c->frames[i].len;
		pcap_dump((u_char *)d, &h, c->data + c->frames[i].off);
	}
	pcap_dump_close(d);
	pcap_close(dead);
	return 0;
}

void capture_options_default(struct capture_options *o)
{
	o->path = NULL;
	o->seconds = 2.0;
	o->flows = 16;
	o->segs = 20000;
}

int capture_options_take(struct capture_options *o, int argc, char **argv, int *i)
{
	const char *arg = argv[*i];
	const char *next = *i + 1 < argc ? argv[*i + 1] : NULL;
	if (!strcmp(arg, "--seconds") && next)
		o->seconds = atof(next);
	else if (!strcmp(arg, "--flows") && next)
		o->flows = (unsigned)atoi(next);
	else if (!strcmp(arg, "--segments") && next)
		o->segs = (unsigned)atoi(next);
	else if (arg[0] != '-' && !o->path) {
		o->path = arg;
		return 1;
	} else
		return 0;
	(*i)++;                        /* the option's value */
	return 1;
}

int capture_options_valid(const struct capture_options *o)
{
	return o->seconds > 0 && o->flows > 0 && o->flows <= 4096 && o->segs > 0;
}

int capture_options_load(const struct capture_options *o, struct capture *c, const char *prog)
{
	if (o->path ? capture_load(c, o->path) != 0
		    : capture_generate_bulk(c, o->flows, o->segs, 1448) != 0) {
		fprintf(stderr, "%s: no capture\n", prog);
		return -1;
	}
	return 0;
}
