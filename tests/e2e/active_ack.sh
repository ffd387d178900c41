#!/bin/sh
# tests/e2e/active_ack.sh - the paper's section V.C at a quick size: with the
# active ACK off, a write that restarts from the initial window after an
# idle pause sits below the 64 KB threshold in the NPU; the sender times
# out, its retransmissions are dropped as duplicates of what the NPU holds,
# and the transfer collapses. With it on, every connection completes without
# a timeout. Needs $NPUSIM.
set -eu
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$NPUSIM" run scenarios/active-ack.ini --set run.bytes_per_connection=4MiB \
	--set run.time_limit=10s -o "$t/aa" -j 2 --quiet --no-plot || fail "active-ack: exit $?"
python3 - "$t/aa/results.csv" <<'PY' || fail "active-ack"
import csv, sys
rows = {r["active_ack"]: r for r in csv.DictReader(open(sys.argv[1]))}
on, off = rows["on"], rows["off"]
n = int(on["connections"])
assert int(on["completed"]) == n, "active ACK on: not every connection completed"
assert int(on["client_rto_timeouts"]) == 0, "active ACK on: retransmission timeouts"
assert int(off["client_rto_timeouts"]) > 0, "active ACK off: no retransmission timeout"
assert int(off["drop_duplicate"]) > 0, "active ACK off: no retransmission dropped as a duplicate"
assert float(off["throughput_gbps"]) < 0.1 * float(on["throughput_gbps"]), "active ACK off: no collapse"
for r in (on, off):
    assert r["integrity"] == "ok", "integrity"
print("active-ack: off %s Gbps, %s RTOs, %s duplicates dropped; on %s Gbps" % (
    off["throughput_gbps"], off["client_rto_timeouts"], off["drop_duplicate"], on["throughput_gbps"]))
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
