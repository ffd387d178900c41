/* model/faults.c - loss, duplication, reordering, corruption and link-down
 * injection on one fiber direction. */
#include "model/faults.h"

#include <string.h>

void faults_dir_config_default(struct faults_dir_config *c)
{
	memset(c, 0, sizeof *c);
	c->reorder_distance = 3;
	c->link_down_ps = 10 * SIM_PS_PER_MS;
}

static int rate_ok(double p)
{
	return p >= 0.0 && p <= 1.0;
}

int faults_dir_init(struct faults_dir *d, const struct faults_dir_config *c, uint64_t seed,
		    const char *stream)
{
	if (!rate_ok(c->loss) || !rate_ok(c->duplicate) || !rate_ok(c->reorder) ||
	    !rate_ok(c->corrupt) || !rate_ok(c->link_down) || !rate_ok(c->urgent))
		return -1;
	if (c->reorder_distance < 1 || c->reorder_distance > FAULTS_MAX_REORDER)
		return -1;
	memset(d, 0, sizeof *d);
	d->cfg = *c;
	sim_rng_stream(&d->rng, seed, stream);
	return 0;
}

int faults_dir_enabled(const struct faults_dir *d)
{
	const struct faults_dir_config *c = &d->cfg;
	return c->loss > 0 || c->duplicate > 0 || c->reorder > 0 || c->corrupt > 0 ||
	       c->link_down > 0 || c->urgent > 0;
}

/* Flip one bit between the IP header and the end of the frame, so the IP or
 * TCP checksum (not only the Ethernet FCS, which the model does not carry)
 * must catch it. Frames too short to hold an IP header are left alone. */
static int corrupt_one_bit(sim_rng *rng, struct frame *f)
{
	const uint32_t ip_start = 14;
	if (f->len <= ip_start)
		return 0;
	uint32_t byte = ip_start + (uint32_t)sim_rng_below(rng, f->len - ip_start);
	f->data[byte] ^= (uint8_t)(1u << sim_rng_below(rng, 8));
	return 1;
}

/* The TCP header of an IPv4 frame, or of an IPv6 one whose TCP follows
 * the fixed header (the modelled hosts send no extension header), and the
 * segment's length (TCP header and payload); NULL if it has none. */
static uint8_t *tcp_header(struct frame *f, uint32_t *tcp_len)
{
	uint8_t *ip = f->data + 14;
	if (f->len >= 14u + 40u + 20u && f->data[12] == 0x86 && f->data[13] == 0xdd) {
		uint32_t plen = (uint32_t)(ip[4] << 8 | ip[5]);
		if ((ip[0] >> 4) != 6 || ip[6] != 6 || plen < 20u || 14u + 40u + plen > f->len)
			return NULL;
		*tcp_len = plen;
		return ip + 40;
	}
	if (f->len < 14u + 20u || f->data[12] != 0x08 || f->data[13] != 0x00 || ip[9] != 6)
		return NULL;
	uint32_t ihl = (ip[0] & 0x0fu) * 4u, total = (uint32_t)(ip[2] << 8 | ip[3]);
	if (14u + ihl + 20u > f->len || total < ihl + 20u)
		return NULL;
	*tcp_len = total - ihl;
	return ip + ihl;
}

/* Set URG on a TCP frame carrying data (IPv4 or IPv6), updating the TCP
 * checksum incrementally (RFC 1624: HC' = ~(~HC + ~m + m')): the changed
 * word is in the TCP header, so the pseudo header's part (IPv4's or
 * IPv6's, RFC 8200) stays as it was. The urgent pointer stays 0. */
static int mark_urgent(struct frame *f)
{
	uint32_t tcp_len;
	uint8_t *tcp = tcp_header(f, &tcp_len);
	if (!tcp || tcp_len <= (uint32_t)(tcp[12] >> 4) * 4u || (tcp[13] & 0x20u))
		return 0;                  /* no payload, or urgent already */
	uint32_t old = (uint32_t)(tcp[12] << 8 | tcp[13]);
	tcp[13] |= 0x20u;
	uint32_t sum = (uint32_t)(~(tcp[16] << 8 | tcp[17]) & 0xffffu) + (~old & 0xffffu) +
		       (uint32_t)(tcp[12] << 8 | tcp[13]);
	while (sum >> 16)
		sum = (sum & 0xffffu) + (sum >> 16);
	sum = ~sum & 0xffffu;
	tcp[16] = (uint8_t)(sum >> 8);
	tcp[17] = (uint8_t)sum;
	return 1;
}

/* Held frames whose overtaking count reached zero are released after the
 * frame that completed it. */
static unsigned release_due(struct faults_dir *d, struct frame **out, unsigned n)
{
	uint32_t keep = 0;
	for (uint32_t i = 0; i < d->n_held; i++) {
		if (--d->held_left[i] == 0) {
			out[n++] = d->held[i];
		} else {
			d->held[keep] = d->held[i];
			d->held_left[keep] = d->held_left[i];
			keep++;
		}
	}
	d->n_held = keep;
	return n;
}

unsigned faults_on_arrival(struct faults_dir *d, struct frame_pool *pool, struct frame *f,
			   sim_time now, struct frame **out)
{
	const struct faults_dir_config *c = &d->cfg;
	unsigned n = 0;

	d->stats.frames_seen++;
	/* Draw every decision for every frame, in a fixed order, so that one
	 * rate's value never shifts the pattern of another fault class. */
	int down_starts = sim_rng_chance(&d->rng, c->link_down);
	int lose = sim_rng_chance(&d->rng, c->loss);
	int corrupt = sim_rng_chance(&d->rng, c->corrupt);
	int dup = sim_rng_chance(&d->rng, c->duplicate);
	int hold = sim_rng_chance(&d->rng, c->reorder);
	/* drawn only when enabled: runs without it keep their pattern */
	int urgent = c->urgent > 0 && sim_rng_chance(&d->rng, c->urgent);

	if (now < d->down_until_ps) {
		d->stats.link_down_dropped++;
		frame_free(pool, f);
		return release_due(d, out, n);
	}
	if (down_starts) {
		d->stats.link_down_intervals++;
		d->stats.link_down_dropped++;
		d->down_until_ps = sim_time_add(now, c->link_down_ps);
		frame_free(pool, f);
		return release_due(d, out, n);
	}
	if (lose) {
		d->stats.lost++;
		frame_free(pool, f);
		return release_due(d, out, n);
	}
	if (urgent && mark_urgent(f))
		d->stats.urgent++;
	if (corrupt && corrupt_one_bit(&d->rng, f))
		d->stats.corrupted++;
	if (hold && d->n_held < FAULTS_MAX_REORDER) {
		d->stats.reordered++;
		n = release_due(d, out, n);
		d->held[d->n_held] = f;
		d->held_left[d->n_held] = c->reorder_distance;
		d->n_held++;
		return n;
	}
	out[n++] = f;
	if (dup) {
		d->stats.duplicated++;
		out[n++] = frame_clone(pool, f);
	}
	return release_due(d, out, n);
}

void faults_dir_release(struct faults_dir *d, struct frame_pool *pool)
{
	for (uint32_t i = 0; i < d->n_held; i++) {
		frame_free(pool, d->held[i]);
		d->stats.lost++;
		d->stats.reordered--;  /* it never arrived out of order: it never arrived */
	}
	d->n_held = 0;
}

uint64_t faults_injected(const struct faults_stats *s)
{
	return s->lost + s->duplicated + s->reordered + s->corrupted + s->link_down_dropped +
	       s->urgent;
}
