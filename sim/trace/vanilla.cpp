// vanilla.cpp: standard attention, unfused, as the FA paper's Algorithm 0 and every framework
// before FlashAttention run it: three kernels, the N x N matrices S and P through HBM.
//
//   kernel 1  S = Q K^T / sqrt(d)   grid of Tr x Tc output tiles (Br x Bc), S written to HBM
//   kernel 2  P = softmax(S)        one CTA per row: S row read, P row written
//   kernel 3  O = P V               one CTA per Br query rows, looping over Bc-wide blocks of P
//
// GemmTiling::ideal marks the GEMMs' operand re-reads as served on chip (kOpReuse), so in paper
// mode HBM sees each operand once: reads 3Nd + 2N^2, writes 2N^2 + Nd elements per head.
// GemmTiling::tiled issues every re-read to global memory, as a real tiled GEMM does.
// Causal: S is computed in full and the softmax masks it (what an unfused framework does).
#include "sim/algorithms/footprint_terms.h"
#include "sim/trace/generators.h"
#include "sim/trace/unfused_gemm.h"

namespace flashsim {

namespace {

enum class Line : uint8_t { qk = 1, softmax, pv, return_o };

// Kernel 2: CTA n computes P[n, :] = softmax(S[n, :]) (max, subtract, exp, sum, divide).
CtaProgram vanilla_softmax_cta(Emitter& e, UnfusedShape k, bool causal, int64_t n) {
    e.load(Tensor::S, Line::softmax, n, 1, 0, k.Nk);
    // max, subtract, sum, divide: 4 FLOPs per element; causal adds the mask compare.
    const int64_t masked = causal ? k.Nk : 0;
    e.vector(Line::softmax, 4 * k.Nk + masked + 1, k.Nk, 2 * k.Nk * k.es);
    e.store(Tensor::P, Line::softmax, n, 1, 0, k.Nk);
    co_return;
}

}  // namespace

Listing vanilla_listing() {
    return make_listing<Line>(
        "Standard attention (FA paper, Algorithm 0)",
        {{Line::qk, "Load Q, K by blocks from HBM, compute S = QK^T, write S to HBM.",
          moves(Tensor::Q, Tensor::K, Tensor::S) | on_chip()},
         {Line::softmax, "Read S from HBM, compute P = softmax(S), write P to HBM.", moves(Tensor::S, Tensor::P) | on_chip()},
         {Line::pv, "Load P and V by blocks from HBM, compute O = PV, write O to HBM.",
          moves(Tensor::P, Tensor::V, Tensor::O) | on_chip()},
         {Line::return_o, "Return O."}});
}

void append_vanilla_forward(Trace& t, const GpuSpec& g) {
    const AttentionProblem& p = t.problem;
    const Schedule& s = t.schedule;
    const UnfusedShape k = unfused_shape(p, s);
    const Footprint fp = forward_footprint(s, p, g);
    const bool causal = p.causal;
    // Kernel 1: CTA (i, j) computes Sij = Qi Kj^T / sqrt(d) and writes it to HBM.
    const GemmKernel qk = gemm_kernel(k, fp, p, s, g, 0, GemmForm::tile);
    add_tile_gemm(t, "vanilla_qk", qk, {Tensor::Q, Tensor::K, Tensor::S, true}, Line::qk, s.warps);
    if (k.fma) t.kernels.back()->issue = scalar_qk_gemm_issue(p.es());
    // Kernel 2: one CTA per row, a thread per element (the softmax of kernels/ v1 and v2; GEMMs on
    // tensor cores stand for cuBLAS, which leaves the softmax to such a kernel).
    add_kernel(t, "vanilla_softmax", p.N, kRowSoftmaxWarps, row_softmax_footprint(p, g, k.Nk),
               [k, causal](Emitter& e, int64_t n) { return vanilla_softmax_cta(e, k, causal, n); });
    t.kernels.back()->issue = row_softmax_issue(p.es());
    // Kernel 3: CTA i computes Oi = sum_j Pij Vj and writes it to HBM.
    const GemmKernel pv = gemm_kernel(k, fp, p, s, g, 1, GemmForm::stream_rows);
    add_stream_gemm(t, "vanilla_pv", pv, {Tensor::P, Tensor::V, Tensor::O, true, false}, Line::pv, s.warps);
    if (k.fma) t.kernels.back()->issue = scalar_pv_gemm_issue(p.es(), p.d);
}

}  // namespace flashsim
