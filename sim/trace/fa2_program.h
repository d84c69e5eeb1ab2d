// fa2_program.h: the CTA program of FlashAttention-2's forward dataflow (fa2.cpp), shared by FA3
// (fa3.cpp), which moves the same tiles; each algorithm passes the names of its own listing's
// lines, so an op highlights the line of the listing the viewer shows.
#pragma once
#include <algorithm>

#include "sim/trace/dropout.h"
#include "sim/trace/emit.h"

namespace flashsim {

struct Fa2Shape {
    int64_t N, Nk, d, Br, Bc, Tc, es;
    bool causal, fma, dropout;  // dropout: p > 0, the mask drawn on chip (sim/trace/dropout.h)
};

// The listing line each step of the forward names: a type with the static members
//   load_q, init, load_kv, compute_s, softmax, pv, normalise, lse, write_o, write_lse
// (line names of the algorithm's own listing; compile-time, so naming a line costs nothing).
//
// One CTA: query block i of a head, FA2 paper Algorithm 1, lines 4-15.
template <class L>
CtaProgram fa2_forward_cta(Emitter& e, Fa2Shape k, int64_t i) {
    const int64_t d = k.d;
    const BlockRange r = block(i, k.Br, k.N);
    const int64_t R = r.size;
    e.load_rows(Tensor::Q, L::load_q, r.begin, R);                   // line 4: load Qi
    e.vector(L::init, 0, 0);                                         // line 5: Oi = 0, li = 0, mi = -inf
    const int64_t Tc = k.causal ? causal_key_block_end(r.begin, R, k.Bc, k.Tc) : k.Tc;
    for (int64_t j = 0; j < Tc; ++j) {                              // line 6: for 1 <= j <= Tc
        co_await e.room();
        const BlockRange c = block(j, k.Bc, k.Nk);
        const int64_t C = c.size;
        e.load_rows(Tensor::K, L::load_kv, c.begin, C);              // line 7: load Kj, Vj
        e.load_rows(Tensor::V, L::load_kv, c.begin, C);
        e.barrier(L::compute_s);
        if (k.fma) e.matmul_fma(L::compute_s, R, C, d, 1, 8);        // line 8: Sij = Qi Kj^T
        else e.matmul(L::compute_s, R, C, d, (R + C) * d * k.es);    //   (fma: 1 x 8 per thread)
        const int64_t mask = k.causal && block_needs_mask(r.begin, c.begin, C) ? R * C : 0;
        e.vector(L::softmax, 4 * R * C + 4 * R + mask, R * C + R);   // line 9: scale, max, exp, sum; li
        if (k.dropout)                                               //   P~ij o Zij / (1 - p) before P~ij Vj
            e.vector(L::softmax, kDropoutForwardOpsPerElement * unmasked_elements(k.causal, r.begin, R, c.begin, C), 0);
        if (k.fma) e.matmul_fma(L::pv, R, d, C, 1, std::max<int64_t>(1, d / 4));  // 1 x d/4 per thread
        else e.matmul(L::pv, R, d, C, (R * C + C * d) * k.es);       // line 10: Oi += P~ij Vj
        e.vector(L::pv, R * d, 0);                                   //   rescale Oi by e^(mi - mi_new)
        e.barrier(L::pv);
    }
    co_await e.room();
    e.vector(L::normalise, R * d, 0);                                // line 12: Oi = diag(li)^-1 Oi
    e.vector(L::lse, R, R);                                          // line 13: Li = mi + log(li)
    e.store_rows(Tensor::O, L::write_o, r.begin, R, k.fma ? kOpQuarterSectors : 0);  // line 14: write Oi
    e.store_rows(Tensor::LSE, L::write_lse, r.begin, R);             // line 15: write Li
}

Fa2Shape fa2_shape(const AttentionProblem& p, const Schedule& s);

// Adds the forward kernel: one CTA per query block (Tr per head).
template <class Lines>
void append_fa2_forward_program(Trace& t, const GpuSpec& g, const char* kernel_name) {
    const AttentionProblem& p = t.problem;
    const Schedule& s = t.schedule;
    const Fa2Shape k = fa2_shape(p, s);
    // Causal blocks heaviest first: CTA c of a head runs query block Tr - 1 - c (Schedule::block_order).
    const int64_t last = p.causal && s.block_order == BlockOrder::heaviest_first ? s.Tr(p) - 1 : -1;
    add_kernel(t, kernel_name, s.Tr(p), s.warps, forward_footprint(s, p, g),
               [k, last](Emitter& e, int64_t i) { return fa2_forward_cta<Lines>(e, k, last >= 0 ? last - i : i); });
    if (s.matmul_unit == MatmulUnit::fma) t.kernels.back()->issue = scalar_tile_kernel_issue(p.es(), p.d, ScalarTileKernel::fa2_v4);
    else t.kernels.back()->issue = tensor_fa_kernel_issue(t.engine.mma == MmaIssue::warp_mma, s.Bc, p.d);
}

}  // namespace flashsim
