#!/bin/sh
# tests/e2e/columns.sh - results.csv has exactly the columns of the program's
# table (cli/columns.h), in its order, with the swept keys after integrity;
# points.csv's figures and the regression gate's names come from the table;
# docs/SCENARIOS.md carries the table as the program prints it. Needs $NPUSIM.
set -eu
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$NPUSIM" run tests/data/tiny.ini --set lro.timeout_factor=5,10 -o "$t/r" -j 1 --quiet --no-plot \
	|| fail "run"
"$NPUSIM" columns --check "$t/r/results.csv" || fail "a results.csv column is not in the table"

# the table's names, in order (the Markdown table's first column)
"$NPUSIM" columns --markdown | awk -F'|' 'NR > 2 { gsub(/[ `]/, "", $2); print $2 }' \
	| grep -v '^section\.key$' > "$t/names"
[ "$(wc -l < "$t/names")" -ge 90 ] || fail "the table lists $(wc -l < "$t/names") columns"
[ "$(sort "$t/names" | uniq -d)" = "" ] || fail "a name twice: $(sort "$t/names" | uniq -d)"
# results.csv's header: the table's names, the swept key after integrity
awk '{ print } $0 == "integrity" { print "lro.timeout_factor" }' "$t/names" | paste -sd, - \
	> "$t/want"
head -1 "$t/r/results.csv" | cmp -s - "$t/want" \
	|| fail "results.csv's header is not the table's: $(head -1 "$t/r/results.csv")"

# a header with a column the table lacks is named
printf 'run,mode,no_such_column,lro.threshold\n0,lro,1,64KiB\n' > "$t/bad.csv"
if "$NPUSIM" columns --check "$t/bad.csv" 2> "$t/err"; then fail "--check passed an unknown column"; fi
grep -q "no_such_column" "$t/err" || fail "--check does not name the column: $(cat "$t/err")"

# points.csv: the key columns, runs, then every figure of the table
for c in throughput_gbps throughput_gbps_min throughput_gbps_max established_min util_dma bound_by; do
	head -1 "$t/r/points.csv" | tr , '\n' | grep -qx "$c" || fail "points.csv lacks $c"
done

# the regression gate's lists
[ "$("$NPUSIM" columns --gate near)" = "throughput_gbps,syn_dma_wait_max_us,syn_overtaken_max" ] \
	|| fail "columns --gate near: $("$NPUSIM" columns --gate near)"
"$NPUSIM" columns --gate baseline | tr , '\n' | while read -r c; do
	grep -qx "$c" "$t/names" || fail "the gate names $c, which is no column"
done
if "$NPUSIM" columns --gate nonsense 2> /dev/null; then fail "--gate nonsense accepted"; fi

# docs/SCENARIOS.md is up to date with the table (make docs)
"$NPUSIM" columns --markdown > "$t/table.md"
grep -Fxvf docs/SCENARIOS.md "$t/table.md" > "$t/stale" || true
[ ! -s "$t/stale" ] || fail "docs/SCENARIOS.md lacks these rows (run make docs): $(head -3 "$t/stale")"
echo "columns: ok"
