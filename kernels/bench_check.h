// bench_check.h: fa_bench's check of a kernel's output against a double-precision CPU reference
// computed from the same rounded inputs (flashsim::seeded_value), tolerance atol + |ref|·rtol.
#pragma once
#include <cstdint>
#include <string>
#include <vector>
#include "common.cuh"

struct CheckResult {
    bool correct = true;
    double max_abs_err = 0, max_lse_err = 0;
    size_t checked_elems = 0, mismatches = 0;
    std::string checked;  // what was checked: "all 2 heads x all 100 rows x d" or the sample
};

// The heads and rows a check compares: all of them when `full`, else heads {first, middle, last}
// and rows (first 16, 32 evenly spaced, last 16), sorted and without repeats.
struct CheckSample {
    std::vector<size_t> heads;
    std::vector<int> rows;
};
CheckSample check_sample(size_t heads, int N, bool full);

// A device buffer of n elements of type t, as floats on the host.
std::vector<float> download_as_float(const void* dev, size_t n, DType t);

// O: (B, H, N, d) and LSE: (B, H, N) (nullptr for versions that write none), downloaded. Checks
// every element when the reference costs <= 2^31 multiply-adds, else a stated sample of heads
// (first, middle, last) and rows (first 16, 32 evenly spaced, last 16). Prints the first
// mismatches.
CheckResult check_output(const AttnProblem& p, uint64_t seed, const std::vector<float>& O,
                         const std::vector<float>* LSE);

// dQ, dK, dV: (B, H, N, d), downloaded, of the backward of softmax(scale·QKᵀ)V with upstream
// gradient dO (flashsim::kSeeddO). Checks every element when heads·N²·d <= 2^28, else the rows of
// the same stated sample (query rows of dQ, key rows of dK and dV); tolerance atol·max|ref| +
// rtol·|ref| per tensor. max_err: the largest absolute error of dQ, dK, dV.
CheckResult check_backward(const AttnProblem& p, uint64_t seed, const std::vector<float>& dQ,
                           const std::vector<float>& dK, const std::vector<float>& dV, double max_err[3]);
