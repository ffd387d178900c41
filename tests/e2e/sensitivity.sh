#!/bin/sh
# tests/e2e/sensitivity.sh - npusim sensitivity at a small size: the
# outputs and effects recomputed from results.csv, shards merged to the same
# bytes, the shipped study covers every free parameter docs/CALIBRATION.md
# gives a range for, and bad study files are named. Needs $NPUSIM.
set -eu
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
study=tests/data/sensitivity-tiny.ini

"$NPUSIM" sensitivity "$study" -o "$t/whole" -j 2 --quiet || fail "sensitivity"
head -1 "$t/whole/sensitivity.csv" | grep -q '^parameter,low,high,output,value_at_low,value_at_high,effect,' \
	|| fail "sensitivity.csv columns"
for o in plateau_gbps lro_1conn_gbps nic_level_gbps knee_connections starvation_established; do
	[ -s "$t/whole/tornado-$o.csv" ] || fail "tornado-$o.csv missing"
	if command -v gnuplot > /dev/null; then
		[ -s "$t/whole/tornado-$o.png" ] || fail "tornado-$o.png missing"
	fi
done
python3 - "$t/whole" <<'PY' || fail "sensitivity.csv does not follow from the runs"
import csv, statistics, sys
d = sys.argv[1]
design = list(csv.DictReader(open(d + "/sensitivity-design.csv")))
results = {r["run"]: r for r in csv.DictReader(open(d + "/results.csv"))}
assert len(design) == len(results) == 8 * 6, (len(design), len(results))
points = {}
for row in design:
    r = results[row["run"]]
    points.setdefault(int(row["point"]), []).append((row, r))
def outputs(runs):
    lro = {int(x["connections"]): float(r["throughput_gbps"]) for x, r in runs if x["role"] == "lro"}
    nic = [float(r["throughput_gbps"]) for x, r in runs if x["role"] == "nic"]
    plat = statistics.median([lro[c] for c in (2, 4)])
    return {"plateau_gbps": plat, "lro_1conn_gbps": lro[1],
            "nic_level_gbps": statistics.median(nic),
            "knee_connections": min(c for c in lro if lro[c] >= 0.9 * plat),
            "starvation_established": [float(r["established"]) for x, r in runs if x["role"] == "starvation"][0]}
y = {p: outputs(runs) for p, runs in points.items()}
kind = {p: runs[0][0] for p, runs in points.items()}
# every run of a low/high point sets only its parameter, to its range's end
for p, runs in points.items():
    for x, r in runs:
        if x["kind"] in ("low", "high"):
            set_ = [k for k in ("ddr.latency", "host.irq_cycles") if x[k]]
            assert set_ == [x["changed"]], x
rows = list(csv.DictReader(open(d + "/sensitivity.csv")))
assert len(rows) == 2 * 5
for row in rows:
    low = [p for p in y if kind[p]["kind"] == "low" and kind[p]["changed"] == row["parameter"]][0]
    high = [p for p in y if kind[p]["kind"] == "high" and kind[p]["changed"] == row["parameter"]][0]
    assert kind[low][row["parameter"]] == row["low"] and kind[high][row["parameter"]] == row["high"]
    o = row["output"]
    assert abs(float(row["value_at_low"]) - y[low][o]) < 1e-3, (row, y[low])
    assert abs(float(row["value_at_high"]) - y[high][o]) < 1e-3, (row, y[high])
    assert abs(float(row["effect"]) - (y[high][o] - y[low][o])) < 2e-3
    # Morris: one trajectory, its step that moved this parameter
    step = [p for p in y if kind[p]["kind"] == "morris" and kind[p]["changed"] == row["parameter"]][0]
    ee = (y[step][o] - y[step - 1][o]) / float(kind[step]["delta"])
    assert abs(float(row["morris_mu_star"]) - abs(ee)) < 2e-3, (row, ee)
# the model must show something: DRAM latency over 60-300 ns moves LRO
lat = [r for r in rows if r["parameter"] == "ddr.latency" and r["output"] == "lro_1conn_gbps"][0]
assert float(lat["effect"]) < -0.3, lat
PY

# shards of the study merge into the same results and analysis
for k in 1 2 3; do
	"$NPUSIM" sensitivity "$study" --shard $k/3 -o "$t/s$k" --quiet || fail "shard $k"
done
[ ! -e "$t/s1/sensitivity.csv" ] || fail "a shard analysed its part alone"
"$NPUSIM" merge "$t/merged" "$t/s1" "$t/s2" "$t/s3" --quiet || fail "merge of the study"
for f in results.csv sensitivity.csv sensitivity-design.csv tornado-plateau_gbps.csv; do
	cmp "$t/whole/$f" "$t/merged/$f" || fail "merged $f differs"
done

# the shipped study lists every free parameter with a documented range, and
# every one of its runs builds (npusim slurm checks them all)
python3 - <<'PY' || fail "scenarios/sensitivity.ini misses a free parameter of docs/CALIBRATION.md"
import re
listed = set()
section = None
for line in open("scenarios/sensitivity.ini"):
    line = line.split(";")[0].strip()
    if line.startswith("["):
        section = line
    elif section == "[sensitivity.free]" and "=" in line:
        listed.add(line.split("=")[0].strip())
missing = []
for line in open("docs/CALIBRATION.md"):
    cells = [c.strip() for c in line.split("|")]
    if len(cells) > 4 and re.match(r"free, [0-9]", cells[4]):
        m = re.match(r"`([a-z_]+\.[a-z_]+)`", cells[1])
        if m and m.group(1) not in listed:
            missing.append(m.group(1))
assert not missing, missing
PY
"$NPUSIM" slurm scenarios/sensitivity.ini -o "$t/slurm" --shards 8 2> "$t/log" || fail "slurm of the study: $(cat "$t/log")"
grep -q "npusim' sensitivity '" "$t/slurm/sweep.sbatch" || fail "the study's array does not run sensitivity"

# bad study files name the line
printf '[run]\nname = x\n[sensitivity]\nconnections = 1, 2\nplateau = 2\n[sensitivity.free]\nddr.latency = 150ns .. 100ns\n' > "$t/bad.ini"
set +e
"$NPUSIM" sensitivity "$t/bad.ini" -o "$t/bad" --quiet 2> "$t/err"
rc=$?
set -e
[ $rc -eq 2 ] && grep -q "bad.ini:7: ddr.latency" "$t/err" || fail "bad range: $rc $(cat "$t/err")"
[ ! -e "$t/bad" ] || fail "bad study wrote output"
echo "e2e sensitivity: ok"
