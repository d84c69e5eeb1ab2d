"""flashsim.run, flashsim.verify and flashsim.config: one configuration through the C++ library.

Options have the CLI's names and defaults (`flashsim run --help`): algo, N, N_kv, d, heads,
batch, dtype, causal, dropout (None: the algorithm's default), pass (or passes, since `pass` is a Python keyword), Br, Bc, warps, stages,
bwd_Br, bwd_Bc, bwd_warps, bwd_stages (the backward's own; 0 = its defaults), vanilla_gemm, matmul_unit, block_order, gpu (a preset name, a .toml path or a Preset), set (GPU field
overrides: a dict or a list of "KEY=VALUE"), paper, timing (False = the CLI's --no-timing), and the
engine's: exact (every L2 set, CTA and iteration simulated), no_skip, l2_set_sampling (0 = automatic);
a timed result's `timing.engine` says which engine ran and what the fast one estimated.
Bad options raise flashsim.ConfigError with the CLI's one-line message; an unknown option or a
value of the wrong type raises TypeError.
"""
from __future__ import annotations

import json
from collections.abc import Mapping

from . import _core
from .result import Result
from .units import human_bytes, human_seconds


def defaults() -> dict:
    """The options' defaults: the CLI's (read from the library, not written here)."""
    return _core.default_options()


def options(**kwargs) -> dict:
    """Python spellings turned into the library's option names (as `flashsim run` has them)."""
    from .presets import Preset

    o = {}
    for key, value in kwargs.items():
        if key == "passes":
            key = "pass"
        if key == "timing":
            if not isinstance(value, bool):
                raise TypeError(f"timing must be True or False, got {value!r}")
            o["no_timing"] = not value
            continue
        if key == "set" and isinstance(value, Mapping):
            value = [f"{k}={_number_text(v, k)}" for k, v in value.items()]
        if key == "gpu" and isinstance(value, Preset):
            o["gpu_toml"] = value.toml
            value = value.name
        o[key] = value
    return o


def _number_text(v, key) -> str:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise TypeError(f"set: GPU field {key} must be a number, got {v!r}")
    return str(v) if isinstance(v, int) else repr(float(v))


class RunResult(Result):
    """The RunResult of one simulation, as `flashsim run --json` writes it."""

    __slots__ = ()

    def __repr__(self):
        p, s, c = self._d["problem"], self._d["schedule"], self._d["counts"]["total"]
        text = (f"<flashsim {s['algo']} Br={s['Br']} Bc={s['Bc']} | B={p['B']} H={p['H']} N={p['N']} d={p['d']} "
                f"{p['dtype']}{' causal' if p['causal'] else ''}"
                f"{' dropout=%g' % p['dropout'] if p.get('dropout') else ''} {p['pass']} | {self._d['gpu']['name']}"
                f"{' paper' if self._d['paper_mode'] else ''} | HBM read {human_bytes(c['hbm_read_bytes'])}, "
                f"write {human_bytes(c['hbm_write_bytes'])}")
        t = self._d.get("timing")
        if t:
            text += f" | {human_seconds(t['seconds'])}, {t['bottleneck']}"
            if t.get("engine"):  # "fast: ..." (estimates; the whole line in r["timing"]["engine"]) or "exact: ..."
                text += f" | {t['engine'].split(':')[0]} engine"
        return text + ">"

    def per_tensor(self):
        """Bytes per tensor as a DataFrame (one row per tensor that moves)."""
        import pandas as pd

        rows = [{"tensor": k, **v} for k, v in self._d["counts"]["per_tensor"].items()]
        return pd.DataFrame(rows).set_index("tensor")

    def timeline(self):
        """The per-SM timeline (run with timeline=True) as a DataFrame, one row per event."""
        import pandas as pd

        t = self._d.get("timing", {}).get("timeline")
        if t is None:
            raise ValueError("this result has no timeline; run with timeline=True (and timing on)")
        return pd.DataFrame(t["events"], columns=t["columns"])

    def roofline(self):
        """The roofline points of each memory level as a DataFrame."""
        import pandas as pd

        if "timing" not in self._d:
            raise ValueError("this result has no timing; run with timing=True")
        return pd.DataFrame(self._d["timing"]["roofline"])


def config(path: str) -> dict:
    """A lesson's configuration file (lessons/NN-*/NAME.toml) as run()'s keyword arguments."""
    return _core.config(str(path))


def run(config: str | None = None, timeline: bool = False, timeline_max_events: int | None = None, **kwargs) -> RunResult:
    """Simulates one configuration; returns its RunResult (the CLI's JSON, by attribute or key).

    config: a lesson's configuration file whose values the keyword arguments then override.
    timeline: record the per-SM timeline (result.timeline(), flashsim.plot.timeline), up to
    timeline_max_events events (None: the library's default).
    """
    merged = _core.config(str(config)) if config is not None else {}
    merged.update(options(**kwargs))
    return RunResult(json.loads(_core.run_json(merged, timeline, timeline_max_events)))


class VerifyResult(Result):
    """One configuration executed for real: output errors, bytes moved vs counted, O and LSE."""

    __slots__ = ()

    def __repr__(self):
        d = self._d
        return (f"<flashsim verify {d['schedule']} | {d['problem']} | max rel err {d['max_rel_err']:.3g} "
                f"({'matches' if d['output_matches'] else 'does NOT match'}, tolerance {d['tolerance']:.3g}) | bytes "
                f"functional {'==' if d['bytes_equal'] else '!='} counted>")

    @property
    def O(self):  # noqa: E743 (the papers' name)
        return self._d["O"]

    @property
    def LSE(self):
        return self._d["LSE"]

    def bytes(self):
        """Per tensor: the bytes the execution moved and the bytes the counting layer counted."""
        import pandas as pd

        rows = []
        for t in self._d["tensors"]:
            row = {"tensor": t["tensor"]}
            for side in ("functional", "counted"):
                for k, v in t[side].items():
                    row[f"{side}_{k}"] = v
            rows.append(row)
        return pd.DataFrame(rows).set_index("tensor")

    def to_dict(self) -> dict:
        d = dict(self._d)
        d["O"] = self._d["O"].tolist()
        d["LSE"] = None if self._d["LSE"] is None else self._d["LSE"].tolist()
        return d


def verify(seed: int = 1, naive_tiles: bool = False, config: str | None = None, **kwargs) -> VerifyResult:
    """Runs the tiles for real on seeded inputs (`flashsim verify`): small sizes only.

    Defaults as `flashsim verify`'s: N=256, heads=2, the rest as run()'s.
    """
    merged = {"N": 256, "heads": 2}  # `flashsim verify`'s own defaults (sim/cli/verify.cpp)
    if config is not None:
        merged.update(_core.config(str(config)))
    merged.update(options(**kwargs))
    return VerifyResult(_core.verify(merged, seed, naive_tiles))
