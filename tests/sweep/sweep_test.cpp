// Sweeps: the grid expands in a stated order, rows come back in that order whatever the number
// of threads, a point that does not fit is kept with its reason, every varied field is a column,
// and each row is the simulation of its point.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "sim/core/errors.h"
#include "sim/core/work_estimate.h"
#include "sim/sweep/sweep.h"

using namespace flashsim;

namespace {

SweepSpec teaching_spec() {
    SweepSpec s;
    s.problem.N = 256;
    s.problem.d = 64;
    s.problem.H = 1;
    s.gpu = load_gpu("teaching");
    s.options.paper_mode = true;
    s.options.timing = false;
    return s;
}

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::stringstream ss(text);
    for (std::string l; std::getline(ss, l);) out.push_back(l);
    return out;
}

}  // namespace

TEST_CASE("a sweep's grid expands with the last axis fastest and every algorithm at each point") {
    SweepSpec s = teaching_spec();
    s.algorithms = {Algorithm::vanilla, Algorithm::fa2};
    s.axes = {parse_sweep_axis("N=128:512"), parse_sweep_axis("d=32,64")};
    REQUIRE(s.axes[0].values == std::vector<double>{128, 256, 512});
    const auto pts = expand_sweep(s);
    REQUIRE(pts.size() == 3 * 2 * 2);
    CHECK(pts[0].algo == Algorithm::vanilla);
    CHECK(pts[1].algo == Algorithm::fa2);
    CHECK(pts[1].values == std::vector<double>{128, 32});
    CHECK(pts[2].values == std::vector<double>{128, 64});
    CHECK(pts[4].values == std::vector<double>{256, 32});
    for (size_t i = 0; i < pts.size(); ++i) CHECK(pts[i].index == i);
    CHECK(parse_sweep_axis("Bc=16:64:+16").values == std::vector<double>{16, 32, 48, 64});
    CHECK(parse_sweep_axis("N=100:1000:*10").values == std::vector<double>{100, 1000});
}

TEST_CASE("each row of a sweep is the simulation of its point, in order, on any number of threads") {
    SweepSpec s = teaching_spec();
    s.algorithms = {Algorithm::fa1, Algorithm::fa2};
    s.axes = {parse_sweep_axis("N=64:1024"), parse_sweep_axis("Bc=16,32")};
    s.threads = 1;
    const auto one = run_sweep(s);
    s.threads = 4;
    const auto four = run_sweep(s);
    CHECK(sweep_csv(s, one) == sweep_csv(s, four));
    REQUIRE(four.size() == 5 * 2 * 2);
    for (const auto& r : four) {
        REQUIRE(r.ok);
        AttentionProblem p = s.problem;
        p.N = int64_t(r.point.values[0]);
        Schedule sc = s.schedule;
        sc.algo = r.point.algo;
        sc.Bc = int64_t(r.point.values[1]);
        const RunResult direct = simulate(p, sc, s.gpu, s.options);
        CHECK(r.result.counts.total.hbm_read_bytes == direct.counts.total.hbm_read_bytes);
        CHECK(r.result.counts.total.hbm_write_bytes == direct.counts.total.hbm_write_bytes);
        CHECK(r.result.schedule.Bc == sc.Bc);
        // Paper mode: the counts are the closed form's.
        CHECK(r.result.counts.total.hbm_read_bytes == r.result.analytic.hbm_read_bytes);
    }
}

TEST_CASE("a point that does not fit the SRAM is kept as a row with its reason, and the others run") {
    SweepSpec s = teaching_spec();
    s.algorithms = {Algorithm::fa1};
    s.schedule.Br = 64;
    s.axes = {parse_sweep_axis("Bc=64,256,128")};
    const auto rows = run_sweep(s);
    REQUIRE(rows.size() == 3);
    CHECK(rows[0].ok);
    CHECK_FALSE(rows[1].ok);
    CHECK(rows[1].reason.find("SRAM") != std::string::npos);
    CHECK(rows[2].ok);
    const auto csv = lines(sweep_csv(s, rows));
    REQUIRE(csv.size() == 4);
    CHECK(csv[0].rfind(csv_header() + ",ok,reason", 0) == 0);
    CHECK(csv[2].find(",0,\"") != std::string::npos);  // the reason, quoted: it holds commas
    const auto j = sweep_json(s, rows);
    CHECK(j[1]["ok"] == false);
    CHECK(j[1]["sweep"]["Bc"] == 256);
    CHECK(j[1]["sweep"]["Bc"].is_number_integer());
    CHECK(j[0]["ok"] == true);
    CHECK(j[0]["counts"]["total"]["hbm_read_bytes"] == rows[0].result.counts.total.hbm_read_bytes);
}

TEST_CASE("a varied GPU field is a column of the CSV, and changes the run as --set would") {
    SweepSpec s = teaching_spec();
    s.algorithms = {Algorithm::fa1};
    s.axes = {parse_sweep_axis("sram_bytes_per_sm=32768:131072")};
    const auto rows = run_sweep(s);
    REQUIRE(rows.size() == 3);
    const auto csv = lines(sweep_csv(s, rows));
    CHECK(csv[0] == csv_header() + ",sram_bytes_per_sm,ok,reason");
    CHECK(csv[1].find(",32768,1,") != std::string::npos);
    for (const auto& r : rows) {
        GpuSpec g = s.gpu;
        g.sram_bytes_per_sm = int64_t(r.point.values[0]);
        CHECK(r.result.gpu.sram_bytes_per_sm == g.sram_bytes_per_sm);
        // FA1's default blocks for that SRAM size, as resolve_schedule() picks them.
        Schedule sc = s.schedule;
        sc.algo = Algorithm::fa1;
        const Schedule want = resolve_schedule(sc, s.problem, g);
        CHECK(r.result.schedule.Br == want.Br);
        CHECK(r.result.schedule.Bc == want.Bc);
    }
}

TEST_CASE("the progress callback counts every point, on the calling thread") {
    SweepSpec s = teaching_spec();
    s.axes = {parse_sweep_axis("N=64:2048")};
    s.threads = 3;
    const auto caller = std::this_thread::get_id();
    size_t last = 0, calls = 0;
    bool same_thread = true, increasing = true;
    run_sweep(s, [&](size_t done, size_t total) {
        same_thread = same_thread && std::this_thread::get_id() == caller;
        increasing = increasing && done > last && total == 6;
        last = done;
        ++calls;
    });
    CHECK(same_thread);
    CHECK(increasing);
    CHECK(last == 6);
    CHECK(calls >= 1);
}

TEST_CASE("a bad sweep is refused before anything runs, naming the axis") {
    SweepSpec s = teaching_spec();
    s.axes = {parse_sweep_axis("sram=1,2")};
    CHECK_THROWS_WITH_AS(expand_sweep(s), doctest::Contains("sram"), ConfigError);
    s.axes = {parse_sweep_axis("N=1.5,2")};
    CHECK_THROWS_WITH_AS(expand_sweep(s), doctest::Contains("whole number"), ConfigError);
    s.axes = {parse_sweep_axis("N=1:1000:+1"), parse_sweep_axis("d=1:1000:+1")};
    CHECK_THROWS_WITH_AS(expand_sweep(s), doctest::Contains("points"), ConfigError);
    CHECK_THROWS_AS(parse_sweep_axis("N=8:1"), ConfigError);
    CHECK_THROWS_AS(parse_sweep_axis("N"), ConfigError);
    CHECK_THROWS_AS(parse_sweep_axis("N=a,b"), ConfigError);
}

TEST_CASE("a GPU field out of range at one point is that row's reason, not the sweep's end") {
    SweepSpec s = teaching_spec();
    s.axes = {parse_sweep_axis("hbm_bytes_per_s=0,32e9")};
    const auto rows = run_sweep(s);
    REQUIRE(rows.size() == 2);
    CHECK_FALSE(rows[0].ok);
    CHECK(rows[0].reason.find("hbm_bytes_per_s") != std::string::npos);
    CHECK(rows[1].ok);
}

TEST_CASE("a sweep of the backward's key block changes the backward alone, and its columns are bwd_Bc") {
    SweepSpec s = teaching_spec();
    s.problem.pass = Pass::fwdbwd;
    s.schedule.algo = Algorithm::fa2;
    s.schedule.bwd_Br = 16;
    s.axes = {parse_sweep_axis("bwd-Bc=16,32")};
    s.threads = 1;
    const auto rows = run_sweep(s);
    REQUIRE(rows.size() == 2);
    REQUIRE(rows[0].ok);
    REQUIRE(rows[1].ok);
    for (size_t i = 0; i < 2; ++i) {
        CHECK(rows[i].result.schedule.bwd_Br == 16);
        CHECK(rows[i].result.schedule.bwd_Bc == int64_t(s.axes[0].values[i]));
    }
    // The forward's blocks are its own defaults at both points.
    CHECK(rows[0].result.schedule.Br == rows[1].result.schedule.Br);
    CHECK(rows[0].result.schedule.Bc == rows[1].result.schedule.Bc);
    // The fp32 accumulator dQacc crosses HBM (Tc + 1) times each way: fewer key blocks, fewer bytes.
    const auto dqacc = [](const SweepRow& r) { return r.result.counts.per_tensor[size_t(Tensor::dQacc)].hbm_write_bytes; };
    CHECK(dqacc(rows[0]) == uint64_t(256 / 16 + 1) * 256 * 64 * kAccumBytes);
    CHECK(dqacc(rows[1]) == uint64_t(256 / 32 + 1) * 256 * 64 * kAccumBytes);
    const std::string csv = sweep_csv(s, rows);
    CHECK(csv.substr(0, csv.find('\n')).find(",bwd_Bc,") != std::string::npos);
}

TEST_CASE("a sweep over the hour by the closed form but not by the walk's estimate is allowed, one over by both refused") {
    // Vanilla's forward at N = 16384, d = 128 on the h100: 8 minutes a batch of 16 heads by the
    // closed form, under 30 s by the walk's estimate (work_estimate_test.cpp).
    SweepSpec spec;
    spec.problem.N = 16384;
    spec.problem.d = 128;
    spec.problem.H = 16;
    spec.gpu = load_gpu("h100");
    spec.algorithms = {Algorithm::vanilla};
    spec.axes = {parse_sweep_axis("batch=1:32")};
    const std::vector<SweepPoint> pts = expand_sweep(spec);
    double closed = 0, walked = 0;
    for (const SweepPoint& pt : pts) {
        AttentionProblem p;
        Schedule s;
        GpuSpec g;
        apply_sweep_point(spec, pt, p, s, g);
        const Schedule r = resolve_schedule(s, p, g);
        closed += estimate_work(p, r, true, true).seconds;
        walked += estimate_run_work(p, r, g, spec.options, kWarnWorkSeconds).seconds;
    }
    REQUIRE(closed > kMaxWorkSeconds);
    REQUIRE(walked < kMaxWorkSeconds);
    CHECK_NOTHROW(check_sweep_work(spec, pts));
    spec.axes = {parse_sweep_axis("batch=64:2048")};
    CHECK_THROWS_WITH_AS(check_sweep_work(spec, expand_sweep(spec)), doctest::Contains("minutes in all"), ConfigError);
}
