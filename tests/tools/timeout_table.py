#!/usr/bin/env python3
"""tests/tools/timeout_table.py - the receive-timeout rules compared on the
real captures of tests/data: segments per aggregate for each rule of
`npusim replay --timeout-rule`, for Linux GRO (the receiver-side capture,
NAME.meta.json) and for DPDK GRO (bench/dpdk_gro, table mode, when built),
and how long a segment waits in the engine (median and p99, replay's
timestamps). Every replay is checked byte for byte against the capture's
ground truth (tests/tools/pcap_flows.py). Prints a Markdown table.

usage: timeout_table.py NPUSIM [DPDK_GRO]   (run from the project's top)
"""
import json, os, re, subprocess, sys, tempfile

RULES = ('paper', 'floor', 'gap')
# capture, receiver address (the data direction)
CAPTURES = [('veth-1flow', '10.79.0.2'), ('veth-4flow', '10.79.0.2'), ('veth-8flow', '10.79.0.2'),
            ('veth-loss-1flow', '10.79.0.2'), ('veth-loss-4flow', '10.79.0.2'),
            ('dev-clean-2conn', '10.77.0.2'), ('dev-loss-2conn', '10.77.0.2'),
            ('dev-reorder-2conn', '10.77.0.2')]


def replay(npusim, name, dst, rule, tmp):
    out = os.path.join(tmp, '%s.%s.pcap' % (name, rule))
    text = subprocess.run([npusim, 'replay', 'tests/data/%s.pcap' % name, '-o', out, '--filter',
                           'dst host ' + dst, '--timeout-rule', rule], check=True,
                          capture_output=True, text=True).stdout
    ratio = float(re.search(r'aggregation ratio: ([0-9.]+)', text).group(1))
    hold = re.search(r'hold time: median ([0-9.]+) us, p99 ([0-9.]+) us', text)
    check = subprocess.run([sys.executable, 'tests/tools/pcap_flows.py', out, dst, '--check',
                            'tests/data/%s.server.json' % name], capture_output=True, text=True)
    return ratio, float(hold.group(1)), float(hold.group(2)), check.returncode == 0


def dpdk(gro, name):
    if not gro:
        return None
    text = subprocess.run([gro, 'tests/data/%s.pcap' % name, '--seconds', '0.05'],
                          capture_output=True, text=True).stdout
    m = re.search(r'bench: dpdk_gro_aggregation_ratio ([0-9.]+)', text)
    v = re.search(r'bench: dpdk_gro_verified (\w+)', text)
    return (float(m.group(1)), v.group(1) == 'yes') if m and v else None


def main():
    npusim = sys.argv[1]
    gro = sys.argv[2] if len(sys.argv) > 2 and os.path.exists(sys.argv[2]) else None
    head = '| capture | Linux GRO | DPDK GRO |' + ''.join(' %s |' % r for r in RULES)
    head += ''.join(' %s hold med / p99 (us) |' % r for r in RULES)
    print(head)
    print('|---' * (3 + 2 * len(RULES)) + '|')
    exact = True
    with tempfile.TemporaryDirectory() as tmp:
        for name, dst in CAPTURES:
            meta = 'tests/data/%s.meta.json' % name
            linux = ('%.2f' % json.load(open(meta))['gro']['segments_per_aggregate']
                     if os.path.exists(meta) else 'n/a')
            d = dpdk(gro, name)
            row = '| %s | %s | %s |' % (name, linux, ('%.2f' % d[0]) + ('' if d[1] else ' (bytes differ)')
                                        if d else 'not built')
            holds = ''
            for rule in RULES:
                ratio, med, p99, ok = replay(npusim, name, dst, rule, tmp)
                exact = exact and ok
                row += ' %.2f%s |' % (ratio, '' if ok else ' NOT byte-exact')
                holds += ' %.0f / %.0f |' % (med, p99)
            print(row + holds)
    print('\nEvery replay byte-exact against the ground truth: %s' % ('yes' if exact else 'NO'))
    sys.exit(0 if exact else 1)


if __name__ == '__main__':
    main()
