/* sim/time.c - simulated time helpers with overflow checks. */
#include "sim/time.h"

#include <math.h>
#include "sim/kernel.h"

bool sim_time_add_checked(sim_time a, sim_time b, sim_time *out)
{
	if (a > SIM_TIME_MAX - b)
		return false;
	*out = a + b;
	return true;
}

sim_time sim_time_add(sim_time a, sim_time b)
{
	sim_time r;
	if (!sim_time_add_checked(a, b, &r))
		sim_fatal("simulated time overflow: %llu ps + %llu ps passes 2^64 ps (~213 days)",
			  (unsigned long long)a, (unsigned long long)b);
	return r;
}

sim_time sim_time_mul(uint64_t count, uint64_t unit_ps)
{
	if (unit_ps != 0 && count > SIM_TIME_MAX / unit_ps)
		sim_fatal("simulated time overflow: %llu x %llu ps passes 2^64 ps (~213 days)",
			  (unsigned long long)count, (unsigned long long)unit_ps);
	return count * unit_ps;
}

sim_time sim_ns(uint64_t ns) { return sim_time_mul(ns, SIM_PS_PER_NS); }
sim_time sim_us(uint64_t us) { return sim_time_mul(us, SIM_PS_PER_US); }
sim_time sim_ms(uint64_t ms) { return sim_time_mul(ms, SIM_PS_PER_MS); }
sim_time sim_s(uint64_t s) { return sim_time_mul(s, SIM_PS_PER_S); }

sim_time sim_time_from_seconds(double seconds)
{
	double ps = seconds * (double)SIM_PS_PER_S;
	/* 2^64 as a double; anything at or above it cannot be represented */
	if (!(ps >= 0.0) || ps >= 18446744073709551616.0)
		sim_fatal("time of %g s is negative, not a number, or past 2^64 ps", seconds);
	return (sim_time)llround(ps) ;
}

double sim_time_to_seconds(sim_time t)
{
	return (double)t / (double)SIM_PS_PER_S;
}

double sim_time_to_us(sim_time t)
{
	return (double)t / (double)SIM_PS_PER_US;
}

/* The conversions below are called per packet and per firmware step; a
 * 128-bit division is a library call (~50 cycles). Each takes a 64-bit
 * path, with the same result, when its operands are small enough: always
 * in practice. */

/* cycles * 1e12 / hz without overflowing the intermediate product: split
 * cycles into whole seconds and the remainder. */
sim_time sim_cycles(uint64_t cycles, uint64_t hz)
{
	if (hz == 0)
		sim_fatal("sim_cycles: clock of 0 Hz");
	uint64_t whole_s = cycles / hz;
	uint64_t rem = cycles % hz;
	sim_time frac;
	if (rem < 18000000u && hz < (1ULL << 40))
		frac = (rem * SIM_PS_PER_S + hz / 2) / hz;   /* < 1.8e19 + 2^39 < 2^64 */
	else
		frac = (sim_time)(((unsigned __int128)rem * SIM_PS_PER_S + hz / 2) / hz);
	return sim_time_add(sim_time_mul(whole_s, SIM_PS_PER_S), frac);
}

uint64_t sim_time_to_cycles(sim_time t, uint64_t hz)
{
	if (hz >= (1ULL << 33))
		return (uint64_t)(((unsigned __int128)t * hz) / SIM_PS_PER_S);
	/* t = s x 1e12 + r1 x 1e6 + r0: then t x hz / 1e12 (rounded down) is
	 * s x hz + (r1 x hz + r0 x hz / 1e6) / 1e6, each division rounded
	 * down, and every product stays below 2^53 */
	uint64_t whole_s = t / SIM_PS_PER_S;
	uint64_t r = t % SIM_PS_PER_S;
	uint64_t r1 = r / 1000000u, r0 = r % 1000000u;
	uint64_t m = r1 * hz + r0 * hz / 1000000u;
	return whole_s * hz + m / 1000000u;
}

sim_time sim_bytes_time(uint64_t bytes, uint64_t bits_per_s)
{
	if (bits_per_s == 0)
		sim_fatal("sim_bytes_time: rate of 0 bit/s");
	if (bytes < 2000000u && bits_per_s < (1ULL << 60))   /* < 1.6e19 + 2^60 < 2^64 */
		return (bytes * 8u * SIM_PS_PER_S + bits_per_s - 1) / bits_per_s;
	unsigned __int128 num = (unsigned __int128)bytes * 8u * SIM_PS_PER_S;
	unsigned __int128 ps = (num + bits_per_s - 1) / bits_per_s;
	if (ps > SIM_TIME_MAX)
		sim_fatal("sim_bytes_time: %llu bytes take longer than 2^64 ps",
			  (unsigned long long)bytes);
	return (sim_time)ps;
}
