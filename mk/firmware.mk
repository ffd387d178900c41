# mk/firmware.mk - the firmware as target code: built for big-endian MIPS64
# with -ffreestanding -Werror, and its self-test run under qemu-mips64
# (Debian packages gcc-mips64-linux-gnuabi64 and qemu-user, installed by
# scripts/deps.sh). Skipped, saying so, where the tools are missing.
# Objects go under $(MIPS_DIR) by pattern rules, so a second run rebuilds
# only what changed.

MIPS_CC  ?= mips64-linux-gnuabi64-gcc
MIPS_DIR := $(BUILD)/mips64
MIPS_FLAGS := -std=c11 -O2 -Wall -Wextra -Werror -I. -I$(BUILD)/gen -mabi=64 -MMD -MP
MIPS_STAMP := $(MIPS_DIR)/flags.stamp
MIPS_STAMP_TEXT := $(MIPS_CC) $(MIPS_FLAGS)
# All of firmware/, freestanding: the proof that it is target code.
MIPS_FW_OBJ := $(patsubst %.c,$(MIPS_DIR)/%.o,$(wildcard firmware/*.c))
# The self-test: the native engine (the Makefile's NATIVE_NAMES, generated
# from the host build's objects: the names are the same) on the native HAL,
# and the host's frame builder, linked static against glibc.
MIPS_SELFTEST_OBJ := $(MIPS_DIR)/tests/fw_target/selftest.o \
	$(NATIVE_ENGINE_SRC:%.c=$(MIPS_DIR)/native/%.o) \
	$(MIPS_DIR)/traces/hal_native.o $(MIPS_DIR)/host/netpkt.o
DEP_OBJ += $(MIPS_FW_OBJ) $(MIPS_SELFTEST_OBJ)

$(MIPS_STAMP): FORCE
	$(call write_if_changed,$(MIPS_STAMP_TEXT))

$(MIPS_DIR)/firmware/%.o: firmware/%.c $(MIPS_STAMP)
	@mkdir -p $(dir $@)
	$(MIPS_CC) $(MIPS_FLAGS) -ffreestanding -c $< -o $@

$(MIPS_DIR)/native/%.o: %.c $(MIPS_STAMP) $(NATIVE_NAMES)
	@mkdir -p $(dir $@)
	$(MIPS_CC) $(MIPS_FLAGS) -ffreestanding -include $(NATIVE_NAMES) -c $< -o $@
$(MIPS_SELFTEST_OBJ): | $(NATIVE_NAMES)

$(MIPS_DIR)/%.o: %.c $(MIPS_STAMP)
	@mkdir -p $(dir $@)
	$(MIPS_CC) $(MIPS_FLAGS) -c $< -o $@

$(MIPS_DIR)/selftest: $(MIPS_SELFTEST_OBJ) $(MIPS_FW_OBJ)
	$(MIPS_CC) $(MIPS_FLAGS) -static -o $@ $(MIPS_SELFTEST_OBJ)

.PHONY: check-firmware-target
CHECK_EXTRA += check-firmware-target
check-firmware-target:
	@if ! command -v $(MIPS_CC) >/dev/null || ! command -v qemu-mips64 >/dev/null; then \
		echo "firmware target check skipped: $(MIPS_CC) or qemu-mips64 missing (scripts/deps.sh installs them)"; \
	else \
		$(MAKE) --no-print-directory $(MIPS_DIR)/selftest && qemu-mips64 $(MIPS_DIR)/selftest; \
	fi
