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
#include "model/dma.h"
#include "sim/log.h"

SIM_LOG_MODULE(dma);

#include <stdlib.h>
#include <string.h>

struct dma_job {
	struct dma_job *next;          /* on the engine's free list */
	struct dma_job *all_next;      /* every job the engine made, in flight or not */
	struct dma_engine *d;
	uint64_t cookie;
	unsigned reply;
	uint32_t len;
	const uint8_t *src;
	hal_bus_addr dst;
	int from_host;                 /* a fetch: host `dst` -> NPU `fetch_into` */
	uint8_t *fetch_into;
	sim_time read_issued_ps;
};

static void dma_on_request(struct dma_engine *d);

static struct dma_job *job_alloc(struct dma_engine *d)
{
	struct dma_job *j = d->job_free;
	if (j) {
		d->job_free = j->next;
	} else {
		if (!(j = malloc(sizeof *j)))
			abort();
		j->all_next = d->job_all;
		d->job_all = j;
	}
	j->d = d;
	return j;
}

static void job_release(struct dma_job *j)
{
	j->next = j->d->job_free;
	j->d->job_free = j;
}

/* Completions wait here when the reply bucket has no credit for the DMA. */
static void send_done(struct dma_engine *d, const struct fmn_slot *s)
{
	unsigned dst = (unsigned)s->m.w[2];
	if (d->done_len == 0 && fmn_has_done_credit(d->fmn, dst)) {
		struct hal_msg m = s->m;
		m.w[2] = 0;
		fmn_deliver(d->fmn, STATION_DMA, dst, &m);
		return;
	}
	if (d->done_len == DMA_DONE_QUEUE)
		sim_fatal("DMA completion queue overflow");
	uint32_t at = (d->done_head + d->done_len) % DMA_DONE_QUEUE;
	d->done_q[at] = *s;
	d->done_len++;
}

static void dma_on_credit(struct dma_engine *d)
{
	while (d->done_len > 0) {
		struct fmn_slot *s = &d->done_q[d->done_head];
		unsigned dst = (unsigned)s->m.w[2];
		if (!fmn_has_done_credit(d->fmn, dst))
			return;
		struct hal_msg m = s->m;
		m.w[2] = 0;
		d->done_head = (d->done_head + 1) % DMA_DONE_QUEUE;
		d->done_len--;
		fmn_deliver(d->fmn, STATION_DMA, dst, &m);
	}
	dma_on_request(d);             /* the engine stalled on its completions */
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
	send_done(j->d, &s);
	job_release(j);
}

static void engine_free(sim *s, void *arg)
{
	(void)s;
	struct dma_engine *d = arg;
	d->busy = 0;
	dma_on_request(d);
}

static void issue_write(sim *s, void *arg)
{
	struct dma_job *j = arg;
	struct dma_engine *d = j->d;
	pcie_dma_write(d->pcie, j->dst, j->src, j->len, write_landed, j);
	sim_time free_at = pcie_d2h_idle_at(d->pcie);
	d->st.busy_ps += free_at - sim_now(s);
	sim_schedule_at(s, free_at, engine_free, d);
}

static void fetch_stored(sim *s, void *arg)
{
	(void)s;
	struct dma_job *j = arg;
	struct dma_engine *d = j->d;
	d->busy = 0;
	write_landed(j);               /* the completion; releases j */
	dma_on_request(d);
}

static void fetch_arrived(void *ctx)
{
	struct dma_job *j = ctx;
	struct dma_engine *d = j->d;
	sim_time now = sim_now(d->s);
	sim_time stored = ddr_stream(d->ddr, now, j->len);
	d->st.busy_ps += stored - j->read_issued_ps;
	sim_schedule_at(d->s, stored, fetch_stored, j);
}

static void issue_read(sim *s, void *arg)
{
	struct dma_job *j = arg;
	j->read_issued_ps = sim_now(s);
	pcie_dma_read(j->d->pcie, j->dst, j->fetch_into, j->len, fetch_arrived, j);
}

/* What a trace record shows of a request: the bytes it moves. */
static struct dma_trace_rec trace_rec_of(const struct dma_engine *d,
					 const struct fmn_slot *s, sim_time start_ps)
{
	uint32_t len = (uint32_t)s->m.w[2];
	struct dma_trace_rec r = { s->enqueued_ps, start_ps, s->m.src, NULL, len,
				   s->depth_at_enqueue, NULL, 0 };
	if (s->m.w[2] & HAL_DMA_FROM_HOST) {
		r.from_host = 1;
		r.src = pcie_host_ptr(d->pcie, s->m.w[1], len);
	} else {
		r.src = fmn_ptr_of(s->m.w[0]);
		r.buffer = pkt_pool_buffer_of(d->pool, r.src);
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

static void note_request(struct dma_engine *d, struct fmn_slot *s)
{
	uint32_t len = (uint32_t)s->m.w[2];
	const uint8_t *bytes;
	int from_host = (s->m.w[2] & HAL_DMA_FROM_HOST) != 0;
	if (from_host)
		bytes = pcie_host_ptr(d->pcie, s->m.w[1], len);
	else
		bytes = fmn_ptr_of(s->m.w[0]);
	s->seq = ++d->seq;
	s->overtaken = 0;
	s->syn = DMA_NOT_SYN;
	if (bytes_are_tcp_syn(bytes, len)) {
		s->syn = from_host ? DMA_SYNACK : DMA_SYN;
		d->syn_waiting++;
	}
}

static struct dma_syn_stats *syn_stats_of(struct dma_engine *d, uint8_t kind)
{
	return kind == DMA_SYNACK ? &d->st.synack : &d->st.syn;
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
static void syn_on_serve(struct dma_engine *d, const struct fmn_slot *served, sim_time now)
{
	if (served->syn) {
		d->syn_waiting--;
		struct dma_syn_stats *st = syn_stats_of(d, served->syn);
		syn_account(st, served, now - served->enqueued_ps);
		st->requests++;
	}
	if (d->syn_waiting == 0)
		return;
	const struct fmn_bucket *b = &d->req;
	for (uint32_t k = 0; k < b->len; k++) {
		struct fmn_slot *w = &b->slot[ring_at(b->head, k, b->cap)];
		if (w->syn && w->seq < served->seq)
			w->overtaken++;
	}
}

void dma_finish(struct dma_engine *d)
{
	sim_time now = sim_now(d->s);
	sim_tavg_set(&d->st.depth, now, d->req.len);
	d->st.syn.never_served = d->st.synack.never_served = 0;
	const struct fmn_bucket *b = &d->req;
	for (uint32_t k = 0; k < b->len; k++) {
		const struct fmn_slot *w = &b->slot[ring_at(b->head, k, b->cap)];
		if (!w->syn)
			continue;
		struct dma_syn_stats *st = syn_stats_of(d, w->syn);
		syn_account(st, w, now - w->enqueued_ps);
		st->never_served++;
	}
}

static void depth_changed(const struct dma_engine *d, sim_time now)
{
	if (d->probes->dma_depth)
		d->probes->dma_depth(d->probes->ctx, now, d->req.len);
}

/* Index of the request to serve now, or -1 if none is visible yet. */
static int pick(const struct dma_engine *d, sim_time now)
{
	const struct fmn_bucket *b = &d->req;
	if (d->cfg->dma_buffer == DMA_BUFFER_FIFO)
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

/* Take the request to serve now out of the buffer into *req; 0 if none
 * is visible yet (the engine then looks again when the first one lands). */
static int take_request(struct dma_engine *d, sim_time now, struct fmn_slot *req)
{
	int i = pick(d, now);
	if (i < 0) {
		/* the newest is still crossing the FMN: look again when it lands */
		sim_time soonest = SIM_TIME_MAX;
		for (uint32_t k = 0; k < d->req.len; k++) {
			sim_time v = d->req.slot[ring_at(d->req.head, k, d->req.cap)].visible_ps;
			if (v < soonest)
				soonest = v;
		}
		d->busy = 1;
		sim_schedule_at(d->s, soonest, engine_free, d);
		return 0;
	}
	*req = d->req.slot[i];
	if (d->cfg->dma_buffer == DMA_BUFFER_FIFO) {
		d->req.head = ring_at(d->req.head, 1, d->req.cap);
		d->req.len--;
	} else {
		remove_at(&d->req, (uint32_t)i);
	}
	return 1;
}

/* req left the buffer: its figures, its credit back to the sender. */
static void note_served(struct dma_engine *d, const struct fmn_slot *req, sim_time now)
{
	syn_on_serve(d, req, now);
	sim_tavg_set(&d->st.depth, now, d->req.len);
	depth_changed(d, now);
	SIM_LOG(d->s, dma, SIM_LOG_DEBUG, "pop: %u bytes %s, waited %.3f us, depth %u",
		(unsigned)req->m.w[2], (req->m.w[2] & HAL_DMA_FROM_HOST) ? "from host" : "to host",
		sim_time_to_seconds(now - req->enqueued_ps) * 1e6, d->req.len);
	fmn_credit_return(d->fmn, req->credit_group, STATION_DMA);
}

/* The copy a request asks for (firmware/hal.h, HAL_MSG_DMA_REQ). */
static struct dma_job *job_of(struct dma_engine *d, const struct fmn_slot *req)
{
	struct dma_job *j = job_alloc(d);
	j->src = fmn_ptr_of(req->m.w[0]);
	j->dst = req->m.w[1];
	j->len = (uint32_t)req->m.w[2];
	j->reply = (unsigned)((req->m.w[2] >> 32) & 0xffffu);
	j->cookie = req->m.w[3];
	j->from_host = (req->m.w[2] & HAL_DMA_FROM_HOST) != 0;
	j->fetch_into = j->from_host ? fmn_ptr_of(req->m.w[0]) : NULL;
	return j;
}

/* The engine starts on j at now. */
static void start_job(struct dma_engine *d, struct dma_job *j, sim_time now)
{
	d->busy = 1;
	if (j->from_host) {
		/* overhead, then the read (fetch_arrived, fetch_stored) */
		d->st.busy_ps += d->cfg->dma_request_overhead_ps;
		sim_schedule_in(d->s, d->cfg->dma_request_overhead_ps, issue_read, j);
		return;
	}
	/* overhead, then the DRAM read of the source (latency, then the bytes
	 * at the DDR2 rate, sharing the bus with the threads), then the PCIe
	 * write */
	sim_time t = ddr_stream(d->ddr, now + d->cfg->dma_request_overhead_ps, j->len) - now;
	d->st.busy_ps += t;
	sim_schedule_in(d->s, t, issue_write, j);
}

/* Serve the next request if the engine is free. */
static void dma_on_request(struct dma_engine *d)
{
	/* an engine that cannot hand back a completion (no FMN credit for the
	 * requester's bucket) takes no new request */
	if (d->busy || d->req.len == 0 || d->done_len > 0)
		return;
	sim_time now = sim_now(d->s);
	struct fmn_slot req;
	if (!take_request(d, now, &req))
		return;
	note_served(d, &req, now);
	struct dma_job *j = job_of(d, &req);
	d->st.requests++;
	d->st.bytes += j->len;
	sim_hist_add(&d->st.wait_ns, (now - req.enqueued_ps) / SIM_PS_PER_NS);
	if (d->probes->dma_request) {
		struct dma_trace_rec r = trace_rec_of(d, &req, now);
		d->probes->dma_request(d->probes->ctx, &r);
	}
	start_job(d, j, now);
}

void dma_trace_pending(const struct dma_engine *d)
{
	if (!d->probes->dma_request)
		return;
	for (uint32_t k = 0; k < d->req.len; k++) {
		const struct fmn_slot *s = &d->req.slot[ring_at(d->req.head, k, d->req.cap)];
		struct dma_trace_rec r = trace_rec_of(d, s, SIM_TIME_MAX);
		d->probes->dma_request(d->probes->ctx, &r);
	}
}

/* The FMN station STATION_DMA: a request enters the buffer. */
static void receive(void *ctx, struct fmn_slot *slot)
{
	struct dma_engine *d = ctx;
	sim_time now = sim_now(d->s);
	slot->depth_at_enqueue = d->req.len;
	note_request(d, slot);
	if (fmn_bucket_push(&d->req, slot) != 0)
		sim_fatal("DMA request buffer overflowed (credits exceed depth)");
	SIM_LOG(d->s, dma, SIM_LOG_DEBUG, "push: %u bytes from station %u, depth %u",
		(unsigned)slot->m.w[2], (unsigned)slot->m.src, d->req.len);
	sim_tavg_set(&d->st.depth, now, d->req.len);
	if (d->req.len > d->st.max_depth)
		d->st.max_depth = d->req.len;
	depth_changed(d, now);
	dma_on_request(d);
}

/* A completion credit returned: held completions go first. */
static void credit_back(void *ctx, unsigned group, unsigned dst)
{
	(void)group;
	(void)dst;
	dma_on_credit(ctx);
}

void dma_init(struct dma_engine *d, sim *s, const struct npu_config *cfg, struct fmn *fmn,
	      struct pcie *pcie, struct ddr *ddr, const struct pkt_pool *pool,
	      const struct npu_probes *probes)
{
	memset(d, 0, sizeof *d);
	d->s = s;
	d->cfg = cfg;
	d->fmn = fmn;
	d->pcie = pcie;
	d->ddr = ddr;
	d->pool = pool;
	d->probes = probes;
	fmn_bucket_init(&d->req, cfg->dma_depth);
	sim_hist_init(&d->st.wait_ns);
	sim_tavg_init(&d->st.depth, sim_now(s), 0);
	fmn_set_receiver(fmn, STATION_DMA, receive, d, 0);
	fmn_set_sender(fmn, fmn_group_of_station(STATION_DMA), credit_back, d);
}

void dma_release(struct dma_engine *d)
{
	fmn_bucket_release(&d->req);
	/* jobs still in flight when the run stopped are the engine's too */
	while (d->job_all) {
		struct dma_job *j = d->job_all;
		d->job_all = j->all_next;
		free(j);
	}
}

uint32_t dma_depth(const struct dma_engine *d)
{
	return d->req.len;
}

void dma_count_blocked_sender(struct dma_engine *d)
{
	d->st.sender_blocked++;
}
