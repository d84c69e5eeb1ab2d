// fa2.cpp: FlashAttention-2 forward, Algorithm 1 of the FA2 paper (arXiv 2307.08691): one CTA
// per (query block i, head, batch); Qi loaded once, Kj and Vj streamed, Oi accumulated on chip
// and rescaled once at the end (delayed scaling), Oi and LSEi = mi + log(li) written once.
// Paper-mode HBM per head (elements): reads Nd + Tr * 2Nd, writes Nd (+ N fp32 for LSE).
// Causal: key blocks entirely above the diagonal are skipped; only diagonal blocks are masked.
#include <algorithm>

#include "sim/gpu/gpu_spec.h"
#include "sim/trace/emit.h"
#include "sim/trace/generators.h"

namespace flashsim {

Listing fa2_listing() {
    return {"FlashAttention-2 forward (FA2 paper, Algorithm 1)",
            {"Divide Q into Tr = ceil(N/Br) blocks; K, V into Tc = ceil(N/Bc) blocks.",
             "Divide O into Tr blocks Oi; the logsumexp L into Tr blocks Li.",
             "for 1 <= i <= Tr do  (in parallel: one CTA per query block, head and batch)",
             "  Load Qi from HBM to on-chip SRAM.",
             "  On chip, initialize Oi = (0), li = (0), mi = (-inf).",
             "  for 1 <= j <= Tc do",
             "    Load Kj, Vj from HBM to on-chip SRAM.",
             "    On chip, compute Sij = Qi Kj^T.",
             "    On chip, compute mi_new = max(mi, rowmax(Sij)), P~ij = exp(Sij - mi_new), li = e^(mi-mi_new) li + rowsum(P~ij).",
             "    On chip, compute Oi = diag(e^(mi-mi_new)) Oi + P~ij Vj.",
             "  end for",
             "  On chip, compute Oi = diag(li)^-1 Oi.",
             "  On chip, compute Li = mi + log(li).",
             "  Write Oi to HBM as the i-th block of O.",
             "  Write Li to HBM as the i-th block of L.",
             "end for",
             "Return O and the logsumexp L."}};
}

void append_fa2_forward(Trace& t, const GpuSpec& g) {
    const AttentionProblem& p = t.problem;
    const Schedule& s = t.schedule;
    const int64_t N = p.N, Nk = p.Nk(), d = p.d, Br = s.Br, Bc = s.Bc, es = p.es();
    const int64_t Tr = s.Tr(p), Tc = s.Tc(p);
    const bool causal = p.causal;
    const bool fma = s.matmul_unit == MatmulUnit::fma;
    const TensorShapes shapes = t.shapes;
    const char* name = s.algo == Algorithm::fa3 ? "fa3_fwd" : "fa2_fwd";

    t.kernels.push_back(make_kernel(name, Tr, p.heads(), s.warps, footprint(s, p, g), [=](int64_t bh, int64_t i) {
        const BlockRange r = block(i, Br, N);
        const int64_t R = r.size;
        auto range = [=](int64_t) {
            return std::pair<int64_t, int64_t>(0, causal ? causal_key_block_end(r.begin, R, Bc, Tc) : Tc);
        };
        auto pro = [=](int64_t, Emitter& e) {
            e.load_rows(Tensor::Q, 4, r.begin, R);
            e.vector(5, 0, 0);  // initialise accumulators (registers)
        };
        auto body = [=](int64_t, int64_t j, Emitter& e) {
            const BlockRange c = block(j, Bc, Nk);
            const int64_t C = c.size;
            e.load_rows(Tensor::K, 7, c.begin, C);
            e.load_rows(Tensor::V, 7, c.begin, C);
            e.barrier(7);
            if (fma) e.matmul_fma(8, R, C, d, 1, 8);  // 1 x 8 per thread (4 threads per row)
            else e.matmul(8, R, C, d, (R + C) * d * es);
            const int64_t mask = causal && block_needs_mask(r.begin, c.begin, C) ? R * C : 0;
            e.vector(9, 4 * R * C + 4 * R + mask, R * C + R);  // scale, max, subtract, exp, sum; rescale li
            if (fma) e.matmul_fma(10, R, d, C, 1, std::max<int64_t>(1, d / 4));  // 1 x d/4 per thread
            else e.matmul(10, R, d, C, (R * C + C * d) * es);  // P~ij Vj
            e.vector(10, R * d, 0);                            // rescale Oi by e^(mi - mi_new)
            e.barrier(10);
        };
        auto epi = [=](int64_t, Emitter& e) {
            e.vector(12, R * d, 0);   // divide by li
            e.vector(13, R, R);       // log(li) + mi
            e.store_rows(Tensor::O, 14, r.begin, R, fma ? kOpQuarterSectors : 0);
            e.store_rows(Tensor::LSE, 15, r.begin, R);
        };
        return make_nested_stream(shapes, uint32_t(bh), 1, range, pro, body, epi);
    }));
}

}  // namespace flashsim
