#!/usr/bin/env python3
"""scripts/sensitivity-table.py DIR - the tables of docs/CALIBRATION.md's
"Sensitivity" section from DIR/sensitivity.csv (npusim sensitivity): per
headline output, the baseline and each parameter by the size of its
one-at-a-time effect, with its Morris mu* and sigma."""
import csv
import sys

TITLES = {
    "plateau_gbps": "LRO plateau (median of 32, 48, 64 connections), Gbit/s",
    "lro_1conn_gbps": "LRO at 1 connection, Gbit/s",
    "nic_level_gbps": "plain NIC (median of 32, 48, 64 connections), Gbit/s",
    "knee_connections": "knee: fewest connections reaching 90 % of the plateau",
    "starvation_established": "SYN starvation run: connections established (of 64)",
}


def main(d):
    rows = list(csv.DictReader(open(f"{d}/sensitivity.csv")))
    outputs = []
    for r in rows:
        if r["output"] not in outputs:
            outputs.append(r["output"])
    for o in outputs:
        mine = [r for r in rows if r["output"] == o]
        mine.sort(key=lambda r: -abs(float(r["effect"])))
        print(f"**{TITLES.get(o, o)}** (`{o}`; baseline {float(mine[0]['baseline']):.4g})\n")
        print("| parameter | low .. high | at low | at high | effect | Morris mu* | sigma |")
        print("|---|---|---|---|---|---|---|")
        for r in mine:
            def f(k):
                v = float(r[k])
                return "-" if v != v else f"{v:.3g}"
            print(f"| `{r['parameter']}` | {r['low']} .. {r['high']} | {f('value_at_low')} | "
                  f"{f('value_at_high')} | {f('effect')} | {f('morris_mu_star')} | {f('morris_sigma')} |")
        print()


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: scripts/sensitivity-table.py DIR")
    main(sys.argv[1])
