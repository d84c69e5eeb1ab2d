// kernel_properties.h: what a measured kernel version declares about itself, as the cross-check
// needs it to stand for the kernel in the simulator: algorithm, pass and matmul unit.
//
// Files of schema 2 on ("flashsim-measurement/2", kernels/profile.py) carry them per run, from
// kernels/versions.cu. Files written before schema 2 carry only the algorithm: their properties
// come from one legacy table keyed by version id and kernel name (legacy_properties.cpp), which
// covers exactly the versions such files were written with.
#pragma once
#include <optional>
#include <string>

#include "sim/core/schedule.h"

namespace flashsim::crosscheck {

struct MeasuredRun;

// Matmul units a kernel version declares (kernels/versions.h):
//   fma       fp32 FMAs on CUDA cores (scalar kernels)
//   mma_sync  tensor cores through warp-level mma.sync
//   wgmma     tensor cores through Hopper's warpgroup wgmma
//   cublas    GEMMs by cuBLAS, which picks its own tiles (tensor cores)
struct KernelProperties {
    std::string algo;         // vanilla | fa1 | fa2 | fa3
    std::string pass;         // fwd | bwd
    std::string matmul_unit;  // fma | mma_sync | wgmma | cublas
};

// For files written before schema 2 (flashsim-measurement/1): the properties of the kernel
// versions those files were written with, by (version id, kernel name); nullopt for any other.
std::optional<KernelProperties> legacy_properties(int64_t version, const std::string& kernel);

// The run's declared properties: its own fields when it has them (schema 2 on), else the legacy
// table's row. Throws ConfigError naming the run when neither has them.
KernelProperties declared_properties(const MeasuredRun& r);

// The order the run's kernel launches a head's query blocks in: its declared block_order (files
// from 2026-12-03 on), else that of its version as the files before were written with it
// (versions 5 fa2_tc and 6 fa3_hopper heaviest first, every other index). Throws ConfigError
// naming the run for an unknown value.
BlockOrder declared_block_order(const MeasuredRun& r);

}  // namespace flashsim::crosscheck
