# mk/slurm.mk - `make check-slurm`: the sweep commands against a real Slurm
# started on this machine (scripts/check-slurm.sh; needs root, run by
# .ci/run after make check).
.PHONY: check-slurm
check-slurm: deps
	$(MAKE) --no-print-directory $(PROG)
	scripts/check-slurm.sh $(PROG)
