"""flashsim.sweep: a grid of configurations on every core, as a pandas DataFrame.

    df = flashsim.sweep(algos=["vanilla", "fa2"], vary={"N": "512:8192"}, d=64, heads=1,
                        gpu="teaching", paper=True, timing=False)
    df = flashsim.sweep(vary={"Bc": [16, 32, 64, 128]}, algo="fa1", Br=64, ...)

vary: {KEY: RANGE} or ["KEY=RANGE", ...] with the CLI's ranges ("a:b" doubles from a to b,
"a:b:+s" steps by s, "a:b:*f" multiplies by f, "v1,v2", or a list of values); KEY is N, N-kv
(or N_kv), d, Br, Bc, heads, batch, warps, stages, bwd_Br, bwd_Bc, bwd_warps, bwd_stages (or
bwd-Br, ...) or any GPU field. The last axis varies
fastest; at each point every algorithm runs in the order given. The columns are the CLI's
(`flashsim sweep --csv`): a row that does not fit (SRAM, ranges) is kept with ok = False and
its reason. Other options as run()'s.
"""
from __future__ import annotations

import io
import sys

from . import _core
from .runs import options


def _axis_specs(vary) -> list[str]:
    if isinstance(vary, str):
        return [vary]
    if isinstance(vary, dict):
        specs = []
        for k, v in vary.items():
            key = "N-kv" if k == "N_kv" else str(k)
            if key.startswith("bwd_"):
                key = "bwd-" + key[4:]  # the CLI's spelling: bwd_Br -> bwd-Br
            if isinstance(v, (list, tuple, range)):
                v = ",".join(repr(x) if isinstance(x, float) else str(x) for x in v)
            specs.append(f"{key}={v}")
        return specs
    return [str(v) for v in vary]


def _progress_bar(total: int, enabled):
    """A tqdm bar (notebook widget or terminal) when tqdm is installed and asked for."""
    if enabled is False or (enabled is None and total < 8):
        return None
    try:
        import ipywidgets  # noqa: F401 (tqdm's notebook widget needs it)
        from tqdm.auto import tqdm
    except ImportError:
        try:
            from tqdm.std import tqdm  # text bar: terminals, and notebooks without ipywidgets
        except ImportError:
            return None
    return tqdm(total=total, desc="flashsim sweep", unit="run", file=sys.stderr, leave=False)


def sweep(vary, algos=None, threads: int = 0, progress=None, **kwargs):
    """Runs every point of the grid; returns a DataFrame, one row per point and algorithm."""
    import pandas as pd

    if isinstance(algos, str):
        algos = [algos]
    bar = None

    def on_progress(done, total):
        nonlocal bar
        if bar is None and done == 0:
            bar = _progress_bar(total, progress)
        if bar is not None:
            bar.n = done
            bar.refresh()

    try:
        csv = _core.sweep_csv(options(**kwargs), list(algos or []), _axis_specs(vary), threads, on_progress)
    finally:
        if bar is not None:
            bar.close()
    return pd.read_csv(io.StringIO(csv))
