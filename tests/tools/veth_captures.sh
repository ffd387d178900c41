#!/bin/sh
# tests/tools/veth_captures.sh - remake the veth captures of tests/data (as
# root; a few seconds each). Real timing differs run to run: a remade
# capture has its own ground truth and GRO figures beside it.
set -eu
cd "$(dirname "$0")/../.."
cap() { python3 tests/tools/veth_capture.py "$@"; }
cap veth-1flow --flows 1 --bytes 600000
cap veth-4flow --flows 4 --bytes 150000
cap veth-8flow --flows 8 --bytes 75000
cap veth-loss-4flow --flows 4 --bytes 250000 --loss 1
cap veth-loss-1flow --flows 1 --bytes 400000 --loss 1
