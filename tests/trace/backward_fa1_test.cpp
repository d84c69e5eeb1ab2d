// FA1's backward (Algorithm 4) in paper mode: K, V read once, dK, dV written once, and for every
// (key block, query block) pair Qi, Oi, dOi, dQi, li, mi read and dQi written back.
#include <doctest/doctest.h>

#include "backward_helpers.h"
#include "sim/analytic/analytic.h"

using namespace flashsim;
using namespace flashsim::test;

TEST_CASE("fa1 backward reads 2Nd + Tc(4Nd + 2N fp32) and writes 2Nd + Tc Nd per head") {
    for (const auto& sh : kBwdShapes) {
        const Counters c = count_pass(Algorithm::fa1, sh, false, Pass::bwd, 2);
        const uint64_t N = sh.N, d = sh.d, es = dtype_bytes(sh.dtype), st = kStatBytes;
        const uint64_t Tc = blocks(sh.N, sh.Bc);
        CHECK(c.total.hbm_read_bytes == 2 * (es * (2 * N * d + 4 * Tc * N * d) + st * 2 * Tc * N));
        CHECK(c.total.hbm_write_bytes == 2 * es * (2 * N * d + Tc * N * d));
        CHECK(c.per_tensor[size_t(Tensor::dQ)].hbm_read_bytes == 2 * es * Tc * N * d);
        CHECK(c.per_tensor[size_t(Tensor::dQ)].hbm_write_bytes == 2 * es * Tc * N * d);
        CHECK(c.per_tensor[size_t(Tensor::dK)].hbm_write_bytes == 2 * es * N * d);
        CHECK(c.per_tensor[size_t(Tensor::S)].global_write_bytes == 0);  // S, P, dS, dP stay on chip
        CHECK(c.per_tensor[size_t(Tensor::dS)].global_write_bytes == 0);
    }
}

TEST_CASE("causal fa1 backward runs only the query blocks that reach each key block") {
    for (const auto& sh : kBwdShapes) {
        const Counters c = count_pass(Algorithm::fa1, sh, true, Pass::bwd);
        const uint64_t N = sh.N, d = sh.d, es = dtype_bytes(sh.dtype), st = kStatBytes;
        const uint64_t rows = rows_run(sh, true);
        CHECK(c.total.hbm_read_bytes == es * 2 * N * d + rows * (4 * d * es + 2 * st));
        CHECK(c.total.hbm_write_bytes == es * (2 * N * d + rows * d));
        if (sh.N > sh.Bc) CHECK(rows < rows_run(sh, false));
    }
}

TEST_CASE("the closed forms of exact_counts equal the simulated fa1 backward and forward+backward") {
    for (const auto& sh : kBwdShapes)
        for (bool causal : {false, true})
            for (Pass pass : {Pass::bwd, Pass::fwdbwd}) {
                const AttentionProblem p = bwd_problem(sh, causal, pass, 3);
                const Schedule s = bwd_schedule(Algorithm::fa1, sh);
                const GpuSpec g = roomy_gpu();
                check_closed_form_matches_trace(p, s, g);
            }
}
