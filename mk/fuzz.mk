# mk/fuzz.mk - libFuzzer harnesses (tests/fuzz/, docs/FUZZING.md), built
# with clang, AddressSanitizer and UBSan into $(BUILD)/fuzz/.
#   make fuzz [FUZZ_TIME=300]   each harness for FUZZ_TIME seconds, corpus
#                               kept in $(BUILD)/fuzz/corpus/<name>/
#   make fuzz FUZZ_RUNS=10000000  stop each harness after this many
#                               executions (or FUZZ_TIME, whichever first)
#   make fuzz-short             the regression inputs, then 20 s each
#                               (part of `make check`)
# Crashes are written to $(BUILD)/fuzz/artifacts/<name>/.

FUZZ_CC    ?= clang
FUZZ_TIME  ?= 300
FUZZ_DIR   := $(BUILD)/fuzz
FUZZ_OBJ   := $(FUZZ_DIR)/obj
FUZZ_NAMES := lro pcap scenario
FUZZ_SAN   := -fsanitize=address,undefined -fno-sanitize-recover=undefined
# -Wno-unknown-warning-option: WARN names a GCC-only warning
FUZZ_FLAGS := -std=c11 $(WARN) -Wno-unknown-warning-option -O1 -g -fno-omit-frame-pointer \
	$(FUZZ_SAN) -fsanitize=fuzzer-no-link $(CPPFLAGS) $(PKG_CFLAGS) -MMD -MP
FUZZ_LINK  := $(FUZZ_SAN) -fsanitize=fuzzer
FUZZ_LIB   := $(FUZZ_DIR)/libnpusim.a
FUZZ_NATIVE_OBJ := $(NATIVE_ENGINE_SRC:%.c=$(FUZZ_OBJ)/native/%.o)
FUZZ_LIB_OBJ := $(LIB_SRC:%.c=$(FUZZ_OBJ)/%.o) $(LIB_ASM:%.S=$(FUZZ_OBJ)/%.o) $(FUZZ_NATIVE_OBJ)
FUZZ_STAMP := $(FUZZ_DIR)/flags.stamp
DEP_OBJ += $(FUZZ_LIB_OBJ) $(FUZZ_NAMES:%=$(FUZZ_OBJ)/tests/fuzz/fuzz_%.o)

# max input length per harness: room for a full 64 KB aggregate (of 60-byte
# TCP headers for fuzz_lro); the whole captures among the pcap seeds are
# cut to it when loaded
FUZZ_MAX_LEN_lro      := 81920
FUZZ_MAX_LEN_pcap     := 81920
FUZZ_MAX_LEN_scenario := 8192
# fuzz_scenario gets a dictionary of sections, keys and units
FUZZ_DICT_scenario := -dict=$(FUZZ_DIR)/seeds/scenario.dict
FUZZ_RUNS  ?=
# seconds one input may take (wall clock: raise it on a loaded machine)
FUZZ_TIMEOUT ?= 25
FUZZ_OPTS = -max_len=$(FUZZ_MAX_LEN_$*) -timeout=$(FUZZ_TIMEOUT) -print_final_stats=1 \
	-artifact_prefix=$(FUZZ_DIR)/artifacts/$*/ $(FUZZ_DICT_$*)
# replay reports every bad capture on stderr: silenced while fuzzing
# (libFuzzer and the sanitizers keep their own copy of stderr)
FUZZ_QUIET_pcap := -close_fd_mask=2

# (taken now: a target's own FUZZ_FLAGS must not reach the stamp)
FUZZ_STAMP_TEXT := $(FUZZ_CC) $(FUZZ_FLAGS)
$(FUZZ_STAMP): FORCE
	$(call write_if_changed,$(FUZZ_STAMP_TEXT))

$(FUZZ_OBJ)/%.o: %.c $(FUZZ_STAMP)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) -c $< -o $@

# the native engine under the build's native names (NATIVE_NAMES, the
# Makefile), as for the normal build; the header first for its includers
$(FUZZ_OBJ)/native/%.o: %.c $(FUZZ_STAMP) $(NATIVE_NAMES)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) -include $(NATIVE_NAMES) -c $< -o $@
$(FUZZ_LIB_OBJ) $(FUZZ_NAMES:%=$(FUZZ_OBJ)/tests/fuzz/fuzz_%.o): | $(NATIVE_NAMES)

# cli/version.c includes the generated revision header
$(FUZZ_OBJ)/cli/version.o: $(BUILD)/gen/cli/revision.h

$(FUZZ_OBJ)/%.o: %.S $(FUZZ_STAMP)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS) -c $< -o $@

$(FUZZ_LIB): $(FUZZ_LIB_OBJ)
	rm -f $@ && ar rcs $@ $^

# fuzz_lro: the native engine on the native HAL, alone.
$(FUZZ_DIR)/fuzz_lro: $(FUZZ_OBJ)/tests/fuzz/fuzz_lro.o $(FUZZ_NATIVE_OBJ) \
		$(FUZZ_OBJ)/traces/hal_native.o
	$(FUZZ_CC) $(FUZZ_LINK) -o $@ $^

$(FUZZ_DIR)/fuzz_pcap: $(FUZZ_OBJ)/tests/fuzz/fuzz_pcap.o $(FUZZ_LIB)
	$(FUZZ_CC) $(FUZZ_LINK) -o $@ $^ $(LDLIBS)

$(FUZZ_DIR)/fuzz_scenario: $(FUZZ_OBJ)/tests/fuzz/fuzz_scenario.o $(FUZZ_LIB)
	$(FUZZ_CC) $(FUZZ_LINK) -o $@ $^ $(LDLIBS)

# Seeds: generated under $(FUZZ_DIR)/seeds/<name>/, never committed.
FUZZ_PCAPS := $(sort $(wildcard tests/data/*.pcap))
$(FUZZ_DIR)/seeds/gen.pcap: tests/tools/gen_capture.py
	@mkdir -p $(dir $@)
	python3 tests/tools/gen_capture.py $@ $(FUZZ_DIR)/seeds/gen.json

$(FUZZ_DIR)/seeds/%.stamp: tests/fuzz/make_seeds.py $(FUZZ_PCAPS) $(FUZZ_DIR)/seeds/gen.pcap
	rm -rf $(FUZZ_DIR)/seeds/$* && mkdir -p $(FUZZ_DIR)/seeds/$*
	python3 tests/fuzz/make_seeds.py $* $(FUZZ_DIR)/seeds/$* $(FUZZ_PCAPS) $(FUZZ_DIR)/seeds/gen.pcap
	@if [ $* = pcap ]; then cp $(FUZZ_PCAPS) $(FUZZ_DIR)/seeds/gen.pcap $(FUZZ_DIR)/seeds/$*/; fi
	@touch $@

$(FUZZ_DIR)/seeds/scenario.stamp: $(wildcard scenarios/*.ini tests/data/*.ini) \
		tests/fuzz/make_seeds.py docs/SCENARIOS.md
	rm -rf $(FUZZ_DIR)/seeds/scenario && mkdir -p $(FUZZ_DIR)/seeds/scenario
	cp $(filter %.ini,$^) $(FUZZ_DIR)/seeds/scenario/
	python3 tests/fuzz/make_seeds.py dict $(FUZZ_DIR)/seeds/scenario.dict docs/SCENARIOS.md
	@touch $@

.PHONY: fuzz-build fuzz fuzz-short $(FUZZ_NAMES:%=fuzz-%)
fuzz-build: $(FUZZ_NAMES:%=$(FUZZ_DIR)/fuzz_%) $(FUZZ_NAMES:%=$(FUZZ_DIR)/seeds/%.stamp)

# One harness: seeds copied into its corpus (kept between runs), the
# committed crash reproducers run once, then fuzzing for FUZZ_TIME seconds.
# libFuzzer's log goes to $(FUZZ_DIR)/<name>.log; its final line and stats
# are printed.
$(FUZZ_NAMES:%=fuzz-%): fuzz-%: $(FUZZ_DIR)/fuzz_% $(FUZZ_DIR)/seeds/%.stamp
	@mkdir -p $(FUZZ_DIR)/corpus/$* $(FUZZ_DIR)/artifacts/$*
	@for f in $(FUZZ_DIR)/seeds/$*/*; do \
		[ -e $(FUZZ_DIR)/corpus/$*/$${f##*/} ] || cp $$f $(FUZZ_DIR)/corpus/$*/; \
	done
	@set -e; reg=$$(ls tests/fuzz/regress/$*/* 2>/dev/null || true); \
	if [ -n "$$reg" ]; then \
		$(FUZZ_DIR)/fuzz_$* $(FUZZ_OPTS) $$reg > $(FUZZ_DIR)/$*.regress.log 2>&1 \
			|| { cat $(FUZZ_DIR)/$*.regress.log; echo "fuzz $*: a regression input fails"; exit 1; }; \
		echo "fuzz $*: $$(echo $$reg | wc -w) regression input(s) pass"; \
	fi
	@echo "fuzz $*: $(FUZZ_TIME) s (log: $(FUZZ_DIR)/$*.log)"
	@$(FUZZ_DIR)/fuzz_$* $(FUZZ_OPTS) -max_total_time=$(FUZZ_TIME) $(if $(FUZZ_RUNS),-runs=$(FUZZ_RUNS)) \
		$(FUZZ_QUIET_$*) \
		$(FUZZ_DIR)/corpus/$* > $(FUZZ_DIR)/$*.log 2>&1 \
		|| { tail -n 60 $(FUZZ_DIR)/$*.log; echo "fuzz $*: FAILED (artifacts in $(FUZZ_DIR)/artifacts/$*/)"; exit 1; }
	@{ grep -E '^#[0-9]+[[:space:]]+DONE' $(FUZZ_DIR)/$*.log | sed 's/^/fuzz $*: /'; \
	   grep -E '^stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb)' \
		$(FUZZ_DIR)/$*.log | sed 's/^/fuzz $*: /'; }

fuzz: $(FUZZ_NAMES:%=fuzz-%)

# `make check`: a short run of each harness (the variable reaches the
# prerequisites).
CHECK_EXTRA += fuzz-short
fuzz-short: FUZZ_TIME = 20
fuzz-short: $(FUZZ_NAMES:%=fuzz-%)
