// analytic.cpp: the closed forms. Written from the listings, independently of the trace
// generators, so that tests comparing the two check something.
#include "sim/analytic/analytic.h"

#include <algorithm>

#include "sim/analytic/backward.h"
#include "sim/gpu/gpu_spec.h"

namespace flashsim {

namespace {

using u64 = uint64_t;

u64 rows_in_block(int64_t k, int64_t B, int64_t n) { return u64(std::min(B, n - k * B)); }

}  // namespace

AnalyticCounts exact_counts(const AttentionProblem& p, const Schedule& s) {
    if (p.pass != Pass::fwd) return exact_counts_with_backward(p, s);  // sim/analytic/backward.h
    AnalyticCounts a;
    const u64 N = u64(p.N), Nk = u64(p.Nk()), d = u64(p.d), es = u64(p.es()), st = u64(kStatBytes);
    const u64 H = u64(p.heads());
    const int64_t Br = s.Br, Bc = s.Bc, Tr = s.Tr(p), Tc = s.Tc(p);
    a.available = true;
    a.matmul_flops = 4 * N * Nk * d * H / (p.causal ? 2 : 1);
    switch (s.algo) {
        case Algorithm::vanilla:
            a.hbm_read_bytes = H * es * (N * d + 2 * Nk * d + 2 * N * Nk);
            a.hbm_write_bytes = H * es * (2 * N * Nk + N * d);
            a.read_formula = "es*(3Nd + 2N^2)";
            a.write_formula = "es*(2N^2 + Nd)";
            if (s.vanilla_gemm == GemmTiling::tiled) {
                // Tiled GEMMs re-read: Qi once per key block, Kj once per query block, V once per
                // query block (O = P V is tiled Br x d).
                a.hbm_read_bytes = H * es * (u64(Tc) * N * d + u64(Tr) * Nk * d + 2 * N * Nk + u64(Tr) * Nk * d);
                a.read_formula = "es*(Tc Nd + 2 Tr Nd + 2N^2)";
            }
            break;
        case Algorithm::fa1: {
            // For key block j, the query rows that run: all N, or under a causal mask the rows of
            // blocks i >= floor(j Bc / Br).
            u64 rows_total = 0;
            for (int64_t j = 0; j < Tc; ++j) {
                const int64_t i0 = p.causal ? (j * Bc) / Br : 0;
                rows_total += N - u64(i0 * Br);
            }
            a.hbm_read_bytes = H * (es * 2 * Nk * d + rows_total * (2 * d * es + 2 * st));
            a.hbm_write_bytes = H * rows_total * (d * es + 2 * st);
            a.read_formula = p.causal ? "es*2Nd + sum_j rows_j (2d es + 2*4)" : "es*(2Nd + Tc 2Nd) + 4*Tc 2N";
            a.write_formula = p.causal ? "sum_j rows_j (d es + 2*4)" : "es*Tc Nd + 4*Tc 2N";
            break;
        }
        case Algorithm::fa2:
        case Algorithm::fa3: {
            // For query block i, the keys it reads: all Nk, or under a causal mask the keys of
            // blocks j <= floor((last row of block i) / Bc).
            u64 keys_total = 0;
            for (int64_t i = 0; i < Tr; ++i) {
                if (!p.causal) { keys_total += Nk; continue; }
                const u64 last_row = u64(i * Br) + rows_in_block(i, Br, p.N) - 1;
                keys_total += std::min<u64>(Nk, (last_row / u64(Bc) + 1) * u64(Bc));
            }
            a.hbm_read_bytes = H * es * (N * d + 2 * d * keys_total);
            a.hbm_write_bytes = H * (es * N * d + st * N);
            a.read_formula = p.causal ? "es*(Nd + 2d sum_i keys_i)" : "es*(Nd + Tr 2Nd)";
            a.write_formula = "es*Nd + 4N";
            break;
        }
    }
    return a;
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
