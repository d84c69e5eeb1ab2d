// fa1.cpp: FlashAttention-1 forward, Algorithm 1 of the FA1 paper (arXiv 2205.14135), in its
// loop order: one CTA per (batch, head) as the paper's kernel; the outer loop over key blocks
// j loads Kj, Vj once; the inner loop over query blocks i reads Qi, Oi, li, mi from HBM and
// writes Oi, li, mi back every step. Paper-mode HBM per head (elements; l, m are fp32):
//   reads  2Nd + Tc (2Nd + 2N),   writes Tc (Nd + 2N).
// O, l, m are initialised in HBM by a memset (line 2), which is not a kernel and not counted.
// Causal: for key block j only query blocks whose rows reach column j*Bc run; blocks that are
// partly masked pay for the mask on chip.
#include <algorithm>

#include "sim/gpu/gpu_spec.h"
#include "sim/trace/emit.h"
#include "sim/trace/generators.h"

namespace flashsim {

Listing fa1_listing() {
    return {"FlashAttention-1 forward (FA1 paper, Algorithm 1)",
            {"Set block sizes Bc = ceil(M/4d), Br = min(ceil(M/4d), d).",
             "Initialize O = (0), l = (0), m = (-inf) in HBM.",
             "Divide Q into Tr = ceil(N/Br) blocks Q1..QTr; K, V into Tc = ceil(N/Bc) blocks.",
             "Divide O into Tr blocks Oi, l into Tr blocks li, m into Tr blocks mi.",
             "for 1 <= j <= Tc do",
             "  Load Kj, Vj from HBM to on-chip SRAM.",
             "  for 1 <= i <= Tr do",
             "    Load Qi, Oi, li, mi from HBM to on-chip SRAM.",
             "    On chip, compute Sij = Qi Kj^T.",
             "    On chip, compute m~ij = rowmax(Sij), P~ij = exp(Sij - m~ij), l~ij = rowsum(P~ij).",
             "    On chip, compute mi_new = max(mi, m~ij), li_new = e^(mi-mi_new) li + e^(m~ij-mi_new) l~ij.",
             "    Write Oi <- diag(li_new)^-1 (diag(li) e^(mi-mi_new) Oi + e^(m~ij-mi_new) P~ij Vj) to HBM.",
             "    Write li <- li_new, mi <- mi_new to HBM.",
             "  end for",
             "end for",
             "Return O."}};
}

void append_fa1_forward(Trace& t, const GpuSpec& g) {
    const AttentionProblem& p = t.problem;
    const Schedule& s = t.schedule;
    const int64_t N = p.N, Nk = p.Nk(), d = p.d, Br = s.Br, Bc = s.Bc, es = p.es();
    const int64_t Tr = s.Tr(p), Tc = s.Tc(p);
    const bool causal = p.causal;
    const bool fma = s.matmul_unit == MatmulUnit::fma;
    const TensorShapes shapes = t.shapes;

    t.kernels.push_back(make_kernel("fa1_fwd", 1, p.heads(), s.warps, footprint(s, p, g), [=](int64_t bh, int64_t) {
        auto range = [=](int64_t j) { return std::pair<int64_t, int64_t>(causal ? first_query_block(j, Br, Bc) : 0, Tr); };
        auto pro = [=](int64_t j, Emitter& e) {
            const BlockRange c = block(j, Bc, Nk);
            e.load_rows(Tensor::K, 6, c.begin, c.size);
            e.load_rows(Tensor::V, 6, c.begin, c.size);
        };
        auto body = [=](int64_t j, int64_t i, Emitter& e) {
            const BlockRange r = block(i, Br, N), c = block(j, Bc, Nk);
            const int64_t R = r.size, C = c.size;
            e.load_rows(Tensor::Q, 8, r.begin, R);
            e.load_rows(Tensor::O, 8, r.begin, R);
            e.load_rows(Tensor::l, 8, r.begin, R);
            e.load_rows(Tensor::m, 8, r.begin, R);
            e.barrier(8);
            if (fma) e.matmul_fma(9, R, C, d, 1, 8);  // 1 x 8 per thread (4 threads per row)
            else e.matmul(9, R, C, d, (R + C) * d * es);
            const int64_t mask = causal && block_needs_mask(r.begin, c.begin, C) ? R * C : 0;
            e.vector(9, R * C + mask, 0);              // scale by 1/sqrt(d) (and mask)
            e.vector(10, 3 * R * C, R * C);            // rowmax, subtract, exp, rowsum
            e.vector(11, 6 * R, 2 * R);                // m_new, l_new
            if (fma) e.matmul_fma(12, R, d, C, 1, std::max<int64_t>(1, d / 4));  // 1 x d/4 per thread
            else e.matmul(12, R, d, C, (R * C + C * d) * es);  // P~ij Vj
            e.vector(12, 3 * R * d + 4 * R, 0);        // rescale old Oi and P~V, add, divide
            e.barrier(12);
            e.store_rows(Tensor::O, 12, r.begin, R, fma ? kOpQuarterSectors : 0);
            e.store_rows(Tensor::l, 13, r.begin, R);
            e.store_rows(Tensor::m, 13, r.begin, R);
        };
        auto epi = [](int64_t, Emitter& e) { e.barrier(14); };
        return make_nested_stream(shapes, uint32_t(bh), Tc, range, pro, body, epi);
    }));
}

}  // namespace flashsim
