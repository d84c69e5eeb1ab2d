"""Presets: the list and the TOML the CLI shows; custom GPUs checked by the library."""
import re

import flashsim


def test_names_and_descriptions_are_the_cli_list(cli):
    rc, out, _ = cli("presets")
    assert rc == 0
    listed = [line.split()[0] for line in out.splitlines() if line.strip()]
    assert flashsim.preset_names() == listed
    df = flashsim.presets()
    for line in out.splitlines():
        name = line.split()[0]
        assert line[len(name):].strip() == df.loc[name, "description"]


def test_show_is_the_presets_toml_with_its_sources(cli):
    rc, out, _ = cli("presets show h100")
    assert rc == 0
    p = flashsim.preset("h100")
    assert p.toml == out
    assert "# " in p.toml  # the sources stay with the numbers


def test_fields_are_the_run_results_gpu():
    for name in flashsim.preset_names():
        assert flashsim.preset(name) == flashsim.run(gpu=name, N=128, heads=1, timing=False).gpu


def test_a_custom_gpu_from_a_dict_round_trips():
    h100 = flashsim.preset("h100")
    copy = flashsim.preset_from_dict(h100.to_dict())
    assert copy == h100


def test_with_fields_is_the_cli_set(cli):
    small = flashsim.preset("h100").with_fields(name="h100-small", sram_bytes_per_sm=65536, hbm_bytes_per_s=2.0e12)
    assert (small.name, small.sram_bytes_per_sm, small.hbm_bytes_per_s) == ("h100-small", 65536, 2.0e12)
    assert small.l2_bytes == flashsim.preset("h100").l2_bytes
    r = flashsim.run(algo="fa2", N=512, d=64, heads=2, gpu=small)
    expected = cli.json("run --algo fa2 --N 512 --d 64 --heads 2 --gpu h100 "
                        "--set sram_bytes_per_sm=65536 --set hbm_bytes_per_s=2.0e12")
    expected["gpu"]["name"] = "h100-small"
    assert r.to_dict() == expected


def test_a_custom_gpu_from_toml_runs_as_the_same_file_does(tmp_path, cli):
    text = re.sub(r"^sram_bytes_per_sm\s*=\s*\d+", "sram_bytes_per_sm = 32768", flashsim.preset("teaching").toml, flags=re.M)
    path = tmp_path / "mine.toml"
    path.write_text(text)
    mine = flashsim.preset_from_toml(text)
    assert mine.sram_bytes_per_sm == 32768
    assert flashsim.preset(str(path)) == mine
    args = dict(algo="fa1", N=512, d=64, heads=1, paper=True)
    assert flashsim.run(gpu=mine, **args).to_dict() == cli.json(f"run --algo fa1 --N 512 --d 64 --heads 1 --paper --gpu {path}")


def test_the_field_table_lists_every_field_with_its_unit():
    t = flashsim.preset("a100-40gb").table()
    assert "sram_bytes_per_sm" in t.index and t.loc["sram_bytes_per_sm", "unit"]
    assert len(t) == len(flashsim.preset("a100-40gb")) - 2  # all but name and description
