#!/bin/sh
# tests/e2e/interrupt.sh - SIGINT/SIGTERM leave no temporaries (replay's
# OUT.pcap.tmp.PID, run's .run-N parts and NAME.tmp.PID files), say so and
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

def wait_for(pred, what, timeout=60):
    end = time.time() + timeout
    while time.time() < end:
        if pred():
            return
        time.sleep(0.02)
    sys.exit(f"timed out waiting for {what}")

def leftovers(d):
    return [p for p in glob.glob(f"{d}/**/*", recursive=True) + glob.glob(f"{d}/**/.*", recursive=True)
            if ".tmp" in p or os.path.basename(p).startswith(".run-")]

def interrupted(proc, sig, d, what):
    _, err = proc.communicate(timeout=120)
    # died of the signal: a shell shows 128 + signal (130, 143)
    assert proc.returncode == -sig, f"{what}: status {proc.returncode}: {err}"
    assert b"interrupted" in err, f"{what}: no message: {err}"
    left = leftovers(d)
    assert not left, f"{what}: left {left}"

# run, serial: interrupted after the first run's part is written
for sig in (signal.SIGINT, signal.SIGTERM):
    d = f"{t}/serial{sig}"
    p = subprocess.Popen([npusim, "run", *long.split(), "-o", d, "-j", "1"], stderr=subprocess.PIPE)
    wait_for(lambda: os.path.exists(f"{d}/.run-0.row"), "the first run")
    p.send_signal(sig)
    interrupted(p, sig, d, f"serial run, signal {sig}")
    assert not os.path.exists(f"{d}/results.csv")

# run -j 2: the workers stop too, and leave nothing
d = f"{t}/par"
p = subprocess.Popen([npusim, "run", *long.split(), "-o", d, "-j", "2"], stderr=subprocess.PIPE)
wait_for(lambda: os.path.exists(f"{d}/run-1"), "the workers")
kids = [int(x) for x in subprocess.run(["ps", "-o", "pid=", "--ppid", str(p.pid)],
        capture_output=True, text=True).stdout.split()]
assert len(kids) == 2, kids
p.send_signal(signal.SIGINT)
interrupted(p, signal.SIGINT, d, "run -j 2")
for k in kids:
    assert not os.path.exists(f"/proc/{k}") or open(f"/proc/{k}/stat").read().split()[2] == "Z", \
        f"worker {k} outlived the parent"

# run -j 2, parent killed outright: the workers die with it (PDEATHSIG)
d = f"{t}/kill"
p = subprocess.Popen([npusim, "run", *long.split(), "-o", d, "-j", "2"], stderr=subprocess.DEVNULL)
wait_for(lambda: os.path.exists(f"{d}/run-1"), "the workers")
kids = [int(x) for x in subprocess.run(["ps", "-o", "pid=", "--ppid", str(p.pid)],
        capture_output=True, text=True).stdout.split()]
assert kids
p.send_signal(signal.SIGKILL)
p.wait()
wait_for(lambda: not any(os.path.exists(f"/proc/{k}") and
                         open(f"/proc/{k}/stat").read().split()[2] != "Z" for k in kids),
         "the workers to die with their parent", timeout=20)
left = [x for x in leftovers(d) if ".tmp" in x]
assert not left, f"killed workers left {left}"
# a new run into that folder removes the parts the killed one left (a
# smaller sweep: --force lets it remove the larger one's run folders)
r = subprocess.run([npusim, "run", f"{root}/tests/data/tiny.ini", "--set", "run.mode=lro",
                    "--set", "run.connections=1", "--quiet", "--no-plot", "--force", "-o", d])
assert r.returncode == 0 and not leftovers(d), leftovers(d)

# a second run into a folder in use is refused, the first one unharmed
d = f"{t}/lock"
p = subprocess.Popen([npusim, "run", *long.split(), "-o", d, "-j", "1"])
wait_for(lambda: os.path.exists(f"{d}/run-0"), "the first run")
r = subprocess.run([npusim, "run", f"{root}/tests/data/tiny.ini", "--quiet", "--no-plot", "-o", d],
                   capture_output=True, text=True)
assert r.returncode == 1, r
assert f"in use by another npusim run (pid {p.pid})" in r.stderr, r.stderr
assert p.wait(timeout=300) == 0
rows = open(f"{d}/results.csv").read().splitlines()
assert len(rows) == 5, rows

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
    p = subprocess.Popen([npusim, "replay", fifo, "-o", f"{d}/out.pcap"],
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
