#!/bin/sh
# scripts/deps.sh [capture|slurm|bench] - make sure the Debian packages npusim needs are
# installed (with `capture`: also what remaking the veth captures takes; with `slurm`:
# only those `make check-slurm` needs; with `bench`, or NPUSIM_BENCH_DEPS=1 in the
# environment: also what `make bench`'s comparisons run against). As root: installs what is missing with apt-get
# (after one apt-get update).
# Otherwise: prints the exact command to run and fails.
set -eu

# Needed to build and test.
required="build-essential pkg-config libpcap-dev check gnuplot-nox python3"
# The firmware's portability proof (big-endian MIPS64 under qemu-user) and
# the pcap checks (tshark) are part of `make check` too.
required="$required gcc-mips64-linux-gnuabi64 libc6-dev-mips64-cross qemu-user tshark"
# The fuzzing harnesses (mk/fuzz.mk, also part of `make check`): clang with
# libFuzzer and the sanitizer runtimes.
required="$required clang libclang-rt-14-dev"
# `scripts/deps.sh capture`: also what remaking the veth captures of
# tests/data takes (tests/tools/veth_captures.sh, as root) and the DPDK GRO
# column of `make timeout-rules`.
if [ "${1:-}" = capture ]; then
	required="$required iproute2 ethtool tcpdump nftables dpdk-dev"
fi

# `scripts/deps.sh bench` (what `make bench` runs): the comparisons' other
# programs - ns-3 (bench-ns3, validate), DPDK's GRO library (bench-dpdk-gro) -
# and perf for the profiles of docs/PERFORMANCE.md. Without them those
# targets would print "skipped" instead of their figures.
if [ "${1:-}" = bench ] || [ "${NPUSIM_BENCH_DEPS:-0}" = 1 ]; then
	required="$required libns3-dev dpdk-dev linux-perf"
fi

# `make check-slurm`: a real Slurm (controller, node daemon, sbatch) and its
# authentication daemon
if [ "${1:-}" = slurm ]; then
	required="slurmctld slurmd slurm-client munge"
fi

missing=""
for p in $required; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$status" in
	*"ok installed"*) ;;
	*) missing="$missing $p" ;;
	esac
done

[ -z "$missing" ] && exit 0

echo "deps: missing Debian packages:$missing" >&2
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: run as root: apt-get update && apt-get install -y$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends $missing
