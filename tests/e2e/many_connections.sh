#!/bin/sh
# tests/e2e/many_connections.sh - more connections than one client address
# has ports: 64,600 connections from port 60000 up take 12 source
# addresses (5,536 ports each, host/endpoints.h). Each sends one byte,
# their threads 30 us apart (slower than the host can take their handshakes
# would drop SYNs); every connection completes and the integrity oracle
# passes. Needs $NPUSIM.
set -eu
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$NPUSIM" run tests/data/tiny.ini --set run.mode=lro --set run.connections=64600 \
	--set client.port_base=60000 --set run.bytes_per_connection=1 \
	--set run.connect=simultaneous --set client.thread_start=30us --set run.time_limit=3s \
	--set trace.dma=off -o "$t/out" --quiet --no-plot || fail "npusim exited $?"
python3 - "$t/out/results.csv" "$t/out/run-0/connections.csv" <<'PY' || fail "64,600 connections"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert len(rows) == 1, rows
r = rows[0]
v = {k: r[k] for k in ("established", "failed_connections", "completed", "bytes_received",
                       "integrity")}
assert r["integrity"] == "ok", v
assert r["established"] == r["completed"] == r["bytes_received"] == "64600", v
assert r["failed_connections"] == "0", v
conns = list(csv.DictReader(open(sys.argv[2])))
assert len(conns) == 64600 and all(c["bytes"] == "1" for c in conns), len(conns)
PY
echo "many_connections: ok"
