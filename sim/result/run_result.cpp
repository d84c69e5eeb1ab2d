// run_result.cpp: JSON (nlohmann) and CSV forms of a RunResult (schema: docs/results.md).
#include "sim/result/run_result.h"

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

namespace flashsim {

uint64_t RunResult::useful_matmul_flops() const {
    const uint64_t per_pass = 4 * uint64_t(problem.N) * uint64_t(problem.Nk()) * uint64_t(problem.d) *
                              uint64_t(problem.heads()) / (problem.causal ? 2 : 1);
    switch (problem.pass) {
        case Pass::fwd: return per_pass;
        case Pass::bwd: return per_pass * 5 / 2;  // FA2 paper: backward = 2.5 x forward
        case Pass::fwdbwd: return per_pass * 7 / 2;
    }
    return per_pass;
}

double RunResult::arithmetic_intensity() const {
    const double hbm = double(counts.total.hbm_read_bytes + counts.total.hbm_write_bytes);
    return hbm > 0 ? double(counts.matmul_flops) / hbm : 0.0;
}

namespace {

nlohmann::json traffic_json(const Traffic& t) {
    return {{"global_read_bytes", t.global_read_bytes}, {"global_write_bytes", t.global_write_bytes},
            {"hbm_read_bytes", t.hbm_read_bytes},       {"hbm_write_bytes", t.hbm_write_bytes},
            {"atomic_bytes", t.atomic_bytes},           {"l2_hop_bytes", t.l2_hop_bytes}};
}

nlohmann::json counters_json(const Counters& c) {
    nlohmann::json per = nlohmann::json::object();
    for (int i = 0; i < kTensorCount; ++i) {
        const Traffic& t = c.per_tensor[size_t(i)];
        if (t.global_read_bytes || t.global_write_bytes) per[to_string(Tensor(i))] = traffic_json(t);
    }
    return {{"total", traffic_json(c.total)},
            {"per_tensor", per},
            {"sram_read_bytes", c.sram_read_bytes},
            {"sram_write_bytes", c.sram_write_bytes},
            {"matmul_flops", c.matmul_flops},
            {"vector_flops", c.vector_flops},
            {"exps", c.exps},
            {"recompute_matmul_flops", c.recompute_matmul_flops},
            {"recompute_vector_flops", c.recompute_vector_flops},
            {"recompute_exps", c.recompute_exps},
            {"ops", c.ops},
            {"ctas", c.ctas}};
}

// The backward's own schedule and footprint; null for a forward-only run.
nlohmann::json backward_json(const RunResult& r) {
    const AttentionProblem& p = r.problem;
    if (p.pass == Pass::fwd) return nullptr;
    const Schedule b = r.schedule.backward();
    const Footprint f = backward_footprint(b, p, r.gpu);
    return {{"Br", b.Br}, {"Bc", b.Bc}, {"Tr", b.Tr(p)}, {"Tc", b.Tc(p)}, {"warps", b.warps}, {"stages", b.stages},
            {"sram_bytes", f.sram_bytes}, {"register_bytes", f.register_bytes}, {"sram_arithmetic", f.sram_arithmetic}};
}

// The share of the run's CTAs (all kernels) the steady-state skip extrapolated (Timing::skipped_ctas).
double extrapolated_cta_share(const Timing& t) {
    int64_t ctas = 0;
    for (const KernelTiming& k : t.kernels) ctas += k.ctas;
    return ctas > 0 ? double(t.skipped_ctas) / double(ctas) : 0.0;
}

// That share as engine_note and engine_estimates print it, "80% of CTAs"; empty when none.
std::string extrapolated_ctas_text(const Timing& t) {
    const double share = extrapolated_cta_share(t);
    return share > 0 ? std::to_string(std::lround(100 * share)) + "% of CTAs" : "";
}

}  // namespace

bool fast_engine(const Timing& t) {
    return t.valid && (t.l2_set_sampling > 1 || extrapolated_cta_share(t) > 0 || t.skipped_iterations > 0);
}

std::string engine_note(const Timing& t) {
    if (!fast_engine(t)) return t.valid && t.l2_granule_bytes > 0 ? "exact: every L2 set, CTA and iteration simulated" : "";
    std::string note;
    char b[160];
    if (t.l2_set_sampling > 1) {
        std::snprintf(b, sizeof b, "1 in %lld L2 sets simulated, counts x %lld (standard error %.2g%% of HBM bytes)",
                      (long long)t.l2_set_sampling, (long long)t.l2_set_sampling, 100 * t.l2_sampling_error);
        note = b;
    }
    std::string extrapolated = extrapolated_ctas_text(t);
    if (t.skipped_iterations > 0)
        extrapolated += (extrapolated.empty() ? "" : " and ") + std::to_string(t.skipped_iterations) + " CTA iterations";
    if (!extrapolated.empty()) note += (note.empty() ? "" : "; ") + extrapolated + " extrapolated from repeating ones";
    return "fast: " + note + "; --exact for the reference";
}

std::string engine_estimates(const Timing& t) {
    if (!fast_engine(t)) return "";
    std::string what;
    if (t.l2_set_sampling > 1) what = "1 in " + std::to_string(t.l2_set_sampling) + " L2 sets";
    if (const std::string ctas = extrapolated_ctas_text(t); !ctas.empty()) what += (what.empty() ? "" : ", ") + ctas + " extrapolated";
    if (t.skipped_iterations > 0) what += (what.empty() ? "" : ", ") + std::string("CTA iterations extrapolated");
    return what;
}

std::string engine_mark(const Timing& t) { return fast_engine(t) ? "fast: " + engine_estimates(t) : ""; }

nlohmann::json to_json(const RunResult& r) {
    const auto& p = r.problem;
    const auto& s = r.schedule;
    nlohmann::json gpu = {{"name", r.gpu.name}, {"description", r.gpu.description}};
    for (const auto& f : gpu_fields()) {
        const std::string v = r.gpu.get(f.key);
        if (f.integer) gpu[f.key] = std::stoll(v);
        else gpu[f.key] = std::stod(v);
    }
    nlohmann::json kernels = nlohmann::json::array();
    for (const auto& k : r.kernels) kernels.push_back({{"name", k.name}, {"ctas", k.ctas}, {"counts", counters_json(k.counts)}});
    nlohmann::json j = {
        {"schema", "flashsim-result/1"},
        {"problem",
         {{"B", p.B}, {"H", p.H}, {"N", p.N}, {"N_kv", p.Nk()}, {"d", p.d}, {"dtype", to_string(p.dtype)},
          {"causal", p.causal}, {"dropout", p.dropout.value_or(0)}, {"pass", to_string(p.pass)}}},
        {"schedule",
         {{"algo", to_string(s.algo)}, {"Br", s.Br}, {"Bc", s.Bc}, {"Tr", s.Tr(p)}, {"Tc", s.Tc(p)},
          {"warps", s.warps}, {"stages", s.stages}, {"vanilla_gemm", to_string(s.vanilla_gemm)}, {"matmul_unit", to_string(s.matmul_unit)},
          {"block_order", to_string(s.block_order)}, {"bwd", backward_json(r)}}},
        {"gpu", gpu},
        {"paper_mode", r.paper_mode},
        {"footprint",
         {{"sram_bytes", r.footprint.sram_bytes}, {"register_bytes", r.footprint.register_bytes},
          {"sram_arithmetic", r.footprint.sram_arithmetic}, {"register_arithmetic", r.footprint.register_arithmetic}}},
        {"counts", counters_json(r.counts)},
        {"kernels", kernels},
        {"l2_dirty_bytes_at_end", r.l2_dirty_bytes_at_end},
        {"useful_matmul_flops", r.useful_matmul_flops()},
        {"arithmetic_intensity_flops_per_hbm_byte", r.arithmetic_intensity()},
        {"analytic",
         {{"available", r.analytic.available}, {"hbm_read_bytes", r.analytic.hbm_read_bytes},
          {"hbm_write_bytes", r.analytic.hbm_write_bytes}, {"read_formula", r.analytic.read_formula},
          {"write_formula", r.analytic.write_formula}, {"dropout_flops", r.analytic.dropout_flops},
          {"dropout_formula", r.analytic.dropout_formula},
          {"theta_standard", {{"expression", r.theta_standard.expression}, {"elements", r.theta_standard.elements}}},
          {"theta_flash", {{"expression", r.theta_flash.expression}, {"elements", r.theta_flash.elements}}}}},
    };
    if (r.timing.valid) {
        const Timing& t = r.timing;
        j["timing"] = {{"cycles", t.cycles},
                       {"seconds", t.seconds},
                       {"ctas_per_sm", t.ctas_per_sm},
                       {"waves", t.waves},
                       {"hbm_bytes_per_s", t.hbm_bytes_per_s},
                       {"l2_bytes_per_s", t.l2_bytes_per_s},
                       {"sram_bytes_per_s", t.sram_bytes_per_s},
                       {"tensor_flops_per_s", t.tensor_flops_per_s},
                       {"breakdown_seconds", t.breakdown_seconds},
                       {"bottleneck", t.bottleneck}};
        // Added by the timing layer (docs/timing.md).
        nlohmann::json& tj = j["timing"];
        tj["resource_seconds"] = t.resource_seconds;
        tj["hidden_seconds"] = t.hidden_seconds;
        tj["occupancy_limited_by"] = t.occupancy_limited_by;
        tj["peak_tensor_flops_per_s"] = t.peak_tensor_flops_per_s;
        tj["l2_granule_bytes"] = t.l2_granule_bytes;
        tj["l2_set_sampling"] = t.l2_set_sampling;
        tj["l2_sampling_error"] = t.l2_sampling_error;
        tj["skipped_ctas"] = t.skipped_ctas;
        tj["skipped_iterations"] = t.skipped_iterations;
        tj["engine"] = engine_note(t);
        nlohmann::json roof = nlohmann::json::array();
        for (const auto& p : t.roofline)
            roof.push_back({{"level", p.level}, {"bytes", p.bytes}, {"intensity_flops_per_byte", p.intensity_flops_per_byte},
                            {"peak_bytes_per_s", p.peak_bytes_per_s}, {"attainable_flops_per_s", p.attainable_flops_per_s},
                            {"achieved_flops_per_s", p.achieved_flops_per_s}});
        tj["roofline"] = roof;
        nlohmann::json ks = nlohmann::json::array();
        for (const auto& k : t.kernels)
            ks.push_back({{"name", k.name}, {"cycles", k.cycles}, {"seconds", k.seconds}, {"clock_hz", k.clock_hz}, {"ctas", k.ctas},
                          {"ctas_per_sm", k.ctas_per_sm}, {"occupancy_limited_by", k.occupancy_limited_by}, {"waves", k.waves},
                          {"warp_instructions", k.warp_instructions}, {"skipped_ctas", k.skipped_ctas},
                          {"skipped_iterations", k.skipped_iterations}});
        tj["kernels"] = ks;
        tj["timeline_truncated"] = t.timeline_truncated;
        if (!t.timeline.empty()) {
            nlohmann::json ev = nlohmann::json::array();
            for (const auto& e : t.timeline)
                ev.push_back({e.sm, e.kernel, e.cta, to_string(OpKind(e.kind)), to_string(Tensor(e.tensor)), e.line,
                              e.start_cycles, e.end_cycles, e.bytes});
            tj["timeline"] = {{"columns", {"sm", "kernel", "cta", "kind", "tensor", "line", "start_cycles", "end_cycles", "bytes"}},
                              {"events", ev}};
        }
    }
    return j;
}

namespace {
const char* kCsvColumns[] = {
    "algo", "pass", "gpu", "paper_mode", "B", "H", "N", "d", "dtype", "causal", "dropout", "Br", "Bc", "Tr", "Tc", "warps",
    "stages",
    "bwd_Br", "bwd_Bc", "bwd_Tr", "bwd_Tc", "bwd_warps", "bwd_stages", "sram_footprint_bytes", "hbm_read_bytes", "hbm_write_bytes", "global_read_bytes", "global_write_bytes",
    "l2_dirty_bytes_at_end", "sram_read_bytes", "sram_write_bytes", "matmul_flops", "vector_flops", "exps",
    "formula_hbm_read_bytes", "formula_hbm_write_bytes", "cycles", "seconds",
    // Which engine timed the row (Timing; docs/speed.md): 1 = every L2 set; CTAs and CTA iterations extrapolated.
    "l2_set_sampling", "l2_sampling_error", "skipped_ctas", "skipped_iterations"};
}

std::string csv_header() {
    std::string s;
    for (const char* c : kCsvColumns) s += (s.empty() ? "" : ",") + std::string(c);
    return s;
}

std::string csv_row(const RunResult& r) {
    const auto& p = r.problem;
    const auto& s = r.schedule;
    const auto& c = r.counts;
    std::ostringstream o;
    o.precision(10);
    o << to_string(s.algo) << ',' << to_string(p.pass) << ',' << r.gpu.name << ',' << (r.paper_mode ? 1 : 0) << ','
      << p.B << ',' << p.H << ',' << p.N << ',' << p.d << ',' << to_string(p.dtype) << ',' << (p.causal ? 1 : 0)
      << ',' << p.dropout.value_or(0) << ',' << s.Br << ',' << s.Bc << ',' << s.Tr(p) << ',' << s.Tc(p) << ',' << s.warps << ',' << s.stages << ',';
    if (p.pass != Pass::fwd) {
        const Schedule b = s.backward();
        o << b.Br << ',' << b.Bc << ',' << b.Tr(p) << ',' << b.Tc(p) << ',' << b.warps << ',' << b.stages << ',';
    } else {
        o << ",,,,,,";
    }
    o << r.footprint.sram_bytes << ',' << c.total.hbm_read_bytes << ',' << c.total.hbm_write_bytes << ','
      << c.total.global_read_bytes << ',' << c.total.global_write_bytes << ',' << r.l2_dirty_bytes_at_end << ','
      << c.sram_read_bytes << ',' << c.sram_write_bytes << ',' << c.matmul_flops << ',' << c.vector_flops << ','
      << c.exps << ',';
    if (r.analytic.available) o << r.analytic.hbm_read_bytes << ',' << r.analytic.hbm_write_bytes << ',';
    else o << ",,";
    const Timing& t = r.timing;
    if (t.valid) o << t.cycles << ',' << t.seconds << ',' << t.l2_set_sampling << ',' << t.l2_sampling_error << ',' << t.skipped_ctas << ','
                   << t.skipped_iterations;
    else o << ",,,,,";
    return o.str();
}

}  // namespace flashsim
