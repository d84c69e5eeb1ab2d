// schedule.cpp: defaults from the papers and the real kernels, footprints, validation.
#include "sim/core/schedule.h"

#include <algorithm>
#include <cstdio>

#include "sim/core/errors.h"
#include "sim/gpu/gpu_spec.h"

namespace flashsim {

const char* to_string(Algorithm a) {
    switch (a) {
        case Algorithm::vanilla: return "vanilla";
        case Algorithm::fa1: return "fa1";
        case Algorithm::fa2: return "fa2";
        case Algorithm::fa3: return "fa3";
    }
    return "?";
}

const char* to_string(GemmTiling g) { return g == GemmTiling::ideal ? "ideal" : "tiled"; }

Algorithm parse_algorithm(const std::string& s) {
    if (s == "vanilla") return Algorithm::vanilla;
    if (s == "fa1") return Algorithm::fa1;
    if (s == "fa2") return Algorithm::fa2;
    if (s == "fa3") return Algorithm::fa3;
    throw ConfigError("algo='" + s + "' is unknown; allowed: vanilla, fa1, fa2, fa3");
}

GemmTiling parse_gemm_tiling(const std::string& s) {
    if (s == "ideal") return GemmTiling::ideal;
    if (s == "tiled") return GemmTiling::tiled;
    throw ConfigError("vanilla-gemm='" + s + "' is unknown; allowed: ideal, tiled");
}

std::string Schedule::describe() const {
    return std::string(to_string(algo)) + " Br=" + std::to_string(Br) + " Bc=" + std::to_string(Bc) +
           " warps=" + std::to_string(warps) + " stages=" + std::to_string(stages) +
           (algo == Algorithm::vanilla ? std::string(" gemm=") + to_string(vanilla_gemm) : "");
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

namespace {

struct Term {
    const char* name;
    int64_t rows, cols, elem_bytes;
};

// Sums terms and writes "Qi 64x64 + Kj 128x64 = 12288 el x 2 B = 24 KiB".
int64_t sum_terms(const std::vector<Term>& terms, std::string* text) {
    int64_t bytes = 0;
    std::string s;
    bool same_size = true;
    int64_t elems = 0;
    for (const auto& t : terms) {
        bytes += t.rows * t.cols * t.elem_bytes;
        elems += t.rows * t.cols;
        same_size = same_size && t.elem_bytes == terms.front().elem_bytes;
        if (!s.empty()) s += " + ";
        s += std::string(t.name) + " " + std::to_string(t.rows) + "x" + std::to_string(t.cols);
        if (!same_size || t.elem_bytes != terms.front().elem_bytes) s += "x" + std::to_string(t.elem_bytes) + "B";
    }
    if (same_size && !terms.empty())
        s += " = " + std::to_string(elems) + " el x " + std::to_string(terms.front().elem_bytes) + " B";
    s += " = " + format_bytes(bytes);
    *text = s;
    return bytes;
}

}  // namespace

Footprint footprint(const Schedule& s, const AttentionProblem& p, const GpuSpec& g) {
    const int64_t es = p.es(), d = p.d, Br = s.Br, Bc = s.Bc, st = std::max<int64_t>(1, s.stages);
    const bool regs = g.register_bytes_per_sm > 0;
    std::vector<Term> sram, reg;
    // Without a register model every tile is an element-type tile in SRAM: the lecture's
    // constraint Br*Bc + d*Br + d*Bc + d*Bc + d*Br <= M. Row statistics (l, m: Br values each)
    // sit in registers and are not counted, as the lecture's constraint does not count them.
    auto acc = [&](const char* name, int64_t r, int64_t c) {
        if (regs) reg.push_back({name, r, c, 4});  // fp32 accumulators in registers
        else sram.push_back({name, r, c, es});
    };
    switch (s.algo) {
        case Algorithm::vanilla: {
            // The larger of the two GEMMs' working sets (the softmax streams one row at a time):
            // S = Q.K^T holds Qi, Kj and an Sij accumulator; O = P.V holds Pij, Vj and an Oi one.
            const int64_t qk_bytes = (Br * d + Bc * d) * es + Br * Bc * (regs ? 0 : es);
            const int64_t pv_bytes = (Br * Bc + Bc * d) * es + Br * d * (regs ? 0 : es);
            if (qk_bytes >= pv_bytes) {
                sram = {{"Qi", Br, d, es}, {"Kj", Bc, d, es}};
                acc("Sij(acc)", Br, Bc);
            } else {
                sram = {{"Pij", Br, Bc, es}, {"Vj", Bc, d, es}};
                acc("Oi(acc)", Br, d);
            }
            break;
        }
        case Algorithm::fa1:
            // Algorithm 1 keeps every tile on chip in SRAM.
            sram = {{"Sij", Br, Bc, es}, {"Qi", Br, d, es}, {"Kj", Bc, d, es}, {"Vj", Bc, d, es}, {"Oi", Br, d, es}};
            break;
        case Algorithm::fa2:
        case Algorithm::fa3:
            sram = {{"Qi", Br, d, es}};
            for (int64_t k = 0; k < st; ++k) {
                sram.push_back({"Kj", Bc, d, es});
                sram.push_back({"Vj", Bc, d, es});
            }
            acc("Sij", Br, Bc);
            acc("Oi", Br, d);
            break;
    }
    Footprint f;
    f.sram_bytes = sum_terms(sram, &f.sram_arithmetic);
    if (!reg.empty()) f.register_bytes = sum_terms(reg, &f.register_arithmetic);
    return f;
}

namespace {

bool fits(const Schedule& s, const AttentionProblem& p, const GpuSpec& g) {
    const Footprint f = footprint(s, p, g);
    return f.sram_bytes <= g.sram_bytes_per_sm && f.register_bytes <= g.register_bytes_per_sm;
}

// Drops stages, then (when `blocks` may change) halves the larger block (Bc on ties), until the
// schedule fits.
void shrink_to_fit(Schedule& s, const AttentionProblem& p, const GpuSpec& g, bool blocks) {
    while (!fits(s, p, g)) {
        if (s.stages > 1) --s.stages;
        else if (!blocks) break;
        else if (s.Bc >= s.Br && s.Bc > 1) s.Bc = (s.Bc + 1) / 2;
        else if (s.Br > 1) s.Br = (s.Br + 1) / 2;
        else break;
    }
}

}  // namespace

Schedule resolve_schedule(Schedule s, const AttentionProblem& p, const GpuSpec& g) {
    p.validate();
    const bool defaulted_blocks = s.Br == 0 && s.Bc == 0;
    const bool defaulted_stages = s.stages == 0;
    if (s.Br < 0 || s.Bc < 0 || s.warps < 0 || s.stages < 0)
        throw ConfigError("Br, Bc, warps and stages must be positive (0 = default); got " + s.describe());
    const int64_t d = p.d;
    switch (s.algo) {
        case Algorithm::vanilla:
            if (!s.Br) s.Br = 64;
            if (!s.Bc) s.Bc = 64;
            if (!s.warps) s.warps = 4;
            if (!s.stages) s.stages = 1;
            break;
        case Algorithm::fa1: {
            // FA1 paper, Algorithm 1 line 1: Bc = ceil(M / 4d), Br = min(ceil(M / 4d), d).
            const int64_t M = g.sram_bytes_per_sm / p.es();
            const int64_t b = (M + 4 * d - 1) / (4 * d);
            if (!s.Bc) s.Bc = b;
            if (!s.Br) s.Br = std::min(b, d);
            if (!s.warps) s.warps = 4;
            if (!s.stages) s.stages = 1;
            break;
        }
        case Algorithm::fa2:
        case Algorithm::fa3:
            // FA2 as PyTorch's flash backend picks (flash_fwd_launch_template.h): d <= 64 -> 128 x 128,
            // d <= 128 -> 128 x 64, larger d -> 64 x 64; 4 warps. FA3: 128 x 128 (d <= 128), 2 stages.
            if (!s.Br) s.Br = d <= 128 ? 128 : 64;
            if (!s.Bc) s.Bc = s.algo == Algorithm::fa3 ? (d <= 128 ? 128 : 80) : (d <= 64 ? 128 : 64);
            if (!s.warps) s.warps = s.algo == Algorithm::fa3 ? 12 : 4;
            // Stages: 2 for both. Real FA2 kernels prefetch: Dao's issues the cp.async of Kj+1
            // before the P~ij Vj GEMM, and kernels/v5 double-buffers Kj, Vj (2 stages), so a
            // 1-stage default would time a kernel nobody runs. shrink_to_fit drops to 1 where 2
            // stages do not fit in SRAM.
            if (!s.stages) s.stages = 2;
            break;
    }
    if (defaulted_blocks) {
        // Defaults never exceed the sequence, and shrink (documented) when they do not fit.
        s.Br = std::min(s.Br, p.N);
        s.Bc = std::min(s.Bc, p.Nk());
        shrink_to_fit(s, p, g, true);
    } else if (defaulted_stages) {
        shrink_to_fit(s, p, g, false);
    }
    if (s.Br < 1 || s.Bc < 1) throw ConfigError("Br and Bc must both be set (or both left to the default); got " + s.describe());
    if (s.Br > p.N) throw ConfigError("Br=" + std::to_string(s.Br) + " is larger than N=" + std::to_string(p.N));
    if (s.Bc > p.Nk()) throw ConfigError("Bc=" + std::to_string(s.Bc) + " is larger than N=" + std::to_string(p.Nk()));
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
