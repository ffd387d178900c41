/* model/dma.c - the XLS416 DMA engine and its request buffer.
 *
 * Requests arrive as FMN messages (HAL_MSG_DMA_REQ) into a bounded request
 * buffer. On the XLS416 that buffer is a stack (paper section V.B): the
 * engine always serves the newest request. While requests keep arriving
 * faster than the engine serves them, the oldest ones sink to the bottom
 * and wait until the stack empties - which, with the engine saturated, may
 * be never. That is the mechanism behind the paper's SYN starvation. `fifo`
 * serves the oldest first, for comparison.
 *
 * The engine serves one request at a time: a fixed per-request overhead
 * (descriptor decode, address translation, completion bookkeeping: the
 * free parameter dma_request_overhead_ps), the DRAM read of the source, and
 * the PCIe transfer, streamed - the next request starts when the PCIe link
 * has taken this one's last TLP. The completion message goes to the reply
 * station named in the request when the data has landed in host memory.
 * A full buffer never drops: senders run out of FMN credits and block.
 *
 * A request marked HAL_DMA_FROM_HOST copies the other way (the tx thread
 * fetching a frame the driver left in host memory): overhead, the PCIe read
 * round trip and its completions, then the DRAM write; the engine serves
 * nothing else meanwhile.
 *
 * SYN tracking: the paper's symptom is the client's SYNs that never reach
 * the host. Every request whose bytes are a TCP SYN (a client's SYN going
 * up, or the host's SYN-ACK fetched down) is followed from the moment it
 * enters the buffer: how long it waits and how many newer requests the
 * engine serves before it (on a stack, each one that lands on top of it).
 */
#include "model/npu_internal.h"
#include "sim/log.h"

SIM_LOG_MODULE(dma);

#include <stdlib.h>

struct dma_job {
	struct dma_job *next;
	struct npu *n;
	uint64_t cookie;
	unsigned reply;
	uint32_t len;
	const uint8_t *src;
	hal_bus_addr dst;
	int from_host;                 /* a fetch: host `dst` -> NPU `fetch_into` */
	uint8_t *fetch_into;
	sim_time read_issued_ps;
};

static struct dma_job *job_free_list;

static struct dma_job *job_alloc(void)
{
	struct dma_job *j = job_free_list;
	if (j)
		job_free_list = j->next;
	else if (!(j = malloc(sizeof *j)))
		abort();
	return j;
}

static void job_release(struct dma_job *j)
{
	j->next = job_free_list;
	job_free_list = j;
}

/* Completions wait here when the reply bucket has no credit for the DMA. */
static void send_done(struct npu *n, const struct fmn_slot *s)
{
	unsigned dst = (unsigned)s->m.w[2];
	if (n->dma_done_len == 0 && fmn_has_done_credit(n, dst)) {
		struct hal_msg m = s->m;
		m.w[2] = 0;
		fmn_deliver(n, STATION_DMA, dst, &m);
		return;
	}
	if (n->dma_done_len == sizeof n->dma_done_q / sizeof n->dma_done_q[0])
		sim_fatal("DMA completion queue overflow");
	uint32_t at = (n->dma_done_head + n->dma_done_len) % 1024u;
	n->dma_done_q[at] = *s;
	n->dma_done_len++;
}

void dma_on_credit(struct npu *n)
{
	while (n->dma_done_len > 0) {
		struct fmn_slot *s = &n->dma_done_q[n->dma_done_head];
		unsigned dst = (unsigned)s->m.w[2];
		if (!fmn_has_done_credit(n, dst))
			return;
		struct hal_msg m = s->m;
		m.w[2] = 0;
		n->dma_done_head = (n->dma_done_head + 1) % 1024u;
		n->dma_done_len--;
		fmn_deliver(n, STATION_DMA, dst, &m);
	}
	dma_on_request(n);             /* the engine stalled on its completions */
}

static void write_landed(void *ctx)
{
	struct dma_job *j = ctx;
	struct fmn_slot s = { 0 };
	s.m.code = HAL_MSG_DMA_DONE;
	s.m.words = 2;
	s.m.w[0] = j->cookie;
	s.m.w[1] = 0;
	s.m.w[2] = j->reply;           /* destination, consumed by send_done */
	send_done(j->n, &s);
	job_release(j);
}

static void engine_free(sim *s, void *arg)
{
	(void)s;
	struct npu *n = arg;
	n->dma_busy = 0;
	dma_on_request(n);
}

static void issue_write(sim *s, void *arg)
{
	struct dma_job *j = arg;
	struct npu *n = j->n;
	pcie_dma_write(n->pcie, j->dst, j->src, j->len, write_landed, j);
	sim_time free_at = pcie_d2h_idle_at(n->pcie);
	n->dma.busy_ps += free_at - sim_now(s);
	sim_schedule_at(s, free_at, engine_free, n);
}

static void fetch_stored(sim *s, void *arg)
{
	(void)s;
	struct dma_job *j = arg;
	struct npu *n = j->n;
	n->dma_busy = 0;
	write_landed(j);               /* the completion; releases j */
	dma_on_request(n);
}

static void fetch_arrived(void *ctx)
{
	struct dma_job *j = ctx;
	struct npu *n = j->n;
	sim_time now = sim_now(n->s);
	sim_time stored = ddr_stream(&n->ddr, now, j->len);
	n->dma.busy_ps += stored - j->read_issued_ps;
	sim_schedule_at(n->s, stored, fetch_stored, j);
}

static void issue_read(sim *s, void *arg)
{
	struct dma_job *j = arg;
	j->read_issued_ps = sim_now(s);
	pcie_dma_read(j->n->pcie, j->dst, j->fetch_into, j->len, fetch_arrived, j);
}

/* What a trace record shows of a request: the bytes it moves. */
static struct dma_trace_rec trace_rec_of(struct npu *n, const struct fmn_slot *s,
					 sim_time start_ps)
{
	uint32_t len = (uint32_t)s->m.w[2];
	struct dma_trace_rec r = { s->enqueued_ps, start_ps, s->m.src, NULL, len,
				   s->depth_at_enqueue, NULL, 0 };
	if (s->m.w[2] & HAL_DMA_FROM_HOST) {
		r.from_host = 1;
		r.src = pcie_host_ptr(n->pcie, s->m.w[1], len);
	} else {
		r.src = hal_ptr_of(s->m.w[0]);
		r.buffer = npu_pkt_buffer_of(n, r.src);
	}
	return r;
}

/* 1 if f (len bytes) is an Ethernet/IPv4 frame, or IPv6 with TCP after the
 * fixed header, carrying a TCP SYN. */
static int bytes_are_tcp_syn(const uint8_t *f, uint32_t len)
{
	if (f && len >= 74 && f[12] == 0x86 && f[13] == 0xdd && f[20] == 6)
		return (f[14 + 40 + 13] & 0x02) != 0;
	if (!f || len < 54 || f[12] != 0x08 || f[13] != 0x00 || (f[14] >> 4) != 4 || f[23] != 6)
		return 0;
	uint32_t ihl = (uint32_t)(f[14] & 0x0fu) * 4u;
	return ihl >= 20 && 14 + ihl + 14 <= len && (f[14 + ihl + 13] & 0x02) != 0;
}

void dma_note_request(struct npu *n, struct fmn_slot *s)
{
	uint32_t len = (uint32_t)s->m.w[2];
	const uint8_t *bytes;
	int from_host = (s->m.w[2] & HAL_DMA_FROM_HOST) != 0;
	if (from_host)
		bytes = pcie_host_ptr(n->pcie, s->m.w[1], len);
	else
		bytes = hal_ptr_of(s->m.w[0]);
	s->seq = ++n->dma_seq;
	s->overtaken = 0;
	s->syn = DMA_NOT_SYN;
	if (bytes_are_tcp_syn(bytes, len)) {
		s->syn = from_host ? DMA_SYNACK : DMA_SYN;
		n->dma_syn_waiting++;
	}
}

static struct dma_syn_stats *syn_stats_of(struct npu *n, uint8_t kind)
{
	return kind == DMA_SYNACK ? &n->dma.synack : &n->dma.syn;
}

static void syn_account(struct dma_syn_stats *st, const struct fmn_slot *s, sim_time wait)
{
	if (wait > st->wait_max_ps || st->requests == 0) {
		st->wait_max_ps = wait;
		st->wait_max_requester = s->m.src;
	}
	if (s->overtaken > st->overtaken_max)
		st->overtaken_max = s->overtaken;
}

/* `served` leaves the buffer: every SYN carrier older than it, still
 * waiting, has been overtaken once more; a SYN carrier served is done. */
static void syn_on_serve(struct npu *n, const struct fmn_slot *served, sim_time now)
{
	if (served->syn) {
		n->dma_syn_waiting--;
		struct dma_syn_stats *st = syn_stats_of(n, served->syn);
		syn_account(st, served, now - served->enqueued_ps);
		st->requests++;
	}
	if (n->dma_syn_waiting == 0)
		return;
	const struct fmn_bucket *b = &n->dma_req;
	for (uint32_t k = 0; k < b->len; k++) {
		struct fmn_slot *w = &b->slot[ring_at(b->head, k, b->cap)];
		if (w->syn && w->seq < served->seq)
			w->overtaken++;
	}
}

void dma_finish(struct npu *n)
{
	sim_time now = sim_now(n->s);
	n->dma.syn.never_served = n->dma.synack.never_served = 0;
	const struct fmn_bucket *b = &n->dma_req;
	for (uint32_t k = 0; k < b->len; k++) {
		const struct fmn_slot *w = &b->slot[ring_at(b->head, k, b->cap)];
		if (!w->syn)
			continue;
		struct dma_syn_stats *st = syn_stats_of(n, w->syn);
		syn_account(st, w, now - w->enqueued_ps);
		st->never_served++;
	}
}

/* Index of the request to serve now, or -1 if none is visible yet. */
static int pick(const struct npu *n, sim_time now)
{
	const struct fmn_bucket *b = &n->dma_req;
	if (n->cfg.dma_buffer == DMA_BUFFER_FIFO)
		return b->len && b->slot[b->head].visible_ps <= now ? (int)b->head : -1;
	for (uint32_t k = b->len; k-- > 0;) {
		uint32_t i = ring_at(b->head, k, b->cap);
		if (b->slot[i].visible_ps <= now)
			return (int)i;
	}
	return -1;
}

static void remove_at(struct fmn_bucket *b, uint32_t i)
{
	/* shift the newer entries down one place (a stack pops from the top,
	 * so this is usually zero entries) */
	uint32_t k = ring_at(i, b->cap - b->head, b->cap);   /* i's place after head */
	for (; k + 1 < b->len; k++)
		b->slot[ring_at(b->head, k, b->cap)] = b->slot[ring_at(b->head, k + 1, b->cap)];
	b->len--;
	if (k == 0 && b->len == 0)
		b->head = 0;
}


void dma_on_request(struct npu *n)
{
	/* an engine that cannot hand back a completion (no FMN credit for the
	 * requester's bucket) takes no new request */
	if (n->dma_busy || n->dma_req.len == 0 || n->dma_done_len > 0)
		return;
	sim_time now = sim_now(n->s);
	int i = pick(n, now);
	if (i < 0) {
		/* the newest is still crossing the FMN: look again when it lands */
		sim_time soonest = SIM_TIME_MAX;
		for (uint32_t k = 0; k < n->dma_req.len; k++) {
			sim_time v = n->dma_req.slot[ring_at(n->dma_req.head, k, n->dma_req.cap)].visible_ps;
			if (v < soonest)
				soonest = v;
		}
		n->dma_busy = 1;
		sim_schedule_at(n->s, soonest, engine_free, n);
		return;
	}
	struct fmn_slot req = n->dma_req.slot[i];
	if (n->cfg.dma_buffer == DMA_BUFFER_FIFO) {
		n->dma_req.head = ring_at(n->dma_req.head, 1, n->dma_req.cap);
		n->dma_req.len--;
	} else {
		remove_at(&n->dma_req, (uint32_t)i);
	}
	syn_on_serve(n, &req, now);
	sim_tavg_set(&n->dma.depth, now, n->dma_req.len);
	if (n->depth_hook)
		n->depth_hook(n->depth_ctx, now, n->dma_req.len);
	SIM_LOG(n->s, dma, SIM_LOG_DEBUG, "pop: %u bytes %s, waited %.3f us, depth %u",
		(unsigned)req.m.w[2], (req.m.w[2] & HAL_DMA_FROM_HOST) ? "from host" : "to host",
		sim_time_to_seconds(now - req.enqueued_ps) * 1e6, n->dma_req.len);
	fmn_credit_return(n, req.credit_group, STATION_DMA);

	struct dma_job *j = job_alloc();
	j->n = n;
	j->src = hal_ptr_of(req.m.w[0]);
	j->dst = req.m.w[1];
	j->len = (uint32_t)req.m.w[2];
	j->reply = (unsigned)((req.m.w[2] >> 32) & 0xffffu);
	j->cookie = req.m.w[3];
	j->from_host = (req.m.w[2] & HAL_DMA_FROM_HOST) != 0;
	j->fetch_into = j->from_host ? hal_ptr_of(req.m.w[0]) : NULL;
	n->dma.requests++;
	n->dma.bytes += j->len;
	sim_hist_add(&n->dma.wait_ns, (now - req.enqueued_ps) / SIM_PS_PER_NS);
	if (n->dma_trace) {
		struct dma_trace_rec r = trace_rec_of(n, &req, now);
		n->dma_trace(n->dma_trace_ctx, &r);
	}
	n->dma_busy = 1;
	if (j->from_host) {
		/* overhead, then the read (fetch_arrived, fetch_stored) */
		n->dma.busy_ps += n->cfg.dma_request_overhead_ps;
		sim_schedule_in(n->s, n->cfg.dma_request_overhead_ps, issue_read, j);
		return;
	}
	/* overhead, then the DRAM read of the source (latency, then the bytes
	 * at the DDR2 rate, sharing the bus with the threads), then the PCIe
	 * write */
	sim_time t = ddr_stream(&n->ddr, now + n->cfg.dma_request_overhead_ps, j->len) - now;
	n->dma.busy_ps += t;
	sim_schedule_in(n->s, t, issue_write, j);
}

void npu_dma_trace_pending(struct npu *n)
{
	if (!n->dma_trace)
		return;
	for (uint32_t k = 0; k < n->dma_req.len; k++) {
		const struct fmn_slot *s = &n->dma_req.slot[ring_at(n->dma_req.head, k, n->dma_req.cap)];
		struct dma_trace_rec r = trace_rec_of(n, s, SIM_TIME_MAX);
		n->dma_trace(n->dma_trace_ctx, &r);
	}
}
