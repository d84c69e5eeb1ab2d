"""flashsim.verify: the functional layer, as `flashsim verify` reports it."""
import json
import re

import numpy as np
import pytest

import flashsim


def _cli_numbers(out):
    abs_err = float(re.search(r"max abs err (\S+),", out).group(1))
    rel_err = float(re.search(r"max rel err (\S+) ", out).group(1))
    return abs_err, rel_err


@pytest.mark.parametrize("args,kwargs", [
    ("--algo fa2 --N 256 --d 64 --heads 1 --Br 64 --Bc 64 --gpu teaching",
     dict(algo="fa2", N=256, d=64, heads=1, Br=64, Bc=64, gpu="teaching")),
    ("--algo fa1 --N 200 --d 32 --heads 2 --causal --gpu teaching --seed 3",
     dict(algo="fa1", N=200, d=32, heads=2, causal=True, gpu="teaching", seed=3)),
    ("--algo vanilla --N 128 --d 64 --heads 1 --dtype fp32 --gpu a100-40gb",
     dict(algo="vanilla", N=128, d=64, heads=1, dtype="fp32", gpu="a100-40gb")),
])
def test_verify_reports_what_the_cli_reports(cli, tmp_path, args, kwargs):
    dump = tmp_path / "O.json"
    rc, out, err = cli(f"verify {args} --dump-output {dump}")
    assert rc == 0, err
    v = flashsim.verify(**kwargs)
    assert v.output_matches and v.bytes_equal and "does NOT" not in out and "functional == counted" in out
    assert (f"{v.max_abs_err:.3g}", f"{v.max_rel_err:.3g}") == tuple(f"{x:.3g}" for x in _cli_numbers(out))
    assert v.schedule in out
    O_cli = np.array(json.loads(dump.read_text())["O"], dtype=np.float32)
    assert v.O.shape == (v.O.shape[0], v.O.shape[1], kwargs["N"], kwargs["d"])
    assert np.array_equal(v.O.reshape(-1), O_cli.reshape(-1))


def test_the_naive_tiles_do_not_match_but_move_the_same_bytes(cli):
    args = "--algo fa2 --N 256 --d 64 --heads 1 --Br 64 --Bc 64 --naive-tiles --gpu teaching"
    rc, out, _ = cli(f"verify {args}")
    v = flashsim.verify(algo="fa2", N=256, d=64, heads=1, Br=64, Bc=64, gpu="teaching", naive_tiles=True)
    assert "does NOT match" in out and not v.output_matches
    assert v.max_rel_err > v.tolerance and v.bytes_equal
    assert "l" not in v.bytes().index  # statistics left out, as the CLI says
    # With one key block (Tc = 1) the naive softmax is the real one.
    one = flashsim.verify(algo="fa2", N=64, d=64, heads=1, Br=64, Bc=64, gpu="teaching", naive_tiles=True)
    assert one.output_matches


def test_bytes_per_tensor_equal_the_counted_ones():
    v = flashsim.verify(algo="fa2", N=256, d=64, heads=2, Br=64, Bc=64, gpu="teaching")
    b = v.bytes()
    for level in ("hbm_read_bytes", "hbm_write_bytes", "global_read_bytes", "global_write_bytes"):
        assert (b[f"functional_{level}"] == b[f"counted_{level}"]).all()
    r = flashsim.run(algo="fa2", N=256, d=64, heads=2, Br=64, Bc=64, gpu="teaching", paper=True)
    assert b["counted_hbm_read_bytes"].sum() == r.counts.total.hbm_read_bytes
    assert v.LSE.shape == (1, 2, 256)
