"""flashsim.crosscheck: the CLI's cross-check of a stored measurement, as DataFrames."""
import io
import json

import pandas as pd
import pytest

from conftest import MEASUREMENT


def test_the_report_is_the_cli_report(cli, tmp_path, h200_v5):
    j, c = tmp_path / "cc.json", tmp_path / "cc.csv"
    rc, text, err = cli(f"crosscheck {MEASUREMENT} --versions 5 --json {j} --csv {c}")
    assert rc == 0, err
    cc = h200_v5
    assert cc.json.to_dict() == json.loads(j.read_text())
    assert cc.csv == c.read_text()
    assert cc.text == text
    pd.testing.assert_frame_equal(cc.runs, pd.read_csv(io.StringIO(c.read_text())))
    assert set(cc.runs["version"]) == {5} and len(cc.runs) == len(cc.json.comparisons)
    summary = json.loads(j.read_text())["summary"]
    assert cc.summary.to_dict("records") == summary


def test_an_ncu_export_is_compared_as_the_cli_compares_it(cli, tmp_path, source_dir):
    import flashsim

    csv = "tests/crosscheck/fixtures/synthetic_ncu_details.csv"
    args = "--algo fa2 --N 1024 --d 64 --heads 16 --gpu h100"
    j = tmp_path / "cc.json"
    rc, text, err = cli(f"crosscheck {csv} {args} --json {j}")
    assert rc == 0, err
    cc = flashsim.crosscheck(f"{source_dir}/{csv}", algo="fa2", N=1024, d=64, heads=16, gpu="h100")
    expected = json.loads(j.read_text())
    expected["source"] = cc.json.source  # the path as each was given
    assert cc.json.to_dict() == expected
    assert len(cc.runs) == 1
    # An export names no GPU: one is needed, as for the CLI.
    with pytest.raises(flashsim.ConfigError) as e:
        flashsim.crosscheck(f"{source_dir}/{csv}", algo="fa2", N=1024)
    assert str(e.value) == cli.error(f"crosscheck {csv} --algo fa2 --N 1024")
    with pytest.raises(flashsim.ConfigError, match="applies to ncu CSV exports only"):
        flashsim.crosscheck(f"{source_dir}/{MEASUREMENT}", N=1024)
