# mk/costs.mk - the firmware's measured costs (docs/CALIBRATION.md, "Firmware
# costs, measured").
#
# `make costs` builds all of firmware/ for big-endian MIPS64 as the target
# runs it (cost annotations compiled out), runs tests/fw_target/costs.c under
# qemu-mips64 one instruction per translation block, and has
# scripts/fw_costs.py count the instructions of each path and rewrite
# model/fw_costs.tsv and model/fw_costs.h (both checked in). The table holds
# a hash of firmware/*.c and *.h: `make check-costs` (part of make check)
# fails when the firmware changed since the table was measured. It needs only
# sh and sha256sum; qemu and python3 are needed only to regenerate.

COSTS_TABLE  := model/fw_costs.tsv
COSTS_HEADER := model/fw_costs.h
COSTS_DIR    := $(BUILD)/costs
COSTS_FW     := $(wildcard firmware/*.c)
COSTS_OBJ    := $(patsubst firmware/%.c,$(COSTS_DIR)/%.o,$(COSTS_FW))
# the firmware's sources in a fixed order, hashed
COSTS_HASH   = cat $$(LC_ALL=C ls firmware/*.c firmware/*.h) | sha256sum | cut -d' ' -f1

.PHONY: costs check-costs
CHECK_EXTRA += check-costs

costs:
	@for t in $(MIPS_CC) qemu-mips64 python3 sha256sum; do \
		command -v $$t >/dev/null || { echo "make costs: $$t missing (scripts/deps.sh installs it)"; exit 1; }; \
	done
	@mkdir -p $(COSTS_DIR)
	@for f in $(COSTS_FW); do \
		$(MIPS_CC) $(MIPS_FLAGS) -g -ffreestanding -include tests/fw_target/no_annotations.h \
			-c $$f -o $(COSTS_DIR)/$$(basename $$f .c).o || exit 1; \
	done
	$(MIPS_CC) $(MIPS_FLAGS) -g -static -o $(COSTS_DIR)/costs tests/fw_target/costs.c \
		host/netpkt.c $(COSTS_OBJ)
	python3 scripts/fw_costs.py --binary $(COSTS_DIR)/costs --objs $(COSTS_OBJ) \
		--hash $$($(COSTS_HASH)) --table $(COSTS_TABLE) --header $(COSTS_HEADER)

check-costs:
	@if ! command -v sha256sum >/dev/null; then \
		echo "check-costs skipped: sha256sum missing"; \
	else \
		want=$$(sed -n 's/^firmware-sha256	//p' $(COSTS_TABLE)); have=$$($(COSTS_HASH)); \
		if [ "$$want" != "$$have" ]; then \
			echo "check-costs: $(COSTS_TABLE) is stale: firmware/ changed since its costs were measured; run make costs"; \
			exit 1; \
		fi; \
		if command -v python3 >/dev/null; then \
			python3 scripts/fw_costs.py --check-header --table $(COSTS_TABLE) --header $(COSTS_HEADER) || exit 1; \
		else \
			echo "check-costs: python3 missing, $(COSTS_HEADER) not compared with the table"; \
		fi; \
		echo "check-costs: $(COSTS_TABLE) matches firmware/"; \
	fi
