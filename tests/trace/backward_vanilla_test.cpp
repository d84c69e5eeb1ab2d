// The unfused backward in paper mode moves the N x N matrices P, dP and dS through HBM: its counts
// equal the closed forms written here from N, d, Tr, Tc and the element size, for many shapes.
#include <doctest/doctest.h>

#include "backward_helpers.h"
#include "sim/analytic/analytic.h"

using namespace flashsim;
using namespace flashsim::test;

TEST_CASE("vanilla backward with ideal GEMMs reads 5N^2 + 7Nd and writes 2N^2 + 3Nd elements per head") {
    for (const auto& sh : kBwdShapes)
        for (bool causal : {false, true}) {
            const Counters c = count_pass(Algorithm::vanilla, sh, causal, Pass::bwd, 3);
            const uint64_t N = sh.N, d = sh.d, es = dtype_bytes(sh.dtype);
            CHECK(c.total.hbm_read_bytes == 3 * es * (5 * N * N + 7 * N * d));
            CHECK(c.total.hbm_write_bytes == 3 * es * (2 * N * N + 3 * N * d));
            // P is read twice (dV, dS), dP once; dS once per gradient GEMM (dQ, dK).
            CHECK(c.per_tensor[size_t(Tensor::P)].hbm_read_bytes == 3 * es * 2 * N * N);
            CHECK(c.per_tensor[size_t(Tensor::dP)].hbm_write_bytes == 3 * es * N * N);
            CHECK(c.per_tensor[size_t(Tensor::dP)].hbm_read_bytes == 3 * es * N * N);
            CHECK(c.per_tensor[size_t(Tensor::dS)].hbm_write_bytes == 3 * es * N * N);
            CHECK(c.per_tensor[size_t(Tensor::dS)].hbm_read_bytes == 3 * es * 2 * N * N);
        }
}

TEST_CASE("vanilla backward with tiled GEMMs re-reads dO and Q once per key block and V and K once per query block") {
    for (const auto& sh : kBwdShapes) {
        const Counters c = count_pass(Algorithm::vanilla, sh, false, Pass::bwd, 2, GemmTiling::tiled);
        const uint64_t N = sh.N, d = sh.d, es = dtype_bytes(sh.dtype);
        const uint64_t Tr = blocks(sh.N, sh.Br), Tc = blocks(sh.N, sh.Bc);
        // dO: dV GEMM (Tc N d), dP GEMM (Tc N d), softmax backward (N d); Q: Tc N d; V, K: Tr N d.
        CHECK(c.per_tensor[size_t(Tensor::dO)].hbm_read_bytes == 2 * es * (2 * Tc * N * d + N * d));
        CHECK(c.per_tensor[size_t(Tensor::Q)].hbm_read_bytes == 2 * es * Tc * N * d);
        CHECK(c.per_tensor[size_t(Tensor::K)].hbm_read_bytes == 2 * es * Tr * N * d);
        CHECK(c.per_tensor[size_t(Tensor::V)].hbm_read_bytes == 2 * es * Tr * N * d);
        CHECK(c.total.hbm_read_bytes == 2 * es * (5 * N * N + 2 * N * d + 3 * Tc * N * d + 2 * Tr * N * d));
        CHECK(c.total.hbm_write_bytes == 2 * es * (2 * N * N + 3 * N * d));
    }
}

TEST_CASE("the closed forms of exact_counts equal the simulated vanilla backward, ideal and tiled") {
    for (const auto& sh : kBwdShapes)
        for (GemmTiling gemm : {GemmTiling::ideal, GemmTiling::tiled})
            for (Pass pass : {Pass::bwd, Pass::fwdbwd}) {
                const AttentionProblem p = bwd_problem(sh, false, pass, 2);
                Schedule s = bwd_schedule(Algorithm::vanilla, sh);
                s.vanilla_gemm = gemm;
                const GpuSpec g = roomy_gpu();
                check_closed_form_matches_trace(p, s, g);
            }
}
