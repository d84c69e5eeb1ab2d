// versions.cu: the table of kernel versions (see versions.h). One row per step of the ladder.
#include "versions.h"

#include <cstdio>

namespace {

constexpr DeclaredTiles kUnused{-1, 0, 0, 0, 0};

const VersionInfo kVersions[] = {
    // id name algo pass matmul_unit writes_lse dtypes summary {tiles per d} plan workspace launch
    {1, "vanilla_tiled", "vanilla", "fwd", "fma", false, "fp32 fp16 bf16",
     "vanilla, unfused: tiled SRAM GEMM S=QK^T/sqrt(d) -> HBM, row softmax P -> HBM, tiled GEMM O=PV",
     {{0, 64, 64, 8, 1}, kUnused},
     v1_vanilla_tiled::plan, v1_vanilla_tiled::workspace_bytes, v1_vanilla_tiled::launch},
    // cuBLAS picks its own GEMM tiles; 64x64 (v1's) is what the run records
    {2, "vanilla_cublas", "vanilla", "fwd", "cublas", false, "fp32 fp16 bf16",
     "vanilla, unfused: the two GEMMs by cuBLAS (strided batched, fp32 accumulate), same softmax",
     {{0, 64, 64, 8, 1}, kUnused},
     v2_vanilla_cublas::plan, v2_vanilla_cublas::workspace_bytes, v2_vanilla_cublas::launch},
    {3, "fa1", "fa1", "fwd", "fma", false, "fp32 fp16 bf16",
     "FlashAttention-1, Algorithm 1: one CTA per (b,h); outer loop over Kj,Vj, inner over Qi,Oi,li,mi",
     {{0, 32, 32, 4, 1}, kUnused},
     v3_fa1::plan, v3_fa1::workspace_bytes, v3_fa1::launch},
    {4, "fa2_scalar", "fa2", "fwd", "fma", true, "fp32 fp16 bf16",
     "FlashAttention-2, scalar fp32: one CTA per (query block,h,b); Oi on chip, rescaled once; LSE",
     {{0, 64, 64, 8, 1}, kUnused},
     v4_fa2_scalar::plan, v4_fa2_scalar::workspace_bytes, v4_fa2_scalar::launch},
    {5, "fa2_tc", "fa2", "fwd", "mma_sync", true, "fp16 bf16",
     "FlashAttention-2 on tensor cores: mma.sync m16n8k16 + ldmatrix, cp.async double buffer, swizzle",
     {{64, 128, 128, 4, 2}, {128, 128, 64, 4, 2}},
     v5_fa2_tc::plan, v5_fa2_tc::workspace_bytes, v5_fa2_tc::launch, 0, 0.0f, "heaviest-first"},
    // the backward of version 5's forward; Br = query rows, Bc = key rows (FA2's paper notation)
    {7, "fa2_bwd", "fa2", "bwd", "mma_sync", false, "fp16 bf16",
     "FlashAttention-2 backward on tensor cores: one CTA per key block, dKj dVj on chip, dQ fp32 atomics",
     {{64, 128, 128, 8, 2}, {128, 64, 128, 8, 2}},
     v7_fa2_bwd::plan, v7_fa2_bwd::workspace_bytes, v7_fa2_bwd::launch, 5},
    // the unfused backward of version 2's forward (reads its P); cuBLAS tiles recorded as version 2's
    {8, "vanilla_bwd", "vanilla", "bwd", "cublas", false, "fp32 fp16 bf16",
     "vanilla backward, unfused: cuBLAS dV=P^T dO, dP=dO V^T, row kernel dS=P o (dP-D), dQ=tau dS K, dK=tau dS^T Q",
     {{0, 64, 64, 8, 1}, kUnused},
     v8_vanilla_bwd::plan, v8_vanilla_bwd::workspace_bytes, v8_vanilla_bwd::launch, 2},
    // the FA paper's Figure 2 baseline (GPT-2's attention in PyTorch); dropout p = GPT-2's attn_pdrop
    {9, "standard_fwd", "standard", "fwd", "cublas", false, "fp32 fp16 bf16",
     "standard attention as PyTorch runs it: cuBLAS QK^T, scale, causal mask, softmax, dropout (Z stored), cuBLAS PV",
     {{0, 64, 64, 8, 1}, kUnused},
     v9_standard_fwd::plan, v9_standard_fwd::workspace_bytes, v9_standard_fwd::launch, 0, 0.1f},
    {10, "standard_bwd", "standard", "bwd", "cublas", false, "fp32 fp16 bf16",
     "standard attention's autograd backward: cuBLAS dV, dP; dropout, softmax, mask, scale backward; cuBLAS dQ, dK",
     {{0, 64, 64, 8, 1}, kUnused},
     v10_standard_bwd::plan, v10_standard_bwd::workspace_bytes, v10_standard_bwd::launch, 9, 0.1f},
#ifdef FLASHSIM_KERNELS_V6  // sm_90a code: absent when the build targets no Hopper architecture
    {6, "fa3_hopper", "fa3", "fwd", "wgmma", true, "fp16 bf16",
     "FA3-style, Hopper only (sm_90a): TMA producer warpgroup, 2-stage mbarrier ring, wgmma, ping-pong",
     {{64, 128, 128, 12, 2}, {128, 128, 128, 12, 2}},
     v6_fa3_hopper::plan, v6_fa3_hopper::workspace_bytes, v6_fa3_hopper::launch, 0, 0.0f, "heaviest-first"},
#endif
};

}  // namespace

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

const DeclaredTiles* declared_tiles(const VersionInfo& v, int d) {
    for (const DeclaredTiles& t : v.tiles)
        if (t.d == d || t.d == 0) return &t;
    return nullptr;
}

std::string versions_json() {
    int n = 0;
    const VersionInfo* v = all_versions(&n);
    std::string out = "[";
    char buf[512];
    for (int i = 0; i < n; ++i) {
        std::snprintf(buf, sizeof buf,
                      "%s\n {\"version\": %d, \"kernel\": \"%s\", \"algo\": \"%s\", \"pass\": \"%s\", \"matmul_unit\": \"%s\", "
                      "\"writes_lse\": %s, \"dtypes\": \"%s\", \"forward_version\": %d, \"dropout_p\": %g, "
                      "\"block_order\": \"%s\", \"tiles\": [",
                      i ? "," : "", v[i].id, v[i].name, v[i].algo, v[i].pass, v[i].matmul_unit,
                      v[i].writes_lse ? "true" : "false", v[i].dtypes, v[i].forward_version, double(v[i].dropout_p),
                      v[i].block_order);
        out += buf;
        bool first = true;
        for (const DeclaredTiles& t : v[i].tiles) {
            if (t.d < 0) continue;
            std::snprintf(buf, sizeof buf, "%s{\"d\": %s, \"Br\": %d, \"Bc\": %d, \"warps\": %d, \"stages\": %d}",
                          first ? "" : ", ", t.d ? std::to_string(t.d).c_str() : "\"any\"", t.Br, t.Bc, t.warps,
                          t.stages);
            out += buf;
            first = false;
        }
        out += "], \"summary\": \"" + std::string(v[i].summary) + "\"}";
    }
    return out + "\n]\n";
}
