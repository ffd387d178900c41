#!/bin/sh
# tests/e2e/policies_host.sh - the Linux, FreeBSD and DPDK aggregation
# policies in the full simulation, where the host's TCP clocks the sender
# (no active ACK): the firmware names each aggregate's segment size in its
# rx descriptor, the driver makes it the skb's gso_size, and the host's
# rcv_mss stays the wire MSS, so an aggregate of two or more segments is
# ACKed at once (without it every ACK waited for the 40 ms delayed-ACK
# timer: 0.09 Gbps at 8 connections). The hosts' TCP timestamps are real,
# so freebsd-lro (which refuses a segment whose TSecr is 0) merges too.
# Needs $NPUSIM.
set -eu
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$NPUSIM" run scenarios/paper-fig13.ini --set run.mode=lro --set run.connections=8 \
	--set run.bytes_per_connection=256KiB --set run.repeat=1 \
	--set lro.policy=linux-gro,freebsd-lro,dpdk-gro -o "$t/p" -j 2 --quiet --no-plot \
	|| fail "policies: exit $?"
python3 - "$t/p/results.csv" <<'PY' || fail "policies"
import csv, sys
for r in csv.DictReader(open(sys.argv[1])):
    p = r["lro.policy"]
    assert r["integrity"] == "ok", "%s: integrity" % p
    assert int(r["completed"]) == int(r["connections"]), "%s: not every connection completed" % p
    assert float(r["throughput_gbps"]) >= 1.0, "%s: %s Gbps, stalled" % (p, r["throughput_gbps"])
    assert float(r["aggregation_ratio"]) > 2.0, "%s: %s segments per aggregate" % (p, r["aggregation_ratio"])
    print("policies: %s %s Gbps, %s seg/agg" % (p, r["throughput_gbps"], r["aggregation_ratio"]))
PY
