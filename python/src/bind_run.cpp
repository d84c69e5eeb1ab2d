// bind_run.cpp: run (one configuration, its RunResult as the CLI's JSON) and verify (the
// functional layer) for Python. The options go through RunOptions, as the CLI's do.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <nlohmann/json.hpp>
#include <optional>

#include "python/src/bind.h"
#include "sim/engine/simulate.h"
#include "sim/functional/verify.h"
#include "sim/lessons/lesson_config.h"

namespace flashsim::python {

namespace {

// One keyword argument: its name and where it goes in RunOptions.
struct Key {
    const char* name;
    int64_t RunOptions::*i = nullptr;
    std::string RunOptions::*s = nullptr;
    bool RunOptions::*b = nullptr;
    std::optional<double> RunOptions::*f = nullptr;  // a number; None = the default
};

const std::vector<Key>& keys() {
    static const std::vector<Key> k = {
        {"algo", nullptr, &RunOptions::algo},       {"N", &RunOptions::N},
        {"N_kv", &RunOptions::N_kv},                {"d", &RunOptions::d},
        {"heads", &RunOptions::heads},              {"batch", &RunOptions::batch},
        {"Br", &RunOptions::Br},                    {"Bc", &RunOptions::Bc},
        {"warps", &RunOptions::warps},              {"stages", &RunOptions::stages},
        {"bwd_Br", &RunOptions::bwd_Br},            {"bwd_Bc", &RunOptions::bwd_Bc},
        {"bwd_warps", &RunOptions::bwd_warps},      {"bwd_stages", &RunOptions::bwd_stages},
        {"dtype", nullptr, &RunOptions::dtype},     {"pass", nullptr, &RunOptions::pass},
        {"gpu", nullptr, &RunOptions::gpu},         {"gpu_toml", nullptr, &RunOptions::gpu_toml},
        {"vanilla_gemm", nullptr, &RunOptions::vanilla_gemm},
        {"matmul_unit", nullptr, &RunOptions::matmul_unit},
        {"block_order", nullptr, &RunOptions::block_order},
        {"causal", nullptr, nullptr, &RunOptions::causal},
        {"paper", nullptr, nullptr, &RunOptions::paper},
        {"no_timing", nullptr, nullptr, &RunOptions::no_timing},
        {"dropout", nullptr, nullptr, nullptr, &RunOptions::dropout},
        // The engine (docs/speed.md): the CLI's --exact, --no-skip and --l2-set-sampling.
        {"exact", nullptr, nullptr, &RunOptions::exact},
        {"no_skip", nullptr, nullptr, &RunOptions::no_skip},
        {"l2_set_sampling", &RunOptions::l2_set_sampling},
    };
    return k;
}

std::string known_keys() {
    std::string s;
    for (const auto& k : keys()) s += (s.empty() ? "" : ", ") + std::string(k.name);
    return s + ", set";
}

py::dict defaults() {
    const RunOptions o;
    py::dict d;
    for (const auto& k : keys()) {
        if (k.i) d[k.name] = o.*(k.i);
        else if (k.s) d[k.name] = o.*(k.s);
        else if (k.f) d[k.name] = o.*(k.f) ? py::cast(*(o.*(k.f))) : py::none();
        else d[k.name] = o.*(k.b);
    }
    d["set"] = o.set;
    return d;
}

// Numbers as the library reads them (the CLI's strings): a bool is not a number here.
int64_t whole_number(const py::handle& v, const std::string& key) {
    if (py::isinstance<py::bool_>(v) || !py::isinstance<py::int_>(v))
        throw py::type_error(key + " must be a whole number, got " + std::string(py::repr(v)));
    return v.cast<int64_t>();
}

}  // namespace

RunOptions options_from_dict(const py::dict& kwargs) {
    RunOptions o;
    for (const auto& [kh, v] : kwargs) {
        const std::string key = py::str(kh);
        if (key == "set") {
            if (!py::isinstance<py::list>(v) && !py::isinstance<py::tuple>(v))
                throw py::type_error("set must be a list of 'KEY=VALUE' strings, got " + std::string(py::repr(v)));
            for (const auto& e : v) {
                if (!py::isinstance<py::str>(e)) throw py::type_error("set: " + std::string(py::repr(e)) + " is not a 'KEY=VALUE' string");
                o.set.push_back(e.cast<std::string>());
            }
            continue;
        }
        const Key* k = nullptr;
        for (const auto& c : keys())
            if (key == c.name) k = &c;
        if (!k) throw py::type_error("unknown option '" + key + "'; known: " + known_keys());
        if (k->i) o.*(k->i) = whole_number(v, key);
        else if (k->f) {
            if (v.is_none()) o.*(k->f) = std::nullopt;
            else if (py::isinstance<py::bool_>(v) || !(py::isinstance<py::int_>(v) || py::isinstance<py::float_>(v)))
                throw py::type_error(key + " must be a number or None, got " + std::string(py::repr(v)));
            else o.*(k->f) = v.cast<double>();
        } else if (k->s) {
            if (!py::isinstance<py::str>(v)) throw py::type_error(key + " must be a string, got " + std::string(py::repr(v)));
            o.*(k->s) = v.cast<std::string>();
        } else {
            if (!py::isinstance<py::bool_>(v)) throw py::type_error(key + " must be True or False, got " + std::string(py::repr(v)));
            o.*(k->b) = v.cast<bool>();
        }
    }
    return o;
}

namespace {

// The RunResult as `flashsim run --json` writes it (to_json), as text for json.loads.
std::string run_json(const py::dict& kwargs, bool timeline, std::optional<size_t> timeline_max_events) {
    const RunOptions o = options_from_dict(kwargs);
    SimOptions so = o.sim_options();
    so.timeline = timeline;
    if (timeline_max_events) so.timeline_max_events = *timeline_max_events;
    // The same conversion and the same order as `flashsim run`: problem, schedule, GPU.
    const AttentionProblem p = o.problem();
    const Schedule s = o.schedule();
    const GpuSpec g = o.gpu_spec();
    RunResult r;
    {
        py::gil_scoped_release release;
        r = simulate(p, s, g, so);
    }
    return to_json(r).dump();
}

py::dict traffic(const Traffic& t) {
    py::dict d;
    d["hbm_read_bytes"] = t.hbm_read_bytes;
    d["hbm_write_bytes"] = t.hbm_write_bytes;
    d["global_read_bytes"] = t.global_read_bytes;
    d["global_write_bytes"] = t.global_write_bytes;
    return d;
}

py::dict verify(const py::dict& kwargs, uint64_t seed, bool naive_tiles) {
    const RunOptions o = options_from_dict(kwargs);
    const AttentionProblem p = o.problem();
    const Schedule requested = o.schedule();
    check_functional_size(p, requested.algo);  // before any work, as `flashsim verify`
    const GpuSpec g = o.gpu_spec();
    FunctionalOptions fo;
    fo.seed = seed;
    fo.naive_tiles = naive_tiles;
    Verification v;
    {
        py::gil_scoped_release release;
        v = verify_functional(p, requested, g, fo);
    }
    const FunctionalResult& r = v.functional;
    py::dict d;
    d["problem"] = p.describe();
    d["schedule"] = v.schedule.describe();
    d["gpu"] = g.name;
    d["seed"] = seed;
    d["naive_tiles"] = naive_tiles;
    d["sram_peak_bytes"] = r.sram_peak_bytes;
    d["sram_bytes_per_sm"] = g.sram_bytes_per_sm;
    d["register_peak_bytes"] = r.register_peak_bytes;
    d["footprint_sram_arithmetic"] = v.footprint.sram_arithmetic;
    d["max_abs_err"] = r.max_abs_err;
    d["max_rel_err"] = r.max_rel_err;
    d["lse_max_abs_err"] = r.LSE.empty() ? py::object(py::none()) : py::object(py::float_(r.lse_max_abs_err));
    d["tolerance"] = v.tolerance;
    d["output_matches"] = v.output_matches;
    d["bytes_equal"] = v.bytes_equal;
    py::list tensors;
    for (const Tensor t : v.compared) {
        const Traffic& a = r.counts.per_tensor[size_t(t)];
        const Traffic& b = v.counted.per_tensor[size_t(t)];
        if (!a.global_read_bytes && !a.global_write_bytes && !b.global_read_bytes && !b.global_write_bytes) continue;
        py::dict row;
        row["tensor"] = to_string(t);
        row["functional"] = traffic(a);
        row["counted"] = traffic(b);
        tensors.append(row);
    }
    d["tensors"] = tensors;
    py::list differing;
    for (const Tensor t : v.differing) differing.append(to_string(t));
    d["differing"] = differing;
    const py::ssize_t B = p.B, H = p.H, N = p.N, dd = p.d;
    d["O"] = py::array_t<float>({B, H, N, dd}, r.O.data());
    d["LSE"] = r.LSE.empty() ? py::object(py::none()) : py::object(py::array_t<float>({B, H, N}, r.LSE.data()));
    return d;
}

// A lesson's configuration file (lesson_config.h) as run()'s keyword arguments.
py::dict config(const std::string& path) {
    const LessonConfig c = load_lesson_config(path);
    const RunOptions base;
    py::dict d;
    d["algo"] = to_string(c.schedule.algo);
    d["N"] = c.problem.N;
    if (c.problem.N_kv) d["N_kv"] = c.problem.N_kv;
    d["d"] = c.problem.d;
    d["heads"] = c.problem.H;
    d["batch"] = c.problem.B;
    d["Br"] = c.schedule.Br;
    d["Bc"] = c.schedule.Bc;
    if (c.schedule.warps) d["warps"] = c.schedule.warps;
    if (c.schedule.stages) d["stages"] = c.schedule.stages;
    if (c.schedule.bwd_Br) d["bwd_Br"] = c.schedule.bwd_Br;
    if (c.schedule.bwd_Bc) d["bwd_Bc"] = c.schedule.bwd_Bc;
    if (c.schedule.bwd_warps) d["bwd_warps"] = c.schedule.bwd_warps;
    if (c.schedule.bwd_stages) d["bwd_stages"] = c.schedule.bwd_stages;
    d["dtype"] = to_string(c.problem.dtype);
    d["causal"] = c.problem.causal;
    if (c.problem.dropout) d["dropout"] = *c.problem.dropout;
    d["pass"] = to_string(c.problem.pass);
    d["gpu"] = c.gpu;
    py::list set;
    for (const auto& [k, v] : c.set) set.append(k + "=" + v);
    d["set"] = set;
    d["paper"] = c.paper;
    return d;
}

}  // namespace

void bind_run(py::module_& m) {
    m.def("default_options", &defaults, "the CLI's defaults, by keyword");
    m.def("run_json", &run_json, py::arg("kwargs"), py::arg("timeline") = false, py::arg("timeline_max_events") = py::none(),
          "simulate one configuration; the RunResult as `flashsim run --json` writes it");
    m.def("config", &config, py::arg("path"), "a lesson's configuration file as run()'s keyword arguments");
    m.def("verify", &verify, py::arg("kwargs"), py::arg("seed") = 1, py::arg("naive_tiles") = false,
          "execute one configuration with the functional layer; output error and bytes vs counts");
}

}  // namespace flashsim::python
