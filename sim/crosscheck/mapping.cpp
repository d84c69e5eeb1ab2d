// mapping.cpp: measured run -> simulator configuration; GPU name -> preset (see mapping.h).
#include "sim/crosscheck/mapping.h"

#include <algorithm>
#include <cctype>
#include <tuple>

#include "sim/algorithms/algorithm.h"
#include "sim/core/errors.h"
#include "sim/crosscheck/kernel_properties.h"

namespace flashsim::crosscheck {

std::optional<CublasTile> cublas_tile(const std::string& k) {
    // cuBLAS's Hopper kernels name their CTA tile: nvjet_sm90_hsh_256x128_64x4_1x2_h_bz_coopA_TNT
    // (256 x 128, K step 64 in 4 stages, clusters of 1 x 2: the third to fifth '_'-fields),
    // sm90_xmma_gemm_..._tilesize128x256x64_... (M x N x K; stages and cluster not stated).
    // Read by hand, not by std::regex, whose matching recurses per character of a hostile name.
    size_t i = 0;
    auto number = [&]() -> int64_t {
        const size_t from = i;
        while (i < k.size() && i - from < 4 && std::isdigit(static_cast<unsigned char>(k[i]))) ++i;
        return i - from >= 1 && i - from <= 3 ? std::stoll(k.substr(from, i - from)) : 0;
    };
    // "AxB" at i, followed by `then` (or the name's end): the two numbers, 0 when not so.
    auto pair = [&](char then) -> std::pair<int64_t, int64_t> {
        const int64_t a = number();
        if (!a || i >= k.size() || k[i] != 'x') return {0, 0};
        ++i;
        const int64_t b = number();
        if (!b || (i < k.size() && k[i] != then)) return {0, 0};
        return {a, b};
    };
    CublasTile t;
    if (k.rfind("nvjet_sm", 0) == 0) {
        const size_t first = k.find('_', 6), second = first == std::string::npos ? first : k.find('_', first + 1);
        if (second == std::string::npos) return std::nullopt;
        i = second + 1;
        std::tie(t.m, t.n) = pair('_');
        if (!t.m || t.m < 16 || t.n < 16) return std::nullopt;
        ++i;
        std::tie(t.k, t.stages) = pair('_');
        if (!t.k) return std::nullopt;
        ++i;
        std::tie(t.cluster_m, t.cluster_n) = pair('_');
        if (!t.cluster_m) t.cluster_m = t.cluster_n = 1;  // no cluster field: none
        return t;
    }
    if (const size_t at = k.find("tilesize"); at != std::string::npos) {
        i = at + 8;
        std::tie(t.m, t.n) = pair('x');
        if (!t.m || t.m < 16 || t.n < 16) return std::nullopt;
        ++i;
        t.k = number();
        if (!t.k) return std::nullopt;
        return t;
    }
    return std::nullopt;
}

std::vector<CublasTile> cublas_tiles(const std::vector<std::string>& kernels) {
    std::vector<CublasTile> out;
    for (const std::string& k : kernels)
        if (const auto t = cublas_tile(k)) out.push_back(*t);
    return out;
}

GemmTile gemm_tile_of(const CublasTile& t) {
    // cuBLAS is column-major: PyTorch's row-major C = A B^T is its C^T, so its M runs along C's
    // columns and its N along C's rows; a cluster of 1 x 2 pairs CTAs along N (C's rows), which
    // share their M-side operand (B: the operand of C's columns). Clusters along M are not
    // modelled (none of the measured kernels has one).
    return {t.n, t.m, t.k, t.stages, t.cluster_m == 1 ? std::min<int64_t>(t.cluster_n, 2) : 1};
}

SimConfig sim_config_for(const MeasuredRun& r) {
    if (r.algo.empty())
        throw ConfigError(r.label() + ": the run records no algorithm" + (r.error.empty() ? "" : " (it failed: " + r.error.substr(0, 80) + ")"));
    const KernelProperties k = declared_properties(r);
    SimConfig c;
    AttentionProblem& p = c.problem;
    p.B = r.B;
    p.H = r.H;
    p.N = r.N;
    p.d = r.d;
    p.dtype = parse_dtype(r.dtype);
    p.causal = r.causal;
    p.pass = parse_pass(k.pass);
    p.validate();
    Schedule& s = c.schedule;
    s.algo = parse_algorithm(k.algo);
    s.Br = r.Br;
    s.Bc = r.Bc;
    s.warps = r.warps;
    s.stages = r.stages;
    if (algorithm_info(s.algo).query_block_ctas) s.block_order = declared_block_order(r);
    if (k.matmul_unit == "fma") s.matmul_unit = MatmulUnit::fma;
    else if (k.matmul_unit == "mma_sync" || k.matmul_unit == "wgmma" || k.matmul_unit == "cublas") s.matmul_unit = MatmulUnit::tensor;
    else throw ConfigError(r.label() + ": matmul_unit='" + k.matmul_unit + "' is unknown; allowed: fma, mma_sync, wgmma, cublas");
    if (algorithm_info(s.algo).unfused) {
        // Real GEMMs issue every operand re-read to global memory; the L2 decides what reaches HBM.
        s.vanilla_gemm = GemmTiling::tiled;
        if (k.matmul_unit == "cublas") {
            // Each GEMM kernel's tile as its name states it (cublas_tile, gemm_tile_of), when
            // the run's GEMM kernels (the forward's S = Q K^T and O = P V; the backward's dV, dP,
            // dQ, dK, in that order) all state one: static information from the kernels, not
            // fitted. Otherwise cuBLAS's tiles are assumed, kCublasTileAssumed square.
            const std::vector<CublasTile> named = r.ncu ? cublas_tiles(r.ncu->kernels) : std::vector<CublasTile>{};
            const size_t gemms = (p.pass != Pass::bwd ? Schedule::kForwardGemmKernels : 0) +
                                 (p.pass != Pass::fwd ? Schedule::kBackwardGemmKernels : 0);
            int64_t rows = kCublasTileAssumed, cols = kCublasTileAssumed;
            if (named.size() == gemms) {
                for (const CublasTile& t : named) s.gemm_tiles.push_back(gemm_tile_of(t));
                rows = s.gemm_tiles.front().rows, cols = s.gemm_tiles.front().cols;
                c.note = "cuBLAS tiles from the kernel names:" + s.gemm_tiles_text().substr(std::string(" gemm tiles").size());
            } else {
                c.note = "cuBLAS tiles assumed " + std::to_string(kCublasTileAssumed) + "x" + std::to_string(kCublasTileAssumed);
            }
            // A GEMM tile never exceeds its matrix (small shapes: cuBLAS picks smaller tiles too).
            s.Br = std::min(rows, p.N);
            s.Bc = std::min(cols, p.Nk());
            s.warps = 0;  // cuBLAS's warps are unknown too: the simulator's default
        }
    } else if (algorithm_info(s.algo).engine.pingpong()) {
        c.intra_warpgroup_pipeline = r.intra_warpgroup_pipeline.value_or(false);
        if (!c.intra_warpgroup_pipeline) c.note = "FA3 ping-pong without the intra-warpgroup pipeline (the kernel declares none)";
    } else if (k.matmul_unit == "cublas") {
        throw ConfigError(r.label() + ": matmul_unit='cublas' is known for vanilla only (unfused attention), not algo='" + k.algo + "'");
    }
    return c;
}

std::string preset_for_gpu(const std::string& gpu_name) {
    std::string u = gpu_name;
    std::transform(u.begin(), u.end(), u.begin(), [](unsigned char ch) { return char(std::toupper(ch)); });
    u.erase(std::remove(u.begin(), u.end(), ' '), u.end());
    const auto has = [&](const char* s) { return u.find(s) != std::string::npos; };
    if (has("H200")) return "h200";
    if (has("H100")) return "h100";
    if (has("A100")) {
        if (has("80GB") || has("80G")) return "a100-80gb";
        if (has("40GB") || has("40G")) return "a100-40gb";
        throw ConfigError("provenance.gpu='" + gpu_name +
                          "' does not say 40GB or 80GB; pass --gpu a100-40gb or --gpu a100-80gb");
    }
    if (has("RTX4090")) return "rtx4090";
    throw ConfigError("provenance.gpu='" + gpu_name +
                      "' matches no preset (known: H100, H200, A100 40GB/80GB, RTX 4090); pass --gpu PRESET or a .toml file");
}

}  // namespace flashsim::crosscheck
