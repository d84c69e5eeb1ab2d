// vanilla.cpp: standard attention, unfused, as the FA paper's Algorithm 0 and every framework
// before FlashAttention run it: three kernels, the N x N matrices S and P through HBM.
//
//   kernel 1  S = Q K^T / sqrt(d)   grid of Tr x Tc output tiles (Br x Bc), S written to HBM
//   kernel 2  P = softmax(S)        one CTA per row: S row read, P row written
//   kernel 3  O = P V               one CTA per Br query rows, looping over Bc-wide blocks of P
//
// GemmTiling::ideal marks the GEMMs' operand re-reads as served on chip (kOpReuse), so in paper
// mode HBM sees each operand once: reads 3Nd + 2N^2, writes 2N^2 + Nd elements per head.
// GemmTiling::tiled issues every re-read to global memory, as a real tiled GEMM does.
// Causal: S is computed in full and the softmax masks it (what an unfused framework does).
#include <algorithm>
#include <cmath>

#include "sim/gpu/gpu_spec.h"
#include "sim/trace/emit.h"
#include "sim/trace/generators.h"

namespace flashsim {

Listing vanilla_listing() {
    return {"Standard attention (FA paper, Algorithm 0)",
            {"Load Q, K by blocks from HBM, compute S = QK^T, write S to HBM.",
             "Read S from HBM, compute P = softmax(S), write P to HBM.",
             "Load P and V by blocks from HBM, compute O = PV, write O to HBM.",
             "Return O."}};
}

void append_vanilla_forward(Trace& t, const GpuSpec& g) {
    const AttentionProblem& p = t.problem;
    const Schedule& s = t.schedule;
    const int64_t N = p.N, Nk = p.Nk(), d = p.d, Br = s.Br, Bc = s.Bc, es = p.es();
    const int64_t Tr = s.Tr(p), Tc = s.Tc(p);
    const bool ideal = s.vanilla_gemm == GemmTiling::ideal;
    const bool fma = s.matmul_unit == MatmulUnit::fma;
    const TensorShapes shapes = t.shapes;
    const Footprint fp = footprint(s, p, g);
    (void)g;

    // Kernel 1: CTA (i, j) computes Sij = Qi Kj^T / sqrt(d).
    t.kernels.push_back(make_kernel("vanilla_qk", Tr * Tc, p.heads(), s.warps, fp, [=](int64_t bh, int64_t blk) {
        const int64_t i = blk / Tc, j = blk % Tc;
        return make_step_stream(shapes, uint32_t(bh), 1, [=](int64_t, Emitter& e) {
            const BlockRange r = block(i, Br, N), c = block(j, Bc, Nk);
            e.load_rows(Tensor::Q, 1, r.begin, r.size, ideal && j > 0 ? kOpReuse : 0);
            e.load_rows(Tensor::K, 1, c.begin, c.size, ideal && i > 0 ? kOpReuse : 0);
            e.barrier(1);
            if (fma) e.matmul_fma(1, r.size, c.size, d, 4, 4);  // 4 x 4 outputs per thread
            else e.matmul(1, r.size, c.size, d, (r.size + c.size) * d * es);
            e.vector(1, r.size * c.size, 0);  // scale by 1/sqrt(d)
            e.store(Tensor::S, 1, r.begin, r.size, c.begin, c.size);
        });
    }));

    // Kernel 2: one CTA per row n: P[n, :] = softmax(S[n, :]) (max, subtract, exp, sum, divide).
    t.kernels.push_back(make_kernel("vanilla_softmax", N, p.heads(), s.warps, fp, [=](int64_t bh, int64_t n) {
        return make_step_stream(shapes, uint32_t(bh), 1, [=](int64_t, Emitter& e) {
            e.load(Tensor::S, 2, n, 1, 0, Nk);
            // max, subtract, sum, divide: 4 FLOPs per element; causal adds the mask compare.
            const int64_t masked = p.causal ? Nk : 0;
            e.vector(2, 4 * Nk + masked + 1, Nk, 2 * Nk * es);
            e.store(Tensor::P, 2, n, 1, 0, Nk);
        });
    }));

    // Kernel 3: CTA i computes Oi = sum_j Pij Vj.
    t.kernels.push_back(make_kernel("vanilla_pv", Tr, p.heads(), s.warps, fp, [=](int64_t bh, int64_t i) {
        const BlockRange r = block(i, Br, N);
        return make_step_stream(shapes, uint32_t(bh), Tc + 1, [=](int64_t k, Emitter& e) {
            if (k == Tc) {
                e.store_rows(Tensor::O, 3, r.begin, r.size);
                return;
            }
            const BlockRange c = block(k, Bc, Nk);
            e.load(Tensor::P, 3, r.begin, r.size, c.begin, c.size);
            e.load_rows(Tensor::V, 3, c.begin, c.size, ideal && i > 0 ? kOpReuse : 0);
            e.barrier(3);
            if (fma) e.matmul_fma(3, r.size, d, c.size, 4, std::max<int64_t>(1, d / 16));  // 4 x d/16 per thread
            else e.matmul(3, r.size, d, c.size, (r.size + d) * c.size * es);
            e.barrier(3);
        });
    }));
}

}  // namespace flashsim
