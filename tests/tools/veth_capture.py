#!/usr/bin/env python3
"""tests/tools/veth_capture.py - real Linux TCP transfers captured twice:
on the wire and after the receiver's GRO. Run as root (network namespaces).

The sender and the receiver in network namespaces joined by a veth pair
(MTU 1500); with --loss or --reorder a router namespace sits between them
and the rule acts on the frames it forwards. The sender (and the router's
way out) have checksum, TSO and GSO offloads off, so every frame on the
receiver's link is one MSS-sized segment with a real TCP checksum; a router
takes frames in without GRO and forwards them one by one; the receiver has
GRO on, so what its stack gets are the kernel's merged skbs. tcpdump records
  NAME.pcap      on the receiver's link, at its far end (the sender's or
                 the router's veth): the wire, full frames (replay input);
  NAME.gro.pcap  on the receiver's veth: what GRO handed the stack
                 (headers only: 128 bytes a packet).
NAME.server.json holds the ground truth: per connection ("10.78.0.1:PORT")
the byte count and sha256 of what the receiving socket (10.79.0.2:5001)
read, the format of tests/tools/pcap_flows.py --check; NAME.meta.json how
the capture was made and, under "gro", the receiver side's data packets
and the wire segments they carry.

The senders are ordinary: a thread per connection writing 64 KB buffers
with sendall() as fast as TCP lets it (CUBIC, timestamps, SACK). Options:
loss (an nftables rule in the router dropping that share of the data
segments it forwards: single segments, as a lossy link would) and reorder
(netem on the router's way out holding that share of frames back by
200 us, so later frames overtake them; needs a kernel with netem).

usage: veth_capture.py NAME --flows N --bytes B [--loss PCT] [--reorder PCT]
                       [--outdir DIR]
Needs: iproute2, ethtool, tcpdump, nftables (`scripts/deps.sh capture` installs them).
"""
import argparse, hashlib, json, os, socket, struct, subprocess, sys, threading, time

NS_TX, NS_MID, NS_RX = 'npusim_cap_tx', 'npusim_cap_mid', 'npusim_cap_rx'
NAMESPACES = (NS_TX, NS_MID, NS_RX)
TX_IP, RX_IP, PORT = '10.78.0.1', '10.79.0.2', 5001


def sh(*args, check=True):
    return subprocess.run(list(args), check=check, capture_output=True, text=True)


def in_ns(ns, *args, check=True):
    return sh('ip', 'netns', 'exec', ns, *args, check=check)


def teardown():
    for ns in NAMESPACES:
        sh('ip', 'netns', 'del', ns, check=False)


def setup(args):
    """Sender and receiver joined by a veth pair, or with --loss/--reorder
    through a router between them (the rules act on the frames it forwards)."""
    teardown()
    for ns in NAMESPACES:
        sh('ip', 'netns', 'add', ns)
        in_ns(ns, 'ip', 'link', 'set', 'lo', 'up')
    if not routed(args):
        sh('ip', 'link', 'add', 'vtx', 'netns', NS_TX, 'type', 'veth', 'peer', 'name', 'vrx',
           'netns', NS_RX)
        for ns, dev, addr in ((NS_TX, 'vtx', TX_IP + '/15'), (NS_RX, 'vrx', RX_IP + '/15')):
            in_ns(ns, 'ip', 'addr', 'add', addr, 'dev', dev)
            in_ns(ns, 'ip', 'link', 'set', dev, 'mtu', '1500', 'up')
        in_ns(NS_TX, 'ethtool', '-K', 'vtx', 'tx', 'off', 'tso', 'off', 'gso', 'off')
        in_ns(NS_RX, 'ethtool', '-K', 'vrx', 'gro', 'on')
        return
    sh('ip', 'link', 'add', 'vtx', 'netns', NS_TX, 'type', 'veth', 'peer', 'name', 'vin',
       'netns', NS_MID)
    sh('ip', 'link', 'add', 'vout', 'netns', NS_MID, 'type', 'veth', 'peer', 'name', 'vrx',
       'netns', NS_RX)
    for ns, dev, addr in ((NS_TX, 'vtx', TX_IP + '/24'), (NS_MID, 'vin', '10.78.0.254/24'),
                          (NS_MID, 'vout', '10.79.0.254/24'), (NS_RX, 'vrx', RX_IP + '/24')):
        in_ns(ns, 'ip', 'addr', 'add', addr, 'dev', dev)
        in_ns(ns, 'ip', 'link', 'set', dev, 'mtu', '1500', 'up')
    in_ns(NS_TX, 'ip', 'route', 'add', 'default', 'via', '10.78.0.254')
    in_ns(NS_RX, 'ip', 'route', 'add', 'default', 'via', '10.79.0.254')
    in_ns(NS_MID, 'sysctl', '-qw', 'net.ipv4.ip_forward=1')
    # the wire: one MSS segment a frame, checksums computed in software
    for ns, dev in ((NS_TX, 'vtx'), (NS_MID, 'vout')):
        in_ns(ns, 'ethtool', '-K', dev, 'tx', 'off', 'tso', 'off', 'gso', 'off')
    # the hop forwards segment by segment (no GRO on its way in)
    in_ns(NS_MID, 'ethtool', '-K', 'vin', 'gro', 'off')
    # the receiver: GRO on (veth then receives through NAPI)
    in_ns(NS_RX, 'ethtool', '-K', 'vrx', 'gro', 'on')
    if args.loss:
        rules = ('add table inet npusim_loss; add chain inet npusim_loss lossy '
                 '{ type filter hook forward priority 0; }; add rule inet npusim_loss lossy '
                 'ip daddr %s tcp dport %d meta length > 100 numgen random mod 1000 < %d '
                 'counter drop' % (RX_IP, PORT, int(round(args.loss * 10))))
        in_ns(NS_MID, 'nft', rules)
    if args.reorder:
        in_ns(NS_MID, 'tc', 'qdisc', 'add', 'dev', 'vout', 'root', 'netem', 'delay', '200us',
              'reorder', '%g%%' % (100 - args.reorder))


def routed(args):
    return bool(args.loss or args.reorder)


def stream_bytes(name, i, n):
    """Stream i: sha256("name:i:k") digests for k = 0, 1, ... cut to n bytes."""
    out = bytearray()
    k = 0
    while len(out) < n:
        out += hashlib.sha256(('%s:%d:%d' % (name, i, k)).encode()).digest()
        k += 1
    return bytes(out[:n])


SERVER = r'''
import hashlib, json, socket, sys, threading
n, out = int(sys.argv[1]), sys.argv[2]
ls = socket.socket(); ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("%s", %d)); ls.listen(64)
print("listening", flush=True)
res, threads = {}, []
def serve(c, a):
    h, total = hashlib.sha256(), 0
    while True:
        d = c.recv(1 << 20)
        if not d: break
        h.update(d); total += len(d)
    res["%%s:%%d" %% a] = [total, h.hexdigest()]; c.close()
for _ in range(n):
    c, a = ls.accept(); t = threading.Thread(target=serve, args=(c, a)); t.start(); threads.append(t)
for t in threads: t.join()
json.dump(res, open(out, "w"), indent=1, sort_keys=True)
''' % (RX_IP, PORT)

CLIENT = r'''
import hashlib, socket, sys, threading, time
name, n, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def stream(i):
    out, k = bytearray(), 0
    while len(out) < size:
        out += hashlib.sha256(("%%s:%%d:%%d" %% (name, i, k)).encode()).digest(); k += 1
    return bytes(out[:size])
data = [stream(i) for i in range(n)]
socks = []
for i in range(n):   # opened in order: stream i is connection i
    s = socket.create_connection(("%s", %d)); socks.append(s)
def send(i):
    v = memoryview(data[i])
    for off in range(0, size, 65536):
        socks[i].sendall(v[off:off + 65536])
    socks[i].shutdown(socket.SHUT_WR); socks[i].recv(1); socks[i].close()
ts = [threading.Thread(target=send, args=(i,)) for i in range(n)]
for t in ts: t.start()
for t in ts: t.join()
''' % (RX_IP, PORT)


def packets(path):
    with open(path, 'rb') as f:
        hdr = f.read(24)
        endian = '<' if struct.unpack('<I', hdr[:4])[0] in (0xa1b2c3d4, 0xa1b23c4d) else '>'
        while True:
            rec = f.read(16)
            if len(rec) < 16:
                return
            _, _, incl, orig = struct.unpack(endian + 'IIII', rec)
            yield f.read(incl), orig


def tcp_payload_len(frame, orig):
    """(src ip:port, payload bytes) of a TCP/IPv4 frame to RX_IP, else None."""
    if frame[12:14] != b'\x08\x00' or frame[23] != 6:
        return None
    ip = frame[14:]
    if '.'.join(str(b) for b in ip[16:20]) != RX_IP:
        return None
    ihl = (ip[0] & 15) * 4
    total = struct.unpack('!H', ip[2:4])[0]
    tcp = ip[ihl:]
    doff = (tcp[12] >> 4) * 4
    src = '%s:%d' % ('.'.join(str(b) for b in ip[12:16]), struct.unpack('!H', tcp[0:2])[0])
    return src, total - ihl - doff


def gro_stats(wire, gro):
    """Segments per aggregate of the receiver's GRO: each received data
    packet carries ceil(payload / MSS) wire segments (GRO merges full-MSS
    segments, the last one may be short)."""
    mss = 0
    for frame, orig in packets(wire):
        r = tcp_payload_len(frame, orig)
        if r:
            mss = max(mss, r[1])
    pkts = segs = 0
    for frame, orig in packets(gro):
        r = tcp_payload_len(frame, orig)
        if r and r[1] > 0:
            pkts += 1
            segs += -(-r[1] // mss)
    return {'mss': mss, 'data_packets': pkts, 'segments': segs,
            'segments_per_aggregate': round(segs / pkts, 2) if pkts else 0}


def wait_quiet(paths):
    """Until tcpdump has written everything it holds (the files stop growing)."""
    sizes, still = None, 0
    for _ in range(100):
        time.sleep(0.3)
        now = [os.path.getsize(p) for p in paths]
        still = still + 1 if now == sizes else 0
        sizes = now
        if still >= 3:
            return


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('name')
    ap.add_argument('--flows', type=int, required=True)
    ap.add_argument('--bytes', type=int, required=True, help='per connection')
    ap.add_argument('--loss', type=float, default=0)
    ap.add_argument('--reorder', type=float, default=0)
    ap.add_argument('--outdir', default='tests/data')
    args = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit('veth_capture: needs root (network namespaces)')
    out = os.path.join(args.outdir, args.name)
    setup(args)
    dumps = []
    try:
        dumps.append(subprocess.Popen(['ip', 'netns', 'exec', *(
            ('npusim_cap_mid', 'tcpdump', '-i', 'vout') if routed(args) else
            ('npusim_cap_tx', 'tcpdump', '-i', 'vtx')), '-s',
                                       '0', '-U', '-w', out + '.pcap', 'tcp'],
                                      stderr=subprocess.PIPE))
        dumps.append(subprocess.Popen(['ip', 'netns', 'exec', NS_RX, 'tcpdump', '-i', 'vrx', '-s',
                                       '128', '-U', '-w', out + '.gro.pcap', 'tcp'],
                                      stderr=subprocess.PIPE))
        for d in dumps:   # wait until tcpdump listens
            while b'listening' not in d.stderr.readline():
                pass
        truth_tmp = out + '.server.tmp'
        srv = subprocess.Popen(['ip', 'netns', 'exec', NS_RX, sys.executable, '-c', SERVER,
                                str(args.flows), truth_tmp], stdout=subprocess.PIPE, text=True)
        srv.stdout.readline()
        in_ns(NS_TX, sys.executable, '-c', CLIENT, args.name, str(args.flows), str(args.bytes))
        if srv.wait(timeout=120) != 0:
            sys.exit('veth_capture: the receiving server failed')
        wait_quiet([out + '.pcap', out + '.gro.pcap'])
        dropped = 0
        if args.loss:
            rules = in_ns(NS_MID, 'nft', 'list', 'table', 'inet', 'npusim_loss').stdout
            dropped = int(rules.split('counter packets ')[1].split()[0])
    finally:
        for d in dumps:
            d.terminate()
            err = d.communicate()[1].decode()
            got = [int(l.split()[0]) for l in err.splitlines() if 'packets' in l]
            if len(got) < 3 or got[0] != got[1] or got[2] != 0:
                sys.exit('veth_capture: tcpdump lost packets: ' + err)
        teardown()
    truth = json.load(open(truth_tmp))
    os.unlink(truth_tmp)
    digests = {hashlib.sha256(stream_bytes(args.name, i, args.bytes)).hexdigest()
               for i in range(args.flows)}
    for key, (n, digest) in truth.items():
        if n != args.bytes or digest not in digests:
            sys.exit('veth_capture: %s received %d bytes, not the %d sent' % (key, n, args.bytes))
    with open(out + '.server.json', 'w') as f:
        json.dump(truth, f, indent=1, sort_keys=True)
    meta = {'gro': gro_stats(out + '.pcap', out + '.gro.pcap'),
            'flows': args.flows, 'bytes_each': args.bytes, 'loss_pct': args.loss,
            'reorder_pct': args.reorder, 'routed': routed(args), 'segments_dropped': dropped, 'kernel': os.uname().release}
    with open(out + '.meta.json', 'w') as f:
        json.dump(meta, f, indent=1, sort_keys=True)
    print('%s: %d flows x %d bytes, %d segments dropped; GRO %.2f segments/aggregate' %
          (args.name, args.flows, args.bytes, dropped, meta['gro']['segments_per_aggregate']))


if __name__ == '__main__':
    main()
