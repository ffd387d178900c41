/* firmware/lro.h - the LRO engine: one per receive thread. A library with
 * no blocking calls: frames go in, actions come out (paper sections IV-V).
 *
 * The engine owns nothing but the memory block the caller hands it
 * (lro_engine_bytes()): connection descriptors, their free queue and the
 * connection table. Packets stay in the caller's buffers (HAL_PKT_BUF_BYTES
 * each); the engine keeps its per-segment record in the buffer's tail, past
 * the largest frame, so holding a segment needs no allocation.
 *
 * Time is an argument (nanoseconds); the engine never reads a clock.
 *
 * Both IP families: TCP over IPv4 and over IPv6 (flows keyed by their
 * 128-bit addresses and ports). IPv6 segments with an extension header pass
 * untouched (LRO_PASS_IPV6_EXTHDR; Linux's GRO merges across identical
 * hop-by-hop, routing and destination-options headers, docs/ARCHITECTURE.md).
 *
 * Nothing is lost to the engine's own limits: data held past a gap goes to
 * the host when the flow times out or holds LRO_MAX_HELD segments (the
 * host's TCP puts it in order), and a data segment passed through untouched
 * (urgent data, an unknown TCP option, IP options, an IPv6 extension
 * header, a fragment, no ACK, a jumbo frame) keeps the flow consistent: in
 * order, it follows the flush of the contiguous run and the flow's next
 * expected sequence moves past it;
 * past a gap, the engine hands the host everything it holds for the flow
 * and lets the flow go (its later frames pass untouched).
 *
 * Ordering promise: for each flow, the bytes handed to the host (deliveries
 * and pass-through frames) are in sequence order, except data held past a
 * gap, handed over early for the reasons above (the gap's bytes follow when
 * the sender resends them). The engine then remembers the one range it
 * handed over, so the gap's filling joins the flow up again.
 */
#ifndef FIRMWARE_LRO_H
#define FIRMWARE_LRO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LRO_FRAME_MAX 1536u            /* frames are at most this long */
#define LRO_MAX_HELD 256u              /* segments held per connection */
#define LRO_ACK_FRAME_BYTES 66u        /* Ethernet + IPv4 + TCP with timestamps */
#define LRO_ACK6_FRAME_BYTES 86u       /* Ethernet + IPv6 + TCP with timestamps */
/* aggregate payload that fits a 16-bit IP total length with a 32-byte TCP
 * header (timestamps); less with a longer header */
#define LRO_MAX_AGG_PAYLOAD (65535u - 20u - 32u)
/* BIG TCP: the largest aggregate lro_config.max_aggregate_bytes allows
 * (512 KiB; Linux caps GSO/GRO at 524,280: "net: limit GSO_MAX_SIZE to
 * 524280 bytes"). Past 65,535 bytes an IPv4 aggregate has total length 0
 * and an IPv6 one a hop-by-hop jumbo payload option (RFC 2675), as Linux's
 * GRO writes them (docs/ARCHITECTURE.md, "IPv6 and BIG TCP"). */
#define LRO_BIG_AGG_MAX (512u * 1024u)

enum lro_mode { LRO_MODE_NIC = 0, LRO_MODE_LRO = 1 };

/* Whether and how far the engine acknowledges data itself (paper V.C). */
enum lro_active_ack {
	LRO_ACK_OFF = 0,               /* only the host's own ACKs */
	LRO_ACK_ON = 1,                /* the paper's: nextseq, window field ack_window */
	LRO_ACK_SAFE = 2,              /* never past the window the host advertised
					* (lro_note_host_seg; docs/ARCHITECTURE.md) */
	LRO_ACK_MODES
};

/* When a flow's receive timer runs out (docs/PERFORMANCE.md compares them
 * on real captures). Each names how long a flow holding a contiguous run
 * may go without a segment before the run goes to the host. */
enum lro_timeout_rule {
	LRO_TIMEOUT_PAPER = 0,         /* timeout_factor x average interval (paper IV.E) */
	LRO_TIMEOUT_FLOOR = 1,         /* the paper's, but never below timeout_floor_ns */
	LRO_TIMEOUT_GAP = 2,           /* floor's; while data past a gap is held, at
					* least timeout_gap_ns (the retransmission that
					* fills the gap joins run and held data) */
	LRO_TIMEOUT_RULES
};

struct lro_config {
	enum lro_mode mode;
	uint32_t threshold_bytes;      /* flush when the contiguous run reaches it */
	uint8_t active_ack;            /* enum lro_active_ack */
	uint16_t ack_window;           /* raw window field of active ACKs (SAFE: at most) */
	uint32_t timeout_factor;       /* timed out after factor x average interval */
	uint8_t timeout_rule;          /* enum lro_timeout_rule */
	uint32_t timeout_floor_ns;     /* FLOOR, GAP: the shortest timeout */
	uint32_t timeout_gap_ns;       /* GAP: the timeout while data past a gap is held */
	uint32_t max_conns;            /* descriptors in the pool */
	uint32_t table_buckets;        /* power of two */
	/* aggregation policy (firmware/lro_policy.h) */
	uint8_t policy;                /* enum lro_policy_id; LRO_POLICY_PAPER: all of the
					* above; the others use neither threshold_bytes,
					* active_ack nor the timeout_* fields */
	uint32_t flush_timeout_ns;     /* other policies: 0 flushes at every lro_burst_end;
					* else held data is flushed this long after it came
					* (gro_flush_timeout, DPDK timer mode,
					* tcp_lro_flush_inactive) and bursts flush nothing */
	uint32_t max_aggregate_bytes;  /* largest aggregate IP packet (IP + TCP headers +
					* payload): 65535 .. LRO_BIG_AGG_MAX */
};

void lro_config_default(struct lro_config *c);

/* The reasons below are X-macro lists, X(ID, "name"), so that each
 * reason's enum value and its name (in reports: traces/replay.c) are
 * written once and cannot drift apart. LRO_REASON_NAME expands an entry
 * to its name, for an array indexed by the enum. */
#define LRO_REASON_ENUM_FLUSH(id, name) LRO_FLUSH_##id,
#define LRO_REASON_ENUM_PASS(id, name) LRO_PASS_##id,
#define LRO_REASON_ENUM_DROP(id, name) LRO_DROP_##id,
#define LRO_REASON_NAME(id, name) name,

/* Why a flow's data went to the host. */
#define LRO_FLUSH_REASON_LIST(X) \
	X(THRESHOLD, "threshold")      /* contiguous run reached the threshold */ \
	X(FULL, "size-limit")          /* the next segment would not fit max_aggregate_bytes */ \
	X(FIN, "fin") \
	X(TIMEOUT, "timeout") \
	X(PASSTHROUGH, "passthrough")  /* a frame of the flow had to pass untouched */ \
	X(HELD_LIMIT, "held-limit")    /* too many segments held */ \
	X(SYN, "syn")                  /* a new SYN reused the flow */ \
	X(AHEAD, "ahead")              /* the bytes after the run reached the host earlier */ \
	X(RELEASE, "release")          /* the engine let the flow go: everything it held */ \
	X(END, "end-of-capture")       /* lro_drain_conn (the end of a replay) */ \
	X(WINDOW, "window-full")       /* safe ACK: the host's window is full */ \
	/* the other policies' reasons (firmware/lro_policy.h) */ \
	X(BURST_END, "burst-end")      /* the poll, interrupt or burst ended */ \
	X(GAP, "gap")                  /* the next segment did not continue it */ \
	X(MISMATCH, "mismatch")        /* the next segment's headers, options or size differ */ \
	X(FLAGS, "flags")              /* a segment with PSH/FIN/... or a short one ended it */ \
	X(EVICTED, "evicted")          /* its entry was taken for a new flow */ \
	X(NEXT_FLOW, "next-flow")      /* a sorted burst moved on to the next flow */
enum lro_flush_reason {
	LRO_FLUSH_REASON_LIST(LRO_REASON_ENUM_FLUSH)
	LRO_FLUSH_REASONS
};

/* Why a frame went to the host untouched. */
#define LRO_PASS_REASON_LIST(X) \
	X(NIC_MODE, "nic-mode") \
	X(NOT_IPV4, "not-ipv4")        /* neither IPv4 nor IPv6 */ \
	X(NOT_TCP, "not-tcp") \
	X(IP_OPTIONS, "ip-options") \
	X(FRAGMENT, "fragment") \
	X(PURE_ACK, "pure-ack") \
	X(RST_URG, "rst-urg") \
	X(TCP_OPTIONS, "tcp-options") \
	X(SYN, "syn") \
	X(FIN, "fin") \
	X(UNKNOWN_FLOW, "unknown-flow") \
	X(POOL_EXHAUSTED, "pool-exhausted") \
	X(NO_ACK, "no-ack")            /* data without ACK (as Linux's inet_lro) */ \
	X(JUMBO, "jumbo")              /* longer than LRO_FRAME_MAX */ \
	X(SYN_DUPLICATE, "syn-duplicate") /* a retransmitted SYN (same ISN) of a known flow */ \
	X(HELD_LIMIT, "held-limit")    /* past a gap with LRO_MAX_HELD held: the flow is let go */ \
	X(UNACKED_RESEND, "unacked-resend") /* safe ACK: resend of bytes delivered, never ACKed */ \
	X(FLAGS, "flags")              /* flags the policy never holds (CWR, ECE; PSH alone) */ \
	X(NO_ENTRY, "no-entry")        /* the policy's flow entries are all taken */ \
	X(IPV6_EXTHDR, "ipv6-exthdr")  /* IPv6 with an extension header */
enum lro_pass_reason {
	LRO_PASS_REASON_LIST(LRO_REASON_ENUM_PASS)
	LRO_PASS_REASONS
};

/* Why a frame was dropped (its buffer is returned with LRO_ACT_FREE). */
#define LRO_DROP_REASON_LIST(X) \
	X(TRUNCATED, "truncated")      /* shorter than its headers claim */ \
	X(BAD_IP_CSUM, "bad-ip-csum") \
	X(BAD_TCP_CSUM, "bad-tcp-csum") \
	X(DUPLICATE, "duplicate")      /* all its bytes were accepted, held or given to the host */ \
	X(HELD_LIMIT, "held-limit")    /* no longer happens (LRO_PASS_HELD_LIMIT); kept for results.csv */ \
	X(POOL_LOW, "pool-low")        /* held past a gap when buffers ran low */
enum lro_drop_reason {
	LRO_DROP_REASON_LIST(LRO_REASON_ENUM_DROP)
	LRO_DROP_REASONS
};

struct lro_counters {
	uint64_t frames_in;
	uint64_t segments_aggregated;  /* data segments accepted into a flow */
	uint64_t deliveries;           /* aggregates handed to the host */
	uint64_t delivered_segments;
	uint64_t acks_sent;
	uint64_t conns_opened;
	uint64_t conns_closed;
	uint64_t conns_released;       /* flows let go (see the ordering promise) */
	uint64_t handed_ahead;         /* runs past a gap handed to the host early */
	uint64_t flush[LRO_FLUSH_REASONS];
	uint64_t pass[LRO_PASS_REASONS];
	uint64_t drop[LRO_DROP_REASONS];
	/* the safe active ACK (LRO_ACK_SAFE) */
	uint64_t acks_window_limited;  /* segments whose ACK the host's window held short of nextseq */
	uint64_t acks_window_unknown;  /* segments not ACKed: the flow's window scale is unknown */
	uint64_t ack_window_updates;   /* ACKs sent because the host's window opened */
};

/* A held segment: lives in the tail of its packet buffer. */
struct lro_seg {
	struct lro_seg *next;          /* in sequence order */
	uint8_t *frame;                /* start of the Ethernet frame */
	uint32_t seq;                  /* of the first payload byte (after trimming) */
	uint32_t ack;
	uint32_t tsval, tsecr;
	uint32_t payload_sum;          /* ones' complement sum of the kept payload */
	uint16_t frame_len;
	uint16_t payload_off;          /* from frame start, after trimming */
	uint16_t payload_len;          /* after trimming */
	uint16_t window;
	uint8_t tcp_flags;
	uint8_t has_ts;
	uint8_t starts_run;            /* separate_runs policies: a run begins here */
	uint8_t queued_reason;         /* a refused frame waiting for the burst's end */
};

enum lro_action_kind {
	LRO_ACT_DELIVER,               /* aggregate: segs (first carries headers) */
	LRO_ACT_PASS,                  /* frame untouched: buf, len */
	LRO_ACT_ACK,                   /* send ack_frame[0..len) to the sender */
	LRO_ACT_FREE,                  /* buffer no longer needed */
};

struct lro_action {
	enum lro_action_kind kind;
	uint8_t *buf;                  /* PASS/FREE: buffer; DELIVER: first frame */
	uint32_t len;                  /* PASS/ACK: frame bytes; DELIVER: total bytes */
	struct lro_seg *segs;          /* DELIVER: segments, first one's headers rewritten */
	uint32_t n_segs;               /* DELIVER */
	uint8_t reason;                /* DELIVER: lro_flush_reason; PASS: lro_pass_reason */
	uint8_t ack_frame[LRO_ACK6_FRAME_BYTES];
};

#define LRO_OUT_MAX (LRO_MAX_HELD + 8u)
struct lro_out {
	unsigned n;
	struct lro_action a[LRO_OUT_MAX];
};

struct lro_engine;

/* Bytes of memory an engine with this configuration needs. */
size_t lro_engine_bytes(const struct lro_config *c);
/* Lays the engine out in mem (8-byte aligned, lro_engine_bytes long). */
struct lro_engine *lro_engine_init(void *mem, const struct lro_config *c);
const struct lro_counters *lro_engine_counters(const struct lro_engine *e);
const struct lro_config *lro_engine_config(const struct lro_engine *e);

/* Feed one received frame (buf holds HAL_PKT_BUF_BYTES, the frame at its
 * start; a frame longer than LRO_FRAME_MAX may come in a buffer of its own
 * length: it is passed through, never held). Actions are appended to out (cleared first). Every buffer given
 * in comes back exactly once: held, then in a DELIVER, or in PASS or FREE. */
void lro_input(struct lro_engine *e, uint8_t *buf, uint32_t len, uint64_t now_ns,
	       struct lro_out *out);

/* Connections are named by their descriptor index (for timeout messages). */
uint32_t lro_conn_capacity(const struct lro_engine *e);
/* True when descriptor i holds data (in order or past a gap) and its
 * receive timer ran out: now - last_arrival > the configured rule's timeout
 * (enum lro_timeout_rule; the paper's, IV.E: timeout_factor x
 * average_interval). */
bool lro_conn_timed_out(const struct lro_engine *e, uint32_t i, uint64_t now_ns);
/* The first descriptor at or after `from` for which lro_conn_timed_out
 * holds at now_ns, or lro_conn_capacity() when none does. The timeout
 * scan's loop: it passes an idle descriptor in a few instructions. */
uint32_t lro_next_timed_out(const struct lro_engine *e, uint32_t from, uint64_t now_ns);
/* The earliest time at which lro_conn_timed_out(e, i, t) holds, as long as
 * nothing arrives; UINT64_MAX when descriptor i holds nothing that can time
 * out. Lets a caller skip timeout scans that would find nothing. */
uint64_t lro_conn_timeout_at(const struct lro_engine *e, uint32_t i);
/* When descriptor i last received a segment (ns). */
uint64_t lro_conn_last_arrival(const struct lro_engine *e, uint32_t i);
/* Deliver the contiguous run of descriptor i (timeout flush), then hand the
 * host what it holds past a gap (see the ordering promise). */
void lro_flush_conn(struct lro_engine *e, uint32_t i, enum lro_flush_reason why,
		    struct lro_out *out);
/* Deliver everything descriptor i holds, run by run, gaps included (end of
 * a replay): at most LRO_MAX_HELD actions. */
void lro_drain_conn(struct lro_engine *e, uint32_t i, struct lro_out *out);
/* Packet buffers are running out: drop what descriptor i holds past a gap.
 * Those segments were never acknowledged (the active ACK names nextseq,
 * the gap's start), so the sender resends them; holding them could take
 * the last buffer the gap-filling retransmission needs, and nothing would
 * move again. The contiguous run stays (it was acknowledged); the
 * threshold or the receive timeout delivers it as usual. */
void lro_release_conn(struct lro_engine *e, uint32_t i, struct lro_out *out);
/* Segments held right now (all flows). */
uint32_t lro_held_segments(const struct lro_engine *e);

/* ---- the safe active ACK (LRO_ACK_SAFE) ----
 *
 * The engine learns each flow's receive window from the segments the host
 * sends back through the NPU (the tx path): the window scale from the
 * SYN-ACK, then every ACK's ack number and window. Its active ACKs never
 * acknowledge past the host's advertised right edge (host ACK + window <<
 * scale) and their window field reaches at most that edge: what the NPU
 * holds and has in flight to the host for the flow lies below its own
 * ACK, so the room it offers is the host's advertised room minus those
 * bytes. A flow whose SYN-ACK the engine did not see gets no active ACK
 * (the host's own ACKs pace it). */

/* The arithmetic, modulo 2^32: the flow's contiguous data ends at nextseq,
 * the engine last acknowledged acked, the host advertised bytes up to
 * right with window scale `scale`. The ACK names nextseq when that lies
 * within right, else it does not go beyond right (nor back before acked);
 * its window field is (right - ack) >> scale, rounded down so that the
 * sender's right edge never passes right, and at most max_field. */
struct lro_safe_ack {
	uint32_t ack;                  /* the ACK number to send */
	uint16_t window;               /* its window field */
	uint8_t limited;               /* the host's window held it short of nextseq */
	uint8_t send;                  /* false: limited and no progress past acked */
};
struct lro_safe_ack lro_safe_ack(uint32_t nextseq, uint32_t acked, uint32_t right, uint8_t scale,
				 uint16_t max_field);

/* A TCP segment the host sent, as the safe active ACK reads it. */
struct lro_host_seg {
	uint8_t dst_mac[6], src_mac[6];
	uint32_t saddr, daddr;         /* the host's, the peer's (IPv6: folded) */
	uint8_t ip6;                   /* IPv6: the addresses are saddr6, daddr6 */
	uint32_t saddr6[4], daddr6[4];
	uint16_t sport, dport;
	uint32_t seq, ack;             /* seq: after the segment's data and FIN */
	uint32_t tsval, tsecr;
	uint16_t window;               /* the raw field */
	uint8_t flags;
	uint8_t has_ts;
	uint8_t wscale;                /* the window-scale option, 0xff: none */
};
/* Reads an Ethernet/IPv4/TCP or Ethernet/IPv6/TCP (no extension header)
 * frame the host sent; false if it is not one (the host's checksums are not
 * verified: the frame came over PCIe). */
bool lro_host_seg_parse(const uint8_t *frame, uint32_t len, struct lro_host_seg *h);

enum lro_host_note {
	LRO_HOST_UNKNOWN_FLOW,         /* no descriptor of this engine has the flow */
	LRO_HOST_NOTED,                /* the flow's window state is up to date */
	LRO_HOST_WINDOW_UPDATE,        /* and *update holds an ACK for the sender */
};
/* Notes what the host's segment h says about its receive window in the
 * flow's descriptor. When the window opened while the engine's ACKs run
 * ahead of the host's (the sender ignores an ACK older than one it has),
 * *update becomes a window update: the engine's ACK number with the new
 * window. Called by the tx thread on every rx thread's engine until one
 * has the flow. It writes the descriptor's host_* fields, which the rx
 * thread only reads, and, sending an update, the edge last offered; it
 * reads what the rx thread acknowledged. */
enum lro_host_note lro_note_host_seg(struct lro_engine *e, const struct lro_host_seg *h,
				     struct lro_action *update);

/* ---- polls and bursts (policies other than the paper's) ---- */
/* Frames per poll, interrupt or burst of the engine's policy: Linux's NAPI
 * weight (64), a FreeBSD driver's rx_process_limit (256), DPDK's burst
 * (32); 0 for the paper's engine, which has no bursts. */
uint32_t lro_burst_frames(const struct lro_engine *e);
/* The poll, interrupt or burst ended (the receive queue ran empty, or
 * lro_burst_frames() frames came): freebsd-lro-sorted merges the frames it
 * queued, sorted by flow; the policy flushes what it holds, then, for
 * DPDK's burst mode, the frames it did not take, in arrival order. Until
 * then lro_input may hold a frame without any action (it is counted by
 * lro_held_segments).
 * Returns true when out filled up first: call again. A no-op for the
 * paper's policy. Call it before lro_drain_conn at the end of a replay. */
bool lro_burst_end(struct lro_engine *e, struct lro_out *out);

#endif
