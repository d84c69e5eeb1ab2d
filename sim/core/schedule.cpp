// schedule.cpp: defaults from the papers and the real kernels, footprints, validation.
#include "sim/core/schedule.h"

#include <algorithm>
#include <cstdio>

#include "sim/algorithms/algorithm.h"
#include "sim/core/errors.h"
#include "sim/gpu/gpu_spec.h"

namespace flashsim {

const char* to_string(Algorithm a) { return algorithm_info(a).name; }

const char* to_string(GemmTiling g) { return g == GemmTiling::ideal ? "ideal" : "tiled"; }
const char* to_string(MatmulUnit u) { return u == MatmulUnit::tensor ? "tensor" : "fma"; }

Algorithm parse_algorithm(const std::string& s) {
    for (const AlgorithmInfo* a : all_algorithms())
        if (s == a->name) return a->id;
    throw ConfigError("algo='" + s + "' is unknown; allowed: " + algorithm_names());
}

GemmTiling parse_gemm_tiling(const std::string& s) {
    if (s == "ideal") return GemmTiling::ideal;
    if (s == "tiled") return GemmTiling::tiled;
    throw ConfigError("vanilla-gemm='" + s + "' is unknown; allowed: ideal, tiled");
}

MatmulUnit parse_matmul_unit(const std::string& s) {
    if (s == "tensor") return MatmulUnit::tensor;
    if (s == "fma") return MatmulUnit::fma;
    throw ConfigError("matmul-unit='" + s + "' is unknown; allowed: tensor, fma");
}

std::string Schedule::describe() const {
    return std::string(to_string(algo)) + " Br=" + std::to_string(Br) + " Bc=" + std::to_string(Bc) +
           " warps=" + std::to_string(warps) + " stages=" + std::to_string(stages) +
           (algorithm_info(algo).unfused ? std::string(" gemm=") + to_string(vanilla_gemm) : "") +
           (matmul_unit == MatmulUnit::fma ? " matmul=fma" : "");
}

std::string format_bytes(int64_t bytes) {
    char buf[64];
    const double b = double(bytes);
    if (bytes < 1024) std::snprintf(buf, sizeof buf, "%lld B", (long long)bytes);
    else if (b < 1024.0 * 1024) std::snprintf(buf, sizeof buf, "%.4g KiB", b / 1024);
    else if (b < 1024.0 * 1024 * 1024) std::snprintf(buf, sizeof buf, "%.4g MiB", b / (1024.0 * 1024));
    else std::snprintf(buf, sizeof buf, "%.4g GiB", b / (1024.0 * 1024 * 1024));
    return buf;
}

Footprint forward_footprint(const Schedule& s, const AttentionProblem& p, const GpuSpec& g) {
    return algorithm_info(s.algo).forward.footprint(s, p, g);
}

Footprint backward_footprint(const Schedule& s, const AttentionProblem& p, const GpuSpec& g) {
    const PassEntry& bwd = algorithm_info(s.algo).backward;
    return bwd.footprint ? bwd.footprint(s, p, g) : forward_footprint(s, p, g);  // no backward: make_trace says so
}

Footprint footprint(const Schedule& s, const AttentionProblem& p, const GpuSpec& g) {
    return p.pass == Pass::fwd ? forward_footprint(s, p, g) : backward_footprint(s, p, g);
}

namespace {

bool fits(const Schedule& s, const AttentionProblem& p, const GpuSpec& g) {
    const Footprint f = footprint(s, p, g);
    return f.sram_bytes <= g.sram_bytes_per_sm && f.register_bytes <= g.register_bytes_per_sm;
}

// Drops stages (when `stages` may change), then (when `blocks` may change) halves the larger
// block (Bc on ties), until the schedule fits.
void shrink_to_fit(Schedule& s, const AttentionProblem& p, const GpuSpec& g, bool blocks, bool stages) {
    while (!fits(s, p, g)) {
        if (stages && s.stages > 1) --s.stages;
        else if (!blocks) break;
        else if (s.Bc >= s.Br && s.Bc > 1) s.Bc = (s.Bc + 1) / 2;
        else if (s.Br > 1) s.Br = (s.Br + 1) / 2;
        else break;
    }
}

}  // namespace

Schedule resolve_schedule(Schedule s, const AttentionProblem& p, const GpuSpec& g) {
    p.validate();
    const bool defaulted_Br = s.Br == 0, defaulted_Bc = s.Bc == 0;
    const bool defaulted_blocks = defaulted_Br && defaulted_Bc;
    const bool defaulted_stages = s.stages == 0;
    for (const auto& [key, v] : {std::pair<const char*, int64_t>{"Br", s.Br}, {"Bc", s.Bc}, {"warps", s.warps}, {"stages", s.stages}})
        if (v < 0)
            throw ConfigError(std::string(key) + "=" + std::to_string(v) + " is out of range; allowed: >= 1, or 0 for the default");
    // Fixed ranges first: shrinking blocks to fit an absurd stage count would walk for minutes.
    if (s.warps > 32) throw ConfigError("warps=" + std::to_string(s.warps) + " is out of range; allowed: 1 to 32");
    if (s.stages > 8) throw ConfigError("stages=" + std::to_string(s.stages) + " is out of range; allowed: 1 to 8");
    // User-given blocks before any footprint is computed from them (64-bit products).
    if (s.Br > p.N)
        throw ConfigError("Br=" + std::to_string(s.Br) + " is larger than N=" + std::to_string(p.N) + "; allowed: 1 to N");
    if (s.Bc > p.Nk())
        throw ConfigError("Bc=" + std::to_string(s.Bc) + " is larger than " + (p.N_kv ? "N_kv=" : "N=") +
                          std::to_string(p.Nk()) + "; allowed: 1 to " + (p.N_kv ? "N_kv" : "N"));
    const int64_t d = p.d;
    algorithm_info(s.algo).fill_defaults(s, p, g);
    // A defaulted block size never exceeds the sequence (the user's own choice is checked below).
    if (defaulted_Br) s.Br = std::min(s.Br, p.N);
    if (defaulted_Bc) s.Bc = std::min(s.Bc, p.Nk());
    if (defaulted_blocks) shrink_to_fit(s, p, g, true, defaulted_stages);  // documented: shrink until it fits
    else if (defaulted_stages) shrink_to_fit(s, p, g, false, true);
    if (s.warps > 32) throw ConfigError("warps=" + std::to_string(s.warps) + " is out of range; allowed: 1 to 32");
    if (s.warps > g.max_warps_per_sm)
        throw ConfigError("warps=" + std::to_string(s.warps) + " exceeds the " + g.name + " preset's max_warps_per_sm=" +
                          std::to_string(g.max_warps_per_sm));
    if (s.stages > 8) throw ConfigError("stages=" + std::to_string(s.stages) + " is out of range; allowed: 1 to 8");
    const Footprint f = footprint(s, p, g);
    if (f.sram_bytes > g.sram_bytes_per_sm)
        throw ConfigError(s.describe() + ", d=" + std::to_string(d) + " " + to_string(p.dtype) + " needs " +
                          format_bytes(f.sram_bytes) + " of SRAM (" + f.sram_arithmetic + "); the " + g.name +
                          " preset has " + format_bytes(g.sram_bytes_per_sm) + " per SM");
    if (f.register_bytes > g.register_bytes_per_sm)
        throw ConfigError(s.describe() + ", d=" + std::to_string(d) + " needs " + format_bytes(f.register_bytes) +
                          " of registers (" + f.register_arithmetic + "); the " + g.name + " preset has " +
                          format_bytes(g.register_bytes_per_sm) + " per SM");
    return s;
}

}  // namespace flashsim
