#!/bin/sh
# tests/e2e/active_ack.sh - the paper's section V.C at a quick size: with the
# active ACK off, a write that restarts from the initial window after an
# idle pause sits below the 64 KB threshold in the NPU; the sender times
# out, its retransmissions are dropped as duplicates of what the NPU holds,
# and the transfer collapses. With it on, every connection completes without
# a timeout. Needs $NPUSIM.
set -eu
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$NPUSIM" run scenarios/active-ack.ini --set run.bytes_per_connection=4MiB \
	--set run.time_limit=10s -o "$t/aa" -j 2 --quiet --no-plot || fail "active-ack: exit $?"
python3 - "$t/aa/results.csv" <<'PY' || fail "active-ack"
import csv, sys
rows = {r["active_ack"]: r for r in csv.DictReader(open(sys.argv[1]))}
on, off = rows["on"], rows["off"]
n = int(on["connections"])
assert int(on["completed"]) == n, "active ACK on: not every connection completed"
assert int(on["client_rto_timeouts"]) == 0, "active ACK on: retransmission timeouts"
assert int(off["client_rto_timeouts"]) > 0, "active ACK off: no retransmission timeout"
assert int(off["drop_duplicate"]) > 0, "active ACK off: no retransmission dropped as a duplicate"
assert float(off["throughput_gbps"]) < 0.1 * float(on["throughput_gbps"]), "active ACK off: no collapse"
for r in (on, off):
    assert r["integrity"] == "ok", "integrity"
print("active-ack: off %s Gbps, %s RTOs, %s duplicates dropped; on %s Gbps" % (
    off["throughput_gbps"], off["client_rto_timeouts"], off["drop_duplicate"], on["throughput_gbps"]))
PY
