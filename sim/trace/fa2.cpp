// fa2.cpp: FlashAttention-2 forward, Algorithm 1 of the FA2 paper (arXiv 2307.08691): one CTA
// per (query block i, head, batch); Qi loaded once, Kj and Vj streamed, Oi accumulated on chip
// and rescaled once at the end (delayed scaling), Oi and LSEi = mi + log(li) written once.
// Paper-mode HBM per head (elements): reads Nd + Tr * 2Nd, writes Nd (+ N fp32 for LSE).
// Causal: key blocks entirely above the diagonal are skipped; only diagonal blocks are masked.
// FA3 moves the same tiles (fa3.cpp): the CTA program is shared, each listing names its lines.
#include "sim/trace/fa2_program.h"

#include <algorithm>

#include "sim/trace/generators.h"

namespace flashsim {

// One CTA: query block i of a head, FA2 paper Algorithm 1, lines 4-15.
CtaProgram fa2_forward_cta(Emitter& e, Fa2Shape k, Fa2Lines L, int64_t i) {
    const int64_t d = k.d;
    const BlockRange r = block(i, k.Br, k.N);
    const int64_t R = r.size;
    e.load_rows(Tensor::Q, L.load_q, r.begin, R);                   // line 4: load Qi
    e.vector(L.init, 0, 0);                                         // line 5: Oi = 0, li = 0, mi = -inf
    const int64_t Tc = k.causal ? causal_key_block_end(r.begin, R, k.Bc, k.Tc) : k.Tc;
    for (int64_t j = 0; j < Tc; ++j) {                              // line 6: for 1 <= j <= Tc
        co_await e.room();
        const BlockRange c = block(j, k.Bc, k.Nk);
        const int64_t C = c.size;
        e.load_rows(Tensor::K, L.load_kv, c.begin, C);              // line 7: load Kj, Vj
        e.load_rows(Tensor::V, L.load_kv, c.begin, C);
        e.barrier(L.compute_s);
        if (k.fma) e.matmul_fma(L.compute_s, R, C, d, 1, 8);        // line 8: Sij = Qi Kj^T
        else e.matmul(L.compute_s, R, C, d, (R + C) * d * k.es);    //   (fma: 1 x 8 per thread)
        const int64_t mask = k.causal && block_needs_mask(r.begin, c.begin, C) ? R * C : 0;
        e.vector(L.softmax, 4 * R * C + 4 * R + mask, R * C + R);   // line 9: scale, max, exp, sum; li
        if (k.fma) e.matmul_fma(L.pv, R, d, C, 1, std::max<int64_t>(1, d / 4));  // 1 x d/4 per thread
        else e.matmul(L.pv, R, d, C, (R * C + C * d) * k.es);       // line 10: Oi += P~ij Vj
        e.vector(L.pv, R * d, 0);                                   //   rescale Oi by e^(mi - mi_new)
        e.barrier(L.pv);
    }
    co_await e.room();
    e.vector(L.normalise, R * d, 0);                                // line 12: Oi = diag(li)^-1 Oi
    e.vector(L.lse, R, R);                                          // line 13: Li = mi + log(li)
    e.store_rows(Tensor::O, L.write_o, r.begin, R, k.fma ? kOpQuarterSectors : 0);  // line 14: write Oi
    e.store_rows(Tensor::LSE, L.write_lse, r.begin, R);             // line 15: write Li
}

void append_fa2_forward_program(Trace& t, const GpuSpec& g, const char* kernel_name, Fa2Lines lines) {
    const AttentionProblem& p = t.problem;
    const Schedule& s = t.schedule;
    const Fa2Shape k{p.N, p.Nk(), p.d, s.Br, s.Bc, s.Tc(p), p.es(), p.causal, s.matmul_unit == MatmulUnit::fma};
    add_kernel(t, kernel_name, s.Tr(p), s.warps, forward_footprint(s, p, g),
               [k, lines](Emitter& e, int64_t i) { return fa2_forward_cta(e, k, lines, i); });
}

namespace {

enum class Line : uint8_t {
    divide_qkv = 1, divide_ol, for_i, load_q, init, for_j, load_kv, compute_s, softmax, pv, end_for_j,
    normalise, lse, write_o, write_lse, end_for_i, return_o
};

}  // namespace

Listing fa2_listing() {
    return make_listing<Line>(
        "FlashAttention-2 forward (FA2 paper, Algorithm 1)",
        {{Line::divide_qkv, "Divide Q into Tr = ceil(N/Br) blocks; K, V into Tc = ceil(N/Bc) blocks."},
         {Line::divide_ol, "Divide O into Tr blocks Oi; the logsumexp L into Tr blocks Li."},
         {Line::for_i, "for 1 <= i <= Tr do  (in parallel: one CTA per query block, head and batch)"},
         {Line::load_q, "  Load Qi from HBM to on-chip SRAM.", moves(Tensor::Q)},
         {Line::init, "  On chip, initialize Oi = (0), li = (0), mi = (-inf).", on_chip()},
         {Line::for_j, "  for 1 <= j <= Tc do"},
         {Line::load_kv, "    Load Kj, Vj from HBM to on-chip SRAM.", moves(Tensor::K, Tensor::V)},
         {Line::compute_s, "    On chip, compute Sij = Qi Kj^T.", on_chip()},
         {Line::softmax,
          "    On chip, compute mi_new = max(mi, rowmax(Sij)), P~ij = exp(Sij - mi_new), li = e^(mi-mi_new) li + rowsum(P~ij).",
          on_chip()},
         {Line::pv, "    On chip, compute Oi = diag(e^(mi-mi_new)) Oi + P~ij Vj.", on_chip()},
         {Line::end_for_j, "  end for"},
         {Line::normalise, "  On chip, compute Oi = diag(li)^-1 Oi.", on_chip()},
         {Line::lse, "  On chip, compute Li = mi + log(li).", on_chip()},
         {Line::write_o, "  Write Oi to HBM as the i-th block of O.", moves(Tensor::O)},
         {Line::write_lse, "  Write Li to HBM as the i-th block of L.", moves(Tensor::LSE)},
         {Line::end_for_i, "end for"},
         {Line::return_o, "Return O and the logsumexp L."}});
}

void append_fa2_forward(Trace& t, const GpuSpec& g) {
    append_fa2_forward_program(t, g, "fa2_fwd",
                               {Line::load_q, Line::init, Line::load_kv, Line::compute_s, Line::softmax, Line::pv,
                                Line::normalise, Line::lse, Line::write_o, Line::write_lse});
}

}  // namespace flashsim
