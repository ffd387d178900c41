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
