/* bench/kernel.c - kernel benchmarks: event queue hold model (4-ary vs
 * binary heap) and context switches (assembly vs ucontext), in one run.
 * Prints "bench: <name> <value> <unit>" lines; each figure is the median
 * of 5 repetitions. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <ucontext.h>

#include "sim/evq.h"
#include "sim/process.h"
#include "sim/rng.h"

/* Both heaps, side by side, under their own names (kernel_heap4.c and
 * kernel_heap2.c include the one heap source with a prefix each). */
#define BENCH_HEAP_API(p)                                                     \
	evq *p##evq_create(void);                                             \
	void p##evq_destroy(evq *q);                                          \
	uint64_t p##evq_push(evq *q, sim_time t, sim_event_fn fn, void *arg); \
	int p##evq_pop(evq *q, evq_event *out);
BENCH_HEAP_API(b4_)
BENCH_HEAP_API(b2_)

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median5(double v[5])
{
	qsort(v, 5, sizeof v[0], cmp_double);
	return v[2];
}

/* Hold model: keep `pending` events; pop the earliest, push one at
 * now + uniform(0, 2 * mean). */
#define HOLD(prefix)                                                             \
	static double hold_##prefix(unsigned pending, unsigned ops)              \
	{                                                                        \
		sim_rng r;                                                       \
		sim_rng_seed(&r, 1);                                             \
		evq *q = prefix##evq_create();              \
		for (unsigned i = 0; i < pending; i++)                           \
			prefix##evq_push(q, sim_rng_below(&r, 2000000), NULL, NULL); \
		double t0 = now_s();                                             \
		evq_event ev = { 0 };  /* (the queue is never empty here) */      \
		for (unsigned i = 0; i < ops; i++) {                             \
			prefix##evq_pop(q, &ev);                         \
			prefix##evq_push(q, ev.time + sim_rng_below(&r, 2000000), \
					 NULL, NULL);                            \
		}                                                                \
		double t = now_s() - t0;                                         \
		prefix##evq_destroy(q);                                  \
		return ops / t;                                                  \
	}
HOLD(b4_)
HOLD(b2_)

/* ---- context switches ---- */
void sim_coro_switch(void **save_sp, void *load_sp);

static void *main_sp, *co_sp;
static volatile unsigned long asm_count;

static void asm_body(void)
{
	for (;;) {
		asm_count++;
		sim_coro_switch(&co_sp, main_sp);
	}
}

static double asm_switches(unsigned rounds)
{
	static uint64_t stack[8192] __attribute__((aligned(16)));
	uint64_t *sp = stack + 8192;
	*--sp = 0;
	*--sp = (uint64_t)(uintptr_t)asm_body;
	for (int i = 0; i < 6; i++)
		*--sp = 0;
	co_sp = sp;
	double t0 = now_s();
	for (unsigned i = 0; i < rounds; i++)
		sim_coro_switch(&main_sp, co_sp);
	return 2.0 * rounds / (now_s() - t0);     /* in and out */
}

static ucontext_t uc_main, uc_co;

static void uc_body(void)
{
	for (;;)
		swapcontext(&uc_co, &uc_main);
}

static double ucontext_switches(unsigned rounds)
{
	static char stack[65536];
	getcontext(&uc_co);
	uc_co.uc_stack.ss_sp = stack;
	uc_co.uc_stack.ss_size = sizeof stack;
	uc_co.uc_link = NULL;
	makecontext(&uc_co, uc_body, 0);
	double t0 = now_s();
	for (unsigned i = 0; i < rounds; i++)
		swapcontext(&uc_main, &uc_co);
	return 2.0 * rounds / (now_s() - t0);
}

/* The machine's load before the runs: wall-clock figures depend on it. */
static void print_loadavg(void)
{
	FILE *f = fopen("/proc/loadavg", "r");
	double l1;
	if (f && fscanf(f, "%lf", &l1) == 1)
		printf("bench: load_average_1min %.2f (before the runs)\n", l1);
	if (f)
		fclose(f);
}

int main(void)
{
	double v[5];
	print_loadavg();
	unsigned sizes[2] = { 1000, 65536 };
	for (int s = 0; s < 2; s++) {
		for (int i = 0; i < 5; i++)
			v[i] = hold_b4_(sizes[s], 4000000);
		double h4 = median5(v);
		for (int i = 0; i < 5; i++)
			v[i] = hold_b2_(sizes[s], 4000000);
		double h2 = median5(v);
		printf("bench: events_per_s_heap4_%u %.0f events/s\n", sizes[s], h4);
		printf("bench: events_per_s_heap2_%u %.0f events/s\n", sizes[s], h2);
#ifdef SIM_EVQ_HEAP2
		printf("bench: events_per_s_%u %.0f events/s (heap2, the build's queue)\n",
		       sizes[s], h2);
#else
		printf("bench: events_per_s_%u %.0f events/s (heap4, the build's queue)\n",
		       sizes[s], h4);
#endif
	}
#if defined(__x86_64__) || defined(__aarch64__)
	for (int i = 0; i < 5; i++)
		v[i] = asm_switches(5000000);
	double a = median5(v);
	for (int i = 0; i < 5; i++)
		v[i] = ucontext_switches(500000);
	double u = median5(v);
	printf("bench: switches_per_s_asm %.0f switches/s\n", a);
	printf("bench: switches_per_s_ucontext %.0f switches/s\n", u);
	printf("bench: switch_speedup_asm_over_ucontext %.1f x\n", a / u);
#endif
	return 0;
}
