"""Every error reaches Python as an exception carrying the CLI's one-line message."""
import json

import pytest

import flashsim

# (CLI command, the same mistake from Python). The library's ConfigError: one line naming the
# key, the value and what is allowed; the CLI prints it after "flashsim: error: ".
CONFIG_ERRORS = [
    ("run --algo fa9", lambda: flashsim.run(algo="fa9")),
    ("run --dtype fp64", lambda: flashsim.run(dtype="fp64")),
    ("run --pass sideways", lambda: flashsim.run(passes="sideways")),
    ("run --N 0", lambda: flashsim.run(N=0)),
    ("run --d -8", lambda: flashsim.run(d=-8)),
    ("run --gpu nosuchgpu", lambda: flashsim.run(gpu="nosuchgpu")),
    ("run --gpu /nonexistent/gpu.toml", lambda: flashsim.run(gpu="/nonexistent/gpu.toml")),
    ("run --set no_such_field=1", lambda: flashsim.run(set={"no_such_field": 1})),
    ("run --set sram_bytes_per_sm=-5", lambda: flashsim.run(set=["sram_bytes_per_sm=-5"])),
    ("run --set sram_bytes_per_sm", lambda: flashsim.run(set=["sram_bytes_per_sm"])),
    ("run --algo fa1 --N 1024 --d 128 --heads 1 --Br 256 --Bc 256 --gpu h100",
     lambda: flashsim.run(algo="fa1", N=1024, d=128, heads=1, Br=256, Bc=256, gpu="h100")),
    ("run --algo fa1 --N 1024 --d 64 --heads 1 --Br 128 --Bc 128 --gpu teaching --paper",
     lambda: flashsim.run(algo="fa1", N=1024, d=64, heads=1, Br=128, Bc=128, gpu="teaching", paper=True)),
    ("run --matmul-unit abacus", lambda: flashsim.run(matmul_unit="abacus")),
    ("verify --algo fa2 --N 65536 --d 128 --heads 16", lambda: flashsim.verify(algo="fa2", N=65536, d=128, heads=16)),
    ("verify --algo fa2 --N 256 --d 64 --heads 1 --Br 512 --Bc 512 --gpu teaching",
     lambda: flashsim.verify(algo="fa2", N=256, d=64, heads=1, Br=512, Bc=512, gpu="teaching")),
    ("presets show nosuchgpu", lambda: flashsim.preset("nosuchgpu")),
    ("crosscheck /nonexistent/measurement.json", lambda: flashsim.crosscheck("/nonexistent/measurement.json")),
    ("crosscheck kernels/measurements/nvidia-h200-2026-11-21.json --versions 99",
     lambda: flashsim.crosscheck("kernels/measurements/nvidia-h200-2026-11-21.json", versions=[99])),
]


@pytest.mark.parametrize("args,call", CONFIG_ERRORS, ids=[c[0] for c in CONFIG_ERRORS])
def test_config_errors_carry_the_cli_message(cli, source_dir, monkeypatch, args, call):
    monkeypatch.chdir(source_dir)
    expected = cli.error(args)
    with pytest.raises(flashsim.ConfigError) as e:
        call()
    assert str(e.value) == expected
    assert "\n" not in str(e.value)


def test_config_error_is_a_value_error():
    assert issubclass(flashsim.ConfigError, ValueError)


def test_a_malformed_measurement_file_is_named(tmp_path, cli):
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema": "flashsim-measurement/1", "runs": [')
    expected = cli.error(f"crosscheck {bad}")
    with pytest.raises(flashsim.ConfigError) as e:
        flashsim.crosscheck(bad)
    assert str(e.value) == expected and "bad.json" in expected


def test_a_malformed_gpu_file_is_named(tmp_path, cli):
    bad = tmp_path / "gpu.toml"
    bad.write_text('name = "x"\ndescription = "y"\nsm_count = "many"\n')
    expected = cli.error(f"run --gpu {bad}")
    with pytest.raises(flashsim.ConfigError) as e:
        flashsim.run(gpu=str(bad))
    assert str(e.value) == expected
    with pytest.raises(flashsim.ConfigError) as e:
        flashsim.preset(str(bad))
    assert str(e.value) == expected


def test_a_malformed_answer_file_is_refused_as_the_cli_refuses_it(tmp_path, cli):
    bad = tmp_path / "answers.json"
    bad.write_text(json.dumps({"homework": "flashsim", "format": 1, "seed": "seven", "student": "ada", "answers": {}}))
    expected = cli.error(f"homework grade {bad}")
    with pytest.raises(flashsim.ConfigError) as e:
        flashsim.homework.grade_file(bad)
    assert str(e.value) == expected


# Mistakes a Python caller makes that the CLI's parser catches differently: TypeError, naming the key.
@pytest.mark.parametrize("kwargs,match", [
    (dict(Nq=1024), "unknown option 'Nq'"),
    (dict(N="1024"), "N must be a whole number"),
    (dict(N=1024.0), "N must be a whole number"),
    (dict(causal=1), "causal must be True or False"),
    (dict(algo=2), "algo must be a string"),
    (dict(set={"sram_bytes_per_sm": "big"}), "sram_bytes_per_sm must be a number"),
    (dict(set=[65536]), "not a 'KEY=VALUE' string"),
    (dict(timing="yes"), "timing must be True or False"),
])
def test_wrong_types_raise_type_error_naming_the_key(kwargs, match):
    with pytest.raises(TypeError, match=match):
        flashsim.run(**kwargs)


def test_a_custom_gpu_missing_a_field_is_refused_by_the_library():
    fields = flashsim.preset("teaching").to_dict()
    del fields["sm_count"]
    with pytest.raises(flashsim.ConfigError, match="missing key 'sm_count'"):
        flashsim.preset_from_dict(fields)
    with pytest.raises(flashsim.ConfigError, match="sram_bytes_per_sm"):
        flashsim.preset("teaching").with_fields(sram_bytes_per_sm=-1)
