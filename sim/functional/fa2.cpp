// fa2.cpp (functional): FlashAttention-2 forward executed for real, Algorithm 1 of the FA2 paper:
// one CTA per (head, query block i); Qi loaded once; Kj, Vj streamed through `stages` SRAM
// buffers (used in turn, j mod stages, as a prefetching kernel would; executed in order here);
// Oi, mi, li kept on chip and Oi rescaled once at the end; Oi and LSEi = mi + log(li) written
// once. Causal: key blocks whose first column is after the block's last row are skipped.
// FA3's forward moves the same tiles, so it runs this code too.
// Naive tiles (a teaching mistake): each Sij is normalised by its own row max and sum, there is
// no running max or sum, the tiles' outputs are simply added, and no LSE is written.
#include <cmath>

#include "sim/functional/kernels.h"

namespace flashsim {

void run_fa2(FunctionalContext& cx) {
    const AttentionProblem& p = cx.p;
    GlobalMemory& hbm = cx.hbm;
    const int64_t N = p.N, Nk = p.Nk(), d = p.d, Br = cx.s.Br, Bc = cx.s.Bc;
    const int64_t Tr = (N + Br - 1) / Br, Tc = (Nk + Bc - 1) / Bc, stages = std::max<int64_t>(1, cx.s.stages);
    const float tau = 1.0f / std::sqrt(float(d));
    const bool naive = cx.naive_tiles;

    OnChip chip(cx, std::string(to_string(cx.s.algo)) + "_fwd");  // FA3 runs this too
    const int q = chip.sram("Qi", Br, d);
    std::vector<int> k(static_cast<size_t>(stages)), v(static_cast<size_t>(stages));
    for (int64_t st = 0; st < stages; ++st) {
        k[size_t(st)] = chip.sram("Kj[" + std::to_string(st) + "]", Bc, d);
        v[size_t(st)] = chip.sram("Vj[" + std::to_string(st) + "]", Bc, d);
    }
    const int s = chip.acc("Sij", Br, Bc), o = chip.acc("Oi", Br, d);
    chip.commit();
    Tile Qi = chip[q], Sij = chip[s], Oi = chip[o];
    Vec li(Br), mi(Br), alpha(Br), Li(Br);  // registers
    hbm.begin_kernel(false);

    for (int64_t bh = 0; bh < p.heads(); ++bh)
        for (int64_t i = 0; i < Tr; ++i) {
            const int64_t r0 = i * Br, R = std::min(Br, N - r0);
            // Lines 4-5: load Qi; initialise Oi = 0, li = 0, mi = -inf on chip.
            hbm.load_hbm_to_sram(Tensor::Q, bh, r0, R, 0, d, Qi.data(), d);
            Oi.setZero();
            li.setZero();
            mi.setConstant(kMinusInf);
            for (int64_t j = 0; j < Tc; ++j) {
                const int64_t c0 = j * Bc, C = std::min(Bc, Nk - c0);
                if (p.causal && c0 > r0 + R - 1) continue;  // entirely above the diagonal
                // Line 7: load Kj, Vj from HBM into stage j mod stages.
                Tile Kj = chip[k[size_t(j % stages)]], Vj = chip[v[size_t(j % stages)]];
                hbm.load_hbm_to_sram(Tensor::K, bh, c0, C, 0, d, Kj.data(), d);
                hbm.load_hbm_to_sram(Tensor::V, bh, c0, C, 0, d, Vj.data(), d);
                // Line 8: Sij = Qi Kj^T (scaled by 1/sqrt(d), masked).
                auto S = Sij.topLeftCorner(R, C);
                S.noalias() = tau * (Qi.topRows(R) * Kj.topRows(C).transpose());
                hbm.counts.matmul_flops += uint64_t(2 * R * C * d);
                if (p.causal) apply_causal_mask(Sij, r0, R, c0, C);
                if (naive) {
                    // The mistake: softmax of the tile alone, added to Oi.
                    for (int64_t a = 0; a < R; ++a) {
                        const float mx = S.row(a).maxCoeff();
                        if (mx == kMinusInf) S.row(a).setZero();
                        else S.row(a) = (S.row(a).array() - mx).exp().matrix();
                        const float sum = S.row(a).sum();
                        if (sum > 0) S.row(a) /= sum;
                    }
                } else {
                    // Line 9: mi_new = max(mi, rowmax(Sij)), P~ij = exp(Sij - mi_new),
                    //         li = e^(mi - mi_new) li + rowsum(P~ij).
                    for (int64_t a = 0; a < R; ++a) {
                        const float m_new = std::max(mi(a), S.row(a).maxCoeff());
                        if (m_new == kMinusInf) S.row(a).setZero();
                        else S.row(a) = (S.row(a).array() - m_new).exp().matrix();
                        alpha(a) = exp_diff(mi(a), m_new);
                        li(a) = alpha(a) * li(a) + S.row(a).sum();
                        mi(a) = m_new;
                    }
                    // Line 10: Oi = diag(e^(mi - mi_new)) Oi + P~ij Vj.
                    Oi.topRows(R) = alpha.head(R).asDiagonal() * Oi.topRows(R);
                }
                Oi.topRows(R).noalias() += S * Vj.topRows(C);
                hbm.counts.matmul_flops += uint64_t(2 * R * d * C);
            }
            if (!naive) {
                // Lines 12-13: Oi = diag(li)^-1 Oi; Li = mi + log(li).
                for (int64_t a = 0; a < R; ++a) {
                    Oi.row(a) /= li(a);
                    Li(a) = mi(a) + std::log(li(a));
                }
            }
            // Lines 14-15: write Oi and Li to HBM.
            hbm.store_sram_to_hbm(Tensor::O, bh, r0, R, 0, d, Oi.data(), d);
            if (!naive) hbm.store_sram_to_hbm(Tensor::LSE, bh, r0, R, 0, 1, Li.data(), 1);
        }
}

}  // namespace flashsim
