#!/bin/sh
# scripts/regress.sh - the regression gate: runs the paper's scenarios at a
# quick size and compares each figure with tests/baselines/<scenario>.csv.
#   scripts/regress.sh NPUSIM            compare, fail on a regression
#   scripts/regress.sh NPUSIM --update   rewrite the baselines (make rebaseline)
# Which columns are compared, and how, is cli/columns.h's `gate` (listed by
# `npusim columns --gate`, docs/SCENARIOS.md's column table): run by run, the
# NEAR ones (throughput_gbps, the SYN mechanism's syn_dma_wait_max_us and
# syn_overtaken_max) within 5% (relative), 15% for syn-starvation; the EXACT
# ones (established, failed_connections, syn_retransmits, integrity, completed
# connections, the client's retransmission timeouts, never_attempted) exactly.
# Every CSV is read by column name.
# syn-starvation runs the engine saturated with the DMA stack starving
# whole rx threads: which thread starves, and so the throughput, moves by
# several per cent with any change of timing, while what the scenario is
# about (who establishes, after how many SYNs) is compared exactly. The simulator
# is deterministic, so any change of a figure comes from a change of code
# or calibration; the tolerance only lets small, reviewed drifts pass.
set -eu
npusim=$1
update=${2:-}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# scenario and the --set options that make it quick
quick() {
	case $1 in
	paper-fig13) echo "--set run.bytes_per_connection=1MiB" ;;
	# one of the scenario's port draws (its runs 4 and 9), past the first SYN
	# retransmission (3 s)
	syn-starvation) echo "--set dma.buffer=stack --set run.time_limit=5s --set run.repeat=1 --set client.port_base=43626" ;;
	active-ack) echo "--set run.bytes_per_connection=4MiB --set run.time_limit=10s" ;;
	timeout-8k) echo "" ;;
	esac
}

# the columns a baseline keeps (the run's keys, then the figures compared),
# those compared within the tolerance, and those compared exactly
base_cols=$("$npusim" columns --gate baseline)
near=$("$npusim" columns --gate near)
exact=$("$npusim" columns --gate exact)

status=0
for s in paper-fig13 syn-starvation active-ack timeout-8k; do
	# shellcheck disable=SC2046
	"$npusim" run "scenarios/$s.ini" $(quick $s) -o "$out/$s" -j 2 --quiet --no-plot
	base="tests/baselines/$s.csv"
	if [ "$update" = "--update" ]; then
		# the baseline's columns, read from results.csv by name, in the
		# order the baseline has them (the gate's new columns appended)
		want=$base_cols
		[ -f "$base" ] && want=$(awk -F, -v gate="$base_cols" 'NR == 1 {
			n = split(gate, g, ","); for (i = 1; i <= n; i++) in_gate[g[i]] = 1
			out = ""
			for (i = 1; i <= NF; i++) if ($i in in_gate) { out = out (out == "" ? "" : ",") $i; kept[$i] = 1 }
			for (i = 1; i <= n; i++) if (!(g[i] in kept)) out = out "," g[i]
			print out; exit }' "$base")
		awk -F, -v OFS=, -v want="$want" '
			NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; n = split(want, w, ",") }
			{ line = $col[w[1]]; for (k = 2; k <= n; k++) line = line OFS $col[w[k]]; print line }' \
			"$out/$s/results.csv" > "$base"
		echo "$s: baseline updated"
		continue
	fi
	[ -f "$base" ] || { echo "$s: no baseline (make rebaseline)"; status=1; continue; }
	tol=5
	[ "$s" = syn-starvation ] && tol=15
	# run by run (matched by run and the point's keys): throughput and the
	# SYN mechanism within the tolerance, the other figures exactly
	"$npusim" compare "$base" "$out/$s/results.csv" --tolerance "$tol%" --keys "$near" || status=1
	"$npusim" compare "$base" "$out/$s/results.csv" --tolerance 0 --keys "$exact" || status=1
done
[ "$update" = "--update" ] && exit 0

# What the paper's Fig. 13 shows, on each point's median over its runs
# (points.csv), whatever the baseline says: LRO levels off - the plateau, the
# mean of the medians at 32, 48 and 64 connections, as the knob's fit takes
# it - within 12 % of the paper's 4.75 Gbit/s and is clearly lower at 1 (12 %:
# with the firmware's measured costs the calibrated knob sits at its lower
# bound and the plateau is 7-9 % low; the single points' medians spread over
# 4.1-4.7 with the port draws; docs/CALIBRATION.md);
# the plain NIC is flat and below LRO at 64. Flat is max/min <= 1.05 at the
# paper's 16 MiB (2.32-2.34 Gbit/s); at this quick size's 1 MiB a connection
# ends before its sender has learned the reordering the NPU's threads cause
# (2.6.32's spurious fast retransmits, then D-SACK undos and a raised
# reordering degree), which costs up to 10 % at a few connections: 1.15 here.
python3 - "$out/paper-fig13/points.csv" <<'PY' || status=1
import csv, sys
thr = {(r["mode"], int(r["connections"])): float(r["throughput_gbps"])
       for r in csv.DictReader(open(sys.argv[1]))}
lro = {c: v for (m, c), v in thr.items() if m == "lro"}
nic = {c: v for (m, c), v in thr.items() if m == "nic"}
plateau = [lro[c] for c in (32, 48, 64)]
claims = [
    ("LRO plateau (mean at 32, 48, 64) within 12% of 4.75", abs(sum(plateau) / 3 / 4.75 - 1) <= 0.12),
    ("LRO at 1 connection below 0.75 x the plateau", lro[1] < 0.75 * min(plateau)),
    ("plain NIC flat: max/min <= 1.15 (1 MiB)", max(nic.values()) / min(nic.values()) <= 1.15),
    ("plain NIC below LRO at 64 connections", nic[64] < lro[64]),
]
bad = 0
for claim, ok in claims:
    print("%-16s %-4s %-52s %s" % ("paper-fig13", "-", claim, "ok" if ok else "FAIL"))
    bad |= not ok
sys.exit(bad)
PY

# The SYN starvation's mechanism, whatever the baseline says: with the stack
# and no balancing a request of the handshake - the SYN's on its way to the
# host or the SYN-ACK's fetch from it - waits at least ten times as long as
# the longest wait with balancing, and with balancing every connection is
# established without a SYN retransmission and no SYN request waits 100 us.
# (The paper's count - most connections failing - does not follow from the
# measured firmware costs: docs/CALIBRATION.md, "SYN starvation: the
# mechanism"; the baseline still gates the counts.)
python3 - "$out/syn-starvation/results.csv" <<'PY' || status=1
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
def worst(r):
    return max(float(r["syn_dma_wait_max_us"]), float(r["synack_dma_wait_max_us"]))
balanced = [r for r in rows if r["dma_lb"] == "on"]
bound = 10 * max(worst(r) for r in balanced)
bad = 0
for r in rows:
    n, est, synrtx = int(r["connections"]), int(r["established"]), int(r["syn_retransmits"])
    if r["dma_buffer"] == "stack" and r["dma_lb"] == "off":
        ok = worst(r) >= bound
        claim = "stack without balancing: a handshake waits >= 10x"
    elif r["dma_lb"] == "on":
        ok = est == n and synrtx == 0 and float(r["syn_dma_wait_max_us"]) < 100
        claim = "balancing establishes all without SYN retransmission"
    else:
        continue
    print("%-16s %-4s %-52s %s" % ("syn-starvation", r["run"], claim, "ok" if ok else "FAIL"))
    bad |= not ok
sys.exit(bad)
PY
if [ $status -eq 0 ]; then echo "regress: all figures within tolerance"; else echo "regress: REGRESSION"; fi
exit $status
