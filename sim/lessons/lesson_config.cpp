// lesson_config.cpp: parsing a lesson's configuration file (toml++) into a problem, a schedule
// and a GPU, and back into `flashsim run` flags.
#include "sim/lessons/lesson_config.h"

#include <filesystem>
#include <sstream>
#include <toml++/toml.h>

#include "sim/core/errors.h"
#include "sim/core/input_file.h"

namespace flashsim {

namespace {

// The viewer (flashsim viz --config) reads the same keys.
const char* const kKnownKeys =
    "algo, N, d, Br, Bc, bwd_Br, bwd_Bc, bwd_warps, bwd_stages, block_order, heads, batch, dtype, causal, dropout, pass, gpu, paper, [set]";

int64_t get_int(const toml::table& t, const char* key, int64_t fallback, const std::string& origin) {
    const toml::node* n = t.get(key);
    if (!n) return fallback;
    auto v = n->value_exact<int64_t>();
    if (!v) throw ConfigError(origin + ": key '" + key + "' must be a whole number");
    if (*v < 0) throw ConfigError(origin + ": key '" + key + "' = " + std::to_string(*v) + " must not be negative");
    return *v;
}

std::string get_str(const toml::table& t, const char* key, const std::string& fallback, const std::string& origin) {
    const toml::node* n = t.get(key);
    if (!n) return fallback;
    auto v = n->value_exact<std::string>();
    if (!v) throw ConfigError(origin + ": key '" + key + "' must be a string");
    return *v;
}

bool get_bool(const toml::table& t, const char* key, bool fallback, const std::string& origin) {
    const toml::node* n = t.get(key);
    if (!n) return fallback;
    auto v = n->value_exact<bool>();
    if (!v) throw ConfigError(origin + ": key '" + key + "' must be true or false");
    return *v;
}

}  // namespace

LessonConfig default_lesson_config() {
    LessonConfig c;
    c.problem.N = 1024;
    c.problem.d = 64;
    c.problem.H = 16;
    c.problem.B = 1;
    c.schedule.algo = Algorithm::fa2;
    return c;
}

LessonConfig parse_lesson_config(const std::string& text, const std::string& origin, const LessonConfig& base) {
    toml::table tbl;
    try {
        tbl = toml::parse(text, origin);
    } catch (const toml::parse_error& e) {
        const auto& at = e.source().begin;
        throw ConfigError(origin + ":" + std::to_string(at.line) + ":" + std::to_string(at.column) +
                          ": malformed TOML: " + std::string(e.description()));
    }
    static const char* const keys[] = {"algo",  "N",      "d",    "Br",  "Bc",    "bwd_Br", "bwd_Bc", "bwd_warps",
                                       "bwd_stages", "block_order", "heads", "batch", "dtype", "causal", "dropout", "pass", "gpu",
                                       "paper", "set"};
    for (const auto& [k, node] : tbl) {
        bool known = false;
        for (const char* key : keys) known = known || k.str() == key;
        if (!known) throw ConfigError(origin + ": unknown key '" + std::string(k.str()) + "'; known: " + kKnownKeys);
    }
    LessonConfig c = base;
    c.origin = origin;
    AttentionProblem& p = c.problem;
    p.N = get_int(tbl, "N", p.N, origin);
    p.d = get_int(tbl, "d", p.d, origin);
    p.H = get_int(tbl, "heads", p.H, origin);
    p.B = get_int(tbl, "batch", p.B, origin);
    if (tbl.get("dtype")) p.dtype = parse_dtype(get_str(tbl, "dtype", "", origin));
    p.causal = get_bool(tbl, "causal", p.causal, origin);
    if (const toml::node* n = tbl.get("dropout")) {  // a number; validate() checks its range
        if (auto i = n->value_exact<int64_t>()) p.dropout = double(*i);
        else if (auto r = n->value_exact<double>()) p.dropout = *r;
        else throw ConfigError(origin + ": key 'dropout' must be a number");
    }
    if (tbl.get("pass")) p.pass = parse_pass(get_str(tbl, "pass", "", origin));
    Schedule& s = c.schedule;
    if (tbl.get("algo")) s.algo = parse_algorithm(get_str(tbl, "algo", "", origin));
    s.Br = get_int(tbl, "Br", s.Br, origin);
    s.Bc = get_int(tbl, "Bc", s.Bc, origin);
    s.bwd_Br = get_int(tbl, "bwd_Br", s.bwd_Br, origin);
    s.bwd_Bc = get_int(tbl, "bwd_Bc", s.bwd_Bc, origin);
    s.bwd_warps = get_int(tbl, "bwd_warps", s.bwd_warps, origin);
    s.bwd_stages = get_int(tbl, "bwd_stages", s.bwd_stages, origin);
    if (tbl.get("block_order")) s.block_order = parse_block_order(get_str(tbl, "block_order", "", origin));
    c.gpu = get_str(tbl, "gpu", c.gpu, origin);
    c.paper = get_bool(tbl, "paper", c.paper, origin);
    // A relative path to a GPU file is relative to the configuration file.
    const bool gpu_is_file = c.gpu.find('/') != std::string::npos || c.gpu.find(".toml") != std::string::npos;
    if (gpu_is_file && std::filesystem::path(c.gpu).is_relative()) {
        const auto dir = std::filesystem::path(origin).parent_path();
        if (!dir.empty()) c.gpu = (dir / c.gpu).string();
    }
    if (const toml::node* n = tbl.get("set")) {
        const toml::table* set = n->as_table();
        if (!set) throw ConfigError(origin + ": 'set' must be a table of GPU fields, e.g. [set] sram_bytes_per_sm = 65536");
        for (const auto& [k, v] : *set) {
            std::ostringstream val;
            if (auto i = v.value_exact<int64_t>()) val << *i;
            else if (auto r = v.value_exact<double>()) {
                val.precision(17);
                val << *r;
            } else
                throw ConfigError(origin + ": [set] " + std::string(k.str()) + " must be a number");
            c.set.emplace_back(std::string(k.str()), val.str());
        }
    }
    try {
        p.validate();
        (void)c.gpu_spec();  // unknown GPU or field names fail here, with the file named
    } catch (const ConfigError& e) {
        throw ConfigError(origin + ": " + e.what());
    }
    return c;
}

LessonConfig load_lesson_config(const std::string& path, const LessonConfig& base) {
    return parse_lesson_config(read_input_file(path, "configuration file", kMaxConfigFileBytes), path, base);
}

GpuSpec LessonConfig::gpu_spec() const {
    GpuSpec g = load_gpu(gpu);
    for (const auto& [k, v] : set) apply_override(g, k + "=" + v);
    return g;
}

SimOptions LessonConfig::sim_options() const {
    SimOptions o;
    o.paper_mode = paper;
    return o;
}

std::vector<std::string> LessonConfig::to_flags() const {
    const AttentionProblem& p = problem;
    std::vector<std::string> f = {"--algo", to_string(schedule.algo), "--N", std::to_string(p.N)};
    if (p.N_kv) f.insert(f.end(), {"--N-kv", std::to_string(p.N_kv)});
    f.insert(f.end(), {"--d", std::to_string(p.d), "--heads", std::to_string(p.H)});
    if (p.B != 1) f.insert(f.end(), {"--batch", std::to_string(p.B)});
    if (schedule.Br) f.insert(f.end(), {"--Br", std::to_string(schedule.Br)});
    if (schedule.Bc) f.insert(f.end(), {"--Bc", std::to_string(schedule.Bc)});
    if (schedule.warps) f.insert(f.end(), {"--warps", std::to_string(schedule.warps)});
    if (schedule.stages) f.insert(f.end(), {"--stages", std::to_string(schedule.stages)});
    if (schedule.bwd_Br) f.insert(f.end(), {"--bwd-Br", std::to_string(schedule.bwd_Br)});
    if (schedule.bwd_Bc) f.insert(f.end(), {"--bwd-Bc", std::to_string(schedule.bwd_Bc)});
    if (schedule.bwd_warps) f.insert(f.end(), {"--bwd-warps", std::to_string(schedule.bwd_warps)});
    if (schedule.bwd_stages) f.insert(f.end(), {"--bwd-stages", std::to_string(schedule.bwd_stages)});
    if (schedule.block_order != BlockOrder::index) f.insert(f.end(), {"--block-order", to_string(schedule.block_order)});
    if (p.dtype != Dtype::fp16) f.insert(f.end(), {"--dtype", to_string(p.dtype)});
    if (p.causal) f.push_back("--causal");
    if (p.dropout) f.insert(f.end(), {"--dropout", dropout_text(*p.dropout)});
    if (p.pass != Pass::fwd) f.insert(f.end(), {"--pass", to_string(p.pass)});
    f.insert(f.end(), {"--gpu", gpu});
    for (const auto& [k, v] : set) f.insert(f.end(), {"--set", k + "=" + v});
    if (paper) f.push_back("--paper");
    return f;
}

std::string LessonConfig::command_line() const {
    std::string s = "flashsim run";
    for (const auto& a : to_flags()) s += " " + a;
    return s;
}

}  // namespace flashsim
