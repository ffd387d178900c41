/* host/tcp_sack.h - the sender's retransmission queue with its SACK
 * scoreboard, as Linux 2.6.32 tags it (net/ipv4/tcp_input.c: the
 * TCPCB_SACKED_ACKED, TCPCB_LOST and TCPCB_SACKED_RETRANS bits of each
 * segment and the counters sacked_out, lost_out, retrans_out, fackets_out
 * that tcp_packets_in_flight is made of).
 *
 * One entry per segment sent (a FIN is an entry of one sequence number),
 * in sequence order, from snd_una to snd_nxt.
 */
#ifndef HOST_TCP_SACK_H
#define HOST_TCP_SACK_H

#include <stdint.h>

enum {
	TCP_SEG_SACKED = 1,            /* the peer has it (SACK) */
	TCP_SEG_LOST = 2,              /* deemed lost, to be retransmitted */
	TCP_SEG_RETRANS = 4,           /* a retransmission is in flight */
	TCP_SEG_EVER_RETRANS = 8,      /* retransmitted at least once */
	TCP_SEG_FIN = 16,
};

struct tcp_seg {
	uint32_t seq, end;
	uint32_t sent_ms;              /* last (re)transmission, jiffies */
	uint8_t tags;
};

struct tcp_scoreboard {
	struct tcp_seg *seg;           /* ring of cap entries */
	uint32_t head, n, cap;
	uint32_t sacked_out, lost_out, retrans_out;
	uint32_t fackets_out;          /* segments up to the highest SACKed one */
};

/* What one ACK's cumulative part and SACK blocks did. */
struct tcp_sack_result {
	uint32_t acked;                /* segments cumulatively acknowledged */
	uint32_t newly_sacked;
	int retrans_acked;             /* a retransmitted segment was among the acked */
	uint32_t newest_sent_ms;       /* send time of the newest never-retransmitted acked */
	int have_rtt;
	int dsack;                     /* the ACK carried a D-SACK */
	uint32_t dsack_retrans;        /* D-SACKed retransmissions after undo_from */
	uint32_t reorder_filled;       /* a hole filled by the cumulative ACK without a
					* retransmission, this many below the highest
					* SACKed segment (0: none) */
	uint32_t highest_sacked_end;   /* end of the highest segment newly SACKed */
	uint32_t reorder;              /* reordering seen: segments a SACK filled below the
					* highest SACKed one without a retransmission (0: none) */
};

void tcp_sb_init(struct tcp_scoreboard *b);
void tcp_sb_free(struct tcp_scoreboard *b);
void tcp_sb_push(struct tcp_scoreboard *b, uint32_t seq, uint32_t end, uint8_t tags,
		 uint32_t now_ms);
struct tcp_seg *tcp_sb_at(const struct tcp_scoreboard *b, uint32_t i);
/* Drop segments entirely below ack. */
void tcp_sb_ack(struct tcp_scoreboard *b, uint32_t ack, struct tcp_sack_result *r);
/* Tag the blocks of one ACK (start/end pairs, first block first). snd_una:
 * before the ACK (a first block below it, or inside the second, is a
 * D-SACK: tcp_check_dsack); undo_from: retransmissions at or after it
 * count in dsack_retrans. */
void tcp_sb_sack(struct tcp_scoreboard *b, const uint32_t *start, const uint32_t *end,
		 uint32_t n, uint32_t ack, uint32_t snd_una, uint32_t undo_from,
		 struct tcp_sack_result *r);
/* tcp_mark_head_lost: walking from the head over segments sent before
 * high_seq, count every segment (fack) or only SACKed ones, and mark
 * the not-SACKed ones lost until the count passes packets; mark_head:
 * the head only. */
void tcp_sb_mark_head_lost(struct tcp_scoreboard *b, uint32_t packets, int fack, int mark_head,
			   uint32_t high_seq);
/* Mark lost every not-SACKed segment sent before now_ms - rto_ms
 * (tcp_timeout_skbs for tcp_head_timedout). */
void tcp_sb_mark_timed_out(struct tcp_scoreboard *b, uint32_t now_ms, uint32_t rto_ms,
			   uint32_t high_seq);
/* tcp_enter_loss, tcp_enter_frto_loss: every not-SACKed segment is lost
 * and no retransmission is in flight, except the head's when keep_head
 * (F-RTO's retransmission still awaiting its first ACK). Returns whether
 * any other segment was ever retransmitted (then no undo is possible). */
int tcp_sb_enter_loss(struct tcp_scoreboard *b, int keep_head);
/* The head's retransmission no longer counts as in flight (tcp_enter_frto). */
void tcp_sb_forget_head_retrans(struct tcp_scoreboard *b);
/* The first lost segment not yet retransmitted, or NULL. */
struct tcp_seg *tcp_sb_next_lost(const struct tcp_scoreboard *b);
void tcp_sb_mark_retransmitted(struct tcp_scoreboard *b, struct tcp_seg *s, uint32_t now_ms);
/* Clear every LOST tag (an undone loss). */
void tcp_sb_clear_lost(struct tcp_scoreboard *b);
/* tcp_packets_in_flight: packets_out - (sacked_out + lost_out) + retrans_out */
uint32_t tcp_sb_in_flight(const struct tcp_scoreboard *b);

#endif
