#!/usr/bin/env python3
"""scripts/fw_costs.py - the firmware's measured costs (make costs).

Runs the cost harness (tests/fw_target/costs.c, big-endian MIPS64, the
firmware built with its cost annotations compiled out) under qemu-mips64
with one instruction per translation block and an exec trace restricted
(-dfilter) to the firmware's own functions and the C library's memcpy and
memset it calls; every trace line is one executed firmware instruction.
The harness marks each region with a call of mark(); regions come in pairs
(n and 2n repetitions, or two sizes of one parameter) and every cost below
is a difference of two regions, so set-up and fixed overhead cancel.

Writes the table (model/fw_costs.tsv) and the header the model compiles
(model/fw_costs.h). docs/CALIBRATION.md describes the method and the CPI.

usage: fw_costs.py --binary B --objs O... --hash SHA --table T --header H
       [--qemu Q] [--nm NM] [--addr2line A] [--cpi C] [--keep-log F]
"""
import argparse
import collections
import os
import subprocess
import sys
import tempfile

# The model's cost vocabulary (firmware/hal.h enum hal_cost), in enum order.
OPS = [
    ("parse", "HAL_COST_PARSE"),
    ("hash", "HAL_COST_HASH"),
    ("hash_probe", "HAL_COST_HASH_PROBE"),
    ("list_step", "HAL_COST_LIST_STEP"),
    ("csum_8b", "HAL_COST_CSUM_8B"),
    ("header_rewrite", "HAL_COST_HEADER_REWRITE"),
    ("desc", "HAL_COST_DESC"),
    ("ack_build", "HAL_COST_ACK_BUILD"),
    ("queue_op", "HAL_COST_QUEUE_OP"),
    ("msg", "HAL_COST_MSG"),
    ("ring", "HAL_COST_RING"),
    ("timeout_scan", "HAL_COST_TIMEOUT_SCAN"),
]

# TCP checksum units the engine charges for a segment: (tcp_len + 7) / 8
# with a 32-byte TCP header (timestamps).
def csum_units(payload):
    return (32 + payload + 7) // 8


def die(msg):
    sys.stderr.write("fw_costs.py: %s\n" % msg)
    sys.exit(1)


def symbols(nm, path, defined_text_only):
    """name -> [(addr, size)] of the text symbols of an object or binary."""
    out = subprocess.run([nm, "-S", "--defined-only", path], check=True,
                         capture_output=True, text=True).stdout
    syms = collections.defaultdict(list)
    for line in out.splitlines():
        f = line.split()
        if len(f) == 4 and f[2] in "tTwW":
            syms[f[3]].append((int(f[0], 16), int(f[1], 16)))
        elif len(f) == 3 and defined_text_only and f[1] in "tTwW":
            syms[f[2]].append((int(f[0], 16), 0))
    return syms


def trace(args, ranges):
    """Runs the harness; returns (region names, per-region Counter of PCs)."""
    dfilter = ",".join("0x%x+0x%x" % (a, s) for a, s in ranges)
    with tempfile.TemporaryDirectory() as tmp:
        log = args.keep_log or os.path.join(tmp, "trace.log")
        run = subprocess.run([args.qemu, "-singlestep", "-d", "exec,nochain", "-dfilter",
                              dfilter, "-D", log, args.binary],
                             capture_output=True, text=True)
        if run.returncode != 0 or not run.stdout.rstrip().endswith("done"):
            die("the harness failed:\n" + run.stdout + run.stderr)
        names = [l.split(None, 1)[1] for l in run.stdout.splitlines()
                 if l.startswith("region ")]
        mark_lo, mark_size = ranges[0]
        regions, current = [], None
        with open(log, "r", errors="replace") as f:
            for line in f:
                if not line.startswith("Trace"):
                    continue
                i = line.index("/")
                pc = int(line[i + 1:i + 17], 16)
                if mark_lo <= pc < mark_lo + mark_size:
                    if pc == mark_lo:
                        if current is None:
                            current = collections.Counter()
                        else:
                            regions.append(current)
                            current = None
                    continue
                if current is not None:
                    current[pc] += 1
    if current is not None or len(regions) != len(names):
        die("%d regions announced, %d traced" % (len(names), len(regions)))
    return names, regions


def functions_of(a2l, binary, pcs):
    """pc -> innermost function (inlined functions count as themselves)."""
    pcs = sorted(pcs)
    out = subprocess.run([a2l, "-a", "-f", "-i", "-e", binary] + ["0x%x" % p for p in pcs],
                         check=True, capture_output=True, text=True).stdout.splitlines()
    result, i = {}, 0
    while i < len(out):
        if out[i].startswith("0x"):
            pc = int(out[i], 16)
            result[pc] = out[i + 1].split(".")[0] if i + 1 < len(out) else "?"
            i += 2
            while i < len(out) and not out[i].startswith("0x"):
                i += 1
        else:
            i += 1
    return result


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--check-header", action="store_true",
                    help="only check that the header is the table's")
    ap.add_argument("--binary")
    ap.add_argument("--objs", nargs="+")
    ap.add_argument("--hash")
    ap.add_argument("--table", required=True)
    ap.add_argument("--header", required=True)
    ap.add_argument("--qemu", default="qemu-mips64")
    ap.add_argument("--nm", default="mips64-linux-gnuabi64-nm")
    ap.add_argument("--addr2line", default="mips64-linux-gnuabi64-addr2line")
    ap.add_argument("--cpi", type=float, default=1.0)
    ap.add_argument("--keep-log")
    args = ap.parse_args()
    if args.check_header:
        check_header(args.table, args.header)
        return
    if not (args.binary and args.objs and args.hash):
        die("--binary, --objs and --hash are needed to measure")

    binsyms = symbols(args.nm, args.binary, False)
    if "mark" not in binsyms:
        die("no mark() in the harness")
    fw_names = set()
    for o in args.objs:
        fw_names.update(symbols(args.nm, o, True).keys())
    fw_names.update(["memcpy", "memset"])
    ranges = [binsyms["mark"][0]]
    for name in sorted(fw_names):
        for a, s in binsyms.get(name, []):
            if s:
                ranges.append((a, s))
    names, regions = trace(args, ranges)

    I = {}
    for n, r in zip(names, regions):
        I[n] = (sum(r.values()), r)

    def count(name, param):
        key = "%s %d" % (name, param)
        if key not in I:
            die("region %s missing" % key)
        return I[key][0]

    def slope(name, p1, p2):
        return (count(name, p2) - count(name, p1)) / (p2 - p1)

    def attributed(name, p1, p2, funcs):
        """Instructions of the functions funcs per repetition."""
        pcs = set(I["%s %d" % (name, p1)][1]) | set(I["%s %d" % (name, p2)][1])
        fn = functions_of(args.addr2line, args.binary, pcs)
        def part(p):
            r = I["%s %d" % (name, p)][1]
            return sum(c for pc, c in r.items() if fn.get(pc) in funcs)
        return (part(p2) - part(p1)) / (p2 - p1)

    m = {}
    how = {}
    u200 = slope("unknown200", 100, 200)
    u1448 = slope("unknown1448", 100, 200)
    m["csum_8b"] = (u1448 - u200) / (csum_units(1448) - csum_units(200))
    how["csum_8b"] = "frame of no known flow, 1448 vs 200 payload bytes: difference per 8 bytes checksummed"
    m["hash"] = attributed("unknown200", 100, 200, {"tuple_hash", "bucket_of"})
    how["hash"] = "instructions of tuple_hash and bucket_of per lookup (addr2line, inlined code included)"
    m["hash_probe"] = (count("chain", 5) - count("chain", 1)) / (4 * 100)
    how["hash_probe"] = "pure ACK of the flow 5th vs 1st in its hash chain: difference per step"
    m["list_step"] = (count("insert", 14) - count("insert", 2)) / (12 * 50)
    how["list_step"] = "out-of-order insert walking 14 vs 2 held segments: difference per step"
    append = slope("append", 20, 40)
    m["parse"] = (append - m["hash"] - m["hash_probe"] - csum_units(1448) * m["csum_8b"]
                  - m["list_step"])
    how["parse"] = ("in-order 1448-byte segment appended (no ACK, no delivery; %.0f) less hash, "
                    "one probe, its checksum and one list step" % append)
    m["ack_build"] = slope("append_ack", 20, 40) - append
    how["ack_build"] = "in-order segment with the active ACK less without"
    d4, d36 = count("deliver", 4180), count("deliver", 36180)
    per_delivery = (d4 - d36) / (45 - 5)
    d_seg = (d36 - 180 * append - 5 * per_delivery) / 180
    # the model charges a delivery header_rewrite + (segments - 1) list steps:
    # make a 45-segment aggregate (64 KB of 1448-byte segments) cost what it measured
    m["header_rewrite"] = per_delivery + 45 * d_seg - 44 * m["list_step"]
    how["header_rewrite"] = ("aggregate delivered: %.0f per delivery + %.1f per segment "
                             "(4- vs 36-segment aggregates), taken at 45 segments less "
                             "44 list steps" % (per_delivery, d_seg))
    m["desc"] = attributed("conn", 50, 100, {"open_conn", "conn_free", "free_queue_put",
                                             "free_queue_take"}) / 2
    how["desc"] = "instructions of open_conn and conn_free (hash excluded) per SYN+FIN pair, halved"
    rx = slope("rx", 20, 40)
    msg_recv = rx - append
    msg_send = slope("rx_ack", 20, 40) - rx - m["ack_build"]
    m["msg"] = (msg_recv + msg_send) / 2
    how["msg"] = ("mean of receive glue (rx thread less engine per frame: %.0f) and send glue "
                  "(ACK handed to the MAC less its build: %.0f)" % (msg_recv, msg_send))
    r4, r36 = count("rx_deliver", 4180), count("rx_deliver", 36180)
    rx_per_delivery = (r4 - r36) / 40
    m["ring"] = (rx_per_delivery - per_delivery) / 2
    how["ring"] = ("rx thread's cost per delivery (%.0f) less the engine's, halved (descriptor "
                   "filled, then published)" % rx_per_delivery)
    m["queue_op"] = slope("balancer", 26, 52) / 2
    how["queue_op"] = "balancer: request taken and forwarded, per request, halved"
    m["timeout_scan"] = (count("scan", 64) - count("scan", 16)) / (13 * 48)
    how["timeout_scan"] = "timeout scan of 13 x 64 vs 13 x 16 descriptors: per descriptor"
    t_seg = (r36 - 180 * rx - 5 * rx_per_delivery) / 180

    for op, _ in OPS:
        if m[op] <= 0:
            die("%s measured %.2f instructions: the harness is broken" % (op, m[op]))

    tmp = args.table + ".tmp"
    with open(tmp, "w") as f:
        f.write("# model/fw_costs.tsv - the firmware's measured costs; generated by `make costs`\n")
        f.write("# (scripts/fw_costs.py, tests/fw_target/costs.c), do not edit. The hash is of\n")
        f.write("# firmware/*.c and *.h; `make check-costs` fails when it no longer matches.\n")
        f.write("firmware-sha256\t%s\n" % args.hash)
        f.write("cpi\t%g\n" % args.cpi)
        f.write("op\tinstructions\tcycles\tmeasured_by\n")
        for op, _ in OPS:
            cyc = max(1, int(round(m[op] * args.cpi)))
            f.write("%s\t%.2f\t%d\t%s\n" % (op, m[op], cyc, how[op]))
        f.write("# also measured, not model parameters: rx thread per delivered segment %.1f "
                "(DMA request sent, completion taken); engine per delivered segment %.1f\n"
                % (t_seg, d_seg))
    os.replace(tmp, args.table)
    write_header(args.table, args.header)


def check_header(table, header):
    with tempfile.TemporaryDirectory() as tmp:
        want = os.path.join(tmp, "h")
        write_header(table, want)
        with open(want) as a, open(header) as b:
            if a.read() != b.read():
                die("%s is not the one %s gives: run make costs" % (header, table))


def write_header(table, header):
    cycles = {}
    with open(table) as f:
        for line in f:
            fld = line.rstrip("\n").split("\t")
            if len(fld) == 4 and fld[0] in dict(OPS):
                cycles[fld[0]] = int(fld[2])
    tmp = header + ".tmp"
    with open(tmp, "w") as f:
        f.write("/* model/fw_costs.h - generated by `make costs` from model/fw_costs.tsv (the\n")
        f.write(" * firmware's measured instruction counts, docs/CALIBRATION.md); do not edit. */\n")
        f.write("#ifndef MODEL_FW_COSTS_H\n#define MODEL_FW_COSTS_H\n\n")
        f.write("/* cycles per firmware operation, in enum hal_cost order */\n")
        f.write("#define FW_COSTS_CYCLES { \\\n")
        for op, enum in OPS:
            f.write("\t[%s] = %d, \\\n" % (enum, cycles[op]))
        f.write("}\n\n#endif\n")
    os.replace(tmp, header)


if __name__ == "__main__":
    main()
