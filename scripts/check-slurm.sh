#!/bin/sh
# scripts/check-slurm.sh NPUSIM - `npusim slurm` against a real Slurm: a
# one-node cluster on this machine (munged, slurmctld, slurmd started here
# with their configuration, keys, state and logs in a temporary folder) runs
# a 12-run sweep as a job array of 4 shards and the merge job; the merged
# results.csv and points.csv must be the bytes of a local `-j 2` run. The
# daemons are stopped and the folder removed however the check ends.
# Needs root (it starts the daemons; installs slurm-wlm's daemons and munge
# with scripts/deps.sh when missing).
set -eu
npusim=$(realpath "$1")
cd "$(dirname "$0")/.."
if [ "$(id -u)" -ne 0 ]; then
	echo "check-slurm: needs root (it starts munged, slurmctld and slurmd)" >&2
	exit 1
fi
scripts/deps.sh slurm
start=$(date +%s)
tmp=$(mktemp -d /tmp/npusim-slurm.XXXXXX)
chmod 700 "$tmp"
export SLURM_CONF="$tmp/slurm.conf"

daemon_pids() {
	for d in slurmd slurmctld munged; do
		[ -s "$tmp/$d.pid" ] && cat "$tmp/$d.pid"
	done
	return 0
}
cleanup() {
	rc=$?
	set +e
	trap - EXIT INT TERM HUP
	if [ -s "$tmp/slurmctld.pid" ]; then
		scancel --quiet --full $(cat "$tmp/jobs" 2> /dev/null) 2> /dev/null
		i=0
		while [ -n "$(squeue -h 2> /dev/null)" ] && [ $i -lt 50 ]; do sleep 0.2; i=$((i + 1)); done
	fi
	pids=$(daemon_pids)
	[ -n "$pids" ] && kill $pids 2> /dev/null
	i=0
	while [ $i -lt 100 ]; do
		alive=""
		for p in $pids; do kill -0 "$p" 2> /dev/null && alive="$alive $p"; done
		[ -z "$alive" ] && break
		sleep 0.1
		i=$((i + 1))
	done
	[ -n "$alive" ] && kill -9 $alive 2> /dev/null
	if [ $rc -ne 0 ]; then
		for log in "$tmp"/*.log "$tmp"/sweep/logs/*.log; do
			[ -f "$log" ] && { echo "--- $log"; tail -20 "$log"; }
		done >&2
		echo "check-slurm: FAILED" >&2
	fi
	rm -rf "$tmp"
	exit $rc
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
fail() { echo "check-slurm: $*" >&2; exit 1; }

# munge: its own key and socket
mungekey --create --keyfile="$tmp/munge.key" 2> /dev/null
chmod 600 "$tmp/munge.key"
munged --force --key-file="$tmp/munge.key" --socket="$tmp/munge.sock" \
	--pid-file="$tmp/munged.pid" --log-file="$tmp/munged.log" --seed-file="$tmp/munged.seed"

# one node, this machine, 2 CPUs; ports from this shell's pid so that two
# checks do not meet
host=$(hostname -s)
port=$((20000 + $$ % 20000))
mkdir -p "$tmp/state" "$tmp/spool"
cat > "$SLURM_CONF" <<CONF
ClusterName=npusim-check
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$tmp/munge.sock
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/slurmctld.log
SlurmdLogFile=$tmp/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SwitchType=switch/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
SlurmdParameters=config_overrides
NodeName=$host NodeAddr=127.0.0.1 CPUs=2 State=UNKNOWN
PartitionName=check Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
slurmctld -c -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF"
i=0
until sinfo -h -o %T 2> /dev/null | grep -q '^idle'; do
	i=$((i + 1))
	[ $i -lt 150 ] || fail "the node did not come up: $(sinfo 2>&1)"
	sleep 0.2
done

# the sweep: 4 points x 3 repeats = 12 runs, 4 shards, 2 at a time
sweep="tests/data/tiny.ini --set run.repeat=3 --set client.port_base=random"
"$npusim" slurm $sweep -o "$tmp/sweep" --shards 4 --max-parallel 2 --submit \
	-- --time=10 > "$tmp/submitted" || fail "npusim slurm --submit"
cat "$tmp/submitted"
array=$(sed -n 's/^array job \([0-9]*\).*/\1/p' "$tmp/submitted")
merge=$(sed -n 's/.*merge job \([0-9]*\).*/\1/p' "$tmp/submitted")
[ -n "$array" ] && [ -n "$merge" ] || fail "no job ids in: $(cat "$tmp/submitted")"
echo "$array $merge" > "$tmp/jobs"
"$npusim" run $sweep -o "$tmp/local" -j 2 --quiet --no-plot
i=0
while [ -n "$(squeue -h -j "$array,$merge" 2> /dev/null)" ]; do
	i=$((i + 1))
	[ $i -lt 600 ] || fail "jobs still queued after 120 s: $(squeue)"
	sleep 0.2
done
state=$(scontrol show job "$merge" | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p')
[ "$state" = COMPLETED ] || fail "merge job $merge: $state"
for k in 1 2 3 4; do
	[ -f "$tmp/sweep/shard-$k/sweep.json" ] || fail "shard $k did not run"
done
cmp "$tmp/local/results.csv" "$tmp/sweep/results.csv" || fail "merged results.csv differs from the local -j 2 run"
cmp "$tmp/local/points.csv" "$tmp/sweep/points.csv" || fail "merged points.csv differs"
grep -q '"shards": \[' "$tmp/sweep/summary.json" || fail "no shard provenance in summary.json"
echo "check-slurm: ok: 12 runs as a 4-task job array and its merge job, merged bytes equal the local -j 2 run ($(($(date +%s) - start)) s)"
