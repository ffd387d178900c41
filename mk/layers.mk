# mk/layers.mk - `make check-layers` (part of `make check`): every include
# of sim/, model/, firmware/, host/, traces/ and cli/ against the layers'
# table of docs/ARCHITECTURE.md (scripts/check-layers.py), and the checker's own test: each
# forbidden edge, shown to it alone, fails the check
# (tests/check_layers.sh); and that the layers' archives, linked in
# LINK_ORDER, refuse a call in the wrong direction (tests/check_layer_link.sh).
.PHONY: check-layers
CHECK_EXTRA += check-layers
check-layers: $(LIB)
	python3 scripts/check-layers.py
	sh tests/check_layers.sh
	CC='$(CC)' CFLAGS='$(CFLAGS) $(EXTRA_CFLAGS) $(EXTRA_LDFLAGS)' BUILD='$(BUILD)' \
		LINK_ORDER='$(LINK_ORDER)' sh tests/check_layer_link.sh
