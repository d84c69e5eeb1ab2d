// mapping.h: which simulator configuration stands for a measured kernel run, and which GPU
// preset stands for the GPU that ran it.
//
// Kernel versions (kernels/versions.cu) map to the simulator as follows:
//   1 vanilla, tiled 64x64 GEMM  -> vanilla, vanilla_gemm=tiled, the run's Br=Bc=64, matmul_unit=fma
//   2 vanilla with cuBLAS         -> vanilla, vanilla_gemm=tiled, Br=Bc=kCublasTileAssumed: cuBLAS
//                                    picks its own CTA tiles, which the file does not record (it
//                                    writes 64x64 to match v1); 128x128 is what cuBLAS's fp16
//                                    tensor-core GEMMs commonly use on A100 and H100 for large
//                                    M, N. The tile only changes L2 traffic (operand re-reads),
//                                    not HBM bytes once re-reads hit in L2.
//   3 FlashAttention-1            -> fa1 with the run's Br, Bc (one CTA per (batch, head)), matmul_unit=fma
//   4, 5 FlashAttention-2         -> fa2 with the run's Br, Bc, warps, stages; v4 (kernel fa2_scalar)
//                                    with matmul_unit=fma: scalar fp32 GEMMs on CUDA cores
//   6 FlashAttention-3            -> fa3 with the run's knobs
// The mapping goes by the run's `algo` and `vanilla_gemm` fields, so a new version of a known
// algorithm needs no change here.
#pragma once
#include <string>

#include "sim/core/problem.h"
#include "sim/core/schedule.h"
#include "sim/crosscheck/measurement.h"

namespace flashsim::crosscheck {

inline constexpr int64_t kCublasTileAssumed = 128;

struct SimConfig {
    AttentionProblem problem;
    Schedule schedule;  // unresolved: 0 knobs take the simulator's defaults
    std::string note;   // an assumption the mapping made ("cuBLAS tiles assumed 128x128"), or ""
};

// Throws ConfigError when the run has no algorithm (it failed before planning) or an unknown one.
SimConfig sim_config_for(const MeasuredRun& r);

// The preset for a GPU name as nvidia-smi prints it: H100 -> h100, H200 -> h200, A100 -> a100-80gb
// or a100-40gb by the memory in its name, RTX 4090 -> rtx4090. Throws ConfigError for a name it
// cannot place, asking for --gpu.
std::string preset_for_gpu(const std::string& gpu_name);

}  // namespace flashsim::crosscheck
