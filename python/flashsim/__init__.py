"""flashsim: an educational GPU memory-hierarchy simulator for attention, from Python.

The C++ library (the same one the `flashsim` command runs) as a module:

    import flashsim
    r = flashsim.run(algo="fa2", N=4096, d=64, heads=16, gpu="h100")
    r.counts.total.hbm_read_bytes, r["timing"]["seconds"]     # the CLI's JSON names
    df = flashsim.sweep(algos=["vanilla", "fa2"], vary={"N": "512:8192"}, paper=True, timing=False)
    flashsim.plot.bytes_vs(df, x="N")
    flashsim.verify(algo="fa2", N=256, d=64, heads=1)           # tiles executed for real
    flashsim.presets(); flashsim.preset("h100").with_fields(sram_bytes_per_sm=65536)
    flashsim.crosscheck("kernels/measurements/nvidia-h200-2026-11-21.json").runs

Bad options raise flashsim.ConfigError (a ValueError) with the CLI's one-line message.
"""
from ._core import ConfigError
from . import plot
from .crosscheck import Crosscheck, crosscheck
from .presets import Preset, preset, preset_from_dict, preset_from_toml, preset_names, presets
from .result import Result
from .runs import RunResult, VerifyResult, config, defaults, run, verify
from .sweep import sweep

__all__ = ["ConfigError", "Crosscheck", "Preset", "Result", "RunResult", "VerifyResult", "config", "crosscheck",
           "defaults", "homework", "plot", "preset", "preset_from_dict", "preset_from_toml", "preset_names",
           "presets", "run", "sweep", "verify"]


def __getattr__(name):
    # flashsim.homework is imported when first used, so `python3 -m flashsim.homework` runs it fresh.
    if name == "homework":
        import importlib

        return importlib.import_module(".homework", __name__)
    raise AttributeError(f"module 'flashsim' has no attribute '{name}'")
