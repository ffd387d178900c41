#!/bin/sh
# tests/check_layers.sh - scripts/check-layers.py catches what it should:
# a tree that keeps the layers' rules passes, and each forbidden include,
# put alone into that tree, fails the check with its file and line named.
set -eu
checker=$(cd "$(dirname "$0")/.." && pwd)/scripts/check-layers.py
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# a small tree within the rules: one header per layer, and includes
# along every allowed edge
for d in sim model firmware host traces cli; do
	mkdir -p "$t/$d"
	echo "/* $d */" > "$t/$d/api.h"
done
echo '/* private */' > "$t/model/npu_internal.h"
for h in hal nic_abi lro; do echo "/* $h */" > "$t/firmware/$h.h"; done
printf '#include "sim/api.h"\n#include <stdio.h>\n' > "$t/sim/a.c"
printf '#include "sim/api.h"\n#include "firmware/hal.h"\n#include "model/npu_internal.h"\n' > "$t/model/a.c"
printf '#include "firmware/lro.h"\n#include <stdint.h>\n#include <string.h>\n' > "$t/firmware/a.c"
printf '#include "model/api.h"\n#include "firmware/nic_abi.h"\n' > "$t/host/a.c"
printf '#include "sim/api.h"\n#include "firmware/lro.h"\n#include <pcap/pcap.h>\n#include "traces/generated.h"\n' > "$t/traces/a.c"
printf '#include "host/api.h"\n#include "traces/api.h"\n#include "firmware/api.h"\n' > "$t/cli/a.c"
python3 "$checker" --root "$t" > "$t/out" || { cat "$t/out"; fail "a tree within the rules fails"; }

# each forbidden edge, alone, at line 2 of a new file
for bad in \
	'sim:"model/api.h"' \
	'model:"host/api.h"' \
	'model:"firmware/lro.h"' \
	'model:<pcap/pcap.h>' \
	'firmware:"sim/api.h"' \
	'firmware:<stdio.h>' \
	'host:"cli/api.h"' \
	'host:"traces/api.h"' \
	'host:"model/npu_internal.h"' \
	'host:"firmware/lro.h"' \
	'traces:"model/api.h"' \
	'traces:"host/api.h"' \
	'traces:"model/generated.h"'
do
	layer=${bad%%:*}
	inc=${bad#*:}
	printf '/* a violation */\n#include %s\n' "$inc" > "$t/$layer/bad.c"
	if python3 "$checker" --root "$t" > "$t/out"; then
		fail "$layer/ including $inc passes the check"
	fi
	grep -q "^$layer/bad.c:2: " "$t/out" || { cat "$t/out"; fail "$layer/ including $inc: file and line not named"; }
	rm "$t/$layer/bad.c"
done
echo "check-layers catches every forbidden edge it was shown"
