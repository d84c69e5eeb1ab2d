// mapping.h: which simulator configuration stands for a measured kernel run, and which GPU
// preset stands for the GPU that ran it.
//
// A run maps by the properties its kernel version declares (kernel_properties.h: from the file,
// or for files before schema 2 from the legacy table), never by its name:
//   algo              -> the simulator's algorithm, with the run's Br, Bc, warps, stages
//   pass              -> the problem's pass
//   matmul_unit fma   -> matmul_unit=fma: scalar fp32 GEMMs on CUDA cores (versions 1, 3, 4)
//               mma_sync, wgmma -> matmul_unit=tensor
//               cublas -> matmul_unit=tensor, and for vanilla each GEMM kernel's tile as its
//                         name states it (cublas_tile: nvjet_sm90_hsh_256x128_64x4_1x2_... ->
//                         C's rows 128, columns 256, K step 64, 4 stages, clusters of 2 along C's
//                         rows: Schedule::gemm_tiles), when every GEMM kernel of the run states
//                         one; else Br=Bc=kCublasTileAssumed for all: 128x128 is what cuBLAS's
//                         fp16 tensor-core GEMMs commonly use on A100 and H100 for large M, N
//                         (the file's Br, Bc are 64x64, v1's). The tile changes L2 traffic
//                         (operand re-reads), not HBM bytes once re-reads hit in L2.
//   vanilla           -> vanilla_gemm=tiled: real GEMMs issue every operand re-read to global memory
//   block_order       -> the schedule's block_order for fa2 and fa3 (declared_block_order: versions
//                        5 and 6 launch causal query blocks heaviest first)
// So a new version of a known algorithm and unit needs no change here.
#pragma once
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sim/core/problem.h"
#include "sim/core/schedule.h"
#include "sim/crosscheck/measurement.h"

namespace flashsim::crosscheck {

inline constexpr int64_t kCublasTileAssumed = 128;
// What a cuBLAS kernel's name states of its CTA tile, in cuBLAS's (column-major) terms: M x N
// outputs, K per step in `stages` SRAM buffers, clusters of cluster_m x cluster_n CTAs.
struct CublasTile {
    int64_t m = 0, n = 0, k = 0, stages = 1, cluster_m = 1, cluster_n = 1;
};
std::optional<CublasTile> cublas_tile(const std::string& kernel);
// The tiles of those of `kernels` that state one, in order.
std::vector<CublasTile> cublas_tiles(const std::vector<std::string>& kernels);
// The tile as the simulator's GEMM kernels take it (row-major: C's rows = cuBLAS's N).
GemmTile gemm_tile_of(const CublasTile& t);

struct SimConfig {
    AttentionProblem problem;
    Schedule schedule;  // unresolved: 0 knobs take the simulator's defaults
    std::string note;   // an assumption the mapping made ("cuBLAS tiles assumed 128x128"), or ""
    // fa3: the kernel's intra-warpgroup pipeline as it declares it; undeclared: none (kernels/v6
    // has ping-pong only, its header says).
    bool intra_warpgroup_pipeline = true;
};

// Throws ConfigError when the run has no algorithm (it failed before planning), an unknown one, or
// no declared properties.
SimConfig sim_config_for(const MeasuredRun& r);

// The preset for a GPU name as nvidia-smi prints it: H100 -> h100, H200 -> h200, A100 -> a100-80gb
// or a100-40gb by the memory in its name, RTX 4090 -> rtx4090. Throws ConfigError for a name it
// cannot place, asking for --gpu.
std::string preset_for_gpu(const std::string& gpu_name);

}  // namespace flashsim::crosscheck
