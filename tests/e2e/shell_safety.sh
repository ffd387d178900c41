#!/bin/sh
# tests/e2e/shell_safety.sh - names from scenario files and the command line
# never reach a shell: gnuplot gets an argument vector and its variables as
# quoted strings; [run] name is one folder; only regular files are read as
# scenarios; a failing gnuplot is an error.
# Needs $NPUSIM.
set -eu
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
root=$(pwd)
one="--set run.mode=lro --set run.connections=1 --quiet"

# a scenario name and an output folder that a shell would run
cat > "$t/evil.ini" <<'INI'
[run]
name = x'$(touch PWNED)'`touch PWNED2`
bytes_per_connection = 20KiB
INI
(cd "$t" && "$NPUSIM" run "$t/evil.ini" $one) || fail "run with a quoted name"
[ ! -e "$t/PWNED" ] && [ ! -e "$t/PWNED2" ] || fail "the scenario name ran a command"
dir="$t/results/x'\$(touch PWNED)'\`touch PWNED2\`"
[ -s "$dir/results.csv" ] || fail "results not under the name's folder: $(ls -R "$t/results")"
o="$t/o'\$(touch $t/PWNED3)'"
"$NPUSIM" run "$root/tests/data/tiny.ini" $one -o "$o" || fail "run into a quoted -o"
[ ! -e "$t/PWNED3" ] || fail "the output folder ran a command"
if command -v gnuplot > /dev/null; then
	# a complete PNG ends with its IEND chunk
	tail -c 8 "$o/throughput.png" | od -An -c | grep -q 'I   E   N   D' || fail "throughput.png"
	[ -s "$o/run-0/threads.png" ] || fail "run-0/threads.png"
fi

# [run] name is one folder of printable characters: file:line errors
bad_name() {
	printf '[run]\nmode = lro\nname = %s\n' "$1" > "$t/bad.ini"
	set +e
	"$NPUSIM" run "$t/bad.ini" -o "$t/never" --quiet 2> "$t/err"
	rc=$?
	set -e
	[ $rc -eq 2 ] || fail "name '$1': exit $rc"
	grep -q "bad.ini:3: run.name" "$t/err" || fail "name '$1': $(cat "$t/err")"
	[ ! -e "$t/never" ] || fail "name '$1': output written"
}
bad_name '../escape'
bad_name 'a/b'
bad_name '..'
bad_name "$(printf 'a\033[2Jb')"
printf '[run]\nname =\n' > "$t/empty.ini"
set +e
"$NPUSIM" run "$t/empty.ini" --dry-run 2> "$t/err"
rc=$?
set -e
[ $rc -eq 2 ] && grep -q 'empty.ini:2: run.name.*empty' "$t/err" || fail "empty name: $rc $(cat "$t/err")"
set +e
"$NPUSIM" run "$t/empty.ini" --set 'run.name=../x' --dry-run 2> "$t/err"
rc=$?
set -e
[ $rc -eq 2 ] || fail "--set run.name=../x: exit $rc"

# a folder or a device as the scenario: exit 2, nothing written
for bad in "$t" /dev/zero; do
	set +e
	(cd "$t" && "$NPUSIM" run "$bad" -o "$t/never" --quiet 2> "$t/err")
	rc=$?
	set -e
	[ $rc -eq 2 ] && grep -q 'not a scenario file' "$t/err" || fail "scenario $bad: exit $rc"
	[ ! -e "$t/never" ] || fail "scenario $bad: output written"
done

# a gnuplot failure is an error, and leaves no image behind
if command -v gnuplot > /dev/null; then
	mkdir "$t/plots"
	for f in "$root"/plots/*.gp; do cp "$f" "$t/plots/"; done
	printf "set terminal pngcairo\nset output out\nplot sin(x) with nonsense\n" > "$t/plots/throughput.gp"
	set +e
	NPUSIM_PLOTS="$t/plots" "$NPUSIM" plot "$o" > "$t/out" 2> "$t/err"
	rc=$?
	set -e
	[ $rc -eq 1 ] || fail "failing gnuplot: plot exit $rc"
	grep -q 'gnuplot failed on throughput.gp' "$t/err" || fail "failing gnuplot: $(cat "$t/err")"
	if grep -q 'plots in' "$t/err"; then fail "failing gnuplot: 'plots in' printed"; fi
	[ ! -e "$o/throughput.png" ] || fail "failing gnuplot left throughput.png"
	set +e
	NPUSIM_PLOTS="$t/plots" "$NPUSIM" run "$root/tests/data/tiny.ini" $one -o "$t/p" 2> "$t/err"
	rc=$?
	set -e
	[ $rc -eq 1 ] || fail "failing gnuplot: run exit $rc"
	set +e
	"$NPUSIM" plot "$t/nowhere" 2> "$t/err"
	rc=$?
	set -e
	[ $rc -eq 1 ] && grep -q 'nowhere' "$t/err" || fail "plot of a missing folder: $rc"
fi
echo "e2e shell_safety: ok"
