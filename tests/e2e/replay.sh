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
