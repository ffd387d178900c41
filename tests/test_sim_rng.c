/* tests/test_sim_rng.c - reproducibility and independence of RNG streams. */
#include <check.h>
#include <stdlib.h>
#include "sim/rng.h"

START_TEST(same_seed_and_name_give_the_same_sequence)
{
	sim_rng a, b;
	sim_rng_stream(&a, 7, "faults.c2n");
	sim_rng_stream(&b, 7, "faults.c2n");
	for (int i = 0; i < 1000; i++)
		ck_assert_uint_eq(sim_rng_next(&a), sim_rng_next(&b));
}
END_TEST

START_TEST(different_names_or_seeds_give_different_sequences)
{
	sim_rng a, b, c;
	sim_rng_stream(&a, 7, "faults.c2n");
	sim_rng_stream(&b, 7, "faults.n2c");
	sim_rng_stream(&c, 8, "faults.c2n");
	int same_ab = 0, same_ac = 0;
	for (int i = 0; i < 100; i++) {
		uint64_t x = sim_rng_next(&a);
		same_ab += x == sim_rng_next(&b);
		same_ac += x == sim_rng_next(&c);
	}
	ck_assert_int_eq(same_ab, 0);
	ck_assert_int_eq(same_ac, 0);
}
END_TEST

START_TEST(draws_on_one_stream_do_not_shift_another)
{
	sim_rng a1, b1, a2, b2;
	sim_rng_stream(&a1, 3, "client");
	sim_rng_stream(&b1, 3, "dma");
	sim_rng_stream(&a2, 3, "client");
	sim_rng_stream(&b2, 3, "dma");
	for (int i = 0; i < 500; i++)
		sim_rng_next(&a2);                /* extra draws on "client" only */
	for (int i = 0; i < 100; i++) {
		sim_rng_next(&a1);
		ck_assert_uint_eq(sim_rng_next(&b1), sim_rng_next(&b2));
	}
}
END_TEST

START_TEST(below_is_in_range_and_roughly_uniform)
{
	sim_rng r;
	sim_rng_seed(&r, 99);
	int count[10] = { 0 };
	for (int i = 0; i < 100000; i++) {
		uint64_t v = sim_rng_below(&r, 10);
		ck_assert_uint_lt(v, 10);
		count[v]++;
	}
	/* expected 10,000 each; 5 sigma ~ 475 */
	for (int i = 0; i < 10; i++)
		ck_assert_int_lt(abs(count[i] - 10000), 500);
	double sum = 0;
	for (int i = 0; i < 100000; i++) {
		double u = sim_rng_uniform(&r);
		ck_assert(u >= 0.0 && u < 1.0);
		sum += u;
	}
	ck_assert_double_eq_tol(sum / 100000, 0.5, 0.005);
}
END_TEST

START_TEST(chance_follows_its_probability_and_always_draws)
{
	sim_rng a, b;
	sim_rng_seed(&a, 5);
	sim_rng_seed(&b, 5);
	int hits = 0;
	for (int i = 0; i < 100000; i++)
		hits += sim_rng_chance(&a, 0.01);
	ck_assert_int_lt(abs(hits - 1000), 160);
	/* p = 0 never hits but consumes a draw like any p */
	for (int i = 0; i < 100000; i++)
		ck_assert(!sim_rng_chance(&b, 0.0));
	ck_assert_uint_eq(sim_rng_next(&a), sim_rng_next(&b));
}
END_TEST

START_TEST(derived_seeds_differ_per_index_and_repeat)
{
	ck_assert_uint_eq(sim_seed_derive(1, 0), sim_seed_derive(1, 0));
	ck_assert_uint_ne(sim_seed_derive(1, 0), sim_seed_derive(1, 1));
	ck_assert_uint_ne(sim_seed_derive(1, 1), sim_seed_derive(2, 1));
	ck_assert_uint_ne(sim_hash_str("a"), sim_hash_str("b"));
}
END_TEST

Suite *sim_rng_suite(void)
{
	Suite *s = suite_create("sim_rng");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, same_seed_and_name_give_the_same_sequence);
	tcase_add_test(tc, different_names_or_seeds_give_different_sequences);
	tcase_add_test(tc, draws_on_one_stream_do_not_shift_another);
	tcase_add_test(tc, below_is_in_range_and_roughly_uniform);
	tcase_add_test(tc, chance_follows_its_probability_and_always_draws);
	tcase_add_test(tc, derived_seeds_differ_per_index_and_repeat);
	suite_add_tcase(s, tc);
	return s;
}
