"""flashsim.plot: the figures a teacher puts on a slide (matplotlib).

    df = flashsim.sweep(algos=["vanilla", "fa2"], vary={"N": "512:8192"}, paper=True, timing=False)
    flashsim.plot.bytes_vs(df, x="N")          # log-log, the closed form beside the simulated points
    flashsim.plot.time_vs(df, x="N")
    flashsim.plot.roofline([r1, r2])           # results of flashsim.run
    flashsim.plot.timeline(flashsim.run(..., timeline=True))
    flashsim.plot.measured_vs_simulated("kernels/measurements/nvidia-h200-2026-11-21.json")

Every function draws into `ax` (a new figure when None) and returns the axes. Values are the
simulator's; nothing is fitted except the slope printed in a legend, which is the least-squares
slope of the plotted values on log-log axes.
"""
from __future__ import annotations

import math

# Axis labels with units for the columns people sweep.
_LABELS = {
    "N": "sequence length N", "N_kv": "key length N_kv", "d": "head dimension d", "Br": "query block Br (rows)",
    "Bc": "key block Bc (columns)", "H": "heads H", "B": "batch B", "sram_bytes_per_sm": "SRAM per SM M (bytes)",
    "hbm_bytes": "HBM bytes (read + write)", "hbm_read_bytes": "HBM bytes read", "hbm_write_bytes": "HBM bytes written",
    "global_bytes": "global (L2) bytes, read + write", "seconds": "time (s)", "stages": "pipeline stages",
}


# The cross-check's metrics (docs/fidelity.md) as people say them.
_METRICS = {"hbm_read": "HBM bytes read", "hbm_write": "HBM bytes written", "l2_traffic": "L2 traffic",
            "l2_requests": "L2 requests x 32 B", "time_ncu": "kernel time (ncu)", "time_events": "time (CUDA events)",
            "cycles": "SM cycles", "l2_reads": "L2 read bytes the SMs receive"}


def _axes(ax, figsize=(6.4, 4.4)):
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def _plain_x(ax):
    """A base-2 log x axis labelled 512, 1024, 2048 rather than 2^9 (the values people type)."""
    from matplotlib.ticker import FuncFormatter

    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))


def _plain_ticks(ax):
    """Log axes labelled 100, 200, 500 rather than 10^2 (the values people read)."""
    from matplotlib.ticker import FuncFormatter, LogLocator

    fmt = FuncFormatter(lambda v, _: f"{v:g}")
    for axis in (ax.xaxis, ax.yaxis):
        axis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
        axis.set_major_formatter(fmt)
        axis.set_minor_formatter(FuncFormatter(lambda v, _: ""))


def _column(df, name):
    """A column of a sweep's DataFrame; hbm_bytes and global_bytes are read + write sums."""
    if name in ("hbm_bytes", "global_bytes"):
        level = name.split("_")[0]
        return df[f"{level}_read_bytes"] + df[f"{level}_write_bytes"]
    return df[name]


def loglog_slope(x, y) -> float:
    """Least-squares slope of log y against log x (points with x, y > 0)."""
    pts = [(math.log(a), math.log(b)) for a, b in zip(x, y) if a > 0 and b > 0]
    if len(pts) < 2:
        return float("nan")
    mx = sum(p[0] for p in pts) / len(pts)
    my = sum(p[1] for p in pts) / len(pts)
    sxx = sum((p[0] - mx) ** 2 for p in pts)
    return sum((p[0] - mx) * (p[1] - my) for p in pts) / sxx if sxx > 0 else float("nan")


def _groups(df, by):
    if by and by in df.columns:
        return [(str(k), g) for k, g in df.groupby(by, sort=False)]
    return [("", df)]


def bytes_vs(df, x: str = "N", y: str = "hbm_bytes", by: str = "algo", closed_form: bool = True, ax=None, title=None):
    """Bytes against a swept field (N, Bc, Br, d, sram_bytes_per_sm, ...), log-log.

    Simulated values are points joined by a line; with closed_form, the papers' exact count for the
    same configurations (formula_hbm_*_bytes) is a wide pale line under them, labelled with its
    log-log slope over the plotted range.
    """
    ax = _axes(ax)
    if "ok" in df.columns:
        df = df[df["ok"].astype(bool)]
    for i, (name, g) in enumerate(_groups(df, by)):
        g = g.sort_values(x)
        color = f"C{i}"
        ys = _column(g, y)
        ax.plot(g[x], ys, "o-", color=color, lw=1.2, zorder=3, label=f"{name} simulated".strip())
        formula = {"hbm_bytes": ("formula_hbm_read_bytes", "formula_hbm_write_bytes"),
                   "hbm_read_bytes": ("formula_hbm_read_bytes",),
                   "hbm_write_bytes": ("formula_hbm_write_bytes",)}.get(y)
        if closed_form and formula and all(c in g.columns for c in formula):
            fy = sum(g[c] for c in formula)
            ok = fy.notna() & (fy > 0)
            if ok.any():
                s = loglog_slope(g[x][ok], fy[ok])
                # A wide pale band under the points: where the count equals the formula (paper
                # mode) both stay visible.
                ax.plot(g[x][ok], fy[ok], "-", color=color, lw=7, alpha=0.25, zorder=2,
                        label=f"{name} closed form, slope {s:.2f}".strip())
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    _plain_x(ax)
    ax.set_xlabel(_LABELS.get(x, x))
    ax.set_ylabel(_LABELS.get(y, y))
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    if title:
        ax.set_title(title)
    return ax


def time_vs(df, x: str = "N", by: str = "algo", ax=None, title=None):
    """Simulated time against a swept field, log-log, each line labelled with its log-log slope."""
    ax = _axes(ax)
    if "ok" in df.columns:
        df = df[df["ok"].astype(bool)]
    if "seconds" not in df.columns or df["seconds"].isna().all():
        raise ValueError("the sweep has no times; run it with timing on (timing=True, not paper-only counting)")
    for i, (name, g) in enumerate(_groups(df, by)):
        g = g.sort_values(x)
        us = g["seconds"] * 1e6
        ax.plot(g[x], us, "o-", color=f"C{i}", label=f"{name}, slope {loglog_slope(g[x], us):.2f}".strip(" ,"))
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    _plain_x(ax)
    ax.set_xlabel(_LABELS.get(x, x))
    ax.set_ylabel("simulated time (µs)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    if title:
        ax.set_title(title)
    return ax


def roofline(results, labels=None, ax=None, title=None):
    """The roofline of the first result's GPU (one roof per memory level the timing layer reports,
    HBM, L2 and SRAM, under the highest matmul peak of the results; each result's own peak is a
    horizontal line) with each result at its arithmetic intensity and achieved FLOP/s per level."""
    import numpy as np

    ax = _axes(ax, figsize=(8.6, 4.6))
    if not isinstance(results, (list, tuple)):
        results = [results]
    if not results or any("timing" not in r for r in results):
        raise ValueError("roofline needs results with timing (run with timing=True)")
    labels = labels or [f"{r.schedule.algo} N={r.problem.N}" for r in results]
    t0 = results[0].timing
    peak = max(r.timing.peak_tensor_flops_per_s for r in results)
    intens = [p.intensity_flops_per_byte for r in results for p in r.timing.roofline if p.intensity_flops_per_byte > 0]
    lo = min(intens) / 3
    hi = max(intens + [peak / min(p.peak_bytes_per_s for p in t0.roofline)]) * 3
    xs = np.logspace(math.log10(lo), math.log10(hi), 200)
    markers = {"HBM": "o", "L2": "s", "SRAM": "^"}
    for j, level in enumerate(t0.roofline):
        ys = np.minimum(peak, xs * level.peak_bytes_per_s) / 1e12
        ax.plot(xs, ys, "-", color=f"0.{3 + 2 * j}", lw=1.5,
                label=f"{level.level} roof ({level.peak_bytes_per_s / 1e12:.3g} TB/s)")
    for i, (r, lab) in enumerate(zip(results, labels)):
        for p in r.timing.roofline:
            if p.intensity_flops_per_byte > 0:
                ax.plot(p.intensity_flops_per_byte, p.achieved_flops_per_s / 1e12, markers.get(p.level, "o"),
                        color=f"C{i}", ms=8, label=f"{lab} ({p.level})")
    for k, pk in enumerate(sorted({r.timing.peak_tensor_flops_per_s for r in results}, reverse=True)):
        ax.axhline(pk / 1e12, color="k", ls=[":", "-.", "--"][k % 3], lw=1, label=f"matmul peak {pk / 1e12:.4g} TFLOP/s")
    ax.set_xscale("log")
    ax.set_yscale("log")
    achieved = [p.achieved_flops_per_s for r in results for p in r.timing.roofline if p.achieved_flops_per_s > 0]
    ax.set_ylim(min(achieved + [peak]) / 1e12 / 10, peak / 1e12 * 2)
    ax.set_xlabel("arithmetic intensity (matmul FLOPs per byte of the level)")
    ax.set_ylabel("TFLOP/s")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1))
    ax.set_title(title or f"roofline: {results[0].gpu.name}")
    return ax


def timeline(result, sms: int = 8, ax=None, title=None):
    """The per-SM timeline of a run made with timeline=True: one row per SM, split into one lane per
    kind of op (load, store, matmul, vector, ...), each op a bar, in microseconds at the GPU's clock."""
    ax = _axes(ax, figsize=(8.6, 4.6))
    ev = result.timeline()
    clock_hz = result.gpu.clock_hz
    shown = sorted(ev["sm"].unique())[:sms]
    ev = ev[ev["sm"].isin(shown)]
    kinds = list(dict.fromkeys(ev["kind"]))
    lane = 0.8 / max(len(kinds), 1)
    for k_i, kind in enumerate(kinds):
        e = ev[ev["kind"] == kind]
        label = kind
        for row, sm in enumerate(shown):
            es = e[e["sm"] == sm]
            if es.empty:
                continue
            spans = [(s / clock_hz * 1e6, (t - s) / clock_hz * 1e6) for s, t in zip(es["start_cycles"], es["end_cycles"])]
            ax.broken_barh(spans, (row - 0.4 + k_i * lane, lane * 0.9), color=f"C{k_i}", label=label)
            label = None  # one legend entry per kind
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1))
    ax.set_yticks(range(len(shown)), [f"SM {s}" for s in shown])
    ax.set_xlabel("time (µs)")
    trunc = ", timeline truncated" if result.timing.timeline_truncated else ""
    ax.set_title(title or f"per-SM timeline: {result.schedule.algo} on {result.gpu.name} "
                          f"({len(shown)} of {result.gpu.sm_count} SMs{trunc})")
    ax.invert_yaxis()
    return ax


def measured_vs_simulated(source, metric: str = "time_events", ax=None, title=None, **kwargs):
    """Measured against simulated, one point per run of a measurement file, on log-log axes with
    the line y = x; `source` is a flashsim.crosscheck() result or a measurement file's path."""
    from .crosscheck import Crosscheck, crosscheck

    cc = source if isinstance(source, Crosscheck) else crosscheck(source, **kwargs)
    df = cc.runs
    m, s = f"{metric}_measured", f"{metric}_simulated"
    if m not in df.columns:
        raise ValueError(f"unknown metric '{metric}'; known: " +
                         ", ".join(c[:-9] for c in df.columns if c.endswith("_measured")))
    df = df[df[m].notna() & df[s].notna()]
    if df.empty:
        raise ValueError(f"no run has both a measured and a simulated {metric}")
    is_time = metric.startswith("time")
    scale, unit = (1e6, "µs") if is_time else (1 / 2**20, "MiB")
    ax = _axes(ax)
    for i, (v, g) in enumerate(df.groupby("version")):
        ax.plot(g[m] * scale, g[s] * scale, "o", color=f"C{i}", label=f"v{v} ({g['kernel'].iloc[0]})")
    lo = min((df[m] * scale).min(), (df[s] * scale).min()) / 1.5
    hi = max((df[m] * scale).max(), (df[s] * scale).max()) * 1.5
    ax.plot([lo, hi], [lo, hi], "k-", lw=1, label="simulated = measured")
    ax.plot([lo, hi], [lo * 1.25, hi * 1.25], "k:", lw=0.8, label="±25%")
    ax.plot([lo, hi], [lo / 1.25, hi / 1.25], "k:", lw=0.8)
    ax.set_xscale("log")
    ax.set_yscale("log")
    name = _METRICS.get(metric, metric)
    ax.set_xlabel(f"measured: {name} ({unit})")
    ax.set_ylabel(f"simulated: {name} ({unit})")
    _plain_ticks(ax)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize="small")
    ax.set_title(title or f"{cc.json.measured_gpu}: measured vs simulated")
    return ax
