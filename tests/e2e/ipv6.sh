#!/bin/sh
# tests/e2e/ipv6.sh - TCP over IPv6 and BIG TCP aggregates, end to end:
#  - a small IPv6 run of the modelled system: the oracle passes, every frame
#    on the fiber is IPv6 with at most 1,428 payload bytes, every aggregate
#    the host took has right checksums and the stream has no hole;
#  - BIG TCP runs (lro.max_aggregate past 65,535) over IPv4 and IPv6: the
#    oracle passes, aggregates past 64 KB reach the host (IPv4 total length
#    0, IPv6 jumbo payload option) and are valid;
#  - replay of an IPv6 capture (tests/data/ipv6-2conn.pcap, made by
#    tests/tools/gen_capture6.py) is byte-exact against its ground truth,
#    extension headers passing through counted;
#  - BIG TCP replay, IPv6 and IPv4, byte-exact; aggregates past 262,144
#    bytes are recorded cut and said so; tshark, when installed, reads
#    every output without complaint.
# Needs $NPUSIM.
set -eu
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# ---- the modelled system over IPv6 ----
"$NPUSIM" run tests/data/tiny.ini --set run.mode=lro --set run.connections=2 --set run.ip=6 \
	--set run.bytes_per_connection=1MiB --set trace.pcap=on --set trace.dma=off \
	-o "$t/v6" --quiet --no-plot || fail "IPv6 run: exit $?"
python3 - "$t/v6/results.csv" "$t/v6/run-0/wire.pcap" <<'PY' || fail "IPv6 run"
import csv, struct, sys
r = next(csv.DictReader(open(sys.argv[1])))
assert r["integrity"] == "ok", "integrity %s" % r["integrity"]
assert int(r["completed"]) == 2, "not every connection completed"
assert float(r["aggregation_ratio"]) > 10, "no aggregation: %s" % r["aggregation_ratio"]
with open(sys.argv[2], 'rb') as f:
    f.read(24)
    n = v6 = big = 0
    while True:
        h = f.read(16)
        if len(h) < 16:
            break
        incl = struct.unpack('<IIII', h)[2]
        fr = f.read(incl)
        n += 1
        assert fr[12:14] == b'\x86\xdd', "frame %d on the fiber is not IPv6" % n
        plen = struct.unpack('!H', fr[18:20])[0]
        doff = (fr[54 + 12] >> 4) * 4
        big = max(big, plen - doff)
print("IPv6 run: %s Gbps, %d frames on the fiber, largest payload %d" % (
    r["throughput_gbps"], n, big))
assert big == 1428, "largest segment payload %d, not 1428" % big
PY
python3 tests/tools/pcap_flows.py "$t/v6/run-0/host.pcap" 2001:db8::a00:2 > "$t/flows" \
	|| { cat "$t/flows"; fail "IPv6 run: the host's capture"; }
[ "$(wc -l < "$t/flows")" -eq 2 ] && grep -q ' 1048576 ' "$t/flows" || fail "IPv6 run: flows"

# every aggregation policy over IPv6 on the modelled system: the oracle
# passes, and the policies that merge at one poll per frame merge
"$NPUSIM" run tests/data/tiny.ini --set run.mode=lro --set run.connections=2 --set run.ip=6 \
	--set run.bytes_per_connection=256KiB --set trace.dma=off \
	--set lro.policy=linux-gro,freebsd-lro,dpdk-gro,freebsd-lro-sorted \
	-o "$t/pol6" --quiet --no-plot || fail "IPv6 policies run: exit $?"
python3 - "$t/pol6/results.csv" <<'PY' || fail "IPv6 policies run"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert len(rows) == 4, len(rows)
for r in rows:
    assert r["integrity"] == "ok", "run %s: integrity %s" % (r["run"], r["integrity"])
    assert int(r["completed"]) == 2, "run %s: not every connection completed" % r["run"]
    assert float(r["aggregation_ratio"]) > 1, "run %s: no aggregation" % r["run"]
PY

# the PDE spreads IPv6 flows over the rx threads by their 4-tuple hash (a
# frame it cannot hash goes to thread 0)
"$NPUSIM" run tests/data/tiny.ini --set run.mode=lro --set run.connections=8 --set run.ip=6 \
	--set run.bytes_per_connection=256KiB --set trace.dma=off -o "$t/spread" --quiet --no-plot \
	|| fail "IPv6 spread run: exit $?"
busy=$(awk -F, '$2 == "rx" && $3 + $4 > 0.001' "$t/spread/run-0/threads.csv" | wc -l)
[ "$busy" -ge 4 ] || fail "IPv6: 8 flows on $busy rx threads"

# the safe active ACK learns an IPv6 flow's window from the host's own
# segments (lro_host_seg_parse reads IPv6): no segment left unacknowledged
# for an unknown window
"$NPUSIM" run tests/data/tiny.ini --set run.mode=lro --set run.connections=2 --set run.ip=6 \
	--set lro.active_ack=safe --set run.bytes_per_connection=1MiB --set trace.dma=off \
	-o "$t/safe" --quiet --no-plot || fail "IPv6 safe ACK run: exit $?"
python3 - "$t/safe/results.csv" <<'PY' || fail "IPv6 safe ACK run"
import csv, sys
r = next(csv.DictReader(open(sys.argv[1])))
assert r["integrity"] == "ok", "integrity"
assert int(r["acks_window_unknown"]) == 0, "window unknown: %s" % r["acks_window_unknown"]
assert int(r["acks_sent"]) > 0, "no active ACK"
PY

# ---- BIG TCP on the modelled system ----
"$NPUSIM" run tests/data/tiny.ini --set run.mode=lro --set run.connections=2 --set 'run.ip=4,6' \
	--set run.bytes_per_connection=4MiB --set lro.threshold=1MiB \
	--set 'lro.max_aggregate=200000,512KiB' --set host.rcvbuf=4MiB --set trace.pcap=on \
	--set trace.dma=off -o "$t/big" --quiet --no-plot || fail "BIG TCP run: exit $?"
python3 - "$t/big/results.csv" <<'PY' || fail "BIG TCP run"
import csv, sys
for r in csv.DictReader(open(sys.argv[1])):
    assert r["integrity"] == "ok", "run %s: integrity %s" % (r["run"], r["integrity"])
    ratio = float(r["aggregation_ratio"])
    assert ratio > 60, "run %s: %s segments per aggregate: none past 64 KB" % (r["run"], ratio)
PY
for run in 0 2; do                      # 200,000-byte aggregates: recorded whole
	dst=10.0.0.2
	grep -q '"run.ip": "6"' "$t/big/run-$run/result.json" && dst=2001:db8::a00:2
	python3 tests/tools/pcap_flows.py "$t/big/run-$run/host.pcap" $dst > "$t/flows" \
		|| { cat "$t/flows"; fail "BIG TCP run $run: the host's capture"; }
	grep -q ' 4194304 ' "$t/flows" || fail "BIG TCP run $run: flows"
done

# ---- replay of an IPv6 capture: byte-exact ----
for mode in lro nic; do
	"$NPUSIM" replay tests/data/ipv6-2conn.pcap -o "$t/r6.$mode.pcap" --mode $mode \
		--filter 'ip6 dst host 2001:db8::2' > "$t/summary" || fail "IPv6 replay $mode"
	python3 tests/tools/pcap_flows.py "$t/r6.$mode.pcap" 2001:db8::2 \
		--check tests/data/ipv6-2conn.truth.json > "$t/flows" \
		|| { cat "$t/flows"; fail "IPv6 replay $mode: output differs from the ground truth"; }
	grep -q 'bad-tcp-csum=7' "$t/summary" || fail "IPv6 replay $mode: bad checksums"
done
"$NPUSIM" replay tests/data/ipv6-2conn.pcap -o "$t/r6.pcap" \
	--filter 'ip6 dst host 2001:db8::2' > "$t/summary" || fail "IPv6 replay"
grep -q 'ipv6-exthdr=6 ' "$t/summary" || grep -q 'ipv6-exthdr=6$' "$t/summary" \
	|| { grep pass-through "$t/summary"; fail "IPv6 replay: extension headers not counted"; }
ratio=$(sed -n 's/^aggregation ratio: \([0-9.]*\) .*/\1/p' "$t/summary")
python3 -c "import sys; sys.exit(float('$ratio') < 10)" || fail "IPv6 replay: ratio $ratio"

# ---- BIG TCP replay ----
python3 tests/tools/gen_capture6.py --clean "$t/clean6.pcap" "$t/clean6.json"
"$NPUSIM" replay "$t/clean6.pcap" -o "$t/big6.pcap" --filter 'ip6 dst host 2001:db8::2' \
	--threshold 1048576 --max-aggregate 200000 > "$t/summary" || fail "BIG TCP replay IPv6"
python3 tests/tools/pcap_flows.py "$t/big6.pcap" 2001:db8::2 --check "$t/clean6.json" \
	> "$t/flows" || { cat "$t/flows"; fail "BIG TCP replay IPv6: not byte-exact"; }
"$NPUSIM" replay tests/data/veth-1flow.pcap -o "$t/big4.pcap" --filter 'dst host 10.79.0.2' \
	--threshold 1048576 --max-aggregate 200000 > "$t/summary4" || fail "BIG TCP replay IPv4"
python3 tests/tools/pcap_flows.py "$t/big4.pcap" 10.79.0.2 \
	--check tests/data/veth-1flow.server.json > "$t/flows" \
	|| { cat "$t/flows"; fail "BIG TCP replay IPv4: not byte-exact"; }
python3 - "$t/big6.pcap" "$t/big4.pcap" <<'PY' || fail "BIG TCP replay: no aggregate past 64 KB"
import struct, sys
for path in sys.argv[1:]:
    with open(path, 'rb') as f:
        f.read(24)
        longest = 0
        while True:
            h = f.read(16)
            if len(h) < 16:
                break
            incl = struct.unpack('<IIII', h)[2]
            longest = max(longest, incl)
            f.read(incl)
    assert longest > 65535 + 14, "%s: longest record %d" % (path, longest)
PY
"$NPUSIM" replay "$t/clean6.pcap" -o "$t/big6max.pcap" --filter 'ip6 dst host 2001:db8::2' \
	--threshold 1048576 --max-aggregate 524288 > "$t/summary" || fail "512 KiB replay"
grep -q 'recorded cut' "$t/summary" || fail "512 KiB replay: cut records not reported"
"$NPUSIM" replay "$t/clean6.pcap" -o "$t/x.pcap" --max-aggregate 600000 2> "$t/err" \
	&& fail "--max-aggregate 600000 accepted"
grep -q 'max-aggregate' "$t/err" || fail "--max-aggregate: message"

if command -v tshark > /dev/null 2>&1; then
	for p in "$t/r6.pcap" "$t/big6.pcap" "$t/big4.pcap" "$t/big6max.pcap" \
		"$t/v6/run-0/host.pcap"; do
		tshark -r "$p" -o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE \
			-Y 'tcp.checksum.status == 0 || ip.checksum.status == 0 || _ws.malformed' \
			> "$t/tshark" 2> "$t/tshark.err" || { cat "$t/tshark.err"; fail "tshark: $p"; }
		[ -s "$t/tshark" ] && { head "$t/tshark"; fail "tshark finds bad frames in $p"; }
	done
	jumbo=$(tshark -r "$t/big6.pcap" -Y ipv6.opt.jumbo -T fields -e ipv6.opt.jumbo 2>/dev/null | wc -l)
	[ "$jumbo" -gt 0 ] || fail "tshark: no jumbo payload option in the BIG TCP replay"
	echo "tshark: every output read, $jumbo IPv6 jumbograms"
else
	echo "tshark not installed: Wireshark's reading not checked"
fi
echo "ipv6: ok"
