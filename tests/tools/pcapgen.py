"""tests/tools/pcapgen.py - what the capture generators share (gen_capture.py,
gen_capture6.py, gen_odd.py): the Internet checksum, the pcap file format
(classic, microseconds, little-endian), and the hard cases' schedule of one
flow. Standard library only."""
import struct

from pcap_flows import csum as ones_sum   # the one's-complement sum, one copy


def csum(data):
    """The Internet checksum (RFC 1071) of data: what goes into a header."""
    return (~ones_sum(data)) & 0xffff


def pcap_header(linktype=1):
    """The file header: version 2.4, snap length 262144, linktype (1: Ethernet)."""
    return struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 262144, linktype)


def pcap_record(us, b):
    """One packet record at `us` microseconds, captured whole."""
    return struct.pack('<IIII', us // 1000000, us % 1000000, len(b), len(b)) + b


def write_pcap(path, frames, linktype=1):
    """Writes frames, a list of (time_us, bytes), in their order."""
    with open(path, 'wb') as f:
        f.write(pcap_header(linktype))
        for us, b in frames:
            f.write(pcap_record(us, b))


def hard_case_flow(frames, t, frame, sport, iss, data, mss, extra=lambda k: {}):
    """Appends one flow's hard cases to frames, a list of (time_us, bytes),
    from time t; returns the time after them. frame(sport, seq, flags,
    payload=b'', ts=(1, 0), corrupt=False, **extra(k)) builds a frame;
    extra(k) adds arguments to data segment k's first good copy.

    SYN, handshake ACK, data in mss-byte segments sent out of order
    (neighbours swapped, a few moved far back), one in 41 first with a bad
    checksum, one in 29 duplicated, one in 37 retransmitted with another
    segmentation, one in 61 followed by a pure ACK, PSH where a 64 KB
    boundary is crossed, then an idle gap that only the receive timeout
    ends, and FIN."""
    size = len(data)
    frames.append((t, frame(sport, iss, 0x02)))
    t += 5
    frames.append((t, frame(sport, iss + 1, 0x10)))          # handshake ACK
    segs = []
    off = 0
    while off < size:
        n = min(mss, size - off)
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
        flags = 0x18 if (off + n) % 65536 < mss or off + n == size else 0x10
        t += 1
        if k % 41 == 7:      # bad checksum, good copy later
            frames.append((t, frame(sport, iss + 1 + off, flags, data[off:off + n], (t, 9), True)))
            t += 1
        frames.append((t, frame(sport, iss + 1 + off, flags, data[off:off + n], (t, 9),
                                **extra(k))))
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
    return t
