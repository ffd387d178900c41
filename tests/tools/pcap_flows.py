#!/usr/bin/env python3
"""tests/tools/pcap_flows.py - reassemble every TCP flow of a capture by
sequence number and check it: prints "client:port bytes sha256" per flow,
and with --check GROUND.json compares with the ground truth. Fails on bad
IP/TCP checksums, on overlapping bytes that disagree, on holes and on records
cut by the snaplen (with --skip-bad-csum, a frame whose TCP checksum is bad
is left out, as the receiver's TCP drops it, and counted on stderr: the
output of an engine that checks no checksum, DPDK's GRO). IPv4 and IPv6 (DST an IPv6 address; flows named
"[addr]:port"): extension headers are stepped over, a BIG TCP aggregate's
jumbo payload option (RFC 2675) and an IPv4 total length of 0 read as Linux
writes them. Standard library only (independent of npusim's code)."""
import hashlib, ipaddress, json, struct, sys

SKIP_BAD = '--skip-bad-csum' in sys.argv
if SKIP_BAD:
    sys.argv.remove('--skip-bad-csum')
skipped = 0

def bad_tcp_csum(n):
    """A bad TCP checksum: fatal, or left out with --skip-bad-csum."""
    global skipped
    if not SKIP_BAD:
        sys.exit('packet %d: bad TCP checksum' % n)
    skipped += 1

def csum(data):
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s

def packets(path):
    with open(path, 'rb') as f:
        hdr = f.read(24)
        magic = struct.unpack('<I', hdr[:4])[0]
        endian = '<' if magic in (0xa1b2c3d4, 0xa1b23c4d) else '>'
        while True:
            rec = f.read(16)
            if len(rec) < 16:
                return
            _, _, incl, orig = struct.unpack(endian + 'IIII', rec)
            if incl < orig:
                sys.exit('a record is cut by the snaplen (%d of %d bytes)' % (incl, orig))
            yield f.read(incl)

def tcp6(frame, n):
    """The source, destination and TCP segment of an IPv6 frame (None if
    it carries no TCP); its TCP checksum checked."""
    ip = frame[14:]
    plen, = struct.unpack('!H', ip[4:6])
    nh, off = ip[6], 40
    jumbo = None
    while nh in (0, 43, 60, 51):
        hl = (ip[off + 1] + 2) * 4 if nh == 51 else (ip[off + 1] + 1) * 8
        if nh == 0:
            i = off + 2
            while i < off + hl:
                if ip[i] == 0:
                    i += 1
                    continue
                if ip[i] == 0xc2:
                    jumbo, = struct.unpack('!I', ip[i + 2:i + 6])
                i += 2 + ip[i + 1]
        nh = ip[off]
        off += hl
    if nh != 6:
        return None
    if plen == 0:
        if jumbo is None or jumbo <= 65535:
            sys.exit('packet %d: IPv6 payload length 0 without a jumbo payload option' % n)
        plen = jumbo
    tcp = ip[off:40 + plen]
    pseudo = ip[8:40] + struct.pack('!IxxxB', len(tcp), 6)
    if csum(pseudo + tcp) != 0xffff:
        bad_tcp_csum(n)
        return None
    return ip[8:24], ip[24:40], tcp

def reassemble(frags, ip, ihl, total, fragword):
    """Collect IP fragments; the whole datagram (a 20-byte header) once
    every piece is in, else None."""
    key = (ip[12:20], ip[4:6], ip[9])
    pieces = frags.setdefault(key, {})
    pieces[(fragword & 0x1fff) * 8] = (ip[ihl:total], bool(fragword & 0x2000))
    body = bytearray()
    for off in sorted(pieces):
        if off != len(body):
            return None
        data, more = pieces[off]
        body += data
        if not more:
            del frags[key]
            hdr = bytearray(ip[:20])
            hdr[0] = 0x45
            hdr[2:4] = struct.pack('!H', 20 + len(body))
            hdr[6:8] = b'\0\0'
            hdr[10:12] = b'\0\0'
            hdr[10:12] = struct.pack('!H', (~csum(bytes(hdr))) & 0xffff)
            return bytes(hdr) + bytes(body)
    return None

def add_segment(flows, src, tcp):
    sport, = struct.unpack('!H', tcp[0:2])
    seq, = struct.unpack('!I', tcp[4:8])
    flags = tcp[13]
    doff = (tcp[12] >> 4) * 4
    payload = tcp[doff:]
    key = '%s:%d' % (src, sport)
    fl = flows.setdefault(key, {'isn': None, 'data': {}})
    if flags & 0x02:
        fl['isn'] = seq
        return
    if payload:
        fl['data'].setdefault(seq, []).append(payload)

def main():
    path, dst = sys.argv[1], sys.argv[2]
    truth = json.load(open(sys.argv[4])) if len(sys.argv) > 4 and sys.argv[3] == '--check' else None
    flows = {}
    frags = {}
    n = 0
    dst6 = ipaddress.ip_address(dst).packed if ':' in dst else None
    for frame in packets(path):
        n += 1
        if frame[12:14] == b'\x86\xdd':
            got = tcp6(frame, n)
            if got is None or dst6 is None or got[1] != dst6:
                continue
            tcp = got[2]
            src = '[%s]' % ipaddress.ip_address(got[0])
            add_segment(flows, src, tcp)
            continue
        if frame[12:14] != b'\x08\x00':
            continue
        ip = frame[14:]
        ihl = (ip[0] & 15) * 4
        total = struct.unpack('!H', ip[2:4])[0]
        if total == 0 and len(ip) > 65535:
            total = len(ip)      # BIG TCP (Linux 6.3): the length is the frame's
        fragword = struct.unpack('!H', ip[6:8])[0]
        if fragword & 0x3fff:
            if csum(ip[:ihl]) != 0xffff:
                sys.exit('packet %d: bad IP checksum' % n)
            ip = reassemble(frags, ip, ihl, total, fragword)
            if ip is None:
                continue
            ihl = (ip[0] & 15) * 4
            total = len(ip)
        if ip[9] != 6:
            continue
        if csum(ip[:ihl]) != 0xffff:
            sys.exit('packet %d: bad IP checksum' % n)
        tcp = ip[ihl:total]
        # the length as 32 bits: the same sum for a 16-bit one, and what a
        # BIG TCP aggregate's checksum takes (Linux's csum_tcpudp_magic)
        pseudo = ip[12:20] + struct.pack('!BBI', 0, 6, len(tcp))
        if csum(pseudo + tcp) != 0xffff:
            bad_tcp_csum(n)
            continue
        daddr = '.'.join(str(b) for b in ip[16:20])
        if daddr != dst:
            continue
        add_segment(flows, '.'.join(str(b) for b in ip[12:16]), tcp)
    bad = 0
    for key, fl in sorted(flows.items()):
        if fl['isn'] is None:
            sys.exit('%s: no SYN in the capture' % key)
        stream = bytearray()
        have = []
        for seq, pieces in fl['data'].items():
            for p in pieces:
                off = (seq - fl['isn'] - 1) % (1 << 32)
                have.append((off, p))
        have.sort()
        for off, p in have:
            end = off + len(p)
            if off > len(stream):
                sys.exit('%s: hole at offset %d' % (key, len(stream)))
            common = stream[off:end]
            if bytes(common) != p[:len(common)]:
                sys.exit('%s: overlapping bytes disagree at offset %d' % (key, off))
            if end > len(stream):
                stream += p[len(stream) - off:]
        digest = hashlib.sha256(bytes(stream)).hexdigest()
        print('%s %d %s' % (key, len(stream), digest))
        if truth is not None:
            want = truth.get(key)
            if want is None or want[0] != len(stream) or want[1] != digest:
                print('  MISMATCH: ground truth %s' % (want,))
                bad = 1
    if truth is not None and set(truth) != set(flows):
        print('flows differ from the ground truth: %s vs %s' % (sorted(flows), sorted(truth)))
        bad = 1
    if skipped:
        print('%d frames with a bad TCP checksum left out' % skipped, file=sys.stderr)
    sys.exit(bad)

if __name__ == '__main__':
    main()
