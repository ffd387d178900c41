#!/bin/sh
# bench/vs_ns3.sh - npusim's whole-simulator bench and the ns-3 program on
# the same traffic, and the ratio of their data packets per wall second
# (npusim / ns-3). npusim runs before and after ns-3 and its figure is the
# mean of the two: on a machine whose load drifts, both programs then see
# about the same load on average.
#
#   sh bench/vs_ns3.sh SIM_BENCH NS3_BENCH [NPUSIM_SECONDS] [NS3_SECONDS]
#
# SIM_BENCH is build/bench/sim (bench/sim.c), NS3_BENCH build/bench/ns3_tcp_bulk
# (bench/ns3/tcp_bulk.cc); simulated seconds 0.5 and 1 unless given. Both
# print "bench: name value unit" lines (medians of 3 runs); they are passed
# on, then "bench: npusim_vs_ns3_data_packets <ratio> x" (per wall second)
# and the same ratio per CPU second.
set -e

if [ $# -lt 2 ]; then
	echo "usage: $0 SIM_BENCH NS3_BENCH [NPUSIM_SECONDS] [NS3_SECONDS]" >&2
	exit 2
fi
sim_bench=$1
ns3_bench=$2
sim_seconds=${3:-0.5}
ns3_seconds=${4:-1}

out=$(mktemp)
trap 'rm -f "$out"' EXIT

# Wall-clock figures: other processes on the machine slow both programs
# down, not necessarily alike (docs/PERFORMANCE.md).
loadavg() {
	if [ -r /proc/loadavg ]; then
		awk -v w="$1" '{ print "bench: load_average_1min " $1 " (before " w ")" }' /proc/loadavg
	fi
}

# npusim's bench; its figures per wall and per CPU second in npusim_*_last
run_npusim() {
	loadavg "npusim's runs"
	"$sim_bench" "$sim_seconds" > "$out"
	cat "$out"
	npusim_wall_last=$(awk '$1 == "bench:" && $2 == "data_packets_per_wall_s" { print $3 }' "$out")
	npusim_cpu_last=$(awk '$1 == "bench:" && $2 == "data_packets_per_cpu_s" { print $3 }' "$out")
}

run_npusim
npusim1=$npusim_wall_last
npusim1_cpu=$npusim_cpu_last

loadavg "ns-3's runs"
"$ns3_bench" "$ns3_seconds" > "$out"
cat "$out"
ns3=$(awk '$1 == "bench:" && $2 == "ns3_data_packets_per_wall_s" { print $3 }' "$out")
ns3_cpu=$(awk '$1 == "bench:" && $2 == "ns3_data_packets_per_cpu_s" { print $3 }' "$out")

run_npusim
npusim=$(awk -v a="$npusim1" -v b="$npusim_wall_last" 'BEGIN { if (a != "" && b != "") printf "%.0f", (a + b) / 2 }')
npusim_cpu=$(awk -v a="$npusim1_cpu" -v b="$npusim_cpu_last" 'BEGIN { if (a != "" && b != "") printf "%.0f", (a + b) / 2 }')
echo "bench: npusim_data_packets_per_wall_s_mean $npusim packets/s (before and after ns-3: $npusim1, $npusim_wall_last)"

if [ -z "$npusim" ] || [ -z "$ns3" ]; then
	echo "vs_ns3: a data_packets_per_wall_s line is missing" >&2
	exit 1
fi
awk -v a="$npusim" -v b="$ns3" 'BEGIN { printf "bench: npusim_vs_ns3_data_packets %.2f x\n", a / b }'
if [ -n "$npusim_cpu" ] && [ -n "$ns3_cpu" ]; then
	awk -v a="$npusim_cpu" -v b="$ns3_cpu" \
		'BEGIN { printf "bench: npusim_vs_ns3_data_packets_cpu %.2f x (per CPU second)\n", a / b }'
fi
