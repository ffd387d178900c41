#!/bin/sh
# tests/e2e/cli.sh - npusim run end to end: columns, JSON, determinism, -j,
# bad input. Needs $NPUSIM.
set -eu
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$NPUSIM" --version | grep -q '^npusim ' || fail "--version"
"$NPUSIM" --help | grep -q 'npusim run SCENARIO' || fail "--help"

"$NPUSIM" run tests/data/tiny.ini -o "$t/a" -j 1 --quiet --no-plot || fail "run -j 1"
head -1 "$t/a/results.csv" | grep -q '^run,mode,connections,dma_buffer,dma_lb,active_ack,threshold_bytes,seed,throughput_gbps,established,syn_retransmits,failed_connections,integrity,' \
	|| fail "results.csv columns"
[ "$(wc -l < "$t/a/results.csv")" -eq 5 ] || fail "4 runs expected"
if grep -q ',FAIL,' "$t/a/results.csv"; then fail "integrity failed"; fi
python3 -m json.tool "$t/a/summary.json" > /dev/null || fail "summary.json is not JSON"
grep -q '"npusim_version"' "$t/a/summary.json" || fail "version in summary"
for f in threads.csv connections.csv dma_requests.csv dma_depth.csv dma_report.txt; do
	[ -s "$t/a/run-0/$f" ] || fail "run-0/$f missing"
done
ls "$t/a" | grep -q 'tmp' && fail "temporary files left"
# every DMA request of these runs moves bytes of a client connection: each
# row names its connection (payload pieces too, through their buffer)
for r in "$t"/a/run-*/dma_requests.csv; do
	awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "conn") c = i }
		NR > 1 && $c < 0 { bad = 1 } END { exit bad || !c }' "$r" ||
		fail "$r: a DMA request without its connection"
done

# -j 2 gives the same bytes as -j 1; the same seed twice gives the same bytes
"$NPUSIM" run tests/data/tiny.ini -o "$t/b" -j2 --quiet --no-plot || fail "run -j 2"
cmp "$t/a/results.csv" "$t/b/results.csv" || fail "-j 2 differs from -j 1"
# summary.json differs only in its provenance (the command line, start time)
python3 - "$t/a/summary.json" "$t/b/summary.json" <<'PY' || fail "summary differs with -j 2"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
for d in (a, b):
    del d["provenance"]
assert a == b
PY
cmp "$t/a/run-1/dma_requests.csv" "$t/b/run-1/dma_requests.csv" || fail "DMA trace differs"
"$NPUSIM" run tests/data/tiny.ini -o "$t/c" --seed 9 --quiet --no-plot || fail "seed 9"
if cmp -s "$t/a/results.csv" "$t/c/results.csv"; then fail "another seed gave the same results"; fi

# repeats: points.csv summarises each point's runs (run i is repeat i % 3 of
# point i / 3); random ports are drawn per run from Linux's ephemeral range
"$NPUSIM" run tests/data/tiny.ini --set run.repeat=3 --set client.port_base=random \
	--set run.mode=lro -o "$t/r" -j 2 --no-plot 2> "$t/r-log" || fail "run with repeats"
# the closing lines name each point's median, as points.csv has it
med=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "throughput_gbps") c = i }
	$1 == 1 { print $c }' "$t/r/points.csv")
grep -q "^point 1: lro 3 conns -> $med Gbps median of 3 runs" "$t/r-log" \
	|| fail "per-point summary: $(cat "$t/r-log")"
python3 - "$t/r/results.csv" "$t/r/points.csv" <<'PY' || fail "points.csv"
import csv, statistics, sys
runs = list(csv.DictReader(open(sys.argv[1])))
points = list(csv.DictReader(open(sys.argv[2])))
assert len(runs) == 6 and len(points) == 2, (len(runs), len(points))
ports = {int(r["port_base"]) for r in runs}
assert all(32768 <= p <= 61000 - 2 for p in ports) and len(ports) >= 4, ports
for pt in points:
    mine = [r for r in runs if int(r["run"]) // 3 == int(pt["point"])]
    assert all(r["connections"] == pt["connections"] for r in mine)
    thr = [float(r["throughput_gbps"]) for r in mine]
    assert pt["runs"] == "3"
    assert abs(float(pt["throughput_gbps"]) - statistics.median(thr)) < 1e-4, (pt, thr)
    assert abs(float(pt["throughput_gbps_min"]) - min(thr)) < 1e-4
    assert abs(float(pt["throughput_gbps_max"]) - max(thr)) < 1e-4
    assert int(pt["established_min"]) == min(int(r["established"]) for r in mine)
    assert pt["integrity"] == ("ok" if all(r["integrity"] == "ok" for r in mine) else "FAIL")
PY

# --dry-run lists every run with its resolved ports, the same as the run
# writes; a point that cannot run prints only the error
"$NPUSIM" run tests/data/tiny.ini --set run.repeat=3 --set client.port_base=random \
	--set run.mode=lro --dry-run > "$t/dry" || fail "dry run"
[ "$(grep -c '^run ' "$t/dry")" -eq 6 ] || fail "dry run: 6 runs expected"
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "port_base") c = i }
	NR > 1 { print "client.port_base=" $c }' "$t/r/results.csv" > "$t/ran-ports"
sed 's/.* //' "$t/dry" | grep '^client.port_base=' | cmp -s - "$t/ran-ports" \
	|| fail "dry run ports differ from the run's"
set +e
"$NPUSIM" run tests/data/tiny.ini --set fmn.dma_credits_per_core=32 --dry-run > "$t/dry-bad" 2> "$t/err"
rc=$?
set -e
[ $rc -eq 2 ] && [ ! -s "$t/dry-bad" ] || fail "dry run of a bad point: exit $rc, $(cat "$t/dry-bad")"
grep -q 'exceed dma.depth' "$t/err" || fail "dry run error: $(cat "$t/err")"

# SYNs lost on a lossy fiber: the run's setup counts agree with the
# per-connection table (a connection retransmitting twice counts once)
"$NPUSIM" run tests/data/tiny.ini --set run.mode=lro --set run.connections=16 \
	--set faults.loss=40% --set trace.dma=off --set run.time_limit=10s \
	-o "$t/syn" --quiet --no-plot || fail "lossy setup run"
python3 - "$t/syn/results.csv" "$t/syn/run-0/connections.csv" <<'PY' || fail "setup counts"
import csv, sys
r = next(csv.DictReader(open(sys.argv[1])))
conns = list(csv.DictReader(open(sys.argv[2])))
late = sum(1 for c in conns if c["established_s"] and int(c["syn_retransmits"]) > 0)
assert sum(int(c["syn_retransmits"]) for c in conns) == int(r["syn_retransmits"])
assert int(r["established_after_syn_retransmit"]) == late, (r["established_after_syn_retransmit"], late)
assert sum(1 for c in conns if not c["established_s"]) == int(r["failed_connections"])
assert any(int(c["syn_retransmits"]) > 1 and c["established_s"] for c in conns), "no SYN lost twice"
PY

# under faults too: the same seed gives the same faults, byte for byte, with
# -j 1 and -j 2 and the wire capture included; another seed another pattern
faults="--set faults.loss=1% --set faults.duplicate=1% --set faults.reorder=1% --set faults.corrupt=1% --set trace.pcap=on"
# shellcheck disable=SC2086
"$NPUSIM" run tests/data/tiny.ini $faults -o "$t/f1" -j 1 --quiet --no-plot || fail "faults run 1"
# shellcheck disable=SC2086
"$NPUSIM" run tests/data/tiny.ini $faults -o "$t/f2" -j 2 --quiet --no-plot || fail "faults run 2"
cmp "$t/f1/results.csv" "$t/f2/results.csv" || fail "faults: same seed, different results"
cmp "$t/f1/run-3/wire.pcap" "$t/f2/run-3/wire.pcap" || fail "faults: same seed, different wire"
# shellcheck disable=SC2086
"$NPUSIM" run tests/data/tiny.ini $faults --seed 5 -o "$t/f3" --quiet --no-plot || fail "faults seed 5"
if cmp -s "$t/f1/run-3/wire.pcap" "$t/f3/run-3/wire.pcap"; then fail "faults: another seed, same wire"; fi
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "integrity") c = i }
	NR > 1 && $c != "ok" { exit 1 }' "$t/f1/results.csv" || fail "faults: integrity"
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "faults_injected") c = i }
	NR > 1 { n += $c } END { exit !(n > 0) }' "$t/f1/results.csv" || fail "faults: none injected"

# bad input: exit 2, a message naming file, line and key, nothing written
set +e
"$NPUSIM" run tests/data/bad-unit.ini -o "$t/bad" --quiet 2> "$t/err"
rc=$?
set -e
[ $rc -eq 2 ] || fail "bad scenario exit $rc, not 2"
grep -q 'bad-unit.ini:3: run.time_limit' "$t/err" || fail "error message: $(cat "$t/err")"
[ ! -e "$t/bad" ] || fail "output written for a bad scenario"
set +e
"$NPUSIM" run tests/data/tiny.ini --set dma.depth=0 -o "$t/bad2" --quiet 2> "$t/err"
rc=$?
set -e
[ $rc -eq 2 ] || fail "bad --set exit $rc"
grep -q 'dma.depth' "$t/err" || fail "--set error message"

# capture taps: both files open, and every IP and TCP checksum is good
"$NPUSIM" run tests/data/tiny.ini --set trace.pcap=on --set run.connections=2 --set run.mode=lro \
	-o "$t/p" --quiet --no-plot || fail "run with pcap taps"
for f in wire host; do
	[ -s "$t/p/run-0/$f.pcap" ] || fail "$f.pcap missing"
	python3 tests/tools/pcap_flows.py "$t/p/run-0/$f.pcap" 10.0.0.2 > /dev/null \
		|| fail "$f.pcap: bad checksum or inconsistent flow"
	if command -v tshark > /dev/null; then
		# every frame read, and every one with both checksums verified good
		all=$(tshark -r "$t/p/run-0/$f.pcap" -T fields -e frame.number 2>/dev/null | wc -l)
		good=$(tshark -r "$t/p/run-0/$f.pcap" -o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE \
			-Y 'tcp.checksum.status == 1 && ip.checksum.status == 1' \
			-T fields -e frame.number 2>/dev/null | wc -l)
		[ "$all" -gt 0 ] || fail "$f.pcap: tshark reads no frames"
		[ "$good" -eq "$all" ] || fail "$f.pcap: tshark verifies $good of $all frames' checksums"
	fi
done

# waveform: a VCD whose header declares the signals and whose times increase
"$NPUSIM" run tests/data/tiny.ini --set trace.vcd=on --set run.connections=2 --set run.mode=lro \
	-o "$t/v" --quiet --no-plot || fail "run with a waveform"
vcd="$t/v/run-0/waves.vcd"
grep -q '^\$enddefinitions \$end$' "$vcd" || fail "VCD header"
[ "$(grep -c '^\$var reg 3 ' "$vcd")" -eq 16 ] || fail "VCD: 16 thread signals"
[ "$(grep -c 'bucket_depth \$end' "$vcd")" -eq 16 ] || fail "VCD: 16 bucket signals"
awk '/^#/ { t = substr($0, 2) + 0; if (t < last) exit 1; last = t; n++ }
     END { if (n < 10) exit 1 }' "$vcd" || fail "VCD times do not increase"

# plots, when gnuplot is installed
if command -v gnuplot > /dev/null; then
	"$NPUSIM" plot "$t/a" 2> /dev/null || fail "plot"
	[ -s "$t/a/throughput.png" ] || fail "throughput.png"
	[ -s "$t/a/run-0/dma_depth.png" ] || fail "dma_depth.png"
fi

# the committed key reference is the program's
"$NPUSIM" keys > "$t/keys.md"
sed -n '/^<!-- keys -->$/,$p' docs/SCENARIOS.md | tail -n +2 > "$t/doc-keys.md"
cmp -s "$t/keys.md" "$t/doc-keys.md" || fail "docs/SCENARIOS.md is stale: run make docs"
echo "e2e cli: ok"
