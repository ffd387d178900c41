# npusim - top-level build. GNU make, parallel-safe, objects under build/.
#   make            build build/npusim
#   make check      install missing packages, build, run every test suite
#   make demo       install missing packages, run the built-in default job
#   make sanitize   the test suite under AddressSanitizer + UBSan
#   make bench      performance harnesses (prints "bench: name value unit")
#   make install    PREFIX=/usr/local DESTDIR=

PREFIX  ?= /usr/local
DESTDIR ?=
BUILD   ?= build
CC      ?= cc
# The context switch: asm (x86-64/aarch64) or ucontext.
SIM_CORO ?= asm
# The event queue: heap2 (default, fastest at ~1,000 pending events) or heap4
# (see bench/kernel).
SIM_EVQ ?= heap2

# The program's version; the build's source revision is mk/cli.mk's REVISION.
VERSION := 1.0

OPT      ?= -O2
# Link-time optimisation lets the firmware's calls into the HAL (hal_cost
# and the like, one call per annotation) inline across modules: +10 % of
# simulated packets per second (docs/PERFORMANCE.md). LTO= turns it off.
LTO      ?= -flto=auto
CFLAGS   ?= $(OPT) $(LTO) -g
# snprintf into bounded buffers truncates on purpose; GCC warns about every one
WARN     := -Wall -Wextra -Werror -Wno-format-truncation
# $(BUILD)/gen holds the generated headers
CPPFLAGS += -I. -I$(BUILD)/gen -D_GNU_SOURCE -DNPUSIM_VERSION='"$(VERSION)"' -DNPUSIM_DATADIR='"$(PREFIX)/share/npusim"'
ALLFLAGS  = -std=c11 $(WARN) $(CFLAGS) $(CPPFLAGS) $(EXTRA_CFLAGS) -MMD -MP
ifeq ($(SIM_CORO),ucontext)
CPPFLAGS += -DSIM_CORO_UCONTEXT
endif
ifeq ($(SIM_EVQ),heap2)
CPPFLAGS += -DSIM_EVQ_HEAP2
endif

PKG_CFLAGS := $(shell pkg-config --cflags libpcap 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs libpcap 2>/dev/null || echo -lpcap)
CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null || echo -lcheck -lsubunit -lm -lrt -lpthread)
LDLIBS     += $(PKG_LIBS) -lm

# The layers, bottom up (docs/ARCHITECTURE.md, "Layers"; `make
# check-layers` checks their includes). Each is one archive, and programs
# link them from the top down: a call from a layer into one linked before
# it finds no definition, and the link fails. The firmware comes before
# the model because model/hal_sim.c implements the firmware's HAL.
LAYERS     := sim model firmware host traces cli
LINK_ORDER := cli traces host firmware model sim
layer_src   = $(filter-out cli/main.c,$(wildcard $(1)/*.c))
LIB_SRC    := $(foreach l,$(LAYERS),$(call layer_src,$(l)))
LIB_ASM    := $(wildcard sim/*.S)
# The native engine: the firmware's LRO engine built again under native_
# names (NATIVE_NAMES below), calling traces/hal_native.c (part of traces).
NATIVE_ENGINE_SRC := firmware/lro.c firmware/lro_policy.c firmware/csum.c
NATIVE_ENGINE_OBJ := $(NATIVE_ENGINE_SRC:%.c=$(BUILD)/native/%.o)
# The native names, generated (traces/native_names.h under $(BUILD)/gen):
# `#define name native_name` for every external name that the simulated
# build of the engine and of its HAL (model/hal_sim.o) defines, read from
# their objects with nm. The native engine's sources get it force-included
# (-include: they stay unmodified); traces/hal_native.h includes it for the
# native HAL and the engine's callers. So npusim holds both builds without a
# name defined twice, and a new function needs no list. (hal_sim.o's
# model-facing names, hal_threads_attach and the like, come along unused.)
NATIVE_NAMES     := $(BUILD)/gen/traces/native_names.h
NATIVE_NAMES_OBJ := $(NATIVE_ENGINE_SRC:%.c=$(BUILD)/%.o) $(BUILD)/model/hal_sim.o
NM ?= nm
layer_obj   = $(patsubst %.c,$(BUILD)/%.o,$(call layer_src,$(1))) \
	$(patsubst %.S,$(BUILD)/%.o,$(wildcard $(1)/*.S)) \
	$(if $(filter traces,$(1)),$(NATIVE_ENGINE_OBJ))
LIB_OBJ    := $(foreach l,$(LAYERS),$(call layer_obj,$(l)))
# Every layer's archive, in link order.
LIB        := $(foreach l,$(LINK_ORDER),$(BUILD)/lib$(l).a)
PROG       := $(BUILD)/npusim

# Check suites: tests/test_<name>.c defines `Suite *<name>_suite(void)`;
# the runner's list is generated from the file names.
TEST_SRC    := $(wildcard tests/test_*.c)
TEST_NAMES  := $(patsubst tests/test_%.c,%,$(TEST_SRC))
TEST_OBJ    := $(TEST_SRC:%.c=$(BUILD)/%.o) $(BUILD)/tests/check_main.o $(BUILD)/tests/testutil.o
TEST_BIN    := $(BUILD)/tests/check_npusim
TEST_LIST   := $(BUILD)/gen/suites.inc

.PHONY: all check demo sanitize bench install clean deps unit e2e regress rebaseline
all: $(PROG)

# $(call write_if_changed,TEXT) as a recipe: the target holds TEXT, and is
# rewritten only when TEXT changes (so what depends on it is rebuilt only
# then).
define write_if_changed
	@mkdir -p $(dir $@)
	@printf '%s\n' '$(subst ','\'',$(1))' > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@
endef

# The compile command's flags: every object depends on them, so changing
# CFLAGS, OPT, LTO, SIM_CORO, ... rebuilds what they change.
FLAGS_STAMP := $(BUILD)/flags.stamp
.PHONY: FORCE
$(FLAGS_STAMP): FORCE
	$(call write_if_changed,$(FLAGS_TEXT))

$(BUILD)/%.o: %.c $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(ALLFLAGS) $(PKG_CFLAGS) -c $< -o $@

$(BUILD)/native/%.o: %.c $(FLAGS_STAMP) $(NATIVE_NAMES)
	@mkdir -p $(dir $@)
	$(CC) $(ALLFLAGS) -include $(NATIVE_NAMES) -c $< -o $@

# Rewritten only when the list changes (what includes it is rebuilt only
# then). nm reads GCC's LTO objects through its LTO plugin; an empty list
# stops the build here rather than at the link.
$(NATIVE_NAMES): $(NATIVE_NAMES_OBJ)
	@mkdir -p $(dir $@)
	@$(NM) --defined-only -g -P $^ > $@.nm
	@{ echo '/* generated by the Makefile (NATIVE_NAMES) from nm of $^ */'; \
	  echo '#ifndef TRACES_NATIVE_NAMES_H'; echo '#define TRACES_NATIVE_NAMES_H'; \
	  awk 'NF >= 2 && $$1 ~ /^[A-Za-z][A-Za-z0-9_]*$$/ { print $$1 }' $@.nm | LC_ALL=C sort -u | \
		sed 's/.*/#define & native_&/'; \
	  echo '#endif'; } > $@.tmp && rm -f $@.nm
	@grep -q ' native_' $@.tmp || { rm -f $@.tmp; echo "$@: $(NM) found no names in $^"; exit 1; }
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@
# The objects that may include traces/hal_native.h: the header first.
$(call layer_obj,traces) $(TEST_OBJ): | $(NATIVE_NAMES)

$(BUILD)/%.o: %.S $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(EXTRA_CFLAGS) -c $< -o $@

define layer_archive
$(BUILD)/lib$(1).a: $(call layer_obj,$(1))
	rm -f $$@ && ar rcs $$@ $$^
endef
$(foreach l,$(LAYERS),$(eval $(call layer_archive,$(l))))

$(PROG): $(BUILD)/cli/main.o $(LIB)
	$(CC) $(CFLAGS) $(EXTRA_CFLAGS) $(EXTRA_LDFLAGS) -o $@ $^ $(LDLIBS)

$(TEST_LIST): $(TEST_SRC) Makefile
	@mkdir -p $(dir $@)
	@printf '%s\n' $(foreach n,$(TEST_NAMES),'SUITE($(n))') > $@.tmp && mv $@.tmp $@

$(BUILD)/tests/check_main.o: tests/check_main.c $(TEST_LIST) $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(ALLFLAGS) -c $< -o $@

$(TEST_BIN): $(TEST_OBJ) $(LIB)
	$(CC) $(CFLAGS) $(EXTRA_CFLAGS) $(EXTRA_LDFLAGS) -o $@ $^ $(LDLIBS) $(CHECK_LIBS)

deps:
	@scripts/deps.sh

# Unit suites, then end-to-end scripts (tests/e2e/*.sh get the program path).
unit: $(TEST_BIN)
	CK_TIMEOUT_MULTIPLIER=$${CK_TIMEOUT_MULTIPLIER:-4} $(TEST_BIN)

e2e: $(PROG)
	@set -e; for t in $(sort $(wildcard tests/e2e/*.sh)); do \
		echo "e2e: $$t"; NPUSIM=$(abspath $(PROG)) BUILD=$(abspath $(BUILD)) sh $$t; \
	done

check: deps
	$(MAKE) --no-print-directory unit
	$(MAKE) --no-print-directory e2e
	$(MAKE) --no-print-directory check-extra

demo: deps
	$(MAKE) --no-print-directory $(PROG)
	$(PROG) demo

sanitize: deps
	$(MAKE) --no-print-directory BUILD=build/sanitize OPT=-O1 LTO= \
		EXTRA_CFLAGS='-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined' \
		EXTRA_LDFLAGS='-fsanitize=address,undefined' unit e2e

# The program finds its plot scripts in ../share/npusim beside itself, so a
# tree installed with DESTDIR and moved, or built for another PREFIX, works.
install: $(PROG)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
		$(DESTDIR)$(PREFIX)/share/npusim $(DESTDIR)$(PREFIX)/share/doc/npusim
	install -m 755 $(PROG) $(DESTDIR)$(PREFIX)/bin/npusim
	install -m 644 docs/npusim.1 $(DESTDIR)$(PREFIX)/share/man/man1/npusim.1
	cp -r scenarios plots $(DESTDIR)$(PREFIX)/share/npusim/
	install -m 644 README.md docs/*.md $(DESTDIR)$(PREFIX)/share/doc/npusim/

clean:
	rm -rf build

# Extra checks contributed by mk/*.mk fragments append to CHECK_EXTRA and
# BENCH_TARGETS; the objects they compile with -MMD, to DEP_OBJ.
CHECK_EXTRA   :=
BENCH_TARGETS :=
DEP_OBJ       := $(LIB_OBJ) $(BUILD)/cli/main.o $(TEST_OBJ)
-include $(sort $(wildcard mk/*.mk))

.PHONY: check-extra
check-extra: $(CHECK_EXTRA)

bench: $(BENCH_TARGETS)

# The flags stamp's text, taken after every fragment has added its flags
# (and as a simple variable: a target's own CPPFLAGS must not reach it).
FLAGS_TEXT := $(CC) $(ALLFLAGS) $(PKG_CFLAGS)

# The header dependencies of the objects this build makes.
-include $(sort $(DEP_OBJ:.o=.d))
