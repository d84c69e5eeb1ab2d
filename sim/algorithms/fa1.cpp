// fa1.cpp (algorithm table): FlashAttention-1 (Dao et al. 2022, arXiv 2205.14135): Algorithm 1
// forward and Algorithm 4 backward, one CTA per (batch, head), Oi, li, mi through HBM every step.
#include <algorithm>

#include "sim/algorithms/algorithm.h"
#include "sim/algorithms/footprint_terms.h"
#include "sim/analytic/backward.h"
#include "sim/functional/backward.h"
#include "sim/functional/kernels.h"
#include "sim/trace/backward.h"
#include "sim/trace/generators.h"

namespace flashsim {

namespace {

// FA1 paper, Algorithm 1 line 1: Bc = ceil(M / 4d), Br = min(ceil(M / 4d), d), M the SRAM size
// in elements; 4 warps (kernels/v3_fa1.cu). The backward (Algorithm 4, line 1) sets the same
// block sizes, so the entry has no backward defaults of its own.
void fa1_defaults(Schedule& s, const AttentionProblem& p, const GpuSpec& g) {
    const int64_t M = g.sram_bytes_per_sm / p.es(), d = p.d;
    const int64_t b = (M + 4 * d - 1) / (4 * d);
    if (!s.Bc) s.Bc = b;
    if (!s.Br) s.Br = std::min(b, d);
    if (!s.warps) s.warps = 4;
    if (!s.stages) s.stages = 1;
}

// Algorithm 1 keeps every tile on chip in SRAM.
Footprint fa1_forward_footprint(const Schedule& s, const AttentionProblem& p, const GpuSpec& g) {
    FootprintBuilder f(p, g);
    const int64_t d = p.d, Br = s.Br, Bc = s.Bc;
    if (s.matmul_unit == MatmulUnit::fma) {
        // The scalar kernel (kernels/v3): padded fp32 tiles in SRAM, Oi in registers.
        f.scalar_sram("Qi", Br, d, 4), f.scalar_sram("Kj", Bc, d, 4), f.scalar_sram("Vj", Bc, d, 4);
        f.scalar_sram("Sij", Br, Bc, 1);
        f.acc("Oi", Br, d);
        return f.build();
    }
    f.sram("Sij", Br, Bc), f.sram("Qi", Br, d), f.sram("Kj", Bc, d), f.sram("Vj", Bc, d), f.sram("Oi", Br, d);
    return f.build();
}

// Algorithm 4 keeps every tile in SRAM; Sij becomes Pij and dPij becomes dSij in place.
Footprint fa1_backward_footprint(const Schedule& s, const AttentionProblem& p, const GpuSpec& g) {
    FootprintBuilder f(p, g);
    const int64_t d = p.d, Br = s.Br, Bc = s.Bc;
    for (const char* kv : {"Kj", "Vj", "dKj", "dVj"}) f.sram(kv, Bc, d);
    for (const char* q : {"Qi", "Oi", "dOi", "dQi"}) f.sram(q, Br, d);
    f.sram("Sij", Br, Bc), f.sram("dPij", Br, Bc);
    return f.build();
}

}  // namespace

const AlgorithmInfo& fa1_algorithm() {
    static const AlgorithmInfo a{
        .id = Algorithm::fa1,
        .name = "fa1",
        .title = "FlashAttention-1",
        .summary = "fused and tiled (FA1 paper, Algorithm 1): outer loop over Kj, Vj; Oi, li, mi re-read and re-written",
        .fill_defaults = fa1_defaults,
        .forward = {fa1_listing, append_fa1_forward, fa1_forward_footprint, fa1_forward_counts},
        .backward = {fa1_backward_listing, append_fa1_backward, fa1_backward_footprint, fa1_backward_counts},
        .engine = {MmaIssue::warp_mma, 1},  // warp-level mma.sync, no ping-pong
        .run_functional = run_fa1,
        .run_functional_backward = fa1_backward_tiles,
        .saved = SavedStatistics::row_max_sum,
    };
    return a;
}

}  // namespace flashsim
