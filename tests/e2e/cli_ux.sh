#!/bin/sh
# tests/e2e/cli_ux.sh - the command line as users expect it: every command's
# --help, --opt=value, --version, swept keys as columns, typed summary.json
# with provenance, --run N. Needs $NPUSIM.
set -eu
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# --help for every command, exit 0, on stdout
for c in run demo replay plot keys compare; do
	"$NPUSIM" $c --help > "$t/help" || fail "$c --help exits $?"
	grep -q "^usage: npusim $c" "$t/help" || fail "$c --help: $(cat "$t/help")"
done
"$NPUSIM" --version | grep -Eq '^npusim [0-9][^ ]* \(revision [0-9a-f]+' || fail "--version"
set +e
"$NPUSIM" run --no-such-option tests/data/tiny.ini 2> "$t/err"; rc=$?
set -e
[ $rc -eq 2 ] && grep -q 'unknown option' "$t/err" || fail "unknown option: exit $rc $(cat "$t/err")"
set +e
"$NPUSIM" run tests/data/tiny.ini --set 2> "$t/err"; rc=$?
set -e
[ $rc -eq 2 ] && grep -q 'needs a value' "$t/err" || fail "missing value: exit $rc $(cat "$t/err")"

# replay takes --opt=value too
"$NPUSIM" replay tests/data/dev-clean-2conn.pcap --output="$t/r.pcap" --mode=nic > /dev/null \
	&& [ -s "$t/r.pcap" ] || fail "replay --output=... --mode=nic"

# --opt=value and --opt value give the same run; a sweep over a key without a
# column of its own gets a column section.key in results.csv and points.csv,
# the console line and --dry-run name it
"$NPUSIM" run tests/data/tiny.ini --set=run.mode=lro --set=lro.timeout_factor=5,10 \
	--output="$t/eq" --jobs=2 --no-plot 2> "$t/eq-log" || fail "--opt=value run"
"$NPUSIM" run tests/data/tiny.ini --set run.mode=lro --set lro.timeout_factor=5,10 \
	-o "$t/sp" -j 1 --quiet --no-plot || fail "--opt value run"
cmp "$t/eq/results.csv" "$t/sp/results.csv" || fail "--opt=value differs from --opt value"
head -1 "$t/eq/results.csv" | grep -q ',integrity,lro.timeout_factor,port_base,' \
	|| fail "swept column in results.csv: $(head -1 "$t/eq/results.csv")"
python3 - "$t/eq/results.csv" "$t/eq/points.csv" <<'PY' || fail "swept columns"
import csv, sys
runs = list(csv.DictReader(open(sys.argv[1])))
points = list(csv.DictReader(open(sys.argv[2])))
assert [r["lro.timeout_factor"] for r in runs] == ["5", "10", "5", "10"], runs
assert [(p["connections"], p["lro.timeout_factor"]) for p in points] == \
    [("1", "5"), ("1", "10"), ("3", "5"), ("3", "10")], points
keys = list(points[0].keys())
assert keys.index("lro.timeout_factor") < keys.index("runs"), keys
PY
grep -q '^run 1: lro 1 conns lro.timeout_factor=10 -> ' "$t/eq-log" || fail "console line: $(cat "$t/eq-log")"
"$NPUSIM" run tests/data/tiny.ini --set run.mode=lro --set dma.buffer=stack,fifo --dry-run > "$t/dry"
grep -q '^run 3: mode=lro connections=3 dma.buffer=fifo ' "$t/dry" || fail "dry run: $(cat "$t/dry")"
"$NPUSIM" run tests/data/tiny.ini --set run.mode=lro --set host.napi_weight=16,64 -n > "$t/dry"
grep -q '^run 1: .* host.napi_weight=64 seed=' "$t/dry" || fail "dry run swept key: $(cat "$t/dry")"

# summary.json: typed values in SI base units with units, provenance
python3 - "$t/eq/summary.json" tests/data/tiny.ini "$NPUSIM" <<'PY' || fail "summary.json"
import hashlib, json, sys
d = json.load(open(sys.argv[1]))
pv = d["provenance"]
assert pv["scenario_sha256"] == hashlib.sha256(open(sys.argv[2], "rb").read()).hexdigest(), pv
assert pv["sets"] == ["run.mode=lro", "lro.timeout_factor=5,10"], pv["sets"]
assert pv["command_line"][1:3] == ["run", "tests/data/tiny.ini"], pv["command_line"]
assert pv["scenario_file"] == "tests/data/tiny.ini"
assert pv["seed"] == 1 and pv["run_seeds"] == [1, 1, 1, 1], pv
assert pv["version"] and pv["revision"] and pv["host"] and pv["start_time"].endswith("Z")
r = d["runs"][0]
res, sc = r["results"], r["scenario"]
assert res["threshold_bytes"] == {"value": 65536, "unit": "bytes"}, res["threshold_bytes"]
thr = res["throughput_bps"]
assert thr["unit"] == "bit/s" and isinstance(thr["value"], (int, float)) and thr["value"] > 1e8, thr
assert isinstance(res["established"], int) and res["integrity"] == "ok"
assert res["dma_wait_p50_s"]["unit"] == "s" and res["dma_wait_p50_s"]["value"] < 1e-3
assert sc["run.time_limit"] == {"value": 5, "unit": "s"}, sc["run.time_limit"]
assert sc["run.bytes_per_connection"] == {"value": 204800, "unit": "bytes"}
assert sc["lro.active_ack"] == "on" and sc["run.mode"] == "lro" and sc["run.connections"] == 1
assert sc["lro.pool_low"] == 0.06 and sc["lro.timeout_factor"] == 5
PY

# --run N: one run of the sweep with its exact settings, in its own folder
"$NPUSIM" run tests/data/tiny.ini --set run.mode=lro --set lro.timeout_factor=5,10 \
	-o "$t/one" --run 3 --quiet --no-plot || fail "--run 3"
[ ! -e "$t/one/run-0" ] && [ ! -e "$t/one/results.csv" ] || fail "--run 3 ran other runs"
sed -n 2p "$t/one/run-3/results.csv" > "$t/one-row"
sed -n 5p "$t/sp/results.csv" | cmp -s - "$t/one-row" || fail "--run 3 differs from run 3 of the sweep"
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert [r['run'] for r in d['runs']] == [3]" \
	"$t/one/run-3/summary.json" || fail "--run 3 summary"
set +e
"$NPUSIM" run tests/data/tiny.ini --run 4 -o "$t/none" --quiet 2> "$t/err"; rc=$?
set -e
[ $rc -eq 2 ] && grep -q 'runs 0..3' "$t/err" || fail "--run out of range: exit $rc $(cat "$t/err")"

# compare: the same results pass; another sender write size moves the
# throughput out of a 0.1% tolerance (exit 1) but not of a wide one; points
# on one side only fail; another sweep cannot be compared (exit 2)
"$NPUSIM" compare "$t/eq" "$t/sp" > "$t/cmp" || fail "compare of equal results: $(cat "$t/cmp")"
grep -q 'lro.timeout_factor=10 *throughput_gbps ' "$t/cmp" || fail "compare names points by swept keys"
"$NPUSIM" run tests/data/tiny.ini --set run.mode=lro --set lro.timeout_factor=5,10 \
	--set run.write_size=16KiB -o "$t/ws" --quiet --no-plot || fail "write_size run"
set +e
"$NPUSIM" compare "$t/eq" "$t/ws" --tolerance=0.1% > "$t/cmp"; rc=$?
set -e
[ $rc -eq 1 ] && grep -q 'throughput_gbps .* FAIL$' "$t/cmp" || fail "compare of a change: exit $rc $(cat "$t/cmp")"
python3 - "$t/eq/points.csv" "$t/ws/points.csv" "$t/cmp" <<'PY' || fail "compare's differences"
import csv, sys
a = {r["point"]: float(r["throughput_gbps"]) for r in csv.DictReader(open(sys.argv[1]))}
b = {r["point"]: float(r["throughput_gbps"]) for r in csv.DictReader(open(sys.argv[2]))}
rows = [l.split() for l in open(sys.argv[3]) if " throughput_gbps " in l]
assert len(rows) == 4, rows
for p, row in zip(sorted(a, key=int), rows):
    d = float(row[-3]); rel = float(row[-2].rstrip("%"))
    assert abs(d - (b[p] - a[p])) < 1e-6, (row, a[p], b[p])
    assert abs(rel - 100 * (b[p] - a[p]) / a[p]) < 0.01, row
PY
"$NPUSIM" compare "$t/eq" "$t/ws" --tolerance 100% --keys throughput_gbps,established_min -q > /dev/null \
	|| fail "compare within a wide tolerance"
"$NPUSIM" run tests/data/tiny.ini --set run.mode=lro --set lro.timeout_factor=5,10 \
	--set run.connections=1 -o "$t/c1" --quiet --no-plot || fail "1-connection run"
set +e
"$NPUSIM" compare "$t/eq" "$t/c1" > "$t/cmp"; rc=$?
set -e
[ $rc -eq 1 ] && grep -q 'connections=3 .*present *missing' "$t/cmp" || fail "compare, a point missing: exit $rc"
set +e
"$NPUSIM" compare "$t/eq" "$t/a-missing" 2> "$t/err"; rc=$?
set -e
[ $rc -eq 2 ] || fail "compare of a missing folder: exit $rc"
set +e
"$NPUSIM" compare "$t/eq" "$t/eq" --keys no_such_metric 2> "$t/err"; rc=$?
set -e
[ $rc -eq 2 ] && grep -q "no column 'no_such_metric'" "$t/err" || fail "compare --keys unknown: exit $rc"
"$NPUSIM" run tests/data/tiny.ini --set run.mode=lro -o "$t/nosweep" --quiet --no-plot || fail "plain run"
set +e
"$NPUSIM" compare "$t/eq" "$t/nosweep" 2> "$t/err"; rc=$?
set -e
[ $rc -eq 2 ] && grep -q "not the same sweep" "$t/err" || fail "compare of other sweeps: exit $rc $(cat "$t/err")"

# keys: one section, each section once, readable ranges
"$NPUSIM" keys dma > "$t/keys"
grep -q '^### \[dma\]' "$t/keys" && ! grep -q '^### \[run\]' "$t/keys" || fail "keys dma"
"$NPUSIM" keys --markdown > "$t/keys"
[ "$(grep '^### ' "$t/keys" | sort | uniq -d | wc -l)" -eq 0 ] || fail "a section listed twice"
if grep -q '[0-9]e[-+][0-9]' "$t/keys"; then fail "unreadable range: $(grep '[0-9]e[-+][0-9]' "$t/keys" | head -1)"; fi
if command -v script > /dev/null; then
	# plain text on a terminal: one section, its keys with default and range
	script -qec "\"$NPUSIM\" keys dma" /dev/null | tr -d '\r' > "$t/keys-tty"
	head -1 "$t/keys-tty" | grep -q '^\[dma\]$' && grep -q '^  depth  *= 64 entries .*\[1 \.\. 4096\]$' "$t/keys-tty" \
		&& ! grep -q '| `' "$t/keys-tty" || fail "keys on a terminal: $(cat "$t/keys-tty")"
fi
set +e
"$NPUSIM" keys nosuch 2> "$t/err"; rc=$?
set -e
[ $rc -eq 2 ] && grep -q 'run lro dma' "$t/err" || fail "keys nosuch: exit $rc"
# progress on a terminal with -j 2: runs done/total, elapsed, ETA, simulated
# seconds per wall second, and a line per run as it finishes
if command -v script > /dev/null; then
	script -qec "\"$NPUSIM\" run tests/data/tiny.ini -o \"$t/tty\" -j 2 --no-plot" /dev/null \
		| tr '\r' '\n' > "$t/tty-log" || fail "run on a terminal"
	grep -q '4/4 runs done  100.0%  elapsed [0-9]*s  ETA -  [0-9.]* simsec/s' "$t/tty-log" \
		|| fail "progress: $(cat "$t/tty-log")"
	grep -q '1/4 runs done .* ETA [0-9]*s' "$t/tty-log" || fail "progress ETA: $(cat "$t/tty-log")"
	[ "$(grep -c 'run [0-3]: .* -> .* Gbps' "$t/tty-log")" -eq 4 ] || fail "per-run lines: $(cat "$t/tty-log")"
fi

# --log module=level prints that model's events; an unknown module is an error
"$NPUSIM" run tests/data/tiny.ini --set run.mode=lro --set run.connections=1 -o "$t/log" -q --no-plot \
	--log=tcp=info,server=info 2> "$t/log-err" || fail "run with --log"
for e in 'tcp: port 40000: SYN sent' 'tcp: port 40000: syn-sent -> established' \
	'server: port 40000: SYN received, SYN-ACK sent' 'server: connection 0: established' \
	'tcp: port 40000: fin-sent -> done'; do
	grep -q "$e" "$t/log-err" || fail "--log tcp,server: no '$e' in $(cat "$t/log-err")"
done
"$NPUSIM" run tests/data/tiny.ini --set run.mode=lro --set run.connections=1 -o "$t/log" -q --no-plot -f \
	--log dma=debug 2> "$t/log-err" || fail "run with --log dma"
grep -q 'debug dma: push: .* depth 1$' "$t/log-err" && grep -q 'debug dma: pop: .* depth 0$' "$t/log-err" \
	|| fail "--log dma: $(head "$t/log-err")"
if grep -q 'tcp:' "$t/log-err"; then fail "--log dma printed tcp events"; fi
set +e
"$NPUSIM" run tests/data/tiny.ini --log dmx=debug -o "$t/nolog" 2> "$t/err"; rc=$?
set -e
[ $rc -eq 2 ] && grep -q "unknown module 'dmx' (modules: dma fmn tcp server)" "$t/err" && [ ! -e "$t/nolog" ] \
	|| fail "--log unknown module: exit $rc $(cat "$t/err")"

# demo --dry-run lists the demo's runs and writes nothing
"$NPUSIM" demo --dry-run -o "$t/demo" > "$t/demo-dry" || fail "demo --dry-run"
grep -q '^scenario demo-fig13: [0-9]* run(s)' "$t/demo-dry" && grep -q '^scenario demo-syn-starvation: ' "$t/demo-dry" \
	&& grep -q '^run 0: mode=' "$t/demo-dry" || fail "demo --dry-run: $(cat "$t/demo-dry")"
[ ! -e "$t/demo" ] || fail "demo --dry-run wrote results"

# the throughput plot of a sweep with connections fixed draws the swept key
# on x (tests/test_plot_series.c checks the series); no data file left over
if command -v gnuplot > /dev/null; then
	"$NPUSIM" run tests/data/tiny.ini --set run.connections=3 --set dma.buffer=stack,fifo \
		-o "$t/pl" -q -j 2 || fail "run with plots"
	[ -s "$t/pl/throughput.png" ] || fail "throughput.png of a dma.buffer sweep"
	if ls -a "$t/pl" | grep -q 'throughput.dat'; then fail "plot data left in $t/pl"; fi
fi

# plot of a missing folder says why
set +e
"$NPUSIM" plot "$t/no-such-folder" 2> "$t/err"; rc=$?
set -e
[ $rc -ne 0 ] && grep -q 'no-such-folder: No such file or directory' "$t/err" || fail "plot of a missing folder: $(cat "$t/err")"

# a smaller sweep into a folder of a larger one: refused, or with --force the
# stale run folders removed
set +e
"$NPUSIM" run tests/data/tiny.ini --set run.mode=lro --set run.connections=1 -o "$t/eq" -q --no-plot 2> "$t/err"; rc=$?
set -e
[ $rc -eq 2 ] && grep -q -- '--force' "$t/err" && [ -d "$t/eq/run-3" ] || fail "stale runs: exit $rc $(cat "$t/err")"
"$NPUSIM" run tests/data/tiny.ini --set run.mode=lro --set run.connections=1 -o "$t/eq" -q --no-plot --force \
	|| fail "--force"
[ "$(ls -d "$t"/eq/run-* | wc -l)" -eq 1 ] && [ -d "$t/eq/run-0" ] || fail "--force left $(ls "$t/eq")"

# make install into a staged tree (DESTDIR) of another PREFIX than the
# build's: the program finds its plot scripts there, the man page documents
# every command
make --no-print-directory -s install PROG="$NPUSIM" -o "$NPUSIM" PREFIX=/opt/npusim-test \
	DESTDIR="$t/stage" > /dev/null || fail "make install"
root="$t/stage/opt/npusim-test"
for f in bin/npusim share/man/man1/npusim.1 share/npusim/plots/throughput.gp \
	share/npusim/scenarios/paper-fig13.ini share/doc/npusim/SCENARIOS.md; do
	[ -s "$root/$f" ] || fail "make install: $f missing"
done
for c in run demo replay compare plot keys; do
	grep -q "^\.B npusim $c" "$root/share/man/man1/npusim.1" || fail "man page: no $c"
done
grep -q '^\.SH EXAMPLES' "$root/share/man/man1/npusim.1" || fail "man page: no EXAMPLES"
if command -v gnuplot > /dev/null; then
	"$NPUSIM" run tests/data/tiny.ini --set run.mode=lro --set run.connections=1 -o "$t/inst" -q --no-plot \
		|| fail "run for the installed plot"
	(cd "$t" && env -u NPUSIM_PLOTS "$root/bin/npusim" plot "$t/inst" 2> "$t/err") \
		|| fail "installed npusim plot: $(cat "$t/err")"
	[ -s "$t/inst/throughput.png" ] || fail "installed npusim: no throughput.png"
fi
echo "e2e cli_ux: ok"
