// backward_vanilla.cpp: standard attention's backward, unfused, as the FA1 paper's Algorithm 3
// and every framework before FlashAttention run it: five kernels, the N x N matrices dP and dS
// through HBM, P read back from where the forward stored it (tau = 1/sqrt(d)).
//
//   kernel 1  dV = P^T dO                 one CTA per Bc rows of dV, looping over Br-row blocks
//   kernel 2  dP = dO V^T                 grid of Tr x Tc output tiles, dP written to HBM
//   kernel 3  dS = P o (dP - D)           one CTA per row n, D_n = rowsum(dO_n o O_n)
//   kernel 4  dQ = tau dS K               one CTA per Br rows of dQ, looping over Bc columns of dS
//   kernel 5  dK = tau dS^T Q             one CTA per Bc rows of dK, looping over Br rows of dS
//
// Algorithm 3 writes D_n as sum_l P_nl dP_nl; rowsum(dO o O) is the same number (O = PV) and is
// what the fused kernels use, so kernel 3 reads dO and O rows (2Nd) instead of nothing more.
// GemmTiling::ideal marks the GEMMs' operand re-reads as served on chip (kOpReuse), as the
// forward does; paper-mode HBM per head (elements) then is
//   reads 5 N N_kv + 5 N d + 2 N_kv d,   writes 2 N N_kv + 2 N_kv d + N d.
// GemmTiling::tiled issues every re-read. Causal: every GEMM runs in full (P is zero above the
// diagonal), as the forward computes S in full; no block is skipped.
#include "sim/trace/backward.h"
#include "sim/trace/kernel_issue.h"
#include "sim/trace/unfused_gemm.h"

namespace flashsim {

namespace {

enum class Line : uint8_t { dv = 1, dp, ds, dq, dk, return_grads };
constexpr int64_t kVanillaBwdRowRegisters = 32;

// Kernel 3: one CTA per row n: D_n = dO_n . O_n, dS_n = P_n o (dP_n - D_n).
CtaProgram vanilla_bwd_softmax_cta(Emitter& e, UnfusedShape k, int64_t n) {
    e.load(Tensor::P, Line::ds, n, 1, 0, k.Nk);
    e.load(Tensor::dP, Line::ds, n, 1, 0, k.Nk);
    e.load_rows(Tensor::dO, Line::ds, n, 1);
    e.load_rows(Tensor::O, Line::ds, n, 1);
    // dot product; subtract, multiply. In registers (kernels/unfused_rows.cu keeps no row in SRAM).
    e.vector(Line::ds, 2 * k.d + 2 * k.Nk, 0, 0);
    e.store(Tensor::dS, Line::ds, n, 1, 0, k.Nk);
    co_return;
}

}  // namespace

Listing vanilla_backward_listing() {
    return make_listing<Line>(
        "Standard attention backward (FA1 paper, Algorithm 3)",
        {{Line::dv, "Load P, dO by blocks from HBM, compute dV = P^T dO, write dV to HBM.",
          moves(Tensor::P, Tensor::dO, Tensor::dV) | on_chip()},
         {Line::dp, "Load dO, V by blocks from HBM, compute dP = dO V^T, write dP to HBM.",
          moves(Tensor::dO, Tensor::V, Tensor::dP) | on_chip()},
         {Line::ds, "Read P, dP, dO, O from HBM, compute dS = P o (dP - rowsum(dO o O)), write dS to HBM.",
          moves(Tensor::P, Tensor::dP, Tensor::dO, Tensor::O, Tensor::dS) | on_chip()},
         {Line::dq, "Load dS, K by blocks from HBM, compute dQ = tau dS K, write dQ to HBM.",
          moves(Tensor::dS, Tensor::K, Tensor::dQ) | on_chip()},
         {Line::dk, "Load dS, Q by blocks from HBM, compute dK = tau dS^T Q, write dK to HBM.",
          moves(Tensor::dS, Tensor::Q, Tensor::dK) | on_chip()},
         {Line::return_grads, "Return dQ, dK, dV."}});
}

void append_vanilla_backward(Trace& t, const GpuSpec& g) {
    const AttentionProblem& p = t.problem;
    const Schedule& s = t.schedule;
    UnfusedShape k = unfused_shape(p, s);
    k.fma = false;  // the backward's GEMMs run on tensor cores
    const Footprint fp = backward_footprint(s, p, g);
    const size_t first = backward_gemm_index(p);  // Schedule::gemm_tiles
    // Kernel 1: CTA j computes dVj = sum_i Pij^T dOi.
    const GemmKernel dv = gemm_kernel(k, fp, p, s, g, first, GemmForm::stream_keys);
    add_stream_gemm(t, "vanilla_bwd_dv", dv, {Tensor::P, Tensor::dO, Tensor::dV, false, false}, Line::dv, s.warps);
    // Kernel 2: CTA (i, j) computes dPij = dOi Vj^T.
    const GemmKernel dp = gemm_kernel(k, fp, p, s, g, first + 1, GemmForm::tile);
    add_tile_gemm(t, "vanilla_bwd_dp", dp, {Tensor::dO, Tensor::V, Tensor::dP, false}, Line::dp, s.warps);
    // As kernels/unfused_rows.cu runs it (softmax_backward_do_o_kernel): 256 threads, a 32-float
    // scratch, 32 registers per thread (ptxas: kernels/measurements/ptxas-registers-unfused_rows-
    // 2026-12-02.txt), not the GEMMs' warps and SRAM tiles.
    add_kernel(t, "vanilla_bwd_softmax", p.N, kUnfusedRowWarps, row_kernel_footprint(p, g, "scratch", 0, true),
               [k](Emitter& e, int64_t n) { return vanilla_bwd_softmax_cta(e, k, n); });
    // Its loads in round trips and its issue, from its SASS (kernel_issue.h).
    t.kernels.back()->issue = softmax_backward_do_o_issue(k.Nk, k.d, p.es(), kVanillaBwdRowRegisters);
    // Kernel 4: CTA i computes dQi = tau sum_j dSij Kj.
    const GemmKernel dq = gemm_kernel(k, fp, p, s, g, first + 2, GemmForm::stream_rows);
    add_stream_gemm(t, "vanilla_bwd_dq", dq, {Tensor::dS, Tensor::K, Tensor::dQ, true, true}, Line::dq, s.warps);
    // Kernel 5: CTA j computes dKj = tau sum_i dSij^T Qi.
    const GemmKernel dk = gemm_kernel(k, fp, p, s, g, first + 3, GemmForm::stream_keys);
    add_stream_gemm(t, "vanilla_bwd_dk", dk, {Tensor::dS, Tensor::Q, Tensor::dK, false, true}, Line::dk, s.warps);
}

}  // namespace flashsim
