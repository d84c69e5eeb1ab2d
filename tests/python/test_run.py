"""flashsim.run gives the CLI's JSON for the same configuration, field for field."""
import pytest

import flashsim

# (CLI options, the same configuration as keyword arguments). Small shapes keep the suite quick.
CONFIGS = [
    ("--algo fa2 --N 512 --d 64 --heads 4 --gpu h100",
     dict(algo="fa2", N=512, d=64, heads=4, gpu="h100")),
    ("--algo vanilla --N 1024 --d 64 --heads 1 --gpu teaching --paper",
     dict(algo="vanilla", N=1024, d=64, heads=1, gpu="teaching", paper=True)),
    ("--algo fa1 --N 1000 --d 64 --heads 2 --Br 32 --Bc 64 --gpu teaching --causal --no-timing",
     dict(algo="fa1", N=1000, d=64, heads=2, Br=32, Bc=64, gpu="teaching", causal=True, timing=False)),
    ("--algo fa3 --N 1024 --d 128 --heads 8 --gpu h100 --dtype fp8 --stages 2",
     dict(algo="fa3", N=1024, d=128, heads=8, gpu="h100", dtype="fp8", stages=2)),
    ("--algo fa2 --N 512 --d 64 --heads 2 --gpu a100-40gb --pass fwdbwd --paper",
     dict(algo="fa2", N=512, d=64, heads=2, gpu="a100-40gb", passes="fwdbwd", paper=True)),
    ("--algo fa2 --N 256 --N-kv 768 --d 32 --heads 2 --batch 3 --set sram_bytes_per_sm=65536 --set hbm_latency_cycles=400",
     dict(algo="fa2", N=256, N_kv=768, d=32, heads=2, batch=3,
          set={"sram_bytes_per_sm": 65536, "hbm_latency_cycles": 400})),
    ("--algo vanilla --N 512 --d 64 --heads 2 --vanilla-gemm tiled --matmul-unit fma --gpu h200",
     dict(algo="vanilla", N=512, d=64, heads=2, vanilla_gemm="tiled", matmul_unit="fma", gpu="h200")),
    ("--algo fa2 --N 256 --d 64 --heads 1 --pass bwd --gpu rtx4090 --warps 8",
     {"algo": "fa2", "N": 256, "d": 64, "heads": 1, "pass": "bwd", "gpu": "rtx4090", "warps": 8}),
    ("--algo standard --N 256 --d 64 --heads 1 --gpu teaching --paper --pass fwdbwd --causal --bwd-Br 32 --bwd-Bc 64",
     dict(algo="standard", N=256, d=64, heads=1, gpu="teaching", paper=True, passes="fwdbwd", causal=True,
          bwd_Br=32, bwd_Bc=64)),
    ("--algo fa3 --N 1024 --d 64 --heads 2 --gpu h100 --causal --block-order heaviest-first",
     dict(algo="fa3", N=1024, d=64, heads=2, gpu="h100", causal=True, block_order="heaviest-first")),
    ("", {}),  # the defaults are the CLI's
]


@pytest.mark.parametrize("args,kwargs", CONFIGS, ids=[c[0] or "defaults" for c in CONFIGS])
def test_run_equals_the_cli_json(cli, args, kwargs):
    assert flashsim.run(**kwargs).to_dict() == cli.json(f"run {args}")


def test_fields_read_by_attribute_and_by_key():
    r = flashsim.run(algo="fa2", N=256, d=64, heads=1, gpu="teaching", paper=True)
    assert r.counts.total.hbm_read_bytes == r["counts"]["total"]["hbm_read_bytes"] > 0
    assert r.problem["pass"] == "fwd" and r.schedule.algo == "fa2"
    assert set(r) >= {"schema", "problem", "schedule", "gpu", "counts", "timing"}
    with pytest.raises(AttributeError, match="no field 'hbm'"):
        r.hbm
    with pytest.raises(AttributeError):
        r.N = 5  # read-only


def test_paper_mode_counts_equal_the_closed_form():
    r = flashsim.run(algo="fa1", N=1024, d=64, heads=1, gpu="teaching", paper=True, timing=False)
    assert r.analytic.available
    assert r.counts.total.hbm_read_bytes == r.analytic.hbm_read_bytes
    assert r.counts.total.hbm_write_bytes == r.analytic.hbm_write_bytes
    assert "timing" not in r


def test_a_lesson_config_file_is_the_same_run_as_its_options(source_dir):
    path = f"{source_dir}/lessons/03-tiling-sram-budget/fa1-64x64.toml"
    r = flashsim.run(config=path)
    same = flashsim.run(algo="fa1", N=1024, d=64, Br=64, Bc=64, heads=1, gpu="teaching", paper=True)
    assert r == same
    assert flashsim.run(config=path, N=512).problem.N == 512  # keywords override the file


def test_timeline_rows_are_events_on_sms():
    r = flashsim.run(algo="fa2", N=512, d=64, heads=2, gpu="teaching", timeline=True)
    ev = r.timeline()
    assert list(ev.columns) == r.timing.timeline["columns"]
    assert len(ev) == len(r.timing.timeline["events"]) > 0
    assert (ev["end_cycles"] >= ev["start_cycles"]).all()
    assert ev["sm"].max() < r.gpu.sm_count
    with pytest.raises(ValueError, match="timeline=True"):
        flashsim.run(algo="fa2", N=256, d=64, heads=1, gpu="teaching").timeline()


def test_per_tensor_frame_sums_to_the_total():
    r = flashsim.run(algo="fa2", N=512, d=64, heads=2, gpu="teaching", paper=True)
    pt = r.per_tensor()
    assert pt["hbm_read_bytes"].sum() == r.counts.total.hbm_read_bytes
    assert pt["hbm_write_bytes"].sum() == r.counts.total.hbm_write_bytes


def test_defaults_are_the_libraries():
    d = flashsim.defaults()
    r = flashsim.run()
    assert (r.schedule.algo, r.problem.N, r.problem.d, r.problem.H, r.gpu.name) == (
        d["algo"], d["N"], d["d"], d["heads"], d["gpu"])


def test_the_engine_line_is_in_the_json_and_the_repr():
    # A small run: every L2 set, CTA and iteration simulated (the exact engine, chosen automatically).
    r = flashsim.run(algo="fa2", N=512, d=64, heads=4, gpu="h100")
    assert r.timing.engine == "exact: every L2 set, CTA and iteration simulated"
    assert repr(r).endswith("| exact engine>")
    # One sampled at 1 in 4 sets: the fast engine says so, with the sampled bytes' standard error.
    f = flashsim.run(algo="fa2", N=512, d=64, heads=4, gpu="h100", l2_set_sampling=4)
    assert f.timing.l2_set_sampling == 4
    assert f.timing.engine.startswith("fast: 1 in 4 L2 sets simulated, counts x 4 (standard error ")
    assert repr(f).endswith("| fast engine>")
