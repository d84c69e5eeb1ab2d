// standard.cpp: standard attention's closed forms (see standard.h for the formulas).
#include "sim/analytic/standard.h"

#include "sim/algorithms/algorithm.h"
#include "sim/trace/op.h"

namespace flashsim {

namespace {
using u64 = uint64_t;
}

AnalyticCounts standard_forward_counts(const AttentionProblem& p, const Schedule& s) {
    AnalyticCounts a;
    const u64 N = u64(p.N), Nk = u64(p.Nk()), d = u64(p.d), es = u64(p.es()), H = u64(p.heads());
    const u64 c = p.causal ? 1 : 0, z = u64(kMaskBytes), dr = dropout_p(p, s.algo) > 0 ? 1 : 0;
    // S written by QK^T, scale, mask; P by softmax; Pdrop by dropout: each read once by the next.
    const u64 nn = (3 + c + dr) * N * Nk;
    const bool tiled = s.vanilla_gemm == GemmTiling::tiled;
    const u64 Tr = u64(s.Tr(p)), Tc = u64(s.Tc(p));
    const u64 operands = tiled ? Tc * N * d + 2 * Tr * Nk * d : N * d + 2 * Nk * d;
    a.hbm_read_bytes = H * es * (operands + nn);
    a.hbm_write_bytes = H * (es * (nn + N * d) + dr * z * N * Nk);
    const std::string n2 = std::to_string(3 + c + dr) + "N^2";
    a.read_formula = "es*(" + std::string(tiled ? "Tc Nd + 2 Tr Nd" : "3Nd") + " + " + n2 + ")";
    a.write_formula = "es*(" + n2 + " + Nd)" + (dr ? " + 1*N^2 (Z)" : "");
    return a;
}

AnalyticCounts standard_backward_counts(const AttentionProblem& p, const Schedule& s) {
    AnalyticCounts a;
    const u64 N = u64(p.N), Nk = u64(p.Nk()), d = u64(p.d), es = u64(p.es()), H = u64(p.heads());
    const u64 c = p.causal ? 1 : 0, z = u64(kMaskBytes), dr = dropout_p(p, s.algo) > 0 ? 1 : 0;
    // Reads of N x Nk: Pdrop (dV; P when p = 0), dP (dropout), P and dP (softmax), dS (mask, scale,
    // dQ, dK). Writes: dP (dP GEMM, dropout), dS (softmax, mask, scale).
    const u64 reads_nn = (6 + c + dr) * N * Nk, writes_nn = (3 + c + dr) * N * Nk;
    const bool tiled = s.vanilla_gemm == GemmTiling::tiled;
    const u64 Tr = u64(s.Tr(p)), Tc = u64(s.Tc(p));
    const u64 operands = tiled ? 3 * Tc * N * d + 2 * Tr * Nk * d : 3 * N * d + 2 * Nk * d;
    a.hbm_read_bytes = H * (es * (operands + reads_nn) + dr * z * N * Nk);
    a.hbm_write_bytes = H * es * (writes_nn + N * d + 2 * Nk * d);
    a.read_formula = "es*(" + std::string(tiled ? "3 Tc Nd + 2 Tr Nd" : "5Nd") + " + " + std::to_string(6 + c + dr) + "N^2)" +
                     (dr ? " + 1*N^2 (Z)" : "");
    a.write_formula = "es*(" + std::to_string(3 + c + dr) + "N^2 + 3Nd)";
    return a;
}

}  // namespace flashsim
