/* sim/time.h - simulated time: uint64_t picoseconds, unit helpers, overflow checks.
 *
 * One tick is one picosecond, so a 10 Gbps bit (100 ps), a 1.2 GHz cycle
 * (833 ps) and a 200 ms TCP timer all fit without rounding surprises.
 * UINT64_MAX ps is about 213 days; a computation that would pass it is an
 * error (sim_fatal), never a silent wrap.
 */
#ifndef SIM_TIME_H
#define SIM_TIME_H

#include <stdbool.h>
#include <stdint.h>

typedef uint64_t sim_time;                 /* picoseconds */

#define SIM_TIME_MAX UINT64_MAX
#define SIM_PS_PER_NS 1000ULL
#define SIM_PS_PER_US 1000000ULL
#define SIM_PS_PER_MS 1000000000ULL
#define SIM_PS_PER_S  1000000000000ULL

/* a + b, or false when the sum does not fit. */
bool sim_time_add_checked(sim_time a, sim_time b, sim_time *out);
/* a + b; sim_fatal on overflow. */
sim_time sim_time_add(sim_time a, sim_time b);
/* count * unit_ps; sim_fatal on overflow. */
sim_time sim_time_mul(uint64_t count, uint64_t unit_ps);

sim_time sim_ns(uint64_t ns);
sim_time sim_us(uint64_t us);
sim_time sim_ms(uint64_t ms);
sim_time sim_s(uint64_t s);
/* Seconds as a double (e.g. 1e-6) to ps, rounded to nearest; fatal if
 * negative, NaN or too large. */
sim_time sim_time_from_seconds(double seconds);
double sim_time_to_seconds(sim_time t);
double sim_time_to_us(sim_time t);

/* Duration of `cycles` clock cycles at `hz`, rounded to nearest ps. */
sim_time sim_cycles(uint64_t cycles, uint64_t hz);
/* Whole cycles elapsed at `hz` in time t (rounded down). */
uint64_t sim_time_to_cycles(sim_time t, uint64_t hz);
/* Serialization time of `bytes` at `bits_per_s`, rounded up to a whole ps. */
sim_time sim_bytes_time(uint64_t bytes, uint64_t bits_per_s);

#endif
