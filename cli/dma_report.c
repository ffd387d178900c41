/* cli/dma_report.c - the DMA starvation report (see dma_report.h). */
#include "cli/dma_report.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "sim/atomic_file.h"

struct dma_report {
	struct dma_report_req *req;
	size_t n, cap;
	uint32_t *overtaken;           /* per request, filled by analyse() */
	int analysed;
};

struct dma_report *dma_report_create(void)
{
	return calloc(1, sizeof(struct dma_report));
}

void dma_report_destroy(struct dma_report *r)
{
	if (!r)
		return;
	free(r->req);
	free(r->overtaken);
	free(r);
}

void dma_report_add(struct dma_report *r, const struct dma_report_req *q)
{
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 4096;
		struct dma_report_req *n = realloc(r->req, cap * sizeof *n);
		if (!n) {
			fprintf(stderr, "npusim: out of memory in the DMA report\n");
			abort();
		}
		r->req = n;
		r->cap = cap;
	}
	r->req[r->n++] = *q;
	r->analysed = 0;
}

size_t dma_report_count(const struct dma_report *r)
{
	return r->n;
}

/* ---- overtaking counts: requests enqueued after me but served before me ---- */

static const struct dma_report_req *sort_base;

static int by_start(const void *a, const void *b)
{
	const struct dma_report_req *x = &sort_base[*(const size_t *)a];
	const struct dma_report_req *y = &sort_base[*(const size_t *)b];
	if (x->start_ps != y->start_ps)
		return x->start_ps < y->start_ps ? -1 : 1;
	return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

/* Requests arrive in enqueue order only if the caller adds them so; rank by
 * enqueue time explicitly. */
static int by_enqueue(const void *a, const void *b)
{
	const struct dma_report_req *x = &sort_base[*(const size_t *)a];
	const struct dma_report_req *y = &sort_base[*(const size_t *)b];
	if (x->enqueue_ps != y->enqueue_ps)
		return x->enqueue_ps < y->enqueue_ps ? -1 : 1;
	return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

/* For each request i: how many requests with a later enqueue rank started
 * before it (a Fenwick tree over enqueue ranks, visiting in start order).
 * Never-served requests start "at the end", after every served one. */
static int analyse(struct dma_report *r)
{
	if (r->analysed)
		return 0;
	size_t n = r->n;
	size_t *order = malloc((n + 1) * sizeof *order);
	size_t *rank = malloc((n + 1) * sizeof *rank);
	uint32_t *tree = calloc(n + 1, sizeof *tree);
	uint32_t *over = realloc(r->overtaken, (n + 1) * sizeof *over);
	if (!order || !rank || !tree || !over) {
		free(order);
		free(rank);
		free(tree);
		free(over);
		r->overtaken = NULL;
		return -ENOMEM;
	}
	r->overtaken = over;
	sort_base = r->req;
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	qsort(order, n, sizeof *order, by_enqueue);
	for (size_t i = 0; i < n; i++)
		rank[order[i]] = i + 1;
	qsort(order, n, sizeof *order, by_start);
	size_t seen = 0;
	for (size_t k = 0; k < n; k++) {
		size_t i = order[k];
		/* started so far with enqueue rank <= mine */
		uint32_t le = 0;
		for (size_t x = rank[i]; x > 0; x -= x & -x)
			le += tree[x];
		over[i] = (uint32_t)(seen - le);
		if (r->req[i].start_ps != DMA_REPORT_NOT_SERVED) {
			for (size_t x = rank[i]; x <= n; x += x & -x)
				tree[x]++;
			seen++;
		}
	}
	free(order);
	free(rank);
	free(tree);
	r->analysed = 1;
	return 0;
}

static sim_time wait_of(const struct dma_report_req *q, sim_time end_ps)
{
	sim_time until = q->start_ps == DMA_REPORT_NOT_SERVED ? end_ps : q->start_ps;
	return until > q->enqueue_ps ? until - q->enqueue_ps : 0;
}

void dma_report_summarize(struct dma_report *r, sim_time end_ps, sim_time syn_rto_ps,
			  struct dma_report_summary *out)
{
	memset(out, 0, sizeof *out);
	out->requests = r->n;
	int32_t max_conn = -1;
	for (size_t i = 0; i < r->n; i++)
		if (r->req[i].conn > max_conn)
			max_conn = r->req[i].conn;
	uint8_t *starved = calloc((size_t)max_conn + 2, 1);
	for (size_t i = 0; i < r->n; i++) {
		const struct dma_report_req *q = &r->req[i];
		sim_time w = wait_of(q, end_ps);
		if (q->start_ps == DMA_REPORT_NOT_SERVED)
			out->never_served++;
		if (!q->is_syn)
			continue;
		out->syn_requests++;
		if (w > out->syn_wait_max_ps)
			out->syn_wait_max_ps = w;
		if (starved && q->conn >= 0 &&
		    (w >= syn_rto_ps || q->start_ps == DMA_REPORT_NOT_SERVED))
			starved[q->conn] = 1;
	}
	for (int32_t c = 0; starved && c <= max_conn; c++)
		out->starved_connections += starved[c];
	free(starved);
}

/* ---- writers ---- */

/* dir/name through sim/atomic_file: NULL with errno (the file named on
 * stderr), or the file. */
static struct atomic_file *open_out(const char *dir, const char *name)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	return atomic_file_create(path);
}

/* Commits af: 0, or -errno with the file named on stderr. */
static int commit_out(struct atomic_file *af)
{
	return atomic_file_finish(af) == 0 ? 0 : -errno;
}

static void write_requests(const struct dma_report *r, FILE *f, sim_time end_ps)
{
	fprintf(f, "request,enqueue_s,start_s,wait_us,requester,conn,syn,first_segment,"
		   "len_bytes,depth_at_enqueue,overtaken_by,from_host\n");
	for (size_t i = 0; i < r->n; i++) {
		const struct dma_report_req *q = &r->req[i];
		fprintf(f, "%zu,%.9f,", i, sim_time_to_seconds(q->enqueue_ps));
		if (q->start_ps == DMA_REPORT_NOT_SERVED)
			fprintf(f, "never,");
		else
			fprintf(f, "%.9f,", sim_time_to_seconds(q->start_ps));
		fprintf(f, "%.3f,%" PRIu32 ",%" PRId32 ",%u,%u,%" PRIu32 ",%" PRIu32 ",%" PRIu32 ",%u\n",
			sim_time_to_us(wait_of(q, end_ps)), q->requester, q->conn, q->is_syn,
			q->is_first_segment, q->len_bytes, q->depth_at_enqueue, r->overtaken[i],
			q->from_host);
	}
}

/* A change of the buffer's content: +1 at enqueue, -1 at service start. */
struct depth_step {
	sim_time t;
	int32_t delta;
	uint32_t req;
};

static int by_step_time(const void *a, const void *b)
{
	const struct depth_step *x = a, *y = b;
	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->delta - y->delta;    /* departures first at equal time */
}

/* Depth and age of the oldest waiting request, the maximum within each
 * interval. The oldest waiting request is tracked with a lazy min-heap of
 * enqueue times. */
static int write_depth(const struct dma_report *r, FILE *f, sim_time interval_ps,
		       sim_time end_ps)
{
	size_t n = r->n;
	struct depth_step *st = malloc((2 * n + 1) * sizeof *st);
	size_t *heap = malloc((n + 1) * sizeof *heap);
	uint8_t *gone = calloc(n + 1, 1);
	if (!st || !heap || !gone) {
		free(st);
		free(heap);
		free(gone);
		return -ENOMEM;
	}
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		st[m++] = (struct depth_step){ r->req[i].enqueue_ps, +1, (uint32_t)i };
		if (r->req[i].start_ps != DMA_REPORT_NOT_SERVED)
			st[m++] = (struct depth_step){ r->req[i].start_ps, -1, (uint32_t)i };
	}
	qsort(st, m, sizeof *st, by_step_time);
	fprintf(f, "time_s,depth,oldest_age_us\n");
	size_t hn = 0, k = 0;
	int64_t depth = 0;
	for (sim_time t0 = 0; t0 < end_ps; t0 += interval_ps) {
		sim_time t1 = t0 + interval_ps;
		int64_t max_depth = depth;
		sim_time max_age = 0;
		for (; k < m && st[k].t < t1; k++) {
			uint32_t i = st[k].req;
			/* the oldest is as old as now, up to the moment it leaves */
			if (hn > 0 && st[k].t - r->req[heap[0]].enqueue_ps > max_age)
				max_age = st[k].t - r->req[heap[0]].enqueue_ps;
			if (st[k].delta > 0) {
				/* push enqueue time i into the min-heap */
				size_t c = hn++;
				while (c > 0) {
					size_t p = (c - 1) / 2;
					if (r->req[heap[p]].enqueue_ps <= r->req[i].enqueue_ps)
						break;
					heap[c] = heap[p];
					c = p;
				}
				heap[c] = i;
			} else {
				gone[i] = 1;
			}
			depth += st[k].delta;
			if (depth > max_depth)
				max_depth = depth;
			/* drop served requests from the heap top */
			while (hn > 0 && gone[heap[0]]) {
				size_t last = heap[--hn], c = 0;
				for (;;) {
					size_t l = 2 * c + 1, s = c;
					sim_time best = r->req[last].enqueue_ps;
					if (l < hn && r->req[heap[l]].enqueue_ps < best) {
						s = l;
						best = r->req[heap[l]].enqueue_ps;
					}
					if (l + 1 < hn && r->req[heap[l + 1]].enqueue_ps < best)
						s = l + 1;
					if (s == c)
						break;
					heap[c] = heap[s];
					c = s;
				}
				heap[c] = last;
			}
		}
		sim_time probe = t1 < end_ps ? t1 : end_ps;
		if (hn > 0 && probe - r->req[heap[0]].enqueue_ps > max_age)
			max_age = probe - r->req[heap[0]].enqueue_ps;
		fprintf(f, "%.6f,%" PRId64 ",%.3f\n", sim_time_to_seconds(t0), max_depth,
			sim_time_to_us(max_age));
	}
	free(st);
	free(heap);
	free(gone);
	return 0;
}

static int by_time(const void *a, const void *b)
{
	sim_time x = *(const sim_time *)a, y = *(const sim_time *)b;
	return x < y ? -1 : x > y;
}

/* Per requester: starvation on a stack is per rx thread (and per core:
 * a served request returns its FMN credit to its core, whose next request
 * is then the newest), so the table shows whose requests sank. */
static void write_requesters(const struct dma_report *r, FILE *f, sim_time end_ps)
{
	uint32_t top = 0;
	for (size_t i = 0; i < r->n; i++)
		if (r->req[i].requester + 1 > top)
			top = r->req[i].requester + 1;
	/* one pass groups the waits by station: start[st]..start[st+1] */
	size_t *start = calloc((size_t)top + 2, sizeof *start);
	uint64_t *never = calloc((size_t)top + 1, sizeof *never);
	sim_time *waits = malloc((r->n + 1) * sizeof *waits);
	if (!start || !never || !waits) {
		free(start);
		free(never);
		free(waits);
		return;
	}
	for (size_t i = 0; i < r->n; i++) {
		start[r->req[i].requester + 2]++;
		never[r->req[i].requester] += r->req[i].start_ps == DMA_REPORT_NOT_SERVED;
	}
	for (uint32_t st = 0; st < top; st++)
		start[st + 2] += start[st + 1];
	for (size_t i = 0; i < r->n; i++)
		waits[start[r->req[i].requester + 1]++] = wait_of(&r->req[i], end_ps);
	fprintf(f, "\nPer requester (FMN station = rx thread; threads 4k..4k+3 run on core k\n"
		   "and share its DMA credits)\n\n");
	fprintf(f, "station  core  requests  never served  wait p50 us  wait max ms  waits > 100 ms\n");
	for (uint32_t st = 0; st < top; st++) {
		sim_time *w = waits + start[st];
		size_t n = start[st + 1] - start[st];
		if (n == 0)
			continue;
		uint64_t long_waits = 0;
		for (size_t k = 0; k < n; k++)
			long_waits += w[k] > 100 * SIM_PS_PER_MS;
		qsort(w, n, sizeof *w, by_time);
		fprintf(f, "%7" PRIu32 "  %4" PRIu32 "  %8zu  %12" PRIu64 "  %11.3f  %11.3f  %14" PRIu64 "\n",
			st, st / 4, n, never[st], sim_time_to_us(w[n / 2]),
			sim_time_to_seconds(w[n - 1]) * 1e3, long_waits);
	}
	free(start);
	free(never);
	free(waits);
}

/* Time from a connection's first SYN to its establishment, or to the end
 * of the run if it never was. */
/* Keeps top[0..*n) the indices of the `cap` largest keys seen so far,
 * largest first (keys[] beside them); an index whose key ties the last kept
 * one comes after it. */
static void top_insert(size_t *top, sim_time *keys, size_t *n, size_t cap, size_t idx,
		       sim_time key)
{
	size_t at = *n;
	while (at > 0 && keys[at - 1] < key)
		at--;
	if (at >= cap)
		return;
	if (*n < cap)
		(*n)++;
	for (size_t j = *n - 1; j > at; j--) {
		top[j] = top[j - 1];
		keys[j] = keys[j - 1];
	}
	top[at] = idx;
	keys[at] = key;
}

static sim_time setup_of(const struct dma_report_conn *k, sim_time end_ps)
{
	sim_time until = k->established_ps == SIM_TIME_MAX ? end_ps : k->established_ps;
	return until > k->syn_first_ps ? until - k->syn_first_ps : 0;
}

/* The connections that waited longest to be established: the starved
 * ones, and for how long, at a glance. */
static void write_longest_setups(FILE *f, sim_time end_ps, const struct dma_report_conn *conns,
				 size_t n_conns)
{
	enum { SHOWN = 10 };
	size_t top[SHOWN];
	sim_time keys[SHOWN];
	size_t n_top = 0;
	for (size_t c = 0; c < n_conns; c++) {
		if (conns[c].syn_first_ps == SIM_TIME_MAX)
			continue;
		/* the short list, longest setup first */
		top_insert(top, keys, &n_top, SHOWN, c, setup_of(&conns[c], end_ps));
	}
	if (n_top == 0)
		return;
	fprintf(f, "\nLongest setups (first SYN to established, or to the end of the run)\n\n");
	for (size_t i = 0; i < n_top; i++) {
		const struct dma_report_conn *k = &conns[top[i]];
		fprintf(f, "  connection %zu: %.6f s%s, %" PRIu32 " SYN retransmission(s)\n", top[i],
			sim_time_to_seconds(setup_of(k, end_ps)),
			k->established_ps == SIM_TIME_MAX ? " and still waiting" : "",
			k->syn_retransmits);
	}
}

/* The requests that overtook request i (enqueued after it, served before
 * it, or before the end if it never was), counted per station: who buried
 * it. order[] lists the requests by start time. */
static void write_overtakers(const struct dma_report *r, FILE *f, size_t i, sim_time end_ps)
{
	const struct dma_report_req *q = &r->req[i];
	uint32_t top = 0;
	for (size_t k = 0; k < r->n; k++)
		if (r->req[k].requester + 1 > top)
			top = r->req[k].requester + 1;
	uint64_t *by = calloc((size_t)top + 1, sizeof *by);
	if (!by)
		return;
	sim_time until = q->start_ps == DMA_REPORT_NOT_SERVED ? end_ps : q->start_ps;
	for (size_t k = 0; k < r->n; k++) {
		const struct dma_report_req *o = &r->req[k];
		if (o->enqueue_ps > q->enqueue_ps && o->start_ps != DMA_REPORT_NOT_SERVED &&
		    o->start_ps < until)
			by[o->requester]++;
	}
	fprintf(f, "    overtaken by, per station:");
	int any = 0;
	for (int shown = 0; shown < 6; shown++) {
		uint32_t best = 0;
		for (uint32_t st = 1; st < top; st++)
			if (by[st] > by[best])
				best = st;
		if (by[best] == 0)
			break;
		fprintf(f, " %" PRIu32 " (core %" PRIu32 "): %" PRIu64 ";", best, best / 4, by[best]);
		by[best] = 0;
		any = 1;
	}
	fprintf(f, "%s\n", any ? "" : " none");
	free(by);
}

/* The SYN-carrying requests that waited longest, of one direction: a
 * client's SYN going up (from_host 0) or a SYN-ACK fetched (1). */
static void write_longest_syn_waits(const struct dma_report *r, FILE *f, sim_time end_ps,
				    int from_host)
{
	enum { SHOWN = 5 };
	size_t top[SHOWN];
	sim_time keys[SHOWN];
	size_t n_top = 0;
	for (size_t i = 0; i < r->n; i++) {
		const struct dma_report_req *q = &r->req[i];
		if (q->is_syn && q->from_host == from_host)
			top_insert(top, keys, &n_top, SHOWN, i, wait_of(q, end_ps));
	}
	fprintf(f, "\nLongest waits of %s (who overtook each: the\n"
		   "stations of the newer requests the engine served before it)\n\n",
		from_host ? "SYN-ACK fetches (the tx thread, station 13, fetching the host's SYN-ACK)"
			  : "requests carrying a client's SYN");
	if (n_top == 0)
		fprintf(f, "  none\n");
	for (size_t k = 0; k < n_top; k++) {
		size_t i = top[k];
		const struct dma_report_req *q = &r->req[i];
		fprintf(f, "  request %zu, connection %" PRId32 ", station %" PRIu32
			   ": entered at %.6f behind %" PRIu32 " waiting, %s %.6f s, overtaken by %" PRIu32 "\n",
			i, q->conn, q->requester, sim_time_to_seconds(q->enqueue_ps), q->depth_at_enqueue,
			q->start_ps == DMA_REPORT_NOT_SERVED ? "never served, waited" : "waited",
			sim_time_to_seconds(wait_of(q, end_ps)), r->overtaken[i]);
		write_overtakers(r, f, i, end_ps);
	}
}

static void write_story(const struct dma_report *r, FILE *f, sim_time end_ps,
			const struct dma_report_conn *conns, size_t n_conns)
{
	fprintf(f, "DMA request buffer report\n=========================\n\n");
	uint64_t never = 0;
	sim_time wmax = 0;
	size_t wmax_i = 0;
	for (size_t i = 0; i < r->n; i++) {
		sim_time w = wait_of(&r->req[i], end_ps);
		never += r->req[i].start_ps == DMA_REPORT_NOT_SERVED;
		if (w > wmax) {
			wmax = w;
			wmax_i = i;
		}
	}
	fprintf(f, "requests: %zu, never served: %" PRIu64 "\n", r->n, never);
	if (r->n)
		fprintf(f, "longest wait: request %zu (requester station %" PRIu32
			   ", connection %" PRId32 "), %.3f ms, overtaken by %" PRIu32
			   " newer requests\n",
			wmax_i, r->req[wmax_i].requester, r->req[wmax_i].conn,
			sim_time_to_seconds(wmax) * 1e3, r->overtaken[wmax_i]);
	write_requesters(r, f, end_ps);
	write_longest_setups(f, end_ps, conns, n_conns);
	write_longest_syn_waits(r, f, end_ps, 0);
	write_longest_syn_waits(r, f, end_ps, 1);
	fprintf(f, "\nPer connection: every request that carried a SYN from the client, and\n"
		   "every fetch of the host's SYN-ACK from host memory (host.tx_dma)\n"
		   "(times in seconds of simulated time; 'overtaken' = newer requests the\n"
		   "engine served first)\n\n");
	for (size_t c = 0; c < n_conns; c++) {
		const struct dma_report_conn *k = &conns[c];
		fprintf(f, "connection %zu: ", c);
		if (k->established_ps == SIM_TIME_MAX)
			fprintf(f, "NEVER established");
		else
			fprintf(f, "established at %.6f", sim_time_to_seconds(k->established_ps));
		fprintf(f, ", %" PRIu32 " SYN retransmission(s)", k->syn_retransmits);
		if (k->syn_first_ps == SIM_TIME_MAX) {
			fprintf(f, ", no SYN sent\n");
		} else {
			uint32_t reached = 0;
			for (size_t i = 0; i < r->n; i++)
				reached += r->req[i].is_syn && !r->req[i].from_host &&
					   r->req[i].conn == (int32_t)c;
			fprintf(f, ", first SYN at %.6f, setup %s%.6f s; %" PRIu32
				   " SYN(s) sent, %" PRIu32 " became DMA requests\n",
				sim_time_to_seconds(k->syn_first_ps),
				k->established_ps == SIM_TIME_MAX ? "still waiting after " : "",
				sim_time_to_seconds(setup_of(k, end_ps)), k->syn_retransmits + 1,
				reached);
		}
		for (size_t i = 0; i < r->n; i++) {
			const struct dma_report_req *q = &r->req[i];
			if (!q->is_syn || q->conn != (int32_t)c)
				continue;
			fprintf(f, "  %s %zu from station %" PRIu32
				   ": entered at %.6f behind %" PRIu32 " waiting, ",
				q->from_host ? "SYN-ACK fetch" : "SYN request", i, q->requester,
				sim_time_to_seconds(q->enqueue_ps), q->depth_at_enqueue);
			if (q->start_ps == DMA_REPORT_NOT_SERVED)
				fprintf(f, "never served (waited %.6f s until the end)",
					sim_time_to_seconds(end_ps - q->enqueue_ps));
			else
				fprintf(f, "served at %.6f after %.6f s",
					sim_time_to_seconds(q->start_ps),
					sim_time_to_seconds(wait_of(q, end_ps)));
			fprintf(f, ", overtaken by %" PRIu32 "\n", r->overtaken[i]);
		}
	}
}

int dma_report_write(struct dma_report *r, const char *dir, sim_time interval_ps,
		     sim_time end_ps, const struct dma_report_conn *conns, size_t n_conns)
{
	int rc = analyse(r);
	if (rc)
		return rc;
	if (interval_ps == 0)
		interval_ps = SIM_PS_PER_MS;

	struct atomic_file *af = open_out(dir, "dma_requests.csv");
	if (!af)
		return -errno;
	write_requests(r, atomic_file_stream(af), end_ps);
	if ((rc = commit_out(af)))
		return rc;

	if (!(af = open_out(dir, "dma_depth.csv")))
		return -errno;
	rc = write_depth(r, atomic_file_stream(af), interval_ps, end_ps);
	if (rc) {
		atomic_file_discard(af);
		return rc;
	}
	if ((rc = commit_out(af)))
		return rc;

	if (!(af = open_out(dir, "dma_report.txt")))
		return -errno;
	write_story(r, atomic_file_stream(af), end_ps, conns, n_conns);
	return commit_out(af);
}
