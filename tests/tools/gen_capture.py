#!/usr/bin/env python3
"""tests/tools/gen_capture.py OUT.pcap TRUTH.json - a synthetic capture of
the hard cases for the LRO engine, with its ground truth: two flows to
10.0.0.2, one whose sequence numbers wrap past 2^32; segments out of order,
duplicated, retransmitted with a different segmentation (partial overlaps),
one with a bad TCP checksum (and its good retransmission), PSH on write
ends, timestamps, a pure ACK, an idle gap, then FIN. Standard library only."""
import hashlib, json, random, struct, sys

from pcapgen import csum, hard_case_flow, write_pcap

def frame(sport, seq, flags, payload=b'', ts=(1, 0), corrupt=False):
    src, dst = bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2])
    opts = b'\x01\x01\x08\x0a' + struct.pack('!II', *ts)
    if flags & 0x02:
        opts = b'\x02\x04\x05\xb4' + opts + b'\x01\x03\x03\x07'
    doff = (20 + len(opts)) // 4
    tcp = struct.pack('!HHIIBBHHH', sport, 5001, seq & 0xffffffff, 1, doff << 4, flags,
                      1000, 0, 0) + opts + payload
    c = csum(src + dst + struct.pack('!BBH', 0, 6, len(tcp)) + tcp)
    if corrupt:
        c ^= 0x0101
    tcp = tcp[:16] + struct.pack('!H', c) + tcp[18:]
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(tcp), 0, 0x4000, 64, 6, 0, src, dst)
    ip = ip[:10] + struct.pack('!H', csum(ip)) + ip[12:]
    return b'\x02' * 6 + b'\x04' * 6 + b'\x08\x00' + ip + tcp

def main():
    out, truth_path = sys.argv[1], sys.argv[2]
    rnd = random.Random(7)
    frames = []          # (time_us, bytes)
    truth = {}
    t = 0
    for sport, iss, size in ((40000, 0xffffffff - 30000, 200000), (40001, 123456, 150000)):
        data = bytes(rnd.getrandbits(8) for _ in range(size))
        truth['10.0.0.1:%d' % sport] = [size, hashlib.sha256(data).hexdigest()]
        t = hard_case_flow(frames, t, frame, sport, iss, data, 1448) + 10
    write_pcap(out, frames)
    json.dump(truth, open(truth_path, 'w'), indent=1)

main()
