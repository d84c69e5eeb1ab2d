"""flashsim.plot draws what the simulator computed, with the closed form's slope in the legend."""
import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import flashsim  # noqa: E402


def test_loglog_slope_of_a_power_law_is_its_exponent():
    xs = [16, 32, 64, 128, 256]
    assert flashsim.plot.loglog_slope(xs, [3 * x**2 for x in xs]) == pytest.approx(2.0)
    assert flashsim.plot.loglog_slope(xs, [5 / x for x in xs]) == pytest.approx(-1.0)
    assert math.isnan(flashsim.plot.loglog_slope([4], [2]))


def _frame(algos, Ns, **kw):
    rows = []
    for a in algos:
        for n in Ns:
            r = flashsim.run(algo=a, N=n, **kw)
            c, an = r.counts.total, r.analytic
            rows.append(dict(algo=a, N=n, hbm_read_bytes=c.hbm_read_bytes, hbm_write_bytes=c.hbm_write_bytes,
                             formula_hbm_read_bytes=an.hbm_read_bytes, formula_hbm_write_bytes=an.hbm_write_bytes,
                             seconds=r.timing.seconds if "timing" in r else float("nan")))
    return pd.DataFrame(rows)


def test_bytes_vs_n_draws_points_and_the_closed_form():
    Ns = [256, 512, 1024, 2048]
    df = _frame(["vanilla", "fa1"], Ns, d=64, heads=1, gpu="teaching", paper=True, timing=False)
    ax = flashsim.plot.bytes_vs(df, x="N")
    lines = {l.get_label(): l for l in ax.get_lines()}
    assert set(lines) == {"vanilla simulated", "fa1 simulated"} | {k for k in lines if "closed form, slope" in k}
    van = df[df.algo == "vanilla"]
    slope = flashsim.plot.loglog_slope(van.N, van.formula_hbm_read_bytes + van.formula_hbm_write_bytes)
    assert f"vanilla closed form, slope {slope:.2f}" in lines
    assert list(lines["vanilla simulated"].get_ydata()) == list(van.hbm_read_bytes + van.hbm_write_bytes)
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    plt.close("all")


def test_time_vs_needs_times():
    df = _frame(["fa2"], [256, 512], d=64, heads=1, gpu="teaching", paper=True, timing=False)
    with pytest.raises(ValueError, match="no times"):
        flashsim.plot.time_vs(df)
    df = _frame(["fa2"], [256, 512, 1024], d=64, heads=4, gpu="teaching")
    ax = flashsim.plot.time_vs(df)
    assert list(ax.get_lines()[0].get_ydata()) == list(df.seconds * 1e6)
    plt.close("all")


def test_roofline_places_each_run_at_its_intensity():
    r = flashsim.run(algo="fa2", N=1024, d=64, heads=4, gpu="h100")
    ax = flashsim.plot.roofline([r], labels=["fa2"])
    hbm = next(p for p in r.timing.roofline if p.level == "HBM")
    pt = next(l for l in ax.get_lines() if l.get_label() == "fa2 (HBM)")
    assert pt.get_xdata()[0] == hbm.intensity_flops_per_byte
    assert pt.get_ydata()[0] == pytest.approx(hbm.achieved_flops_per_s / 1e12)
    plt.close("all")


def test_timeline_has_one_row_per_sm_shown():
    r = flashsim.run(algo="fa2", N=512, d=64, heads=4, gpu="teaching", timeline=True)
    ax = flashsim.plot.timeline(r, sms=4)
    assert [t.get_text() for t in ax.get_yticklabels()] == [f"SM {s}" for s in sorted(r.timeline()["sm"].unique())[:4]]
    plt.close("all")


def test_measured_vs_simulated_plots_every_run_with_both_values(h200_v5):
    cc = h200_v5
    ax = flashsim.plot.measured_vs_simulated(cc, metric="hbm_read")
    runs = cc.runs.dropna(subset=["hbm_read_measured", "hbm_read_simulated"])
    pts = [l for l in ax.get_lines() if l.get_label().startswith("v5")]
    assert len(pts[0].get_xdata()) == len(runs) > 0
    with pytest.raises(ValueError, match="unknown metric"):
        flashsim.plot.measured_vs_simulated(cc, metric="bogus")
    plt.close("all")
