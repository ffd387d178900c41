/* traces/replay.c - the LRO engine over a pcap: capture order in, delivery
 * order out. Receive timeouts run in capture time: the timeout thread's
 * scans (one every REPLAY_SCAN_PERIOD_NS from the first packet, as
 * firmware/threads.c scans every timeout.period_cycles) happen between
 * packets, and each flush is stamped with the time of the scan that found
 * it. After the last packet the scans go on until nothing can time out;
 * whatever is still held is then delivered (drained). */
#include "traces/replay.h"

#include <errno.h>
#include <inttypes.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "firmware/hal.h"
#include "firmware/lro.h"

struct replay {
	struct lro_engine *eng;
	void *eng_mem;
	uint8_t *bufs;                 /* HAL_PKT_BUF_BYTES each */
	uint32_t *free_list;
	uint32_t n_free, n_bufs;
	pcap_dumper_t *out;
	uint8_t *agg;                  /* one flattened aggregate */
	uint64_t in, out_frames, out_aggregates, acks, dropped, skipped_non_ip;
	uint64_t scan_base_ns;         /* time of the first scan (the first packet's) */
	struct lro_out actions;
};

static uint8_t *buf_take(struct replay *r)
{
	if (r->n_free == 0)
		return NULL;
	return r->bufs + (size_t)r->free_list[--r->n_free] * HAL_PKT_BUF_BYTES;
}

static void buf_give(struct replay *r, uint8_t *b)
{
	r->free_list[r->n_free++] = (uint32_t)((size_t)(b - r->bufs) / HAL_PKT_BUF_BYTES);
}

static void write_frame(struct replay *r, const uint8_t *data, uint32_t len, uint64_t now_ns)
{
	struct pcap_pkthdr h;
	h.ts.tv_sec = (time_t)(now_ns / 1000000000u);
	h.ts.tv_usec = (suseconds_t)(now_ns % 1000000000u / 1000u);
	h.caplen = h.len = len;
	pcap_dump((u_char *)r->out, &h, data);
}

/* Carry out the engine's actions, as the firmware's rx thread would, but
 * into the output capture instead of the host's ring. */
static void run_actions(struct replay *r, uint64_t now_ns)
{
	for (unsigned i = 0; i < r->actions.n; i++) {
		const struct lro_action *a = &r->actions.a[i];
		switch (a->kind) {
		case LRO_ACT_PASS:
			write_frame(r, a->buf, a->len, now_ns);
			r->out_frames++;
			buf_give(r, a->buf);
			break;
		case LRO_ACT_DELIVER: {
			uint32_t payload = 0;
			for (const struct lro_seg *s = a->segs; s; s = s->next)
				payload += s->payload_len;
			uint32_t hdr = a->len - payload, at = hdr;
			memcpy(r->agg, a->segs->frame, hdr);
			for (struct lro_seg *s = a->segs, *next; s; s = next) {
				next = s->next;
				memcpy(r->agg + at, s->frame + s->payload_off, s->payload_len);
				at += s->payload_len;
				buf_give(r, s->frame);
			}
			write_frame(r, r->agg, at, now_ns);
			r->out_frames++;
			r->out_aggregates++;
			break;
		}
		case LRO_ACT_ACK:
			r->acks++;
			break;
		case LRO_ACT_FREE:
			r->dropped++;
			buf_give(r, a->buf);
			break;
		}
	}
}

/* One scan of the timeout thread at now_ns: every timed-out flow is flushed. */
static void flush_timed_out(struct replay *r, uint64_t now_ns)
{
	for (uint32_t i = 0; i < lro_conn_capacity(r->eng); i++) {
		if (!lro_conn_timed_out(r->eng, i, now_ns))
			continue;
		lro_flush_conn(r->eng, i, LRO_FLUSH_TIMEOUT, &r->actions);
		run_actions(r, now_ns);
	}
}

/* The first scan at or after t on the scan grid. */
static uint64_t scan_at_or_after(const struct replay *r, uint64_t t)
{
	if (t <= r->scan_base_ns)
		return r->scan_base_ns;
	uint64_t periods = (t - r->scan_base_ns + REPLAY_SCAN_PERIOD_NS - 1u) / REPLAY_SCAN_PERIOD_NS;
	if (periods > (UINT64_MAX - r->scan_base_ns) / REPLAY_SCAN_PERIOD_NS)
		return UINT64_MAX;
	return r->scan_base_ns + periods * REPLAY_SCAN_PERIOD_NS;
}

/* Run the timeout thread's scans due at or before until_ns, each at its own
 * time. Scans that could find nothing are skipped: the next one that
 * matters is the first at or after the earliest deadline of any flow. */
static void run_timeout_scans(struct replay *r, uint64_t until_ns)
{
	for (;;) {
		uint64_t due = UINT64_MAX;
		for (uint32_t i = 0; i < lro_conn_capacity(r->eng); i++) {
			uint64_t at = lro_conn_timeout_at(r->eng, i);
			if (at < due)
				due = at;
		}
		if (due == UINT64_MAX)
			return;
		uint64_t scan = scan_at_or_after(r, due);
		if (scan > until_ns || scan == UINT64_MAX)
			return;
		flush_timed_out(r, scan);
	}
}

static int usage(const char *msg)
{
	fprintf(stderr, "npusim replay: %s\nusage: npusim replay IN.pcap -o OUT.pcap [--filter BPF] "
			"[--mode lro|nic] [--threshold BYTES] [--no-active-ack]\n", msg);
	return 2;
}

static void print_summary(const struct replay *r, FILE *f)
{
	const struct lro_counters *c = lro_engine_counters(r->eng);
	static const char *const flush_names[LRO_FLUSH_REASONS] = { "threshold", "64KB-limit", "fin",
		"timeout", "passthrough", "held-limit", "syn" };
	static const char *const drop_names[LRO_DROP_REASONS] = { "truncated", "bad-ip-csum",
		"bad-tcp-csum", "duplicate", "held-limit", "pool-low" };
	fprintf(f, "packets in: %" PRIu64 "\npackets out: %" PRIu64 " (%" PRIu64 " aggregates)\n",
		r->in, r->out_frames, r->out_aggregates);
	fprintf(f, "aggregation ratio: %.2f segments per aggregate, %.2f packets in per packet out\n",
		c->deliveries ? (double)c->delivered_segments / (double)c->deliveries : 0.0,
		r->out_frames ? (double)r->in / (double)r->out_frames : 0.0);
	fprintf(f, "flushes:");
	for (int i = 0; i < LRO_FLUSH_REASONS; i++)
		fprintf(f, " %s=%" PRIu64, flush_names[i], c->flush[i]);
	fprintf(f, "\ndrops:");
	for (int i = 0; i < LRO_DROP_REASONS; i++)
		fprintf(f, " %s=%" PRIu64, drop_names[i], c->drop[i]);
	fprintf(f, "\nactive ACKs built: %" PRIu64 "\n", r->acks);
}

void replay_config_default(struct lro_config *cfg)
{
	lro_config_default(cfg);
	cfg->max_conns = 4096;
	cfg->table_buckets = 1024;
}

int replay_capture(pcap_t *p, const char *name, const char *filter,
		   const struct lro_config *cfg, uint32_t n_bufs, pcap_dumper_t *out,
		   FILE *summary)
{
	if (pcap_datalink(p) != DLT_EN10MB) {
		fprintf(stderr, "npusim replay: %s: link type %s, not Ethernet\n", name,
			pcap_datalink_val_to_name(pcap_datalink(p)));
		return 2;
	}
	struct bpf_program prog;
	if (pcap_compile(p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) != 0) {
		fprintf(stderr, "npusim replay: --filter '%s': %s\n", filter, pcap_geterr(p));
		return 2;
	}
	int set = pcap_setfilter(p, &prog);
	pcap_freecode(&prog);
	if (set != 0) {
		fprintf(stderr, "npusim replay: --filter '%s': %s\n", filter, pcap_geterr(p));
		return 2;
	}

	struct replay r;
	memset(&r, 0, sizeof r);
	r.eng_mem = aligned_alloc(64, (lro_engine_bytes(cfg) + 63) / 64 * 64);
	r.n_bufs = n_bufs;
	r.bufs = aligned_alloc(64, (size_t)r.n_bufs * HAL_PKT_BUF_BYTES);
	r.free_list = malloc(r.n_bufs * sizeof *r.free_list);
	r.agg = malloc(1u << 17);
	r.out = out;
	int status = 0;
	if (!r.eng_mem || !r.bufs || !r.free_list || !r.agg) {
		fprintf(stderr, "npusim replay: out of memory\n");
		status = 1;
		goto done;
	}
	for (uint32_t i = r.n_bufs; i-- > 0;)
		r.free_list[r.n_free++] = i;
	r.eng = lro_engine_init(r.eng_mem, cfg);

	struct pcap_pkthdr *h;
	const u_char *data;
	int rc;
	uint64_t number = 0, now_ns = 0;
	while ((rc = pcap_next_ex(p, &h, &data)) == 1) {
		number++;
		now_ns = (uint64_t)h->ts.tv_sec * 1000000000u + (uint64_t)h->ts.tv_usec * 1000u;
		if (h->caplen < h->len) {
			fprintf(stderr, "npusim replay: %s: packet %" PRIu64 " was truncated by the "
					"capture (%u of %u bytes): capture with a larger snaplen\n",
				name, number, h->caplen, h->len);
			status = 2;
			break;
		}
		if (h->caplen > LRO_FRAME_MAX) {
			fprintf(stderr, "npusim replay: %s: packet %" PRIu64 " is %u bytes, larger "
					"than an Ethernet frame (captured with segmentation offload?)\n",
				name, number, h->caplen);
			status = 2;
			break;
		}
		if (r.in == 0)
			r.scan_base_ns = now_ns;
		run_timeout_scans(&r, now_ns);
		uint8_t *b = buf_take(&r);
		if (!b) {
			fprintf(stderr, "npusim replay: more than %u segments held at packet %" PRIu64 "\n",
				r.n_bufs, number);
			status = 1;
			break;
		}
		memcpy(b, data, h->caplen);
		r.in++;
		lro_input(r.eng, b, h->caplen, now_ns, &r.actions);
		run_actions(&r, now_ns);
	}
	if (status == 0 && rc == -1) {
		fprintf(stderr, "npusim replay: %s: packet %" PRIu64 ": %s\n", name, number + 1,
			pcap_geterr(p));
		status = 2;
	}
	if (status == 0)
		run_timeout_scans(&r, UINT64_MAX - 1u);
	for (uint32_t i = 0; status == 0 && i < lro_conn_capacity(r.eng); i++) {
		lro_drain_conn(r.eng, i, &r.actions);
		run_actions(&r, now_ns);
	}
	if (status == 0 && summary)
		print_summary(&r, summary);
done:
	free(r.eng_mem);
	free(r.bufs);
	free(r.free_list);
	free(r.agg);
	return status;
}

int replay_main(int argc, char **argv)
{
	const char *in = NULL, *out = NULL, *filter = "tcp";
	struct lro_config cfg;
	replay_config_default(&cfg);
	for (int i = 0; i < argc; i++) {
		const char *next = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(argv[i], "-o") && next)
			out = argv[++i];
		else if (!strcmp(argv[i], "--filter") && next)
			filter = argv[++i];
		else if (!strcmp(argv[i], "--mode") && next) {
			const char *m = argv[++i];
			if (strcmp(m, "lro") && strcmp(m, "nic"))
				return usage("--mode is lro or nic");
			cfg.mode = strcmp(m, "nic") ? LRO_MODE_LRO : LRO_MODE_NIC;
		} else if (!strcmp(argv[i], "--threshold") && next) {
			char *end;
			unsigned long t = strtoul(argv[++i], &end, 10);
			if (*end || t < 1 || t > 1048576)
				return usage("--threshold is a byte count 1..1048576");
			cfg.threshold_bytes = (uint32_t)t;
		} else if (!strcmp(argv[i], "--no-active-ack"))
			cfg.active_ack = false;
		else if (argv[i][0] != '-' && !in)
			in = argv[i];
		else
			return usage("unexpected argument");
	}
	if (!in || !out)
		return usage("needs an input capture and -o OUT.pcap");

	char err[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline(in, err);
	if (!p) {
		fprintf(stderr, "npusim replay: %s: %s\n", in, err);
		return 2;
	}
	/* written under a temporary name, renamed when complete */
	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s.tmp.%d", out, (int)getpid());
	pcap_t *dead = pcap_open_dead(DLT_EN10MB, 262144);
	pcap_dumper_t *dump = pcap_dump_open(dead, tmp);
	if (!dump) {
		fprintf(stderr, "npusim replay: %s: %s\n", out, pcap_geterr(dead));
		pcap_close(dead);
		pcap_close(p);
		return 1;
	}
	int status = replay_capture(p, in, filter, &cfg, 1u << 16, dump, stdout);
	pcap_dump_close(dump);
	pcap_close(dead);
	pcap_close(p);
	if (status == 0 && rename(tmp, out) != 0) {
		fprintf(stderr, "npusim replay: %s: %s\n", out, strerror(errno));
		status = 1;
	}
	if (status != 0)
		unlink(tmp);
	return status;
}
