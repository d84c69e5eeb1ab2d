// schedule.cpp: defaults from the papers and the real kernels, footprints, validation.
#include "sim/core/schedule.h"

#include <algorithm>
#include <cstdio>
#include <tuple>

#include "sim/algorithms/algorithm.h"
#include "sim/core/errors.h"
#include "sim/gpu/gpu_spec.h"

namespace flashsim {

const char* to_string(Algorithm a) { return algorithm_info(a).name; }

const char* to_string(GemmTiling g) { return g == GemmTiling::ideal ? "ideal" : "tiled"; }
const char* to_string(MatmulUnit u) { return u == MatmulUnit::tensor ? "tensor" : "fma"; }
const char* to_string(BlockOrder o) { return o == BlockOrder::index ? "index" : "heaviest-first"; }

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

BlockOrder parse_block_order(const std::string& s) {
    if (s == "index") return BlockOrder::index;
    if (s == "heaviest-first") return BlockOrder::heaviest_first;
    throw ConfigError("block-order='" + s + "' is unknown; allowed: index, heaviest-first");
}

Schedule Schedule::backward() const {
    Schedule b = *this;
    if (bwd_Br) b.Br = bwd_Br;
    if (bwd_Bc) b.Bc = bwd_Bc;
    if (bwd_warps) b.warps = bwd_warps;
    if (bwd_stages) b.stages = bwd_stages;
    return b;
}

std::string Schedule::describe() const {
    const bool own_bwd = (bwd_Br || bwd_Bc || bwd_warps || bwd_stages) &&
                         (bwd_Br != Br || bwd_Bc != Bc || bwd_warps != warps || bwd_stages != stages);
    return std::string(to_string(algo)) + " Br=" + std::to_string(Br) + " Bc=" + std::to_string(Bc) +
           " warps=" + std::to_string(warps) + " stages=" + std::to_string(stages) +
           (own_bwd ? ", bwd Br=" + std::to_string(bwd_Br) + " Bc=" + std::to_string(bwd_Bc) + " warps=" +
                          std::to_string(bwd_warps) + " stages=" + std::to_string(bwd_stages)
                    : "") +
           (algorithm_info(algo).unfused ? std::string(" gemm=") + to_string(vanilla_gemm) : "") +
           (matmul_unit == MatmulUnit::fma ? " matmul=fma" : "") +
           (block_order != BlockOrder::index ? std::string(" order=") + to_string(block_order) : "") + gemm_tiles_text();
}

std::string Schedule::gemm_tiles_text() const {
    std::string out;
    for (const GemmTile& t : gemm_tiles)
        out += (out.empty() ? " gemm tiles " : ", ") + std::to_string(t.rows) + "x" + std::to_string(t.cols) + " (K step " +
               std::to_string(t.k_step) + ", " + std::to_string(t.stages) + " stages" +
               (t.cluster > 1 ? ", clusters of " + std::to_string(t.cluster) : "") + ")";
    return out;
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
    if (p.pass == Pass::fwd) return forward_footprint(s, p, g);
    const Footprint b = backward_footprint(s.backward(), p, g);
    if (p.pass == Pass::bwd) return b;
    const Footprint f = forward_footprint(s, p, g);
    return f.sram_bytes > b.sram_bytes ? f : b;
}

namespace {

// One pass of a schedule: its footprint and its defaults (the algorithm table's, per pass).
struct PassRule {
    const char* name;  // "forward", "backward"
    Footprint (*footprint)(const Schedule&, const AttentionProblem&, const GpuSpec&);
    void (*fill_defaults)(Schedule&, const AttentionProblem&, const GpuSpec&);
};

bool fits(const PassRule& r, const Schedule& s, const AttentionProblem& p, const GpuSpec& g) {
    const Footprint f = r.footprint(s, p, g);
    return f.sram_bytes <= g.sram_bytes_per_sm && f.register_bytes <= g.register_bytes_per_sm;
}

// Drops stages that take room (when `stages` may change), then (when `blocks` may change) halves
// the larger block (Bc on ties), until the schedule fits.
void shrink_to_fit(const PassRule& r, Schedule& s, const AttentionProblem& p, const GpuSpec& g, bool blocks, bool stages) {
    const auto smaller = [&](const Schedule& a, const Schedule& b) {
        const Footprint fa = r.footprint(a, p, g), fb = r.footprint(b, p, g);
        return fa.sram_bytes < fb.sram_bytes || fa.register_bytes < fb.register_bytes;
    };
    while (!fits(r, s, p, g)) {
        Schedule fewer = s;
        --fewer.stages;
        // A stage is dropped only where it frees room (FA2's backward footprint has no stages).
        if (stages && s.stages > 1 && smaller(fewer, s)) s = fewer;
        else if (!blocks) break;
        else if (s.Bc >= s.Br && s.Bc > 1) s.Bc = (s.Bc + 1) / 2;
        else if (s.Br > 1) s.Br = (s.Br + 1) / 2;
        else break;
    }
}

// The ranges a knob has whatever the GPU; `prefix` is "" or "bwd-".
void check_ranges(const Schedule& s, const AttentionProblem& p, const std::string& prefix) {
    for (const auto& [key, v] : {std::pair<const char*, int64_t>{"Br", s.Br}, {"Bc", s.Bc}, {"warps", s.warps}, {"stages", s.stages}})
        if (v < 0)
            throw ConfigError(prefix + key + "=" + std::to_string(v) + " is out of range; allowed: >= 1, or 0 for the default");
    // Fixed ranges first: shrinking blocks to fit an absurd stage count would walk for minutes.
    if (s.warps > 32) throw ConfigError(prefix + "warps=" + std::to_string(s.warps) + " is out of range; allowed: 1 to 32");
    if (s.stages > 8) throw ConfigError(prefix + "stages=" + std::to_string(s.stages) + " is out of range; allowed: 1 to 8");
    // User-given blocks before any footprint is computed from them (64-bit products).
    if (s.Br > p.N)
        throw ConfigError(prefix + "Br=" + std::to_string(s.Br) + " is larger than N=" + std::to_string(p.N) + "; allowed: 1 to N");
    if (s.Bc > p.Nk())
        throw ConfigError(prefix + "Bc=" + std::to_string(s.Bc) + " is larger than " + (p.N_kv ? "N_kv=" : "N=") +
                          std::to_string(p.Nk()) + "; allowed: 1 to " + (p.N_kv ? "N_kv" : "N"));
}

// Fills and validates one pass's knobs (s.Br, Bc, warps, stages) against that pass's footprint.
void resolve_pass(const PassRule& r, Schedule& s, const AttentionProblem& p, const GpuSpec& g) {
    const bool defaulted_Br = s.Br == 0, defaulted_Bc = s.Bc == 0;
    const bool defaulted_blocks = defaulted_Br && defaulted_Bc;
    const bool defaulted_stages = s.stages == 0;
    r.fill_defaults(s, p, g);
    // A defaulted block size never exceeds the sequence (the user's own choice is checked before).
    if (defaulted_Br) s.Br = std::min(s.Br, p.N);
    if (defaulted_Bc) s.Bc = std::min(s.Bc, p.Nk());
    if (defaulted_blocks) shrink_to_fit(r, s, p, g, true, defaulted_stages);  // documented: shrink until it fits
    else if (defaulted_stages) shrink_to_fit(r, s, p, g, false, true);
    // With a backward in the run, the message names the pass whose tiles do not fit.
    const std::string pass = p.pass == Pass::fwd ? "" : std::string("the ") + r.name + " (pass=" + to_string(p.pass) + "): ";
    if (s.warps > 32) throw ConfigError(pass + "warps=" + std::to_string(s.warps) + " is out of range; allowed: 1 to 32");
    if (s.warps > g.max_warps_per_sm)
        throw ConfigError(pass + "warps=" + std::to_string(s.warps) + " exceeds the " + g.name + " preset's max_warps_per_sm=" +
                          std::to_string(g.max_warps_per_sm));
    if (s.stages > 8) throw ConfigError(pass + "stages=" + std::to_string(s.stages) + " is out of range; allowed: 1 to 8");
    const Footprint f = r.footprint(s, p, g);
    Schedule shown = s;  // the message names this pass's knobs alone
    shown.bwd_Br = shown.bwd_Bc = shown.bwd_warps = shown.bwd_stages = 0;
    if (f.sram_bytes > g.sram_bytes_per_sm)
        throw ConfigError(pass + shown.describe() + ", d=" + std::to_string(p.d) + " " + to_string(p.dtype) + " needs " +
                          format_bytes(f.sram_bytes) + " of SRAM (" + f.sram_arithmetic + "); the " + g.name +
                          " preset has " + format_bytes(g.sram_bytes_per_sm) + " per SM");
    if (f.register_bytes > g.register_bytes_per_sm)
        throw ConfigError(pass + shown.describe() + ", d=" + std::to_string(p.d) + " needs " + format_bytes(f.register_bytes) +
                          " of registers (" + f.register_arithmetic + "); the " + g.name + " preset has " +
                          format_bytes(g.register_bytes_per_sm) + " per SM");
}

}  // namespace

Schedule resolve_schedule(Schedule s, const AttentionProblem& p, const GpuSpec& g) {
    p.validate();
    const AlgorithmInfo& a = algorithm_info(s.algo);
    dropout_p(p, s.algo);  // refuses dropout where the algorithm models none
    if (s.block_order != BlockOrder::index && !a.query_block_ctas)
        throw ConfigError(std::string("block-order=") + to_string(s.block_order) + " with algo=" + a.name +
                          ": only a forward of one CTA per query block launches its blocks in an order; allowed: fa2, fa3, or "
                          "block-order=index");
    const bool has_fwd = p.pass != Pass::bwd, has_bwd = p.pass != Pass::fwd;
    if (!has_bwd) {
        for (const auto& [key, v] : {std::pair<const char*, int64_t>{"bwd-Br", s.bwd_Br}, {"bwd-Bc", s.bwd_Bc},
                                     {"bwd-warps", s.bwd_warps}, {"bwd-stages", s.bwd_stages}})
            if (v != 0)
                throw ConfigError(std::string(key) + "=" + std::to_string(v) +
                                  " with pass=fwd: the forward has no backward; allowed: --pass bwd or fwdbwd, or leave it out");
    }
    if (p.pass == Pass::bwd) {  // one pass: a knob given in either place sets it
        for (auto [fwd, bwd, key] : {std::tuple<int64_t*, int64_t*, const char*>{&s.Br, &s.bwd_Br, "Br"},
                                     {&s.Bc, &s.bwd_Bc, "Bc"}, {&s.warps, &s.bwd_warps, "warps"},
                                     {&s.stages, &s.bwd_stages, "stages"}}) {
            if (*fwd && *bwd && *fwd != *bwd)
                throw ConfigError(std::string(key) + "=" + std::to_string(*fwd) + " and bwd-" + key + "=" + std::to_string(*bwd) +
                                  " with pass=bwd, which runs the backward alone; allowed: one of them, or both equal");
            if (!*bwd) *bwd = *fwd;
        }
    }
    if (has_fwd) {
        check_ranges(s, p, "");
        resolve_pass({"forward", forward_footprint, a.fill_defaults}, s, p, g);
    }
    if (has_bwd) {
        Schedule b = s;  // the backward's own knobs, 0 where not given (never the forward's)
        b.Br = s.bwd_Br, b.Bc = s.bwd_Bc, b.warps = s.bwd_warps, b.stages = s.bwd_stages;
        check_ranges(b, p, "bwd-");
        resolve_pass({"backward", backward_footprint, a.fill_backward_defaults ? a.fill_backward_defaults : a.fill_defaults}, b, p, g);
        s.bwd_Br = b.Br, s.bwd_Bc = b.Bc, s.bwd_warps = b.warps, s.bwd_stages = b.stages;
        if (!has_fwd) s.Br = b.Br, s.Bc = b.Bc, s.warps = b.warps, s.stages = b.stages;
    }
    return s;
}

}  // namespace flashsim
