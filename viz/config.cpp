// config.cpp: conversion of a viewer configuration to model objects; lesson TOML files are read
// by the lessons' parser (sim/lessons/lesson_config.h), so the viewer and `flashsim lesson` agree.
#include "viz/config.h"

#include <fstream>
#include <sstream>

#include "sim/core/errors.h"
#include "sim/core/input_file.h"
#include "sim/lessons/lesson_config.h"

namespace flashsim::viz {

namespace {
LessonConfig to_lesson(const ViewerConfig& v);
}  // namespace

// The conversions go through LessonConfig, which the CLI's lesson runner uses too.
AttentionProblem ViewerConfig::to_problem() const {
    AttentionProblem p = to_lesson(*this).problem;
    p.validate();
    return p;
}

Schedule ViewerConfig::to_schedule() const { return to_lesson(*this).schedule; }

GpuSpec ViewerConfig::to_gpu() const { return to_lesson(*this).gpu_spec(); }

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
      << " Bc=" << (Bc ? std::to_string(Bc) : "auto");
    if (pass == "fwdbwd")
        s << " bwd Br=" << (bwd_Br ? std::to_string(bwd_Br) : "auto") << " Bc=" << (bwd_Bc ? std::to_string(bwd_Bc) : "auto");
    s << " " << dtype << (causal ? " causal" : "");
    if (block_order != "index") s << " " << block_order;
    if (dropout) s << " dropout=" << dropout_text(*dropout);
    s << " " << gpu;
    for (const auto& [k, v] : set) s << " " << k << "=" << v;
    return s.str();
}

bool ViewerConfig::operator==(const ViewerConfig& o) const {
    return algo == o.algo && N == o.N && d == o.d && Br == o.Br && Bc == o.Bc && bwd_Br == o.bwd_Br && bwd_Bc == o.bwd_Bc &&
           heads == o.heads &&
           batch == o.batch && dtype == o.dtype && pass == o.pass && gpu == o.gpu && causal == o.causal &&
           block_order == o.block_order && dropout == o.dropout &&
           paper_mode == o.paper_mode && set == o.set;
}

namespace {

// The viewer's state and a lesson's configuration hold the same fields; one parser reads files.
LessonConfig to_lesson(const ViewerConfig& v) {
    LessonConfig l = default_lesson_config();
    l.problem.N = v.N;
    l.problem.d = v.d;
    l.problem.H = v.heads;
    l.problem.B = v.batch;
    l.problem.dtype = parse_dtype(v.dtype);
    l.problem.causal = v.causal;
    l.problem.dropout = v.dropout;
    l.problem.pass = parse_pass(v.pass);
    l.schedule.algo = parse_algorithm(v.algo);
    l.schedule.Br = v.Br;
    l.schedule.Bc = v.Bc;
    if (l.problem.pass == Pass::fwdbwd) l.schedule.bwd_Br = v.bwd_Br, l.schedule.bwd_Bc = v.bwd_Bc;
    l.schedule.block_order = parse_block_order(v.block_order);
    l.gpu = v.gpu;
    l.set = v.set;
    l.paper = v.paper_mode;
    return l;
}

ViewerConfig from_lesson(const LessonConfig& l) {
    ViewerConfig v;
    v.algo = to_string(l.schedule.algo);
    v.N = l.problem.N;
    v.d = l.problem.d;
    v.Br = l.schedule.Br;
    v.Bc = l.schedule.Bc;
    v.bwd_Br = l.schedule.bwd_Br;
    v.bwd_Bc = l.schedule.bwd_Bc;
    if (l.problem.pass == Pass::bwd) {  // one pass: its blocks are the controls' Br, Bc
        if (!v.Br) v.Br = v.bwd_Br;
        if (!v.Bc) v.Bc = v.bwd_Bc;
    }
    v.heads = l.problem.H;
    v.batch = l.problem.B;
    v.dtype = to_string(l.problem.dtype);
    v.pass = to_string(l.problem.pass);
    v.gpu = l.gpu;
    v.causal = l.problem.causal;
    v.block_order = to_string(l.schedule.block_order);
    v.dropout = l.problem.dropout;
    v.paper_mode = l.paper;
    v.set = l.set;
    return v;
}

}  // namespace

ViewerConfig parse_config_toml(const std::string& text, const std::string& origin, const ViewerConfig& base) {
    const ViewerConfig c = from_lesson(parse_lesson_config(text, origin, to_lesson(base)));
    try {
        c.to_schedule();  // the rest was checked by the lesson parser
    } catch (const ConfigError& e) {
        throw ConfigError(origin + ": " + e.what());
    }
    return c;
}

ViewerConfig load_config_toml(const std::string& path, const ViewerConfig& base) {
    return parse_config_toml(read_input_file(path, "--config", kMaxConfigFileBytes), path, base);
}

}  // namespace flashsim::viz
