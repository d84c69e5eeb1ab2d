// fa3.cpp (algorithm table): FlashAttention-3 forward (Shah et al. 2024, arXiv 2407.08608) on
// Hopper: FA2's tiles, moved by a TMA producer warpgroup into an s-stage ring, two consumer
// warpgroups on wgmma with ping-pong. The backward is not modelled.
#include "sim/algorithms/algorithm.h"
#include "sim/functional/kernels.h"
#include "sim/trace/generators.h"

namespace flashsim {

Footprint fa2_forward_footprint(const Schedule& s, const AttentionProblem& p, const GpuSpec& g);  // fa2.cpp

namespace {

// FA3 paper (section 3 and its benchmarks): 128 x 128 tiles for d <= 128 (128 x 80 above), 2
// stages, 12 warps: a producer and two consumer warpgroups (kernels/v6_fa3_hopper.cu does the same).
void fa3_defaults(Schedule& s, const AttentionProblem& p, const GpuSpec&) {
    const int64_t d = p.d;
    if (!s.Br) s.Br = d <= 128 ? 128 : 64;
    if (!s.Bc) s.Bc = d <= 128 ? 128 : 80;
    if (!s.warps) s.warps = 12;
    if (!s.stages) s.stages = 2;
}

}  // namespace

const AlgorithmInfo& fa3_algorithm() {
    static const AlgorithmInfo a{
        .id = Algorithm::fa3,
        .name = "fa3",
        .title = "FlashAttention-3",
        .summary = "FA2's tiles on Hopper: TMA producer warpgroup, wgmma, two consumer warpgroups in ping-pong",
        .fill_defaults = fa3_defaults,
        .forward = {fa3_listing, append_fa3_forward, fa2_forward_footprint, fa2_forward_counts},
        .no_backward_reason = "the FlashAttention-3 backward is not modelled",
        .engine = {MmaIssue::warpgroup_mma, 2},  // wgmma; ping-pong between two consumer warpgroups
        .run_functional = run_fa2,  // the same tiles move
        .saved = SavedStatistics::logsumexp,
        .query_block_ctas = true,
    };
    return a;
}

}  // namespace flashsim
