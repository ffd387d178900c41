#!/usr/bin/env python3
"""tests/tools/pcap_times.py OUT.pcap - one line per TCP frame of a capture
(Ethernet, IPv4): "seconds flags seq payload_bytes", to check when replay
wrote what. Standard library only."""
import struct, sys

def main():
    with open(sys.argv[1], 'rb') as f:
        magic = struct.unpack('<I', f.read(24)[:4])[0]
        e = '<' if magic in (0xa1b2c3d4, 0xa1b23c4d) else '>'
        nano = magic in (0xa1b23c4d, 0x4d3cb2a1)
        while True:
            rec = f.read(16)
            if len(rec) < 16:
                return
            sec, frac, incl, _ = struct.unpack(e + 'IIII', rec)
            fr = f.read(incl)
            if fr[12:14] != b'\x08\x00' or fr[23] != 6:
                continue
            ip = fr[14:]
            ihl = (ip[0] & 15) * 4
            total = struct.unpack('!H', ip[2:4])[0]
            tcp = ip[ihl:total]
            seq = struct.unpack('!I', tcp[4:8])[0]
            doff = (tcp[12] >> 4) * 4
            print('%.9f %#04x %d %d' % (sec + frac / (1e9 if nano else 1e6), tcp[13], seq,
                                        len(tcp) - doff))

main()
