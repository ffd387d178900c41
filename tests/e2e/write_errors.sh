#!/bin/sh
# tests/e2e/write_errors.sh - a write that fails (a full disk, a file-size
# limit) gives a message naming the file, a non-zero exit, and no partial
# file under a final name: replay's capture, run's pcap taps, CSVs and
# results. Needs $NPUSIM. The full-disk part mounts a small tmpfs (root);
# where that is not allowed it is skipped with a message, and the file-size
# limit (RLIMIT_FSIZE, any user) still runs.
set -eu
t=$(mktemp -d)
mnt=""
cleanup() {
	[ -z "$mnt" ] || umount "$mnt" 2> /dev/null || true
	rm -rf "$t"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
root=$(pwd)
# no temporary (NAME.tmp.PID) left anywhere under $1
no_tmp() {
	left=$(find "$1" -name '*.tmp*')
	[ -z "$left" ] || fail "$2: temporaries left: $left"
}
small="--set run.mode=lro --set run.connections=80 --set run.bytes_per_connection=20KiB --quiet --no-plot"

# 1. every file larger than 1-2 KB fails to grow (EFBIG; SIGXFSZ ignored,
#    as a shell's trap '' leaves it across exec)
mkdir "$t/lim"
set +e
(trap '' XFSZ; ulimit -f 2; "$NPUSIM" replay "$root/tests/data/dev-clean-2conn.pcap" \
	-o "$t/lim/out.pcap" > /dev/null 2> "$t/err")
rc=$?
set -e
[ $rc -eq 1 ] || fail "replay past the file-size limit: exit $rc"
grep -q "cannot write $t/lim/out.pcap" "$t/err" || fail "replay message: $(cat "$t/err")"
[ ! -e "$t/lim/out.pcap" ] || fail "replay left a truncated out.pcap"
no_tmp "$t/lim" replay
set +e
(trap '' XFSZ; ulimit -f 2; "$NPUSIM" run "$root/tests/data/tiny.ini" $small \
	--set trace.pcap=on -o "$t/lim/run" 2> "$t/err")
rc=$?
set -e
[ $rc -eq 1 ] || fail "run past the file-size limit: exit $rc"
for f in connections.csv wire.pcap host.pcap dma_requests.csv; do
	grep -q "cannot write $t/lim/run/run-0/$f" "$t/err" || fail "run: $f not named: $(cat "$t/err")"
	[ ! -e "$t/lim/run/run-0/$f" ] || fail "run: a truncated run-0/$f"
done
[ ! -e "$t/lim/run/results.csv" ] || fail "run: results.csv written for a failed run"
no_tmp "$t/lim" run

# 2. a full file system
mkdir "$t/full"
if [ "$(id -u)" -eq 0 ] && mount -t tmpfs -o size=256k npusim-test "$t/full" 2> /dev/null; then
	mnt="$t/full"
	set +e
	"$NPUSIM" replay "$root/tests/data/dev-clean-2conn.pcap" -o "$t/full/out.pcap" \
		> /dev/null 2> "$t/err"
	rc=$?
	set -e
	[ $rc -eq 1 ] || fail "replay onto a full disk: exit $rc"
	grep -q 'No space left' "$t/err" || fail "replay onto a full disk: $(cat "$t/err")"
	[ ! -e "$t/full/out.pcap" ] || fail "replay left a truncated capture on a full disk"
	no_tmp "$t/full" "replay, full disk"
	set +e
	"$NPUSIM" run "$root/tests/data/tiny.ini" $small --set trace.pcap=on -o "$t/full/run" 2> "$t/err"
	rc=$?
	set -e
	[ $rc -eq 1 ] || fail "run onto a full disk: exit $rc"
	grep -q 'wire.pcap: No space left' "$t/err" || fail "run onto a full disk: $(cat "$t/err")"
	[ ! -e "$t/full/run/run-0/wire.pcap" ] || fail "run left a truncated wire.pcap"
	no_tmp "$t/full" "run, full disk"
else
	echo "e2e write_errors: full-disk part skipped (mounting a tmpfs needs root and a permitting sandbox)"
fi

# 3. an output that is not a regular file is refused, never replaced
set +e
"$NPUSIM" replay "$root/tests/data/dev-idle-1conn.pcap" -o /dev/null > /dev/null 2> "$t/err"
rc=$?
set -e
[ $rc -eq 1 ] && [ -c /dev/null ] || fail "replay -o /dev/null: exit $rc"
echo "e2e write_errors: ok"
