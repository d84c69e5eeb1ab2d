// The work estimate: B*H*Tr*Tc tile steps per pass (one head when only counting), global bytes
// through the L2 model when it runs, and refusal above the bound, before any walk.
#include <doctest/doctest.h>

#include <chrono>

#include "sim/core/errors.h"
#include "sim/core/work_estimate.h"
#include "sim/engine/simulate.h"
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
