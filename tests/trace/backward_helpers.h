// backward_helpers.h: shared set-up of the backward trace tests: a problem, a schedule resolved
// on a GPU whose SRAM does not constrain the blocks, the paper-mode counts of its trace, and the
// check that the closed forms equal them.
#pragma once
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>

#include "sim/analytic/analytic.h"
#include "sim/engine/counting.h"
#include "sim/gpu/gpu_spec.h"
#include "sim/trace/trace.h"

namespace flashsim::test {

struct BwdShape {
    int64_t N, d, Br, Bc;
    Dtype dtype;
};

// Partial tiles (N not a multiple of Br or Bc), Br != Bc both ways, tiny and one-row cases.
inline const BwdShape kBwdShapes[] = {
    {1024, 64, 64, 64, Dtype::fp16}, {1000, 64, 64, 128, Dtype::fp16}, {777, 96, 32, 48, Dtype::fp32},
    {513, 128, 128, 64, Dtype::bf16}, {130, 16, 17, 9, Dtype::fp16},   {1, 8, 1, 1, Dtype::fp16},
};

inline AttentionProblem bwd_problem(const BwdShape& sh, bool causal, Pass pass, int64_t heads = 1) {
    AttentionProblem p;
    p.H = heads;
    p.N = sh.N;
    p.d = sh.d;
    p.dtype = sh.dtype;
    p.causal = causal;
    p.pass = pass;
    return p;
}

inline GpuSpec roomy_gpu() {
    GpuSpec g = load_gpu("h100");
    g.sram_bytes_per_sm = int64_t(1) << 30;  // closed forms do not depend on the SRAM size
    g.register_bytes_per_sm = int64_t(1) << 30;
    return g;
}

// Algorithm a on the shape's blocks (the rest of the schedule: its defaults).
inline Schedule bwd_schedule(Algorithm a, const BwdShape& sh) {
    Schedule s;
    s.algo = a;
    s.Br = sh.Br;
    s.Bc = sh.Bc;
    return s;
}

inline Counters count_pass(Algorithm a, const BwdShape& sh, bool causal, Pass pass, int64_t heads = 1,
                           GemmTiling gemm = GemmTiling::ideal) {
    const AttentionProblem p = bwd_problem(sh, causal, pass, heads);
    Schedule s = bwd_schedule(a, sh);
    if (pass == Pass::fwdbwd) s.bwd_Br = sh.Br, s.bwd_Bc = sh.Bc;  // both passes on the shape's blocks
    s.vanilla_gemm = gemm;
    const GpuSpec g = roomy_gpu();
    return count_paper_mode(make_trace(p, resolve_schedule(s, p, g), g)).total;
}

// The closed-form HBM bytes (sim/analytic) of schedule s, resolved on g, equal the paper-mode counts
// of its trace exactly.
inline void check_closed_form_matches_trace(const AttentionProblem& p, const Schedule& s, const GpuSpec& g) {
    const Schedule r = resolve_schedule(s, p, g);
    const AnalyticCounts a = exact_counts(p, r);
    const Counters c = count_paper_mode(make_trace(p, r, g)).total;
    REQUIRE(a.available);
    CHECK(a.hbm_read_bytes == c.total.hbm_read_bytes);
    CHECK(a.hbm_write_bytes == c.total.hbm_write_bytes);
}

// Query rows the backward's inner loops run, summed over key blocks j, from the block geometry:
// key block j's first column j*Bc is reached by the query blocks whose last row is >= j*Bc.
inline uint64_t rows_run(const BwdShape& sh, bool causal) {
    uint64_t rows = 0;
    for (int64_t c0 = 0; c0 < sh.N; c0 += sh.Bc)
        for (int64_t r0 = 0; r0 < sh.N; r0 += sh.Br) {
            const int64_t last = std::min(r0 + sh.Br, sh.N) - 1;
            if (!causal || last >= c0) rows += uint64_t(std::min(sh.Br, sh.N - r0));
        }
    return rows;
}

inline uint64_t blocks(int64_t n, int64_t B) { return uint64_t((n + B - 1) / B); }

}  // namespace flashsim::test
