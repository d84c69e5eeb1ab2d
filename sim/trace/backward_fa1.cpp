// backward_fa1.cpp: FlashAttention-1 backward, Algorithm 4 of the FA1 paper (arXiv 2205.14135,
// appendix B), without dropout, in its loop order: one CTA per (batch, head) as the forward; the
// outer loop over key blocks j loads Kj, Vj once and keeps dKj, dVj on chip; the inner loop over
// query blocks i reads Qi, Oi, dOi, dQi, li, mi from HBM, recomputes Sij and Pij from l and m,
// and writes dQi back every step. dKj, dVj are written once. tau = 1/sqrt(d).
// Paper-mode HBM per head (elements; l, m fp32), with rows = the query rows the inner loops run
// (Tc N without a mask):
//   reads  2 N_kv d + rows (4d + 2 fp32),   writes 2 N_kv d + rows d.
// dQ, dK, dV are zeroed in HBM by a memset (line 3), which is not a kernel and not counted, as
// the forward's line 2. Causal: for key block j only query blocks whose rows reach column j*Bc
// run, the diagonal ones pay for the mask on chip.
#include "sim/gpu/gpu_spec.h"
#include "sim/trace/backward.h"
#include "sim/trace/emit.h"
#include "sim/trace/generators.h"

namespace flashsim {

Listing fa1_backward_listing() {
    return {"FlashAttention-1 backward (FA1 paper, Algorithm 4, without dropout)",
            {"Set block sizes Bc = ceil(M/4d), Br = min(ceil(M/4d), d).",
             "Divide Q, O, dO into Tr blocks Qi, Oi, dOi; K, V into Tc blocks Kj, Vj; l, m into Tr blocks li, mi.",
             "Initialize dQ = (0), dK = (0), dV = (0) in HBM, divided into blocks as Q, K, V.",
             "for 1 <= j <= Tc do",
             "  Load Kj, Vj from HBM to on-chip SRAM.",
             "  Initialize dKj = (0), dVj = (0) on SRAM.",
             "  for 1 <= i <= Tr do",
             "    Load Qi, Oi, dOi, dQi, li, mi from HBM to on-chip SRAM.",
             "    On chip, compute Sij = tau Qi Kj^T (recomputed; masked if causal).",
             "    On chip, compute Pij = diag(li)^-1 exp(Sij - mi) (recomputed).",
             "    On chip, compute dVj <- dVj + Pij^T dOi.",
             "    On chip, compute dPij = dOi Vj^T.",
             "    On chip, compute Di = rowsum(dOi o Oi).",
             "    On chip, compute dSij = Pij o (dPij - Di).",
             "    Write dQi <- dQi + tau dSij Kj to HBM.",
             "    On chip, compute dKj <- dKj + tau dSij^T Qi.",
             "  end for",
             "  Write dKj, dVj to HBM.",
             "end for",
             "Return dQ, dK, dV."}};
}

void append_fa1_backward(Trace& t, const GpuSpec& g) {
    const AttentionProblem& p = t.problem;
    const Schedule& s = t.schedule;
    const int64_t N = p.N, Nk = p.Nk(), d = p.d, Br = s.Br, Bc = s.Bc, es = p.es();
    const int64_t Tr = s.Tr(p), Tc = s.Tc(p);
    const bool causal = p.causal;
    const TensorShapes shapes = t.shapes;

    t.kernels.push_back(make_kernel("fa1_bwd", 1, p.heads(), s.warps, backward_footprint(s, p, g), [=](int64_t bh, int64_t) {
        auto range = [=](int64_t j) { return std::pair<int64_t, int64_t>(causal ? first_query_block(j, Br, Bc) : 0, Tr); };
        auto pro = [=](int64_t j, Emitter& e) {
            const BlockRange c = block(j, Bc, Nk);
            e.load_rows(Tensor::K, 5, c.begin, c.size);
            e.load_rows(Tensor::V, 5, c.begin, c.size);
            e.vector(6, 0, 0);  // zero dKj, dVj
        };
        auto body = [=](int64_t j, int64_t i, Emitter& e) {
            const BlockRange r = block(i, Br, N), c = block(j, Bc, Nk);
            const int64_t R = r.size, C = c.size;
            e.load_rows(Tensor::Q, 8, r.begin, R);
            e.load_rows(Tensor::O, 8, r.begin, R);
            e.load_rows(Tensor::dO, 8, r.begin, R);
            e.load_rows(Tensor::dQ, 8, r.begin, R);
            e.load_rows(Tensor::l, 8, r.begin, R);
            e.load_rows(Tensor::m, 8, r.begin, R);
            e.barrier(8);
            e.matmul(9, R, C, d, (R + C) * d * es, kOpRecompute);
            const int64_t mask = causal && block_needs_mask(r.begin, c.begin, C) ? R * C : 0;
            e.vector(9, R * C + mask, 0, 0, kOpRecompute);              // scale by tau (and mask)
            e.vector(10, 3 * R * C, R * C, 0, kOpRecompute);            // subtract mi, exp, divide by li
            e.matmul(11, C, d, R, (R * C + R * d) * es);                // dVj += Pij^T dOi
            e.matmul(12, R, C, d, (R + C) * d * es);                    // dPij = dOi Vj^T
            e.vector(13, 2 * R * d, 0, 2 * R * d * es);                 // Di = rowsum(dOi o Oi)
            e.vector(14, 2 * R * C, 0);                                 // dSij = Pij o (dPij - Di)
            e.matmul(15, R, d, C, (R * C + C * d) * es);                // dSij Kj
            e.vector(15, 2 * R * d, 0);                                 // dQi + tau (dSij Kj)
            e.barrier(15);
            e.store_rows(Tensor::dQ, 15, r.begin, R);
            e.matmul(16, C, d, R, (R * C + R * d) * es);                // dKj += dSij^T Qi
            e.barrier(16);
        };
        auto epi = [=](int64_t j, Emitter& e) {
            const BlockRange c = block(j, Bc, Nk);
            e.vector(18, c.size * d, 0);  // dKj scaled by tau
            e.store_rows(Tensor::dK, 18, c.begin, c.size);
            e.store_rows(Tensor::dV, 18, c.begin, c.size);
        };
        return make_nested_stream(shapes, uint32_t(bh), Tc, range, pro, body, epi);
    }));
}

}  // namespace flashsim
