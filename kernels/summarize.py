#!/usr/bin/env python3
"""summarize.py: print a measurement file (flashsim-measurement/1 or /2) as Markdown tables, numbers
copied from the file, nothing computed but ratios (and unit changes). Schema 2 files get a second
table of the timing evidence ncu recorded: SM clock, cycles, issue-slot use, pipe activity and
instructions per pipe. With --readme, replace the block between
<!-- results:begin --> and <!-- results:end --> of kernels/README.md.

usage: python3 kernels/summarize.py kernels/measurements/FILE.json [--readme [--block NAME]]
--block NAME uses the markers <!-- NAME:begin --> and <!-- NAME:end --> (default: results).
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
NAMES = {1: "v1 vanilla tiled", 2: "v2 vanilla cuBLAS", 3: "v3 FA1", 4: "v4 FA2 scalar", 5: "v5 FA2 tensor cores",
         6: "v6 FA3-style Hopper", 7: "v7 FA2 backward, tensor cores"}
SPEED_VERSIONS = (5, 6, 7)  # versions whose throughput is compared with torch (7: with its flash backward)


def summarize(path):
    doc = json.load(open(path))
    pv = doc["provenance"]
    out = [f"Measured on **{pv['gpu']}** ({pv['sm_count']} SMs, L2 {pv['l2_bytes'] / 2**20:.0f} MiB), driver "
           f"{pv['driver']}, CUDA {pv['cuda_runtime']}, {pv['ncu_version']}, torch {pv['torch']}, {pv['date']}; "
           f"ncu `{pv['ncu_settings']}`. File: `measurements/{os.path.basename(path)}`.", "",
           "fp16 storage, fp32 accumulate. Time: CUDA events, L2 flushed, median. TFLOP/s = 4·B·H·N²·d (halved "
           "for causal) / time; for the backward (v7) 10·B·H·N²·d (five GEMMs), its time and HBM the backward's "
           "kernels alone (O and LSE from v5, not counted), torch its flash backward. HBM = ncu dram__bytes_read.sum + dram__bytes_write.sum over the version's kernels "
           "(cold L2: --cache-control all). B·H·N = 262144 for every N. vs v1, vs v2: time of v1 (v2) over time of "
           "this version, same shape. ÷ torch: throughput of v5 (v6) relative to PyTorch's flash SDPA (torch time over "
           "the version's time; the goal is >= 0.7).", ""]
    ref = {(r.get("pass", "fwd"), r["N"], r["d"], r["causal"]): r for r in doc["reference"]}
    runs = {(r["version"], r["N"], r["d"], r["causal"]): r for r in doc["runs"] if "time_ms_median" in r}
    out.append("| N | d | version | causal | B×H | correct | time ms | TFLOP/s | HBM MB | L2 MB | vs v1 | vs v2 | ÷ torch |")
    out.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for (v, N, d, c), r in sorted(runs.items(), key=lambda kv: (kv[0][1], kv[0][2], kv[0][0], kv[0][3])):
        n = r.get("ncu", {})
        hbm = (n.get("dram__bytes_read.sum", 0) + n.get("dram__bytes_write.sum", 0)) / 1e6
        l2 = n.get("lts__t_bytes.sum", 0) / 1e6
        base1, base2 = runs.get((1, N, d, False)), runs.get((2, N, d, False))
        s1 = f"{base1['time_ms_median'] / r['time_ms_median']:.2f}×" if base1 and not c and v != 1 else ""
        s2 = f"{base2['time_ms_median'] / r['time_ms_median']:.2f}×" if base2 and not c and v not in (1, 2) else ""
        t = ref.get((r.get("pass", "fwd"), N, d, c))
        tr = f"{t['time_ms_median'] / r['time_ms_median']:.2f}" if t and v in SPEED_VERSIONS else ""
        out.append(f"| {N} | {d} | {NAMES.get(v, v)} | {'yes' if c else 'no'} | {r['B']}×{r['H']} | "
                   f"{'yes' if r['correct'] else 'NO'} | {r['time_ms_median']:.3f} | {r['tflops']:.1f} | {hbm:.1f} | "
                   f"{l2:.1f} | {s1} | {s2} | {tr} |")
    out += ["", "PyTorch `scaled_dot_product_attention`, flash backend (same run, same method):", "",
            "| pass | N | d | causal | B×H | time ms | TFLOP/s |", "|---|---|---|---|---|---|---|"]
    for r in sorted(doc["reference"], key=lambda r: (r.get("pass", "fwd") == "bwd", r["N"], r["d"], r["causal"])):
        out.append(f"| {r.get('pass', 'fwd')} | {r['N']} | {r['d']} | {'yes' if r['causal'] else 'no'} | {r['B']}×{r['H']} | "
                   f"{r['time_ms_median']:.3f} | {r['tflops']:.1f} |")
    out += timing_table(doc["runs"])
    san = doc["sanitizer"]
    bad = [s for s in san if not s["clean"]]
    if not san:
        out += ["", "compute-sanitizer: not run for this file."]
        return "\n".join(out)
    out += ["", f"compute-sanitizer: {len(san) - len(bad)} of {len(san)} runs clean "
                f"(memcheck and racecheck, versions {sorted({s['version'] for s in san})}, shape {san[0]['shape'] if san else '-'}"
                f" and causal)." + (" Not clean: " + ", ".join(f"v{s['version']} {s['tool']}" for s in bad) if bad else "")]
    return "\n".join(out)


def timing_table(runs):
    """Schema 2: clock, cycles, issue, pipe activity and instructions per pipe, per run."""
    key = "sm__cycles_elapsed.avg.per_second"
    runs = [r for r in runs if (r.get("ncu") or {}).get(key) is not None]
    if not runs:
        return []
    out = ["", "Timing evidence (ncu, same runs): SM clock (sm__cycles_elapsed.avg.per_second), elapsed cycles "
               "(sm__cycles_elapsed.max), issue slots used and tensor pipe active (% of peak while the SM is active), "
               "occupancy (warps active, %), and executed warp-instructions per pipe in millions (tensor counts "
               "mma.sync and wgmma; xu is MUFU: ex2 and others).", "",
           "| N | d | version | causal | SM GHz | Mcycles | issue % | tensor % | warps % | inst M | tensor M | fma M | "
           "alu M | xu M | lsu M |",
           "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in sorted(runs, key=lambda r: (r["N"], r["d"], r["version"], r["causal"])):
        n = r["ncu"]
        def m(name, scale=1e-6, f="{:.1f}"):
            v = n.get(name)
            return f.format(v * scale) if v is not None else "-"
        out.append(f"| {r['N']} | {r['d']} | {NAMES.get(r['version'], r['version'])} | {'yes' if r['causal'] else 'no'} | "
                   f"{m(key, 1e-9, '{:.3f}')} | {m('sm__cycles_elapsed.max', 1e-6, '{:.2f}')} | "
                   f"{m('smsp__issue_active.avg.pct_of_peak_sustained_active', 1)} | "
                   f"{m('sm__pipe_tensor_cycles_active.avg.pct_of_peak_sustained_active', 1)} | "
                   f"{m('sm__warps_active.avg.pct_of_peak_sustained_active', 1)} | {m('smsp__inst_executed.sum')} | "
                   f"{m('smsp__inst_executed_pipe_tensor_op_hmma.sum')} | {m('smsp__inst_executed_pipe_fma.sum')} | "
                   f"{m('smsp__inst_executed_pipe_alu.sum')} | {m('smsp__inst_executed_pipe_xu.sum')} | "
                   f"{m('smsp__inst_executed_pipe_lsu.sum')} |")
    return out


def main():
    text = summarize(sys.argv[1])
    if "--readme" in sys.argv:
        path = os.path.join(HERE, "README.md")
        readme = open(path).read()
        block = sys.argv[sys.argv.index("--block") + 1] if "--block" in sys.argv else "results"
        a, b = f"<!-- {block}:begin -->", f"<!-- {block}:end -->"
        head, rest = readme.split(a)
        _, tail = rest.split(b)
        open(path, "w").write(head + a + "\n" + text + "\n" + b + tail)
    else:
        print(text)


if __name__ == "__main__":
    main()
