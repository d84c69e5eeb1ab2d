#!/usr/bin/env python3
"""profile.py: run the validation matrix on this machine's GPU and write ONE measurement file,
<out>/<gpu>-<date>.json (schema "flashsim-measurement/2", read by `flashsim crosscheck`).

For every configuration of the matrix:
  1. fa_bench checks the output against the CPU reference and times it with CUDA events
     (L2 flushed before each repeat, median), outside any profiler;
  2. fa_bench --profile-once runs under Nsight Compute with --profile-from-start off: the one
     launch() of the version inside cudaProfilerStart/Stop is profiled, i.e. exactly the version's
     own kernels (3 for vanilla, with cuBLAS's internal kernels for v2; 1 for FA1/FA2), never the
     input generation, the NaN poisoning, the warm-up run or the L2 flush. Counts are summed over
     the kernels of that range, rates and percentages averaged with the kernels' times (or cycles)
     as weights; every kernel's own values are kept under ncu.per_kernel.
Then PyTorch's SDPA flash backend is timed on the same shapes (torch_reference.py), the sanitizers
run on a small shape for every version, and small outputs are dumped for the functional model.
Last (phase "background"), fa_bench --idle-ms runs three kernels that only wait (200, 200, 400 ms)
under the same ncu settings: what ncu counts of a kernel that moves nothing (HBM and L2 writes that
are the GPU's, not the kernel's: kernels/micro/l2_clean_order) goes into provenance.background, whose
rates `flashsim crosscheck` adds over each kernel's simulated time in place of the preset's.
Backward versions (pass "bwd": 7, 8, 10) run at the validation shapes N = 1024 and 4096 only (BWD_N),
causal and not; fa_bench makes their inputs with the forward each declares (forward_version) outside the
timed and profiled range, so times and counters are the backward's kernels alone; their reference entries
time PyTorch's flash backward ("pass": "bwd"). Standard attention (versions 9, 10) and the unfused
backward run causal and not; versions with dropout dump no output (the functional model has none).
--figure2 runs the FlashAttention paper's Figure 2 setting instead of the matrix (B=64 H=16 N=1024 d=64,
causal, forward and backward; file tag "figure2"), with PyTorch's flash forward/backward and GPT-2's
eager attention (torch_reference.py "impl": "gpt2_eager", dropout 0.1) timed beside it.

Python standard library only (torch is used by torch_reference.py, in its own process).
usage: python3 kernels/profile.py --bench BUILD/fa_bench [--out DIR] [--quick] [--phases ...]
                                 [--versions 6 --tag v6]   (a subset, written to <gpu>-<date>-v6.json)
                                 [--N 1024,4096]           (a subset of the sequence lengths)
                                 [--d 64]                  (a subset of the head dims)
                                 [--figure2 --versions 2,8,9,10,5,7]   (the Figure 2 setting)
The versions and their declared properties come from `fa_bench --list-versions` (version 6 exists
only in Hopper builds); the table is stored in the file's provenance. Schema 2 adds, per run, the
version's pass and matmul unit, and, under ncu, the SM clock, elapsed cycles, instructions per pipe,
tensor-pipe activity and issue-slot use, and (L1_METRICS) the L1's global-load hits and the L2's read
sectors by source (metric names checked against `ncu --query-metrics`; the
names used and those this ncu lacks are in provenance.ncu_metrics / ncu_metrics_missing).
An existing measurement file is never overwritten: the script stops instead.
"""
import argparse
import csv
import datetime
import io
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
METRICS = [  # bytes and time: the cross-check's first metrics (schema 1)
    "dram__bytes_read.sum", "dram__bytes_write.sum", "lts__t_bytes.sum", "lts__t_sectors_op_read.sum",
    "lts__t_sectors_op_write.sum", "lts__t_sectors_op_atom.sum", "lts__t_sectors_op_red.sum",
    "l1tex__data_pipe_lsu_wavefronts_mem_shared.sum", "gpu__time_duration.sum",
]
# The timing evidence (schema 2): clock, cycles, instructions per pipe, pipe activity, issue. Each is
# kept only when `ncu --query-metrics` lists its base name on this GPU.
TIMING_METRICS = [
    "sm__cycles_elapsed.avg.per_second", "sm__cycles_elapsed.max", "sm__cycles_elapsed.avg",
    "smsp__inst_executed.sum", "smsp__issue_active.avg.pct_of_peak_sustained_active",
    "sm__warps_active.avg.pct_of_peak_sustained_active",
    "smsp__inst_executed_pipe_tensor_op_hmma.sum", "smsp__inst_executed_pipe_tensor_op_gmma.sum",
    "smsp__inst_executed_pipe_fma.sum", "smsp__inst_executed_pipe_fmaheavy.sum", "smsp__inst_executed_pipe_alu.sum",
    "smsp__inst_executed_pipe_xu.sum", "smsp__inst_executed_pipe_lsu.sum", "smsp__inst_executed_pipe_uniform.sum",
    "smsp__inst_executed_pipe_adu.sum", "smsp__inst_executed_pipe_cbu.sum",
    "smsp__inst_executed_op_shared_ld.sum", "smsp__inst_executed_op_shared_st.sum", "smsp__inst_executed_op_ldsm.sum",
    "smsp__inst_executed_op_global_ld.sum", "smsp__inst_executed_op_ldgsts.sum",
    # tensor pipe: op_hmma counts wgmma (HGMMA) too on Hopper, and HFMA2.MMA moves in scalar kernels
    "sm__pipe_tensor_op_hmma_cycles_active.avg.pct_of_peak_sustained_active",
    "sm__pipe_tensor_cycles_active.avg.pct_of_peak_sustained_active",
    "sm__pipe_fma_cycles_active.avg.pct_of_peak_sustained_active",
    "sm__pipe_alu_cycles_active.avg.pct_of_peak_sustained_active",
    # warp-cycles stalled, by reason (no counter of barrier instructions exists; the SASS mix has them)
    "smsp__warps_issue_stalled_barrier.sum", "smsp__warps_issue_stalled_long_scoreboard.sum",
    "smsp__warps_issue_stalled_short_scoreboard.sum", "smsp__warps_issue_stalled_math_pipe_throttle.sum",
    "smsp__warps_issue_stalled_mio_throttle.sum", "smsp__warps_issue_stalled_wait.sum",
    "smsp__warps_issue_stalled_not_selected.sum", "smsp__warps_issue_stalled_selected.sum",
    "smsp__warps_active.sum",
]
# Where requested bytes disappear before the L2's lts__t counters (kernels/micro/l2_merge.cu): L1 hits of
# ld.global, read sectors and requests by source unit, what the loads ask for, what the L1 receives.
L1_METRICS = [
    "lts__t_requests_op_read.sum", "lts__t_sectors_srcunit_tex_op_read.sum", "lts__t_requests_srcunit_tex_op_read.sum",
    "lts__t_sectors_srcunit_ltcfabric.sum", "lts__t_sectors_op_read_lookup_hit.sum", "lts__t_sectors_op_read_lookup_miss.sum",
    "l1tex__t_sectors_pipe_lsu_mem_global_op_ld.sum", "l1tex__t_requests_pipe_lsu_mem_global_op_ld.sum",
    "l1tex__t_sectors_pipe_lsu_mem_global_op_ld_lookup_hit.sum",
    "l1tex__t_sectors_pipe_lsu_mem_global_op_ld_lookup_miss.sum",
    "l1tex__t_sectors_pipe_lsu_mem_global_op_ldgsts.sum", "l1tex__m_xbar2l1tex_read_sectors.sum",
    "sm__sass_data_bytes_mem_global_op_ld.sum", "sm__sass_data_bytes_mem_global_op_ldgsts.sum",
]
NCU_SETTINGS = "--cache-control all --clock-control none"  # never change the GPU's clocks
UNIT_SCALE = {"byte": 1, "Kbyte": 1e3, "Mbyte": 1e6, "Gbyte": 1e9, "Tbyte": 1e12, "KB": 1e3, "MB": 1e6,
              "nsecond": 1, "usecond": 1e3, "msecond": 1e6, "second": 1e9, "ns": 1, "us": 1e3, "ms": 1e6,
              "hz": 1, "Khz": 1e3, "Mhz": 1e6, "Ghz": 1e9, "cycle/second": 1, "cycle/msecond": 1e3,
              "cycle/usecond": 1e6, "cycle/nsecond": 1e9}  # to bytes, ns, and per second

# (B, H) per N: B·H·N = 262144 tokens for every N, so each shape fills the GPU with FA2's Tr·B·H
# CTAs (2048 CTAs of 128 queries), and vanilla's S and P (2·B·H·N² fp16 = 17.2 GB at N=16384) fit.
# FA1 gets only B·H CTAs (256, 64, 16): that is the FA1 design, recorded as such.
SHAPES = {1024: (16, 16), 4096: (4, 16), 16384: (1, 16)}
# Causal runs for the tensor-core versions (the scalar ones show the same dataflow, minutes slower).
CAUSAL_MATMUL_UNITS = ("mma_sync", "wgmma")
SPEED_VERSIONS = (5, 6, 7)  # versions compared with torch in the summary
BWD_N = (1024, 4096)  # the backward's validation shapes (B, H from SHAPES)
FIGURE2 = dict(B=64, H=16, N=1024, d=64)  # FA paper, Figure 2: GPT-2 medium's attention, causal, fwd + bwd
SMALL = dict(B=1, H=2, N=100, d=64)  # sanitizer and dumped-output shape (N not a multiple of any block)


def log(*a):
    print(*a, flush=True)


def run(cmd, timeout=600, env=None):
    t0 = time.time()
    p = subprocess.run(cmd, shell=isinstance(cmd, str), capture_output=True, text=True, timeout=timeout, env=env)
    return p.returncode, p.stdout + p.stderr, time.time() - t0


def first_line(cmd):
    try:
        rc, out, _ = run(cmd, timeout=120)
        lines = [l for l in out.strip().splitlines() if l.strip()]
        return lines[-1].strip() if lines else ""
    except Exception as e:  # a missing tool is recorded, not fatal
        return f"unavailable ({e})"


def provenance(bench, command):
    info = json.loads(subprocess.check_output([bench, "--info"], text=True))
    rc, smi, _ = run("nvidia-smi --query-gpu=name,driver_version --format=csv,noheader")
    name, driver = [x.strip() for x in smi.strip().splitlines()[0].split(",")[:2]]
    torch_v = first_line([sys.executable, "-c", "import torch; print(torch.__version__)"])
    return {"gpu": name, "sm_count": info["sm_count"], "l2_bytes": info["l2_bytes"], "driver": driver,
            "cuda_runtime": info["cuda_runtime"], "nvcc": first_line("nvcc --version | grep release"),
            "ncu_version": first_line("ncu --version"), "ncu_settings": NCU_SETTINGS, "torch": torch_v,
            "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "command": command, "compute_capability": info["cc"],
            "notes": ("Times: CUDA events, L2 flushed (2x L2 written) before each repeat, median; clocks as found "
                      "(not locked). ncu: --profile-from-start off, the profiled range is one launch() of the version "
                      "between cudaProfilerStart/Stop (all kernels it launches, cuBLAS internals included; input "
                      "generation, NaN poisoning, warm-up and L2 flush excluded); --cache-control all flushes caches "
                      "before each profiled kernel; counts summed over the kernels of the range (sm__cycles_elapsed.max: "
                      "the sum of each kernel's max), per-second rates time-weighted and percentages cycle-weighted "
                      "over them, each kernel's own values under ncu.per_kernel. Shapes: B*H*N = "
                      "262144 for every N (B,H = 16,16 at N=1024; 4,16 at 4096; 1,16 at 16384). Inputs: "
                      "flashsim::seeded_value, seed 1, rounded to nearest even; torch reference uses torch.rand "
                      "in [-1,1) of the same shapes. tflops = 4*B*H*N^2*d (halved for causal) / median time.")}


def bench_args(v, causal, B, H, N, d, dtype="fp16"):
    return ["--version", str(v), "--B", str(B), "--H", str(H), "--N", str(N), "--d", str(d),
            "--causal", str(int(causal)), "--dtype", dtype, "--seed", "1"]


def list_versions(bench):
    """fa_bench's table of versions (fa_bench --list-versions): id, kernel, algo, pass, matmul unit, tiles."""
    return json.loads(subprocess.check_output([bench, "--list-versions"], text=True))


def ncu_metric_bases():
    """The base metric names this ncu knows for this GPU (`ncu --query-metrics`)."""
    rc, out, _ = run(["ncu", "--query-metrics"], timeout=300)
    return {m.group(1) for m in re.finditer(r"^([a-z0-9]+__[a-z0-9_]+)\s", out, re.M)}


def choose_metrics(bases):
    """METRICS, plus the TIMING_METRICS whose base name exists; returns (chosen, missing)."""
    chosen, missing = list(METRICS), []
    for m in TIMING_METRICS + L1_METRICS:
        (chosen if m.split(".")[0] in bases else missing).append(m)
    return chosen, missing


def aggregate(metric, values, times_ns, cycles):
    """One value for the run from the kernels' values: counts add (kernels run one after another),
    a rate per second is time-weighted, a percentage cycle-weighted (time-weighted without cycles)."""
    pairs = [(v, i) for i, v in enumerate(values) if v is not None]
    if not pairs:
        return None
    if metric.endswith(".per_second") or ".pct_of_peak" in metric:
        w = cycles if ".pct_of_peak" in metric and all(c for c in cycles) else times_ns
        total = sum(w[i] for _, i in pairs)
        return sum(v * w[i] for v, i in pairs) / total if total else None
    return sum(v for v, _ in pairs)


def parse_ncu_csv(text, metrics):
    """`ncu --csv --page raw` output -> per-kernel values and the run's aggregate of each metric."""
    lines = text.splitlines()
    start = next((i for i, l in enumerate(lines) if l.startswith('"ID"')), None)
    if start is None:
        raise RuntimeError("no ncu CSV header in output:\n" + text[-2000:])
    rows = list(csv.reader(io.StringIO("\n".join(lines[start:]))))
    header, units, per_kernel = rows[0], {}, []
    for row in rows[1:]:
        if len(row) != len(header):
            continue
        rec = dict(zip(header, row))
        if not rec["ID"].strip().isdigit():  # the units row
            units = rec
            continue
        k = {"name": rec.get("Kernel Name", "?")}
        for m in metrics:
            raw = rec.get(m, "").replace(",", "").strip()
            if raw in ("", "n/a"):
                k[m] = None
                continue
            unit = units.get(m, "").strip()
            k[m] = float(raw) * UNIT_SCALE.get(unit, 1) if unit in UNIT_SCALE else float(raw)
        per_kernel.append(k)
    out = {"kernels": [k["name"] for k in per_kernel]}
    times = [k.get("gpu__time_duration.sum") or 0 for k in per_kernel]
    cycles = [k.get("sm__cycles_elapsed.avg") or 0 for k in per_kernel]
    for m in metrics:
        v = aggregate(m, [k[m] for k in per_kernel], times, cycles)
        exact_count = m.endswith(".sum") and m != "gpu__time_duration.sum"
        out[m] = int(round(v)) if v is not None and exact_count else v
    out["units_as_reported"] = {m: units.get(m, "") for m in metrics}
    out["per_kernel"] = per_kernel
    return out


def runs_causal(t):
    """Whether the matrix runs a version causal as well: tensor-core versions, and the unfused backward and
    standard attention (whose causal mask is a kernel of its own); not the scalar forward ones."""
    return t["matmul_unit"] in CAUSAL_MATMUL_UNITS or t.get("pass") == "bwd" or t["algo"] == "standard"


def run_ncu(bench, args, metrics, tmp, timeout):
    """`bench ARGS` under ncu (NCU_SETTINGS, --profile-from-start off: the cudaProfilerStart/Stop range),
    metrics in base units on the raw page: (rc, output, seconds, the CSV text: ncu's log file, else its
    output)."""
    csv_path = os.path.join(tmp, "ncu.csv")
    ncu = (["ncu", "--profile-from-start", "off"] + NCU_SETTINGS.split() +
           ["--metrics", ",".join(metrics), "--csv", "--page", "raw", "--print-units", "base", "--log-file", csv_path,
            bench] + args)
    rc, out, secs = run(ncu, timeout=timeout)
    text = ""
    if os.path.exists(csv_path):
        text = open(csv_path).read()
        os.remove(csv_path)
    return rc, out, secs, text if '"ID"' in text else out


def profile_config(bench, v, causal, N, d, repeats, tmp, metrics, shape=None):
    B, H = (shape["B"], shape["H"]) if shape else SHAPES[N]
    args = bench_args(v, causal, B, H, N, d)
    jpath = os.path.join(tmp, "run.json")
    rc, out, secs = run([bench] + args + ["--repeats", str(repeats), "--json", jpath], timeout=300)
    log(f"  v{v} causal={int(causal)} N={N} d={d} B={B} H={H}: rc={rc} {secs:.1f}s")
    if rc not in (0, 3) or not os.path.exists(jpath):  # 3: the check failed, nothing timed
        log(out[-3000:])
        return {"version": v, "B": B, "H": H, "N": N, "d": d, "causal": causal, "dtype": "fp16", "error": out[-1000:]}
    res = json.load(open(jpath))
    os.remove(jpath)
    res.pop("gpu", None)
    for l in out.splitlines():
        if l.startswith(("check:", "time:")) or "mismatch" in l:
            log("    " + l)
    if rc == 3:  # a wrong kernel is recorded as such, and not profiled
        return res
    rc, out, secs, text = run_ncu(bench, args + ["--profile-once", "--no-check"], metrics, tmp, timeout=400)
    try:
        n = res["ncu"] = parse_ncu_csv(text, metrics)
        passes = re.findall(r"(\d+) pass", text + out)
        clock = n.get("sm__cycles_elapsed.avg.per_second")
        issue = n.get("smsp__issue_active.avg.pct_of_peak_sustained_active")
        log(f"    ncu {secs:.1f}s ({passes[-1] if passes else '?'} passes): {len(n['kernels'])} kernels, dram read "
            f"{(n['dram__bytes_read.sum'] or 0) / 1e6:.1f} MB, write {(n['dram__bytes_write.sum'] or 0) / 1e6:.1f} MB, "
            f"clock {clock / 1e9 if clock else 0:.3f} GHz, issue {issue or 0:.1f}%")
    except Exception as e:
        res["ncu"] = {"error": str(e)[:2000]}
        log(f"    ncu failed rc={rc}: {e}\n{out[-2000:]}")
    return res


BACKGROUND_METRICS = ["dram__bytes_write.sum", "lts__t_sectors_op_write.sum", "gpu__time_duration.sum"]
BACKGROUND_WAITS_MS = (200, 200, 400)


def background(bench, tmp):
    """What ncu counts of kernels that only wait (fa_bench --idle-ms): their HBM and L2 write bytes per second."""
    kernels = []
    for ms in BACKGROUND_WAITS_MS:
        rc, out, secs, text = run_ncu(bench, ["--idle-ms", str(ms)], BACKGROUND_METRICS, tmp, timeout=120)
        try:
            n = parse_ncu_csv(text, BACKGROUND_METRICS)
        except Exception as e:
            log(f"  idle {ms} ms: ncu failed rc={rc}: {e}")
            return {"error": str(e)[:2000]}
        k = {"wait_ms": ms, "seconds": n["gpu__time_duration.sum"] * 1e-9,
             "dram_write_bytes": n["dram__bytes_write.sum"], "lts_write_sectors": n["lts__t_sectors_op_write.sum"]}
        log(f"  idle {ms} ms: {k['seconds'] * 1e3:.1f} ms, HBM writes {k['dram_write_bytes'] / 1e6:.2f} MB, "
            f"L2 write sectors {k['lts_write_sectors']}")
        kernels.append(k)
    seconds = sum(k["seconds"] for k in kernels)
    if not seconds > 0:
        return {"error": "the idle kernels took no time", "kernels": kernels}
    return {"kernels": kernels,
            "hbm_write_bytes_per_s": sum(k["dram_write_bytes"] for k in kernels) / seconds,
            "l2_write_bytes_per_s": 32 * sum(k["lts_write_sectors"] for k in kernels) / seconds,
            "how": "fa_bench --idle-ms T under ncu " + NCU_SETTINGS + " --profile-from-start off, T = " +
                   ", ".join(str(ms) for ms in BACKGROUND_WAITS_MS) + " ms; sums over the kernels, per second of "
                   "gpu__time_duration; L2 bytes = 32 x lts__t_sectors_op_write"}


def sanitize(bench, versions):
    results = []
    for v in versions:
        for tool in ("memcheck", "racecheck"):
            for causal in (False, True):
                a = bench_args(v, causal, **SMALL)
                cmd = ["compute-sanitizer", "--tool", tool, "--error-exitcode", "99", bench] + a + ["--repeats", "1"]
                rc, out, secs = run(cmd, timeout=300)
                summary = [l for l in out.splitlines() if "SUMMARY" in l]
                clean = rc == 0 and all(re.search(r"\b0 (errors|hazards)", l) for l in summary) and bool(summary)
                shape = f"B={SMALL['B']} H={SMALL['H']} N={SMALL['N']} d={SMALL['d']} fp16 causal={int(causal)}"
                results.append({"version": v, "tool": tool, "shape": shape, "clean": clean,
                                "summary": "; ".join(summary)[:300]})
                log(f"  v{v} {tool} causal={int(causal)}: {'clean' if clean else 'NOT CLEAN'} ({secs:.1f}s) {summary}")
                if not clean:
                    log(out[-2000:])
    return results


def dump_outputs(bench, versions, tmp):
    outs = []
    for v in versions:
        path = os.path.join(tmp, f"dump{v}.json")
        rc, out, _ = run([bench] + bench_args(v, False, **SMALL) + ["--repeats", "1", "--dump-output", path])
        if os.path.exists(path):
            outs.append(json.load(open(path)))
            os.remove(path)
        else:
            log(f"  dump v{v} failed: {out[-1000:]}")
    return outs


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bench", required=True, help="path to fa_bench")
    ap.add_argument("--out", default=os.path.join(HERE, "measurements"))
    ap.add_argument("--quick", action="store_true", help="N=1024 only, fewer repeats (to test the script)")
    ap.add_argument("--phases", default="sanitizer,outputs,runs,reference,background")
    ap.add_argument("--repeats", type=int, default=20)
    ap.add_argument("--versions", default="", help="comma-separated subset of versions, e.g. 6 (default: all built)")
    ap.add_argument("--tag", default="", help="file name suffix, e.g. v6 -> <gpu>-<date>-v6.json")
    ap.add_argument("--N", default="", help="comma-separated subset of the sequence lengths, e.g. 1024,4096")
    ap.add_argument("--d", default="64,128", help="comma-separated subset of the head dims")
    ap.add_argument("--figure2", action="store_true", help="the FA paper's Figure 2 setting instead of the matrix")
    a = ap.parse_args()
    bench = os.path.abspath(a.bench)
    command = " ".join(shlex.quote(x) for x in [os.path.basename(sys.executable)] + sys.argv)
    phases = a.phases.split(",")
    doc = {"schema": "flashsim-measurement/2", "provenance": provenance(bench, command), "sanitizer": [],
           "runs": [], "reference": [], "outputs": []}
    table = list_versions(bench)
    doc["provenance"]["versions"] = table
    gpu = re.sub(r"[^a-z0-9]+", "-", doc["provenance"]["gpu"].lower()).strip("-")
    os.makedirs(a.out, exist_ok=True)
    if a.figure2 and not a.tag:
        a.tag = "figure2"
    tag = (f"-{a.tag}" if a.tag else "") + ("-quick" if a.quick else "")
    path = os.path.join(a.out, f"{gpu}-{doc['provenance']['date'][:10]}{tag}.json")
    if os.path.exists(path):
        sys.exit(f"profile.py: {path} exists; measurement files are never overwritten (pass --tag to name a new one)")
    built = {t["version"] for t in table}
    wanted = {int(x) for x in a.versions.split(",") if x.strip()} if a.versions else built
    if wanted - built:
        sys.exit(f"profile.py: --versions={a.versions}: this fa_bench has versions {sorted(built)}")
    configs = [(t["version"], c) for t in table if t["version"] in wanted
               for c in ((True,) if a.figure2 else (False, True) if runs_causal(t) else (False,))]
    dropout = {t["version"] for t in table if t.get("dropout_p", 0) > 0}
    ds = sorted({int(x) for x in a.d.split(",") if x.strip()})
    passes = {t["version"]: t.get("pass", "fwd") for t in table}
    Ns = sorted(SHAPES)
    if a.N:
        Ns = sorted({int(x) for x in a.N.split(",") if x.strip()})
        if set(Ns) - set(SHAPES):
            sys.exit(f"profile.py: --N={a.N}: the matrix has N in {sorted(SHAPES)}")
    if a.quick:
        Ns = Ns[:1]
    metrics, missing = METRICS, []
    if "runs" in phases:
        metrics, missing = choose_metrics(ncu_metric_bases())
        log(f"ncu metrics: {len(metrics)} used; missing on this GPU/ncu: {missing or 'none'}")
    doc["provenance"]["ncu_metrics"] = metrics
    doc["provenance"]["ncu_metrics_missing"] = missing

    def save():
        with open(path, "w") as f:
            json.dump(doc, f, indent=1)
            f.write("\n")

    repeats = 5 if a.quick else a.repeats
    versions = sorted({v for v, _ in configs})
    with tempfile.TemporaryDirectory() as tmp:
        if "sanitizer" in phases:
            log("sanitizer:")
            doc["sanitizer"] = sanitize(bench, versions)
            save()
        if "outputs" in phases:
            log("outputs:")
            doc["outputs"] = dump_outputs(bench, [v for v in versions if passes[v] != "bwd" and v not in dropout], tmp)
            save()
        if "runs" in phases and a.figure2:
            log("runs (Figure 2 setting):")
            order = [int(x) for x in a.versions.split(",") if x.strip()]  # in the order asked for
            for v, causal in sorted(configs, key=lambda vc: order.index(vc[0]) if vc[0] in order else len(order)):
                doc["runs"].append(profile_config(bench, v, causal, FIGURE2["N"], FIGURE2["d"], repeats, tmp, metrics,
                                                  FIGURE2))
                save()
        elif "runs" in phases:
            log("runs:")
            for N in Ns:
                for d in ds:
                    for v, causal in configs:
                        if passes[v] == "bwd" and N not in BWD_N:
                            continue
                        doc["runs"].append(profile_config(bench, v, causal, N, d, repeats, tmp, metrics))
                        save()
        if "reference" in phases:
            log("reference (torch sdpa flash):")
            wanted_passes = {passes[v] for v in versions}
            shapes = [dict(B=SHAPES[N][0], H=SHAPES[N][1], N=N, d=d, causal=c, **{"pass": ps})
                      for ps in ("fwd", "bwd") if ps in wanted_passes for N in Ns
                      if ps == "fwd" or N in BWD_N for d in ds for c in (False, True)]
            if a.figure2:
                shapes = [dict(FIGURE2, causal=True, impl=impl, **{"pass": ps})
                          for impl in ("flash", "gpt2_eager") for ps in ("fwd", "bwd")]
            rc, out, secs = run([sys.executable, os.path.join(HERE, "torch_reference.py"), json.dumps(shapes),
                                 str(repeats)], timeout=600)
            try:
                doc["reference"] = json.loads(out.strip().splitlines()[-1])
            except Exception:
                log(out[-3000:])
            save()
        if "background" in phases:
            log("background (kernels that only wait):")
            doc["provenance"]["background"] = background(bench, tmp)
            save()
    # summary: v5 vs torch
    log(f"\nwrote {path}")
    ref = {(r.get("pass", "fwd"), r["N"], r["d"], r["causal"]): r for r in doc["reference"]
           if r.get("impl", "torch.sdpa.flash") == "torch.sdpa.flash"}
    log(f"{'ver':>3} {'causal':>6} {'N':>6} {'d':>4} {'ok':>5} {'ms':>9} {'TFLOP/s':>8} {'vs torch':>8} {'HBM MB':>9}")
    for r in doc["runs"]:
        if "time_ms_median" not in r:
            log(f"{r['version']:>3} {int(r['causal']):>6} {r['N']:>6} {r['d']:>4} error")
            continue
        t = ref.get((r.get("pass", "fwd"), r["N"], r["d"], r["causal"]))
        ratio = f"{t['time_ms_median'] / r['time_ms_median']:.2f}" if t and r["version"] in SPEED_VERSIONS else ""
        hbm = (r.get("ncu", {}).get("dram__bytes_read.sum") or 0) + (r.get("ncu", {}).get("dram__bytes_write.sum") or 0)
        log(f"{r['version']:>3} {int(r['causal']):>6} {r['N']:>6} {r['d']:>4} {str(r['correct']):>5} "
            f"{r['time_ms_median']:>9.3f} {r['tflops']:>8.1f} {ratio:>8} {hbm / 1e6:>9.1f}")
    for t in doc["reference"]:
        log(f"{t.get('impl', 'torch')} {t.get('pass', 'fwd')} causal={int(t['causal'])} N={t['N']} d={t['d']}: {t['time_ms_median']:.3f} ms {t['tflops']:.1f} TFLOP/s")


if __name__ == "__main__":
    main()
