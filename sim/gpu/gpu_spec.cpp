// gpu_spec.cpp: the field table, TOML loading (toml++) and --set overrides.
#include "sim/gpu/gpu_spec.h"

#include <cmath>
#include <cstddef>
#include <fstream>
#include <map>
#include <sstream>
#include <toml++/toml.h>

#include "sim/core/errors.h"
#include "sim/core/problem.h"

namespace flashsim {

namespace {

struct FieldAccess {
    GpuField field;
    int64_t GpuSpec::*i = nullptr;
    double GpuSpec::*r = nullptr;
};

#define FS_INT(k, u, h) FieldAccess{{#k, true, u, h}, &GpuSpec::k, nullptr}
#define FS_REAL(k, u, h) FieldAccess{{#k, false, u, h}, nullptr, &GpuSpec::k}

const std::vector<FieldAccess>& access_table() {
    static const std::vector<FieldAccess> t = {
        FS_INT(sm_count, "SMs", "streaming multiprocessors (compute units)"),
        FS_REAL(clock_hz, "Hz", "SM clock; converts cycles to seconds"),
        FS_INT(max_ctas_per_sm, "CTAs", "resident thread blocks per SM at most"),
        FS_INT(max_warps_per_sm, "warps", "resident warps per SM at most"),
        FS_INT(sram_bytes_per_sm, "bytes", "shared memory (SRAM) a kernel may use per SM"),
        FS_INT(register_bytes_per_sm, "bytes", "register file per SM; 0 = tiles all count as SRAM"),
        FS_REAL(sram_latency_cycles, "cycles", "latency of an SRAM access"),
        FS_REAL(sram_bytes_per_cycle_per_sm, "bytes/cycle", "SRAM bandwidth per SM; 0 = unlimited"),
        FS_INT(l2_bytes, "bytes", "L2 capacity; 0 = no L2 (paper mode)"),
        FS_INT(l2_line_bytes, "bytes", "L2 line (tag) size"),
        FS_INT(l2_sector_bytes, "bytes", "L2 sector, the unit of HBM transfers"),
        FS_INT(l2_ways, "ways", "L2 associativity"),
        FS_REAL(l2_latency_cycles, "cycles", "latency of an L2 hit"),
        FS_REAL(l2_bytes_per_s, "bytes/s", "L2 bandwidth, whole GPU"),
        FS_REAL(hbm_bytes_per_s, "bytes/s", "HBM (DRAM) bandwidth, whole GPU"),
        FS_REAL(hbm_latency_cycles, "cycles", "latency of an HBM access"),
        FS_REAL(tensor_flops_per_s_fp16, "FLOP/s", "dense fp16/bf16 matmul rate (tensor cores)"),
        FS_REAL(tensor_flops_per_s_fp8, "FLOP/s", "dense fp8 matmul rate; 0 = not supported"),
        FS_REAL(tensor_flops_per_s_fp32, "FLOP/s", "matmul rate on fp32 inputs"),
        FS_REAL(warp_mma_flops_per_s_fp16, "FLOP/s", "fp16/bf16 rate of warp-level mma.sync (FA1/FA2 kernels); 0 = the tensor rate"),
        FS_REAL(vector_flops_per_s, "FLOP/s", "fp32 non-matmul rate"),
        FS_REAL(exp_per_s, "exp/s", "special-function (exp) rate"),
    };
    return t;
}

const FieldAccess* find_field(const std::string& key) {
    for (const auto& f : access_table())
        if (key == f.field.key) return &f;
    return nullptr;
}

std::string known_keys() {
    std::string s;
    for (const auto& f : access_table()) s += (s.empty() ? "" : ", ") + std::string(f.field.key);
    return s;
}

std::string fmt_real(double v) {
    std::ostringstream o;
    o.precision(12);
    o << v;
    return o.str();
}

}  // namespace

const std::vector<GpuField>& gpu_fields() {
    static const std::vector<GpuField> fields = [] {
        std::vector<GpuField> v;
        for (const auto& f : access_table()) v.push_back(f.field);
        return v;
    }();
    return fields;
}

double GpuSpec::tensor_flops_per_s(Dtype t) const {
    switch (t) {
        case Dtype::fp32: return tensor_flops_per_s_fp32;
        case Dtype::fp16:
        case Dtype::bf16: return tensor_flops_per_s_fp16;
        case Dtype::fp8: return tensor_flops_per_s_fp8;
    }
    return 0;
}

double GpuSpec::matmul_flops_per_s(Dtype t, bool warp_mma) const {
    if (warp_mma && (t == Dtype::fp16 || t == Dtype::bf16) && warp_mma_flops_per_s_fp16 > 0) return warp_mma_flops_per_s_fp16;
    return tensor_flops_per_s(t);
}

void GpuSpec::validate() const {
    auto bad = [&](const char* key, const std::string& v, const char* allowed) {
        throw ConfigError("gpu '" + name + "': " + key + "=" + v + " is out of range; allowed: " + allowed);
    };
    if (sm_count < 1 || sm_count > 4096) bad("sm_count", std::to_string(sm_count), "1 to 4096");
    if (!(clock_hz > 0)) bad("clock_hz", fmt_real(clock_hz), "> 0");
    if (max_ctas_per_sm < 1) bad("max_ctas_per_sm", std::to_string(max_ctas_per_sm), ">= 1");
    if (max_warps_per_sm < 1) bad("max_warps_per_sm", std::to_string(max_warps_per_sm), ">= 1");
    if (sram_bytes_per_sm < 1) bad("sram_bytes_per_sm", std::to_string(sram_bytes_per_sm), ">= 1");
    if (register_bytes_per_sm < 0) bad("register_bytes_per_sm", std::to_string(register_bytes_per_sm), ">= 0");
    if (sram_latency_cycles < 0) bad("sram_latency_cycles", fmt_real(sram_latency_cycles), ">= 0");
    if (sram_bytes_per_cycle_per_sm < 0) bad("sram_bytes_per_cycle_per_sm", fmt_real(sram_bytes_per_cycle_per_sm), ">= 0");
    if (l2_bytes < 0) bad("l2_bytes", std::to_string(l2_bytes), ">= 0");
    if (l2_bytes > 0) {
        if (l2_sector_bytes < 1 || (l2_sector_bytes & (l2_sector_bytes - 1)))
            bad("l2_sector_bytes", std::to_string(l2_sector_bytes), "a power of two");
        if (l2_line_bytes < l2_sector_bytes || l2_line_bytes % l2_sector_bytes)
            bad("l2_line_bytes", std::to_string(l2_line_bytes), "a multiple of l2_sector_bytes");
        if (l2_ways < 1) bad("l2_ways", std::to_string(l2_ways), ">= 1");
        if (l2_bytes % (l2_line_bytes * l2_ways))
            bad("l2_bytes", std::to_string(l2_bytes), "a multiple of l2_line_bytes * l2_ways");
        if (!(l2_bytes_per_s > 0)) bad("l2_bytes_per_s", fmt_real(l2_bytes_per_s), "> 0 when l2_bytes > 0");
    }
    if (l2_latency_cycles < 0) bad("l2_latency_cycles", fmt_real(l2_latency_cycles), ">= 0");
    if (!(hbm_bytes_per_s > 0)) bad("hbm_bytes_per_s", fmt_real(hbm_bytes_per_s), "> 0");
    if (hbm_latency_cycles < 0) bad("hbm_latency_cycles", fmt_real(hbm_latency_cycles), ">= 0");
    if (!(tensor_flops_per_s_fp16 > 0)) bad("tensor_flops_per_s_fp16", fmt_real(tensor_flops_per_s_fp16), "> 0");
    if (tensor_flops_per_s_fp8 < 0) bad("tensor_flops_per_s_fp8", fmt_real(tensor_flops_per_s_fp8), ">= 0");
    if (!(tensor_flops_per_s_fp32 > 0)) bad("tensor_flops_per_s_fp32", fmt_real(tensor_flops_per_s_fp32), "> 0");
    if (warp_mma_flops_per_s_fp16 < 0) bad("warp_mma_flops_per_s_fp16", fmt_real(warp_mma_flops_per_s_fp16), ">= 0 (0: the tensor rate)");
    if (!(vector_flops_per_s > 0)) bad("vector_flops_per_s", fmt_real(vector_flops_per_s), "> 0");
    if (!(exp_per_s > 0)) bad("exp_per_s", fmt_real(exp_per_s), "> 0");
}

void GpuSpec::set(const std::string& key, const std::string& value) {
    const FieldAccess* f = find_field(key);
    if (!f) throw ConfigError("--set " + key + ": unknown GPU field; known: " + known_keys());
    try {
        size_t used = 0;
        if (f->field.integer) {
            const double v = std::stod(value, &used);  // accepts 64e3 and 65536
            if (used != value.size() || v != std::floor(v) || std::fabs(v) > 9.0e18) throw std::invalid_argument(value);
            this->*(f->i) = int64_t(v);
        } else {
            const double v = std::stod(value, &used);
            if (used != value.size() || !std::isfinite(v)) throw std::invalid_argument(value);
            this->*(f->r) = v;
        }
    } catch (const std::logic_error&) {
        throw ConfigError("--set " + key + "=" + value + ": not " +
                          (f->field.integer ? "a whole number" : "a number") + " (" + f->field.unit + ")");
    }
}

std::string GpuSpec::get(const std::string& key) const {
    const FieldAccess* f = find_field(key);
    if (!f) throw ConfigError("unknown GPU field '" + key + "'; known: " + known_keys());
    return f->field.integer ? std::to_string(this->*(f->i)) : fmt_real(this->*(f->r));
}

GpuSpec parse_gpu_toml(const std::string& text, const std::string& origin) {
    toml::table tbl;
    try {
        tbl = toml::parse(text, origin);
    } catch (const toml::parse_error& e) {
        const auto& at = e.source().begin;
        throw ConfigError(origin + ":" + std::to_string(at.line) + ":" + std::to_string(at.column) +
                          ": malformed TOML: " + std::string(e.description()));
    }
    GpuSpec g;
    auto name = tbl["name"].value<std::string>();
    auto desc = tbl["description"].value<std::string>();
    if (!name) throw ConfigError(origin + ": missing key 'name' (a string)");
    if (!desc) throw ConfigError(origin + ": missing key 'description' (a string)");
    g.name = *name;
    g.description = *desc;
    for (const auto& [k, node] : tbl) {
        const std::string key(k.str());
        if (key == "name" || key == "description") continue;
        if (!find_field(key)) throw ConfigError(origin + ": unknown key '" + key + "'; known: " + known_keys());
    }
    for (const auto& f : access_table()) {
        const toml::node* n = tbl.get(f.field.key);
        if (!n) throw ConfigError(origin + ": missing key '" + std::string(f.field.key) + "' (" + f.field.unit + ")");
        if (f.field.integer) {
            auto v = n->value_exact<int64_t>();
            if (!v) throw ConfigError(origin + ": key '" + std::string(f.field.key) + "' must be a whole number (" + f.field.unit + ")");
            g.*(f.i) = *v;
        } else {
            auto v = n->value<double>();  // integers are accepted as reals
            if (!v) throw ConfigError(origin + ": key '" + std::string(f.field.key) + "' must be a number (" + f.field.unit + ")");
            g.*(f.r) = *v;
        }
    }
    g.validate();
    return g;
}

GpuSpec load_gpu(const std::string& preset_or_file) {
    for (const auto& n : preset_names())
        if (n == preset_or_file) return parse_gpu_toml(preset_toml(n), "preset " + n);
    const bool looks_like_path = preset_or_file.find('/') != std::string::npos ||
                                 preset_or_file.find(".toml") != std::string::npos;
    if (!looks_like_path) {
        std::string names;
        for (const auto& n : preset_names()) names += (names.empty() ? "" : ", ") + n;
        throw ConfigError("gpu='" + preset_or_file + "' is neither a preset nor a .toml file; presets: " + names);
    }
    std::ifstream in(preset_or_file);
    if (!in) throw ConfigError("gpu file '" + preset_or_file + "' cannot be read");
    std::stringstream ss;
    ss << in.rdbuf();
    return parse_gpu_toml(ss.str(), preset_or_file);
}

void apply_override(GpuSpec& gpu, const std::string& kv) {
    const auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == kv.size())
        throw ConfigError("--set '" + kv + "': expected KEY=VALUE, e.g. --set sram_bytes_per_sm=65536");
    gpu.set(kv.substr(0, eq), kv.substr(eq + 1));
    gpu.validate();
}

}  // namespace flashsim
