"""flashsim.crosscheck: measured kernels (stored measurements or ncu CSV exports) against the simulator.

    cc = flashsim.crosscheck("kernels/measurements/nvidia-h200-2026-11-21.json", versions=[5])
    cc.runs        # DataFrame, one row per measured run (`flashsim crosscheck --csv`)
    cc.summary     # DataFrame, median and worst |relative error| per metric and version
    cc.json        # the report as `flashsim crosscheck --json` writes it
    print(cc)      # the CLI's tables
"""
from __future__ import annotations

import io
import json

from . import _core
from .result import Result
from .runs import options


class Crosscheck:
    """A cross-check report: the library's JSON, CSV and text, with DataFrames over them."""

    def __init__(self, parts: dict):
        self.json = Result(json.loads(parts["json"]))
        self.csv = parts["csv"]
        self.text = parts["text"]

    @property
    def runs(self):
        import pandas as pd

        return pd.read_csv(io.StringIO(self.csv))

    @property
    def summary(self):
        import pandas as pd

        return pd.DataFrame(self.json.to_dict()["summary"])

    @property
    def throughput(self):
        import pandas as pd

        return pd.DataFrame(self.json.to_dict().get("throughput", []))

    def __repr__(self):
        return self.text

    def _repr_html_(self):
        return "<pre>" + self.text.replace("&", "&amp;").replace("<", "&lt;") + "</pre>"


def crosscheck(path, versions=None, kernel_regex: str = "", wide: bool = False, **kwargs) -> Crosscheck:
    """Compares measured kernels with the simulator, as `flashsim crosscheck FILE` does.

    path: a stored measurement (kernels/measurements/*.json), which describes its own runs and GPU;
    versions picks kernel versions (default: all), gpu overrides the preset its provenance names.
    Or an `ncu --csv` export of your own kernel: give its configuration as run()'s options (algo,
    N, d, heads, batch, causal, Br, Bc, dtype) and gpu; kernel_regex sums only matching kernels.
    Other options as run()'s (e.g. paper=True, set={...}).
    """
    if versions is not None and not isinstance(versions, (list, tuple, set)):
        versions = [versions]
    return Crosscheck(_core.crosscheck(str(path), options(**kwargs), sorted(versions or []), kernel_regex, wide))
