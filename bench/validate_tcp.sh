#!/bin/sh
# bench/validate_tcp.sh - npusim's TCP sender (bench/tcp_flow.c) against
# ns-3's TcpCubic with SACK (bench/ns3/tcp_flow.cc): one flow of 8 MiB, the
# same link, the same data segments dropped once; prints a table of fast
# retransmits, RTOs and completion times and checks them, then plots both
# cwnd traces of two cases side by side into docs/tcp-validation.png.
#
#   sh bench/validate_tcp.sh TCP_FLOW NS3_TCP_FLOW [PNG]
#
# Cases: npusim's fiber (10 Gbps, 50 ns) and a 100 Mbps link with 10 ms
# each way; one drop (segment 100) and four in one window (segments 100,
# 102, 104, 106), and on the slow link two drops in two windows (segments
# 100 and 600). Fast retransmits and RTOs must be equal on every case;
# completion within 10 % on the fiber. On the slow link the windows differ
# where Linux 2.6.32 differs from ns-3 (docs/CALIBRATION.md, "The TCP
# sender against ns-3"): the check there is fast retransmits and RTOs, the
# completion ratio is printed. Exit status 1 if a check fails.
set -e

if [ $# -lt 2 ]; then
	echo "usage: $0 TCP_FLOW NS3_TCP_FLOW [PNG]" >&2
	exit 2
fi
npusim=$1
ns3=$2
png=${3:-docs/tcp-validation.png}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

seg() { echo $(( $1 * 1448 + 1 )); }
one="$(seg 100)"
four="$(seg 100) $(seg 102) $(seg 104) $(seg 106)"
two="$(seg 100) $(seg 600)"
fiber="10000000000 50"
slow="100000000 10000000"
bytes=8388608

get() { awk -v k="$1" '$1 == "flow:" && $2 == k { print $3 }' "$2"; }

fail=0
printf '%-22s %9s %9s %7s %7s %11s %11s %7s %s\n' case "FR npusim" "FR ns-3" "RTO np" "RTO ns3" \
	"done npusim" "done ns-3" ratio check
for c in "fiber-1drop:$fiber:$one" "fiber-4drops:$fiber:$four" "slow-1drop:$slow:$one" \
	 "slow-4drops:$slow:$four" "slow-2windows:$slow:$two"; do
	name=${c%%:*}
	rest=${c#*:}
	link=${rest%%:*}
	drops=${rest#*:}
	"$npusim" --trace "$dir/$name.npusim" $link $bytes $drops > "$dir/$name.n"
	"$ns3" --trace "$dir/$name.ns3" $link $bytes $drops > "$dir/$name.s"
	fr_n=$(get fast_retransmits "$dir/$name.n"); fr_s=$(get fast_retransmits "$dir/$name.s")
	rto_n=$(get rto_timeouts "$dir/$name.n"); rto_s=$(get rto_timeouts "$dir/$name.s")
	t_n=$(get completion_s "$dir/$name.n"); t_s=$(get completion_s "$dir/$name.s")
	ratio=$(awk -v a="$t_n" -v b="$t_s" 'BEGIN { printf "%.3f", a / b }')
	ok=ok
	[ "$fr_n" = "$fr_s" ] && [ "$rto_n" = "$rto_s" ] || ok=FAIL
	case $name in
	fiber*) awk -v r="$ratio" 'BEGIN { exit !(r >= 0.9 && r <= 1.1) }' || ok=FAIL ;;
	*) [ $ok = ok ] && ok="ok (time: see CALIBRATION)" ;;
	esac
	case $ok in FAIL) fail=1 ;; esac
	printf '%-22s %9s %9s %7s %7s %11s %11s %7s %s\n' "$name" "$fr_n" "$fr_s" "$rto_n" "$rto_s" \
		"$t_n" "$t_s" "$ratio" "$ok"
done

gnuplot -e "
set terminal pngcairo size 1200,450 font ',10';
set output '$png';
set multiplot layout 1,2;
set xlabel 'time (s)'; set ylabel 'cwnd (segments)'; set key top left;
set title 'slow link (100 Mbps, 10 ms), one drop at segment 100';
plot '$dir/slow-1drop.npusim' using 1:2 with steps lw 2 title 'npusim (Linux 2.6.32 CUBIC)', \
     '$dir/slow-1drop.ns3' using 1:2 with steps lw 2 title 'ns-3 TcpCubic';
set title 'fiber (10 Gbps, 50 ns), four drops in one window';
plot '$dir/fiber-4drops.npusim' using 1:2 with steps lw 2 title 'npusim (Linux 2.6.32 CUBIC)', \
     '$dir/fiber-4drops.ns3' using 1:2 with steps lw 2 title 'ns-3 TcpCubic';
unset multiplot"
echo "validate: cwnd traces in $png"
[ $fail = 0 ] && echo "validate: ok" || echo "validate: FAILED"
exit $fail
