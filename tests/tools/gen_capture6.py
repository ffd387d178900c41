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

SRC = bytes.fromhex('20010db8000000000000000000000001')
DST = bytes.fromhex('20010db8000000000000000000000002')
MSS = 1428

def csum(data):
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff

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
        frames.append((t, frame(sport, iss, 0x02)))
        t += 5
        frames.append((t, frame(sport, iss + 1, 0x10)))          # handshake ACK
        segs = []
        off = 0
        while off < size:
            n = min(MSS, size - off)
            segs.append((off, n))
            off += n
        order = list(range(len(segs)))
        if clean:
            for off, n in segs:
                t += 1
                frames.append((t, frame(sport, iss + 1 + off, 0x10, data[off:off + n], (t, 9))))
            t += 10
            frames.append((t, frame(sport, iss + 1 + size, 0x11, b'', (t, 9))))
            continue
        for i in range(5, len(order) - 4, 17):
            order[i], order[i + 2] = order[i + 2], order[i]
        for i in range(30, len(order) - 40, 53):
            seg = order.pop(i)
            order.insert(i + 30, seg)
        for k, i in enumerate(order):
            off, n = segs[i]
            flags = 0x18 if (off + n) % 65536 < MSS or off + n == size else 0x10
            t += 1
            ext = None
            if k in (3, 4, 100):  # an extension header: passes through
                ext = 60 if k % 2 else 0
            if k % 41 == 7:      # bad checksum, good copy later
                frames.append((t, frame(sport, iss + 1 + off, flags, data[off:off + n], (t, 9),
                                        True)))
                t += 1
            frames.append((t, frame(sport, iss + 1 + off, flags, data[off:off + n], (t, 9),
                                    ext=ext)))
            if k % 29 == 3:      # duplicate
                t += 1
                frames.append((t, frame(sport, iss + 1 + off, flags, data[off:off + n], (t, 9))))
            if k % 37 == 11 and off >= 1000:   # retransmission, other segmentation
                t += 1
                frames.append((t, frame(sport, iss + 1 + off - 700, 0x10,
                                        data[off - 700:off + 300], (t, 9))))
            if k % 61 == 13:
                frames.append((t, frame(sport, iss + 1 + off + n, 0x10)))   # pure ACK
        t += 200000      # idle: only the receive timeout flushes
        frames.append((t, frame(sport, iss + 1 + size, 0x11, b'', (t, 9))))
        t += 10
    with open(out, 'wb') as f:
        f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 262144, 1))
        for us, b in frames:
            f.write(struct.pack('<IIII', us // 1000000, us % 1000000, len(b), len(b)))
            f.write(b)
    with open(truth_path, 'w') as f:
        json.dump(truth, f, indent=1)
        f.write('\n')

main()
