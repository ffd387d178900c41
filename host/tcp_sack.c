/* host/tcp_sack.c - the sender's SACK scoreboard (tcp_sack.h). */
#include "host/tcp_sack.h"

#include <stdlib.h>
#include <string.h>

static int before(uint32_t a, uint32_t b) { return (int32_t)(a - b) < 0; }

void tcp_sb_init(struct tcp_scoreboard *b)
{
	memset(b, 0, sizeof *b);
}

void tcp_sb_free(struct tcp_scoreboard *b)
{
	free(b->seg);
	memset(b, 0, sizeof *b);
}

struct tcp_seg *tcp_sb_at(const struct tcp_scoreboard *b, uint32_t i)
{
	return &b->seg[(b->head + i) % b->cap];
}

void tcp_sb_push(struct tcp_scoreboard *b, uint32_t seq, uint32_t end, uint8_t tags,
		 uint32_t now_ms)
{
	if (b->n == b->cap) {
		uint32_t cap = b->cap ? b->cap * 2 : 64;
		struct tcp_seg *s = malloc(cap * sizeof *s);
		if (!s)
			abort();
		for (uint32_t i = 0; i < b->n; i++)
			s[i] = *tcp_sb_at(b, i);
		free(b->seg);
		b->seg = s;
		b->cap = cap;
		b->head = 0;
	}
	struct tcp_seg *s = &b->seg[(b->head + b->n) % b->cap];
	s->seq = seq;
	s->end = end;
	s->sent_ms = now_ms;
	s->tags = tags;
	b->n++;
}

static void untag(struct tcp_scoreboard *b, struct tcp_seg *s, uint8_t tags)
{
	if ((tags & TCP_SEG_SACKED) && (s->tags & TCP_SEG_SACKED))
		b->sacked_out--;
	if ((tags & TCP_SEG_LOST) && (s->tags & TCP_SEG_LOST))
		b->lost_out--;
	if ((tags & TCP_SEG_RETRANS) && (s->tags & TCP_SEG_RETRANS))
		b->retrans_out--;
	s->tags &= (uint8_t)~tags;
}

void tcp_sb_ack(struct tcp_scoreboard *b, uint32_t ack, struct tcp_sack_result *r)
{
	uint32_t prior_fackets = b->fackets_out, index = 0, reord = UINT32_MAX;
	while (b->n > 0) {
		struct tcp_seg *s = tcp_sb_at(b, 0);
		if (before(ack, s->end))
			break;
		if (s->tags & TCP_SEG_EVER_RETRANS) {
			r->retrans_acked = 1;
		} else {
			r->newest_sent_ms = s->sent_ms;
			r->have_rtt = 1;
			/* a hole filled without a retransmission: reordering
			 * (tcp_clean_rtx_queue) */
			if (!(s->tags & TCP_SEG_SACKED) && index < reord)
				reord = index;
		}
		index++;
		untag(b, s, TCP_SEG_SACKED | TCP_SEG_LOST | TCP_SEG_RETRANS);
		b->head = (b->head + 1) % b->cap;
		b->n--;
		r->acked++;
		if (b->fackets_out > 0)
			b->fackets_out--;
	}
	if (reord < prior_fackets)
		r->reorder_filled = prior_fackets - reord;
}

/* Index of the first segment ending after seq. */
static uint32_t first_after(const struct tcp_scoreboard *b, uint32_t seq)
{
	uint32_t lo = 0, hi = b->n;
	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;
		if (before(seq, tcp_sb_at(b, mid)->end))
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

static void tag_block(struct tcp_scoreboard *b, uint32_t start, uint32_t end,
		      struct tcp_sack_result *r)
{
	uint32_t min_reord = UINT32_MAX;
	for (uint32_t i = first_after(b, start); i < b->n; i++) {
		struct tcp_seg *s = tcp_sb_at(b, i);
		if (!before(s->seq, end))
			break;
		if (before(s->seq, start) || before(end, s->end))
			continue;              /* only partly covered */
		if (s->tags & TCP_SEG_SACKED)
			continue;
		/* a SACK for a segment in a hole that was never resent:
		 * reordering (tcp_sacktag_one) */
		if (!(s->tags & TCP_SEG_EVER_RETRANS) && i < b->fackets_out && i < min_reord)
			min_reord = i;
		untag(b, s, TCP_SEG_LOST | TCP_SEG_RETRANS);
		s->tags |= TCP_SEG_SACKED;
		b->sacked_out++;
		r->newly_sacked++;
		if (r->newly_sacked == 1 || before(r->highest_sacked_end, s->end))
			r->highest_sacked_end = s->end;
		if (i + 1 > b->fackets_out)
			b->fackets_out = i + 1;
	}
	if (min_reord != UINT32_MAX && b->fackets_out - min_reord > r->reorder)
		r->reorder = b->fackets_out - min_reord;
}

static void count_dsack(const struct tcp_scoreboard *b, uint32_t start, uint32_t end,
			uint32_t snd_una, uint32_t undo_from, struct tcp_sack_result *r)
{
	r->dsack = 1;
	if (!before(snd_una, end)) {
		/* data already forgotten: count it once (tcp_sacktag_write_queue) */
		if (before(undo_from, end))
			r->dsack_retrans++;
		return;
	}
	for (uint32_t i = first_after(b, start); i < b->n; i++) {
		const struct tcp_seg *s = tcp_sb_at(b, i);
		if (!before(s->seq, end))
			break;
		if ((s->tags & TCP_SEG_EVER_RETRANS) && before(undo_from, s->end))
			r->dsack_retrans++;
	}
}

void tcp_sb_sack(struct tcp_scoreboard *b, const uint32_t *start, const uint32_t *end,
		 uint32_t n, uint32_t ack, uint32_t snd_una, uint32_t undo_from,
		 struct tcp_sack_result *r)
{
	uint32_t first = 0;
	if (n > 0 && (before(start[0], ack) ||
		      (n > 1 && !before(start[0], start[1]) && !before(end[1], end[0])))) {
		count_dsack(b, start[0], end[0], snd_una, undo_from, r);
		first = 1;
	}
	for (uint32_t k = first; k < n; k++)
		if (before(start[k], end[k]))
			tag_block(b, start[k], end[k], r);
}

void tcp_sb_mark_head_lost(struct tcp_scoreboard *b, uint32_t packets, int fack, int mark_head,
			   uint32_t high_seq)
{
	uint32_t cnt = 0;
	for (uint32_t i = 0; i < b->n; i++) {
		struct tcp_seg *s = tcp_sb_at(b, i);
		if (before(high_seq, s->end))
			break;
		if (fack || (s->tags & TCP_SEG_SACKED))
			cnt++;
		if (cnt > packets)
			break;
		if (!(s->tags & (TCP_SEG_SACKED | TCP_SEG_LOST))) {
			s->tags |= TCP_SEG_LOST;
			b->lost_out++;
		}
		if (mark_head)
			break;
	}
}

void tcp_sb_mark_timed_out(struct tcp_scoreboard *b, uint32_t now_ms, uint32_t rto_ms,
			   uint32_t high_seq)
{
	for (uint32_t i = 0; i < b->n; i++) {
		struct tcp_seg *s = tcp_sb_at(b, i);
		if (before(high_seq, s->end) || (int32_t)(now_ms - s->sent_ms) <= (int32_t)rto_ms)
			break;
		if (!(s->tags & (TCP_SEG_SACKED | TCP_SEG_LOST))) {
			s->tags |= TCP_SEG_LOST;
			b->lost_out++;
		}
	}
}

int tcp_sb_enter_loss(struct tcp_scoreboard *b, int keep_head)
{
	int ever = 0;
	for (uint32_t i = 0; i < b->n; i++) {
		struct tcp_seg *s = tcp_sb_at(b, i);
		if (i == 0 && keep_head) {
			untag(b, s, TCP_SEG_LOST);
		} else {
			if (s->tags & TCP_SEG_EVER_RETRANS)
				ever = 1;
			untag(b, s, TCP_SEG_RETRANS | TCP_SEG_LOST);
		}
		if (!(s->tags & TCP_SEG_SACKED)) {
			s->tags |= TCP_SEG_LOST;
			b->lost_out++;
		}
	}
	return ever;
}

void tcp_sb_forget_head_retrans(struct tcp_scoreboard *b)
{
	if (b->n)
		untag(b, tcp_sb_at(b, 0), TCP_SEG_RETRANS);
}

struct tcp_seg *tcp_sb_next_lost(const struct tcp_scoreboard *b)
{
	if (b->lost_out == 0)
		return NULL;
	for (uint32_t i = 0; i < b->n; i++) {
		struct tcp_seg *s = tcp_sb_at(b, i);
		if ((s->tags & (TCP_SEG_LOST | TCP_SEG_RETRANS)) == TCP_SEG_LOST)
			return s;
	}
	return NULL;
}

void tcp_sb_mark_retransmitted(struct tcp_scoreboard *b, struct tcp_seg *s, uint32_t now_ms)
{
	if (!(s->tags & TCP_SEG_RETRANS))
		b->retrans_out++;
	s->tags |= TCP_SEG_RETRANS | TCP_SEG_EVER_RETRANS;
	s->sent_ms = now_ms;
}

void tcp_sb_clear_lost(struct tcp_scoreboard *b)
{
	for (uint32_t i = 0; i < b->n; i++)
		untag(b, tcp_sb_at(b, i), TCP_SEG_LOST);
}

uint32_t tcp_sb_in_flight(const struct tcp_scoreboard *b)
{
	uint32_t left = b->sacked_out + b->lost_out;
	uint32_t out = b->n > left ? b->n - left : 0;
	return out + b->retrans_out;
}
