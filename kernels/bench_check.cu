// bench_check.cu: the CPU reference check of fa_bench (see bench_check.h).
#include "bench_check.h"

#include <algorithm>
#include <cstring>
#include "unfused.cuh"

namespace {

// The same value on the CPU, as the kernel sees it (rounded to the storage type).
double host_input(DType t, uint64_t seed, uint32_t tensor, size_t i) {
    const float x = flashsim::seeded_value(seed, tensor, i);
    if (t == DType::fp16) return __half2float(__float2half_rn(x));
    if (t == DType::bf16) return __bfloat162float(__float2bfloat16_rn(x));
    return x;
}

// Tolerance atol + |ref|·rtol: fp32 from fp32 rounding; fp16/bf16 from the rounding of P (and, for
// vanilla, S) to the storage type and of O itself.
void tolerances(DType t, double* atol, double* rtol) {
    if (t == DType::fp32) { *atol = 1e-4; *rtol = 1e-4; }
    else if (t == DType::fp16) { *atol = 4e-3; *rtol = 4e-3; }
    else { *atol = 2e-2; *rtol = 2e-2; }
}

}  // namespace

std::vector<float> download_as_float(const void* dev, size_t n, DType t) {
    std::vector<float> out(n);
    if (t == DType::fp32) {
        CUDA_CHECK(cudaMemcpy(out.data(), dev, n * 4, cudaMemcpyDeviceToHost));
        return out;
    }
    std::vector<uint16_t> raw(n);
    CUDA_CHECK(cudaMemcpy(raw.data(), dev, n * 2, cudaMemcpyDeviceToHost));
    for (size_t i = 0; i < n; ++i) {
        if (t == DType::fp16) { __half h; std::memcpy(&h, &raw[i], 2); out[i] = __half2float(h); }
        else { __nv_bfloat16 h; std::memcpy(&h, &raw[i], 2); out[i] = __bfloat162float(h); }
    }
    return out;
}

CheckSample check_sample(size_t heads, int N, bool full) {
    CheckSample s;
    if (full) {
        for (size_t h = 0; h < heads; ++h) s.heads.push_back(h);
        for (int r = 0; r < N; ++r) s.rows.push_back(r);
        return s;
    }
    s.heads = {0, heads / 2, heads - 1};
    s.heads.erase(std::unique(s.heads.begin(), s.heads.end()), s.heads.end());
    for (int r = 0; r < std::min(N, 16); ++r) s.rows.push_back(r);
    for (int k = 1; k <= 32; ++k) s.rows.push_back(int(size_t(N) * k / 33));
    for (int r = std::max(0, N - 16); r < N; ++r) s.rows.push_back(r);
    std::sort(s.rows.begin(), s.rows.end());
    s.rows.erase(std::unique(s.rows.begin(), s.rows.end()), s.rows.end());
    return s;
}

CheckResult check_output(const AttnProblem& p, uint64_t seed, const std::vector<float>& O,
                         const std::vector<float>* LSE) {
    CheckResult res;
    const size_t heads = p.heads();
    const int N = p.N, d = p.d;
    // all of it when the reference costs <= 2^31 multiply-adds, else a sample
    const bool full = double(heads) * N * N * d * 2 <= 2147483648.0;
    const CheckSample sample = check_sample(heads, N, full);
    const std::vector<size_t>& hs = sample.heads;
    const std::vector<int>& rows = sample.rows;
    if (full) {
        res.checked = "all " + std::to_string(heads) + " heads x all " + std::to_string(N) + " rows x d";
    } else {
        res.checked = "sample: heads {first, middle, last} = " + std::to_string(hs.size()) + " of " +
                      std::to_string(heads) + " x " + std::to_string(rows.size()) + " of " + std::to_string(N) +
                      " rows (first 16, 32 evenly spaced, last 16) x d";
    }
    if (LSE) res.checked += "; LSE of the same rows";
    if (p.dropout_p > 0) res.checked += "; dropout p=" + std::to_string(p.dropout_p).substr(0, 4) + ", the kernel's mask Z";
    double atol, rtol;
    tolerances(p.dtype, &atol, &rtol);
    const double scale = 1.0 / std::sqrt(double(d));
    std::vector<double> Kh(size_t(N) * d), Vh(size_t(N) * d), s(N), o(d);
    for (size_t h : hs) {
        for (size_t e = 0; e < size_t(N) * d; ++e) {
            Kh[e] = host_input(p.dtype, seed, flashsim::kSeedK, h * N * d + e);
            Vh[e] = host_input(p.dtype, seed, flashsim::kSeedV, h * N * d + e);
        }
        for (int r : rows) {
            std::vector<double> q(d);
            for (int c = 0; c < d; ++c) q[c] = host_input(p.dtype, seed, flashsim::kSeedQ, (h * N + r) * d + c);
            const int keys = p.causal ? r + 1 : N;
            double m = -INFINITY;
            for (int k = 0; k < keys; ++k) {
                double dot = 0;
                for (int c = 0; c < d; ++c) dot += q[c] * Kh[size_t(k) * d + c];
                s[k] = dot * scale;
                m = std::max(m, s[k]);
            }
            double l = 0;
            std::fill(o.begin(), o.end(), 0.0);
            for (int k = 0; k < keys; ++k) {
                const double e = std::exp(s[k] - m);
                l += e;
                const double z = p.dropout_p > 0  // O = (P o Z / (1 - p)) V with the kernel's mask
                                     ? (dropout_keep(p.seed, (h * N + r) * size_t(N) + k, p.dropout_p) ? 1.0 / (1.0 - p.dropout_p) : 0.0)
                                     : 1.0;
                for (int c = 0; c < d; ++c) o[c] += e * z * Vh[size_t(k) * d + c];
            }
            for (int c = 0; c < d; ++c) {
                const double ref = o[c] / l, got = O[(h * N + r) * d + c];
                const double err = std::fabs(got - ref);
                ++res.checked_elems;
                if (!(err <= atol + rtol * std::fabs(ref))) {  // NaN fails too
                    if (res.mismatches < 10)
                        std::printf("  mismatch O[bh=%zu, n=%d, c=%d]: got %.6f, ref %.6f\n", h, r, c, got, ref);
                    ++res.mismatches;
                    res.correct = false;
                }
                if (err == err) res.max_abs_err = std::max(res.max_abs_err, err);
                else res.max_abs_err = INFINITY;
            }
            if (LSE) {
                const double ref = m + std::log(l), got = (*LSE)[h * N + r];
                const double err = std::fabs(got - ref);
                if (!(err <= 1e-3 + 1e-4 * std::fabs(ref))) {
                    if (res.mismatches < 10) std::printf("  mismatch LSE[bh=%zu, n=%d]: got %.6f, ref %.6f\n", h, r, got, ref);
                    ++res.mismatches;
                    res.correct = false;
                }
                res.max_lse_err = std::max(res.max_lse_err, err == err ? err : INFINITY);
            }
        }
    }
    return res;
}
