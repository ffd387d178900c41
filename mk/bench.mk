# mk/bench.mk - the LRO engine's native speed (bench/replay.c) and DPDK's
# GRO library on the same capture (bench/dpdk_gro/). Both print
# "bench: name value unit" lines; docs/PERFORMANCE.md has the figures.
# The DPDK harness is built only by its own target, and skipped, saying
# so, where pkg-config finds no libdpdk (Debian: dpdk-dev).

BENCH_COMMON_OBJ := $(BUILD)/bench/capture.o $(BUILD)/bench/verify.o $(BUILD)/bench/engine.o
# The native engine and its HAL (traces/hal_native.h: free cost
# annotations, as on the target), as built for the traces layer; the
# host's frame builder makes the synthetic capture.
BENCH_ENGINE_OBJ := $(NATIVE_ENGINE_OBJ) $(BUILD)/traces/hal_native.o $(BUILD)/host/netpkt.o
DEP_OBJ += $(BENCH_COMMON_OBJ) $(BUILD)/bench/replay.o $(BUILD)/bench/dpdk_gro/gro.o

BENCH_TARGETS += bench-replay
REPLAY_BENCH := $(BUILD)/bench/replay
$(REPLAY_BENCH): $(BUILD)/bench/replay.o $(BENCH_COMMON_OBJ) $(BENCH_ENGINE_OBJ)
	$(CC) $(CFLAGS) $(EXTRA_CFLAGS) $(EXTRA_LDFLAGS) -o $@ $^ $(PKG_LIBS)

.PHONY: bench-replay
bench-replay: $(REPLAY_BENCH)
	$(REPLAY_BENCH)

BENCH_TARGETS += bench-dpdk-gro
GRO_BENCH := $(BUILD)/bench/dpdk_gro/gro
# Deferred: pkg-config runs only when the harness is built. DPDK's headers
# are system headers here (-isystem), so -Werror applies to our code only.
DPDK_CFLAGS = $(subst -I,-isystem ,$(shell pkg-config --cflags libdpdk)) -DALLOW_EXPERIMENTAL_API
DPDK_LIBS = $(shell pkg-config --libs libdpdk)

$(BUILD)/bench/dpdk_gro/gro.o: bench/dpdk_gro/gro.c $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 $(WARN) $(CFLAGS) $(CPPFLAGS) $(EXTRA_CFLAGS) -MMD -MP $(DPDK_CFLAGS) -c $< -o $@

$(GRO_BENCH): $(BUILD)/bench/dpdk_gro/gro.o $(BENCH_COMMON_OBJ) $(BENCH_ENGINE_OBJ)
	$(CC) $(CFLAGS) $(EXTRA_CFLAGS) $(EXTRA_LDFLAGS) -o $@ $^ $(DPDK_LIBS) $(PKG_LIBS)

.PHONY: bench-dpdk-gro
bench-dpdk-gro:
	@if ! pkg-config --exists libdpdk 2>/dev/null; then \
		echo "bench-dpdk-gro skipped: pkg-config finds no libdpdk (Debian: apt-get install dpdk-dev)"; \
		exit 0; \
	fi; \
	$(MAKE) --no-print-directory $(GRO_BENCH) && $(GRO_BENCH)

# The receive-timeout rules against Linux and DPDK GRO on the real captures
# of tests/data (docs/PERFORMANCE.md, "Aggregation on bursty senders"):
# prints the table, byte-checking every replay. DPDK's column needs dpdk-dev.
.PHONY: timeout-rules
timeout-rules: $(PROG)
	@if pkg-config --exists libdpdk 2>/dev/null; then \
		$(MAKE) --no-print-directory $(GRO_BENCH) >/dev/null; fi
	python3 tests/tools/timeout_table.py $(PROG) $(GRO_BENCH)

# The simulator's cost curves (bench/scale.c): wall time and peak memory of
# a run (each point a child process, its getrusage ru_maxrss) against
# connections (1 to 64,512, one client address's ports) and against
# simulated time. docs/PERFORMANCE.md, "Cost curves". `bench-scale-quick`:
# the small points only.
BENCH_TARGETS += bench-scale
SCALE_BENCH := $(BUILD)/bench/scale
$(SCALE_BENCH): bench/scale.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALLFLAGS) -O2 -o $@ bench/scale.c $(LIB) $(LDLIBS)

.PHONY: bench-scale bench-scale-quick
bench-scale: $(SCALE_BENCH)
	$(SCALE_BENCH)
bench-scale-quick: $(SCALE_BENCH)
	$(SCALE_BENCH) --quick

# `make bench` installs what its comparisons run against (ns-3, DPDK, perf:
# scripts/deps.sh bench), as `make check` installs what it needs, so that a
# fresh machine prints their figures instead of "skipped". NPUSIM_BENCH_DEPS=0
# leaves the machine as it is (the comparisons then skip, saying so).
NPUSIM_BENCH_DEPS ?= 1
.PHONY: bench-deps
bench-deps:
	@if [ "$(NPUSIM_BENCH_DEPS)" = 1 ]; then scripts/deps.sh bench; else scripts/deps.sh; fi
bench-ns3 bench-dpdk-gro validate timeout-rules: bench-deps
