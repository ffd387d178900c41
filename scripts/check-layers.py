#!/usr/bin/env python3
"""scripts/check-layers.py - the layers of docs/ARCHITECTURE.md ("Layers, and
the two HALs") as a test: every #include of the layers' sources is held against
the table below. Exit 0 when all are allowed; 1, naming file, line and the
rule, when one is not.

usage: check-layers.py [--root DIR]   (DIR: the tree to check, default .)

Rules (sim <- model <- host <- cli; firmware stands apart):
  sim/       its own headers; system headers (libc)
  model/     sim/, its own, firmware/hal.h (model/hal_sim.c implements it)
  firmware/  its own headers; of the system's only the freestanding ones
             (and the vector intrinsics csum.c takes behind an architecture test)
  host/      sim/, model/'s public headers, firmware/nic_abi.h, its own
  traces/    sim/, the firmware engine's API (lro.h, lro_policy.h, csum.h, hal.h), its own;
             libpcap
  cli/       everything
A header named *_internal.h belongs to its folder: no other may include it.
A header not in the tree is a generated one (build/gen/): a layer may name
its own (traces/native_names.h); cli, any.
libpcap (<pcap...>) only in traces/ and cli/ (and tests, bench).
"""
import os
import re
import sys

LAYERS = ["sim", "model", "firmware", "host", "traces", "cli"]

# what each layer may include from the tree besides its own folder:
# "dir/" a whole folder, "dir/file.h" one header
ALLOWED = {
    "sim": [],
    "model": ["sim/", "firmware/hal.h"],
    "firmware": [],
    "host": ["sim/", "model/", "firmware/nic_abi.h"],
    "traces": ["sim/", "firmware/lro.h", "firmware/lro_policy.h", "firmware/csum.h", "firmware/hal.h"],
    "cli": ["sim/", "model/", "firmware/", "host/", "traces/"],
}

# system headers the firmware may use: freestanding C, and the vector
# units' intrinsics behind an architecture test (docs/ARCHITECTURE.md)
FIRMWARE_SYSTEM = {"stdint.h", "stddef.h", "stdbool.h", "string.h",
                   "immintrin.h", "arm_neon.h"}

PCAP_LAYERS = {"traces", "cli"}

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


def tree_header(root, layer, name):
    """The tree's header an #include "name" names, or None (a generated one)."""
    return name if os.path.exists(os.path.join(root, name)) else None


def check_include(root, layer, kind, name):
    """None if allowed, else why not."""
    if kind == "<":
        if layer == "firmware" and name not in FIRMWARE_SYSTEM:
            return "firmware/ includes only freestanding C headers, not <%s>" % name
        if name.startswith("pcap") and layer not in PCAP_LAYERS:
            return "%s/ may not use libpcap (<%s>): traces/ holds it" % (layer, name)
        return None
    if tree_header(root, layer, name) is None:
        if layer == "cli" or name.startswith(layer + "/"):
            return None        # a generated header of its own (build/gen/<layer>/)
        return 'no header "%s" in the tree' % name
    folder = name.split("/", 1)[0] + "/"
    base = os.path.basename(name)
    if base.endswith("_internal.h") and folder != layer + "/":
        return '"%s" is internal to %s' % (name, folder)
    if folder == layer + "/":
        return None
    for rule in ALLOWED[layer]:
        if name == rule or (rule.endswith("/") and name.startswith(rule)):
            return None
    return '%s/ may not include "%s" (docs/ARCHITECTURE.md, Layers)' % (layer, name)


def main(argv):
    root = "."
    if len(argv) == 3 and argv[1] == "--root":
        root = argv[2]
    elif len(argv) != 1:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    bad = 0
    files = 0
    for layer in LAYERS:
        folder = os.path.join(root, layer)
        if not os.path.isdir(folder):
            continue
        for f in sorted(os.listdir(folder)):
            if not f.endswith((".c", ".h", ".inc", ".S")):
                continue
            path = os.path.join(layer, f)
            files += 1
            with open(os.path.join(root, path), encoding="utf-8") as src:
                for n, line in enumerate(src, 1):
                    m = INCLUDE.match(line)
                    if not m:
                        continue
                    why = check_include(root, layer, m.group(1), m.group(2))
                    if why:
                        print("%s:%d: %s" % (path, n, why))
                        bad += 1
    if bad:
        print("check-layers: %d forbidden include(s) in %d files" % (bad, files))
        return 1
    print("check-layers: %d files, every include within its layer's rules" % files)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
