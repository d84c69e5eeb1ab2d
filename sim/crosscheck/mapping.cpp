// mapping.cpp: measured run -> simulator configuration; GPU name -> preset (see mapping.h).
#include "sim/crosscheck/mapping.h"

#include <algorithm>
#include <cctype>

#include "sim/algorithms/algorithm.h"
#include "sim/core/errors.h"
#include "sim/crosscheck/kernel_properties.h"

namespace flashsim::crosscheck {

std::optional<std::pair<int64_t, int64_t>> cublas_tile(const std::vector<std::string>& kernels) {
    // cuBLAS's Hopper kernels name their CTA tile: nvjet_sm90_hsh_256x128_64x4_1x2_h_bz_coopA_TNT
    // (256 x 128, K step 64, 4 stages: the third '_'-field), sm90_xmma_gemm_..._tilesize128x256x64_...
    // Read by hand, not by std::regex, whose matching recurses per character of a hostile name.
    auto dims = [](const std::string& k, size_t at) -> std::optional<std::pair<int64_t, int64_t>> {
        auto number = [&](size_t& i) -> int64_t {
            const size_t from = i;
            while (i < k.size() && i - from < 4 && std::isdigit(static_cast<unsigned char>(k[i]))) ++i;
            return i - from >= 2 ? std::stoll(k.substr(from, i - from)) : 0;
        };
        size_t i = at;
        const int64_t m = number(i);
        if (!m || i >= k.size() || k[i] != 'x') return std::nullopt;
        ++i;
        const int64_t n = number(i);
        if (!n || (i < k.size() && k[i] != '_' && k[i] != 'x')) return std::nullopt;
        return std::make_pair(m, n);
    };
    for (const std::string& k : kernels) {
        if (k.rfind("nvjet_sm", 0) == 0) {
            const size_t first = k.find('_', 6), second = first == std::string::npos ? first : k.find('_', first + 1);
            if (second != std::string::npos)
                if (const auto t = dims(k, second + 1)) return t;
        }
        if (const size_t at = k.find("tilesize"); at != std::string::npos)
            if (const auto t = dims(k, at + 8)) return t;
    }
    return std::nullopt;
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
            // A GEMM tile never exceeds its matrix (small shapes: cuBLAS picks smaller tiles too).
            // The forward's first GEMM is Q K^T, whose output tile is the schedule's Br x Bc (the
            // name does not say which side is which; Q's rows take the longer, as cuBLAS's P V
            // tiles cover more query rows than keys). The backward's GEMMs tile other products
            // (dV = P^T dO first) that the schedule's one tile does not stand for: assumed there.
            int64_t rows = kCublasTileAssumed, cols = kCublasTileAssumed;
            const std::optional<std::pair<int64_t, int64_t>> named =
                r.ncu && p.pass == Pass::fwd ? cublas_tile(r.ncu->kernels) : std::nullopt;
            if (named) rows = std::max(named->first, named->second), cols = std::min(named->first, named->second);
            s.Br = std::min(rows, p.N);
            s.Bc = std::min(cols, p.Nk());
            s.warps = 0;  // cuBLAS's warps are unknown too: the simulator's default
            c.note = named ? "cuBLAS tiles " + std::to_string(rows) + "x" + std::to_string(cols) + " (the first GEMM kernel's name)"
                           : "cuBLAS tiles assumed " + std::to_string(kCublasTileAssumed) + "x" + std::to_string(kCublasTileAssumed);
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
