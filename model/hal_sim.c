/* model/hal_sim.c - firmware/hal.h on the simulated XLS416.
 *
 * hal_current is the hardware thread whose coroutine is running. Cost
 * annotations accumulate on it and are paid - compute on the shared core,
 * then the DRAM stalls - before anything the thread does that the rest of
 * the machine can see. With no simulated thread running (the engine used
 * without a simulated NPU, as the unit tests do), annotations are free.
 */
#include "model/hal_sim.h"
#include "sim/log.h"

SIM_LOG_MODULE(fmn);

#include <stdio.h>
#include <string.h>

static struct npu_thread *hal_current;

static struct npu_thread *self(const char *what)
{
	if (!hal_current)
		sim_fatal("%s called outside a simulated NPU thread", what);
	return hal_current;
}

/* Run the thread's coroutine-blocking primitive with hal_current kept
 * right: another thread runs while this one is parked. */
static void block(struct npu_thread *t, void (*how)(sim *, void *), void *arg)
{
	how(t->s, arg);
	hal_current = t;
}

static void park_fn(sim *s, void *arg)
{
	(void)arg;
	sim_proc_park(s);
}

/* Event: a message became visible to a thread parked in hal_fmn_recv or
 * hal_fmn_wait, a credit it watches returned, or its time is up. */
static void wake_receiver(sim *s, void *arg)
{
	struct npu_thread *t = arg;
	t->wake = (sim_event_handle){ 0, 0 };
	if (t->waiting_recv) {
		t->waiting_recv = 0;
		sim_proc_wake(s, t->proc);
	}
}

struct wait_arg {
	sim_time ps;
};

static void wait_fn(sim *s, void *arg)
{
	sim_proc_wait(s, ((struct wait_arg *)arg)->ps);
}

static void hal_pay(struct npu_thread *t)
{
	if (t->pending_cycles) {
		uint64_t c = t->pending_cycles;
		t->pending_cycles = 0;
		core_compute(t, c);
		hal_current = t;
	}
	if (t->pending_mem) {
		sim_time now = sim_now(t->s);
		struct wait_arg w = { ddr_misses(t->hw->ddr, now, t->pending_mem, NPU_CACHE_LINE_BYTES) - now };
		t->pending_mem = 0;
		thread_state(t, NPU_THREAD_MEMORY);
		block(t, wait_fn, &w);
		thread_state(t, NPU_THREAD_RUNNING);
		t->st.mem_ps += w.ps;
	}
}

unsigned hal_thread_id(void) { return self("hal_thread_id")->id; }
unsigned hal_thread_count(void) { return NPU_THREADS; }

uint64_t hal_cycles(void)
{
	struct npu_thread *t = self("hal_cycles");
	hal_pay(t);
	return sim_time_to_cycles(sim_now(t->s), t->hw->cfg->clock_hz);
}

uint64_t hal_cycles_per_second(void) { return self("hal_cycles_per_second")->hw->cfg->clock_hz; }

void hal_wait_cycles(uint64_t cycles)
{
	struct npu_thread *t = self("hal_wait_cycles");
	hal_pay(t);
	struct wait_arg w = { sim_cycles(cycles, t->hw->cfg->clock_hz) };
	thread_state(t, NPU_THREAD_SLEEPING);
	block(t, wait_fn, &w);
	thread_state(t, NPU_THREAD_RUNNING);
	t->st.idle_ps += w.ps;
}

void hal_cost(enum hal_cost op, uint32_t count)
{
	struct npu_thread *t = hal_current;
	if (t)
		t->pending_cycles += (uint64_t)t->hw->cfg->cost_cycles[op] * count;
}

void hal_mem(uint32_t count)
{
	if (hal_current)
		hal_current->pending_mem += count;
}

unsigned hal_station_of_thread(unsigned thread_id) { return thread_id; }
unsigned hal_station_dma(void) { return STATION_DMA; }
unsigned hal_station_mac_tx(void) { return STATION_MAC_TX; }

bool hal_fmn_try_send(unsigned dst, const struct hal_msg *m)
{
	struct npu_thread *t = self("hal_fmn_try_send");
	hal_pay(t);
	unsigned group = fmn_group_of_station(t->id);
	if (!fmn_has_credit(t->hw->fmn, group, dst))
		return false;
	t->st.msgs_sent++;
	fmn_deliver(t->hw->fmn, t->id, dst, m);
	return true;
}

unsigned hal_fmn_credits_in_use(unsigned dst)
{
	struct npu_thread *t = self("hal_fmn_credits_in_use");
	return fmn_credits_in_use(t->hw->fmn, fmn_group_of_station(t->id), dst);
}

void hal_fmn_send(unsigned dst, const struct hal_msg *m)
{
	struct npu_thread *t = self("hal_fmn_send");
	hal_pay(t);
	struct hal_machine *hw = t->hw;
	unsigned group = fmn_group_of_station(t->id);
	if (!fmn_has_credit(hw->fmn, group, dst)) {
		sim_time start = sim_now(hw->s);
		if (dst == STATION_DMA)
			dma_count_blocked_sender(hw->dma);
		SIM_LOG(hw->s, fmn, SIM_LOG_DEBUG, "thread %u stalls: no credit of group %u for station %u",
			t->id, group, dst);
		thread_state(t, NPU_THREAD_WAITING);
		while (!fmn_has_credit(hw->fmn, group, dst)) {
			fmn_wait_credit(hw->fmn, group, dst);
			hal_current = t;
		}
		thread_state(t, NPU_THREAD_RUNNING);
		t->st.wait_ps += sim_now(hw->s) - start;
		SIM_LOG(hw->s, fmn, SIM_LOG_DEBUG, "thread %u resumes after %.3f us without credit", t->id,
			sim_time_to_seconds(sim_now(hw->s) - start) * 1e6);
	}
	t->st.msgs_sent++;
	fmn_deliver(hw->fmn, t->id, dst, m);
}

/* Take the head of one bucket if it has crossed the FMN. */
static bool take_from(struct npu_thread *t, enum hal_bucket which, struct hal_msg *m)
{
	struct fmn_bucket *b = &t->bucket[which];
	if (b->len == 0 || b->slot[b->head].visible_ps > sim_now(t->s))
		return false;
	struct fmn_slot s = b->slot[b->head];
	b->head = ring_at(b->head, 1, b->cap);
	b->len--;
	bucket_changed(t);
	*m = s.m;
	if (which == HAL_BUCKET_COMPLETION)
		fmn_done_credit_return(t->hw->fmn, t->id);
	else
		fmn_credit_return(t->hw->fmn, s.credit_group, t->id);
	return true;
}

static bool take(struct npu_thread *t, struct hal_msg *m)
{
	return take_from(t, HAL_BUCKET_COMPLETION, m) || take_from(t, HAL_BUCKET_DATA, m);
}

/* The earliest time a queued message becomes visible, or SIM_TIME_MAX. */
static sim_time next_visible(const struct npu_thread *t)
{
	sim_time v = SIM_TIME_MAX;
	for (int i = 0; i < HAL_BUCKETS; i++) {
		const struct fmn_bucket *b = &t->bucket[i];
		if (b->len && b->slot[b->head].visible_ps < v)
			v = b->slot[b->head].visible_ps;
	}
	return v;
}

bool hal_fmn_try_recv_bucket(enum hal_bucket which, struct hal_msg *m)
{
	struct npu_thread *t = self("hal_fmn_try_recv_bucket");
	hal_pay(t);
	return take_from(t, which, m);
}

bool hal_fmn_try_recv(struct hal_msg *m)
{
	struct npu_thread *t = self("hal_fmn_try_recv");
	hal_pay(t);
	return take(t, m);
}

void hal_fmn_recv(struct hal_msg *m)
{
	struct npu_thread *t = self("hal_fmn_recv");
	hal_pay(t);
	sim *s = t->s;
	sim_time start = sim_now(s);
	while (!take(t, m)) {
		t->waiting_recv = 1;
		sim_time v = next_visible(t);
		if (v != SIM_TIME_MAX && t->wake.gen == 0)
			t->wake = sim_schedule_at(s, v, wake_receiver, t);
		thread_state(t, NPU_THREAD_WAITING);
		block(t, park_fn, NULL);
		thread_state(t, NPU_THREAD_RUNNING);
	}
	t->st.wait_ps += sim_now(s) - start;
}

static bool can_send(struct npu_thread *t, unsigned dst, unsigned max_in_use)
{
	if (dst == HAL_NO_STATION)
		return false;
	unsigned group = fmn_group_of_station(t->id);
	return fmn_has_credit(t->hw->fmn, group, dst) &&
	       fmn_credits_in_use(t->hw->fmn, group, dst) < max_in_use;
}

static bool bucket_ready(const struct npu_thread *t, enum hal_bucket b)
{
	if (b >= HAL_BUCKETS)
		return false;
	const struct fmn_bucket *k = &t->bucket[b];
	return k->len && k->slot[k->head].visible_ps <= sim_now(t->s);
}

bool hal_fmn_wait(unsigned dst, unsigned max_in_use, enum hal_bucket wake, uint64_t cycles)
{
	struct npu_thread *t = self("hal_fmn_wait");
	hal_pay(t);
	sim *s = t->s;
	sim_time start = sim_now(s);
	sim_time until = cycles ? sim_time_add(start, sim_cycles(cycles, t->hw->cfg->clock_hz)) :
				  SIM_TIME_MAX;
	for (;;) {
		if (can_send(t, dst, max_in_use))
			break;
		if (bucket_ready(t, wake) || sim_now(s) >= until)
			break;
		/* sleep until a credit returns, a message lands, or the time is up */
		t->waiting_recv = 1;
		t->wake_bucket = wake < HAL_BUCKETS ? (int)wake : HAL_BUCKETS;
		t->watch_dst = dst;
		sim_event_handle timer = { 0, 0 };
		if (until != SIM_TIME_MAX)
			timer = sim_schedule_at(s, until, wake_receiver, t);
		if (wake < HAL_BUCKETS && t->bucket[wake].len && t->wake.gen == 0)
			t->wake = sim_schedule_at(s, t->bucket[wake].slot[t->bucket[wake].head].visible_ps,
						  wake_receiver, t);
		thread_state(t, NPU_THREAD_WAITING);
		block(t, park_fn, NULL);
		thread_state(t, NPU_THREAD_RUNNING);
		sim_cancel(s, timer);
		t->wake_bucket = -1;
		t->watch_dst = HAL_NO_STATION;
	}
	t->st.wait_ps += sim_now(s) - start;
	return can_send(t, dst, max_in_use);
}

void *hal_pkt_alloc(void)
{
	struct npu_thread *t = self("hal_pkt_alloc");
	return pkt_pool_alloc(t->hw->pool);
}

void hal_pkt_free(void *buf)
{
	struct npu_thread *t = self("hal_pkt_free");
	pkt_pool_free(t->hw->pool, buf);
	mac_rx_kick(t->hw->mac);             /* a frame may have waited for a buffer */
}

uint32_t hal_pkt_free_count(void) { return self("hal_pkt_free_count")->hw->pool->free_n; }
uint32_t hal_pkt_pool_size(void) { return self("hal_pkt_pool_size")->hw->pool->count; }

uint64_t hal_addr_of(const void *p) { return fmn_addr_of(p); }
void *hal_ptr_of(uint64_t addr) { return fmn_ptr_of(addr); }

void *hal_shm_base(void) { return pcie_shm(self("hal_shm_base")->hw->pcie); }
size_t hal_shm_size(void) { return pcie_shm_size(self("hal_shm_size")->hw->pcie); }

void hal_msi_raise(unsigned vector)
{
	struct npu_thread *t = self("hal_msi_raise");
	hal_pay(t);
	pcie_raise_msi(t->hw->pcie, vector);
}

uint64_t hal_param(const char *name, uint64_t dflt)
{
	struct npu_thread *t = hal_current;
	if (!t)
		return dflt;
	for (size_t i = 0; i < t->hw->n_params; i++)
		if (strcmp(t->hw->params[i].name, name) == 0)
			return t->hw->params[i].value;
	return dflt;
}

/* The FMN delivers into a thread's bucket: wake the thread if it waits for
 * this bucket, when the message has crossed. */
static void thread_receive(void *ctx, struct fmn_slot *slot)
{
	struct npu_thread *t = ctx;
	if (fmn_bucket_push(&t->bucket[slot->bucket], slot) != 0)
		sim_fatal("FMN bucket of thread %u overflowed (credits exceed depth)", t->id);
	bucket_changed(t);
	t->st.msgs_received++;
	int wakes = t->wake_bucket < 0 || t->wake_bucket == (int)slot->bucket;
	if (t->waiting_recv && wakes && t->wake.gen == 0)
		t->wake = sim_schedule_at(t->s, slot->visible_ps, wake_receiver, t);
}

/* A credit of core `group` for dst returned: the core's threads sleeping
 * in hal_fmn_wait for that credit wake. */
static void core_credit_back(void *ctx, unsigned group, unsigned dst)
{
	struct hal_machine *hw = ctx;
	for (unsigned i = 0; i < NPU_THREADS_PER_CORE; i++) {
		struct npu_thread *t = &hw->th[group * NPU_THREADS_PER_CORE + i];
		if (t->waiting_recv && t->watch_dst == dst && t->wake.gen == 0)
			t->wake = sim_schedule_in(hw->s, 0, wake_receiver, t);
	}
}

void hal_threads_attach(struct hal_machine *hw)
{
	for (unsigned i = 0; i < NPU_THREADS; i++)
		fmn_set_receiver(hw->fmn, i, thread_receive, &hw->th[i], 0);
	for (unsigned g = 0; g < NPU_CORES; g++)
		fmn_set_sender(hw->fmn, g, core_credit_back, hw);
}

static void thread_body(sim *s, void *arg)
{
	(void)s;
	struct npu_thread *t = arg;
	hal_current = t;
	t->hw->prog->thread_main(t->hw->fw_state, t->id);
	hal_current = NULL;
}

void hal_firmware_start(struct hal_machine *hw, const struct npu_program *prog, void *fw_state)
{
	hw->prog = prog;
	hw->fw_state = fw_state;
	hal_current = &hw->th[0];
	prog->init(fw_state);
	hal_current = NULL;
	for (unsigned i = 0; i < NPU_THREADS; i++) {
		char name[16];
		snprintf(name, sizeof name, "npu.t%u", i);
		hw->th[i].proc = sim_proc_spawn(hw->s, name, thread_body, &hw->th[i], 256 * 1024);
	}
}
