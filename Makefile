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
CPPFLAGS += -I. -D_GNU_SOURCE -DNPUSIM_VERSION='"$(VERSION)"' -DNPUSIM_DATADIR='"$(PREFIX)/share/npusim"'
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

# One library holds every module; the program and the tests link it.
LIB_DIRS := sim model firmware host traces cli
LIB_SRC  := $(filter-out cli/main.c,$(foreach d,$(LIB_DIRS),$(wildcard $(d)/*.c)))
LIB_ASM  := $(wildcard sim/*.S)
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o) $(LIB_ASM:%.S=$(BUILD)/%.o)
LIB      := $(BUILD)/libnpusim.a
PROG     := $(BUILD)/npusim

# Check suites: tests/test_<name>.c defines `Suite *<name>_suite(void)`;
# the runner's list is generated from the file names.
TEST_SRC    := $(wildcard tests/test_*.c)
TEST_NAMES  := $(patsubst tests/test_%.c,%,$(TEST_SRC))
TEST_OBJ    := $(TEST_SRC:%.c=$(BUILD)/%.o) $(BUILD)/tests/check_main.o $(BUILD)/tests/testutil.o
TEST_BIN    := $(BUILD)/tests/check_npusim
TEST_LIST   := $(BUILD)/gen/suites.inc

.PHONY: all check demo sanitize bench install clean deps unit e2e regress rebaseline
all: $(PROG)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALLFLAGS) $(PKG_CFLAGS) -c $< -o $@

$(BUILD)/%.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(EXTRA_CFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(PROG): $(BUILD)/cli/main.o $(LIB)
	$(CC) $(CFLAGS) $(EXTRA_CFLAGS) $(EXTRA_LDFLAGS) -o $@ $^ $(LDLIBS)

$(TEST_LIST): $(TEST_SRC) Makefile
	@mkdir -p $(dir $@)
	@printf '%s\n' $(foreach n,$(TEST_NAMES),'SUITE($(n))') > $@.tmp && mv $@.tmp $@

$(BUILD)/tests/check_main.o: tests/check_main.c $(TEST_LIST)
	@mkdir -p $(dir $@)
	$(CC) $(ALLFLAGS) -I$(BUILD)/gen -c $< -o $@

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
# BENCH_TARGETS.
CHECK_EXTRA   :=
BENCH_TARGETS :=
-include $(sort $(wildcard mk/*.mk))

.PHONY: check-extra
check-extra: $(CHECK_EXTRA)

bench: $(BENCH_TARGETS)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
