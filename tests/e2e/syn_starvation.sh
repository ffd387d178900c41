#!/bin/sh
# tests/e2e/syn_starvation.sh - scenarios/syn-starvation.ini at a small size:
# the paper's client starts one connection thread after another, so with a
# time limit shorter than the starts some connections never send a SYN
# (never_attempted, not counted as failed); every SYN that reached the DMA
# engine is counted, and the DMA report names who overtook the SYN requests.
# Needs $NPUSIM.
set -eu
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# 16 threads started 1 ms apart, 5.5 ms of time: connections 0-5 send a SYN
"$NPUSIM" run scenarios/syn-starvation.ini --set run.connections=16 \
	--set client.thread_start=1ms --set run.time_limit=5.5ms --set run.repeat=1 \
	--set client.port_base=40000 --set dma.buffer=stack \
	-o "$t/out" -j 2 --quiet --no-plot || fail "npusim exited $?"
python3 - "$t/out/results.csv" <<'PY' || fail "syn-starvation at a small size"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert len(rows) == 2, rows
for r in rows:
    v = {k: r[k] for k in ("dma_lb", "established", "failed_connections", "never_attempted",
                           "syn_dma_requests", "syn_dma_wait_max_us", "syn_overtaken_max")}
    assert r["never_attempted"] == "10", v
    assert int(r["established"]) + int(r["failed_connections"]) == 6, v
    # an established connection's SYN went through the DMA engine; a SYN
    # still on its way is not counted
    assert int(r["established"]) <= int(r["syn_dma_requests"]) <= 6, v
    assert float(r["syn_dma_wait_max_us"]) > 0, v
PY
grep -q "Longest waits of requests carrying a client's SYN" "$t/out/run-0/dma_report.txt" ||
	fail "the DMA report lacks the SYN waits"
grep -q "^connection 0: established.* 1 SYN(s) sent, 1 became DMA requests" "$t/out/run-0/dma_report.txt" ||
	fail "the DMA report lacks the SYNs per connection"
echo "syn_starvation: ok"
