// unfused_gemm.h: the GEMM kernels of unfused (vanilla) attention, forward and backward, as CTA
// programs. Two shapes cover all of them (sim/trace/vanilla.cpp, backward_vanilla.cpp):
//   tile:   CTA (i, j) computes the Br x Bc tile Cij = Ai Bj^T (S = QK^T, dP = dO V^T) and
//           stores it to the N x N_kv matrix in HBM;
//   stream: CTA b owns Br query rows (by_rows: Oi = sum_j Pij Vj, dQi = sum_j dSij Kj) or Bc key
//           rows (dVj = sum_i Pij^T dOi, dKj = sum_i dSij^T Qi), streams the N x N_kv tiles
//           and the operand's rows, and stores its rows of the output once.
// With GemmTiling::ideal an operand block re-read by a later CTA carries kOpReuse (served on
// chip: the papers' count of each operand once).
#pragma once
#include "sim/trace/emit.h"
#include "sim/trace/kernel_issue.h"

namespace flashsim {

struct UnfusedShape {
    int64_t N, Nk, d, Br, Bc, Tr, Tc, es;
    bool ideal;     // GemmTiling::ideal
    bool fma;       // MatmulUnit::fma (scalar kernels' register blocking, schedule.h)
    int64_t cluster = 1;  // GemmTile::cluster: CTAs of consecutive row blocks sharing one read of
                          // the operand of the output's columns (the partners' loads kOpMulticast)
};
UnfusedShape unfused_shape(const AttentionProblem& p, const Schedule& s);

struct TileGemm {
    Tensor a, b, out;         // out[i, j] = a_i b_j^T
    bool scale = false;       // scale the tile by 1/sqrt(d) on chip
};
// CTA blk of the kernel's Tr x Tc tiles: (i, j) = (blk / Tc, blk % Tc), or pairs of row blocks with
// k.cluster = 2 (unfused_gemm.cpp).
CtaProgram gemm_tile_cta(Emitter& e, UnfusedShape k, TileGemm g, LineId line, int64_t blk);

struct StreamGemm {
    Tensor tiles, operand, out;
    bool by_rows = true;      // the CTA owns query rows i (else key rows j, tiles transposed)
    bool scale = false;       // scale the output by tau = 1/sqrt(d) before storing it
};
CtaProgram gemm_stream_cta(Emitter& e, UnfusedShape k, StreamGemm g, LineId line, int64_t own);

// The GEMM kernels' two forms (above), and a by_rows = false stream (dV, dK: CTAs own key rows).
enum class GemmForm : uint8_t { tile, stream_rows, stream_keys };
// One GEMM kernel, the run's `index`-th (Schedule::gemm_tiles): its shape, with its own tile when
// the schedule gives one (a tile: Br x Bc = rows x cols; a stream: the CTA's rows and the loop's
// step k_step), and its CTAs' footprint: `shared` (the pass's) without a tile, else the tile's
// stages of A and B steps in SRAM and its rows x cols accumulator. Throws ConfigError when the
// tile's footprint does not fit the GPU's SRAM.
struct GemmKernel {
    UnfusedShape shape;
    Footprint footprint;
    int64_t stages = 0;  // the tile's SRAM stages (its prefetch depth); 0: the pass's
    int64_t ctas_per_head(GemmForm form) const;
};
// Adds the GEMM kernel `k` of form `form`, its CTAs running `program` (add_kernel).
template <class Program>
void add_gemm_kernel(Trace& t, std::string name, const GemmKernel& k, GemmForm form, int64_t warps, Program program) {
    add_kernel(t, std::move(name), k.ctas_per_head(form), warps, k.footprint, std::move(program));
    t.kernels.back()->stages = k.stages;
    t.kernels.back()->dense_loops = true;  // gemm_tile_cta, gemm_stream_cta: no causal mask
}

// The two forms as kernels of the trace: every CTA of `k` runs g on `line`.
inline void add_tile_gemm(Trace& t, std::string name, const GemmKernel& k, TileGemm g, LineId line, int64_t warps) {
    add_gemm_kernel(t, std::move(name), k, GemmForm::tile, warps,
                    [q = k.shape, g, line](Emitter& e, int64_t blk) { return gemm_tile_cta(e, q, g, line, blk); });
}
inline void add_stream_gemm(Trace& t, std::string name, const GemmKernel& k, StreamGemm g, LineId line, int64_t warps) {
    add_gemm_kernel(t, std::move(name), k, g.by_rows ? GemmForm::stream_rows : GemmForm::stream_keys, warps,
                    [q = k.shape, g, line](Emitter& e, int64_t own) { return gemm_stream_cta(e, q, g, line, own); });
}

// The index in Schedule::gemm_tiles of the backward's first GEMM kernel: after the forward's two
// when the run is a forward + backward.
inline size_t backward_gemm_index(const AttentionProblem& p) { return p.pass == Pass::fwdbwd ? Schedule::kForwardGemmKernels : 0; }
GemmKernel gemm_kernel(const UnfusedShape& pass, const Footprint& shared, const AttentionProblem& p, const Schedule& s,
                       const GpuSpec& g, size_t index, GemmForm form);

// A row kernel's SRAM: `row_floats` fp32 values of its row kept on chip (`name` in the footprint)
// and, with `scratch`, a 32-float reduction scratch; none when it keeps nothing. A row larger than
// an SM's SRAM cannot launch on the GPU; the simulator then gives the kernel the scratch alone, as
// a kernel that streams its row again instead would hold.
Footprint row_kernel_footprint(const AttentionProblem& p, const GpuSpec& g, const char* name, int64_t row_floats, bool scratch);

// The row softmax's SRAM (row_softmax_kernel in kernels/v1_vanilla_tiled.cu, the softmax of
// vanilla and of standard attention in kernels/): its row of S as fp32 (dynamic, Nk floats) and a
// 32-float reduction scratch; this, not the GEMMs' tiles, sets how many of its CTAs an SM holds
// (14 at Nk = 4096 on 228 KiB, 3 at 16384).
inline Footprint row_softmax_footprint(const AttentionProblem& p, const GpuSpec& g, int64_t Nk) {
    return row_kernel_footprint(p, g, "row(S)+scratch", Nk, true);
}

}  // namespace flashsim
