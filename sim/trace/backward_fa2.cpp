// backward_fa2.cpp: FlashAttention-2 backward, Algorithm 2 of the FA2 paper (arXiv 2307.08691),
// as the released kernels run it (flash_bwd_preprocess_kernel.h, flash_bwd_kernel.h):
//   kernel 1  fa2_bwd_dot_do_o    one CTA per query block: Di = rowsum(dOi o Oi), written to HBM,
//                                 and the fp32 accumulator dQacc zeroed in global memory;
//   kernel 2  fa2_bwd             one CTA per key block j (in parallel over key blocks, heads and
//                                 batch): Kj, Vj loaded once, Sij and Pij recomputed from the
//                                 saved LSE, dKj and dVj accumulated on chip and written once,
//                                 each dQi partial added into dQacc with atomic adds (fp32);
//   kernel 3  fa2_bwd_convert_dq  one CTA per query block: dQi = tau dQacc_i, cast to the element
//                                 type and written to HBM.
// Deviation from the listing as printed in the paper: its line 9 also loads Oi and dQi; the
// kernels do not (Di is precomputed, dQ goes through the atomics), so neither do we.
// Paper-mode HBM per head, rows = query rows the inner loops run (Tc N without a mask):
//   reads  es (2Nd + 2 N_kv d) + rows (2d es + 2 fp32) + 4 rows d (atomics) + 4Nd (kernel 3)
//   writes 4N (D) + 4Nd (zeroing) + es 2 N_kv d + 4 rows d (atomics) + es Nd
// An atomic add is a read-modify-write, so paper mode counts its bytes as read and written.
// Causal: query blocks entirely above the diagonal of key block j are skipped; only diagonal
// blocks are masked. tau = 1/sqrt(d).
#include "sim/gpu/gpu_spec.h"
#include "sim/trace/backward.h"
#include "sim/trace/emit.h"
#include "sim/trace/generators.h"

namespace flashsim {

Listing fa2_backward_listing() {
    return {"FlashAttention-2 backward (FA2 paper, Algorithm 2, as the released kernels run it)",
            {"Divide Q, O, dO into Tr blocks of Br rows; K, V into Tc blocks Kj, Vj; L, D into Tr blocks Li, Di.",
             "Kernel 1, per query block: load Oi, dOi, compute Di = rowsum(dOi o Oi), write Di to HBM.",
             "Kernel 1: initialize the fp32 accumulator dQacc = (0) in global memory.",
             "Kernel 2: for 1 <= j <= Tc do  (in parallel: one CTA per key block, head and batch)",
             "  Load Kj, Vj from HBM to on-chip SRAM.",
             "  Initialize dKj = (0), dVj = (0) on chip.",
             "  for 1 <= i <= Tr do",
             "    Load Qi, dOi, Li, Di from HBM to on-chip SRAM.",
             "    On chip, compute Sij = Qi Kj^T (recomputed; masked if causal).",
             "    On chip, compute Pij = exp(tau Sij - Li) (recomputed).",
             "    On chip, compute dVj <- dVj + Pij^T dOi.",
             "    On chip, compute dPij = dOi Vj^T.",
             "    On chip, compute dSij = Pij o (dPij - Di).",
             "    On chip, compute dSij Kj; add it atomically into dQacc_i in global memory.",
             "    On chip, compute dKj <- dKj + dSij^T Qi.",
             "  end for",
             "  Write dKj <- tau dKj, dVj to HBM.",
             "end for",
             "Kernel 3, per query block: load dQacc_i, write dQi = tau dQacc_i to HBM.",
             "Return dQ, dK, dV."}};
}

void append_fa2_backward(Trace& t, const GpuSpec& g) {
    const AttentionProblem& p = t.problem;
    const Schedule& s = t.schedule;
    const int64_t N = p.N, Nk = p.Nk(), d = p.d, Br = s.Br, Bc = s.Bc, es = p.es();
    const int64_t Tr = s.Tr(p), Tc = s.Tc(p), H = p.heads();
    const bool causal = p.causal;
    const TensorShapes shapes = t.shapes;

    // Kernels 1 and 3 stream row blocks: their footprint is the tiles they hold.
    Footprint rows_fp;
    rows_fp.sram_bytes = 2 * Br * d * es;
    rows_fp.sram_arithmetic = "Oi, dOi " + std::to_string(Br) + "x" + std::to_string(d) + " x2 = " +
                              format_bytes(rows_fp.sram_bytes);

    t.kernels.push_back(make_kernel("fa2_bwd_dot_do_o", Tr, H, s.warps, rows_fp, [=](int64_t bh, int64_t i) {
        return make_step_stream(shapes, uint32_t(bh), 1, [=](int64_t, Emitter& e) {
            const BlockRange r = block(i, Br, N);
            e.load_rows(Tensor::O, 2, r.begin, r.size);
            e.load_rows(Tensor::dO, 2, r.begin, r.size);
            e.vector(2, 2 * r.size * d, 0, 2 * r.size * d * es);
            e.store_rows(Tensor::D, 2, r.begin, r.size);
            e.store_rows(Tensor::dQacc, 3, r.begin, r.size);  // zeros
        });
    }));

    t.kernels.push_back(make_kernel("fa2_bwd", Tc, H, s.warps, backward_footprint(s, p, g), [=](int64_t bh, int64_t j) {
        const BlockRange c = block(j, Bc, Nk);
        const int64_t C = c.size;
        auto range = [=](int64_t) { return std::pair<int64_t, int64_t>(causal ? first_query_block(j, Br, Bc) : 0, Tr); };
        auto pro = [=](int64_t, Emitter& e) {
            e.load_rows(Tensor::K, 5, c.begin, C);
            e.load_rows(Tensor::V, 5, c.begin, C);
            e.vector(6, 0, 0);  // zero the dKj, dVj accumulators (registers)
        };
        auto body = [=](int64_t, int64_t i, Emitter& e) {
            const BlockRange r = block(i, Br, N);
            const int64_t R = r.size;
            e.load_rows(Tensor::Q, 8, r.begin, R);
            e.load_rows(Tensor::dO, 8, r.begin, R);
            e.load_rows(Tensor::LSE, 8, r.begin, R);
            e.load_rows(Tensor::D, 8, r.begin, R);
            e.barrier(8);
            e.matmul(9, R, C, d, (R + C) * d * es, kOpRecompute);
            if (causal && block_needs_mask(r.begin, c.begin, C)) e.vector(9, R * C, 0, 0, kOpRecompute);
            e.vector(10, 2 * R * C, R * C, 0, kOpRecompute);         // tau Sij - Li (one FMA), exp
            e.matmul(11, C, d, R, (R * C + R * d) * es);             // dVj += Pij^T dOi
            e.matmul(12, R, C, d, (R + C) * d * es);                 // dPij = dOi Vj^T
            e.vector(13, 2 * R * C, 0);                              // dSij = Pij o (dPij - Di)
            e.barrier(13);                                           // dSij to SRAM for both GEMMs
            e.matmul(14, R, d, C, (R * C + C * d) * es);             // dSij Kj
            e.atomic_add(Tensor::dQacc, 14, r.begin, R, 0, d);
            e.matmul(15, C, d, R, (R * C + R * d) * es);             // dKj += dSij^T Qi
            e.barrier(15);
        };
        auto epi = [=](int64_t, Emitter& e) {
            e.vector(17, C * d, 0);  // dKj scaled by tau
            e.store_rows(Tensor::dK, 17, c.begin, C);
            e.store_rows(Tensor::dV, 17, c.begin, C);
        };
        return make_nested_stream(shapes, uint32_t(bh), 1, range, pro, body, epi);
    }));

    Footprint acc_fp;
    acc_fp.sram_bytes = Br * d * kAccumBytes;
    acc_fp.sram_arithmetic = "dQacc_i " + std::to_string(Br) + "x" + std::to_string(d) + " x 4 B = " +
                             format_bytes(acc_fp.sram_bytes);
    t.kernels.push_back(make_kernel("fa2_bwd_convert_dq", Tr, H, s.warps, acc_fp, [=](int64_t bh, int64_t i) {
        return make_step_stream(shapes, uint32_t(bh), 1, [=](int64_t, Emitter& e) {
            const BlockRange r = block(i, Br, N);
            e.load_rows(Tensor::dQacc, 19, r.begin, r.size);
            e.vector(19, r.size * d, 0);  // scale by tau, cast to the element type
            e.store_rows(Tensor::dQ, 19, r.begin, r.size);
        });
    }));
}

}  // namespace flashsim
