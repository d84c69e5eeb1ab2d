"""Results with the JSON schema's names (docs/results.md), by attribute or by key.

    r = flashsim.run(algo="fa2", N=4096, d=64, heads=16, gpu="h100")
    r.counts.total.hbm_read_bytes == r["counts"]["total"]["hbm_read_bytes"]
    r.problem["pass"]           # "pass" is a Python keyword: use the key
    r.to_dict()                 # the same dict `flashsim run --json` writes
"""
from __future__ import annotations

import copy
import json
from collections.abc import Mapping


def _wrap(v):
    if isinstance(v, dict):
        return Result(v)
    if isinstance(v, list) and v and isinstance(v[0], dict):
        return [Result(x) for x in v]
    return v


class Result(Mapping):
    """A read-only view of a JSON object: fields by attribute (r.counts) or key (r["counts"])."""

    __slots__ = ("_d",)

    def __init__(self, d: dict):
        object.__setattr__(self, "_d", d)

    def __getitem__(self, key):
        return _wrap(self._d[key])

    def __getattr__(self, key):
        if key.startswith("__"):
            raise AttributeError(key)
        try:
            return _wrap(self._d[key])
        except KeyError:
            raise AttributeError(f"no field '{key}'; fields: {', '.join(self._d)}") from None

    def __setattr__(self, key, value):
        raise AttributeError("results are read-only; run again with other options")

    def __iter__(self):
        return iter(self._d)

    def __len__(self):
        return len(self._d)

    def __dir__(self):
        return sorted(set(self._d) | set(type(self).__dict__) | set(Result.__dict__))

    def __eq__(self, other):
        if isinstance(other, Result):
            return self._d == other._d
        return self._d == other

    def __repr__(self):
        return f"Result({json.dumps(self._d, indent=1)[:2000]})"

    def to_dict(self) -> dict:
        """A deep copy of the underlying JSON object."""
        return copy.deepcopy(self._d)

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self._d, indent=indent)
