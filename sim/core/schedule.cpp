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
const char* to_string(MatmulUnit u) { return u == MatmulUnit::tensor ? "tensor" : "fma"; }

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

MatmulUnit parse_matmul_unit(const std::string& s) {
    if (s == "tensor") return MatmulUnit::tensor;
    if (s == "fma") return MatmulUnit::fma;
    throw ConfigError("matmul-unit='" + s + "' is unknown; allowed: tensor, fma");
}

std::string Schedule::describe() const {
    return std::string(to_string(algo)) + " Br=" + std::to_string(Br) + " Bc=" + std::to_string(Bc) +
           " warps=" + std::to_string(warps) + " stages=" + std::to_string(stages) +
           (algo == Algorithm::vanilla ? std::string(" gemm=") + to_string(vanilla_gemm) : "") +
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
    return p.pass == Pass::fwd ? forward_footprint(s, p, g) : backward_footprint(s, p, g);
}

Footprint backward_footprint(const Schedule& s, const AttentionProblem& p, const GpuSpec& g) {
    const int64_t es = p.es(), d = p.d, Br = s.Br, Bc = s.Bc;
    const bool regs = g.register_bytes_per_sm > 0;
    std::vector<Term> sram, reg;
    auto acc = [&](const char* name, int64_t r, int64_t c) {
        if (regs) reg.push_back({name, r, c, 4});
        else sram.push_back({name, r, c, es});
    };
    switch (s.algo) {
        case Algorithm::vanilla: {
            // The GEMMs dV = P^T dO and dK = dS^T Q hold a Br x Bc tile, a Br x d tile and a Bc x d
            // accumulator; the others have the forward's shapes.
            const Footprint f = forward_footprint(s, p, g);
            const int64_t tn_bytes = (Br * Bc + Br * d) * es + Bc * d * (regs ? 0 : es);
            if (tn_bytes <= f.sram_bytes) return f;
            sram = {{"Pij", Br, Bc, es}, {"dOi", Br, d, es}};
            acc("dVj(acc)", Bc, d);
            break;
        }
        case Algorithm::fa1:
            // Algorithm 4 keeps every tile in SRAM; Sij becomes Pij and dPij becomes dSij in place.
            sram = {{"Kj", Bc, d, es},  {"Vj", Bc, d, es},  {"dKj", Bc, d, es},  {"dVj", Bc, d, es},
                    {"Qi", Br, d, es},  {"Oi", Br, d, es},  {"dOi", Br, d, es},  {"dQi", Br, d, es},
                    {"Sij", Br, Bc, es}, {"dPij", Br, Bc, es}};
            break;
        case Algorithm::fa2:
            // As the released kernel: Qi, dOi, Kj, Vj and the GEMM operands Pij, dSij in SRAM;
            // the accumulators Sij, dPij, dKj, dVj and the dQi partial in fp32 registers.
            sram = {{"Qi", Br, d, es}, {"dOi", Br, d, es}, {"Kj", Bc, d, es}, {"Vj", Bc, d, es},
                    {"Pij", Br, Bc, es}, {"dSij", Br, Bc, es}};
            acc("Sij", Br, Bc);
            acc("dPij", Br, Bc);
            acc("dKj", Bc, d);
            acc("dVj", Bc, d);
            acc("dQi", Br, d);
            break;
        case Algorithm::fa3:
            return forward_footprint(s, p, g);  // no backward modelled (make_trace says so)
    }
    Footprint f;
    f.sram_bytes = sum_terms(sram, &f.sram_arithmetic);
    if (!reg.empty()) f.register_bytes = sum_terms(reg, &f.register_arithmetic);
    return f;
}

Footprint forward_footprint(const Schedule& s, const AttentionProblem& p, const GpuSpec& g) {
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
            // Each level holds the larger of the two GEMM kernels' needs (the softmax streams one
            // row at a time): S = Q.K^T holds Qi, Kj and an Sij accumulator; O = P.V holds Pij, Vj
            // and an Oi accumulator. With registers modelled, SRAM and registers each take their
            // own maximum (the QK kernel may need more SRAM while the PV kernel needs more registers).
            const int64_t qk_sram = (Br * d + Bc * d) * es, pv_sram = (Br * Bc + Bc * d) * es;
            if (regs) {
                sram = qk_sram >= pv_sram ? std::vector<Term>{{"Qi", Br, d, es}, {"Kj", Bc, d, es}}
                                          : std::vector<Term>{{"Pij", Br, Bc, es}, {"Vj", Bc, d, es}};
                reg = {Bc >= d ? Term{"Sij(acc)", Br, Bc, 4} : Term{"Oi(acc)", Br, d, 4}};
            } else if (qk_sram + Br * Bc * es >= pv_sram + Br * d * es) {
                sram = {{"Qi", Br, d, es}, {"Kj", Bc, d, es}, {"Sij(acc)", Br, Bc, es}};
            } else {
                sram = {{"Pij", Br, Bc, es}, {"Vj", Bc, d, es}, {"Oi(acc)", Br, d, es}};
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
