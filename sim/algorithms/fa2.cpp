// fa2.cpp (algorithm table): FlashAttention-2 (Dao 2023, arXiv 2307.08691): Algorithm 1 forward,
// one CTA per query block, Oi on chip; Algorithm 2 backward as the released kernels run it.
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

// As PyTorch's flash backend picks (flash_fwd_launch_template.h): d <= 64 -> 128 x 128,
// d <= 128 -> 128 x 64, larger d -> 64 x 64; 4 warps. Stages: 2. Real FA2 kernels prefetch:
// Dao's issues the cp.async of Kj+1 before the P~ij Vj GEMM, and kernels/v5 double-buffers Kj,
// Vj (2 stages), so a 1-stage default would time a kernel nobody runs. resolve_schedule drops to
// 1 where 2 stages do not fit in SRAM.
void fa2_defaults(Schedule& s, const AttentionProblem& p, const GpuSpec&) {
    const int64_t d = p.d;
    if (!s.Br) s.Br = d <= 128 ? 128 : 64;
    if (!s.Bc) s.Bc = d <= 64 ? 128 : 64;
    if (!s.warps) s.warps = 4;
    if (!s.stages) s.stages = 2;
}

// The backward's own tiles, as FA2's backward kernels pick them (Dao-AILab/flash-attention,
// csrc/flash_attn/src/flash_bwd_launch_template.h, run_mha_bwd_hdim*: Flash_bwd_kernel_traits<
// d, kBlockM = Br, kBlockN = Bc, kNWarps, ..., No_double_buffer>), keyed on the opt-in shared
// memory per block (sram_bytes_per_sm stands for it: 163 KiB on the A100, 227 KiB on Hopper):
//   d <= 32:  128 x 128;  d <= 64: 128 x 128 with >= 144 KiB, else 64 x 128;  d <= 96: 64 x 128;
//   d <= 128: 64 x 128 with >= 144 KiB, else 64 x 64;  d <= 192: 64 x 64;
//   d <= 256: 64 x 64 with >= 144 KiB, else 64 x 32;
// always 8 warps; Qi, dOi double-buffered (2 stages) but where the kernel sets No_double_buffer
// (1 stage): d <= 192 below 136 KiB, d <= 256 below 176 KiB.
// resolve_schedule shrinks them where the preset's SRAM is smaller (the teaching GPU).
void fa2_backward_defaults(Schedule& s, const AttentionProblem& p, const GpuSpec& g) {
    const int64_t d = p.d;
    const bool big_smem = g.sram_bytes_per_sm >= 144 * 1024;
    int64_t Br = 64, Bc = 64;
    if (d <= 32) Br = 128, Bc = 128;
    else if (d <= 64) Br = big_smem ? 128 : 64, Bc = 128;
    else if (d <= 96) Bc = 128;
    else if (d <= 128) Bc = big_smem ? 128 : 64;
    else if (d > 192 && !big_smem) Bc = 32;
    const bool one_buffer = (d > 160 && d <= 192 && g.sram_bytes_per_sm < 136 * 1024) ||
                            (d > 192 && g.sram_bytes_per_sm < 176 * 1024);
    if (!s.Br) s.Br = Br;
    if (!s.Bc) s.Bc = Bc;
    if (!s.warps) s.warps = 8;
    if (!s.stages) s.stages = one_buffer ? 1 : 2;
}

// As the released kernel: Qi, dOi, Kj, Vj and the GEMM operands Pij, dSij in SRAM; the
// accumulators Sij, dPij, dKj, dVj and the dQi partial in fp32 registers.
Footprint fa2_backward_footprint(const Schedule& s, const AttentionProblem& p, const GpuSpec& g) {
    FootprintBuilder f(p, g);
    const int64_t d = p.d, Br = s.Br, Bc = s.Bc;
    f.sram("Qi", Br, d), f.sram("dOi", Br, d), f.sram("Kj", Bc, d), f.sram("Vj", Bc, d);
    f.sram("Pij", Br, Bc), f.sram("dSij", Br, Bc);
    f.acc("Sij", Br, Bc), f.acc("dPij", Br, Bc), f.acc("dKj", Bc, d), f.acc("dVj", Bc, d), f.acc("dQi", Br, d);
    return f.build();
}

}  // namespace

// Qi once, Kj and Vj in each of `stages` buffers (prefetch), the accumulators Sij and Oi. With 2
// stages Kj+1, Vj+1 (the next key block) load while Kj, Vj are in use, and the list names them so.
Footprint fa2_forward_footprint(const Schedule& s, const AttentionProblem& p, const GpuSpec& g) {
    static const char* const kK[] = {"Kj", "Kj+1", "Kj+2", "Kj+3", "Kj+4", "Kj+5", "Kj+6", "Kj+7"};
    static const char* const kV[] = {"Vj", "Vj+1", "Vj+2", "Vj+3", "Vj+4", "Vj+5", "Vj+6", "Vj+7"};
    FootprintBuilder f(p, g);
    const int64_t d = p.d, Br = s.Br, Bc = s.Bc, stages = std::max<int64_t>(1, s.stages);
    if (s.matmul_unit == MatmulUnit::fma) {
        // The scalar kernels (kernels/v4): padded fp32 tiles, Sij in SRAM, Oi in registers.
        f.scalar_sram("Qi", Br, d, 4);
        for (int64_t k = 0; k < stages; ++k) f.scalar_sram(kK[std::min<int64_t>(k, 7)], Bc, d, 4), f.scalar_sram(kV[std::min<int64_t>(k, 7)], Bc, d, 4);
        f.scalar_sram("Sij", Br, Bc, 1);
        f.acc("Oi", Br, d);
        return f.build();
    }
    f.sram("Qi", Br, d);
    for (int64_t k = 0; k < stages; ++k) f.sram(kK[std::min<int64_t>(k, 7)], Bc, d), f.sram(kV[std::min<int64_t>(k, 7)], Bc, d);
    f.acc("Sij", Br, Bc), f.acc("Oi", Br, d);
    return f.build();
}

const AlgorithmInfo& fa2_algorithm() {
    static const AlgorithmInfo a{
        .id = Algorithm::fa2,
        .name = "fa2",
        .title = "FlashAttention-2",
        .summary = "one CTA per query block (FA2 paper, Algorithm 1): Qi loaded once, Kj, Vj streamed, Oi written once",
        .fill_defaults = fa2_defaults,
        .fill_backward_defaults = fa2_backward_defaults,
        .forward = {fa2_listing, append_fa2_forward, fa2_forward_footprint, fa2_forward_counts},
        .backward = {fa2_backward_listing, append_fa2_backward, fa2_backward_footprint, fa2_backward_counts},
        .engine = {MmaIssue::warp_mma, 1},  // warp-level mma.sync, no ping-pong
        .run_functional = run_fa2,
        .run_functional_backward = fa2_backward_tiles,
        .saved = SavedStatistics::logsumexp,
        .query_block_ctas = true,
    };
    return a;
}

}  // namespace flashsim
