/* sim/rng.h - deterministic random numbers: xoshiro256** with named streams.
 *
 * Each component draws from its own stream, derived from (scenario seed,
 * stream name) by hashing, so adding a component or a draw in one component
 * never shifts another's numbers.
 */
#ifndef SIM_RNG_H
#define SIM_RNG_H

#include <stdbool.h>
#include <stdint.h>

typedef struct {
	uint64_t s[4];
} sim_rng;

void sim_rng_seed(sim_rng *r, uint64_t seed);
/* Stream `name` (e.g. "faults.c2n", "client.conn.17") of `seed`. */
void sim_rng_stream(sim_rng *r, uint64_t seed, const char *name);
uint64_t sim_rng_next(sim_rng *r);
/* Uniform in [0, n), without modulo bias; n > 0. */
uint64_t sim_rng_below(sim_rng *r, uint64_t n);
/* Uniform double in [0, 1). */
double sim_rng_uniform(sim_rng *r);
bool sim_rng_chance(sim_rng *r, double p);
/* Seed of repeat/run `index` of a scenario seed (splitmix64 mixing). */
uint64_t sim_seed_derive(uint64_t seed, uint64_t index);
/* 64-bit FNV-1a of a string; used to name streams. */
uint64_t sim_hash_str(const char *str);

#endif
