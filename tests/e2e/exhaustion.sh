#!/bin/sh
# tests/e2e/exhaustion.sh - each NPU resource driven to exhaustion by its
# scenario (scenarios/exhaust-*.ini): the run degrades but every connection
# completes, the oracle passes, and the counter of that resource shows it
# really ran out. Needs $NPUSIM.
set -eu
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# check SCENARIO CONDITION: run it, then every row must be complete and
# intact and satisfy CONDITION (a Python expression over the row's columns,
# numbers as floats).
check() {
	name=$1
	cond=$2
	"$NPUSIM" run "scenarios/exhaust-$name.ini" -o "$t/$name" -j 2 --quiet --no-plot ||
		fail "exhaust-$name: npusim exited $?"
	python3 - "$t/$name/results.csv" "$name" "$cond" <<'PY' || fail "exhaust-$name"
import csv, sys
path, name, cond = sys.argv[1:]
rows = list(csv.DictReader(open(path)))
assert rows, "no rows"
for r in rows:
    v = {}
    for k, x in r.items():
        try:
            v[k] = float(x)
        except ValueError:
            v[k] = x
    where = "exhaust-%s run %s (%s)" % (name, r["run"], r["mode"])
    if r["integrity"] != "ok":
        sys.exit("%s: integrity %s" % (where, r["integrity"]))
    if r["completed"] != r["connections"]:
        sys.exit("%s: %s of %s connections completed" % (where, r["completed"], r["connections"]))
    if not eval(cond, {}, v):
        sys.exit("%s: expected %s; row: %s" % (where, cond, r))
PY
}

check buffers 'mac_fifo_drops > 0 and drop_pool_low > 0 and pool_low_signals > 0'
check descriptors 'pass_pool_exhausted > 0'
check credits 'mac_waits_no_credit > 0 and dma_depth_max <= 4'
check rings 'ring_full_waits > 0'


# The active-ACK hazard: host buffer exhaustion after the NPU acknowledged
# the data. LRO must FAIL with the loss accounted; NIC must pass.
rc=0
"$NPUSIM" run scenarios/active-ack-hazard.ini -o "$t/hazard" -j 2 --quiet --no-plot || rc=$?
[ "$rc" -eq 1 ] || fail "active-ack-hazard: exit $rc, expected 1 (a documented loss)"
python3 - "$t/hazard/results.csv" "$t/hazard/summary.json" <<'PY' || fail "active-ack-hazard"
import csv, sys
rows = {r["mode"]: r for r in csv.DictReader(open(sys.argv[1]))}
lro, nic = rows["lro"], rows["nic"]
assert lro["integrity"] == "FAIL", lro
assert int(lro["host_rmem_drops"]) > 0 and int(lro["lost_after_ack_bytes"]) > 0, lro
assert nic["integrity"] == "ok" and nic["completed"] == nic["connections"], nic
assert int(nic["host_rmem_drops"]) == 0 and int(nic["lost_after_ack_bytes"]) == 0, nic
assert "acknowledged to the client but dropped" in open(sys.argv[2]).read()
PY
echo "active-ack hazard: reported"
echo "exhaustion: ok"
