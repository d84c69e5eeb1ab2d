// functional.h: the functional layer. For small sizes it executes a tiled forward algorithm for
// real (Eigen, fp32 compute) on seeded inputs: tiles are copied from "HBM" arrays into a
// capacity-limited SRAM arena, computed on and stored back, every byte counted; the output is
// compared with softmax(Q K^T / sqrt(d)) V computed in double.
//
// Contract:
//   - inputs: flashsim::seeded_value(seed, kSeedQ/kSeedK/kSeedV, ((b*H + h)*N + n)*d + c),
//     rounded to the element type (fp32 as is, fp16/bf16 via Eigen, fp8 E4M3 nearest-even);
//     the reference uses the same rounded inputs;
//   - loop order, block sizes and partial tiles are the trace generators' (sim/trace/), but the
//     code is written from the listings, so comparing `counts` with count_paper_mode() of the
//     trace checks that the counted bytes are the bytes the correct answer needed;
//   - a schedule whose tiles do not fit (SRAM, or registers where modelled) throws ConfigError
//     naming the tiles and the arithmetic; so do problems too large to run (see check_functional_size).
//   - stored O, S, P round to the element type (as the real kernels store them); l, m, LSE are fp32.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "sim/core/problem.h"
#include "sim/core/schedule.h"
#include "sim/engine/counters.h"
#include "sim/gpu/gpu_spec.h"

namespace flashsim {

struct FunctionalOptions {
    uint64_t seed = 1;
    // Teaching mistake, for fa1/fa2/fa3: each Sij tile's softmax normalised alone (no running
    // max or sum) and the tiles' partial outputs summed. Its output is wrong when Tc > 1.
    bool naive_tiles = false;
};

struct FunctionalResult {
    std::vector<float> O;    // (B, H, N, d) row-major, as stored in HBM (element type)
    std::vector<float> LSE;  // (B, H, N): fa2/fa3 as written; fa1 as m + log(l); empty otherwise
    double max_abs_err = 0;  // max |O - O_ref|
    double max_rel_err = 0;  // max |O - O_ref| / max |O_ref| (element-wise ratios blow up near 0)
    double lse_max_abs_err = 0;  // max |LSE - LSE_ref| when LSE is set
    Counters counts;         // bytes the execution moved, paper mode (no L2); matmul_flops
    int64_t sram_peak_bytes = 0;      // largest SRAM arena of any kernel
    int64_t register_peak_bytes = 0;  // largest register arena (0 when registers are not modelled)
};

FunctionalResult run_functional(const AttentionProblem& p, const Schedule& resolved, const GpuSpec& g,
                                uint64_t seed = 1);
FunctionalResult run_functional(const AttentionProblem& p, const Schedule& resolved, const GpuSpec& g,
                                const FunctionalOptions& o);

// The max_rel_err a correct execution stays within, per element type (fp32 compute, outputs
// stored in the element type): fp32 1e-5; fp16 2e-3; bf16 1.6e-2; fp8 (E4M3) 0.25, loose because
// vanilla stores P in fp8, whose subnormal spacing 2^-9 is close to probabilities of about 1/N.
double functional_tolerance(Dtype t);

// Throws ConfigError when the functional layer would take too long or too much memory:
// B*H*N*N_kv*d > 2^32 (multiply-adds of one GEMM), or, for vanilla, B*H*N*N_kv > 2^26 (the S
// and P arrays).
void check_functional_size(const AttentionProblem& p, Algorithm algo);

// A seeded input tensor (kSeedQ, kSeedK or kSeedV), (B, H, rows, d) with rows N for Q and N_kv
// for K and V, rounded to the problem's element type.
std::vector<float> seeded_tensor(const AttentionProblem& p, uint32_t tensor, uint64_t seed);

// softmax(Q K^T / sqrt(d)) V in double (causal mask when p.causal), and the row logsumexp.
struct Reference {
    std::vector<double> O, LSE;
};
Reference reference_attention(const AttentionProblem& p, const std::vector<float>& Q, const std::vector<float>& K,
                              const std::vector<float>& V);

}  // namespace flashsim
