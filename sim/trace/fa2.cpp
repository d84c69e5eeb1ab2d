// fa2.cpp: FlashAttention-2 forward, Algorithm 1 of the FA2 paper (arXiv 2307.08691): one CTA
// per (query block i, head, batch); Qi loaded once, Kj and Vj streamed, Oi accumulated on chip
// and rescaled once at the end (delayed scaling), Oi and LSEi = mi + log(li) written once.
// Paper-mode HBM per head (elements): reads Nd + Tr * 2Nd, writes Nd (+ N fp32 for LSE).
// Causal: key blocks entirely above the diagonal are skipped; only diagonal blocks are masked.
// FA3 moves the same tiles (fa3.cpp): the CTA program is shared, each listing names its lines.
// Dropout (p > 0): Zij drawn on chip where P~ij is formed, multiplying it before P~ij Vj (as FA1's
// Algorithm 2); nothing stored, the HBM bytes unchanged (sim/trace/dropout.h counts the work).
#include "sim/algorithms/algorithm.h"
#include "sim/trace/fa2_program.h"
#include "sim/trace/generators.h"

namespace flashsim {

Fa2Shape fa2_shape(const AttentionProblem& p, const Schedule& s) {
    return {p.N, p.Nk(), p.d, s.Br, s.Bc, s.Tc(p), p.es(), p.causal, s.matmul_unit == MatmulUnit::fma, dropout_p(p, s.algo) > 0};
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
          "    On chip, compute mi_new = max(mi, rowmax(Sij)), P~ij = exp(Sij - mi_new), li = e^(mi-mi_new) li + rowsum(P~ij) "
          "(dropout p > 0: then P~ij <- P~ij o Zij / (1 - p), Zij drawn on chip).",
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

namespace {

// The steps of the shared CTA program name these lines of FA2's listing.
struct Fa2ListingLines {
    static constexpr Line load_q = Line::load_q, init = Line::init, load_kv = Line::load_kv, compute_s = Line::compute_s,
                          softmax = Line::softmax, pv = Line::pv, normalise = Line::normalise, lse = Line::lse,
                          write_o = Line::write_o, write_lse = Line::write_lse;
};

}  // namespace

void append_fa2_forward(Trace& t, const GpuSpec& g) { append_fa2_forward_program<Fa2ListingLines>(t, g, "fa2_fwd"); }

}  // namespace flashsim
