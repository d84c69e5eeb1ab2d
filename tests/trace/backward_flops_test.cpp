// FLOP accounting of the backward pass (FA2 paper's convention): FlashAttention's backward runs
// 5 GEMMs of 2 N^2 d, 2.5x the forward's 2, of which one (S = QK^T again) is recomputation and
// is counted apart; vanilla reads the stored P and runs the 4 gradient GEMMs only. Also the
// errors for what is not modelled.
#include <doctest/doctest.h>

#include <string>

#include "backward_helpers.h"
#include "sim/core/errors.h"
#include "sim/engine/simulate.h"

using namespace flashsim;
using namespace flashsim::test;

TEST_CASE("flash backward matmul FLOPs are 2.5x the forward's, the recomputed QK^T being 0.5x of them") {
    for (const auto& sh : kBwdShapes)
        for (bool causal : {false, true})
            for (Algorithm a : {Algorithm::fa1, Algorithm::fa2}) {
                const Counters f = count_pass(a, sh, causal, Pass::fwd);
                const Counters b = count_pass(a, sh, causal, Pass::bwd);
                CHECK(2 * b.matmul_flops == 5 * f.matmul_flops);
                CHECK(2 * b.recompute_matmul_flops == f.matmul_flops);
                CHECK(b.matmul_flops - b.recompute_matmul_flops == 2 * f.matmul_flops);  // dV, dP, dQ, dK
                if (!causal) CHECK(b.matmul_flops == 10 * uint64_t(sh.N) * sh.N * sh.d);
                // Every exp of the backward is the recomputation of P = exp(S - L): one per score.
                CHECK(b.recompute_exps == b.exps);
                if (!causal) CHECK(b.exps == uint64_t(sh.N) * sh.N);
                CHECK(b.recompute_vector_flops > 0);
                CHECK(b.recompute_vector_flops < b.vector_flops);
            }
}

TEST_CASE("vanilla backward runs the four gradient GEMMs, 2x the forward, and recomputes nothing") {
    for (const auto& sh : kBwdShapes)
        for (bool causal : {false, true}) {
            const Counters f = count_pass(Algorithm::vanilla, sh, causal, Pass::fwd);
            const Counters b = count_pass(Algorithm::vanilla, sh, causal, Pass::bwd);
            CHECK(b.matmul_flops == 2 * f.matmul_flops);
            CHECK(b.matmul_flops == 8 * uint64_t(sh.N) * sh.N * sh.d);
            CHECK(b.recompute_matmul_flops == 0);
            CHECK(b.recompute_exps == 0);
            CHECK(b.exps == 0);
        }
}

TEST_CASE("forward+backward counts are the forward's plus the backward's") {
    for (const auto& sh : kBwdShapes)
        for (Algorithm a : {Algorithm::vanilla, Algorithm::fa1, Algorithm::fa2}) {
            const Counters f = count_pass(a, sh, true, Pass::fwd), b = count_pass(a, sh, true, Pass::bwd);
            const Counters fb = count_pass(a, sh, true, Pass::fwdbwd);
            CHECK(fb.total.hbm_read_bytes == f.total.hbm_read_bytes + b.total.hbm_read_bytes);
            CHECK(fb.total.hbm_write_bytes == f.total.hbm_write_bytes + b.total.hbm_write_bytes);
            CHECK(fb.matmul_flops == f.matmul_flops + b.matmul_flops);
            CHECK(fb.recompute_matmul_flops == b.recompute_matmul_flops);
        }
}

TEST_CASE("backward with fp8 is a clear error saying FP8 training backward is not modelled") {
    AttentionProblem p;
    p.dtype = Dtype::fp8;
    for (Pass pass : {Pass::bwd, Pass::fwdbwd}) {
        p.pass = pass;
        for (Algorithm a : {Algorithm::vanilla, Algorithm::fa2}) {
            Schedule s;
            s.algo = a;
            try {
                simulate(p, s, load_gpu("h100"), SimOptions{});
                FAIL("fp8 backward was accepted");
            } catch (const ConfigError& e) {
                const std::string m = e.what();
                CHECK(m.find("dtype=fp8") != std::string::npos);
                CHECK(m.find("FP8 training backward is not modelled") != std::string::npos);
            }
        }
    }
    p.pass = Pass::fwd;
    CHECK_NOTHROW(simulate(p, Schedule{}, load_gpu("h100"), SimOptions{}));
}

TEST_CASE("fa3 backward is a clear error naming what is allowed") {
    AttentionProblem p;
    p.pass = Pass::bwd;
    Schedule s;
    s.algo = Algorithm::fa3;
    try {
        simulate(p, s, load_gpu("h100"), SimOptions{});
        FAIL("fa3 backward was accepted");
    } catch (const ConfigError& e) {
        const std::string m = e.what();
        CHECK(m.find("algo=fa3") != std::string::npos);
        CHECK(m.find("not modelled") != std::string::npos);
        CHECK(m.find("allowed") != std::string::npos);
    }
}

TEST_CASE("a schedule whose backward tiles do not fit SRAM is refused with the arithmetic") {
    AttentionProblem p;
    p.d = 128;
    p.pass = Pass::bwd;
    Schedule s;
    s.algo = Algorithm::fa1;
    s.Br = 128;
    s.Bc = 128;
    const GpuSpec g = load_gpu("a100-40gb");
    p.pass = Pass::fwd;
    const Footprint fwd = footprint(s, p, g);
    p.pass = Pass::bwd;
    const Footprint bwd = footprint(s, p, g);
    CHECK(bwd.sram_bytes > fwd.sram_bytes);  // dKj, dVj, dOi, dQi, dPij on top of the forward's
    CHECK(bwd.sram_bytes > g.sram_bytes_per_sm);
    try {
        resolve_schedule(s, p, g);
        FAIL("an oversized backward schedule was accepted");
    } catch (const ConfigError& e) {
        CHECK(std::string(e.what()).find("dKj") != std::string::npos);
    }
}

TEST_CASE("default backward schedules fit every preset for every algorithm with a backward") {
    for (const std::string& name : preset_names()) {
        const GpuSpec g = load_gpu(name);
        for (Algorithm a : {Algorithm::vanilla, Algorithm::fa1, Algorithm::fa2})
            for (int64_t d : {64, 128}) {
                AttentionProblem p;
                p.N = 512;
                p.d = d;
                p.pass = Pass::fwdbwd;
                Schedule s;
                s.algo = a;
                SimOptions o;
                o.timing = false;
                const RunResult r = simulate(p, s, g, o);
                CHECK(r.footprint.sram_bytes <= g.sram_bytes_per_sm);
                CHECK(r.footprint.register_bytes <= g.register_bytes_per_sm);
                CHECK(r.counts.matmul_flops > 0);
            }
    }
}
