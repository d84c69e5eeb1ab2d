// fa1.cpp (functional): FlashAttention-1 forward executed for real, Algorithm 1 of the FA1 paper
// line by line: one CTA per head; outer loop over key blocks j (Kj, Vj loaded once); inner loop
// over query blocks i reading Qi, Oi, li, mi from HBM and writing Oi, li, mi back.
// O = 0, l = 0, m = -inf are set in the HBM arrays before the kernel (line 2's memset, which is
// no tile transfer and is not counted). Causal: a query block whose rows all precede the key
// block's first column is skipped (it would read and write its Oi, li, mi unchanged).
// Naive tiles (a teaching mistake): each Sij is normalised by its own row max and sum, there is
// no running max or sum (no li, mi traffic), and the tiles' outputs are simply added into Oi.
#include <cmath>

#include "sim/functional/kernels.h"

namespace flashsim {

void run_fa1(FunctionalContext& cx) {
    const AttentionProblem& p = cx.p;
    GlobalMemory& hbm = cx.hbm;
    const int64_t N = p.N, Nk = p.Nk(), d = p.d, Br = cx.s.Br, Bc = cx.s.Bc;
    const int64_t Tr = (N + Br - 1) / Br, Tc = (Nk + Bc - 1) / Bc;
    const float tau = 1.0f / std::sqrt(float(d));
    const bool naive = cx.naive_tiles;

    // Line 2: initialise O, l, m in HBM (not counted).
    hbm.array(Tensor::O, 0.0f);
    if (!naive) {
        hbm.array(Tensor::l, 0.0f);
        hbm.array(Tensor::m, kMinusInf);
    }
    // Every tile of Algorithm 1 is in SRAM (footprint: Sij + Qi + Kj + Vj + Oi).
    OnChip chip(cx, "fa1_fwd");
    const int s = chip.sram("Sij", Br, Bc), q = chip.sram("Qi", Br, d), k = chip.sram("Kj", Bc, d),
              v = chip.sram("Vj", Bc, d), o = chip.sram("Oi", Br, d);
    chip.commit();
    Tile Sij = chip[s], Qi = chip[q], Kj = chip[k], Vj = chip[v], Oi = chip[o];
    Vec li(Br), mi(Br), mt(Br), lt(Br), alpha(Br), beta(Br);  // registers
    hbm.begin_kernel(false);

    for (int64_t bh = 0; bh < p.heads(); ++bh) {
        for (int64_t j = 0; j < Tc; ++j) {
            const int64_t c0 = j * Bc, C = std::min(Bc, Nk - c0);
            // Line 6: load Kj, Vj from HBM to on-chip SRAM.
            hbm.load_hbm_to_sram(Tensor::K, bh, c0, C, 0, d, Kj.data(), d);
            hbm.load_hbm_to_sram(Tensor::V, bh, c0, C, 0, d, Vj.data(), d);
            for (int64_t i = 0; i < Tr; ++i) {
                const int64_t r0 = i * Br, R = std::min(Br, N - r0);
                if (p.causal && c0 > r0 + R - 1) continue;  // every key of block j after every query
                // Line 8: load Qi, Oi, li, mi from HBM to on-chip SRAM.
                hbm.load_hbm_to_sram(Tensor::Q, bh, r0, R, 0, d, Qi.data(), d);
                hbm.load_hbm_to_sram(Tensor::O, bh, r0, R, 0, d, Oi.data(), d);
                if (!naive) {
                    hbm.load_hbm_to_sram(Tensor::l, bh, r0, R, 0, 1, li.data(), 1);
                    hbm.load_hbm_to_sram(Tensor::m, bh, r0, R, 0, 1, mi.data(), 1);
                }
                // Line 9: Sij = Qi Kj^T (scaled by 1/sqrt(d), masked).
                auto S = Sij.topLeftCorner(R, C);
                S.noalias() = tau * (Qi.topRows(R) * Kj.topRows(C).transpose());
                hbm.counts.matmul_flops += uint64_t(2 * R * C * d);
                if (p.causal) apply_causal_mask(Sij, r0, R, c0, C);
                // Line 10: m~ij = rowmax(Sij), P~ij = exp(Sij - m~ij), l~ij = rowsum(P~ij).
                for (int64_t a = 0; a < R; ++a) {
                    mt(a) = S.row(a).maxCoeff();
                    if (mt(a) == kMinusInf) S.row(a).setZero();  // the whole row is masked
                    else S.row(a) = (S.row(a).array() - mt(a)).exp().matrix();
                    lt(a) = S.row(a).sum();
                }
                if (naive) {
                    // The mistake: normalise the tile alone and add it to Oi.
                    for (int64_t a = 0; a < R; ++a)
                        if (lt(a) > 0) S.row(a) /= lt(a);
                    Oi.topRows(R).noalias() += S * Vj.topRows(C);
                    hbm.counts.matmul_flops += uint64_t(2 * R * d * C);
                    hbm.store_sram_to_hbm(Tensor::O, bh, r0, R, 0, d, Oi.data(), d);
                    continue;
                }
                // Line 11: mi_new = max(mi, m~ij), li_new = e^(mi - mi_new) li + e^(m~ij - mi_new) l~ij.
                for (int64_t a = 0; a < R; ++a) {
                    const float m_new = std::max(mi(a), mt(a));
                    alpha(a) = exp_diff(mi(a), m_new);
                    beta(a) = exp_diff(mt(a), m_new);
                    const float l_new = alpha(a) * li(a) + beta(a) * lt(a);
                    // Line 12's diag(li_new)^-1, folded into the two scales.
                    const float inv = l_new > 0 ? 1.0f / l_new : 0.0f;
                    alpha(a) *= li(a) * inv;
                    beta(a) *= inv;
                    li(a) = l_new;
                    mi(a) = m_new;
                }
                // Line 12: Oi <- diag(li_new)^-1 (diag(li) e^(mi - mi_new) Oi + e^(m~ij - mi_new) P~ij Vj).
                Oi.topRows(R) = alpha.head(R).asDiagonal() * Oi.topRows(R);
                S = beta.head(R).asDiagonal() * S;
                Oi.topRows(R).noalias() += S * Vj.topRows(C);
                hbm.counts.matmul_flops += uint64_t(2 * R * d * C);
                hbm.store_sram_to_hbm(Tensor::O, bh, r0, R, 0, d, Oi.data(), d);
                // Line 13: write li <- li_new, mi <- mi_new to HBM.
                hbm.store_sram_to_hbm(Tensor::l, bh, r0, R, 0, 1, li.data(), 1);
                hbm.store_sram_to_hbm(Tensor::m, bh, r0, R, 0, 1, mi.data(), 1);
            }
        }
    }
}

}  // namespace flashsim
