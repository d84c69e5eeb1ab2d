// bench_check_bwd.cu: the CPU reference check of a backward version (see bench_check.h).
//
// Per checked head, in double precision from the same rounded inputs (Q, K, V, dO), with the
// dropout factor zqk = Zqk / (1 - p) of the kernel's mask (zqk = 1 without dropout):
//   A. every query row: S = scale·q Kᵀ, LSE = m + log l, D = Σk Pqk zqk dOq·Vk   (2·N²·d)
//      (= dO·O without dropout; with it, rowsum(P o dP) as PyTorch's softmax backward)
//   B. checked key rows k: Pqk = exp(Sqk - LSEq), dPqk = zqk dOq·Vk, dSqk = Pqk (dPqk - Dq),
//      dVk = Σq Pqk zqk dOq, dKk = scale Σq dSqk Qq
//   C. checked query rows q: dQq = scale Σk dSqk Kk
// Work is split over the host's cores (std::thread).
#include <algorithm>
#include <atomic>
#include <cmath>
#include <functional>
#include <thread>
#include "bench_check.h"
#include "unfused.cuh"

namespace {

double host_value(DType t, uint64_t seed, uint32_t tensor, size_t i) {
    const float x = flashsim::seeded_value(seed, tensor, i);
    if (t == DType::fp16) return __half2float(__float2half_rn(x));
    if (t == DType::bf16) return __bfloat162float(__float2bfloat16_rn(x));
    return x;
}

// err <= atol·max(max|ref|, 1e-3) (over the checked elements of that tensor) + rtol·|ref|: gradients
// sum N terms of both signs, so an element near zero is judged against the tensor's scale; the floor
// 1e-3 serves tensors that are zero in exact arithmetic (N = 1: dQ = dK = 0, the kernel's rounding
// of dP and D leaves ~1e-6).
void tolerances(DType t, double* atol, double* rtol) {
    if (t == DType::fp32) { *atol = 1e-3; *rtol = 1e-3; }  // the unfused versions (8, 10)
    else if (t == DType::fp16) { *atol = 1e-2; *rtol = 1e-2; }
    else { *atol = 5e-2; *rtol = 5e-2; }
}

// f(i) for i in [0, n), over the host's cores
void parallel_for(int n, const std::function<void(int)>& f) {
    const int workers = std::max(1, std::min<int>(n, int(std::thread::hardware_concurrency())));
    std::atomic<int> next{0};
    std::vector<std::thread> pool;
    for (int w = 0; w < workers; ++w)
        pool.emplace_back([&] {
            for (int i = next++; i < n; i = next++) f(i);
        });
    for (std::thread& th : pool) th.join();
}

}  // namespace

CheckResult check_backward(const AttnProblem& p, uint64_t seed, const std::vector<float>& dQ,
                           const std::vector<float>& dK, const std::vector<float>& dV, double max_err[3]) {
    CheckResult res;
    const size_t heads = p.heads();
    const int N = p.N, d = p.d;
    const bool full = double(heads) * N * N * d <= 268435456.0;  // 2^28: B and C cost ~3.5x A
    const CheckSample sample = check_sample(heads, N, full);
    const std::vector<size_t>& hs = sample.heads;
    const std::vector<int>& rows = sample.rows;
    if (full) {
        res.checked = "all " + std::to_string(heads) + " heads x all " + std::to_string(N) + " rows x d of dQ, dK, dV";
    } else {
        res.checked = "sample: heads {first, middle, last} = " + std::to_string(hs.size()) + " of " +
                      std::to_string(heads) + " x " + std::to_string(rows.size()) + " of " + std::to_string(N) +
                      " query rows of dQ and key rows of dK, dV (first 16, 32 evenly spaced, last 16) x d";
    }
    if (p.dropout_p > 0) res.checked += "; dropout p=" + std::to_string(p.dropout_p).substr(0, 4) + ", the kernel's mask Z";
    const double scale = 1.0 / std::sqrt(double(d));
    const size_t nd = size_t(N) * d;
    std::vector<double> Qh(nd), Kh(nd), Vh(nd), dOh(nd), lse(N), Dq(N);
    // reference values of the checked elements, in the order (tensor, head, row, c)
    std::vector<double> ref[3], got[3];
    const std::vector<float>* out[3] = {&dQ, &dK, &dV};
    for (size_t h : hs) {
        for (size_t e = 0; e < nd; ++e) {
            Qh[e] = host_value(p.dtype, seed, flashsim::kSeedQ, h * nd + e);
            Kh[e] = host_value(p.dtype, seed, flashsim::kSeedK, h * nd + e);
            Vh[e] = host_value(p.dtype, seed, flashsim::kSeedV, h * nd + e);
            dOh[e] = host_value(p.dtype, seed, flashsim::kSeeddO, h * nd + e);
        }
        auto dot = [&](const std::vector<double>& a, int ra, const std::vector<double>& b, int rb) {
            double s = 0;
            for (int c = 0; c < d; ++c) s += a[size_t(ra) * d + c] * b[size_t(rb) * d + c];
            return s;
        };
        // zqk: the dropout factor of the kernel's mask, 1 without dropout
        auto zf = [&](int q, int k) {
            if (p.dropout_p <= 0) return 1.0;
            return dropout_keep(p.seed, (h * N + q) * size_t(N) + k, p.dropout_p) ? 1.0 / (1.0 - p.dropout_p) : 0.0;
        };
        // A: LSE and D for every query row
        parallel_for(N, [&](int q) {
            const int keys = p.causal ? q + 1 : N;
            std::vector<double> s(keys);
            double m = -INFINITY;
            for (int k = 0; k < keys; ++k) m = std::max(m, s[k] = scale * dot(Qh, q, Kh, k));
            double l = 0, D = 0;
            for (int k = 0; k < keys; ++k) {
                const double e = std::exp(s[k] - m);
                l += e;
                D += e * zf(q, k) * dot(dOh, q, Vh, k);
            }
            lse[q] = m + std::log(l);
            Dq[q] = D / l;
        });
        auto dS = [&](int q, int k, double* P, double* Pz) {
            *P = std::exp(scale * dot(Qh, q, Kh, k) - lse[q]);
            const double z = zf(q, k);
            *Pz = *P * z;
            return *P * (z * dot(dOh, q, Vh, k) - Dq[q]);
        };
        // B and C: per checked row, its d values of dQ (query row), dK and dV (key row)
        const int R = int(rows.size());
        std::vector<double> r3[3];
        for (auto& v : r3) v.assign(size_t(R) * d, 0.0);
        parallel_for(R, [&](int ri) {
            const int r = rows[ri];
            double P = 0, Pz = 0;
            for (int q = p.causal ? r : 0; q < N; ++q) {  // key r: queries q >= r when causal
                const double ds = dS(q, r, &P, &Pz);
                for (int c = 0; c < d; ++c) {
                    r3[1][size_t(ri) * d + c] += scale * ds * Qh[size_t(q) * d + c];
                    r3[2][size_t(ri) * d + c] += Pz * dOh[size_t(q) * d + c];
                }
            }
            const int keys = p.causal ? r + 1 : N;  // query r
            for (int k = 0; k < keys; ++k) {
                const double ds = dS(r, k, &P, &Pz);
                for (int c = 0; c < d; ++c) r3[0][size_t(ri) * d + c] += scale * ds * Kh[size_t(k) * d + c];
            }
        });
        for (int x = 0; x < 3; ++x)
            for (int ri = 0; ri < R; ++ri)
                for (int c = 0; c < d; ++c) {
                    ref[x].push_back(r3[x][size_t(ri) * d + c]);
                    got[x].push_back((*out[x])[(h * N + rows[ri]) * d + c]);
                }
    }
    double atol, rtol;
    tolerances(p.dtype, &atol, &rtol);
    const char* names[3] = {"dQ", "dK", "dV"};
    for (int x = 0; x < 3; ++x) {
        double ref_max = 0;
        for (double v : ref[x]) ref_max = std::max(ref_max, std::fabs(v));
        max_err[x] = 0;
        for (size_t e = 0; e < ref[x].size(); ++e) {
            const double err = std::fabs(got[x][e] - ref[x][e]);
            ++res.checked_elems;
            if (!(err <= atol * std::max(ref_max, 1e-3) + rtol * std::fabs(ref[x][e]))) {  // NaN fails too
                if (res.mismatches < 10) {
                    const size_t per_head = rows.size() * size_t(d);
                    std::printf("  mismatch %s[head #%zu, row %d, c=%zu]: got %.6f, ref %.6f (max |ref| %.4f)\n",
                                names[x], e / per_head, rows[(e % per_head) / d], e % d, got[x][e], ref[x][e],
                                ref_max);
                }
                ++res.mismatches;
                res.correct = false;
            }
            max_err[x] = err == err ? std::max(max_err[x], err) : INFINITY;
        }
        res.max_abs_err = std::max(res.max_abs_err, max_err[x]);
    }
    return res;
}
