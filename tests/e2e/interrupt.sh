#!/bin/sh
# tests/e2e/interrupt.sh - SIGINT/SIGTERM leave no temporaries (replay's
# OUT.pcap.tmp.PID, run's NAME.tmp.PID files; the result files of the runs
# that completed stay, whole, for --resume: tests/e2e/sweeps.sh), say so and
# exit 130/143; -j workers die with their parent; a second run into the same
# folder is refused while the first holds it. Needs $NPUSIM and python3.
set -eu
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
root=$(pwd)
export NPUSIM root t
# long: 2 x 2 runs, the 16-connection ones take seconds
long="$root/tests/data/tiny.ini --set run.connections=1,16 --set run.bytes_per_connection=16MiB --no-plot --quiet"
export long

python3 - <<'PY' || fail "signals"
import glob, os, signal, subprocess, sys, time
npusim, root, t, long = (os.environ[k] for k in ("NPUSIM", "root", "t", "long"))

# The runs under test get SIGINT and SIGTERM as a terminal would deliver
# them: a shell that started this test in the background (nohup, `&` in a
# non-interactive shell) hands its children SIGINT ignored, which npusim
# rightly keeps ignored, and the test would see a run finish instead.
def default_signals():
    for s in (signal.SIGINT, signal.SIGTERM):
        signal.signal(s, signal.SIG_DFL)

def start(args, **kw):
    return subprocess.Popen(args, preexec_fn=default_signals, **kw)

def wait_for(pred, what, timeout=300):
    end = time.time() + timeout
    while time.time() < end:
        if pred():
            return
        time.sleep(0.02)
    sys.exit(f"timed out waiting for {what}")

def leftovers(d):
    return [p for p in glob.glob(f"{d}/**/*", recursive=True) + glob.glob(f"{d}/**/.*", recursive=True)
            if ".tmp" in p]

def interrupted(proc, sig, d, what):
    _, err = proc.communicate(timeout=120)
    # died of the signal: a shell shows 128 + signal (130, 143)
    assert proc.returncode == -sig, f"{what}: status {proc.returncode}: {err}"
    assert b"interrupted" in err, f"{what}: no message: {err}"
    left = leftovers(d)
    assert not left, f"{what}: left {left}"

# run, serial: interrupted after the first run's result is written
for sig in (signal.SIGINT, signal.SIGTERM):
    d = f"{t}/serial{sig}"
    p = start([npusim, "run", *long.split(), "-o", d, "-j", "1"], stderr=subprocess.PIPE)
    wait_for(lambda: os.path.exists(f"{d}/run-0/result.csv"), "the first run")
    p.send_signal(sig)
    interrupted(p, sig, d, f"serial run, signal {sig}")
    assert not os.path.exists(f"{d}/results.csv")
    # the completed run's result is whole; the interrupted one has none
    assert open(f"{d}/run-0/result.csv").read().endswith("\n")
    assert not os.path.exists(f"{d}/run-1/result.csv")

# run -j 2: the workers stop too, and leave nothing
d = f"{t}/par"
p = start([npusim, "run", *long.split(), "-o", d, "-j", "2"], stderr=subprocess.PIPE)
wait_for(lambda: os.path.exists(f"{d}/run-1"), "the workers")
kids = [int(x) for x in subprocess.run(["ps", "-o", "pid=", "--ppid", str(p.pid)],
        capture_output=True, text=True).stdout.split()]
assert kids, "no worker found"
p.send_signal(signal.SIGINT)
interrupted(p, signal.SIGINT, d, "run -j 2")
for k in kids:
    assert not os.path.exists(f"/proc/{k}") or open(f"/proc/{k}/stat").read().split()[2] == "Z", \
        f"worker {k} outlived the parent"

# run -j 2, parent killed outright: the workers die with it (PDEATHSIG)
d = f"{t}/kill"
p = start([npusim, "run", *long.split(), "-o", d, "-j", "2"], stderr=subprocess.DEVNULL)
wait_for(lambda: os.path.exists(f"{d}/run-1"), "the workers")
kids = [int(x) for x in subprocess.run(["ps", "-o", "pid=", "--ppid", str(p.pid)],
        capture_output=True, text=True).stdout.split()]
assert kids
p.send_signal(signal.SIGKILL)
p.wait()
wait_for(lambda: not any(os.path.exists(f"/proc/{k}") and
                         open(f"/proc/{k}/stat").read().split()[2] != "Z" for k in kids),
         "the workers to die with their parent", timeout=60)
left = leftovers(d)
assert not left, f"killed workers left {left}"
# a new run into that folder (no --resume) removes the results the killed
# one left, none passes for one of its own (a smaller sweep: --force lets
# it remove the larger one's run folders)
r = subprocess.run([npusim, "run", f"{root}/tests/data/tiny.ini", "--set", "run.mode=lro",
                    "--set", "run.connections=1", "--quiet", "--no-plot", "--force", "-o", d])
assert r.returncode == 0 and not leftovers(d), leftovers(d)
assert not glob.glob(f"{d}/run-[1-9]*"), glob.glob(f"{d}/run-*")

# a second run into a folder in use is refused, the first one unharmed;
# run-2/ and run-3/ stand for a larger sweep's folders, which a smaller
# sweep with --force would remove: refused before it touches the folder
d = f"{t}/lock"
for k in (2, 3):
    os.makedirs(f"{d}/run-{k}")
    open(f"{d}/run-{k}/marker", "w").close()
p = start([npusim, "run", *long.split(), "-o", d, "-j", "1"], stderr=subprocess.PIPE)
wait_for(lambda: os.path.exists(f"{d}/run-0"), "the first run")
r = subprocess.run([npusim, "run", f"{root}/tests/data/tiny.ini", "--quiet", "--no-plot", "-o", d],
                   capture_output=True, text=True)
assert r.returncode == 1, r
assert f"in use by another npusim run (pid {p.pid})" in r.stderr, r.stderr
r = subprocess.run([npusim, "run", f"{root}/tests/data/tiny.ini", "--set", "run.mode=lro",
                    "--force", "--quiet", "--no-plot", "-o", d], capture_output=True, text=True)
assert r.returncode == 1 and "in use" in r.stderr, r
assert os.path.exists(f"{d}/run-3/marker"), "a refused run removed folders"
assert p.poll() is None, "the first run stopped"
p.send_signal(signal.SIGTERM)
interrupted(p, signal.SIGTERM, d, "the first run")

# replay: the temporary capture goes
gen = f"{t}/big.pcap"
subprocess.run(["python3", f"{root}/tests/tools/gen_capture.py", gen, f"{t}/big.json"], check=True)
for sig in (signal.SIGINT, signal.SIGTERM):
    d = f"{t}/replay{sig}"
    os.mkdir(d)
    # stdin a pipe never written: replay reads its capture from a FIFO we
    # hold open, so it is caught mid-way
    fifo = f"{d}/in.pcap"
    os.mkfifo(fifo)
    p = start([npusim, "replay", fifo, "-o", f"{d}/out.pcap"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    with open(fifo, "wb") as w:
        w.write(open(gen, "rb").read()[:4096])
        w.flush()
        wait_for(lambda: glob.glob(f"{d}/out.pcap.tmp.{p.pid}"), "replay's temporary")
        p.send_signal(sig)
        interrupted(p, sig, d, f"replay, signal {sig}")
    assert not os.path.exists(f"{d}/out.pcap")
PY
echo "e2e interrupt: ok"
