# mk/layers.mk - `make check-layers` (part of `make check`): every include
# of sim/, model/, firmware/, host/, traces/ and cli/ against DESIGN.md's
# table (scripts/check-layers.py), and the checker's own test: each
# forbidden edge, shown to it alone, fails the check
# (tests/check_layers.sh). The link order of the layers' archives
# (Makefile, LINK_ORDER) catches calls the other way.
.PHONY: check-layers
CHECK_EXTRA += check-layers
check-layers:
	python3 scripts/check-layers.py
	sh tests/check_layers.sh
