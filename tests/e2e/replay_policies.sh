#!/bin/sh
# tests/e2e/replay_policies.sh - every aggregation policy (paper, linux-gro,
# freebsd-lro, freebsd-lro-sorted, dpdk-gro; docs/ARCHITECTURE.md) over the real captures in
# tests/data: each output, reassembled by sequence number, is byte for byte
# what the receiving socket read (*.server.json); --policy all prints one
# row per policy; the paper's output does not change with the option.
set -eu
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
policies="paper linux-gro freebsd-lro freebsd-lro-sorted dpdk-gro"
check() {   # capture dst policy-file
	python3 tests/tools/pcap_flows.py "$3" "$2" --check "tests/data/$1.server.json" > "$t/flows" \
		|| { cat "$t/flows"; fail "$1 $3: output differs from the ground truth"; }
}
for name in dev-clean-2conn dev-loss-2conn dev-reorder-2conn dev-idle-1conn; do
	for pol in $policies; do
		"$NPUSIM" replay "tests/data/$name.pcap" -o "$t/$name.$pol.pcap" --policy $pol \
			--filter 'dst host 10.77.0.2' > "$t/summary" || fail "$name $pol: replay"
		grep -q "^policy: $pol;" "$t/summary" || fail "$name $pol: summary names no policy"
		check $name 10.77.0.2 "$t/$name.$pol.pcap"
	done
	# --policy all: one row per policy, and the outputs it writes are the same
	"$NPUSIM" replay "tests/data/$name.pcap" -o "$t/all.pcap" --policy all \
		--filter 'dst host 10.77.0.2' > "$t/table" || fail "$name: --policy all"
	for pol in $policies; do
		grep -q "^$pol " "$t/table" || { cat "$t/table"; fail "$name: no $pol row"; }
		cmp -s "$t/all.$pol.pcap" "$t/$name.$pol.pcap" || fail "$name $pol: --policy all wrote another output"
	done
	# the paper's engine is the default: the option changes nothing
	"$NPUSIM" replay "tests/data/$name.pcap" -o "$t/default.pcap" --filter 'dst host 10.77.0.2' \
		> /dev/null || fail "$name: default replay"
	cmp -s "$t/default.pcap" "$t/$name.paper.pcap" || fail "$name: --policy paper differs from the default"
done
for name in veth-1flow veth-4flow veth-8flow veth-loss-1flow veth-loss-4flow; do
	for pol in $policies; do
		"$NPUSIM" replay "tests/data/$name.pcap" -o "$t/$name.$pol.pcap" --policy $pol \
			--filter 'dst host 10.79.0.2' > /dev/null || fail "$name $pol: replay"
		check $name 10.79.0.2 "$t/$name.$pol.pcap"
	done
	# timer mode (gro_flush_timeout, DPDK's timer mode, FreeBSD's flush_inactive)
	for pol in linux-gro freebsd-lro freebsd-lro-sorted dpdk-gro; do
		"$NPUSIM" replay "tests/data/$name.pcap" -o "$t/$name.$pol.timer.pcap" --policy $pol \
			--flush-timeout-us 50 --filter 'dst host 10.79.0.2' > /dev/null \
			|| fail "$name $pol timer: replay"
		check $name 10.79.0.2 "$t/$name.$pol.timer.pcap"
	done
done
# IPv6 (tests/data/ipv6-2conn.pcap: reordering, duplicates, extension
# headers, bad checksums): every policy byte-exact; DPDK's GRO checks no
# checksum, so its output holds the corrupted frames untouched, which the
# receiver's TCP drops (--skip-bad-csum)
"$NPUSIM" replay tests/data/ipv6-2conn.pcap -o "$t/v6.pcap" --policy all \
	--filter 'ip6 dst host 2001:db8::2' > "$t/table6" || fail "IPv6: --policy all"
for pol in $policies; do
	grep -q "^$pol " "$t/table6" || { cat "$t/table6"; fail "IPv6: no $pol row"; }
	skip=
	[ $pol = dpdk-gro ] && skip=--skip-bad-csum
	python3 tests/tools/pcap_flows.py "$t/v6.$pol.pcap" 2001:db8::2 $skip \
		--check tests/data/ipv6-2conn.truth.json > "$t/flows" 2> "$t/flows.err" \
		|| { cat "$t/flows" "$t/flows.err"; fail "IPv6 $pol: output differs from the ground truth"; }
done
grep -q 'left out' "$t/flows.err" || fail "IPv6 dpdk-gro: the corrupted frames did not reach the host"
# the extension-header segments pass untouched under every policy, and
# FreeBSD's entries (which compare no TSval equality) merge
"$NPUSIM" replay tests/data/ipv6-2conn.pcap -o "$t/v6f.pcap" --policy freebsd-lro \
	--filter 'ip6 dst host 2001:db8::2' > "$t/summary6" || fail "IPv6 freebsd-lro"
grep -q 'ipv6-exthdr=6\( \|$\)' "$t/summary6" || fail "IPv6 freebsd-lro: extension headers not counted"
awk '$1 == "freebsd-lro" && $6 > 2 { ok = 1 } END { exit !ok }' "$t/table6" \
	|| { cat "$t/table6"; fail "IPv6 freebsd-lro: no aggregation"; }
# the reordering capture: the paper's reorder buffer hands the host its
# data in order; Linux GRO, with no reorder buffer, passes the reordering on
"$NPUSIM" replay tests/data/dev-reorder-2conn.pcap --policy all --json \
	--filter 'dst host 10.77.0.2' > "$t/all.json" || fail "--policy all --json"
python3 - "$t/all.json" <<'PY' || fail "reorder capture: out-of-order deliveries"
import json, sys
rows = {r['policy']: r for r in json.load(open(sys.argv[1]))['policies']}
assert set(rows) == {'paper', 'linux-gro', 'freebsd-lro', 'freebsd-lro-sorted', 'dpdk-gro'}, rows.keys()
assert rows['paper']['out_of_order'] == 0, rows['paper']
assert rows['linux-gro']['out_of_order'] > 0, rows['linux-gro']
assert rows['linux-gro']['flushes']['gap'] > 0, rows['linux-gro']
for r in rows.values():
    assert r['packets_in'] == rows['paper']['packets_in'], r
PY
# the scenario key lists the policies in the firmware's order (it stores
# the index): the same order as the rows of --policy all
"$NPUSIM" keys lro > "$t/keys" || fail "keys lro"
key_order=$(sed -n 's/^| `policy` | `paper` |  | \([^|]*\) |.*/\1/p' "$t/keys" | tr -d ' ')
row_order=$(awk 'NR > 1 { printf "%s%s", sep, $1; sep = "," }' "$t/table")
[ -n "$key_order" ] && [ "$key_order" = "$row_order" ] \
	|| fail "lro.policy lists '$key_order', the engine's order is '$row_order'"
"$NPUSIM" replay tests/data/veth-1flow.pcap -o "$t/x.pcap" --policy bsd 2> "$t/err" \
	&& fail "unknown policy accepted"
grep -q -- '--policy' "$t/err" || fail "unknown policy: message"
echo "replay_policies: ok"
