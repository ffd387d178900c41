# mk/sim.mk - the kernel's extra checks and benchmark.
# `make check` also runs the unit suites with the ucontext context switch
# and the other event queue (4-ary heap), so both switches and both heaps
# are tested.

.PHONY: check-ucontext bench-kernel
CHECK_EXTRA += check-ucontext
check-ucontext:
	$(MAKE) --no-print-directory BUILD=$(BUILD)/ucontext SIM_CORO=ucontext SIM_EVQ=heap4 unit

BENCH_TARGETS += bench-kernel
KERNEL_BENCH := $(BUILD)/bench/kernel
KERNEL_BENCH_SRC := bench/kernel.c bench/kernel_heap4.c bench/kernel_heap2.c
$(KERNEL_BENCH): $(KERNEL_BENCH_SRC) sim/evq_heap.inc $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALLFLAGS) -O2 -o $@ $(KERNEL_BENCH_SRC) $(LIB) $(LDLIBS)

bench-kernel: $(KERNEL_BENCH)
	$(KERNEL_BENCH)

# Whole-simulator speed (bench/sim.c): the 64-connection LRO point.
BENCH_TARGETS += bench-sim
SIM_BENCH := $(BUILD)/bench/sim
$(SIM_BENCH): bench/sim.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALLFLAGS) -O2 -o $@ bench/sim.c $(LIB) $(LDLIBS)

.PHONY: bench-sim
bench-sim: $(SIM_BENCH)
	$(SIM_BENCH) 0.5
