# mk/sim.mk - the kernel's extra checks and benchmark.
# `make check` also runs the unit suites with the ucontext context switch,
# so both switch implementations are tested.

.PHONY: check-ucontext bench-kernel
CHECK_EXTRA += check-ucontext
check-ucontext:
	$(MAKE) --no-print-directory BUILD=$(BUILD)/ucontext SIM_CORO=ucontext unit

BENCH_TARGETS += bench-kernel
KERNEL_BENCH := $(BUILD)/bench/kernel
$(KERNEL_BENCH): bench/kernel.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALLFLAGS) -O2 -o $@ bench/kernel.c $(LIB) $(LDLIBS)

bench-kernel: $(KERNEL_BENCH)
	$(KERNEL_BENCH)
