// backward_fa1.cpp: FlashAttention-1 backward, Algorithm 4 of the FA1 paper (arXiv 2205.14135,
// appendix B), in its loop order: one CTA per (batch, head) as the forward; the
// outer loop over key blocks j loads Kj, Vj once and keeps dKj, dVj on chip; the inner loop over
// query blocks i reads Qi, Oi, dOi, dQi, li, mi from HBM, recomputes Sij and Pij from l and m,
// and writes dQi back every step. dKj, dVj are written once. tau = 1/sqrt(d).
// Paper-mode HBM per head (elements; l, m fp32), with rows = the query rows the inner loops run
// (Tc N without a mask):
//   reads  2 N_kv d + rows (4d + 2 fp32),   writes 2 N_kv d + rows d.
// dQ, dK, dV are zeroed in HBM by a memset (line 3), which is not a kernel and not counted, as
// the forward's line 2. Causal: for key block j only query blocks whose rows reach column j*Bc
// run, the diagonal ones pay for the mask on chip.
// Dropout (p > 0): the forward's mask Zij is redrawn on chip from the RNG's seed and offset (no
// bytes) and used twice: Pij o Zij / (1 - p) for dVj, dPij o Zij / (1 - p) before dSij
// (sim/trace/dropout.h counts the work).
#include "sim/algorithms/algorithm.h"
#include "sim/trace/backward.h"
#include "sim/trace/dropout.h"
#include "sim/trace/emit.h"
#include "sim/trace/generators.h"

namespace flashsim {

namespace {

enum class Line : uint8_t {
    set_blocks = 1, divide, init_grads, for_j, load_kv, init_dkv, for_i, load_rows, compute_s, compute_p, dv, dp,
    di, ds, write_dq, dk, end_for_i, write_dkv, end_for_j, return_grads
};

struct Shape {
    int64_t N, Nk, d, Br, Bc, Tr, Tc, es;
    bool causal, dropout;
};

// The one CTA of a head: Algorithm 4, lines 4-19.
CtaProgram fa1_backward_cta(Emitter& e, Shape k) {
    const int64_t d = k.d;
    for (int64_t j = 0; j < k.Tc; ++j) {                                   // line 4: for 1 <= j <= Tc
        co_await e.room();
        const BlockRange c = block(j, k.Bc, k.Nk);
        const int64_t C = c.size;
        e.load_rows(Tensor::K, Line::load_kv, c.begin, C);                 // line 5: load Kj, Vj
        e.load_rows(Tensor::V, Line::load_kv, c.begin, C);
        e.vector(Line::init_dkv, 0, 0);                                    // line 6: dKj = dVj = 0
        for (int64_t i = k.causal ? first_query_block(j, k.Br, k.Bc) : 0; i < k.Tr; ++i) {  // line 7
            co_await e.room();
            const BlockRange r = block(i, k.Br, k.N);
            const int64_t R = r.size;
            for (Tensor x : {Tensor::Q, Tensor::O, Tensor::dO, Tensor::dQ, Tensor::l, Tensor::m})
                e.load_rows(x, Line::load_rows, r.begin, R);               // line 8: Qi, Oi, dOi, dQi, li, mi
            e.barrier(Line::compute_s);
            e.matmul(Line::compute_s, R, C, d, (R + C) * d * k.es, kOpRecompute);  // line 9: Sij = tau Qi Kj^T
            const int64_t mask = k.causal && block_needs_mask(r.begin, c.begin, C) ? R * C : 0;
            e.vector(Line::compute_s, R * C + mask, 0, 0, kOpRecompute);  //   scale by tau (and mask)
            e.vector(Line::compute_p, 3 * R * C, R * C, 0, kOpRecompute); // line 10: Pij from li, mi
            const int64_t kept = k.dropout ? unmasked_elements(k.causal, r.begin, R, c.begin, C) : 0;
            if (k.dropout) {                                              //   Zij redrawn, Pij o Zij / (1 - p)
                e.vector(Line::compute_p, (kDropoutRngOpsPerElement + kDropoutCompareOps) * kept, 0, 0, kOpRecompute);
                e.vector(Line::dv, kDropoutScaleOps * kept, 0);
            }
            e.matmul(Line::dv, C, d, R, (R * C + R * d) * k.es);          // line 11: dVj += Pij^T dOi
            e.matmul(Line::dp, R, C, d, (R + C) * d * k.es);              // line 12: dPij = dOi Vj^T
            if (k.dropout) e.vector(Line::dp, kDropoutScaleOps * kept, 0); //   dPij o Zij / (1 - p)
            e.vector(Line::di, 2 * R * d, 0, 2 * R * d * k.es);           // line 13: Di = rowsum(dOi o Oi)
            e.vector(Line::ds, 2 * R * C, 0);                             // line 14: dSij = Pij o (dPij - Di)
            e.matmul(Line::write_dq, R, d, C, (R * C + C * d) * k.es);    // line 15: dSij Kj
            e.vector(Line::write_dq, 2 * R * d, 0);                       //   dQi + tau (dSij Kj)
            e.barrier(Line::write_dq);
            e.store_rows(Tensor::dQ, Line::write_dq, r.begin, R);         //   write dQi
            e.matmul(Line::dk, C, d, R, (R * C + R * d) * k.es);          // line 16: dKj += dSij^T Qi
            e.barrier(Line::dk);
        }
        co_await e.room();
        e.vector(Line::write_dkv, C * d, 0);                               // line 18: dKj scaled by tau
        e.store_rows(Tensor::dK, Line::write_dkv, c.begin, C);             //   write dKj, dVj
        e.store_rows(Tensor::dV, Line::write_dkv, c.begin, C);
    }
}

}  // namespace

Listing fa1_backward_listing() {
    return make_listing<Line>(
        "FlashAttention-1 backward (FA1 paper, Algorithm 4)",
        {{Line::set_blocks, "Set block sizes Bc = ceil(M/4d), Br = min(ceil(M/4d), d)."},
         {Line::divide, "Divide Q, O, dO into Tr blocks Qi, Oi, dOi; K, V into Tc blocks Kj, Vj; l, m into Tr blocks li, mi."},
         {Line::init_grads, "Initialize dQ = (0), dK = (0), dV = (0) in HBM, divided into blocks as Q, K, V."},
         {Line::for_j, "for 1 <= j <= Tc do"},
         {Line::load_kv, "  Load Kj, Vj from HBM to on-chip SRAM.", moves(Tensor::K, Tensor::V)},
         {Line::init_dkv, "  Initialize dKj = (0), dVj = (0) on SRAM.", on_chip()},
         {Line::for_i, "  for 1 <= i <= Tr do"},
         {Line::load_rows, "    Load Qi, Oi, dOi, dQi, li, mi from HBM to on-chip SRAM.",
          moves(Tensor::Q, Tensor::O, Tensor::dO, Tensor::dQ, Tensor::l, Tensor::m)},
         {Line::compute_s, "    On chip, compute Sij = tau Qi Kj^T (recomputed; masked if causal).", on_chip()},
         {Line::compute_p,
          "    On chip, compute Pij = diag(li)^-1 exp(Sij - mi) (recomputed; dropout p > 0: Zij redrawn from the seed "
          "and offset).",
          on_chip()},
         {Line::dv, "    On chip, compute dVj <- dVj + Pij^T dOi (dropout: (Pij o Zij / (1 - p))^T dOi).", on_chip()},
         {Line::dp, "    On chip, compute dPij = dOi Vj^T (dropout: then dPij <- dPij o Zij / (1 - p)).", on_chip()},
         {Line::di, "    On chip, compute Di = rowsum(dOi o Oi).", on_chip()},
         {Line::ds, "    On chip, compute dSij = Pij o (dPij - Di).", on_chip()},
         {Line::write_dq, "    Write dQi <- dQi + tau dSij Kj to HBM.", moves(Tensor::dQ) | on_chip()},
         {Line::dk, "    On chip, compute dKj <- dKj + tau dSij^T Qi.", on_chip()},
         {Line::end_for_i, "  end for"},
         {Line::write_dkv, "  Write dKj, dVj to HBM.", moves(Tensor::dK, Tensor::dV) | on_chip()},
         {Line::end_for_j, "end for"},
         {Line::return_grads, "Return dQ, dK, dV."}});
}

void append_fa1_backward(Trace& t, const GpuSpec& g) {
    const AttentionProblem& p = t.problem;
    const Schedule& s = t.schedule;
    const Shape k{p.N, p.Nk(), p.d, s.Br, s.Bc, s.Tr(p), s.Tc(p), p.es(), p.causal, dropout_p(p, s.algo) > 0};
    add_kernel(t, "fa1_bwd", 1, s.warps, backward_footprint(s, p, g),
               [k](Emitter& e, int64_t) { return fa1_backward_cta(e, k); });
}

}  // namespace flashsim
