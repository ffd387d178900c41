#!/usr/bin/env python3
"""tests/tools/gen_odd.py DIR - small crafted captures of the traffic an LRO
engine must not lose or mishandle, each with its ground truth
(NAME.server.json: bytes and sha256 per flow, as tests/tools/pcap_flows.py
checks). Run once; the captures are committed under tests/data/odd.
Standard library only; deterministic.

Every capture is one or two flows 10.0.0.1:port -> 10.0.0.2:5001 of
segments with timestamps (MSS bytes past the hold limit of 256, 1448 otherwise); a class puts one odd frame into it."""
import hashlib, json, os, random, struct, sys

from pcapgen import csum, pcap_header, pcap_record

SRC, DST = bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2])
MSS = 200             # small segments keep the 300-segment captures small

def tcp_seg(sport, seq, flags, payload=b'', ts=(1, 0), opts=None, urg=0, csum_mode='ok'):
    if opts is None:
        opts = b'\x01\x01\x08\x0a' + struct.pack('!II', *ts)
    if flags & 0x02:
        opts = b'\x02\x04\x05\xb4' + opts + b'\x01\x03\x03\x07'
    doff = (20 + len(opts)) // 4
    tcp = struct.pack('!HHIIBBHHH', sport, 5001, seq & 0xffffffff, 1, doff << 4, flags,
                      1000, 0, urg) + opts + payload
    pseudo = SRC + DST + struct.pack('!BBH', 0, 6, len(tcp))
    if csum_mode == 'ok':
        c = csum(pseudo + tcp)
    elif csum_mode == 'zero':
        c = 0
    else:   # 'partial': the pseudo header's sum only, as a sender with offload leaves it
        c = (~csum(pseudo)) & 0xffff
    return tcp[:16] + struct.pack('!H', c) + tcp[18:]

def ip_pkt(payload, ipopts=b'', frag=0, ident=0):
    ihl = (20 + len(ipopts)) // 4
    ip = struct.pack('!BBHHHBBH4s4s', 0x40 | ihl, 0, 20 + len(ipopts) + len(payload), ident,
                     frag, 64, 6, 0, SRC, DST) + ipopts
    return ip[:10] + struct.pack('!H', csum(ip)) + ip[12:] + payload

def eth(ip, tags=()):
    hdr = b'\x02' * 6 + b'\x04' * 6
    for tpid, vid in tags:
        hdr += struct.pack('!HH', tpid, vid)
    return hdr + b'\x08\x00' + ip

def frame(sport, seq, flags, payload=b'', ts=(1, 0), **kw):
    ipopts = kw.pop('ipopts', b'')
    tags = kw.pop('tags', ())
    return eth(ip_pkt(tcp_seg(sport, seq, flags, payload, ts, **kw), ipopts), tags)

def fragments(sport, seq, flags, payload, ts):
    """One TCP segment as two IP fragments (the second 8-byte aligned)."""
    tcp = tcp_seg(sport, seq, flags, payload, ts)
    cut = 8 * ((len(tcp) // 2) // 8)
    return [eth(ip_pkt(tcp[:cut], frag=0x2000, ident=77)),
            eth(ip_pkt(tcp[cut:], frag=cut // 8, ident=77))]

class Capture:
    def __init__(self, seed):
        self.frames = []      # (time_us, bytes)
        self.truth = {}
        self.rnd = random.Random(seed)

    def flow(self, sport, nsegs, t, odd=None, mss=1448, gap_us=10, iss=1000, tail_idle_us=0):
        """SYN, handshake ACK, nsegs data segments (odd(k, off, data, t) may
        return frames for segment k instead of the plain one), FIN."""
        size = nsegs * mss
        data = bytes(self.rnd.getrandbits(8) for _ in range(size))
        self.truth['10.0.0.1:%d' % sport] = [size, hashlib.sha256(data).hexdigest()]
        self.frames.append((t, frame(sport, iss, 0x02)))
        t += gap_us
        self.frames.append((t, frame(sport, iss + 1, 0x10)))
        for k in range(nsegs):
            off = k * mss
            t += gap_us
            piece = data[off:off + mss]
            got = odd(k, iss + 1 + off, piece, t) if odd else None
            if got is None:
                got = [(t, frame(sport, iss + 1 + off, 0x10, piece, (t, 9)))]
            self.frames.extend(got)
            t = max([t] + [x[0] for x in got])
        t += gap_us + tail_idle_us
        self.frames.append((t, frame(sport, iss + 1 + size, 0x11, b'', (t, 9))))
        return t

    def write(self, path, linktype=1, convert=lambda b: b, cut_last=0):
        with open(path, 'wb') as f:
            f.write(pcap_header(linktype))
            frames = sorted(self.frames, key=lambda x: x[0])
            for i, (us, b) in enumerate(frames):
                rec = pcap_record(us, convert(b))
                if cut_last and i == len(frames) - 1:
                    rec = rec[:len(rec) - cut_last]
                f.write(rec)
        json.dump(self.truth, open(path[:-5] + '.server.json', 'w'), indent=1, sort_keys=True)

def one_odd(name, at, make, nsegs=320):
    c = Capture(sum(name.encode()))
    c.flow(40000, nsegs, 0, lambda k, seq, piece, t: make(seq, piece, t) if k == at else None,
           mss=MSS)
    return c

def main():
    d = sys.argv[1]
    os.makedirs(d, exist_ok=True)
    sp = 40000
    caps = {
        # an aggregate held through an idle second: flushed by the receive timeout
        'idle-hold': None,
        'urg': one_odd('urg', 5, lambda seq, p, t: [(t, frame(sp, seq, 0x30, p, (t, 9), urg=1))]),
        'tcp-option': one_odd('tcp-option', 5, lambda seq, p, t: [
            (t, frame(sp, seq, 0x10, p, opts=b'\x01\x01\x08\x0a' + struct.pack('!II', t, 9) +
                      b'\xfd\x04\x00\x00'))]),
        'odd-option': one_odd('odd-option', 5, lambda seq, p, t: [
            (t, frame(sp, seq, 0x10, p, opts=b'\x01\x01\x08\x0a' + struct.pack('!II', t, 9) +
                      b'\x08\x0a\x00\x00'))]),
        'ip-options': one_odd('ip-options', 5, lambda seq, p, t: [
            (t, frame(sp, seq, 0x10, p, (t, 9), ipopts=b'\x01\x01\x01\x00'))]),
        'fragment': one_odd('fragment', 5, lambda seq, p, t: [
            (t, f) for f in fragments(sp, seq, 0x10, p, (t, 9))]),
        'no-ack': one_odd('no-ack', 5, lambda seq, p, t: [(t, frame(sp, seq, 0x00, p, (t, 9)))]),
        'syn-retransmit': one_odd('syn-retransmit', 5, lambda seq, p, t: [
            (t, frame(sp, 1000, 0x02)), (t, frame(sp, seq, 0x10, p, (t, 9)))]),
    }
    # idle-hold: 10 segments, a second of silence, then FIN
    c = Capture(1)
    c.flow(sp, 10, 0, tail_idle_us=1000000)
    caps['idle-hold'] = c
    # a gap filled only after 300 more segments
    c = Capture(2)
    held = {}
    def late(k, seq, piece, t):
        if k == 3:
            held['f'] = frame(sp, seq, 0x10, piece, (t, 9))
            return [(t, frame(sp, seq + MSS, 0x10, b'', (t, 9)))]   # a pure ACK instead
        if k == 303:
            return [(t, held['f']), (t + 1, frame(sp, seq, 0x10, piece, (t, 9)))]
        return None
    c.flow(sp, 320, 0, late, mss=MSS)
    caps['late-fill'] = c
    # a flow holding only out-of-order data through an idle second
    c = Capture(3)
    def ooo_idle(k, seq, piece, t):
        if k == 3:
            held['g'] = (seq, piece)
            return []
        if k == 9:
            s, p = held['g']
            return [(t + 1000000, frame(sp, s, 0x10, p, (t, 9))),
                    (t + 1000001, frame(sp, seq, 0x10, piece, (t, 9)))]
        return None
    c.flow(sp, 12, 0, ooo_idle)
    caps['ooo-idle'] = c
    for name, c in caps.items():
        c.write(os.path.join(d, name + '.pcap'))
    # inputs: link types, VLAN tags, jumbo frames, offloaded checksums, a cut capture
    def plain(seed, n=40, mss=1448):
        c = Capture(seed)
        c.flow(sp, n, 0, mss=mss)
        return c
    plain(10).write(os.path.join(d, 'vlan.pcap'), convert=lambda b: vlan(b, 1))
    plain(11).write(os.path.join(d, 'qinq.pcap'), convert=lambda b: vlan(b, 2))
    plain(12).write(os.path.join(d, 'sll.pcap'), linktype=113, convert=sll)
    plain(13).write(os.path.join(d, 'sll2.pcap'), linktype=276, convert=sll2)
    plain(14).write(os.path.join(d, 'raw.pcap'), linktype=101, convert=lambda b: b[14:])
    plain(15, mss=8948).write(os.path.join(d, 'jumbo.pcap'))
    c = Capture(16)
    c.flow(sp, 40, 0, lambda k, seq, p, t: [(t, frame(sp, seq, 0x10, p, (t, 9), csum_mode='zero'))])
    c.write(os.path.join(d, 'csum-zero.pcap'))
    c = Capture(17)
    c.flow(sp, 40, 0, lambda k, seq, p, t: [(t, frame(sp, seq, 0x10, p, (t, 9), csum_mode='partial'))])
    c.write(os.path.join(d, 'csum-partial.pcap'))
    # cut 100 bytes into the last record: the FIN and the end of the last
    # data segment are missing; the truth is the bytes before the cut
    c = Capture(18)
    c.flow(sp, 40, 0)
    c.frames.pop()                 # the FIN
    last = c.frames[-1]
    size, digest = c.truth['10.0.0.1:%d' % sp]
    c.frames.append((last[0] + 10, last[1]))   # the last segment again, to be cut
    c.write(os.path.join(d, 'cut.pcap'), cut_last=100)

def vlan(b, n):
    tags = b''.join(struct.pack('!HH', 0x88a8 if i < n - 1 else 0x8100, 100 + i) for i in range(n))
    return b[:12] + tags + b[12:]

def sll(b):
    # packet type 0 (to us), ARPHRD_ETHER, address length 6, the source MAC
    return struct.pack('!HHH', 0, 1, 6) + b[6:12] + b'\0\0' + b[12:14] + b[14:]

def sll2(b):
    return b[12:14] + b'\0\0' + struct.pack('!IHBB', 2, 1, 0, 6) + b[6:12] + b'\0\0' + b[14:]

main()
