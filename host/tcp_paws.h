/* host/tcp_paws.h - PAWS, Protection Against Wrapped Sequences (RFC 1323
 * section 4.2, RFC 7323 section 5), as Linux 2.6.32 runs it for both
 * hosts' TCP (host/tcp_receiver.h, host/tcp_sender.h).
 *
 * Sources, Linux 2.6.32.65 (the same in RHEL 6's 2.6.32-431):
 * include/net/tcp.h TCP_PAWS_24DAYS, TCP_PAWS_WINDOW (lines 147-157),
 * tcp_paws_check (1069-1078); net/ipv4/tcp_input.c tcp_store_ts_recent,
 * tcp_replace_ts_recent (3864-3883), tcp_disordered_ack (3908-3926),
 * tcp_paws_discard (3928-3935), tcp_send_dupack (4107-4126),
 * tcp_validate_incoming (5072-5128: PAWS, then tcp_sequence, then the RST,
 * then tcp_replace_ts_recent), which tcp_rcv_established's slow path
 * (5337; its fast path sends any older TSval there, 5200-5202) and
 * tcp_rcv_state_process (5676) run for every segment of a synchronized
 * connection. Not modelled: the request socket's own test before the
 * handshake completes (net/ipv4/tcp_minisocks.c tcp_check_req,
 * tcp_paws_reject with no window): the client's clock never goes back and
 * its SYN is its first segment, so nothing it sends then can fail it;
 * TIME-WAIT's (tcp_timewait_state_process), a state the hosts do not keep.
 *
 * A segment whose TSval is more than TCP_PAWS_WINDOW (1) ticks older than
 * ts_recent is discarded, unless ts_recent was stored 24 days ago or more
 * (TCP_PAWS_24DAYS: the peer's clock may have wrapped meanwhile), or the
 * segment is a disordered duplicate ACK (tcp_disordered_ack: no data, no
 * SYN or FIN, at rcv_nxt, acknowledging exactly snd_una, not updating the
 * window, and at most rto * 1024 / HZ ticks older). The discard counts
 * LINUX_MIB_PAWSESTABREJECTED and answers with a duplicate ACK
 * (tcp_send_dupack); an RST is accepted even if it failed the test.
 *
 * The 24 days run on get_seconds(), the wall clock in whole seconds: here
 * the simulated time's whole seconds (an offset of the wall clock would
 * move the boundary by under a second).
 */
#ifndef HOST_TCP_PAWS_H
#define HOST_TCP_PAWS_H

#include <stdint.h>
#include "host/netpkt.h"
#include "sim/kernel.h"

#define TCP_PAWS_WINDOW 1              /* ticks (ms at HZ = 1000) */
#define TCP_PAWS_24DAYS (60u * 60u * 24u * 24u)   /* seconds */

/* The last TSval kept from the peer, and when it was kept. */
struct tcp_ts_recent {
	uint32_t val;                  /* rx_opt.ts_recent */
	uint64_t stamp_s;              /* rx_opt.ts_recent_stamp (get_seconds) */
};

/* tcp_store_ts_recent: keep tsval, stamped now. */
void tcp_ts_recent_store(struct tcp_ts_recent *r, uint32_t tsval, sim_time now);

/* tcp_paws_check: is tsval acceptable - at most win ticks older than
 * ts_recent, or ts_recent 24 days old or more? */
int tcp_paws_check(const struct tcp_ts_recent *r, uint32_t tsval, sim_time now, int32_t win);

/* tcp_replace_ts_recent: a segment starting at or before rcv_wup whose
 * TSval passes tcp_paws_check with no window replaces ts_recent. */
void tcp_ts_recent_replace(struct tcp_ts_recent *r, uint32_t seq, uint32_t rcv_wup,
			   uint32_t tsval, sim_time now);

/* tcp_disordered_ack's fourth test: tsval within the replay window of
 * ts_recent, (icsk_rto * 1024) / HZ ticks with the RTO in ms. (Linux
 * compares the signed difference with an unsigned bound, which would turn
 * a newer TSval into a huge one; it is only asked once tcp_paws_check has
 * found tsval older, where both readings agree.) */
int tcp_paws_in_replay_window(const struct tcp_ts_recent *r, uint32_t tsval, uint32_t rto_ms);

/* RFC 793/1122 as tcp_may_update_window (net/ipv4/tcp_input.c, 2.6.32)
 * applies them: the window is taken only from an ACK newer than snd_una,
 * or as new but from a newer segment of the peer's than snd_wl1, or the
 * same segment with a larger window (nwin against snd_wnd, both scaled). */
int tcp_may_update_window(uint32_t ack, uint32_t seq, uint64_t nwin, uint32_t snd_una,
			  uint32_t snd_wl1, uint64_t snd_wnd);

/* What tcp_paws_discard reads of the connection besides ts_recent. */
struct tcp_paws_conn {
	uint32_t rcv_nxt, snd_una, snd_wl1;
	uint64_t snd_wnd;              /* scaled */
	uint8_t peer_wscale;
	uint32_t rto_ms;
};

/* tcp_paws_discard: segment h with len bytes of data has a TSval too old
 * for ts_recent, and it is not a disordered duplicate ACK
 * (tcp_disordered_ack: no data, SYN or FIN, at rcv_nxt, acknowledging
 * snd_una, not updating the window, within the RTO's replay window). */
int tcp_paws_discard(const struct tcp_ts_recent *r, const struct netpkt_tcp *h, uint32_t len,
		     const struct tcp_paws_conn *c, sim_time now);

#endif
