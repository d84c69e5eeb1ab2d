// backward.cpp: the backward pass's closed forms (see backward.h for the formulas).
#include "sim/analytic/backward.h"

#include "sim/algorithms/algorithm.h"

namespace flashsim {

namespace {
using u64 = uint64_t;
}

uint64_t backward_query_rows(const AttentionProblem& p, const Schedule& s) {
    u64 rows = 0;
    for (int64_t j = 0; j < s.Tc(p); ++j) {
        const int64_t i0 = p.causal ? (j * s.Bc) / s.Br : 0;
        rows += u64(p.N - i0 * s.Br);
    }
    return rows;
}

AnalyticCounts vanilla_backward_counts(const AttentionProblem& p, const Schedule& s) {
    AnalyticCounts a;
    const u64 N = u64(p.N), Nk = u64(p.Nk()), d = u64(p.d), es = u64(p.es());
    const u64 H = u64(p.heads()), Tr = u64(s.Tr(p)), Tc = u64(s.Tc(p));
    a.hbm_write_bytes = H * es * (2 * N * Nk + 2 * Nk * d + N * d);
    a.write_formula = "es*(2N^2 + 3Nd)";
    if (s.vanilla_gemm == GemmTiling::ideal) {
        a.hbm_read_bytes = H * es * (5 * N * Nk + 5 * N * d + 2 * Nk * d);
        a.read_formula = "es*(5N^2 + 7Nd)";
    } else {
        a.hbm_read_bytes = H * es * (5 * N * Nk + 2 * N * d + 3 * Tc * N * d + 2 * Tr * Nk * d);
        a.read_formula = "es*(5N^2 + 2Nd + 3 Tc Nd + 2 Tr Nd)";
    }
    return a;
}

AnalyticCounts fa1_backward_counts(const AttentionProblem& p, const Schedule& s) {
    AnalyticCounts a;
    const u64 Nk = u64(p.Nk()), d = u64(p.d), es = u64(p.es()), st = u64(kStatBytes), H = u64(p.heads());
    const u64 rows = backward_query_rows(p, s);
    a.hbm_read_bytes = H * (es * 2 * Nk * d + rows * (4 * d * es + 2 * st));
    a.hbm_write_bytes = H * es * (2 * Nk * d + rows * d);
    a.read_formula = p.causal ? "es*2Nd + rows (4d es + 2*4)" : "es*(2Nd + 4 Tc Nd) + 4*2 Tc N";
    a.write_formula = p.causal ? "es*(2Nd + rows d)" : "es*(2Nd + Tc Nd)";
    return a;
}

AnalyticCounts fa2_backward_counts(const AttentionProblem& p, const Schedule& s) {
    AnalyticCounts a;
    const u64 N = u64(p.N), Nk = u64(p.Nk()), d = u64(p.d), es = u64(p.es()), st = u64(kStatBytes), H = u64(p.heads());
    const u64 acc = 4;  // fp32 dQ accumulator
    const u64 rows = backward_query_rows(p, s);
    a.hbm_read_bytes = H * (es * (2 * N * d + 2 * Nk * d) + rows * (2 * d * es + 2 * st) + acc * (rows * d + N * d));
    a.hbm_write_bytes = H * (es * (N * d + 2 * Nk * d) + st * N + acc * (N * d + rows * d));
    a.read_formula = p.causal ? "es*4Nd + rows (2d es + 2*4) + 4 (rows d + Nd)"
                              : "es*(4Nd + 2 Tc Nd) + 4*2 Tc N + 4 (Tc Nd + Nd)";
    a.write_formula = p.causal ? "es*3Nd + 4N + 4 (Nd + rows d)" : "es*3Nd + 4N + 4 (Nd + Tc Nd)";
    return a;
}

AnalyticCounts exact_backward_counts(const AttentionProblem& p, const Schedule& s) {
    const PassEntry& bwd = algorithm_info(s.algo).backward;
    if (!bwd.exact_counts) return AnalyticCounts{};
    AnalyticCounts a = bwd.exact_counts(p, s);
    a.available = true;
    a.matmul_flops = 10 * u64(p.N) * u64(p.Nk()) * u64(p.d) * u64(p.heads()) / (p.causal ? 2 : 1);
    add_dropout_counts(a, p, s, Pass::bwd);
    return a;
}

AnalyticCounts exact_counts_with_backward(const AttentionProblem& p, const Schedule& s) {
    AnalyticCounts b = exact_backward_counts(p, s.backward());  // the backward's own blocks
    if (p.pass != Pass::fwdbwd || !b.available) return b;
    AttentionProblem fwd = p;
    fwd.pass = Pass::fwd;
    const AnalyticCounts f = exact_counts(fwd, s);
    if (!f.available) return AnalyticCounts{};
    AnalyticCounts a;
    a.available = true;
    a.hbm_read_bytes = f.hbm_read_bytes + b.hbm_read_bytes;
    a.hbm_write_bytes = f.hbm_write_bytes + b.hbm_write_bytes;
    a.matmul_flops = f.matmul_flops + b.matmul_flops;
    a.dropout_flops = f.dropout_flops + b.dropout_flops;
    if (a.dropout_flops) a.dropout_formula = "fwd " + f.dropout_formula + " + bwd " + b.dropout_formula;
    a.read_formula = "fwd " + f.read_formula + " + bwd " + b.read_formula;
    a.write_formula = "fwd " + f.write_formula + " + bwd " + b.write_formula;
    return a;
}

}  // namespace flashsim
