"""GPU presets: list them, show one (its TOML with every source), make a custom GPU.

    flashsim.presets()                                   # DataFrame: name, description
    h100 = flashsim.preset("h100"); print(h100.toml)     # `flashsim presets show h100`
    h100.sram_bytes_per_sm, h100["l2_bytes"]             # fields by attribute or key
    small = h100.with_fields(name="h100-64k", sram_bytes_per_sm=65536)
    mine = flashsim.preset_from_toml(open("my.toml").read())
    flashsim.run(gpu=small, ...)

Every GPU is read and checked by the library (the same parser and the same errors as the CLI).
"""
from __future__ import annotations

import os

from . import _core
from .result import Result


class Preset(Result):
    """A GPU: its fields (name, description, every field of the machine model) and its TOML."""

    __slots__ = ("toml", "origin")

    def __init__(self, toml: str, origin: str):
        Result.__init__(self, _core.gpu_spec(toml, origin))  # raises ConfigError for a bad GPU
        object.__setattr__(self, "toml", toml)
        object.__setattr__(self, "origin", origin)

    def __repr__(self):
        return f"<flashsim.Preset {self._d['name']}: {self._d['description']}>"

    def with_fields(self, **fields) -> "Preset":
        """This GPU with some fields changed (checked as `--set KEY=VALUE` is); name and description too."""
        return preset_from_dict(fields, base=self)

    def table(self):
        """Every field with its value, unit and meaning, as a DataFrame."""
        import pandas as pd

        rows = [{"field": f["key"], "value": self._d[f["key"]], "unit": f["unit"], "help": f["help"]}
                for f in _core.gpu_fields()]
        return pd.DataFrame(rows).set_index("field")


def preset_names() -> list[str]:
    """The presets shipped with flashsim (`flashsim presets`)."""
    return list(_core.preset_names())


def presets():
    """The presets as a DataFrame: name, description."""
    import pandas as pd

    rows = [{"name": n, "description": preset(n).description} for n in preset_names()]
    return pd.DataFrame(rows).set_index("name")


def preset(name_or_path: str) -> Preset:
    """A shipped preset by name (its TOML keeps every source comment) or a .toml file."""
    name_or_path = str(name_or_path)
    if name_or_path in preset_names():
        return Preset(_core.preset_toml(name_or_path), "preset " + name_or_path)
    if "/" in name_or_path or name_or_path.endswith(".toml") or os.path.exists(name_or_path):
        return Preset(_core.gpu_toml_of(name_or_path), name_or_path)  # the library reads the file
    _core.gpu_toml_of(name_or_path)  # raises the library's message, listing the presets
    raise AssertionError("unreachable")


def preset_from_toml(text: str, origin: str = "custom GPU") -> Preset:
    """A GPU from TOML text laid out as sim/presets/*.toml (every field present)."""
    return Preset(text, origin)


def preset_from_dict(fields: dict, base: str | Preset | None = None) -> Preset:
    """A GPU from a dict: every field (as a preset file has them), or a base GPU with some changed."""
    if base is None:
        return Preset(_core.custom_gpu_toml(dict(fields)), "custom GPU")
    if not isinstance(base, Preset):
        base = preset(base)
    toml = _core.custom_gpu_toml(dict(fields), base.toml, base.origin)
    name = fields.get("name", base.name)
    return Preset(toml, "custom GPU " + str(name))
