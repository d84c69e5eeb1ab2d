// versions.h: the one table of kernel versions. --help and --list-versions print it, the
// dispatcher runs from it and the measurement JSON carries each run's row, so they cannot drift.
//
// Each row declares what the cross-check needs to stand for the kernel in the simulator:
// algorithm, pass, matmul unit, and the default schedule (Br, Bc, warps, stages) per head dim.
// fa_bench checks, on every run with default blocks, that plan() chose the declared schedule.
//
// Contract for a version:
//   plan(problem, config, device): fills config's defaults (Br, Bc, warps, stages, SRAM
//     bytes) and returns "" if the version can run this problem on this device, else one
//     line naming the key, the value and what is allowed.
//   workspace_bytes(problem, config): extra HBM the version needs (S and P for vanilla).
//   launch(...): enqueues all kernels on `stream`; checks every launch. No allocation, no sync.
#pragma once
#include "common.cuh"

// The schedule plan() chooses when Br, Bc are not given, at head dim d (d = 0: every d the
// version supports).
struct DeclaredTiles {
    int d, Br, Bc, warps, stages;
};

struct VersionInfo {
    int id;
    const char* name;         // kernel family, as in the measurement file
    const char* algo;         // vanilla | standard | fa1 | fa2 | fa3
    const char* pass;         // fwd | bwd (reads what its forward_version left: O, LSE or P; and dO; writes dQ, dK, dV)
    const char* matmul_unit;  // fma (CUDA cores, fp32) | mma_sync | wgmma | cublas (cuBLAS picks its own)
    bool writes_lse;
    const char* dtypes;       // storage types it supports
    const char* summary;      // one line for --help
    DeclaredTiles tiles[2];   // per head dim; a row with d = -1 is unused
    std::string (*plan)(const AttnProblem&, AttnConfig&, const cudaDeviceProp&);
    size_t (*workspace_bytes)(const AttnProblem&, const AttnConfig&);
    void (*launch)(const AttnProblem&, const AttnConfig&, const AttnBuffers&, cudaStream_t);
    // pass bwd: the forward version fa_bench runs first (not timed) to make O, LSE and whatever the
    // backward reads from its workspace; the backward's workspace starts with the forward's.
    int forward_version = 0;
    float dropout_p = 0.0f;  // dropout probability applied to P (standard attention: GPT-2's attn_pdrop)
    // The order a head's query blocks launch in (a forward of one CTA per query block):
    // "heaviest-first" maps blockIdx.x to Tr - 1 - blockIdx.x when causal, "index" does not.
    const char* block_order = "index";
};

const VersionInfo* find_version(int id);
const VersionInfo* all_versions(int* count);
// The declared default schedule of `v` at head dim d, or nullptr when it declares none for d.
const DeclaredTiles* declared_tiles(const VersionInfo& v, int d);
// The table as JSON (fa_bench --list-versions; profile.py reads it).
std::string versions_json();

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
DECLARE_VERSION(v7_fa2_bwd)
DECLARE_VERSION(v8_vanilla_bwd)
DECLARE_VERSION(v9_standard_fwd)
DECLARE_VERSION(v10_standard_bwd)
DECLARE_VERSION(v6_fa3_hopper)  // built only when CMAKE_CUDA_ARCHITECTURES has 90 (FLASHSIM_KERNELS_V6)
#undef DECLARE_VERSION

// The row softmax kernel of vanilla attention, shared by v1 and v2 (defined in v1).
// S, P: (B, H, N, N), row-major, element type of the problem.
void launch_row_softmax(const AttnProblem& p, const void* S, void* P, cudaStream_t stream);
