// versions.cu: the table of kernel versions (see versions.h). One line per step of the ladder.
#include "versions.h"

static const VersionInfo kVersions[] = {
    {1, "vanilla_tiled", "vanilla", "tiled", false, "fp32 fp16 bf16",
     "vanilla, unfused: tiled SRAM GEMM S=QK^T/sqrt(d) -> HBM, row softmax P -> HBM, tiled GEMM O=PV",
     v1_vanilla_tiled::plan, v1_vanilla_tiled::workspace_bytes, v1_vanilla_tiled::launch},
    {2, "vanilla_cublas", "vanilla", "cublas", false, "fp32 fp16 bf16",
     "vanilla, unfused: the two GEMMs by cuBLAS (strided batched, fp32 accumulate), same softmax",
     v2_vanilla_cublas::plan, v2_vanilla_cublas::workspace_bytes, v2_vanilla_cublas::launch},
    {3, "fa1", "fa1", nullptr, false, "fp32 fp16 bf16",
     "FlashAttention-1, Algorithm 1: one CTA per (b,h); outer loop over Kj,Vj, inner over Qi,Oi,li,mi",
     v3_fa1::plan, v3_fa1::workspace_bytes, v3_fa1::launch},
    {4, "fa2_scalar", "fa2", nullptr, true, "fp32 fp16 bf16",
     "FlashAttention-2, scalar fp32: one CTA per (query block,h,b); Oi on chip, rescaled once; LSE",
     v4_fa2_scalar::plan, v4_fa2_scalar::workspace_bytes, v4_fa2_scalar::launch},
    {5, "fa2_tc", "fa2", nullptr, true, "fp16 bf16",
     "FlashAttention-2 on tensor cores: mma.sync m16n8k16 + ldmatrix, cp.async double buffer, swizzle",
     v5_fa2_tc::plan, v5_fa2_tc::workspace_bytes, v5_fa2_tc::launch},
#ifdef FLASHSIM_KERNELS_V6  // sm_90a code: absent when the build targets no Hopper architecture
    {6, "fa3_hopper", "fa3", nullptr, true, "fp16 bf16",
     "FA3-style, Hopper only (sm_90a): TMA producer warpgroup, 2-stage mbarrier ring, wgmma, ping-pong",
     v6_fa3_hopper::plan, v6_fa3_hopper::workspace_bytes, v6_fa3_hopper::launch},
#endif
};

const VersionInfo* all_versions(int* count) {
    *count = int(sizeof kVersions / sizeof kVersions[0]);
    return kVersions;
}

const VersionInfo* find_version(int id) {
    int n = 0;
    const VersionInfo* v = all_versions(&n);
    for (int i = 0; i < n; ++i)
        if (v[i].id == id) return &v[i];
    return nullptr;
}
