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

--chain adds, for each innermost loop, the cycles one trip takes when a single warp runs it and
each instruction waits for the registers and predicates it reads (in order, one instruction per
cycle at most): the dependent-chain latency that more warps would hide and a CTA's own warps
cannot. Latencies per producer class come from kernels/micro/issue_latency (--lat-alu: a
dependent FFMA, every other fixed-latency instruction taken alike; --lat-mufu: a dependent
ex2; --lat-lds: a shared-memory pointer chase step less its LEA); a global load's result counts
as ready at once (its round trip is timed apart, "LDG ... round trips"). The trip is the mean of
trips 2-5 of six run back to back, and the chain is broken down into the latencies and single
issue slots on its critical path.

Python standard library only.
usage: python3 kernels/sass_loops.py DUMP [--arch sm_90] [--kernel SUBSTRING] [--out FILE] [--chain]
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


PRED = re.compile(r"\bP(\d)\b")
GUARD = re.compile(r"^@!?(P\d)\s+")


def dependences(ins):
    """(destinations, sources) of one instruction as names (R5, P3): registers and predicates,
    the first operand the destination (none for stores, reductions, barriers and branches),
    a wide load's (.64, .128) register pair or quad, the guard predicate a source; predicates
    right after the first operand (LEA R4, P0, ...; FSETP P3, PT, ...) are written."""
    guard = GUARD.match(ins)
    body = re.sub(r"^@!?U?P\w+\s+", "", ins)
    parts = body.split(None, 1)
    srcs = {guard.group(1)} if guard else set()
    if len(parts) < 2:
        return set(), srcs
    args = [a.strip() for a in parts[1].split(",")]
    op = parts[0].split(".")[0]
    names = lambda a: {"R" + r for r in REG.findall(a)} | {"P" + p for p in PRED.findall(a)}
    if op.startswith("ST") or op in ("RED", "ATOM", "BAR", "BRA", "EXIT", "BSYNC", "BSSY", "WARPSYNC"):
        return set(), srcs | {n for a in args for n in names(a)}
    dest = names(args[0])
    k = 1
    while k < len(args) and re.fullmatch(r"!?P(\d|T)", args[k]):
        dest |= {"P" + p for p in PRED.findall(args[k])}
        k += 1
    wide = 4 if ".128" in parts[0] else 2 if ".64" in parts[0] else 1
    dest |= {"R%d" % (int(r) + i) for r in REG.findall(args[0]) for i in range(1, wide)}
    return dest, srcs | {n for a in args[k:] for n in names(a)}


def latency_class(ins):
    c = classify(ins)
    if c.startswith("MUFU"):
        return "mufu"
    if c == "LDS":
        return "lds"
    if c == "LDG" or re.search(r"\bLDG\b", ins):
        return "ldg"
    return "alu"


def chain(body, lat, trips=6):
    """One warp's cycles per trip of `body` run back to back, in order, each instruction issued
    one cycle after the last at the earliest and when what it reads is ready; and the critical
    path of one trip as counts of latencies by class and single issue slots."""
    deps = [dependences(ins) for ins in body]
    kinds = [latency_class(ins) for ins in body]
    ready, issue, why, firsts = {}, [], [], []
    last = -1.0
    for t in range(trips):
        for i, (dest, srcs) in enumerate(deps):
            at, by = last + 1, ("slot", len(issue) - 1)
            for r in srcs:
                if r in ready and ready[r][0] > at:
                    at, by = ready[r][0], (ready[r][1], ready[r][2])
            if i == 0:
                firsts.append(len(issue))
            issue.append(at)
            why.append(by)
            for r in dest:
                ready[r] = (at + lat[kinds[i]], kinds[i], len(issue) - 1)
            last = at
    period = (issue[firsts[-1]] - issue[firsts[1]]) / (trips - 2)
    # Walk back one trip from the first instruction of the last trip.
    counts = collections.Counter()
    j, stop = firsts[-1], issue[firsts[-2]]
    while j > 0 and issue[j] > stop:
        kind, k = why[j]
        counts["slot" if kind == "slot" else kind] += 1
        j = k
    return period, counts


def round_trips(body):
    """Global-load round trips in a straight walk of the body (see the module docstring)."""
    pending, trips, loads = set(), 0, 0
    for ins in body:
        dest, srcs = dependences(ins)
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


def report(arch, name, insts, out, lat=None):
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
        if lat and not inner:
            period, counts = chain(body, lat)
            out.write("   %s  chain: %.1f cycles per trip, one warp (critical path: %s)\n" % (
                "  " * depth, period, ", ".join("%s %d" % (k, counts[k]) for k in ("lds", "mufu", "alu", "ldg", "slot")
                                              if counts[k])))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dump")
    ap.add_argument("--kernel", default="", help="only kernels whose mangled name contains this")
    ap.add_argument("--arch", default="sm_90",
                    help="the cubin's architecture (a binary built for several holds one copy of each kernel per "
                         "arch; the GPU runs the one of its compute capability: sm_90 or sm_90a on an H100 or H200); "
                         "a kernel built only for sm_90a is taken from it when --arch is sm_90")
    ap.add_argument("--out", help="write provenance and loops here (else stdout)")
    ap.add_argument("--chain", action="store_true", help="each innermost loop's dependent-chain cycles per trip")
    # kernels/measurements/micro-nvidia-h200-2026-12-02-issue_latency.txt, one warp per sub-partition:
    # ffma ilp 1 4.05 cycles; ex2 ilp 1 17.00; lds ilp 1 43.01 per LEA + LDS step
    ap.add_argument("--lat-alu", type=float, default=4.05)
    ap.add_argument("--lat-mufu", type=float, default=17.0)
    ap.add_argument("--lat-lds", type=float, default=43.01 - 4.05)
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
        report(arch, name, insts, out,
               {"alu": a.lat_alu, "mufu": a.lat_mufu, "lds": a.lat_lds, "ldg": 0.0} if a.chain else None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
