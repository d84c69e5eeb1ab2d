"""Shared fixtures: the flashsim command beside the module, to compare the two."""
import json
import os
import shlex
import subprocess

import pytest

SOURCE_DIR = os.environ.get("FLASHSIM_SOURCE_DIR", os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
BINARY = os.environ.get("FLASHSIM_BINARY", os.path.join(SOURCE_DIR, "build", "sim", "flashsim"))


class Cli:
    """Runs `flashsim ARGS`; returns (exit status, stdout, stderr)."""

    def __call__(self, args, cwd=None):
        argv = [BINARY] + (shlex.split(args) if isinstance(args, str) else list(args))
        p = subprocess.run(argv, capture_output=True, text=True, cwd=cwd or SOURCE_DIR, timeout=300)
        return p.returncode, p.stdout, p.stderr

    def json(self, args):
        rc, out, err = self(f"{args} --json -" if isinstance(args, str) else list(args) + ["--json", "-"])
        assert rc == 0, err
        return json.loads(out)

    def error(self, args):
        """The one line the CLI prints for a refused command, without its 'flashsim: error: ' prefix."""
        rc, out, err = self(args)
        assert rc == 2, (rc, out, err)
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("flashsim: error: "), err
        return lines[0][len("flashsim: error: "):]


@pytest.fixture(scope="session")
def cli():
    if not os.path.exists(BINARY):
        pytest.skip(f"the flashsim command is not built ({BINARY})")
    return Cli()


@pytest.fixture(scope="session")
def source_dir():
    return SOURCE_DIR


MEASUREMENT = "kernels/measurements/nvidia-h200-2026-11-21.json"


@pytest.fixture(scope="session")
def h200_v5():
    """The cross-check of the stored H200 measurement, version 5 (computed once: a few seconds)."""
    import flashsim

    here = os.getcwd()
    os.chdir(SOURCE_DIR)  # the path as the CLI gets it, relative to the source tree (the report names it)
    try:
        return flashsim.crosscheck(MEASUREMENT, versions=[5])
    finally:
        os.chdir(here)
