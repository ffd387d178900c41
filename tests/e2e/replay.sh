#!/bin/sh
# tests/e2e/replay.sh - `npusim replay` over real Linux captures: the output
# has valid checksums and every flow, reassembled by sequence number, is
# byte for byte what the receiving socket read (tests/data/*.server.json).
set -eu
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
for name in dev-clean-2conn dev-loss-2conn dev-reorder-2conn dev-idle-1conn; do
	for mode in lro nic; do
		"$NPUSIM" replay "tests/data/$name.pcap" -o "$t/$name.$mode.pcap" --mode $mode \
			--filter 'dst host 10.77.0.2' > "$t/summary" || fail "$name $mode: replay"
		python3 tests/tools/pcap_flows.py "$t/$name.$mode.pcap" 10.77.0.2 \
			--check "tests/data/$name.server.json" > "$t/flows" \
			|| { cat "$t/flows"; fail "$name $mode: output differs from the ground truth"; }
	done
	grep -q '^aggregation ratio' "$t/summary" || fail "summary"
done
# the veth captures (a software sender's bursts; tests/tools/veth_capture.py)
# under every receive-timeout rule: byte-exact, and the gap rule merges at
# least as many segments per aggregate as the receiver's Linux GRO did
for name in veth-1flow veth-4flow veth-8flow veth-loss-1flow veth-loss-4flow; do
	for rule in paper floor gap; do
		"$NPUSIM" replay "tests/data/$name.pcap" -o "$t/$name.$rule.pcap" --timeout-rule $rule \
			--filter 'dst host 10.79.0.2' > "$t/summary" || fail "$name $rule: replay"
		python3 tests/tools/pcap_flows.py "$t/$name.$rule.pcap" 10.79.0.2 \
			--check "tests/data/$name.server.json" > "$t/flows" \
			|| { cat "$t/flows"; fail "$name $rule: output differs from the ground truth"; }
		grep -q '^hold time: median' "$t/summary" || fail "$name $rule: no hold times"
	done
	python3 - "$t/summary" "tests/data/$name.meta.json" <<'PY' || fail "$name: gap below Linux GRO"
import json, re, sys
ratio = float(re.search(r'aggregation ratio: ([0-9.]+)', open(sys.argv[1]).read()).group(1))
gro = json.load(open(sys.argv[2]))['gro']['segments_per_aggregate']
sys.exit(0 if ratio >= gro else 'gap %.2f < GRO %.2f' % (ratio, gro))
PY
done
"$NPUSIM" replay tests/data/veth-1flow.pcap -o "$t/x.pcap" --timeout-rule never 2> "$t/err" \
	&& fail "unknown timeout rule accepted"
grep -q 'timeout-rule' "$t/err" || fail "unknown timeout rule: message"

# a synthetic capture of the hard cases: sequence wrap, reordering, duplicates,
# partial-overlap retransmissions, bad checksums, pure ACKs, idle, FIN
python3 tests/tools/gen_capture.py "$t/gen.pcap" "$t/gen.json"
for mode in lro nic; do
	"$NPUSIM" replay "$t/gen.pcap" -o "$t/gen.$mode.pcap" --mode $mode > "$t/summary" \
		|| fail "generated capture, $mode: replay"
	grep -q 'bad-tcp-csum=[1-9]' "$t/summary" || fail "generated capture: bad checksums not dropped"
	python3 tests/tools/pcap_flows.py "$t/gen.$mode.pcap" 10.0.0.2 --check "$t/gen.json" > "$t/flows" \
		|| { cat "$t/flows"; fail "generated capture, $mode: output differs from the stream"; }
done

# the idle capture's data reaches the host through the receive timeout
"$NPUSIM" replay tests/data/dev-idle-1conn.pcap -o "$t/idle.pcap" --filter 'dst host 10.77.0.2' \
	| grep -q 'timeout=[1-9]' || fail "idle capture: no timeout flush"
# crafted captures of odd traffic (tests/tools/gen_odd.py): urgent data,
# unknown and malformed TCP options, IP options, an IP fragment, data without
# ACK, a retransmitted SYN mid-flow, a gap filled past the hold limit, a flow
# holding only out-of-order data through an idle second: nothing is lost
for name in urg tcp-option odd-option ip-options fragment no-ack syn-retransmit late-fill \
	ooo-idle idle-hold; do
	"$NPUSIM" replay "tests/data/odd/$name.pcap" -o "$t/odd.pcap" > "$t/summary" \
		|| fail "$name: replay"
	python3 tests/tools/pcap_flows.py "$t/odd.pcap" 10.0.0.2 \
		--check "tests/data/odd/$name.server.json" > "$t/flows" \
		|| { cat "$t/flows"; fail "$name: output differs from the stream"; }
done
# the out-of-order data goes to the host at its timeout, before the
# gap's filling a second later
"$NPUSIM" replay tests/data/odd/ooo-idle.pcap -o "$t/ooo.pcap" > /dev/null
python3 tests/tools/pcap_times.py "$t/ooo.pcap" > "$t/times"
awk '$4 > 0 && $1 < 0.001 { n++ } END { exit !(n == 2) }' "$t/times" \
	|| { cat "$t/times"; fail "ooo-idle: held data did not time out"; }
# inputs: 802.1Q and QinQ tags, Linux cooked (SLL, SLL2) and raw-IP link
# types, 9000-byte jumbo frames: every byte through, the tags counted
for name in vlan qinq sll sll2 raw jumbo; do
	"$NPUSIM" replay "tests/data/odd/$name.pcap" -o "$t/in.pcap" > "$t/summary" \
		|| fail "$name: replay"
	python3 tests/tools/pcap_flows.py "$t/in.pcap" 10.0.0.2 \
		--check "tests/data/odd/$name.server.json" > "$t/flows" \
		|| { cat "$t/flows"; fail "$name: output differs from the stream"; }
done
"$NPUSIM" replay tests/data/odd/qinq.pcap -o "$t/in.pcap" | grep -q '^input: 43 VLAN-tagged' \
	|| fail "qinq: tagged frames not counted"
"$NPUSIM" replay tests/data/odd/jumbo.pcap -o "$t/in.pcap" --json > "$t/json"
python3 -c 'import json, sys; j = json.load(open(sys.argv[1]))
assert j["jumbo"] == 40 and j["pass_through"]["jumbo"] == 40, j
assert j["flows"][0]["payload_out"] == 357920, j["flows"]' "$t/json" || fail "jumbo: --json"
# the default filter takes every TCP segment, IPv6 ones behind a hop-by-hop
# or destination-options header too (ipv6-2conn.pcap holds 6), and leaves
# non-TCP traffic out, counted: the capture plus UDP over IPv6 (one behind a
# hop-by-hop header), UDP over IPv4 and an ARP frame
python3 - tests/data/ipv6-2conn.pcap "$t/mixed6.pcap" <<'PY'
import struct, sys
data = open(sys.argv[1], 'rb').read()
mac = b'\x02' * 6 + b'\x04' * 6
src, dst = bytes.fromhex('20010db8' + '00' * 11 + '01'), bytes.fromhex('20010db8' + '00' * 11 + '02')
udp = struct.pack('!HHHH', 53, 53, 12, 0) + b'abcd'
hbh = bytes([17, 0, 1, 4, 0, 0, 0, 0])
frames = [
    mac + b'\x86\xdd' + struct.pack('!IHBB', 6 << 28, len(udp), 17, 64) + src + dst + udp,
    mac + b'\x86\xdd' + struct.pack('!IHBB', 6 << 28, 8 + len(udp), 0, 64) + src + dst + hbh + udp,
    mac + b'\x08\x00' + struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(udp), 0, 0x4000, 64, 17, 0,
                                      bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2])) + udp,
    b'\xff' * 6 + b'\x04' * 6 + b'\x08\x06' + bytes(28),
]
with open(sys.argv[2], 'wb') as f:
    f.write(data)
    for fr in frames:
        f.write(struct.pack('<IIII', 100, 0, len(fr), len(fr)) + fr)
PY
"$NPUSIM" replay "$t/mixed6.pcap" -o "$t/mixed6.out.pcap" > "$t/summary" || fail "default filter: replay"
grep -q '^not processed: filtered=4 ' "$t/summary" || { head -3 "$t/summary"; fail "default filter: non-TCP frames not left out"; }
grep -q 'ipv6-exthdr=6\( \|$\)' "$t/summary" || fail "default filter: extension-header segments not taken"
python3 tests/tools/pcap_flows.py "$t/mixed6.out.pcap" 2001:db8::2 \
	--check tests/data/ipv6-2conn.truth.json > "$t/flows" \
	|| { cat "$t/flows"; fail "default filter: output differs from the ground truth"; }
# libpcap's "tcp" reads only the fixed header: those segments would be missing
"$NPUSIM" replay "$t/mixed6.pcap" -o "$t/tcp6.pcap" --filter tcp > "$t/summary" || fail "--filter tcp"
grep -q '^not processed: filtered=10 ' "$t/summary" || { head -3 "$t/summary"; fail "--filter tcp: expected 10 left out"; }
"$NPUSIM" replay --help 2>&1 | grep -q 'protochain' || fail "replay --help: the default filter"
# frames the filter leaves out are counted
"$NPUSIM" replay tests/data/dev-loss-2conn.pcap -o "$t/in.pcap" --filter 'dst host 10.77.0.2' \
	| grep -q '^not processed: filtered=[1-9]' || fail "filtered frames not counted"
# a sender-side capture (TCP checksum 0 or the pseudo header's sum): said,
# exit 1; --no-verify-csum fills the checksums in and loses nothing
for name in csum-zero csum-partial; do
	set +e
	"$NPUSIM" replay "tests/data/odd/$name.pcap" -o "$t/in.pcap" > /dev/null 2> "$t/err"
	rc=$?
	set -e
	[ $rc -eq 1 ] || fail "$name: status $rc"
	grep -q 'no-verify-csum' "$t/err" || fail "$name: no word of checksum offload"
	"$NPUSIM" replay "tests/data/odd/$name.pcap" -o "$t/in.pcap" --no-verify-csum > /dev/null \
		|| fail "$name --no-verify-csum: replay"
	python3 tests/tools/pcap_flows.py "$t/in.pcap" 10.0.0.2 \
		--check "tests/data/odd/$name.server.json" > "$t/flows" \
		|| { cat "$t/flows"; fail "$name --no-verify-csum: output differs from the stream"; }
done
# a capture cut mid-record: the good packets are replayed, a warning, exit 1
set +e
"$NPUSIM" replay tests/data/odd/cut.pcap -o "$t/cut.pcap" > /dev/null 2> "$t/err"
rc=$?
set -e
[ $rc -eq 1 ] || fail "cut capture: status $rc"
grep -q 'packet 43' "$t/err" || fail "cut capture: no warning"
python3 tests/tools/pcap_flows.py "$t/cut.pcap" 10.0.0.2 --check tests/data/odd/cut.server.json \
	> "$t/flows" || { cat "$t/flows"; fail "cut capture: good packets lost"; }
# receive timeouts run in capture time: ten segments then a second of
# silence; the aggregate is written when the timeout scan finds it (within
# a millisecond), not with the FIN a second later
"$NPUSIM" replay tests/data/odd/idle-hold.pcap -o "$t/idle-hold.pcap" > "$t/summary" \
	|| fail "idle-hold: replay"
python3 tests/tools/pcap_times.py "$t/idle-hold.pcap" > "$t/times"
awk '$4 > 0 { n++; if ($1 > 0.001) late = 1 } END { exit !(n == 1 && !late) }' "$t/times" \
	|| { cat "$t/times"; fail "idle-hold: the aggregate is not stamped with its timeout time"; }
# bad input: a clear error, status 2, no output file
printf 'not a capture' > "$t/bad.pcap"
set +e
"$NPUSIM" replay "$t/bad.pcap" -o "$t/never.pcap" 2> "$t/err"
rc=$?
set -e
[ $rc -eq 2 ] || fail "bad capture: status $rc"
grep -q 'bad.pcap' "$t/err" || fail "bad capture: message"
[ ! -e "$t/never.pcap" ] || fail "output written for a bad capture"
echo "e2e replay: ok"
