// backward_fa2.cpp: FlashAttention-2 backward, Algorithm 2 of the FA2 paper (arXiv 2307.08691),
// as kernels/v7 runs it (after the released kernels, flash_bwd_preprocess_kernel.h, flash_bwd_kernel.h):
//   memset    fa2_bwd_memset_dqacc  the fp32 accumulator dQacc zeroed in global memory by a
//                                 cudaMemsetAsync before kernel 1, as kernels/v7 does (the released
//                                 code clears it in kernel 1, Clear_dQaccum; the bytes are the same,
//                                 but a profiler sees a memset in no kernel: KernelTrace::memset);
//   kernel 1  fa2_bwd_dot_do_o    one CTA per query block: Di = rowsum(dOi o Oi), written to HBM;
//   kernel 2  fa2_bwd             one CTA per key block j (in parallel over key blocks, heads and
//                                 batch): Kj, Vj loaded once, Sij and Pij recomputed from the
//                                 saved LSE, dKj and dVj accumulated on chip and written once,
//                                 each dQi partial added into dQacc with atomic adds (fp32);
//   kernel 3  fa2_bwd_convert_dq  one CTA per query block: dQi = tau dQacc_i, cast to the element
//                                 type and written to HBM.
// Deviation from the listing as printed in the paper: its line 9 also loads Oi and dQi; the
// kernels do not (Di is precomputed, dQ goes through the atomics), so neither do we.
// Paper-mode HBM per head, rows = query rows the inner loops run (Tc N without a mask):
//   reads  es (2Nd + 2 N_kv d) + rows (2d es + 2 fp32) + 4 rows d (atomics) + 4Nd (kernel 3)
//   writes 4N (D) + 4Nd (zeroing) + es 2 N_kv d + 4 rows d (atomics) + es Nd
// An atomic add is a read-modify-write, so paper mode counts its bytes as read and written.
// Causal: query blocks entirely above the diagonal of key block j are skipped; only diagonal
// blocks are masked. tau = 1/sqrt(d).
// Dropout (p > 0): kernel 2 redraws the forward's mask Zij on chip from the RNG's seed and offset
// (no bytes) and uses it twice: Pij o Zij / (1 - p) for dVj, dPij o Zij / (1 - p) before dSij
// (sim/trace/dropout.h counts the work). Di = rowsum(dOi o Oi) holds with dropout (FA1 paper, B.2).
#include <algorithm>

#include "sim/algorithms/algorithm.h"
#include "sim/trace/backward.h"
#include "sim/trace/dropout.h"
#include "sim/trace/emit.h"
#include "sim/trace/generators.h"

namespace flashsim {

namespace {

enum class Line : uint8_t {
    divide = 1, dot_do_o, zero_dqacc, for_j, load_kv, init_dkv, for_i, load_rows, compute_s, compute_p, dv, dp, ds,
    dq_atomic, dk, end_for_i, write_dkv, end_for_j, convert_dq, return_grads
};

struct Shape {
    int64_t N, Nk, d, Br, Bc, Tr, es, warps;
    bool causal, dropout;
};

// The memset before kernel 1, block i of its rows: dQacc_i = 0.
CtaProgram fa2_bwd_memset_dqacc_cta(Emitter& e, Shape k, int64_t i) {
    const BlockRange r = block(i, k.Br, k.N);
    e.store_rows(Tensor::dQacc, Line::zero_dqacc, r.begin, r.size);  // zeros
    co_return;
}

// Kernel 1, CTA i: Di = rowsum(dOi o Oi) to HBM.
CtaProgram fa2_bwd_dot_do_o_cta(Emitter& e, Shape k, int64_t i) {
    const BlockRange r = block(i, k.Br, k.N);
    e.load_rows(Tensor::O, Line::dot_do_o, r.begin, r.size);
    e.load_rows(Tensor::dO, Line::dot_do_o, r.begin, r.size);
    e.vector(Line::dot_do_o, 2 * r.size * k.d, 0, 2 * r.size * k.d * k.es);
    e.store_rows(Tensor::D, Line::dot_do_o, r.begin, r.size);
    co_return;
}

// Kernel 2, CTA j: key block j of a head, FA2 paper Algorithm 2, lines 5-17. The GEMMs are
// oriented and split over the warps as kernels/v7 runs them (each warp owns Bc / warps keys of
// Kj): S^T = Kj Qi^T and dP^T = Vj dOi^T with the warps along the keys (each reads its rows of Kj
// or Vj and all of Qi or dOi); dVj += Pij^T dOi and dKj += dSij^T Qi with P^T and dS^T held in
// registers (the accumulators reused as the A operand; each warp reads all of dOi or Qi); dQi =
// dSij Kj with the warps in a grid of (Br / 16) x (warps / (Br / 16)). kOpWarpGrid tells the timing
// the SRAM reads this tiling makes (kernels/measurements/sass-loops-v7_fa2_bwd-2026-12-02-sm_90.txt:
// 176 and 184 ldmatrix.x4 per warp and step at d = 64 and 128, exactly these bytes).
CtaProgram fa2_bwd_cta(Emitter& e, Shape k, int64_t j) {
    const int64_t d = k.d, W = k.warps;
    const BlockRange c = block(j, k.Bc, k.Nk);
    const int64_t C = c.size;
    e.load_rows(Tensor::K, Line::load_kv, c.begin, C);                   // line 5: load Kj, Vj
    e.load_rows(Tensor::V, Line::load_kv, c.begin, C);
    e.vector(Line::init_dkv, 0, 0);                                      // line 6: dKj = dVj = 0 (registers)
    for (int64_t i = k.causal ? first_query_block(j, k.Br, k.Bc) : 0; i < k.Tr; ++i) {  // line 7
        co_await e.room();
        const BlockRange r = block(i, k.Br, k.N);
        const int64_t R = r.size;
        const int64_t wm = std::clamp<int64_t>(R / 16, 1, W), wn = std::max<int64_t>(1, W / wm);  // dQi's warp grid
        for (Tensor x : {Tensor::Q, Tensor::dO, Tensor::LSE, Tensor::D})
            e.load_rows(x, Line::load_rows, r.begin, R);                 // line 8: Qi, dOi, Li, Di
        e.barrier(Line::compute_s);
        e.matmul_warp_grid(Line::compute_s, C, R, d, (R + C) * d * k.es, W, 1, kOpRecompute);  // line 9: Sij = Qi Kj^T
        if (k.causal && block_needs_mask(r.begin, c.begin, C)) e.vector(Line::compute_s, R * C, 0, 0, kOpRecompute);
        e.vector(Line::compute_p, 2 * R * C, R * C, 0, kOpRecompute);   // line 10: exp(tau Sij - Li)
        const int64_t kept = k.dropout ? unmasked_elements(k.causal, r.begin, R, c.begin, C) : 0;
        if (k.dropout) {                                                //   Zij redrawn, Pij o Zij / (1 - p)
            e.vector(Line::compute_p, (kDropoutRngOpsPerElement + kDropoutCompareOps) * kept, 0, 0, kOpRecompute);
            e.vector(Line::dv, kDropoutScaleOps * kept, 0);
        }
        e.matmul_warp_grid(Line::dv, C, d, R, (R * C + R * d) * k.es, W, 0);  // line 11: dVj += Pij^T dOi
        e.matmul_warp_grid(Line::dp, C, R, d, (R + C) * d * k.es, W, 1);      // line 12: dPij = dOi Vj^T
        if (k.dropout) e.vector(Line::dp, kDropoutScaleOps * kept, 0);  //   dPij o Zij / (1 - p)
        e.vector(Line::ds, 2 * R * C, 0);                               // line 13: dSij = Pij o (dPij - Di)
        e.barrier(Line::ds);                                            //   dSij to SRAM for both GEMMs
        e.matmul_warp_grid(Line::dq_atomic, R, d, C, (R * C + C * d) * k.es, wm, wn);  // line 14: dSij Kj,
        e.atomic_add(Tensor::dQacc, Line::dq_atomic, r.begin, R, 0, d); //   added atomically into dQacc_i
        e.matmul_warp_grid(Line::dk, C, d, R, (R * C + R * d) * k.es, W, 0);  // line 15: dKj += dSij^T Qi
        e.barrier(Line::dk);
    }
    co_await e.room();
    e.vector(Line::write_dkv, C * d, 0);                                 // line 17: dKj scaled by tau
    // kernels/v7 stores them from the mma fragments, 4 bytes per thread: each warp store fills half
    // of the 32-byte sectors of its 8 rows (ncu: 2 x 1.5 written sectors per sector of dK, dV).
    e.store_rows(Tensor::dK, Line::write_dkv, c.begin, C, kOpHalfSectors);  //   write dKj, dVj
    e.store_rows(Tensor::dV, Line::write_dkv, c.begin, C, kOpHalfSectors);
}

// Kernel 3, CTA i: dQi = tau dQacc_i, cast to the element type.
CtaProgram fa2_bwd_convert_dq_cta(Emitter& e, Shape k, int64_t i) {
    const BlockRange r = block(i, k.Br, k.N);
    e.load_rows(Tensor::dQacc, Line::convert_dq, r.begin, r.size);
    e.vector(Line::convert_dq, r.size * k.d, 0);  // scale by tau, cast to the element type
    e.store_rows(Tensor::dQ, Line::convert_dq, r.begin, r.size);
    co_return;
}

}  // namespace

Listing fa2_backward_listing() {
    return make_listing<Line>(
        "FlashAttention-2 backward (FA2 paper, Algorithm 2, as the released kernels run it)",
        {{Line::divide, "Divide Q, O, dO into Tr blocks of Br rows; K, V into Tc blocks Kj, Vj; L, D into Tr blocks Li, Di."},
         {Line::dot_do_o, "Kernel 1, per query block: load Oi, dOi, compute Di = rowsum(dOi o Oi), write Di to HBM.",
          moves(Tensor::O, Tensor::dO, Tensor::D) | on_chip()},
         {Line::zero_dqacc, "Before kernel 1: initialize the fp32 accumulator dQacc = (0) in global memory (a memset).",
          moves(Tensor::dQacc)},
         {Line::for_j, "Kernel 2: for 1 <= j <= Tc do  (in parallel: one CTA per key block, head and batch)"},
         {Line::load_kv, "  Load Kj, Vj from HBM to on-chip SRAM.", moves(Tensor::K, Tensor::V)},
         {Line::init_dkv, "  Initialize dKj = (0), dVj = (0) on chip.", on_chip()},
         {Line::for_i, "  for 1 <= i <= Tr do"},
         {Line::load_rows, "    Load Qi, dOi, Li, Di from HBM to on-chip SRAM.",
          moves(Tensor::Q, Tensor::dO, Tensor::LSE, Tensor::D)},
         {Line::compute_s, "    On chip, compute Sij = Qi Kj^T (recomputed; masked if causal).", on_chip()},
         {Line::compute_p,
          "    On chip, compute Pij = exp(tau Sij - Li) (recomputed; dropout p > 0: Zij redrawn from the seed and offset).",
          on_chip()},
         {Line::dv, "    On chip, compute dVj <- dVj + Pij^T dOi (dropout: (Pij o Zij / (1 - p))^T dOi).", on_chip()},
         {Line::dp, "    On chip, compute dPij = dOi Vj^T (dropout: then dPij <- dPij o Zij / (1 - p)).", on_chip()},
         {Line::ds, "    On chip, compute dSij = Pij o (dPij - Di).", on_chip()},
         {Line::dq_atomic, "    On chip, compute dSij Kj; add it atomically into dQacc_i in global memory.",
          moves(Tensor::dQacc) | on_chip()},
         {Line::dk, "    On chip, compute dKj <- dKj + dSij^T Qi.", on_chip()},
         {Line::end_for_i, "  end for"},
         {Line::write_dkv, "  Write dKj <- tau dKj, dVj to HBM.", moves(Tensor::dK, Tensor::dV) | on_chip()},
         {Line::end_for_j, "end for"},
         {Line::convert_dq, "Kernel 3, per query block: load dQacc_i, write dQi = tau dQacc_i to HBM.",
          moves(Tensor::dQacc, Tensor::dQ) | on_chip()},
         {Line::return_grads, "Return dQ, dK, dV."}});
}

void append_fa2_backward(Trace& t, const GpuSpec& g) {
    const AttentionProblem& p = t.problem;
    const Schedule& s = t.schedule;
    const Shape k{p.N, p.Nk(), p.d, s.Br, s.Bc, s.Tr(p), p.es(), std::max<int64_t>(1, s.warps), p.causal,
                  dropout_p(p, s.algo) > 0};
    const int64_t Br = s.Br, d = p.d, es = p.es();

    // Kernels 1 and 3 stream row blocks: their footprint is the tiles they hold.
    Footprint rows_fp;
    rows_fp.sram_bytes = 2 * Br * d * es;
    rows_fp.sram_arithmetic = "Oi, dOi " + std::to_string(Br) + "x" + std::to_string(d) + " x2 = " +
                              format_bytes(rows_fp.sram_bytes);
    Footprint none;
    none.sram_arithmetic = "a memset: no SRAM";
    add_kernel(t, "fa2_bwd_memset_dqacc", k.Tr, s.warps, none,
               [k](Emitter& e, int64_t i) { return fa2_bwd_memset_dqacc_cta(e, k, i); });
    t.kernels.back()->memset = true;
    add_kernel(t, "fa2_bwd_dot_do_o", k.Tr, s.warps, rows_fp,
               [k](Emitter& e, int64_t i) { return fa2_bwd_dot_do_o_cta(e, k, i); });
    add_kernel(t, "fa2_bwd", s.Tc(p), s.warps, backward_footprint(s, p, g),
               [k](Emitter& e, int64_t j) { return fa2_bwd_cta(e, k, j); });
    if (s.matmul_unit == MatmulUnit::tensor) t.kernels.back()->issue = fa2_backward_kernel_issue(Br, s.Bc, d, s.warps);
    Footprint acc_fp;
    acc_fp.sram_bytes = Br * d * kAccumBytes;
    acc_fp.sram_arithmetic = "dQacc_i " + std::to_string(Br) + "x" + std::to_string(d) + " x 4 B = " +
                             format_bytes(acc_fp.sram_bytes);
    add_kernel(t, "fa2_bwd_convert_dq", k.Tr, s.warps, acc_fp,
               [k](Emitter& e, int64_t i) { return fa2_bwd_convert_dq_cta(e, k, i); });
}

}  // namespace flashsim
