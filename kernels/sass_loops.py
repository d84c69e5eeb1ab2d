#!/usr/bin/env python3
"""sass_loops.py: the loops of every kernel in a SASS dump, with what one trip issues.

Reads the output of `cuobjdump -sass BINARY` (plain or .gz; kernels/measurements/sass-*.txt.gz
are such dumps, stored with provenance) and prints, per kernel and per loop (a backward branch
to an earlier address; loops nest) of the cubin for --arch (default sm_90: what an H100 or
H200 runs; a binary built for sm_80 and sm_90 holds a copy of each kernel for each), the
instructions one trip of the loop body issues by class (the classes of sass_mix.py), and the
global loads' round trips: a round trip ends where an instruction reads a register an
outstanding LDG writes, so "LDG 4 in 4 round trips" means each load waits for the one before
(one request in flight per thread) and "LDG 16 in 1" that all sixteen are in flight together.
Regions a forward branch may skip are counted with the body (static counts; the simulator's
parameters cite the loop and say which part they use).

Python standard library only.
usage: python3 kernels/sass_loops.py DUMP [--arch sm_90] [--kernel SUBSTRING] [--out FILE]
"""
import argparse
import collections
import datetime
import gzip
import re
import shlex
import sys

import sass_mix

INST = re.compile(r"\s*/\*([0-9a-f]{4,})\*/\s+(.*?)\s*;")
REG = re.compile(r"\bR(\d+)\b")


def classify(ins):
    op = re.sub(r"^@!?U?P\w+\s+", "", ins).split()[0]
    base = op.split(".")[0]
    if base == "MUFU" and ".EX2" in op:
        return "MUFU.EX2"
    for name, ops in sass_mix.CLASSES:
        if base in ops:
            return name
    return base


def operands(ins):
    """(destination registers, source registers) of one instruction (first operand = dest)."""
    body = re.sub(r"^@!?U?P\w+\s+", "", ins)
    parts = body.split(None, 1)
    if len(parts) < 2:
        return set(), set()
    args = [a.strip() for a in parts[1].split(",")]
    op = parts[0].split(".")[0]
    stores = op.startswith("ST") or op in ("RED", "ATOM", "BAR", "BRA")
    dest = set() if stores else {int(r) for r in REG.findall(args[0])}
    srcs = {int(r) for a in (args if stores else args[1:]) for r in REG.findall(a)}
    # 64-bit loads (LDG.E.64) write a register pair, .128 four registers
    if not stores and ".128" in parts[0]:
        dest |= {r + i for r in list(dest) for i in range(4)}
    elif not stores and ".64" in parts[0]:
        dest |= {r + 1 for r in list(dest)}
    return dest, srcs


def round_trips(body):
    """Global-load round trips in a straight walk of the body (see the module docstring)."""
    pending, trips, loads = set(), 0, 0
    for ins in body:
        dest, srcs = operands(ins)
        if pending and srcs & pending:
            trips += 1
            pending = set()
        if classify(ins) == "LDG" or re.search(r"\bLDG\b", ins):
            loads += 1
            pending |= dest
    if pending:
        trips += 1
    return loads, trips


# "arch = sm_90" in a dump of a fat binary; "code for sm_90" in a dump of one cubin.
ARCH = re.compile(r"^\s*(?:arch = |code for )(sm_\w+)", re.M)


def kernels(text):
    """(arch, name, instructions) of every function, arch from the cubin's "arch = " (or "code for ") line."""
    arch = ""
    for i, chunk in enumerate(re.split(r"\n\s*Function : ", text)):
        if i > 0:
            name = chunk.split("\n", 1)[0].strip()
            insts = [(int(m.group(1), 16), m.group(2)) for m in map(INST.match, chunk.split("\n")) if m]
            yield arch, name, insts
        found = ARCH.findall(chunk)  # the cubin the next function belongs to
        if found:
            arch = found[-1]


def report(arch, name, insts, out):
    index = {a: i for i, (a, _) in enumerate(insts)}
    loops = []
    for i, (a, ins) in enumerate(insts):
        m = re.search(r"\bBRA\b.*?0x([0-9a-f]+)", ins)
        if m and int(m.group(1), 16) <= a and int(m.group(1), 16) in index:
            loops.append((index[int(m.group(1), 16)], i))
    out.write("## %s %s (%d instructions, %d loops)\n" % (arch, name, len(insts), len(loops)))
    for lo, hi in sorted(loops):
        body = [ins for _, ins in insts[lo:hi + 1]]
        depth = sum(1 for a, b in loops if a <= lo and hi <= b and (a, b) != (lo, hi))
        c = collections.Counter(classify(ins) for ins in body)
        loads, trips = round_trips(body)
        inner = [(a, b) for a, b in loops if lo <= a and b <= hi and (a, b) != (lo, hi)]
        out.write("   %sloop 0x%04x..0x%04x: %d instructions%s; LDG %d in %d round trips\n" % (
            "  " * depth, insts[lo][0], insts[hi][0], len(body),
            " (inner loops included)" if inner else "", loads, trips))
        out.write("   %s  %s\n" % ("  " * depth, ", ".join("%s %d" % kv for kv in c.most_common())))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dump")
    ap.add_argument("--kernel", default="", help="only kernels whose mangled name contains this")
    ap.add_argument("--arch", default="sm_90",
                    help="the cubin's architecture (a binary built for several holds one copy of each kernel per "
                         "arch; the GPU runs the one of its compute capability: sm_90 or sm_90a on an H100 or H200); "
                         "a kernel built only for sm_90a is taken from it when --arch is sm_90")
    ap.add_argument("--out", help="write provenance and loops here (else stdout)")
    a = ap.parse_args()
    opener = gzip.open if a.dump.endswith(".gz") else open
    with opener(a.dump, "rt") as f:
        text = f.read()
    out = open(a.out, "w") if a.out else sys.stdout
    first = text.split("\n", 1)[0]
    out.write("# kernels/sass_loops.py: loops of each kernel and what one trip issues (static SASS)\n")
    out.write("# date: %s\n" % datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))
    out.write("# dump: %s (its first line: %s)\n" % (a.dump, first.strip()))
    out.write("# command: %s\n" % " ".join(shlex.quote(x) for x in ["python3"] + sys.argv))
    seen = set()
    for arch, name, insts in kernels(text):
        if a.kernel not in name or name in seen or arch.rstrip("a") != a.arch.rstrip("a"):
            continue
        seen.add(name)
        report(arch, name, insts, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
