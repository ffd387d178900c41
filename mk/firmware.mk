# mk/firmware.mk - the firmware as target code: built for big-endian MIPS64
# with -ffreestanding -Werror, and its self-test run under qemu-mips64
# (Debian packages gcc-mips64-linux-gnuabi64 and qemu-user, installed by
# scripts/deps.sh). Skipped, saying so, where the tools are missing.

MIPS_CC  ?= mips64-linux-gnuabi64-gcc
MIPS_DIR := $(BUILD)/mips64
FW_SRC   := $(wildcard firmware/*.c)
MIPS_FLAGS := -std=c11 -O2 -Wall -Wextra -Werror -I. -mabi=64

.PHONY: check-firmware-target
CHECK_EXTRA += check-firmware-target
check-firmware-target:
	@if ! command -v $(MIPS_CC) >/dev/null || ! command -v qemu-mips64 >/dev/null; then \
		echo "firmware target check skipped: $(MIPS_CC) or qemu-mips64 missing (scripts/deps.sh installs them)"; \
	else \
		mkdir -p $(MIPS_DIR) && \
		for f in $(FW_SRC); do \
			$(MIPS_CC) $(MIPS_FLAGS) -ffreestanding -c $$f -o $(MIPS_DIR)/$$(basename $$f .c).o || exit 1; \
		done && \
		$(MIPS_CC) $(MIPS_FLAGS) -static -o $(MIPS_DIR)/selftest tests/fw_target/selftest.c \
			host/netpkt.c $(MIPS_DIR)/lro.o $(MIPS_DIR)/lro_policy.o $(MIPS_DIR)/csum.o && \
		qemu-mips64 $(MIPS_DIR)/selftest; \
	fi
