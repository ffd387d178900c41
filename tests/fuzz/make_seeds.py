#!/usr/bin/env python3
"""tests/fuzz/make_seeds.py lro|pcap OUTDIR CAPTURE... - seed corpora for
the fuzzing harnesses, cut from real captures (classic pcap, Ethernet).
tests/fuzz/make_seeds.py dict OUT.dict docs/SCENARIOS.md - a libFuzzer
dictionary for fuzz_scenario: sections, keys, units and sweep syntax.

lro:  tests/fuzz/fuzz_lro.c's format: two configuration bytes, then one
      frame record per packet (op byte with the clock advance since the
      previous packet, 2-byte big-endian length, the frame), in windows of
      WINDOW packets; the first window of each capture also with a few
      other configurations (small threshold, NIC mode, one descriptor, no
      active ACK, timeout scans between packets); the first connection of
      each capture up to FULL_BYTES (a full 64 KB aggregate). Plus one synthetic flow that fills
      LRO_MAX_HELD segments past a gap (checksums left to the harness).
pcap: small captures of WINDOW packets each (libFuzzer works best on
      small inputs), with the original global header; and the first
      connection of each capture up to FULL_BYTES.
Standard library only."""
import os, re, struct, sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'tools'))
from pcap_flows import csum  # noqa: E402  (the Internet checksum, one copy)

WINDOW = 24
FULL_BYTES = 80000             # under the harnesses' input limit (mk/fuzz.mk)
LRO_FRAME_MAX = 1536

def read_pcap(path):
    with open(path, 'rb') as f:
        data = f.read()
    magic = struct.unpack('<I', data[:4])[0]
    if magic in (0xa1b2c3d4, 0xa1b23c4d):
        endian = '<'
    else:
        endian = '>'
        magic = struct.unpack('>I', data[:4])[0]
    nanos = magic == 0xa1b23c4d
    header = data[:24]
    at, packets = 24, []
    while at + 16 <= len(data):
        sec, frac, incl, _ = struct.unpack(endian + 'IIII', data[at:at + 16])
        record = data[at:at + 16 + incl]
        frame = data[at + 16:at + 16 + incl]
        at += 16 + incl
        ns = sec * 1000000000 + (frac if nanos else frac * 1000)
        packets.append((ns, frame, record))
    return header, packets

def tcp_csum_ok(frame):
    """True for an IPv4/TCP frame whose checksums verify (the harness may
    then recompute them after mutation: op bit 0)."""
    if len(frame) < 54 or frame[12:14] != b'\x08\x00' or frame[14] >> 4 != 4:
        return False
    ihl = (frame[14] & 15) * 4
    total = struct.unpack('!H', frame[16:18])[0]
    if frame[23] != 6 or ihl < 20 or total < ihl + 20 or 14 + total > len(frame):
        return False
    ip = frame[14:14 + ihl]
    tcp = frame[14 + ihl:14 + total]
    pseudo = ip[12:20] + struct.pack('!BBH', 0, 6, len(tcp))
    return csum(ip) == 0xffff and csum(pseudo + tcp) == 0xffff

def lro_records(packets, scan=False):
    out, last = b'', None
    for ns, frame, _ in packets:
        delta = 0 if last is None else max(0, ns - last)
        last = ns
        e = min(31, delta.bit_length())
        frame = frame[:LRO_FRAME_MAX]
        kind = 1 if tcp_csum_ok(frame) else 0
        if scan:
            out += bytes([4 | (e << 3)])
            e = 0
        out += bytes([kind | (e << 3)]) + struct.pack('!H', len(frame)) + frame
    return out

V2_MARK = 0xa5

def payload_bytes(frame):
    """TCP payload bytes of a TCP frame (0 if not one)."""
    tcp = tcp_offset(frame)
    if tcp is None:
        return 0
    if frame[12:14] == b'\x86\xdd':
        end = 54 + int.from_bytes(frame[18:20], 'big')
    else:
        end = 14 + int.from_bytes(frame[16:18], 'big')
    return max(0, min(end, len(frame)) - tcp - (frame[tcp + 12] >> 4) * 4)

def source(frame):
    """The sender's address and port of a TCP frame, or None."""
    ep = endpoints(frame)
    return ep[0][0] + ep[0][1] if ep else None

def lro_records_v2(packets, scan_op=None):
    """Version 2 records (fuzz_lro.c): the data direction's frames go to the
    engine, the other direction's (the host's ACKs, its SYN-ACK) to the
    safe active ACK's tx path (op 9)."""
    sent = {}
    for _, frame, _ in packets:
        src = source(frame)
        if src is not None:
            sent[src] = sent.get(src, 0) + payload_bytes(frame)
    data_src = max(sent, key=sent.get) if sent else None
    out, last = b'', None
    for ns, frame, _ in packets:
        delta = 0 if last is None else max(0, ns - last)
        last = ns
        e = min(15, (delta.bit_length() + 1) // 2)
        frame = frame[:LRO_FRAME_MAX]
        src = source(frame)
        if src is not None and src != data_src:
            kind = 9
        else:
            kind = 1 if tcp_csum_ok(frame) else 0
        if scan_op is not None:
            out += bytes([scan_op | (e << 4)])
            e = 0
        out += bytes([kind | (e << 4)]) + struct.pack('!H', len(frame)) + frame
    return out

# (bytes 1-4, op before each frame or None): fuzz_lro.c's version 2 header
LRO_CONFIGS_V2 = [
    ((0x10, 0x00, 10, 0x00), None),        # paper, safe active ACK
    ((0x90, 0x07, 10 | 0xc0, 0x00), 4),    # paper, safe ACK, gap timeout rule, BIG TCP (threshold 1 MB), scans
    ((0x09, 0x00, 10, 0x00), None),        # linux-gro, NAPI polls of 64
    ((0x09, 0x00, 10 | 0xc0, 0x70), None), # linux-gro, BIG TCP, polls of 16
    ((0x0a, 0x00, 10, 0x00), None),        # freebsd-lro
    ((0x0b, 0x00, 10, 0x30), None),        # freebsd-lro-sorted, bursts of 3
    ((0x0c, 0x00, 10, 0x00), None),        # dpdk-gro, bursts of 32
    ((0x0c, 0x10, 10, 0x0a), 11),          # dpdk-gro timer mode (65 us), 2 descriptors
    ((0x0a, 0x00, 10, 0x0c), 4),           # freebsd-lro, tcp_lro_flush_inactive 262 us
]

def tcp_offset(frame):
    """Where the TCP header of an IPv4/TCP or IPv6/TCP (no extension
    header) frame starts, or None."""
    if len(frame) >= 74 and frame[12:14] == b'\x86\xdd' and frame[20] == 6:
        return 54
    if len(frame) >= 54 and frame[12:14] == b'\x08\x00' and frame[23] == 6:
        tcp = 14 + (frame[14] & 15) * 4
        return tcp if len(frame) >= tcp + 20 else None
    return None

def endpoints(frame):
    """((saddr, sport), (daddr, dport)) of a TCP frame, or None."""
    tcp = tcp_offset(frame)
    if tcp is None:
        return None
    if frame[12:14] == b'\x86\xdd':
        return ((frame[22:38], frame[54:56]), (frame[38:54], frame[56:58]))
    return ((frame[26:30], frame[tcp:tcp + 2]), (frame[30:34], frame[tcp + 2:tcp + 4]))

def first_flow(packets):
    """Both directions of the first connection, from its SYN, up to
    FULL_BYTES of frames: enough data for a full 64 KB aggregate."""
    out, size, key = [], 0, None
    for p in packets:
        ep = endpoints(p[1])
        if ep is None:
            continue
        if key is None:
            tcp = tcp_offset(p[1])
            if p[1][tcp + 13] & 0x12 != 0x02:
                continue           # wait for a SYN
            key = frozenset(ep)
        if frozenset(ep) != key:
            continue
        if size + len(p[1]) + 3 > FULL_BYTES:
            break
        out.append(p)
        size += len(p[1]) + 3
    return out

def synthetic_frame(seq, flags, payload):
    """IPv4/TCP with timestamps; lengths and checksums zero: the harness
    sets them (op bits 0 and 1)."""
    ip = bytes([0x45, 0, 0, 0, 0, 0, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2])
    tcp = struct.pack('!HHIIBBHHH', 40000, 5001, seq & 0xffffffff, 1, 8 << 4, flags,
                      1000, 0, 0) + bytes([1, 1, 8, 10]) + struct.pack('!II', 1, 0)
    return b'\x02' * 6 + b'\x04' * 6 + b'\x08\x00' + ip + tcp + payload

def held_limit_seed():
    """SYN, then 260 8-byte segments past a missing first one (the engine
    holds 256, then drops), the missing one, FIN."""
    frames = [synthetic_frame(999, 0x02, b'')]
    frames += [synthetic_frame(1000 + 8 * i, 0x10, bytes([i & 0xff]) * 8) for i in range(1, 261)]
    frames += [synthetic_frame(1000, 0x10, b'\0' * 8), synthetic_frame(1000 + 8 * 261, 0x11, b'')]
    out = bytes([0x00, 10])
    for f in frames:
        out += bytes([3 | (10 << 3)]) + struct.pack('!H', len(f)) + f
    return out

# (byte 0, byte 1, timeout scans): see fuzz_lro.c's input format
LRO_CONFIGS = [
    (0x00, 10, False),             # defaults: LRO, active ACK, 64 KB, 256 descriptors
    (0x00, 10, True),              # with a timeout scan before each packet
    (0x10, 10, False),             # threshold 1448
    (0x03, 10, False),             # NIC mode
    (0x44, 1, True),               # one descriptor, no active ACK, factor 1
    (0x38, 2, False),              # threshold 1 MB (the 64 KB limit flushes)
]

# '\0' starts the overrides (fuzz_scenario.c)
SCENARIO_WORDS = ['=', ',', '..', ' step ', ' x2', '%', ';', '#', '\n', '\0', 'on', 'off', 'true',
                  'ps', 'ns', 'us', 'ms', 's', 'B', 'KiB', 'MiB', 'GiB', 'KB', 'MB', 'GB',
                  'bps', 'Kbps', 'Mbps', 'Gbps', 'Hz', 'kHz', 'MHz', 'GHz']

def scenario_dict(out, keys_md):
    words = list(SCENARIO_WORDS)
    section = None
    with open(keys_md) as f:
        for line in f:
            m = re.match(r'### \[(\w+)\]', line)
            if m:
                section = m.group(1)
                words.append('[%s]' % section)
                continue
            m = re.match(r'\| `(\w+)` \| `([^`]*)` \|', line)
            if m and section:
                words += ['%s = ' % m.group(1), m.group(2), '%s.%s=' % (section, m.group(1))]
    with open(out, 'w') as f:
        for w in dict.fromkeys(words):
            if w:
                f.write('"%s"\n' % w.replace('\\', '\\\\').replace('"', '\\"').replace('\n', '\\x0a').replace('\0', '\\x00'))

def main():
    if sys.argv[1] == 'dict':
        scenario_dict(sys.argv[2], sys.argv[3])
        return
    kind, outdir, captures = sys.argv[1], sys.argv[2], sys.argv[3:]
    os.makedirs(outdir, exist_ok=True)
    if kind == 'lro':
        with open(os.path.join(outdir, 'held-limit'), 'wb') as f:
            f.write(held_limit_seed())
    for path in captures:
        name = os.path.splitext(os.path.basename(path))[0]
        header, packets = read_pcap(path)
        flow = first_flow(packets)
        if flow and kind == 'lro':
            with open(os.path.join(outdir, '%s-full' % name), 'wb') as f:
                f.write(bytes([0x00, 10]) + lro_records(flow))
            for c, (hdr, op) in enumerate(LRO_CONFIGS_V2):
                with open(os.path.join(outdir, '%s-full-v2-%d' % (name, c)), 'wb') as f:
                    f.write(bytes((V2_MARK,) + hdr) + lro_records_v2(flow, op))
        elif flow and kind == 'pcap':
            with open(os.path.join(outdir, '%s-full.pcap' % name), 'wb') as f:
                f.write(header + b''.join(p[2] for p in flow))
        for w in range(0, len(packets), WINDOW):
            window = packets[w:w + WINDOW]
            configs = LRO_CONFIGS if w == 0 else LRO_CONFIGS[:1]
            if kind == 'lro':
                for c, (b0, b1, scan) in enumerate(configs):
                    seed = bytes([b0, b1]) + lro_records(window, scan)
                    with open(os.path.join(outdir, '%s-%04d-%d' % (name, w, c)), 'wb') as f:
                        f.write(seed)
                if w == 0:
                    for c, (hdr, op) in enumerate(LRO_CONFIGS_V2):
                        seed = bytes((V2_MARK,) + hdr) + lro_records_v2(window, op)
                        with open(os.path.join(outdir, '%s-%04d-v2-%d' % (name, w, c)), 'wb') as f:
                            f.write(seed)
            elif kind == 'pcap':
                with open(os.path.join(outdir, '%s-%04d.pcap' % (name, w)), 'wb') as f:
                    f.write(header + b''.join(p[2] for p in window))
            else:
                sys.exit('make_seeds.py: kind is lro or pcap')

if __name__ == '__main__':
    main()
