"""flashsim.crosscheck: the CLI's cross-check of a stored measurement, as DataFrames."""
import io
import json

import pandas as pd

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
