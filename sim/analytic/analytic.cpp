// analytic.cpp: the closed forms. Written from the listings, independently of the trace
// generators, so that tests comparing the two check something.
#include "sim/analytic/analytic.h"

#include <algorithm>

#include "sim/algorithms/algorithm.h"
#include "sim/analytic/backward.h"
#include "sim/gpu/gpu_spec.h"
#include "sim/trace/dropout.h"

namespace flashsim {

namespace {

using u64 = uint64_t;

u64 rows_in_block(int64_t k, int64_t B, int64_t n) { return u64(std::min(B, n - k * B)); }

// The papers' convention for matmul FLOPs: 4 N N_kv d per head forward (two GEMMs of 2 N N_kv d),
// halved under a causal mask.
uint64_t forward_matmul_flops(const AttentionProblem& p) {
    return 4 * u64(p.N) * u64(p.Nk()) * u64(p.d) * u64(p.heads()) / (p.causal ? 2 : 1);
}

}  // namespace

AnalyticCounts vanilla_forward_counts(const AttentionProblem& p, const Schedule& s) {
    AnalyticCounts a;
    const u64 N = u64(p.N), Nk = u64(p.Nk()), d = u64(p.d), es = u64(p.es()), H = u64(p.heads());
    a.hbm_read_bytes = H * es * (N * d + 2 * Nk * d + 2 * N * Nk);
    a.hbm_write_bytes = H * es * (2 * N * Nk + N * d);
    a.read_formula = "es*(3Nd + 2N^2)";
    a.write_formula = "es*(2N^2 + Nd)";
    if (s.vanilla_gemm == GemmTiling::tiled) {
        // Tiled GEMMs re-read: Qi once per key block, Kj once per query block, V once per
        // query block (O = P V is tiled Br x d).
        const u64 Tr = u64(s.Tr(p)), Tc = u64(s.Tc(p));
        a.hbm_read_bytes = H * es * (Tc * N * d + Tr * Nk * d + 2 * N * Nk + Tr * Nk * d);
        a.read_formula = "es*(Tc Nd + 2 Tr Nd + 2N^2)";
    }
    return a;
}

AnalyticCounts fa1_forward_counts(const AttentionProblem& p, const Schedule& s) {
    AnalyticCounts a;
    const u64 Nk = u64(p.Nk()), d = u64(p.d), es = u64(p.es()), st = u64(kStatBytes), H = u64(p.heads());
    // For key block j, the query rows that run: all N, or under a causal mask the rows of
    // blocks i >= floor(j Bc / Br); summed over j (as Algorithm 4's inner loop runs them too).
    const u64 rows_total = backward_query_rows(p, s);
    a.hbm_read_bytes = H * (es * 2 * Nk * d + rows_total * (2 * d * es + 2 * st));
    a.hbm_write_bytes = H * rows_total * (d * es + 2 * st);
    a.read_formula = p.causal ? "es*2Nd + sum_j rows_j (2d es + 2*4)" : "es*(2Nd + Tc 2Nd) + 4*Tc 2N";
    a.write_formula = p.causal ? "sum_j rows_j (d es + 2*4)" : "es*Tc Nd + 4*Tc 2N";
    return a;
}

AnalyticCounts fa2_forward_counts(const AttentionProblem& p, const Schedule& s) {
    AnalyticCounts a;
    const u64 N = u64(p.N), Nk = u64(p.Nk()), d = u64(p.d), es = u64(p.es()), st = u64(kStatBytes), H = u64(p.heads());
    // For query block i, the keys it reads: all Nk, or under a causal mask the keys of
    // blocks j <= floor((last row of block i) / Bc).
    u64 keys_total = 0;
    for (int64_t i = 0; i < s.Tr(p); ++i) {
        if (!p.causal) { keys_total += Nk; continue; }
        const u64 last_row = u64(i * s.Br) + rows_in_block(i, s.Br, p.N) - 1;
        keys_total += std::min<u64>(Nk, (last_row / u64(s.Bc) + 1) * u64(s.Bc));
    }
    a.hbm_read_bytes = H * es * (N * d + 2 * d * keys_total);
    a.hbm_write_bytes = H * (es * N * d + st * N);
    a.read_formula = p.causal ? "es*(Nd + 2d sum_i keys_i)" : "es*(Nd + Tr 2Nd)";
    a.write_formula = "es*Nd + 4N";
    return a;
}

AnalyticCounts exact_counts(const AttentionProblem& p, const Schedule& s) {
    if (p.pass != Pass::fwd) return exact_counts_with_backward(p, s);  // sim/analytic/backward.h
    const PassEntry& fwd = algorithm_info(s.algo).forward;
    if (!fwd.exact_counts) return AnalyticCounts{};
    AnalyticCounts a = fwd.exact_counts(p, s);
    a.available = true;
    a.matmul_flops = forward_matmul_flops(p);
    add_dropout_counts(a, p, s, Pass::fwd);
    return a;
}

void add_dropout_counts(AnalyticCounts& a, const AttentionProblem& p, const Schedule& s, Pass pass) {
    const DropoutMask mask = algorithm_info(s.algo).dropout_mask;
    if (mask == DropoutMask::none || dropout_p(p, s.algo) == 0) return;
    const u64 N = u64(p.N), Nk = u64(p.Nk()), H = u64(p.heads());
    const bool fwd = pass == Pass::fwd;
    if (mask == DropoutMask::stored) {  // kernels of their own over the whole N x N_kv matrix
        const u64 per = u64(fwd ? kDropoutForwardOpsPerElement : kDropoutStoredMaskOpsPerElement);
        a.dropout_flops = H * per * N * Nk;
        a.dropout_formula = std::to_string(per) + " N^2 per head";
        return;
    }
    // Drawn where the tiles form P~ij (forward) and redrawn in the backward, on the kept elements:
    // under a causal mask (N_kv = N) query row n keeps keys 0..n.
    const u64 per = u64(fwd ? kDropoutForwardOpsPerElement : kDropoutBackwardOpsPerElement);
    const u64 elements = p.causal ? N * (N + 1) / 2 : N * Nk;
    a.dropout_flops = H * per * elements;
    a.dropout_formula = std::to_string(per) + (p.causal ? " N(N+1)/2 per head" : " N^2 per head");
}

ThetaBound theta_standard(const AttentionProblem& p) {
    const double N = double(p.N), d = double(p.d);
    return {"Nd + N^2", double(p.heads()) * (N * d + N * N)};
}

ThetaBound theta_flash(const AttentionProblem& p, const GpuSpec& g) {
    const double N = double(p.N), d = double(p.d), M = double(g.sram_bytes_per_sm) / double(p.es());
    return {"N^2 d^2 / M", double(p.heads()) * N * N * d * d / M};
}

}  // namespace flashsim
