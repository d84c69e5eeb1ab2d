// Dropout in the traces (sim/trace/dropout.h): FlashAttention draws the mask on chip and redraws it
// in the backward, so its HBM bytes do not change and its vector work grows by the closed form
// (elements x the per-element count, under a causal mask the kept elements N(N+1)/2); standard
// attention stores the mask, and with p = 0 its dropout kernels and their bytes go.
#include <doctest/doctest.h>

#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "backward_helpers.h"
#include "sim/algorithms/algorithm.h"
#include "sim/analytic/backward.h"
#include "sim/core/errors.h"
#include "sim/trace/dropout.h"
#include "sim/trace/op.h"

using namespace flashsim;
using namespace flashsim::test;

namespace {

constexpr uint64_t kHeads = 2;

struct Run {
    Counters c;
    AnalyticCounts a;
    std::vector<std::string> kernels;
};

Run run(Algorithm algo, const BwdShape& sh, bool causal, Pass pass, std::optional<double> dropout) {
    AttentionProblem p = bwd_problem(sh, causal, pass, int64_t(kHeads));
    p.dropout = dropout;
    Schedule s;
    s.algo = algo;
    s.Br = sh.Br, s.Bc = sh.Bc;
    if (pass == Pass::fwdbwd) s.bwd_Br = sh.Bc, s.bwd_Bc = sh.Br;  // the backward on other blocks
    const GpuSpec g = roomy_gpu();
    const Schedule r = resolve_schedule(s, p, g);
    const Trace t = make_trace(p, r, g);
    Run out{count_paper_mode(t).total, exact_counts(p, r), {}};
    for (const auto& k : t.kernels) out.kernels.push_back(k->name);
    return out;
}

// Elements of S that dropout touches per head: all N^2, or under a causal mask the N(N+1)/2 kept.
uint64_t kept_elements(const BwdShape& sh, bool causal) {
    const uint64_t N = uint64_t(sh.N);
    return causal ? N * (N + 1) / 2 : N * N;
}

}  // namespace

TEST_CASE("Philox-4x32-10 costs 25 integer instructions per number: 10 rounds of 8, 9 key bumps of 2, a counter of 2") {
    CHECK(kPhiloxInstructionsPerCall == 10 * (2 * 2 + 4) + 9 * 2 + 2);
    CHECK(kDropoutRngOpsPerElement * kPhiloxNumbersPerCall == kPhiloxInstructionsPerCall);
    CHECK(kDropoutForwardOpsPerElement == kDropoutRngOpsPerElement + 2);   // draw, compare, scale P~
    CHECK(kDropoutBackwardOpsPerElement == kDropoutRngOpsPerElement + 3);  // redraw, compare, scale P and dP
}

TEST_CASE("the kept elements of a tile under a causal mask are the rows' column counts") {
    for (int64_t r0 : {0, 5, 64, 100})
        for (int64_t c0 : {0, 3, 64, 120})
            for (int64_t rows : {1, 7, 64})
                for (int64_t cols : {1, 9, 64}) {
                    int64_t brute = 0;
                    for (int64_t r = r0; r < r0 + rows; ++r)
                        for (int64_t c = c0; c < c0 + cols; ++c) brute += c <= r ? 1 : 0;
                    CHECK(unmasked_elements(true, r0, rows, c0, cols) == brute);
                    CHECK(unmasked_elements(false, r0, rows, c0, cols) == rows * cols);
                }
}

TEST_CASE("FlashAttention with dropout moves the same bytes and does elements x per-element count more vector work") {
    for (Algorithm algo : {Algorithm::fa1, Algorithm::fa2, Algorithm::fa3})
        for (const auto& sh : kBwdShapes)
            for (bool causal : {false, true})
                for (Pass pass : {Pass::fwd, Pass::bwd, Pass::fwdbwd}) {
                    if (pass != Pass::fwd && !algorithm_info(algo).backward.modelled()) continue;
                    CAPTURE(to_string(algo));
                    CAPTURE(sh.N);
                    CAPTURE(causal);
                    CAPTURE(to_string(pass));
                    const Run off = run(algo, sh, causal, pass, std::nullopt), on = run(algo, sh, causal, pass, 0.1);
                    for (size_t t = 0; t < size_t(kTensorCount); ++t) {
                        CHECK(on.c.per_tensor[t].hbm_read_bytes == off.c.per_tensor[t].hbm_read_bytes);
                        CHECK(on.c.per_tensor[t].hbm_write_bytes == off.c.per_tensor[t].hbm_write_bytes);
                    }
                    CHECK(on.c.total.hbm_read_bytes == off.c.total.hbm_read_bytes);
                    CHECK(on.c.total.hbm_write_bytes == off.c.total.hbm_write_bytes);
                    CHECK(on.c.matmul_flops == off.c.matmul_flops);
                    CHECK(on.c.exps == off.c.exps);
                    const uint64_t E = kHeads * kept_elements(sh, causal);
                    const uint64_t fwd = pass != Pass::bwd ? kDropoutForwardOpsPerElement * E : 0;
                    const uint64_t bwd = pass != Pass::fwd ? kDropoutBackwardOpsPerElement * E : 0;
                    CHECK(on.c.vector_flops - off.c.vector_flops == fwd + bwd);
                    // The redrawn mask is recomputation: its draw and compare, not its two uses.
                    const uint64_t redraw = pass != Pass::fwd ? (kDropoutRngOpsPerElement + kDropoutCompareOps) * E : 0;
                    CHECK(on.c.recompute_vector_flops - off.c.recompute_vector_flops == redraw);
                    // The closed forms say the same.
                    CHECK(off.a.dropout_flops == 0);
                    CHECK(on.a.dropout_flops == fwd + bwd);
                    CHECK(on.a.hbm_read_bytes == on.c.total.hbm_read_bytes);
                    CHECK(on.a.hbm_write_bytes == on.c.total.hbm_write_bytes);
                }
}

TEST_CASE("standard attention with dropout 0 runs no dropout kernels and its bytes drop by the closed form") {
    for (const auto& sh : kBwdShapes)
        for (bool causal : {false, true})
            for (Pass pass : {Pass::fwd, Pass::bwd, Pass::fwdbwd}) {
                CAPTURE(sh.N);
                CAPTURE(causal);
                CAPTURE(to_string(pass));
                const Run on = run(Algorithm::standard, sh, causal, pass, std::nullopt);  // the default, p = 0.1
                const Run off = run(Algorithm::standard, sh, causal, pass, 0.0);
                for (const auto& k : off.kernels) CHECK(k.find("dropout") == std::string::npos);
                const bool fwd = pass != Pass::bwd, bwd = pass != Pass::fwd;
                CHECK(on.kernels.size() - off.kernels.size() == size_t(fwd) + size_t(bwd));
                const uint64_t NN = kHeads * uint64_t(sh.N) * uint64_t(sh.N), es = uint64_t(dtype_bytes(sh.dtype));
                const uint64_t z = uint64_t(kMaskBytes);
                // Forward: the dropout kernel reads P (es) and writes Pdrop (es) and Z (1 byte); PV reads
                // P instead of Pdrop. Backward: its dropout kernel reads dP (es) and Z and writes dP;
                // dV = P^T dO reads P instead of Pdrop.
                CHECK(on.c.total.hbm_read_bytes - off.c.total.hbm_read_bytes == (fwd ? es * NN : 0) + (bwd ? (es + z) * NN : 0));
                CHECK(on.c.total.hbm_write_bytes - off.c.total.hbm_write_bytes == (fwd ? (es + z) * NN : 0) + (bwd ? es * NN : 0));
                CHECK(off.c.per_tensor[size_t(Tensor::Z)].hbm_read_bytes + off.c.per_tensor[size_t(Tensor::Z)].hbm_write_bytes == 0);
                CHECK(off.c.per_tensor[size_t(Tensor::Pdrop)].hbm_read_bytes + off.c.per_tensor[size_t(Tensor::Pdrop)].hbm_write_bytes == 0);
                // The dropout kernels' work: every element of N x N, drawn in the forward, the stored mask
                // applied in the backward.
                const uint64_t work = (fwd ? kDropoutForwardOpsPerElement * NN : 0) + (bwd ? kDropoutStoredMaskOpsPerElement * NN : 0);
                CHECK(on.c.vector_flops - off.c.vector_flops == work);
                CHECK(on.a.dropout_flops == work);
                CHECK(off.a.dropout_flops == 0);
                for (const Run* r : {&on, &off}) {
                    CHECK(r->a.hbm_read_bytes == r->c.total.hbm_read_bytes);
                    CHECK(r->a.hbm_write_bytes == r->c.total.hbm_write_bytes);
                }
            }
}

TEST_CASE("dropout out of range, or on vanilla, is refused naming the value and what is allowed") {
    const GpuSpec g = roomy_gpu();
    for (double bad : {-0.1, 1.0, 1.5, std::nan("")}) {
        AttentionProblem p;
        p.dropout = bad;
        CHECK_THROWS_WITH_AS(p.validate(), doctest::Contains("allowed: 0 <= dropout < 1"), ConfigError);
    }
    AttentionProblem p;
    p.dropout = 0.1;
    Schedule s;
    s.algo = Algorithm::vanilla;
    CHECK_THROWS_WITH_AS(resolve_schedule(s, p, g), doctest::Contains("vanilla models no dropout"), ConfigError);
    p.dropout = 0.0;
    CHECK_NOTHROW(resolve_schedule(s, p, g));
    p.dropout.reset();  // the defaults: vanilla none, standard GPT-2's 0.1
    CHECK(dropout_p(p, Algorithm::vanilla) == 0);
    CHECK(dropout_p(p, Algorithm::fa2) == 0);
    CHECK(dropout_p(p, Algorithm::standard) == doctest::Approx(0.1));
}
