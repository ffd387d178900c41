# mk/cli.mk - the demo's scenarios are embedded in the program from
# scenarios/demo-*.ini, so `npusim demo` needs no files at run time.

DEMO_INI := scenarios/demo-fig13.ini scenarios/demo-syn-starvation.ini
$(BUILD)/gen/cli/demo_scenarios.h: $(DEMO_INI) mk/cli.mk
	@mkdir -p $(dir $@)
	@{ echo '/* generated from $(DEMO_INI) by mk/cli.mk */'; \
	  for f in $(DEMO_INI); do \
	    n=$$(basename $$f .ini | sed 's/^demo-//; s/-/_/g'); \
	    printf 'static const char demo_%s_ini[] =\n' "$$n"; \
	    sed 's/\\/\\\\/g; s/"/\\"/g; s/^/\t"/; s/$$/\\n"/' $$f; \
	    echo ';'; \
	  done; } > $@.tmp && mv $@.tmp $@

$(BUILD)/cli/main.o: $(BUILD)/gen/cli/demo_scenarios.h

# docs/SCENARIOS.md = its hand-written head, the program's results.csv
# column table (cli/columns.h) after its `<!-- columns -->` line, and the
# program's key table.
.PHONY: docs
docs: $(PROG)
	{ echo; $(PROG) columns --markdown; } > docs/SCENARIOS.columns.tmp
	{ sed '/^<!-- columns -->$$/r docs/SCENARIOS.columns.tmp' docs/SCENARIOS.head.md; \
	  $(PROG) keys --markdown; } > docs/SCENARIOS.md.tmp && \
		mv docs/SCENARIOS.md.tmp docs/SCENARIOS.md && rm -f docs/SCENARIOS.columns.tmp

# The regression gate (scripts/regress.sh): part of `make check` at its
# quick size; `make rebaseline` rewrites tests/baselines/ for review.
.PHONY: regress rebaseline
CHECK_EXTRA += regress
regress: $(PROG)
	scripts/regress.sh $(PROG)
rebaseline: $(PROG)
	scripts/regress.sh $(PROG) --update

# The source revision the program is built from: rewritten only when it
# changes, so a commit relinks without rebuilding everything.
REVISION := $(shell git describe --always --dirty --abbrev=12 2>/dev/null || echo unknown)
.PHONY: FORCE
$(BUILD)/gen/cli/revision.h: FORCE
	@mkdir -p $(dir $@)
	@echo '#define NPUSIM_REVISION "$(REVISION)"' > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@
$(BUILD)/cli/version.o: $(BUILD)/gen/cli/revision.h
