#!/bin/sh
# tests/e2e/sweeps.sh - a sweep cut into shards and merged gives the bytes
# one run of the whole sweep writes; merge refuses shards that do not
# belong together; --resume reruns only what is incomplete. Needs $NPUSIM.
set -eu
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
run() { "$NPUSIM" run tests/data/tiny.ini --quiet --no-plot "$@"; }
# summary.json without "provenance" and the merged one's "shards" (hosts, times)
same_summary() {
	python3 - "$1" "$2" <<'PY' || fail "summary.json of $2 differs from $1"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
# provenance says who ran it, where and when; a merge adds the shards'
assert len(b.pop("shards")) >= 1
a.pop("provenance"), b.pop("provenance")
assert a == b
PY
}

# repeats, so that a sweep point's runs straddle shards: 6 runs in 4 shards
set -- --set run.repeat=3 --set client.port_base=random --set run.mode=lro
run "$@" -o "$t/whole" -j 2
for k in 1 2 3 4; do run "$@" --shard $k/4 -o "$t/s$k"; done
[ ! -e "$t/s1/results.csv" ] || fail "a shard assembled results of its own"
"$NPUSIM" merge "$t/merged" "$t/s3" "$t/s1" "$t/s4" "$t/s2" --quiet --no-plot || fail "merge"
for f in results.csv points.csv run-4/threads.csv run-4/dma_requests.csv; do
	cmp "$t/whole/$f" "$t/merged/$f" || fail "merged $f differs from one run's"
done
same_summary "$t/whole/summary.json" "$t/merged/summary.json"
python3 - "$t/merged/summary.json" <<'PY' || fail "provenance of the shards"
import json, sys
s = json.load(open(sys.argv[1]))["shards"]
assert [x["shard"] for x in s] == [1, 2, 3, 4], s
assert [(x["first_run"], x["end_run"]) for x in s] == [(0, 1), (1, 3), (3, 4), (4, 6)], s
assert all(x["scenario"] == "tiny" and x["finished"] for x in s)
PY

# refusals: nothing is written, each problem named
refuse() {
	want=$1
	shift
	set +e
	"$NPUSIM" merge "$t/bad" "$@" --quiet --no-plot 2> "$t/err"
	rc=$?
	set -e
	[ $rc -eq 2 ] || fail "merge $*: exit $rc, expected 2"
	grep -q "$want" "$t/err" || fail "merge $*: expected '$want' in: $(cat "$t/err")"
	[ ! -e "$t/bad" ] || fail "merge $*: wrote output"
}
refuse "runs 1-2 missing (shard 2 of 4 not given)" "$t/s1" "$t/s3" "$t/s4"
refuse "run 3 is in both" "$t/s1" "$t/s2" "$t/s3" "$t/s3" "$t/s4"
run "$@" --set run.seed=7 --shard 2/4 -o "$t/other-seed"
refuse "differ in their settings" "$t/s1" "$t/other-seed" "$t/s3" "$t/s4"
run --shard 2/4 -o "$t/other-scenario"
refuse "differ in their" "$t/s1" "$t/other-scenario" "$t/s3" "$t/s4"
sed -i 's/"npusim_version": "[^"]*"/"npusim_version": "0.0-other"/' "$t/other-seed/sweep.json"
run "$@" --shard 2/4 -o "$t/other-version"
sed -i 's/"npusim_version": "[^"]*"/"npusim_version": "0.0-other"/' "$t/other-version/sweep.json"
refuse "differ in their npusim version" "$t/s1" "$t/other-version" "$t/s3" "$t/s4"
refuse "holds no sweep" "$t/s1" "$t/whole/run-1" "$t/s3" "$t/s4"
rm "$t/s2/run-2/result.json"
refuse "run 2 in $t/s2 is incomplete" "$t/s1" "$t/s2" "$t/s3" "$t/s4"

# --resume: a run interrupted by a kill (its part file missing, a temporary
# left) runs again; the complete ones are kept (their files untouched)
touch "$t/s2/run-2/result.csv.tmp.99999" "$t/s2/run-2/threads.csv.tmp.99999" "$t/s2/sweep.json.tmp.99999"
touch -d '2000-01-01' "$t/s2/run-1/result.csv"
"$NPUSIM" run tests/data/tiny.ini --no-plot "$@" --shard 2/4 -o "$t/s2" --resume 2> "$t/log" || fail "resume: $(cat "$t/log")"
grep -q '1 run(s) complete, 1 to run' "$t/log" || fail "resume: $(cat "$t/log")"
[ "$(stat -c %Y "$t/s2/run-1/result.csv")" -lt 1000000000 ] || fail "resume reran a complete run"
[ -z "$(find "$t/s2" -name "*.tmp.*")" ] || fail "resume left a temporary"
"$NPUSIM" merge "$t/merged2" "$t/s1" "$t/s2" "$t/s3" "$t/s4" --quiet --no-plot
cmp "$t/whole/results.csv" "$t/merged2/results.csv" || fail "resumed shard differs"
# the whole sweep: resume after a run's results were lost, same bytes
rm "$t/whole/run-5/result.csv" "$t/whole/results.csv"
run "$@" -o "$t/whole" -j 2 --resume || fail "resume of the whole sweep"
cmp "$t/merged/results.csv" "$t/whole/results.csv" || fail "resumed sweep differs"
cmp "$t/merged/points.csv" "$t/whole/points.csv" || fail "resumed points differ"
# resume refuses a folder of other settings
set +e
run "$@" --set run.seed=8 -o "$t/whole" --resume 2> "$t/err"
rc=$?
set -e
[ $rc -eq 2 ] && grep -q 'holds other settings' "$t/err" || fail "resume into other settings: $rc $(cat "$t/err")"

# npusim slurm: the scripts it writes, run by sh as Slurm would run them
# (each array task with its SLURM_ARRAY_TASK_ID), merge into the same bytes
"$NPUSIM" slurm tests/data/tiny.ini "$@" -o "$t/slurm" --shards 3 --max-parallel 2 \
	-- --partition=short -t 5 2> "$t/log" || fail "slurm: $(cat "$t/log")"
grep -q '^#SBATCH --array=1-3%2$' "$t/slurm/sweep.sbatch" || fail "array line"
grep -q '^#SBATCH --partition=short$' "$t/slurm/sweep.sbatch" || fail "sbatch options"
grep -q '^#SBATCH -t 5$' "$t/slurm/merge.sbatch" || fail "sbatch options of the merge job"
grep -q 'dependency=afterok:\$array' "$t/slurm/submit.sh" || fail "merge job's dependency"
for k in 1 2 3; do
	SLURM_ARRAY_TASK_ID=$k sh "$t/slurm/sweep.sbatch" 2> /dev/null || fail "array task $k"
done
sh "$t/slurm/merge.sbatch" 2> /dev/null || fail "merge job"
cmp "$t/whole/results.csv" "$t/slurm/results.csv" || fail "the Slurm scripts' results differ"
cmp "$t/whole/points.csv" "$t/slurm/points.csv" || fail "the Slurm scripts' points differ"
set +e
"$NPUSIM" slurm tests/data/tiny.ini --set run.nokey=1 -o "$t/slurm-bad" 2> "$t/err"
rc=$?
set -e
[ $rc -eq 2 ] && grep -q 'nokey' "$t/err" && [ ! -e "$t/slurm-bad/sweep.sbatch" ] \
	|| fail "slurm with a bad key: $rc $(cat "$t/err")"

# SIGTERM in the middle of a sweep: the interrupted run leaves no file,
# --resume completes the sweep with the bytes of an uninterrupted one.
# (SIGTERM, not SIGINT: a non-interactive shell starts a background job
# with SIGINT ignored; tests/e2e/interrupt.sh covers SIGINT.)
set -- --set run.bytes_per_connection=4MiB --set run.mode=lro
run "$@" -o "$t/big"
"$NPUSIM" run tests/data/tiny.ini --quiet --no-plot "$@" -o "$t/int" &
pid=$!
i=0
while [ ! -e "$t/int/run-0/result.json" ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done
kill -TERM $pid 2> /dev/null || true
set +e
wait $pid
rc=$?
set -e
[ $rc -eq 143 ] || [ $rc -eq 0 ] || fail "SIGTERM: exit $rc"
[ -z "$(find "$t/int" -name "*.tmp.*")" ] || fail "SIGTERM left a temporary"
run "$@" -o "$t/int" --resume || fail "resume after SIGTERM"
cmp "$t/big/results.csv" "$t/int/results.csv" || fail "resumed after SIGTERM: results differ"
echo "sweeps: ok"
