// versions.h: the one table of kernel versions. --help prints it and the dispatcher runs
// from it, so the two cannot drift.
//
// Contract for a version:
//   plan(problem, config, device): fills config's defaults (Br, Bc, warps, stages, SRAM
//     bytes) and returns "" if the version can run this problem on this device, else one
//     line naming the key, the value and what is allowed.
//   workspace_bytes(problem, config): extra HBM the version needs (S and P for vanilla).
//   launch(...): enqueues all kernels on `stream`; checks every launch. No allocation, no sync.
#pragma once
#include "common.cuh"

struct VersionInfo {
    int id;
    const char* name;         // kernel family, as in the measurement file
    const char* algo;         // vanilla | fa1 | fa2
    const char* vanilla_gemm; // tiled | cublas | nullptr
    bool writes_lse;
    const char* dtypes;       // storage types it supports
    const char* summary;      // one line for --help
    std::string (*plan)(const AttnProblem&, AttnConfig&, const cudaDeviceProp&);
    size_t (*workspace_bytes)(const AttnProblem&, const AttnConfig&);
    void (*launch)(const AttnProblem&, const AttnConfig&, const AttnBuffers&, cudaStream_t);
};

const VersionInfo* find_version(int id);
const VersionInfo* all_versions(int* count);

// Declarations of each version's entry points (defined in vN_*.cu).
#define DECLARE_VERSION(ns)                                                                     \
    namespace ns {                                                                              \
    std::string plan(const AttnProblem&, AttnConfig&, const cudaDeviceProp&);                  \
    size_t workspace_bytes(const AttnProblem&, const AttnConfig&);                              \
    void launch(const AttnProblem&, const AttnConfig&, const AttnBuffers&, cudaStream_t);       \
    }
DECLARE_VERSION(v1_vanilla_tiled)
DECLARE_VERSION(v2_vanilla_cublas)
DECLARE_VERSION(v3_fa1)
DECLARE_VERSION(v4_fa2_scalar)
DECLARE_VERSION(v5_fa2_tc)
DECLARE_VERSION(v6_fa3_hopper)  // built only when CMAKE_CUDA_ARCHITECTURES has 90 (FLASHSIM_KERNELS_V6)
#undef DECLARE_VERSION

// The row softmax kernel of vanilla attention, shared by v1 and v2 (defined in v1).
// S, P: (B, H, N, N), row-major, element type of the problem.
void launch_row_softmax(const AttnProblem& p, const void* S, void* P, cudaStream_t stream);
