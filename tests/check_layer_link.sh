#!/bin/sh
# tests/check_layer_link.sh - the layers' archives, linked in LINK_ORDER
# (Makefile), refuse a call in the wrong direction: a probe that calls the
# model (frame_pool_create) links when it sits in the cli's archive, and
# fails to link, naming the function, when it sits in sim's.
# Environment: CC, CFLAGS, BUILD, LINK_ORDER (as the Makefile has them).
set -eu
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

cat > "$t/probe.c" <<'C'
#include "model/frame.h"
void layer_probe(void);
void layer_probe(void) { frame_pool_destroy(frame_pool_create()); }
C
printf 'void layer_probe(void);\nint main(void) { layer_probe(); return 0; }\n' > "$t/main.c"
$CC $CFLAGS -I. -c "$t/probe.c" -o "$t/probe.o"
$CC $CFLAGS -c "$t/main.c" -o "$t/main.o"

# the archives in link order, the probe added to the archive of layer $1
link() {
	libs=
	for l in $LINK_ORDER; do
		cp "$BUILD/lib$l.a" "$t/lib$l.a"
		[ "$l" = "$1" ] && ar rs "$t/lib$l.a" "$t/probe.o" 2>/dev/null
		libs="$libs $t/lib$l.a"
	done
	# shellcheck disable=SC2086
	$CC $CFLAGS -o "$t/prog" "$t/main.o" $libs -lm > "$t/err" 2>&1
}

link cli || { cat "$t/err"; fail "a call from cli into the model does not link"; }
if link sim; then
	fail "a call from sim into the model links"
fi
grep -q 'frame_pool_create' "$t/err" || { cat "$t/err"; fail "the link error does not name the call"; }
echo "layer archives: a call from cli into the model links, one from sim does not"
