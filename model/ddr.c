/* model/ddr.c - DDR2 latency and shared bandwidth (see ddr.h). */
#include "model/ddr.h"

void ddr_config_default(struct ddr_config *c)
{
	c->latency_ps = sim_ns(120);
	c->bytes_per_s = 6400000000ULL;
}

void ddr_init(struct ddr *d, const struct ddr_config *c)
{
	d->cfg = *c;
	d->bus_free_ps = 0;
	d->bus_busy_ps = 0;
	d->waited_ps = 0;
	d->bytes = 0;
}

/* Take the bus for `bytes` from `now` on (or when it frees): returns when
 * the transfer ends. */
static sim_time take_bus(struct ddr *d, sim_time now, uint64_t bytes)
{
	sim_time start = d->bus_free_ps > now ? d->bus_free_ps : now;
	sim_time xfer = sim_bytes_time(bytes, d->cfg.bytes_per_s * 8u);
	d->waited_ps += start - now;
	d->bus_free_ps = start + xfer;
	d->bus_busy_ps += xfer;
	d->bytes += bytes;
	return d->bus_free_ps;
}

sim_time ddr_misses(struct ddr *d, sim_time now, uint32_t lines, uint32_t line_bytes)
{
	sim_time serial = now + (sim_time)lines * d->cfg.latency_ps;
	sim_time on_bus = take_bus(d, now, (uint64_t)lines * line_bytes);
	return on_bus > serial ? on_bus : serial;
}

sim_time ddr_stream(struct ddr *d, sim_time now, uint32_t bytes)
{
	/* the first data after the latency, then the bytes at the bus rate */
	return take_bus(d, now + d->cfg.latency_ps, bytes);
}
