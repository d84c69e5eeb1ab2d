// homework_model.cpp: simulations on behalf of the homework, and the classroom-model time.
#include "sim/lessons/homework_model.h"

#include <cstdio>

#include "sim/engine/simulate.h"

namespace flashsim {

std::string num(double v) {
    char b[64];
    std::snprintf(b, sizeof b, "%.6g", v);
    return b;
}
std::string num(int64_t v) { return std::to_string(v); }

AnswerField make_field(const std::string& key, AnswerKind kind, const std::string& unit, double rel_tolerance,
                       nlohmann::json answer, double points) {
    AnswerField f;
    f.key = key;
    f.kind = kind;
    f.unit = unit;
    f.rel_tolerance = rel_tolerance;
    f.answer = std::move(answer);
    f.points = points;
    return f;
}

std::string HwRun::flags() const {
    std::string s = "--algo " + std::string(to_string(algo)) + " --N " + num(N) + " --d " + num(d) + " --heads " + num(heads);
    if (Br) s += " --Br " + num(Br);
    if (Bc) s += " --Bc " + num(Bc);
    if (dtype != Dtype::fp16) s += " --dtype " + std::string(to_string(dtype));
    s += " --gpu " + gpu;
    for (const auto& kv : set) s += " --set " + kv;
    return s;
}

nlohmann::json HwRun::params() const {
    nlohmann::json j = {{"algo", to_string(algo)}, {"N", N}, {"d", d}, {"heads", heads}, {"Br", Br}, {"Bc", Bc},
                        {"dtype", to_string(dtype)}, {"gpu", gpu}};
    j["set"] = set;
    return j;
}

RunResult hw_simulate(const HwRun& h, bool paper, bool timing) {
    AttentionProblem p;
    p.N = h.N;
    p.d = h.d;
    p.H = h.heads;
    p.dtype = h.dtype;
    Schedule s;
    s.algo = h.algo;
    s.Br = h.Br;
    s.Bc = h.Bc;
    GpuSpec g = load_gpu(h.gpu);
    for (const auto& kv : h.set) apply_override(g, kv);
    SimOptions o;
    o.paper_mode = paper;
    o.timing = timing;
    return simulate(p, s, g, o);
}

bool hw_timing_available() {
    static const bool yes = [] {
        HwRun h;
        h.N = 128;
        return hw_simulate(h, false, true).timing.valid;
    }();
    return yes;
}

bool hw_l2_available() {
    static const bool yes = [] {
        HwRun h;
        h.N = 256;
        h.gpu = "h100";
        return !hw_simulate(h, false, true).paper_mode;
    }();
    return yes;
}

double classroom_seconds(const RunResult& r) {
    if (r.timing.valid) return r.timing.seconds;
    const GpuSpec& g = r.gpu;
    const double transfers = double(r.counts.loads + r.counts.stores);
    const double bytes = double(r.counts.total.hbm_read_bytes + r.counts.total.hbm_write_bytes);
    const double cycles = transfers * g.hbm_latency_cycles + bytes / (g.hbm_bytes_per_s / g.clock_hz);
    return cycles / g.clock_hz;
}

}  // namespace flashsim
