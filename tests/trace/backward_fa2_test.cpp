// FA2's backward in paper mode: the D = rowsum(dO o O) kernel, one CTA per key block with dQ
// accumulated by fp32 atomic adds into dQacc, and the final conversion of dQacc to dQ.
#include <doctest/doctest.h>

#include "backward_helpers.h"
#include "sim/analytic/analytic.h"

using namespace flashsim;
using namespace flashsim::test;

TEST_CASE("fa2 backward moves each tensor the number of times its listing says") {
    for (const auto& sh : kBwdShapes)
        for (bool causal : {false, true}) {
            const Counters c = count_pass(Algorithm::fa2, sh, causal, Pass::bwd, 2);
            const uint64_t N = sh.N, d = sh.d, es = dtype_bytes(sh.dtype), st = kStatBytes, acc = kAccumBytes;
            const uint64_t rows = rows_run(sh, causal);
            auto t = [&](Tensor x) { return c.per_tensor[size_t(x)]; };
            CHECK(t(Tensor::K).hbm_read_bytes == 2 * es * N * d);               // once per key block
            CHECK(t(Tensor::V).hbm_read_bytes == 2 * es * N * d);
            CHECK(t(Tensor::Q).hbm_read_bytes == 2 * es * rows * d);            // once per (j, i)
            CHECK(t(Tensor::dO).hbm_read_bytes == 2 * es * (rows * d + N * d));  // and once for D
            CHECK(t(Tensor::O).hbm_read_bytes == 2 * es * N * d);               // only for D
            CHECK(t(Tensor::LSE).hbm_read_bytes == 2 * st * rows);
            CHECK(t(Tensor::D).hbm_read_bytes == 2 * st * rows);
            CHECK(t(Tensor::D).hbm_write_bytes == 2 * st * N);
            CHECK(t(Tensor::dQacc).atomic_bytes == 2 * acc * rows * d);
            CHECK(t(Tensor::dQacc).hbm_write_bytes == 2 * acc * (N * d + rows * d));  // zeroing + atomics
            CHECK(t(Tensor::dQacc).hbm_read_bytes == 2 * acc * (rows * d + N * d));   // atomics + conversion
            CHECK(t(Tensor::dQ).hbm_write_bytes == 2 * es * N * d);
            CHECK(t(Tensor::dK).hbm_write_bytes == 2 * es * N * d);
            CHECK(t(Tensor::dV).hbm_write_bytes == 2 * es * N * d);
            CHECK(t(Tensor::P).global_read_bytes == 0);  // recomputed, never stored
            CHECK(t(Tensor::dS).global_write_bytes == 0);
            CHECK(c.total.hbm_read_bytes == 2 * (es * (4 * N * d + 2 * rows * d) + st * 2 * rows + acc * (rows * d + N * d)));
            CHECK(c.total.hbm_write_bytes == 2 * (es * 3 * N * d + st * N + acc * (N * d + rows * d)));
        }
}

TEST_CASE("the closed forms of exact_counts equal the simulated fa2 backward and forward+backward") {
    for (const auto& sh : kBwdShapes)
        for (bool causal : {false, true})
            for (Pass pass : {Pass::bwd, Pass::fwdbwd}) {
                const AttentionProblem p = bwd_problem(sh, causal, pass, 4);
                const Schedule s = bwd_schedule(Algorithm::fa2, sh);
                const GpuSpec g = roomy_gpu();
                check_closed_form_matches_trace(p, s, g);
            }
}

TEST_CASE("fa2 backward's atomics go to dQacc only and every head's stream is the same") {
    const BwdShape sh{200, 32, 64, 48, Dtype::fp16};
    const AttentionProblem p = bwd_problem(sh, true, Pass::bwd, 3);
    const Schedule s = bwd_schedule(Algorithm::fa2, sh);
    const GpuSpec g = roomy_gpu();
    const Trace t = make_trace(p, resolve_schedule(s, p, g), g);
    const Counters one = count_paper_mode(t).total, all = count_paper_mode(t, true).total;
    CHECK(one.total.hbm_read_bytes == all.total.hbm_read_bytes);
    CHECK(one.total.atomic_bytes == all.total.atomic_bytes);
    CHECK(all.total.atomic_bytes == all.per_tensor[size_t(Tensor::dQacc)].atomic_bytes);
    CHECK(all.total.atomic_bytes > 0);
}

TEST_CASE("fa2 backward zeroes dQacc in a memset before kernel 1 (kernels/v7), which writes D only") {
    const BwdShape sh{1000, 64, 64, 128, Dtype::fp16};
    const AttentionProblem p = bwd_problem(sh, false, Pass::bwd, 2);
    const Schedule s = bwd_schedule(Algorithm::fa2, sh);
    const GpuSpec g = roomy_gpu();
    const CountResult r = count_paper_mode(make_trace(p, resolve_schedule(s, p, g), g));
    REQUIRE(r.kernels.size() == 4);
    const uint64_t N = sh.N, d = sh.d, heads = 2;
    const Counters& m = r.kernels[0].counts;
    CHECK(r.kernels[0].memset);
    CHECK(m.total.global_write_bytes == heads * kAccumBytes * N * d);
    CHECK(m.per_tensor[size_t(Tensor::dQacc)].hbm_write_bytes == heads * kAccumBytes * N * d);
    CHECK(m.total.global_read_bytes == 0);
    const Counters& k1 = r.kernels[1].counts;
    CHECK_FALSE(r.kernels[1].memset);
    CHECK(r.kernels[1].name == "fa2_bwd_dot_do_o");
    CHECK(k1.total.global_write_bytes == k1.per_tensor[size_t(Tensor::D)].global_write_bytes);
    CHECK(k1.per_tensor[size_t(Tensor::D)].global_write_bytes == heads * kStatBytes * N);
}
