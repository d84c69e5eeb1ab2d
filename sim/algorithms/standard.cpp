// standard.cpp (algorithm table): standard attention as the FlashAttention paper measured it
// (Dao et al. 2022, Figure 2: GPT-2 medium's attention in PyTorch): S = QK^T, scale, mask,
// softmax, dropout and P V as kernels of their own, and autograd's backward kernel by kernel
// (sim/trace/standard.cpp). vanilla is the minimal three-kernel form (Algorithm 0); this entry is
// what a framework ran. Its GEMMs are vanilla's kernels, with vanilla's tiles and footprints.
#include "sim/algorithms/algorithm.h"
#include "sim/analytic/standard.h"
#include "sim/trace/backward.h"
#include "sim/trace/generators.h"

namespace flashsim {

// vanilla.cpp: the GEMM kernels' tiles and footprints.
void vanilla_defaults(Schedule& s, const AttentionProblem& p, const GpuSpec& g);
Footprint vanilla_forward_footprint(const Schedule& s, const AttentionProblem& p, const GpuSpec& g);
Footprint vanilla_backward_footprint(const Schedule& s, const AttentionProblem& p, const GpuSpec& g);

const AlgorithmInfo& standard_algorithm() {
    static const AlgorithmInfo a{
        .id = Algorithm::standard,
        .name = "standard",
        .title = "Standard attention (PyTorch, with dropout)",
        .summary = "as the FA paper's Figure 2 baseline: QK^T, scale, mask, softmax, dropout (p = 0.1, mask stored), PV, each a "
                   "kernel through HBM; with dropout 0, PyTorch's attention without dropout (no dropout kernels)",
        .fill_defaults = vanilla_defaults,
        .forward = {standard_listing, append_standard_forward, vanilla_forward_footprint, standard_forward_counts},
        .backward = {standard_backward_listing, append_standard_backward, vanilla_backward_footprint, standard_backward_counts},
        .engine = {MmaIssue::warpgroup_mma, 1},  // the GEMMs stand for cuBLAS: wgmma on Hopper
        .saved = SavedStatistics::probabilities,
        .unfused = true,
        .dropout_mask = DropoutMask::stored,
        .default_dropout = 0.1,  // GPT-2's attn_pdrop (the Figure 2 model's attention dropout)
    };
    return a;
}

}  // namespace flashsim
