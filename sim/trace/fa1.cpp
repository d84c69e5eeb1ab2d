// fa1.cpp: FlashAttention-1 forward, Algorithm 1 of the FA1 paper (arXiv 2205.14135), in its
// loop order: one CTA per (batch, head) as the paper's kernel; the outer loop over key blocks
// j loads Kj, Vj once; the inner loop over query blocks i reads Qi, Oi, li, mi from HBM and
// writes Oi, li, mi back every step. Paper-mode HBM per head (elements; l, m are fp32):
//   reads  2Nd + Tc (2Nd + 2N),   writes Tc (Nd + 2N).
// O, l, m are initialised in HBM by a memset (line 2), which is not a kernel and not counted.
// Causal: for key block j only query blocks whose rows reach column j*Bc run; blocks that are
// partly masked pay for the mask on chip.
// Dropout (p > 0, the FA1 paper's Algorithm 2): the mask Zij is drawn on chip where P~ij is formed
// and multiplies it before P~ij Vj; nothing is stored, so the HBM bytes do not change
// (sim/trace/dropout.h counts the work).
#include <algorithm>

#include "sim/algorithms/algorithm.h"
#include "sim/trace/dropout.h"
#include "sim/trace/emit.h"
#include "sim/trace/generators.h"

namespace flashsim {

namespace {

enum class Line : uint8_t {
    set_blocks = 1, init_hbm, divide_qkv, divide_olm, for_j, load_kv, for_i, load_qolm, compute_s,
    softmax, update_stats, write_o, write_lm, end_for_i, end_for_j, return_o
};

struct Shape {
    int64_t N, Nk, d, Br, Bc, Tr, Tc, es;
    bool causal, fma, dropout;
};

// The one CTA of a head: Algorithm 1, lines 5-15.
CtaProgram fa1_forward_cta(Emitter& e, Shape k) {
    const int64_t d = k.d;
    for (int64_t j = 0; j < k.Tc; ++j) {                                  // line 5: for 1 <= j <= Tc
        co_await e.room();
        const BlockRange c = block(j, k.Bc, k.Nk);
        const int64_t C = c.size;
        e.load_rows(Tensor::K, Line::load_kv, c.begin, C);               // line 6: load Kj, Vj
        e.load_rows(Tensor::V, Line::load_kv, c.begin, C);
        for (int64_t i = k.causal ? first_query_block(j, k.Br, k.Bc) : 0; i < k.Tr; ++i) {  // line 7
            co_await e.room();
            const BlockRange r = block(i, k.Br, k.N);
            const int64_t R = r.size;
            e.load_rows(Tensor::Q, Line::load_qolm, r.begin, R);         // line 8: load Qi, Oi, li, mi
            // the scalar kernel (v3) loads Oi, li, mi straight into registers
            const uint8_t to_regs = k.fma ? kOpRegisterLoad : 0;
            e.load_rows(Tensor::O, Line::load_qolm, r.begin, R, to_regs);
            e.load_rows(Tensor::l, Line::load_qolm, r.begin, R, to_regs);
            e.load_rows(Tensor::m, Line::load_qolm, r.begin, R, to_regs);
            e.barrier(Line::compute_s);
            if (k.fma) e.matmul_fma(Line::compute_s, R, C, d, 1, 8);     // line 9: Sij = Qi Kj^T
            else e.matmul(Line::compute_s, R, C, d, (R + C) * d * k.es); //   (fma: 1 x 8 per thread)
            const int64_t mask = k.causal && block_needs_mask(r.begin, c.begin, C) ? R * C : 0;
            e.vector(Line::compute_s, R * C + mask, 0);                  //   scale by 1/sqrt(d), mask
            e.vector(Line::softmax, 3 * R * C, R * C);                   // line 10: rowmax, exp, rowsum
            if (k.dropout)                                               //   P~ij o Zij / (1 - p), Zij drawn
                e.vector(Line::softmax, kDropoutForwardOpsPerElement * unmasked_elements(k.causal, r.begin, R, c.begin, C), 0);
            e.vector(Line::update_stats, 6 * R, 2 * R);                  // line 11: mi_new, li_new
            if (k.fma) e.matmul_fma(Line::write_o, R, d, C, 1, std::max<int64_t>(1, d / 4));  // 1 x d/4
            else e.matmul(Line::write_o, R, d, C, (R * C + C * d) * k.es);  // line 12: P~ij Vj
            e.vector(Line::write_o, 3 * R * d + 4 * R, 0);               //   rescale, add, divide
            e.barrier(Line::write_o);
            e.store_rows(Tensor::O, Line::write_o, r.begin, R, k.fma ? kOpQuarterSectors : 0);  // write Oi
            e.store_rows(Tensor::l, Line::write_lm, r.begin, R);         // line 13: write li, mi
            e.store_rows(Tensor::m, Line::write_lm, r.begin, R);
        }
        co_await e.room();
        e.barrier(Line::end_for_i);
    }
}

}  // namespace

Listing fa1_listing() {
    return make_listing<Line>(
        "FlashAttention-1 forward (FA1 paper, Algorithm 1)",
        {{Line::set_blocks, "Set block sizes Bc = ceil(M/4d), Br = min(ceil(M/4d), d)."},
         {Line::init_hbm, "Initialize O = (0), l = (0), m = (-inf) in HBM."},
         {Line::divide_qkv, "Divide Q into Tr = ceil(N/Br) blocks Q1..QTr; K, V into Tc = ceil(N/Bc) blocks."},
         {Line::divide_olm, "Divide O into Tr blocks Oi, l into Tr blocks li, m into Tr blocks mi."},
         {Line::for_j, "for 1 <= j <= Tc do"},
         {Line::load_kv, "  Load Kj, Vj from HBM to on-chip SRAM.", moves(Tensor::K, Tensor::V)},
         {Line::for_i, "  for 1 <= i <= Tr do"},
         {Line::load_qolm, "    Load Qi, Oi, li, mi from HBM to on-chip SRAM.", moves(Tensor::Q, Tensor::O, Tensor::l, Tensor::m)},
         {Line::compute_s, "    On chip, compute Sij = Qi Kj^T.", on_chip()},
         {Line::softmax,
          "    On chip, compute m~ij = rowmax(Sij), P~ij = exp(Sij - m~ij), l~ij = rowsum(P~ij) (dropout p > 0: "
          "P~ij <- P~ij o Zij / (1 - p), Zij drawn on chip from the RNG's seed and offset).",
          on_chip()},
         {Line::update_stats, "    On chip, compute mi_new = max(mi, m~ij), li_new = e^(mi-mi_new) li + e^(m~ij-mi_new) l~ij.",
          on_chip()},
         {Line::write_o, "    Write Oi <- diag(li_new)^-1 (diag(li) e^(mi-mi_new) Oi + e^(m~ij-mi_new) P~ij Vj) to HBM.",
          moves(Tensor::O) | on_chip()},
         {Line::write_lm, "    Write li <- li_new, mi <- mi_new to HBM.", moves(Tensor::l, Tensor::m)},
         {Line::end_for_i, "  end for"},
         {Line::end_for_j, "end for"},
         {Line::return_o, "Return O."}});
}

void append_fa1_forward(Trace& t, const GpuSpec& g) {
    const AttentionProblem& p = t.problem;
    const Schedule& s = t.schedule;
    const Shape k{p.N,      p.Nk(), p.d, s.Br, s.Bc, s.Tr(p), s.Tc(p), p.es(), p.causal, s.matmul_unit == MatmulUnit::fma,
                  dropout_p(p, s.algo) > 0};
    add_kernel(t, "fa1_fwd", 1, s.warps, forward_footprint(s, p, g),
               [k](Emitter& e, int64_t) { return fa1_forward_cta(e, k); });
    if (k.fma) t.kernels.back()->issue = scalar_tile_kernel_issue(p.es(), p.d, ScalarTileKernel::fa1_v3);
}

}  // namespace flashsim
