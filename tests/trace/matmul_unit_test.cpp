// The matmul unit knob: a schedule with matmul_unit = fma marks its GEMMs as scalar CUDA-core
// FMAs carrying the SRAM bytes of the kernels' register blocking (schedule.h), runs them no faster
// than the fp32 rate and the SRAM pipe allow, and stores Oi of the scalar kernels as
// quarter-sector stores that L2 sees four times.
#include <doctest/doctest.h>

#include <vector>

#include "sim/core/errors.h"
#include "sim/engine/simulate.h"
#include "sim/gpu/gpu_spec.h"
#include "sim/trace/trace.h"
#include "tests/trace/cta_ops.h"

using namespace flashsim;

namespace {

AttentionProblem small_problem() {
    AttentionProblem p;
    p.B = 1;
    p.H = 4;
    p.N = 256;
    p.d = 64;
    p.dtype = Dtype::fp16;
    return p;
}

std::vector<Op> ops_of_first_cta(const Trace& t, size_t kernel) { return test::cta_ops(*t.kernels[kernel], 0); }

}  // namespace

TEST_CASE("fma matmuls carry the SRAM bytes of the scalar kernels' register blocking") {
    const GpuSpec g = load_gpu("h100");
    const AttentionProblem p = small_problem();
    Schedule s;
    s.algo = Algorithm::fa2;
    s.Br = 64;
    s.Bc = 64;
    s.warps = 8;
    s.matmul_unit = MatmulUnit::fma;
    const Trace t = make_trace(p, resolve_schedule(s, p, g), g);
    int matmuls = 0, quarter_stores = 0;
    for (const Op& op : ops_of_first_cta(t, 0)) {
        if (op.kind == OpKind::store && (op.flags & kOpQuarterSectors)) ++quarter_stores;
        if (op.kind != OpKind::matmul) continue;
        CHECK((op.flags & kOpCudaCore) != 0);
        const uint64_t fmas = op.flops / 2;
        // Sij: 1 x 8 per thread; P~ij Vj: 1 x d/4 per thread; 4 bytes per fp32 operand.
        const uint64_t rn = matmuls % 2 == 0 ? 8 : uint64_t(p.d / 4);
        CHECK(op.bytes == 4 * (fmas / rn + fmas / 1));
        ++matmuls;
    }
    CHECK(matmuls == 2 * (p.N / s.Bc));
    CHECK(quarter_stores == 1);  // Oi, once
}

TEST_CASE("tensor-core schedules keep their matmul bytes and plain stores") {
    const GpuSpec g = load_gpu("h100");
    const AttentionProblem p = small_problem();
    Schedule s;
    s.algo = Algorithm::fa2;
    const Trace t = make_trace(p, resolve_schedule(s, p, g), g);
    for (const Op& op : ops_of_first_cta(t, 0)) {
        CHECK((op.flags & (kOpCudaCore | kOpQuarterSectors)) == 0);
    }
}

TEST_CASE("a CUDA-core GEMM is no faster than the fp32 rate and the SRAM pipe allow, and slower than tensor cores") {
    const GpuSpec g = load_gpu("h100");
    AttentionProblem p = small_problem();
    p.H = g.sm_count;  // one CTA per SM: each SM runs one head's single query block
    p.N = 64;
    Schedule s;
    s.algo = Algorithm::fa2;
    s.Br = 64;
    s.Bc = 64;
    s.warps = 8;
    s.matmul_unit = MatmulUnit::fma;
    const RunResult fma = simulate(p, s, g, SimOptions{});
    s.matmul_unit = MatmulUnit::tensor;
    const RunResult tc = simulate(p, s, g, SimOptions{});
    // Per CTA: Sij and P~ij Vj, each 64 x 64 x 64 FMAs.
    const double fmas = 2.0 * 64 * 64 * 64;
    const double sram_bytes = 4 * (64.0 * 64 * 64 / 8 + 64.0 * 64 * 64) + 4 * (64.0 * 64 * 64 / 16 + 64.0 * 64 * 64);
    const double fma_cycles = 2 * fmas / (g.vector_flops_per_s / double(g.sm_count) / g.clock_hz);
    const double sram_cycles = sram_bytes / g.sram_bytes_per_cycle_per_sm;
    CHECK(fma.timing.cycles >= std::max(fma_cycles, sram_cycles));
    CHECK(fma.timing.cycles > tc.timing.cycles);
}

TEST_CASE("a quarter-sector store reaches L2 as four times its bytes and HBM once") {
    const GpuSpec g = load_gpu("h100");
    const AttentionProblem p = small_problem();
    Schedule s;
    s.algo = Algorithm::fa2;
    s.Br = 64;
    s.Bc = 64;
    s.warps = 8;
    s.matmul_unit = MatmulUnit::fma;
    const RunResult r = simulate(p, s, g, SimOptions{});
    const Traffic& o = r.counts.per_tensor[size_t(Tensor::O)];
    const uint64_t o_bytes = uint64_t(p.heads() * p.N * p.d * p.es());
    CHECK(o.global_write_bytes == 4 * o_bytes);
    CHECK(o.hbm_write_bytes + r.l2_dirty_bytes_at_end >= o_bytes);  // O lands once (or stays dirty)
    CHECK(o.hbm_write_bytes <= o_bytes);
}

TEST_CASE("an unknown matmul unit is a configuration error naming the allowed values") {
    CHECK_THROWS_AS(parse_matmul_unit("simd"), ConfigError);
    CHECK(parse_matmul_unit("fma") == MatmulUnit::fma);
    CHECK(parse_matmul_unit("tensor") == MatmulUnit::tensor);
}
