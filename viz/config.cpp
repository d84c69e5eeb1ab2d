// config.cpp: conversion of a viewer configuration to model objects, and lesson TOML files.
#include "viz/config.h"

#include <fstream>
#include <sstream>
#include <toml++/toml.h>

#include "sim/core/errors.h"

namespace flashsim::viz {

AttentionProblem ViewerConfig::to_problem() const {
    AttentionProblem p;
    p.B = batch;
    p.H = heads;
    p.N = N;
    p.d = d;
    p.dtype = parse_dtype(dtype);
    p.causal = causal;
    p.pass = parse_pass(pass);
    p.validate();
    return p;
}

Schedule ViewerConfig::to_schedule() const {
    Schedule s;
    s.algo = parse_algorithm(algo);
    s.Br = Br;
    s.Bc = Bc;
    return s;
}

GpuSpec ViewerConfig::to_gpu() const {
    GpuSpec g = load_gpu(gpu);
    for (const auto& [k, v] : set) g.set(k, v);
    return g;
}

SimOptions ViewerConfig::to_options(bool timeline) const {
    SimOptions o;
    o.paper_mode = paper_mode;
    o.timing = true;
    o.timeline = timeline;
    return o;
}

std::string ViewerConfig::describe() const {
    std::ostringstream s;
    s << algo << " " << pass << " N=" << N << " d=" << d << " Br=" << (Br ? std::to_string(Br) : "auto")
      << " Bc=" << (Bc ? std::to_string(Bc) : "auto") << " " << dtype << (causal ? " causal" : "") << " " << gpu;
    for (const auto& [k, v] : set) s << " " << k << "=" << v;
    return s.str();
}

bool ViewerConfig::operator==(const ViewerConfig& o) const {
    return algo == o.algo && N == o.N && d == o.d && Br == o.Br && Bc == o.Bc && heads == o.heads &&
           batch == o.batch && dtype == o.dtype && pass == o.pass && gpu == o.gpu && causal == o.causal &&
           paper_mode == o.paper_mode && set == o.set;
}

namespace {

std::string where(const std::string& origin, const toml::node& n) {
    const auto& src = n.source();
    return origin + ":" + std::to_string(src.begin.line);
}

int64_t get_int(const std::string& origin, const std::string& key, const toml::node& n) {
    if (auto v = n.value<int64_t>(); v && n.is_integer()) return *v;
    throw ConfigError(where(origin, n) + ": " + key + " must be an integer");
}

std::string get_string(const std::string& origin, const std::string& key, const toml::node& n) {
    if (auto v = n.value<std::string>(); v && n.is_string()) return *v;
    throw ConfigError(where(origin, n) + ": " + key + " must be a string");
}

}  // namespace

ViewerConfig parse_config_toml(const std::string& text, const std::string& origin, const ViewerConfig& base) {
    toml::table tbl;
    try {
        tbl = toml::parse(text, origin);
    } catch (const toml::parse_error& e) {
        throw ConfigError(origin + ":" + std::to_string(e.source().begin.line) + ": malformed TOML: " +
                          std::string(e.description()));
    }
    ViewerConfig c = base;
    for (const auto& [k, node] : tbl) {
        const std::string key(k.str());
        if (key == "algo") c.algo = get_string(origin, key, node);
        else if (key == "N") c.N = get_int(origin, key, node);
        else if (key == "d") c.d = get_int(origin, key, node);
        else if (key == "Br") c.Br = get_int(origin, key, node);
        else if (key == "Bc") c.Bc = get_int(origin, key, node);
        else if (key == "heads") c.heads = get_int(origin, key, node);
        else if (key == "batch") c.batch = get_int(origin, key, node);
        else if (key == "dtype") c.dtype = get_string(origin, key, node);
        else if (key == "pass") c.pass = get_string(origin, key, node);
        else if (key == "gpu") c.gpu = get_string(origin, key, node);
        else if (key == "causal") {
            if (!node.is_boolean()) throw ConfigError(where(origin, node) + ": causal must be true or false");
            c.causal = *node.value<bool>();
        } else if (key == "paper") {
            if (!node.is_boolean()) throw ConfigError(where(origin, node) + ": paper must be true or false");
            c.paper_mode = *node.value<bool>();
        } else if (key == "set") {
            const toml::table* t = node.as_table();
            if (!t) throw ConfigError(where(origin, node) + ": set must be a table of GPU fields ([set])");
            for (const auto& [fk, fv] : *t) {
                std::string value;
                if (fv.is_integer()) value = std::to_string(*fv.value<int64_t>());
                else if (fv.is_floating_point()) {
                    std::ostringstream s;
                    s.precision(17);
                    s << *fv.value<double>();
                    value = s.str();
                } else throw ConfigError(where(origin, fv) + ": set." + std::string(fk.str()) + " must be a number");
                c.set.emplace_back(std::string(fk.str()), value);
            }
        } else {
            throw ConfigError(where(origin, node) + ": unknown key '" + key +
                              "'; allowed: algo, N, d, Br, Bc, heads, batch, dtype, causal, pass, gpu, paper, [set]");
        }
    }
    // Check every value now, so a lesson file with a bad value fails when it is opened.
    try {
        c.to_problem();
        c.to_schedule();
        c.to_gpu();
    } catch (const ConfigError& e) {
        throw ConfigError(origin + ": " + e.what());
    }
    return c;
}

ViewerConfig load_config_toml(const std::string& path, const ViewerConfig& base) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ConfigError("--config '" + path + "': cannot open the file");
    std::ostringstream s;
    s << in.rdbuf();
    return parse_config_toml(s.str(), path, base);
}

}  // namespace flashsim::viz
