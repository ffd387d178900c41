#!/bin/sh
# tests/e2e/host_cores.sh - host.irq_affinity: with every rx ring's
# interrupt on one core the second core stays idle; round-robin over two
# cores puts work on both, each below the one core's share, and the busiest
# core is what util_host_cpu reports. Plain-NIC mode, where the host CPU is
# the limit. Needs $NPUSIM.
set -eu
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
printf '[run]\nmode = nic\nconnections = 8\nbytes_per_connection = 512KiB\n[host]\nirq_affinity = one, round-robin\n' > "$t/cores.ini"
"$NPUSIM" run "$t/cores.ini" -o "$t/out" -j 2 --quiet --no-plot
python3 - "$t/out/results.csv" <<'PY'
import csv, sys
rows = {r["run"]: r for r in csv.DictReader(open(sys.argv[1]))}
one, rr = rows["0"], rows["1"]
f = lambda r, k: float(r[k])
for r in (one, rr):
    assert r["integrity"] == "ok" and r["completed"] == "8", r
    assert f(r, "util_host_cpu") == max(f(r, "util_host_core%d" % k) for k in range(4)), r
assert f(one, "util_host_core0") > 0.5 and f(one, "util_host_core1") == 0, one
assert f(rr, "util_host_core0") > 0 and f(rr, "util_host_core1") > 0, rr
assert f(rr, "util_host_core0") < f(one, "util_host_core0"), (one, rr)
assert f(rr, "util_host_core2") == 0 and f(rr, "util_host_core3") == 0, rr
print("host_cores: one core %.3f; round-robin %.3f + %.3f, %.2f Gbit/s against %.2f" % (
    f(one, "util_host_core0"), f(rr, "util_host_core0"), f(rr, "util_host_core1"),
    f(rr, "throughput_gbps"), f(one, "throughput_gbps")))
PY
