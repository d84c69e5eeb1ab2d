// backward_issue_test.cpp: the FA2 backward kernel's timing inputs, each in the model's symbols:
// a GEMM's SRAM reads under the warp tiling the kernel states (kOpWarpGrid), the trace's GEMMs
// against kernels/v7's ldmatrix count, and the backward's instruction counts against its SASS.
#include <doctest/doctest.h>

#include <cstdint>
#include <tuple>
#include <utility>
#include <vector>

#include "sim/core/schedule.h"
#include "sim/gpu/gpu_spec.h"
#include "sim/trace/kernel_issue.h"
#include "sim/trace/trace.h"
#include "tests/engine/hand_trace.h"
#include "tests/trace/cta_ops.h"

using namespace flashsim;
using namespace flashsim::test;

namespace {

// A GEMM of M x N x K fp16 (operand bytes (M K + K N) x 2), with the warp tiling (warps_m, warps_n)
// when `grid` is set.
Op gemm(uint32_t M, uint32_t N, uint32_t K, bool grid, uint32_t warps_m = 0, uint32_t warps_n = 0) {
    Op o = matmul(2ull * M * N * K, 2ull * (uint64_t(M) * K + uint64_t(K) * N));
    o.rows = M;
    o.cols = N;
    if (grid) {
        o.flags = kOpWarpGrid;
        o.row0 = warps_m;
        o.col0 = warps_n;
    }
    return o;
}

Trace fa2_backward_trace(int64_t d, const GpuSpec& g) {
    AttentionProblem p;
    p.B = 1;
    p.H = 1;
    p.N = 1024;
    p.d = d;
    p.pass = Pass::bwd;
    Schedule s;
    s.algo = Algorithm::fa2;
    s.Br = d == 64 ? 128 : 64;  // kernels/v7's blocks
    s.Bc = 128;
    s.warps = 8;
    s.stages = 2;
    return make_trace(p, resolve_schedule(s, p, g), g);
}

}  // namespace

TEST_CASE("a GEMM with the kernel's warp tiling reads A once per warp along N and B once per warp along M") {
    GpuSpec g = load_gpu("h200");
    apply_override(g, "warp_mma_flops_per_s_fp16=1e18");  // the tensor pipe far faster than SRAM
    apply_override(g, "tensor_flops_per_s_fp16=1e18");
    const double bpc = g.sram_bytes_per_cycle_per_sm;
    const uint32_t M = 128, N = 64, K = 128;
    auto cycles = [&](const Op& op) {
        HandTrace h = hand_trace(g.sm_count, {op});
        h.kernel->warps = 8;
        return time_trace(h.trace, g).timing.cycles;
    };
    // Without the tiling: the 8 warps split M, each reads all of B: 2 (M K + 8 K N) bytes.
    const double plain = cycles(gemm(M, N, K, false));
    // A in registers (warps_n = 0), B read by 8 warps along M: 2 x 8 K N bytes, 2 M K fewer.
    CHECK(plain - cycles(gemm(M, N, K, true, 8, 0)) == doctest::Approx(2.0 * M * K / bpc));
    // A 4 x 2 grid: A read twice, B four times: 2 (2 M K + 4 K N), so (8 - 4) K N - M K fewer.
    CHECK(plain - cycles(gemm(M, N, K, true, 4, 2)) == doctest::Approx(2.0 * ((8.0 - 4.0) * K * N - 1.0 * M * K) / bpc));
}

TEST_CASE("the FA2 backward's GEMMs read from SRAM per step what kernels/v7's ldmatrix read (its SASS)") {
    const GpuSpec g = load_gpu("h200");
    // kernels/measurements/sass-loops-v7_fa2_bwd-2026-12-02-sm_90.txt: LDSM (ldmatrix.x4, 512 bytes
    // per warp) per warp and step: 176 at d = 64, 184 at d = 128; 8 warps.
    for (auto [d_, ldsm] : {std::pair<int64_t, double>{64, 176}, std::pair<int64_t, double>{128, 184}}) {
        const int64_t d = d_;  // a copy: clang's lambdas (CAPTURE) cannot capture structured bindings
        CAPTURE(d);
        const Trace t = fa2_backward_trace(d, g);
        REQUIRE(t.kernels.size() >= 2);
        const KernelTrace& k = *t.kernels[t.kernels.size() - 2];  // fa2_bwd, before the convert kernel
        REQUIRE(k.name == "fa2_bwd");
        double sram = 0;
        int steps = 0;
        for (const Op& op : cta_ops(k, 0)) {
            if (op.kind == OpKind::atomic_add) ++steps;
            if (op.kind != OpKind::matmul) continue;
            REQUIRE((op.flags & kOpWarpGrid) != 0);
            const double M = op.rows, N = op.cols, K = double(op.flops) / (2 * M * N);
            sram += 2.0 * (double(op.col0) * M * K + double(op.row0) * K * N);
        }
        REQUIRE(steps == 1024 / (d == 64 ? 128 : 64));
        CHECK(sram / steps == doctest::Approx(ldsm * 512 * 8));
    }
}

TEST_CASE("the FA2 backward's instructions per warp and step add up to its SASS loop at v7's blocks") {
    // kernels/measurements/sass-loops-v7_fa2_bwd-2026-12-02-sm_90.txt: the main loop issues 1948
    // (d = 64, Br = Bc = 128) and 1599 (d = 128, Br = 64, Bc = 128) instructions per warp, 320 HMMA
    // among them; the model issues the rest: per score element 4 FLOPs and 1 exponential of the
    // trace's vector ops, and the step's fixed instructions.
    for (auto [Br, d_, sass] : {std::tuple<int64_t, int64_t, double>{128, 64, 1948}, std::tuple<int64_t, int64_t, double>{64, 128, 1599}}) {
        const int64_t d = d_;  // a copy: clang's lambdas (CAPTURE) cannot capture structured bindings
        CAPTURE(d);
        const int64_t Bc = 128, W = 8;
        const KernelIssue k = fa2_backward_kernel_issue(Br, Bc, d, W);
        const double elements_per_warp = double(Br * Bc) / double(W);
        const double hmma = 5.0 * double(Br * Bc * d) / 2048 / double(W);
        CHECK(hmma == 320);
        const double per_warp = (4 * elements_per_warp * k.insts_per_vector_flop + elements_per_warp * k.insts_per_exp) / 32 +
                                k.insts_per_softmax_step;
        CHECK(per_warp + hmma == doctest::Approx(sass));
    }
    // Other blocks scale the step's fixed instructions with the HMMA per warp.
    CHECK(fa2_backward_kernel_issue(64, 64, 64, 4).insts_per_softmax_step ==
          doctest::Approx(fa2_backward_kernel_issue(128, 128, 64, 8).insts_per_softmax_step / 2));
}

TEST_CASE("a half-sector store (kOpHalfSectors) sends L2 twice its bytes in requests and HBM each sector once") {
    const GpuSpec g = load_gpu("h200");
    for (const bool half : {false, true}) {
        CAPTURE(half);
        HandTrace h = hand_trace(1, {});
        Op st = store_rows(Tensor::O, 0, 128, h.trace.shapes);  // 128 rows x 64 fp16: 16 KiB
        if (half) st.flags = kOpHalfSectors;
        h.kernel->ops = {st};
        const RunResult r = time_trace(h.trace, g);
        REQUIRE_FALSE(r.paper_mode);
        CHECK(r.counts.total.global_write_bytes == (half ? 2 : 1) * st.bytes);
        CHECK(r.counts.total.hbm_write_bytes + r.l2_dirty_bytes_at_end == st.bytes);
    }
}
