# mk/ns3.mk - the same traffic as bench-sim's point simulated by ns-3
# (bench/ns3/tcp_bulk.cc), and the two side by side (bench/vs_ns3.sh):
# prints both programs' "bench:" lines and
# "bench: npusim_vs_ns3_data_packets <ratio> x". Not part of `make check`;
# skipped, saying so, where pkg-config finds no ns-3 (Debian: libns3-dev).
# docs/PERFORMANCE.md has the figures.

NS3_MODULES := ns3-core ns3-network ns3-internet ns3-applications ns3-point-to-point ns3-traffic-control
NS3_BENCH := $(BUILD)/bench/ns3_tcp_bulk
# Deferred: pkg-config runs only when the program is built. Only -l and -L
# are kept from --libs: Debian's .pc files also name libgsl.so, present only
# with libgsl-dev, and the ns-3 libraries carry their own dependencies.
NS3_CFLAGS = $(shell pkg-config --cflags $(NS3_MODULES))
NS3_LIBS = $(filter -l% -L%,$(shell pkg-config --libs $(NS3_MODULES)))

$(NS3_BENCH): bench/ns3/tcp_bulk.cc
	@mkdir -p $(dir $@)
	$(CXX) -std=c++17 -O2 -g -Wall -Wextra -Werror $(NS3_CFLAGS) -o $@ $< $(NS3_LIBS)

BENCH_TARGETS += bench-ns3
.PHONY: bench-ns3
bench-ns3:
	@if ! pkg-config --exists $(NS3_MODULES) 2>/dev/null; then \
		echo "bench-ns3 skipped: pkg-config finds no ns-3 (Debian: apt-get install libns3-dev)"; \
		exit 0; \
	fi; \
	$(MAKE) --no-print-directory $(SIM_BENCH) $(NS3_BENCH) && \
	sh bench/vs_ns3.sh $(SIM_BENCH) $(NS3_BENCH)

# The client's TCP sender against ns-3's (TcpCubic with SACK): one flow, the
# same link, the same data segments dropped once (bench/tcp_flow.c and
# bench/ns3/tcp_flow.cc, compared by bench/validate_tcp.sh, which prints the
# comparison and plots both cwnd traces into docs/tcp-validation.png).
# `make validate`; not part of `make check`; skipped, saying so, without ns-3.
TCP_FLOW := $(BUILD)/bench/tcp_flow
NS3_TCP_FLOW := $(BUILD)/bench/ns3_tcp_flow
$(TCP_FLOW): bench/tcp_flow.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALLFLAGS) -O2 -o $@ bench/tcp_flow.c $(LIB) $(LDLIBS)

$(NS3_TCP_FLOW): bench/ns3/tcp_flow.cc
	@mkdir -p $(dir $@)
	$(CXX) -std=c++17 -O2 -g -Wall -Wextra -Werror $(NS3_CFLAGS) -o $@ $< $(NS3_LIBS)

.PHONY: validate
validate:
	@if ! pkg-config --exists $(NS3_MODULES) 2>/dev/null; then \
		echo "validate skipped: pkg-config finds no ns-3 (Debian: apt-get install libns3-dev)"; \
		exit 0; \
	fi; \
	$(MAKE) --no-print-directory $(TCP_FLOW) $(NS3_TCP_FLOW) && \
	sh bench/validate_tcp.sh $(TCP_FLOW) $(NS3_TCP_FLOW)
