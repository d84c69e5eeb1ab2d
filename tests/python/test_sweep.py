"""flashsim.sweep: the library's sweep as a DataFrame, row for row the CLI's CSV."""
import io

import pandas as pd
import pytest

import flashsim

SWEEPS = [
    ("--algos vanilla fa2 --vary N=256:2048 --d 64 --heads 1 --gpu teaching --paper --no-timing",
     dict(algos=["vanilla", "fa2"], vary={"N": "256:2048"}, d=64, heads=1, gpu="teaching", paper=True, timing=False)),
    ("--algos fa1 --vary Bc=16,32,64,128 --Br 64 --N 1024 --d 64 --heads 1 --gpu teaching --paper --no-timing",
     dict(algos="fa1", vary={"Bc": [16, 32, 64, 128]}, Br=64, N=1024, d=64, heads=1, gpu="teaching", paper=True,
          timing=False)),
    ("--algo fa2 --vary sram_bytes_per_sm=16384:131072 --vary d=32,64 --N 512 --heads 2 --gpu teaching",
     dict(algo="fa2", vary=["sram_bytes_per_sm=16384:131072", "d=32,64"], N=512, heads=2, gpu="teaching")),
]


@pytest.mark.parametrize("args,kwargs", SWEEPS, ids=[s[0] for s in SWEEPS])
def test_sweep_equals_the_cli_csv(cli, args, kwargs):
    rc, out, err = cli(f"sweep {args} --csv -")
    assert rc == 0, err
    df = flashsim.sweep(progress=False, **kwargs)
    pd.testing.assert_frame_equal(df, pd.read_csv(io.StringIO(out)))


def test_points_that_do_not_fit_are_rows_with_their_reason(cli):
    df = flashsim.sweep(algos=["fa1"], vary={"Bc": [64, 256]}, Br=128, N=1024, d=64, heads=1, gpu="teaching",
                        paper=True, timing=False, progress=False)
    assert list(df["ok"]) == [True, False]
    reason = df["reason"].iloc[1]
    with pytest.raises(flashsim.ConfigError) as e:
        flashsim.run(algo="fa1", Br=128, Bc=256, N=1024, d=64, heads=1, gpu="teaching", paper=True)
    assert reason == str(e.value)


def test_every_row_is_the_run_of_its_point():
    df = flashsim.sweep(algos=["vanilla", "fa2"], vary={"N": [256, 512]}, d=64, heads=1, gpu="teaching", paper=True,
                        timing=False, progress=False)
    for _, row in df.iterrows():
        r = flashsim.run(algo=row["algo"], N=int(row["N"]), d=64, heads=1, gpu="teaching", paper=True, timing=False)
        assert row["hbm_read_bytes"] == r.counts.total.hbm_read_bytes
        assert row["hbm_write_bytes"] == r.counts.total.hbm_write_bytes


def test_progress_reaches_the_total():
    seen = []
    csv = flashsim._core.sweep_csv({"d": 64, "heads": 1, "gpu": "teaching", "paper": True, "no_timing": True},
                                   ["fa2"], ["N=128:1024"], 2, lambda done, total: seen.append((done, total)))
    assert seen and seen[-1] == (4, 4) and all(t == 4 for _, t in seen)
    assert len(pd.read_csv(io.StringIO(csv))) == 4


@pytest.mark.parametrize("args,kwargs", [
    ("--algo fa2", dict(vary=[])),
    ("--vary Q=1:4", dict(vary={"Q": "1:4"})),
    ("--vary N=8:4", dict(vary={"N": "8:4"})),
    ("--vary N=a,b", dict(vary="N=a,b")),
    ("--algos fa7 --vary N=256:512", dict(algos=["fa7"], vary={"N": "256:512"})),
])
def test_bad_sweeps_carry_the_cli_message(cli, args, kwargs):
    expected = cli.error(f"sweep {args}")
    with pytest.raises(flashsim.ConfigError) as e:
        flashsim.sweep(progress=False, **kwargs)
    assert str(e.value) == expected
