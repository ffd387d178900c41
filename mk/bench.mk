# mk/bench.mk - the LRO engine's native speed (bench/replay.c). Prints
# "bench: name value unit" lines; docs/PERFORMANCE.md has the figures.

BENCH_COMMON_OBJ := $(BUILD)/bench/capture.o $(BUILD)/bench/verify.o $(BUILD)/bench/engine.o
# The engine's own objects, as built for the library; the benchmarks
# supply the target's HAL (free cost annotations), not the simulator's.
BENCH_ENGINE_OBJ := $(BUILD)/firmware/lro.o $(BUILD)/firmware/csum.o $(BUILD)/host/netpkt.o

BENCH_TARGETS += bench-replay
REPLAY_BENCH := $(BUILD)/bench/replay
$(REPLAY_BENCH): $(BUILD)/bench/replay.o $(BENCH_COMMON_OBJ) $(BENCH_ENGINE_OBJ)
	$(CC) $(CFLAGS) $(EXTRA_CFLAGS) $(EXTRA_LDFLAGS) -o $@ $^ $(PKG_LIBS)

.PHONY: bench-replay
bench-replay: $(REPLAY_BENCH)
	$(REPLAY_BENCH)
