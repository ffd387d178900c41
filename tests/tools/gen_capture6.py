#!/usr/bin/env python3
"""tests/tools/gen_capture6.py [--clean] OUT.pcap TRUTH.json - a synthetic IPv6
capture for the LRO engine, with its ground truth: two TCP/IPv6 flows from
2001:db8::1 to 2001:db8::2 (1428-byte segments, what a 1500-byte MTU leaves
behind IPv6 and TCP timestamps), one whose sequence numbers wrap past 2^32;
segments out of order, duplicated, retransmitted with a different
segmentation, one with a bad TCP checksum (and its good retransmission),
segments carrying a destination-options or hop-by-hop extension header (which
the engine must pass through, counted), a pure ACK, an idle gap, then FIN.
With --clean, the same two flows in order and intact (2 MB each: room for
BIG TCP aggregates). Deterministic; standard library only.
tests/data/ipv6-2conn.* were made with it."""
import hashlib, json, random, struct, sys

from pcapgen import csum, hard_case_flow, write_pcap

SRC = bytes.fromhex('20010db8000000000000000000000001')
DST = bytes.fromhex('20010db8000000000000000000000002')
MSS = 1428

def frame(sport, seq, flags, payload=b'', ts=(1, 0), corrupt=False, ext=None):
    opts = b'\x01\x01\x08\x0a' + struct.pack('!II', *ts)
    if flags & 0x02:
        opts = b'\x02\x04' + struct.pack('!H', MSS + 12) + opts + b'\x01\x03\x03\x07'
    doff = (20 + len(opts)) // 4
    tcp = struct.pack('!HHIIBBHHH', sport, 5001, seq & 0xffffffff, 1, doff << 4, flags,
                      1000, 0, 0) + opts + payload
    # RFC 8200 section 8.1: addresses, 32-bit length, next header
    c = csum(SRC + DST + struct.pack('!IxxxB', len(tcp), 6) + tcp)
    if corrupt:
        c ^= 0x0101
    tcp = tcp[:16] + struct.pack('!H', c) + tcp[18:]
    nexthdr, exthdr = 6, b''
    if ext is not None:        # one 8-byte extension header (PadN inside)
        nexthdr, exthdr = ext, bytes([6, 0, 1, 4, 0, 0, 0, 0])
    ip = struct.pack('!IHBB', 6 << 28, len(exthdr) + len(tcp), nexthdr, 64) + SRC + DST
    return b'\x02' * 6 + b'\x04' * 6 + b'\x86\xdd' + ip + exthdr + tcp

def main():
    clean = sys.argv[1] == '--clean'
    out, truth_path = sys.argv[1 + clean], sys.argv[2 + clean]
    rnd = random.Random(11)
    frames = []          # (time_us, bytes)
    truth = {}
    t = 0
    sizes = (2000000, 2000000) if clean else (200000, 150000)
    for sport, iss, size in ((40000, 0xffffffff - 30000, sizes[0]), (40001, 123456, sizes[1])):
        data = bytes(rnd.getrandbits(8) for _ in range(size))
        truth['[2001:db8::1]:%d' % sport] = [size, hashlib.sha256(data).hexdigest()]
        if clean:
            frames.append((t, frame(sport, iss, 0x02)))
            t += 5
            frames.append((t, frame(sport, iss + 1, 0x10)))          # handshake ACK
            for off in range(0, size, MSS):
                t += 1
                frames.append((t, frame(sport, iss + 1 + off, 0x10, data[off:off + MSS], (t, 9))))
            t += 10
            frames.append((t, frame(sport, iss + 1 + size, 0x11, b'', (t, 9))))
        else:
            # segments 3, 4 and 100 carry an extension header (passed through)
            ext = lambda k: {'ext': 60 if k % 2 else 0} if k in (3, 4, 100) else {}
            t = hard_case_flow(frames, t, frame, sport, iss, data, MSS, ext) + 10
    write_pcap(out, frames)
    with open(truth_path, 'w') as f:
        json.dump(truth, f, indent=1)
        f.write('\n')

main()
