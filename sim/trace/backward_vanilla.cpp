// backward_vanilla.cpp: standard attention's backward, unfused, as the FA1 paper's Algorithm 3
// and every framework before FlashAttention run it: five kernels, the N x N matrices dP and dS
// through HBM, P read back from where the forward stored it (tau = 1/sqrt(d)).
//
//   kernel 1  dV = P^T dO                 one CTA per Bc rows of dV, looping over Br-row blocks
//   kernel 2  dP = dO V^T                 grid of Tr x Tc output tiles, dP written to HBM
//   kernel 3  dS = P o (dP - D)           one CTA per row n, D_n = rowsum(dO_n o O_n)
//   kernel 4  dQ = tau dS K               one CTA per Br rows of dQ, looping over Bc columns of dS
//   kernel 5  dK = tau dS^T Q             one CTA per Bc rows of dK, looping over Br rows of dS
//
// Algorithm 3 writes D_n as sum_l P_nl dP_nl; rowsum(dO o O) is the same number (O = PV) and is
// what the fused kernels use, so kernel 3 reads dO and O rows (2Nd) instead of nothing more.
// GemmTiling::ideal marks the GEMMs' operand re-reads as served on chip (kOpReuse), as the
// forward does; paper-mode HBM per head (elements) then is
//   reads 5 N N_kv + 5 N d + 2 N_kv d,   writes 2 N N_kv + 2 N_kv d + N d.
// GemmTiling::tiled issues every re-read. Causal: every GEMM runs in full (P is zero above the
// diagonal), as the forward computes S in full; no block is skipped.
#include "sim/gpu/gpu_spec.h"
#include "sim/trace/backward.h"
#include "sim/trace/emit.h"

namespace flashsim {

Listing vanilla_backward_listing() {
    return {"Standard attention backward (FA1 paper, Algorithm 3)",
            {"Load P, dO by blocks from HBM, compute dV = P^T dO, write dV to HBM.",
             "Load dO, V by blocks from HBM, compute dP = dO V^T, write dP to HBM.",
             "Read P, dP, dO, O from HBM, compute dS = P o (dP - rowsum(dO o O)), write dS to HBM.",
             "Load dS, K by blocks from HBM, compute dQ = tau dS K, write dQ to HBM.",
             "Load dS, Q by blocks from HBM, compute dK = tau dS^T Q, write dK to HBM.",
             "Return dQ, dK, dV."}};
}

void append_vanilla_backward(Trace& t, const GpuSpec& g) {
    const AttentionProblem& p = t.problem;
    const Schedule& s = t.schedule;
    const int64_t N = p.N, Nk = p.Nk(), d = p.d, Br = s.Br, Bc = s.Bc, es = p.es();
    const int64_t Tr = s.Tr(p), Tc = s.Tc(p);
    const bool ideal = s.vanilla_gemm == GemmTiling::ideal;
    const TensorShapes shapes = t.shapes;
    const Footprint fp = backward_footprint(s, p, g);
    const int64_t H = p.heads();

    // Kernel 1: CTA j computes dVj = sum_i Pij^T dOi.
    t.kernels.push_back(make_kernel("vanilla_bwd_dv", Tc, H, s.warps, fp, [=](int64_t bh, int64_t j) {
        const BlockRange c = block(j, Bc, Nk);
        return make_step_stream(shapes, uint32_t(bh), Tr + 1, [=](int64_t i, Emitter& e) {
            if (i == Tr) {
                e.store_rows(Tensor::dV, 1, c.begin, c.size);
                return;
            }
            const BlockRange r = block(i, Br, N);
            e.load(Tensor::P, 1, r.begin, r.size, c.begin, c.size);
            e.load_rows(Tensor::dO, 1, r.begin, r.size, ideal && j > 0 ? kOpReuse : 0);
            e.barrier(1);
            e.matmul(1, c.size, d, r.size, (r.size * c.size + r.size * d) * es);
            e.barrier(1);
        });
    }));

    // Kernel 2: CTA (i, j) computes dPij = dOi Vj^T.
    t.kernels.push_back(make_kernel("vanilla_bwd_dp", Tr * Tc, H, s.warps, fp, [=](int64_t bh, int64_t blk) {
        const int64_t i = blk / Tc, j = blk % Tc;
        return make_step_stream(shapes, uint32_t(bh), 1, [=](int64_t, Emitter& e) {
            const BlockRange r = block(i, Br, N), c = block(j, Bc, Nk);
            e.load_rows(Tensor::dO, 2, r.begin, r.size, ideal && j > 0 ? kOpReuse : 0);
            e.load_rows(Tensor::V, 2, c.begin, c.size, ideal && i > 0 ? kOpReuse : 0);
            e.barrier(2);
            e.matmul(2, r.size, c.size, d, (r.size + c.size) * d * es);
            e.store(Tensor::dP, 2, r.begin, r.size, c.begin, c.size);
        });
    }));

    // Kernel 3: one CTA per row n: D_n = dO_n . O_n, dS_n = P_n o (dP_n - D_n).
    t.kernels.push_back(make_kernel("vanilla_bwd_softmax", N, H, s.warps, fp, [=](int64_t bh, int64_t n) {
        return make_step_stream(shapes, uint32_t(bh), 1, [=](int64_t, Emitter& e) {
            e.load(Tensor::P, 3, n, 1, 0, Nk);
            e.load(Tensor::dP, 3, n, 1, 0, Nk);
            e.load_rows(Tensor::dO, 3, n, 1);
            e.load_rows(Tensor::O, 3, n, 1);
            e.vector(3, 2 * d + 2 * Nk, 0, (2 * d + 2 * Nk) * es);  // dot product; subtract, multiply
            e.store(Tensor::dS, 3, n, 1, 0, Nk);
        });
    }));

    // Kernel 4: CTA i computes dQi = tau sum_j dSij Kj.
    t.kernels.push_back(make_kernel("vanilla_bwd_dq", Tr, H, s.warps, fp, [=](int64_t bh, int64_t i) {
        const BlockRange r = block(i, Br, N);
        return make_step_stream(shapes, uint32_t(bh), Tc + 1, [=](int64_t j, Emitter& e) {
            if (j == Tc) {
                e.vector(4, r.size * d, 0);  // scale by tau
                e.store_rows(Tensor::dQ, 4, r.begin, r.size);
                return;
            }
            const BlockRange c = block(j, Bc, Nk);
            e.load(Tensor::dS, 4, r.begin, r.size, c.begin, c.size);
            e.load_rows(Tensor::K, 4, c.begin, c.size, ideal && i > 0 ? kOpReuse : 0);
            e.barrier(4);
            e.matmul(4, r.size, d, c.size, (r.size * c.size + c.size * d) * es);
            e.barrier(4);
        });
    }));

    // Kernel 5: CTA j computes dKj = tau sum_i dSij^T Qi.
    t.kernels.push_back(make_kernel("vanilla_bwd_dk", Tc, H, s.warps, fp, [=](int64_t bh, int64_t j) {
        const BlockRange c = block(j, Bc, Nk);
        return make_step_stream(shapes, uint32_t(bh), Tr + 1, [=](int64_t i, Emitter& e) {
            if (i == Tr) {
                e.vector(5, c.size * d, 0);  // scale by tau
                e.store_rows(Tensor::dK, 5, c.begin, c.size);
                return;
            }
            const BlockRange r = block(i, Br, N);
            e.load(Tensor::dS, 5, r.begin, r.size, c.begin, c.size);
            e.load_rows(Tensor::Q, 5, r.begin, r.size, ideal && j > 0 ? kOpReuse : 0);
            e.barrier(5);
            e.matmul(5, c.size, d, r.size, (r.size * c.size + r.size * d) * es);
            e.barrier(5);
        });
    }));
}

}  // namespace flashsim
