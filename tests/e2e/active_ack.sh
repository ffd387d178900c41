#!/bin/sh
# tests/e2e/active_ack.sh - the paper's section V.C at a quick size: with the
# active ACK off, a write that restarts from the initial window after an
# idle pause sits below the 64 KB threshold in the NPU; the sender times
# out, its retransmissions are dropped as duplicates of what the NPU holds,
# and the transfer collapses. With it on, every connection completes without
# a timeout; with it safe too, and the hazard of the paper's active ACK
# (scenarios/active-ack-hazard.ini) passes the integrity oracle. Needs $NPUSIM.
set -eu
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$NPUSIM" run scenarios/active-ack.ini --set run.bytes_per_connection=4MiB \
	--set run.time_limit=10s --set lro.active_ack=on,off,safe -o "$t/aa" -j 2 --quiet --no-plot \
	|| fail "active-ack: exit $?"
python3 - "$t/aa/results.csv" <<'PY' || fail "active-ack"
import csv, sys
rows = {r["active_ack"]: r for r in csv.DictReader(open(sys.argv[1]))}
on, off, safe = rows["on"], rows["off"], rows["safe"]
n = int(on["connections"])
assert int(on["completed"]) == n, "active ACK on: not every connection completed"
assert int(on["client_rto_timeouts"]) == 0, "active ACK on: retransmission timeouts"
assert int(off["client_rto_timeouts"]) > 0, "active ACK off: no retransmission timeout"
assert int(off["drop_duplicate"]) > 0, "active ACK off: no retransmission dropped as a duplicate"
assert float(off["throughput_gbps"]) < 0.1 * float(on["throughput_gbps"]), "active ACK off: no collapse"
# the safe active ACK keeps the sender's ACK clock: the collapse stays away
assert int(safe["completed"]) == n, "active ACK safe: not every connection completed"
assert int(safe["client_rto_timeouts"]) == 0, "active ACK safe: retransmission timeouts"
assert int(safe["drop_duplicate"]) == 0, "active ACK safe: retransmissions dropped"
assert float(safe["throughput_gbps"]) > 0.9 * float(on["throughput_gbps"]), "active ACK safe: slower than on"
assert int(safe["acks_window_unknown"]) == 0, "active ACK safe: a SYN-ACK went unseen"
for r in (on, off, safe):
    assert r["integrity"] == "ok", "integrity"
print("active-ack: off %s Gbps, %s RTOs, %s duplicates dropped; on %s Gbps; safe %s Gbps" % (
    off["throughput_gbps"], off["client_rto_timeouts"], off["drop_duplicate"], on["throughput_gbps"],
    safe["throughput_gbps"]))
PY

# The hazard (scenarios/active-ack-hazard.ini): a host that reads slower than
# the data comes. The paper's active ACK acknowledges what the host then has
# no room for (integrity FAIL, npusim exits 1); the safe one stays within the
# host's advertised window: everything arrives, at the host's reading pace.
"$NPUSIM" run scenarios/active-ack-hazard.ini --set run.mode=lro --set lro.active_ack=on \
	-o "$t/hz-on" --quiet --no-plot && fail "hazard, active ACK on: the run passed"
"$NPUSIM" run scenarios/active-ack-hazard.ini --set run.mode=lro --set lro.active_ack=safe \
	-o "$t/hz-safe" --quiet --no-plot || fail "hazard, active ACK safe: exit $?"
python3 - "$t/hz-on/results.csv" "$t/hz-safe/results.csv" <<'PY' || fail "hazard"
import csv, sys
on = next(csv.DictReader(open(sys.argv[1])))
safe = next(csv.DictReader(open(sys.argv[2])))
assert on["integrity"] == "FAIL" and int(on["lost_after_ack_bytes"]) > 0, "on: no hazard"
assert safe["integrity"] == "ok", "safe: integrity"
assert int(safe["lost_after_ack_bytes"]) == 0 and int(safe["host_rmem_drops"]) == 0, "safe: data lost"
n = int(safe["connections"])
assert int(safe["completed"]) == n, "safe: not every connection completed"
# 4 connections read at 500 Mbit/s each: the host's pace, not a crawl
assert float(safe["throughput_gbps"]) > 0.9 * n * 0.5, "safe: slower than the host reads"
assert int(safe["ack_window_updates"]) > 0, "safe: the host's window never reopened the sender"
print("hazard: on FAIL (%s bytes lost after the NPU's ACK); safe ok, %s Gbps, %s window updates" % (
    on["lost_after_ack_bytes"], safe["throughput_gbps"], safe["ack_window_updates"]))
PY

# The window the active ACK's sender sees: the field is shifted by the host's
# window scale (7), so `scaled` writes 0xFFFF (8 MB to the sender) and
# `unscaled` writes 0xFFFF >> 7 = 511 (65,408 bytes).
"$NPUSIM" run tests/data/tiny.ini --set run.mode=lro --set run.connections=1 --set trace.pcap=on \
	--set lro.active_ack_window=scaled,unscaled -o "$t/w" --quiet --no-plot || fail "active_ack_window: exit $?"
python3 - "$t/w" <<'PY' || fail "active_ack_window"
import struct, sys
def windows(path):
    """TCP window fields of the frames on the wire sent by the server side (10.0.0.2)."""
    data = open(path, "rb").read()
    off, out = 24, []
    while off + 16 <= len(data):
        incl = struct.unpack("<I", data[off + 8:off + 12])[0]
        f = data[off + 16:off + 16 + incl]
        off += 16 + incl
        if len(f) >= 54 and f[12:14] == b"\x08\x00" and f[23] == 6 and f[26:30] == bytes([10, 0, 0, 2]):
            ihl = (f[14] & 15) * 4
            tcp = f[14 + ihl:]
            if tcp[13] & 0x02 == 0:        # not the SYN-ACK
                out.append(struct.unpack(">H", tcp[14:16])[0])
    return out
scaled, unscaled = windows(sys.argv[1] + "/run-0/wire.pcap"), windows(sys.argv[1] + "/run-1/wire.pcap")
assert 65535 in scaled and 511 not in scaled, "scaled: the field is 0xFFFF"
assert 511 in unscaled and 65535 not in unscaled, "unscaled: the field is 0xFFFF >> 7"
print("active_ack_window: scaled writes 65535 (%d ACKs), unscaled 511 (%d)" % (
    scaled.count(65535), unscaled.count(511)))
PY

# safe: no window field on the wire offers more than the host's buffer
# (host.rcvbuf 256 KB at the host's window scale 7: 2048)
"$NPUSIM" run tests/data/tiny.ini --set run.mode=lro --set run.connections=1 --set trace.pcap=on \
	--set lro.active_ack=safe -o "$t/s" --quiet --no-plot || fail "safe window: exit $?"
python3 - "$t/s/run-0/wire.pcap" <<'PY' || fail "safe window"
import struct, sys
data = open(sys.argv[1], "rb").read()
off, wins = 24, []
while off + 16 <= len(data):
    incl = struct.unpack("<I", data[off + 8:off + 12])[0]
    f = data[off + 16:off + 16 + incl]
    off += 16 + incl
    if len(f) >= 54 and f[12:14] == b"\x08\x00" and f[23] == 6 and f[26:30] == bytes([10, 0, 0, 2]):
        tcp = f[14 + (f[14] & 15) * 4:]
        if tcp[13] & 0x02 == 0:
            wins.append(struct.unpack(">H", tcp[14:16])[0])
assert len(wins) > 10, "safe: too few ACKs on the wire"
assert max(wins) <= 2048, "safe: a window field above the host's buffer (%d)" % max(wins)
print("safe window: %d ACKs, largest field %d" % (len(wins), max(wins)))
PY
