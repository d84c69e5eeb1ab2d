// Per-pass schedules: forward and backward each run their own Br, Bc, warps, stages. The traced
// counts of fwdbwd are the forward's at its blocks plus the backward's at its own, and both equal
// the closed forms (sim/analytic/backward.h) evaluated at each pass's blocks.
#include <doctest/doctest.h>

#include <string>

#include "backward_helpers.h"
#include "sim/analytic/backward.h"
#include "sim/core/errors.h"

using namespace flashsim;
using namespace flashsim::test;

namespace {

Schedule blocks(Algorithm a, int64_t Br, int64_t Bc, int64_t bwd_Br, int64_t bwd_Bc) {
    Schedule s;
    s.algo = a;
    s.Br = Br, s.Bc = Bc, s.bwd_Br = bwd_Br, s.bwd_Bc = bwd_Bc;
    return s;
}

}  // namespace

TEST_CASE("fwdbwd with distinct forward and backward blocks counts each pass at its own blocks, as the closed forms do") {
    const GpuSpec g = roomy_gpu();
    // N not a multiple of any block; the backward's blocks differ from the forward's both ways.
    const BwdShape sh{200, 32, 0, 0, Dtype::fp16};
    for (bool causal : {false, true})
        for (Algorithm a : {Algorithm::vanilla, Algorithm::fa1, Algorithm::fa2}) {
            const Schedule fb_req = blocks(a, 48, 32, 16, 64);
            const AttentionProblem fb = bwd_problem(sh, causal, Pass::fwdbwd, 2);
            const Schedule r = resolve_schedule(fb_req, fb, g);
            REQUIRE(r.Br == 48);
            REQUIRE(r.bwd_Br == 16);
            REQUIRE(r.bwd_Bc == 64);
            const Counters both = count_paper_mode(make_trace(fb, r, g)).total;
            // The forward alone at the forward's blocks, the backward alone at the backward's.
            const AttentionProblem f = bwd_problem(sh, causal, Pass::fwd, 2), b = bwd_problem(sh, causal, Pass::bwd, 2);
            const Schedule rf = resolve_schedule(blocks(a, 48, 32, 0, 0), f, g);
            const Schedule rb = resolve_schedule(blocks(a, 0, 0, 16, 64), b, g);
            const Counters cf = count_paper_mode(make_trace(f, rf, g)).total;
            const Counters cb = count_paper_mode(make_trace(b, rb, g)).total;
            CHECK(both.total.hbm_read_bytes == cf.total.hbm_read_bytes + cb.total.hbm_read_bytes);
            CHECK(both.total.hbm_write_bytes == cf.total.hbm_write_bytes + cb.total.hbm_write_bytes);
            CHECK(both.matmul_flops == cf.matmul_flops + cb.matmul_flops);
            // The closed forms at each pass's blocks.
            const AnalyticCounts x = exact_counts(fb, r);
            REQUIRE(x.available);
            CHECK(x.hbm_read_bytes == both.total.hbm_read_bytes);
            CHECK(x.hbm_write_bytes == both.total.hbm_write_bytes);
            const AnalyticCounts xb = exact_backward_counts(b, rb);
            CHECK(xb.hbm_read_bytes == cb.total.hbm_read_bytes);
            // Each kernel carries its own pass's warps and stages.
            const Trace t = make_trace(fb, r, g);
            for (const auto& k : t.kernels) {
                const bool bwd = k->listing == 1;
                // (vanilla's row kernels, the softmax and its backward, run 256 threads per row
                // whatever the GEMMs' warps)
                if (k->name != "vanilla_softmax" && k->name != "vanilla_bwd_softmax") CHECK(k->warps == (bwd ? r.bwd_warps : r.warps));
                CHECK(k->stages == (bwd ? r.bwd_stages : r.stages));
            }
        }
}

TEST_CASE("the backward takes its own defaults unless bwd knobs are given, and pass=bwd takes either spelling") {
    const GpuSpec a100 = load_gpu("a100-40gb");
    AttentionProblem p;
    p.N = 1024, p.d = 64, p.pass = Pass::fwdbwd;
    // An explicit forward block does not reach the backward: FA2's backward traits (d = 64 with
    // >= 144 KiB of shared memory: 128 x 128, 8 warps, double-buffered).
    Schedule s;
    s.algo = Algorithm::fa2;
    s.Br = 64, s.Bc = 64;
    Schedule r = resolve_schedule(s, p, a100);
    CHECK(r.Br == 64);
    CHECK(r.warps == 4);
    CHECK(r.bwd_Br == 128);
    CHECK(r.bwd_Bc == 128);
    CHECK(r.bwd_warps == 8);
    CHECK(r.bwd_stages == 2);
    // d = 128: 64 x 128 on the A100, 64 x 64 where shared memory is under 144 KiB.
    p.d = 128;
    r = resolve_schedule(Schedule{}, p, a100);
    CHECK(r.bwd_Br == 64);
    CHECK(r.bwd_Bc == 128);
    GpuSpec small = a100;
    small.sram_bytes_per_sm = 100 * 1024;
    r = resolve_schedule(Schedule{}, p, small);
    CHECK(r.bwd_Bc == 64);
    // pass=bwd: --Br or --bwd-Br sets the one pass; both given and different is refused.
    p.pass = Pass::bwd;
    s = Schedule{};
    s.Br = 32;
    r = resolve_schedule(s, p, a100);
    CHECK(r.bwd_Br == 32);
    CHECK(r.Br == 32);
    s.bwd_Br = 64;
    CHECK_THROWS_WITH_AS(resolve_schedule(s, p, a100), doctest::Contains("pass=bwd"), ConfigError);
    // pass=fwd with a backward knob: refused, naming it.
    p.pass = Pass::fwd;
    s = Schedule{};
    s.bwd_Bc = 64;
    CHECK_THROWS_WITH_AS(resolve_schedule(s, p, a100), doctest::Contains("bwd-Bc=64 with pass=fwd"), ConfigError);
}

TEST_CASE("a backward that does not fit is refused naming the backward, while the same forward blocks fit") {
    GpuSpec g = load_gpu("a100-40gb");
    AttentionProblem p;
    p.N = 1024, p.d = 128, p.pass = Pass::fwdbwd;
    Schedule s;
    s.algo = Algorithm::fa2;
    s.Br = s.Bc = s.bwd_Br = s.bwd_Bc = 128;
    std::string what;
    try {
        resolve_schedule(s, p, g);
    } catch (const ConfigError& e) {
        what = e.what();
    }
    CHECK(what.rfind("the backward (pass=fwdbwd): ", 0) == 0);
    CHECK(what.find("of SRAM") != std::string::npos);
    // The forward alone at the same blocks fits.
    AttentionProblem f = p;
    f.pass = Pass::fwd;
    s.bwd_Br = s.bwd_Bc = 0;
    CHECK_NOTHROW(resolve_schedule(s, f, g));
}
