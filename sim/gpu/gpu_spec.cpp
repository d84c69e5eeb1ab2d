// gpu_spec.cpp: the field table, TOML loading (toml++) and --set overrides.
#include "sim/gpu/gpu_spec.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <map>
#include <sstream>
#include <toml++/toml.h>

#include "sim/core/checked_math.h"
#include "sim/core/errors.h"
#include "sim/core/input_file.h"
#include "sim/core/problem.h"

namespace flashsim {

namespace {

struct FieldAccess {
    GpuField field;
    int64_t GpuSpec::*i = nullptr;
    double GpuSpec::*r = nullptr;
};

// FS_INT/FS_REAL(key, unit, help, min, max, zero meaning or nullptr); FS_*_DEFAULT adds the
// value a preset that leaves the key out gets. A default is given only where it is the neutral
// value ("not modelled", "the tensor rate") or what every modelled GPU shares (128-byte L2
// lines of 32-byte sectors); everything that differs between GPUs must be stated by the preset.
#define FS_INT(k, u, h, lo, hi, z) FieldAccess{{#k, true, u, h, lo, hi, z, false, 0}, &GpuSpec::k, nullptr}
#define FS_REAL(k, u, h, lo, hi, z) FieldAccess{{#k, false, u, h, lo, hi, z, false, 0}, nullptr, &GpuSpec::k}
#define FS_INT_DEFAULT(k, u, h, lo, hi, z, def) FieldAccess{{#k, true, u, h, lo, hi, z, true, def}, &GpuSpec::k, nullptr}
#define FS_REAL_DEFAULT(k, u, h, lo, hi, z, def) FieldAccess{{#k, false, u, h, lo, hi, z, true, def}, nullptr, &GpuSpec::k}

// Plausible ranges: today's GPUs sit well inside them (132 SMs, 1.98 GHz, 228 KiB SRAM/SM,
// 50-126 MiB L2, 3-8 TB/s HBM, ~2 PFLOP/s fp8). The upper ends keep every derived size and time
// finite and in 64 bits; SRAM and registers go to 1 TiB so tests can model "unlimited" SRAM.
constexpr double kTiB = 1099511627776.0;

const std::vector<FieldAccess>& access_table() {
    static const std::vector<FieldAccess> t = {
        FS_INT(sm_count, "SMs", "streaming multiprocessors (compute units)", 1, 4096, nullptr),
        FS_REAL(clock_hz, "Hz", "SM clock; converts cycles to seconds", 1e6, 1e11, nullptr),
        FS_INT(max_ctas_per_sm, "CTAs", "resident thread blocks per SM at most", 1, 1024, nullptr),
        FS_INT(max_warps_per_sm, "warps", "resident warps per SM at most", 1, 1024, nullptr),
        FS_REAL_DEFAULT(clock_hz_under_fma, "Hz", "SM clock under CUDA-core (FMA) load; 0 = clock_hz", 1e6, 1e11,
                        "clock_hz", 0),
        FS_REAL_DEFAULT(clock_hz_under_mma_sync, "Hz", "SM clock under mma.sync tensor load; 0 = clock_hz", 1e6, 1e11,
                        "clock_hz", 0),
        FS_REAL_DEFAULT(clock_hz_under_wgmma, "Hz", "SM clock under wgmma tensor load; 0 = clock_hz", 1e6, 1e11,
                        "clock_hz", 0),
        FS_REAL_DEFAULT(wgmma_clock_knee_duty, "fraction",
                        "tensor duty up to which wgmma keeps the mma.sync clock; 0 = the wgmma clock at any duty", 0.001,
                        0.999, "the wgmma clock at any duty", 0),
        FS_REAL_DEFAULT(cta_launch_ns, "ns", "fixed cost of a CTA on its SM, one after another; 0 = free", 0.001, 1e6,
                        "free", 0),
        FS_INT(sram_bytes_per_sm, "bytes", "shared memory (SRAM) a kernel may use per SM", 1, kTiB, nullptr),
        FS_INT_DEFAULT(register_bytes_per_sm, "bytes", "register file per SM; 0 = tiles all count as SRAM", 1, kTiB,
                       "registers not modelled", 0),
        FS_REAL(sram_latency_cycles, "cycles", "latency of an SRAM access", 0, 1e6, nullptr),
        FS_REAL_DEFAULT(sram_bytes_per_cycle_per_sm, "bytes/cycle", "SRAM bandwidth per SM; 0 = unlimited", 0.01, 1e6,
                        "unlimited", 0),
        FS_INT_DEFAULT(l1_sram_bytes_per_sm, "bytes",
                       "unified L1 data cache + shared memory per SM; the part no CTA's SRAM takes caches ld.global loads; 0 = no L1",
                       1, kTiB, "no L1 model", 0),
        FS_REAL_DEFAULT(l1_latency_cycles, "cycles", "latency of an L1 hit; 0 = sram_latency_cycles", 0.01, 1e6,
                        "sram_latency_cycles", 0),
        FS_INT(l2_bytes, "bytes", "L2 capacity; 0 = no L2 (paper mode)", 1, 1073741824.0, "no L2"),
        FS_INT_DEFAULT(l2_line_bytes, "bytes", "L2 line (tag) size", 1, 65536, nullptr, 128),
        FS_INT_DEFAULT(l2_sector_bytes, "bytes", "L2 sector, the unit of HBM transfers", 1, 4096, nullptr, 32),
        FS_INT_DEFAULT(l2_ways, "ways", "L2 associativity", 1, 65536, nullptr, 16),
        FS_INT_DEFAULT(l2_partitions, "partitions",
                       "L2 partitions; a line used from both sides is held in each, data sees l2_bytes / partitions",
                       1, 16, nullptr, 1),
        FS_REAL_DEFAULT(l2_latency_cycles, "cycles", "latency of an L2 hit", 0, 1e6, nullptr, 0),
        FS_REAL_DEFAULT(l2_coalesce_window_ns, "ns",
                        "reads of one granule by one SM's CTAs this close in time reach the L2 tags once; 0 = none",
                        0.001, 1e6, "no coalescing", 0),
        FS_REAL_DEFAULT(l2_bytes_per_s, "bytes/s", "L2 bandwidth, whole GPU", 1e6, 1e16, "only when l2_bytes = 0", 0),
        FS_REAL(hbm_bytes_per_s, "bytes/s", "HBM (DRAM) bandwidth, whole GPU", 1e6, 1e16, nullptr),
        FS_REAL(hbm_latency_cycles, "cycles", "latency of an HBM access", 0, 1e7, nullptr),
        FS_REAL_DEFAULT(hbm_stream_fraction, "fraction",
                        "share of hbm_bytes_per_s that streaming loads reach (timing); 1 = the datasheet", 0.05, 1,
                        nullptr, 1),
        FS_REAL_DEFAULT(hbm_read_write_mix_penalty, "fraction",
                        "extra HBM time of a transfer that reads and writes HBM in equal parts (bus turnaround); 0 = none",
                        0, 1, "none", 0),
        FS_REAL_DEFAULT(hbm_queue_ns, "ns",
                        "HBM latency under the GPU's load: a request waits this x rho / (1 - rho) more, rho the HBM bytes "
                        "in flight per second over hbm_bytes_per_s; 0 = none",
                        0.001, 1e6, "none", 0),
        FS_REAL_DEFAULT(hbm_sm_queue_ns, "ns",
                        "HBM latency under the GPU's load, of an SM that keeps its even share of that load in flight: "
                        "this x share x rho / (1 - rho) more, share its SM's load over an even share (at most 1); 0 = none",
                        0.001, 1e6, "none", 0),
        FS_REAL_DEFAULT(background_hbm_write_bytes_per_s, "bytes/s",
                        "HBM bytes written per second while a kernel runs that are not the kernel's (what a profiler "
                        "counts for a kernel that only waits); the cross-check adds them; 0 = none",
                        1, 1e12, "none", 0),
        FS_REAL_DEFAULT(background_l2_write_bytes_per_s, "bytes/s",
                        "L2 write bytes per second while a kernel runs that are not the kernel's (as the profiler counts "
                        "them); the cross-check adds them; 0 = none",
                        1, 1e12, "none", 0),
        FS_REAL(tensor_flops_per_s_fp16, "FLOP/s", "dense fp16/bf16 matmul rate (tensor cores)", 1e6, 1e18, nullptr),
        FS_REAL_DEFAULT(tensor_flops_per_s_fp8, "FLOP/s", "dense fp8 matmul rate; 0 = not supported", 1e6, 1e18,
                        "no fp8 tensor cores", 0),
        FS_REAL(tensor_flops_per_s_fp32, "FLOP/s", "matmul rate on fp32 inputs", 1e6, 1e18, nullptr),
        FS_REAL_DEFAULT(warp_mma_flops_per_s_fp16, "FLOP/s",
                        "fp16/bf16 rate of warp-level mma.sync (FA1/FA2 kernels); 0 = the tensor rate", 1e6, 1e18,
                        "the tensor rate", 0),
        FS_REAL(vector_flops_per_s, "FLOP/s", "fp32 non-matmul rate", 1e6, 1e18, nullptr),
        FS_REAL(exp_per_s, "exp/s", "special-function (exp) rate", 1e6, 1e18, nullptr),
        FS_INT_DEFAULT(sm_subpartitions, "sub-partitions", "warp schedulers per SM (one warp-instruction per clock each)",
                       1, 64, nullptr, 4),
        FS_REAL_DEFAULT(cuda_core_cycles_per_inst_one_warp, "cycles",
                        "CUDA-core GEMM code: cycles per warp-instruction per sub-partition, one warp on it; 0 = not modelled",
                        0.01, 1000, "not modelled", 0),
        FS_REAL_DEFAULT(cuda_core_cycles_per_inst, "cycles",
                        "CUDA-core GEMM code: cycles per warp-instruction per sub-partition, two or more warps; 0 = not modelled",
                        0.01, 1000, "not modelled", 0),
        FS_REAL_DEFAULT(alu_cycles_per_inst_one_warp, "cycles",
                        "CUDA-core ALU/FMA code without SRAM operands (element-wise kernels): cycles per warp-instruction per "
                        "sub-partition, one warp on it; 0 = as the GEMM code",
                        0.01, 1000, "as the GEMM code", 0),
        FS_REAL_DEFAULT(alu_cycles_per_inst, "cycles",
                        "CUDA-core ALU/FMA code without SRAM operands: cycles per warp-instruction per sub-partition, two or "
                        "more warps; 0 = as the GEMM code",
                        0.01, 1000, "as the GEMM code", 0),
        FS_REAL_DEFAULT(sram_burst_latency_share, "fraction",
                        "CUDA-core GEMMs loading SRAM in bursts take 1 + this / (warps per sub-partition) times max(issue, SRAM)",
                        0, 100, "not modelled", 0),
        FS_REAL_DEFAULT(alu_dependent_cycles, "cycles",
                        "one warp: cycles from a fixed-latency instruction (FFMA, IADD3, ...) to one that reads its result; "
                        "0 = dependent chains not modelled",
                        0.01, 1000, "not modelled", 0),
        FS_REAL_DEFAULT(mufu_dependent_cycles, "cycles",
                        "one warp: cycles from a special-function instruction (MUFU.EX2) to one that reads its result; "
                        "0 = dependent chains not modelled",
                        0.01, 1000, "not modelled", 0),
        FS_REAL_DEFAULT(sram_dependent_cycles, "cycles",
                        "one warp: cycles from a shared-memory load (LDS) to one that reads its result; 0 = dependent "
                        "chains not modelled",
                        0.01, 1000, "not modelled", 0),
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

double GpuSpec::wgmma_clock_hz(double duty) const {
    const double full = clock_hz_under_wgmma > 0 ? clock_hz_under_wgmma : clock_hz;
    const double cap = clock_hz_under_mma_sync > 0 ? clock_hz_under_mma_sync : clock_hz;
    if (!(wgmma_clock_knee_duty > 0)) return full;
    const double u = std::clamp(duty, 0.0, 1.0);
    if (u <= wgmma_clock_knee_duty) return cap;
    return cap - (u - wgmma_clock_knee_duty) / (1 - wgmma_clock_knee_duty) * (cap - full);
}

double GpuSpec::matmul_flops_per_s(Dtype t, bool warp_mma) const {
    if (warp_mma && (t == Dtype::fp16 || t == Dtype::bf16) && warp_mma_flops_per_s_fp16 > 0) return warp_mma_flops_per_s_fp16;
    return tensor_flops_per_s(t);
}

std::string GpuField::allowed() const {
    const auto num = [&](double v) { return integer ? std::to_string(int64_t(v)) : fmt_real(v); };
    std::string s = num(min) + " to " + num(max) + " " + unit;
    if (zero) s = "0 (" + std::string(zero) + ") or " + s;
    return s;
}

void GpuSpec::validate() const {
    auto bad = [&](const std::string& key, const std::string& v, const std::string& allowed) {
        throw ConfigError("gpu '" + name + "': " + key + "=" + v + " is out of range; allowed: " + allowed);
    };
    // Every field: finite and in its plausible range (the table's), whatever the source.
    for (const auto& f : access_table()) {
        const double v = f.field.integer ? double(this->*(f.i)) : this->*(f.r);
        const bool ok = std::isfinite(v) && ((v == 0 && f.field.zero) || (v >= f.field.min && v <= f.field.max));
        if (!ok) bad(f.field.key, get(f.field.key), f.field.allowed());
    }
    // The L2 geometry the cache model needs (l2_cache.h), in checked arithmetic.
    if (l2_bytes > 0) {
        if (l2_sector_bytes & (l2_sector_bytes - 1))
            bad("l2_sector_bytes", std::to_string(l2_sector_bytes), "a power of two");
        if (l2_line_bytes < l2_sector_bytes || l2_line_bytes % l2_sector_bytes || l2_line_bytes / l2_sector_bytes > 128)
            bad("l2_line_bytes", std::to_string(l2_line_bytes),
                "a multiple of l2_sector_bytes=" + std::to_string(l2_sector_bytes) + " holding at most 128 sectors");
        const auto set_bytes = checked_mul(l2_line_bytes, l2_ways);
        if (!set_bytes || l2_bytes < *set_bytes || l2_bytes % *set_bytes)
            bad("l2_bytes", std::to_string(l2_bytes),
                "a multiple of l2_line_bytes * l2_ways = " + std::to_string(l2_line_bytes) + " * " + std::to_string(l2_ways));
        const auto part_bytes = checked_mul(*set_bytes, l2_partitions);
        if (!part_bytes || l2_bytes % *part_bytes)
            bad("l2_partitions", std::to_string(l2_partitions),
                "a divisor of l2_bytes / (l2_line_bytes * l2_ways) = " + std::to_string(l2_bytes / *set_bytes));
        if (!(l2_bytes_per_s > 0)) bad("l2_bytes_per_s", fmt_real(l2_bytes_per_s), "> 0 when l2_bytes > 0");
    }
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

std::string GpuSpec::exact_text() const {
    std::string s = name + '\n' + description + '\n';
    char buf[64];
    for (const auto& f : access_table()) {
        if (f.field.integer) std::snprintf(buf, sizeof buf, "%lld", (long long)(this->*(f.i)));
        else std::snprintf(buf, sizeof buf, "%a", this->*(f.r));
        s += std::string(f.field.key) + '=' + buf + '\n';
    }
    return s;
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
        if (!n && f.field.has_default) {
            if (f.field.integer) g.*(f.i) = int64_t(f.field.default_value);
            else g.*(f.r) = f.field.default_value;
            continue;
        }
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
    try {
        g.validate();
    } catch (const ConfigError& e) {
        throw ConfigError(origin + ": " + e.what());
    }
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
    return parse_gpu_toml(read_input_file(preset_or_file, "gpu file", kMaxConfigFileBytes), preset_or_file);
}

void apply_override(GpuSpec& gpu, const std::string& kv) {
    const auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == kv.size())
        throw ConfigError("--set '" + kv + "': expected KEY=VALUE, e.g. --set sram_bytes_per_sm=65536");
    gpu.set(kv.substr(0, eq), kv.substr(eq + 1));
    gpu.validate();
}

}  // namespace flashsim
