#!/usr/bin/env python3
"""sass_mix.py: the static instruction mix of every kernel in fa_bench, from its SASS.

Runs `cuobjdump -sass` on the binary and counts, per kernel (per template instance), the
instructions by class: tensor (HMMA for mma.sync, HGMMA for wgmma), fp32 (FFMA, FMUL, FADD),
fp32 compare/select (FMNMX, FSEL, FSETP), integer ALU, MUFU (EX2 apart), shared memory (LDS, LDSM,
STS), global memory (LDG, STG, LDGSTS, TMA), shuffles, barriers (BAR, SYNCS = mbarrier), uniform
datapath, control flow. Counts are static (instructions in the code, not executed): a loop body
counts once. The version of a kernel comes from its namespace (v5_fa2_tc:: -> 5).

Python standard library only.
usage: python3 kernels/sass_mix.py BUILD/fa_bench [--out FILE]   (FILE gets provenance + table)
"""
import argparse
import collections
import datetime
import re
import shlex
import shutil
import subprocess
import sys

# (class, opcodes): the first class whose opcode list holds the instruction's base opcode wins.
CLASSES = [
    ("HMMA", {"HMMA"}),
    ("HGMMA", {"HGMMA", "QGMMA", "IGMMA", "BGMMA"}),
    ("FFMA/FMUL/FADD", {"FFMA", "FMUL", "FADD", "FFMA2", "FMUL2", "FADD2"}),
    ("FMNMX/FSEL/FSETP", {"FMNMX", "FSEL", "FSET", "FSETP", "FCHK"}),
    ("HALF (HADD2/HFMA2/HMUL2)", {"HADD2", "HFMA2", "HMUL2", "HMNMX2", "HSETP2"}),
    ("CONVERT (F2F/F2FP/I2F/F2I)", {"F2F", "F2FP", "I2F", "F2I", "I2FP", "F2IP", "FRND"}),
    ("MUFU.EX2", set()),  # MUFU with the EX2 sub-op, split below
    ("MUFU other", {"MUFU"}),
    ("IMAD (FMA pipe)", {"IMAD", "IMUL", "IDP", "IMMA"}),
    ("INT ALU", {"IADD3", "IADD", "LOP3", "LOP", "SHF", "SHL", "SHR", "LEA", "ISETP", "SEL", "IABS", "IMNMX",
                 "POPC", "FLO", "BREV", "BMSK", "PLOP3", "P2R", "R2P", "VIADD", "VIMNMX", "ISCADD"}),
    ("MOV/PRMT/LDC", {"MOV", "PRMT", "CS2R", "S2R", "S2UR", "R2UR", "MOVM", "LDC"}),
    ("SHFL", {"SHFL"}),
    ("LDS", {"LDS"}),
    ("LDSM", {"LDSM"}),
    ("STS/STSM", {"STS", "STSM"}),
    ("LDG", {"LDG"}),
    ("STG", {"STG", "RED", "ATOM", "ATOMG"}),
    ("LDGSTS", {"LDGSTS", "LDGDEPBAR", "DEPBAR"}),
    ("TMA (UTMALDG/UTMASTG/UBLKCP)", {"UTMALDG", "UTMASTG", "UTMACMDFLUSH", "UBLKCP", "UTMAPF"}),
    ("LDL/STL (spills)", {"LDL", "STL"}),
    ("BAR", {"BAR"}),
    ("SYNCS (mbarrier)", {"SYNCS"}),
    ("WARPGROUP (WARPGROUP/WARPSYNC)", {"WARPGROUP", "WARPSYNC", "VOTE", "VOTEU", "ELECT", "MATCH"}),
    ("UNIFORM (U*)", set()),  # any other opcode starting with U, split below
    ("CONTROL (BRA/EXIT/BSSY/...)", {"BRA", "EXIT", "BSSY", "BSYNC", "CALL", "RET", "NOP", "BRX", "JMP", "YIELD",
                                     "NANOSLEEP", "BPT", "ERRBAR", "MEMBAR", "CCTL", "FENCE", "ACQBULK", "PMTRIG"}),
]
ORDER = [c for c, _ in CLASSES] + ["other"]

FUNC_RE = re.compile(r"^\s*Function\s*:\s*(\S+)")
INST_RE = re.compile(r"/\*[0-9a-f]{4,}\*/\s+(?:@!?U?P\w+\s+)?([A-Z][A-Z0-9_]*)(\.[A-Z0-9_.]+)?")


def classify(op, mods):
    if op == "MUFU":
        return "MUFU.EX2" if mods and mods.startswith(".EX2") else "MUFU other"
    for name, ops in CLASSES:
        if op in ops:
            return name
    if op.startswith("U"):
        return "UNIFORM (U*)"
    return "other"


def demangle(names):
    tool = shutil.which("cu++filt") or shutil.which("c++filt")
    if not tool or not names:
        return {n: n for n in names}
    out = subprocess.run([tool], input="\n".join(names), capture_output=True, text=True).stdout.splitlines()
    return dict(zip(names, out)) if len(out) == len(names) else {n: n for n in names}


def version_of(name):
    m = re.search(r"\bv(\d+)_\w+::", name)
    return int(m.group(1)) if m else None


def sass_mix(binary):
    sass = subprocess.run(["cuobjdump", "-sass", binary], capture_output=True, text=True, check=True).stdout
    mixes, func, arch = collections.OrderedDict(), None, ""
    for line in sass.splitlines():
        if "arch = " in line and not arch:
            arch = line.strip()
        m = FUNC_RE.match(line)
        if m:
            func = m.group(1)
            mixes.setdefault(func, collections.Counter())
            continue
        if func is None:
            continue
        m = INST_RE.search(line)
        if m:
            c = classify(m.group(1), m.group(2))
            mixes[func][c] += 1
            if c == "other":
                mixes[func]["other:" + m.group(1)] += 1
    return mixes, arch


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("binary")
    ap.add_argument("--out", help="write provenance and table here (else stdout)")
    a = ap.parse_args()
    mixes, arch = sass_mix(a.binary)
    names = demangle(list(mixes))
    ver = subprocess.run(["cuobjdump", "--version"], capture_output=True, text=True).stdout.strip().splitlines()
    lines = ["# kernels/sass_mix.py: static SASS instruction mix per kernel (counts of instructions in the code)",
             "# date: " + datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
             "# cuobjdump: " + (ver[-1] if ver else "?"),
             "# binary: " + a.binary + ("  (" + arch + ")" if arch else ""),
             "# command: " + " ".join(shlex.quote(x) for x in ["python3"] + sys.argv),
             "# Static counts: a loop body counts once; the dynamic mix needs the trip counts (ncu's",
             "# smsp__inst_executed_pipe_* in the measurement files give the executed counts).", ""]
    for func, mix in mixes.items():
        total = sum(v for k, v in mix.items() if not k.startswith("other:"))
        v = version_of(names[func])
        lines.append(f"## kernel {names[func]}")
        lines.append(f"#  version {v if v else '-'}, mangled {func}, {total} instructions")
        for c in ORDER:
            if mix.get(c):
                lines.append(f"   {c:<34} {mix[c]:>6}")
        others = sorted((k[6:], n) for k, n in mix.items() if k.startswith("other:"))
        if others:
            lines.append("   other opcodes: " + ", ".join(f"{k} {n}" for k, n in others))
        lines.append("")
    text = "\n".join(lines) + "\n"
    if a.out:
        with open(a.out, "w") as f:
            f.write(text)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
