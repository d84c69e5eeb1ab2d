// The work estimate: B*H*Tr*Tc tile steps per pass (one head when only counting), global bytes
// through the L2 model when it runs, and refusal above the bound, before any walk.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>

#include "sim/core/errors.h"
#include "sim/core/work_estimate.h"
#include "sim/engine/counting.h"
#include "sim/engine/simulate.h"
#include "sim/engine/timing.h"
#include "sim/gpu/gpu_spec.h"

using namespace flashsim;

TEST_CASE("the estimate counts B*H*Tr*Tc tile steps per pass, one head when only counting") {
    AttentionProblem p;
    p.B = 2, p.H = 3, p.N = 1000, p.d = 64;
    Schedule s;
    s.algo = Algorithm::fa2, s.Br = 128, s.Bc = 64;
    const double Tr = double(s.Tr(p)), Tc = double(s.Tc(p));
    CHECK(estimate_work(p, s, true, false).tile_steps == p.B * p.H * Tr * Tc);
    CHECK(estimate_work(p, s, false, false).tile_steps == Tr * Tc);
    p.pass = Pass::fwdbwd;
    CHECK(estimate_work(p, s, true, false).tile_steps == 3 * p.B * p.H * Tr * Tc);
    const WorkEstimate w = estimate_work(p, s, true, true);
    CHECK(w.l2_model_bytes > 0);
    CHECK(w.seconds == doctest::Approx(w.tile_steps / kTileStepsPerSecond + w.l2_model_bytes / kL2ModelBytesPerSecond +
                                       kRunSecondsWithL2Model));
}

TEST_CASE("the walk's estimate: ops, and granules looked up in full in sampled sets, hashed in the others") {
    EngineWork e;
    e.ops = 4e6, e.transfers = 1e5, e.global_bytes = 1e10, e.granule_bytes = 1024, e.set_sampling = 4;
    e.model_host_bytes = kHostCacheBytes;  // at the bound: in the host's cache
    const double lookups = e.global_bytes / e.granule_bytes + e.transfers;
    const WorkEstimate w = estimate_walk(e);
    CHECK(w.seconds == doctest::Approx(e.ops * kSecondsPerOp +
                                       lookups * (kSecondsPerLookupInHostCache / 4 + kSecondsPerSkippedGranule * 3 / 4) +
                                       kRunSecondsWithL2Model));
    CHECK(w.arithmetic.find("(1 in 4 sets in full)") != std::string::npos);
    e.set_sampling = 1, e.model_host_bytes = 2 * kHostCacheBytes;
    CHECK(estimate_walk(e).seconds ==
          doctest::Approx(e.ops * kSecondsPerOp + lookups * kSecondsPerLookupOutOfHostCache + kRunSecondsWithL2Model));
    e.granule_bytes = 0;  // no L2 model: the ops alone
    CHECK(estimate_walk(e).seconds == doctest::Approx(e.ops * kSecondsPerOp + kRunSecondsWithoutL2Model));
}

TEST_CASE("the walk's estimate takes the granule, sampling and counts the engine runs with") {
    const GpuSpec g = load_gpu("h100");
    AttentionProblem p;
    p.H = 4, p.N = 777, p.d = 64;
    Schedule s;
    s.algo = Algorithm::fa2;
    for (const int64_t S : {1, 4}) {
        SimOptions o;
        o.l2_set_sampling = S;
        o.l2_granule_bytes = 512;
        const RunResult r = simulate(p, s, g, o);
        const Trace t = make_trace(p, r.schedule, g);
        const CountResult paper = count_paper_mode(t);
        const EngineWork e = engine_work(paper.total, g, plan_l2(t, g, o, paper.total));
        CHECK(e.granule_bytes == double(r.timing.l2_granule_bytes));
        CHECK(e.set_sampling == double(r.timing.l2_set_sampling));
        CHECK(e.ops == double(r.counts.ops));
        CHECK(e.transfers == double(paper.total.loads + paper.total.stores));
        SimOptions paper_mode = o;
        paper_mode.paper_mode = true;
        const Traffic& gl = simulate(p, s, g, paper_mode).counts.total;
        CHECK(e.global_bytes == double(gl.global_read_bytes + gl.global_write_bytes));
        // The model's ways kept: the L2's data bytes over the granule, 1 in S sets; per way a
        // tag and a state word, and (512 B granules hold 16 sectors, more than the tag's room)
        // the valid and dirty masks.
        CHECK(e.model_host_bytes == doctest::Approx(double(g.l2_data_bytes()) / 512 / double(S) *
                                                    (2 * sizeof(uint64_t) + 3 * sizeof(SectorMask))));
    }
}

TEST_CASE("a run estimated over the bound is refused at once, with the arithmetic") {
    const GpuSpec g = load_gpu("teaching");
    AttentionProblem p;
    p.H = 1, p.N = 1 << 20, p.d = 64;
    Schedule s;
    s.algo = Algorithm::fa2, s.Br = 1, s.Bc = 1;
    const auto t0 = std::chrono::steady_clock::now();
    CHECK_THROWS_WITH_AS(simulate(p, s, g, SimOptions{}), doctest::Contains("Tr=1048576 x Tc=1048576"), ConfigError);
    CHECK(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() < 5.0);
}

TEST_CASE("stages and warps out of range are refused before blocks are shrunk to fit them") {
    const GpuSpec g = load_gpu("h100");
    AttentionProblem p;
    Schedule s;
    s.stages = 1000000;
    CHECK_THROWS_WITH_AS(resolve_schedule(s, p, g), doctest::Contains("stages=1000000 is out of range; allowed: 1 to 8"), ConfigError);
    s = Schedule{};
    s.warps = 1000000;
    CHECK_THROWS_WITH_AS(resolve_schedule(s, p, g), doctest::Contains("warps=1000000 is out of range"), ConfigError);
}

TEST_CASE("a run over the bound by the closed form takes the walk's estimate once its head is counted, and is refused by it") {
    // The closed form charges every global byte at the L2 model's worst rate; vanilla's forward
    // at N = 16384, d = 128 on the h100 (1 in 8 sets, 128-byte granules) walks far faster.
    const GpuSpec g = load_gpu("h100");
    AttentionProblem p;
    p.B = 32, p.H = 16, p.N = 16384, p.d = 128;
    Schedule s;
    s.algo = Algorithm::vanilla;
    const Schedule r = resolve_schedule(s, p, g);
    const SimOptions o;
    const WorkEstimate closed = estimate_work(p, r, true, true);
    REQUIRE(closed.seconds > kMaxWorkSeconds);
    REQUIRE(estimate_work(p, r, false, false).seconds <= kRefineCountSeconds);
    const Trace t = make_trace(p, r, g);
    const CountResult paper = count_paper_mode(t);
    const WorkEstimate walk = estimate_walk(engine_work(paper.total, g, plan_l2(t, g, o, paper.total)));
    const WorkEstimate w = estimate_run_work(p, r, g, o, kMaxWorkSeconds);
    CHECK(w.by_walk);
    CHECK(w.seconds == std::max(walk.seconds, closed.tile_steps / kTileStepsPerSecond + kRunSecondsWithL2Model));
    CHECK(w.seconds < kMaxWorkSeconds);
    CHECK(w.tile_steps == closed.tile_steps);
    CHECK(w.arithmetic.find(closed.arithmetic) == 0);
    CHECK(w.arithmetic.find(walk.arithmetic) != std::string::npos);
    CHECK_NOTHROW(refuse_over_bound(p, r, w));
    // Under the threshold asked, or without the L2 model: the closed form.
    const WorkEstimate under = estimate_run_work(p, r, g, o, 2 * closed.seconds);
    CHECK(!under.by_walk);
    CHECK(under.seconds == closed.seconds);
    SimOptions paper_mode;
    paper_mode.paper_mode = true;
    CHECK(!estimate_run_work(p, r, g, paper_mode, 0).by_walk);
    // 64 times as many heads: hours by the walk's estimate too, refused before any walk.
    p.B = 2048;
    const auto t0 = std::chrono::steady_clock::now();
    CHECK_THROWS_WITH_AS(simulate(p, s, g, SimOptions{}), doctest::Contains("by the walk's estimate"), ConfigError);
    CHECK(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() < 5.0);
}
