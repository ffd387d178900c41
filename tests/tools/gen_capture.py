#!/usr/bin/env python3
"""tests/tools/gen_capture.py OUT.pcap TRUTH.json - a synthetic capture of
the hard cases for the LRO engine, with its ground truth: two flows to
10.0.0.2, one whose sequence numbers wrap past 2^32; segments out of order,
duplicated, retransmitted with a different segmentation (partial overlaps),
one with a bad TCP checksum (and its good retransmission), PSH on write
ends, timestamps, a pure ACK, an idle gap, then FIN. Standard library only."""
import hashlib, json, random, struct, sys

def csum(data):
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff

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
        frames.append((t, frame(sport, iss, 0x02)))
        t += 5
        frames.append((t, frame(sport, iss + 1, 0x10)))          # handshake ACK
        segs = []
        off = 0
        while off < size:
            n = min(1448, size - off)
            segs.append((off, n))
            off += n
        order = list(range(len(segs)))
        # reorder: swap some neighbours and move a few segments far back
        for i in range(5, len(order) - 4, 17):
            order[i], order[i + 2] = order[i + 2], order[i]
        for i in range(30, len(order) - 40, 53):
            seg = order.pop(i)
            order.insert(i + 30, seg)
        for k, i in enumerate(order):
            off, n = segs[i]
            flags = 0x18 if (off + n) % 65536 < 1448 or off + n == size else 0x10
            t += 1
            if k % 41 == 7:      # bad checksum, good copy later
                frames.append((t, frame(sport, iss + 1 + off, flags, data[off:off + n], (t, 9), True)))
                t += 1
            frames.append((t, frame(sport, iss + 1 + off, flags, data[off:off + n], (t, 9))))
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
    json.dump(truth, open(truth_path, 'w'), indent=1)

main()
