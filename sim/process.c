/* sim/process.c - stackful coroutines as simulated processes.
 *
 * Every process runs on its own mmap'ed stack with a PROT_NONE guard page
 * below it. Events run on the main (caller's) stack; a process is entered
 * from an event (resume_event) and always switches back to the main stack
 * when it waits, so there is exactly one switch in and one out per wake-up.
 * A finished process cannot free the stack it runs on: it switches out with
 * `finished` set and the event side recycles the stack.
 */
#include "sim/kernel_internal.h"

#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifdef SIM_CORO_UCONTEXT
#include <ucontext.h>
#endif

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SIM_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define SIM_ASAN 1
#endif
#ifdef SIM_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif

struct sim_proc {
	sim *s;
	char name[48];
	sim_proc_fn fn;
	void *arg;
	uint8_t *map;                  /* guard page + stack */
	size_t map_bytes;
	int parked;
	int finished;
#ifdef SIM_CORO_UCONTEXT
	ucontext_t ctx;
#else
	void *sp;                      /* saved stack pointer while switched out */
#endif
	struct sim_proc *next_free;    /* stack cache link */
	struct sim_proc *all_next;     /* every process of the simulation */
};

struct sim_proc_sched {
#ifdef SIM_CORO_UCONTEXT
	ucontext_t main_ctx;
#else
	void *main_sp;
#endif
#ifdef SIM_ASAN
	void *main_fake_stack;
	const void *main_stack_bottom;
	size_t main_stack_size;
#endif
	struct sim_proc *cache;        /* finished processes with stacks to reuse */
	struct sim_proc *all;          /* every process ever created (cached too) */
};

#ifndef SIM_CORO_UCONTEXT
void sim_coro_switch(void **save_sp, void *load_sp);
#endif

static size_t page_bytes;

/* ---- guard pages: a clean message instead of silent corruption ---- */

static uint8_t altstack[64 * 1024];

static void on_segv(int sig, siginfo_t *info, void *uctx)
{
	(void)uctx;
	sim *s = sim_running;
	uint8_t *addr = info->si_addr;
	if (s && s->current) {
		sim_proc *p = s->current;
		if (addr >= p->map && addr < p->map + page_bytes) {
			static const char msg[] = "npusim: fatal: stack overflow in process ";
			ssize_t ignored = write(2, msg, sizeof msg - 1);
			ignored = write(2, p->name, strlen(p->name));
			ignored = write(2, "\n", 1);
			(void)ignored;
			signal(SIGABRT, SIG_DFL);
			abort();
		}
	}
	/* Not ours: fall back to the default action (core dump). */
	signal(sig, SIG_DFL);
	raise(sig);
}

static void install_guard_handler(void)
{
	static int done;
	if (done)
		return;
	done = 1;
	page_bytes = (size_t)sysconf(_SC_PAGESIZE);
#ifndef SIM_ASAN
	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0 };
	sigaltstack(&ss, NULL);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, NULL);
#else
	(void)on_segv;
	(void)altstack;
#endif
}

static struct sim_proc_sched *sched_of(sim *s)
{
	if (!s->sched) {
		s->sched = calloc(1, sizeof *s->sched);
		if (!s->sched)
			abort();
	}
	return s->sched;
}

void sim_proc_sched_destroy(sim *s)
{
	struct sim_proc_sched *sc = s->sched;
	if (!sc)
		return;
	/* processes still parked when the simulation ends are released too */
	while (sc->all) {
		sim_proc *p = sc->all;
		sc->all = p->all_next;
		munmap(p->map, p->map_bytes);
		free(p);
	}
	free(sc);
	s->sched = NULL;
}

/* ---- switching ---- */

static void switch_to_process(sim *s, sim_proc *p)
{
	struct sim_proc_sched *sc = s->sched;
	s->current = p;
#ifdef SIM_ASAN
	__sanitizer_start_switch_fiber(&sc->main_fake_stack, p->map + page_bytes,
				       p->map_bytes - page_bytes);
#endif
#ifdef SIM_CORO_UCONTEXT
	swapcontext(&sc->main_ctx, &p->ctx);
#else
	sim_coro_switch(&sc->main_sp, p->sp);
#endif
#ifdef SIM_ASAN
	__sanitizer_finish_switch_fiber(sc->main_fake_stack, NULL, NULL);
#endif
	s->current = NULL;
}

static void switch_to_main(sim *s, sim_proc *p)
{
	struct sim_proc_sched *sc = s->sched;
#ifdef SIM_ASAN
	void *fake = NULL;
	/* A finished process never comes back: let ASan drop its fake stack. */
	__sanitizer_start_switch_fiber(p->finished ? NULL : &fake, sc->main_stack_bottom,
				       sc->main_stack_size);
#endif
#ifdef SIM_CORO_UCONTEXT
	swapcontext(&p->ctx, &sc->main_ctx);
#else
	sim_coro_switch(&p->sp, sc->main_sp);
#endif
#ifdef SIM_ASAN
	__sanitizer_finish_switch_fiber(fake, &sc->main_stack_bottom, &sc->main_stack_size);
#endif
}

/* First code a new process runs (on its own stack). */
static void sim_coro_entry(void)
{
	sim *s = sim_running;
	sim_proc *p = s->current;
#ifdef SIM_ASAN
	__sanitizer_finish_switch_fiber(NULL, &s->sched->main_stack_bottom,
					&s->sched->main_stack_size);
#endif
	p->fn(s, p->arg);
	p->finished = 1;
	switch_to_main(s, p);
	sim_fatal("finished process %s was resumed", p->name);
}

static void resume_event(sim *s, void *arg)
{
	sim_proc *p = arg;
	switch_to_process(s, p);
	if (p->finished) {
		struct sim_proc_sched *sc = s->sched;
		p->next_free = sc->cache;
		sc->cache = p;
	}
}

/* ---- creation ---- */

static sim_proc *take_cached(struct sim_proc_sched *sc, size_t map_bytes)
{
	for (sim_proc **pp = &sc->cache; *pp; pp = &(*pp)->next_free) {
		if ((*pp)->map_bytes == map_bytes) {
			sim_proc *p = *pp;
			*pp = p->next_free;
			return p;
		}
	}
	return NULL;
}

static void prepare_context(sim_proc *p)
{
	uint8_t *top = p->map + p->map_bytes;
#ifdef SIM_ASAN
	/* The stack may have served a finished process, or its addresses an
	 * earlier mapping: frames that never returned (a process ends by
	 * switching away) left their redzones poisoned, and ASan keeps the
	 * shadow across munmap. A fresh process starts on a clean stack. */
	ASAN_UNPOISON_MEMORY_REGION(p->map + page_bytes, p->map_bytes - page_bytes);
#endif
#ifdef SIM_CORO_UCONTEXT
	getcontext(&p->ctx);
	p->ctx.uc_stack.ss_sp = p->map + page_bytes;
	p->ctx.uc_stack.ss_size = p->map_bytes - page_bytes;
	p->ctx.uc_link = NULL;
	makecontext(&p->ctx, sim_coro_entry, 0);
	(void)top;
#elif defined(__x86_64__)
	/* [6 callee-saved registers][return -> entry][fake return address];
	 * entry then starts with rsp = 8 mod 16, as after a call. */
	uint64_t *sp = (uint64_t *)(((uintptr_t)top) & ~(uintptr_t)15);
	*--sp = 0;
	*--sp = (uint64_t)(uintptr_t)sim_coro_entry;
	for (int i = 0; i < 6; i++)
		*--sp = 0;
	p->sp = sp;
#elif defined(__aarch64__)
	/* A 160-byte frame of zeros whose saved x30 (offset 88) is the entry. */
	uint64_t *sp = (uint64_t *)(((uintptr_t)top) & ~(uintptr_t)15);
	sp -= 20;
	memset(sp, 0, 160);
	sp[11] = (uint64_t)(uintptr_t)sim_coro_entry;
	p->sp = sp;
#else
#error "no context switch for this architecture: build with SIM_CORO=ucontext"
#endif
}

sim_proc *sim_proc_spawn(sim *s, const char *name, sim_proc_fn fn, void *arg,
			 size_t stack_bytes)
{
	install_guard_handler();
	struct sim_proc_sched *sc = sched_of(s);
	if (stack_bytes == 0)
		stack_bytes = SIM_PROC_STACK_DEFAULT;
	stack_bytes = (stack_bytes + page_bytes - 1) / page_bytes * page_bytes;
	size_t map_bytes = stack_bytes + page_bytes;

	sim_proc *p = take_cached(sc, map_bytes);
	if (!p) {
		p = calloc(1, sizeof *p);
		if (!p)
			abort();
		p->map = mmap(NULL, map_bytes, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (p->map == MAP_FAILED)
			sim_fatal("cannot map a %zu-byte stack for process %s", map_bytes, name);
		if (mprotect(p->map, page_bytes, PROT_NONE) != 0)
			sim_fatal("cannot protect the guard page of process %s", name);
		p->map_bytes = map_bytes;
		p->all_next = sc->all;
		sc->all = p;
	}
	p->s = s;
	snprintf(p->name, sizeof p->name, "%s", name ? name : "?");
	p->fn = fn;
	p->arg = arg;
	p->parked = 0;
	p->finished = 0;
	p->next_free = NULL;
	prepare_context(p);
	sim_schedule_in(s, 0, resume_event, p);
	return p;
}

sim_proc *sim_proc_self(const sim *s) { return s->current; }
const char *sim_proc_name(const sim_proc *p) { return p->name; }

static sim_proc *require_process(sim *s, const char *what)
{
	if (!s->current)
		sim_fatal("%s called outside a process", what);
	return s->current;
}

void sim_proc_wait(sim *s, sim_time delay)
{
	sim_proc *p = require_process(s, "sim_proc_wait");
	sim_schedule_in(s, delay, resume_event, p);
	switch_to_main(s, p);
}

void sim_proc_park(sim *s)
{
	sim_proc *p = require_process(s, "sim_proc_park");
	p->parked = 1;
	switch_to_main(s, p);
}

/* A wake from an event's callback when nothing else is due now (and no
 * stop is asked): the resumption event would be the next to run, so it is
 * not queued but run by the loop right after the callback (one push and one
 * pop fewer; the ~quarter of all events that are a core's processor-sharing
 * completion are mostly followed by such a resumption). The kernel keeps the
 * order exact: whatever would have been ordered after the resumption - an
 * event scheduled for now, a stop, a nested run - first queues it
 * (sim_proc_queue_deferred); events scheduled for later run after it
 * either way. One resumption is deferred at a time; later wakes queue. */
void sim_proc_wake(sim *s, sim_proc *p)
{
	if (!p->parked)
		sim_fatal("sim_proc_wake: process %s is not parked", p->name);
	p->parked = 0;
	if (s->in_event && !s->current && !s->deferred && !s->stopping &&
	    evq_peek_time(s->queue) > s->now) {
		s->deferred = p;
		return;
	}
	sim_schedule_in(s, 0, resume_event, p);
}

void sim_proc_run_deferred(sim *s)
{
	sim_proc *p = s->deferred;
	s->deferred = NULL;
	resume_event(s, p);
}

void sim_proc_queue_deferred(sim *s)
{
	sim_proc *p = s->deferred;
	s->deferred = NULL;
	evq_push(s->queue, s->now, resume_event, p);
}

const char *sim_proc_switch_name(void)
{
#if defined(SIM_CORO_UCONTEXT)
	return "ucontext";
#elif defined(__x86_64__)
	return "asm-x86_64";
#else
	return "asm-aarch64";
#endif
}
