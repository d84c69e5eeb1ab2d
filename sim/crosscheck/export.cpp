// export.cpp: the cross-check as JSON ("flashsim-crosscheck/1") and CSV (see report.h and
// docs/fidelity.md for the fields).
#include <cctype>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>

#include "sim/crosscheck/report.h"

namespace flashsim::crosscheck {

namespace {

using nlohmann::json;

json opt(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

json comparison_json(const Comparison& c) {
    const MeasuredRun& r = c.run;
    json j = {{"label", c.label},
              {"version", r.version},
              {"kernel", r.kernel},
              {"algo", r.algo},
              {"B", r.B},
              {"H", r.H},
              {"N", r.N},
              {"d", r.d},
              {"dtype", r.dtype},
              {"causal", r.causal},
              {"measured_schedule", {{"Br", r.Br}, {"Bc", r.Bc}, {"warps", r.warps}, {"stages", r.stages}}},
              {"correct", r.correct ? json(*r.correct) : json(nullptr)},
              {"run_error", r.error},
              {"ncu_error", r.ncu_error},
              {"ncu_kernels", r.ncu ? json(r.ncu->kernels) : json::array()},
              {"sim_schedule", c.sim_schedule},
              {"sim_note", c.config.note},
              {"sim_error", c.sim_error},
              {"sim_paper_mode", c.sim_paper_mode},
              {"sim_timing", c.sim_timing},
              {"sim_bottleneck", c.sim_bottleneck},
              {"sim_engine", c.sim_engine},
              {"sim_l2_dirty_bytes_at_end", opt(c.sim_dirty_bytes)},
              {"sim_l2_reads_to_tags_bytes", opt(c.sim_reads_to_tags)},
              {"sim_l2_writes_seen_bytes", opt(c.sim_writes_seen)},
              {"sim_l2_hop_bytes", opt(c.sim_hop)},
              {"measured_tflops", opt(r.tflops)},
              {"sim_tflops", opt(c.sim_tflops)},
              {"measured_warp_instructions", r.ncu ? opt(r.ncu->inst_executed) : json(nullptr)},
              {"sim_warp_instructions", opt(c.sim_instructions)},
              {"measured_tensor_instructions", r.ncu ? opt(r.ncu->inst_tensor) : json(nullptr)},
              {"sim_tensor_instructions", opt(c.sim_tensor_instructions)},
              {"measured_xu_instructions", r.ncu ? opt(r.ncu->inst_xu) : json(nullptr)},
              {"sim_xu_instructions", opt(c.sim_xu_instructions)}};
    json m = json::object();
    for (size_t i = 0; i < kMetricCount; ++i) {
        const MetricPair& p = c.metrics[i];
        m[metric_key(Metric(i))] = {{"measured", opt(p.measured)}, {"simulated", opt(p.simulated)}, {"rel_err", opt(p.rel_err())},
                                    {"unit", metric_unit(Metric(i))}};
    }
    j["metrics"] = m;
    // The kernel version's declared properties (schema 2) and every ncu metric the run has.
    j["pass"] = r.pass;
    j["matmul_unit"] = r.matmul_unit;
    json n = json::object();
    if (r.ncu)
        for (const auto& f : ncu_metric_fields())
            if ((*r.ncu).*(f.field)) n[f.name] = *((*r.ncu).*(f.field));
    j["ncu_metrics"] = n;
    return j;
}

std::string cell(const std::optional<double>& v) {
    if (!v) return "";
    std::ostringstream s;
    s.precision(10);
    s << *v;
    return s.str();
}

std::string quoted(const std::string& s) {
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string q = "\"";
    for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c == '\n' ? ' ' : c);
    return q + "\"";
}

}  // namespace

nlohmann::json to_json(const std::vector<MetricSummary>& summary) {
    json j = json::array();
    for (const auto& s : summary)
        j.push_back({{"metric", metric_key(s.metric)},
                     {"group", s.group},
                     {"runs", s.runs},
                     {"median_abs_rel_err", s.median_abs_rel_err},
                     {"worst_abs_rel_err", s.worst_abs_rel_err},
                     {"worst_run", s.worst_label}});
    return j;
}

nlohmann::json to_json(const CrosscheckReport& r) {
    json j = {{"schema", "flashsim-crosscheck/1"}, {"source", r.source}, {"gpu_preset", r.gpu.name}};
    j["measured_gpu"] = r.file ? json(r.file->provenance.gpu) : json(nullptr);
    j["comparisons"] = json::array();
    for (const auto& c : r.comparisons) j["comparisons"].push_back(comparison_json(c));
    j["summary"] = to_json(r.summary);
    j["throughput"] = json::array();
    for (const auto& t : r.throughput) {
        json v = json::object();
        for (const auto& [ver, ms] : t.version_ms) v["v" + std::to_string(ver)] = ms;
        j["throughput"].push_back({{"B", t.B},
                                   {"H", t.H},
                                   {"N", t.N},
                                   {"d", t.d},
                                   {"causal", t.causal},
                                   {"dtype", t.dtype},
                                   {"pass", t.pass},
                                   {"time_ms_median", v},
                                   {"torch_ms", opt(t.torch_ms)},
                                   {"sim_torch_tiles_ms", opt(t.sim_torch_tiles_ms)},
                                   {"torch_rel_err", opt(t.torch_rel_err())},
                                   {"v5_over_torch", opt(t.v5_over_torch)},
                                   {"bwd_over_torch", opt(t.bwd_over_torch)},
                                   {"flash_over_vanilla", opt(t.flash_over_vanilla)}});
    }
    json outs = json::array();
    for (const auto& o : r.outputs.checks)
        outs.push_back({{"version", o.version}, {"shape", o.shape}, {"max_abs_err", opt(o.max_abs_err)},
                        {"unwritten", o.unwritten}, {"note", o.note}});
    j["outputs"] = {{"functional_available", r.outputs.functional_available}, {"checks", outs}};
    j["caveats"] = r.caveats;
    return j;
}

std::string to_csv(const std::vector<CrosscheckReport>& rs) {
    std::string out;
    for (size_t i = 0; i < rs.size(); ++i) {
        std::istringstream in(to_csv(rs[i]));
        std::string line;
        if (std::getline(in, line) && i == 0) out += "source," + line + "\n";
        while (std::getline(in, line)) out += quoted(rs[i].source) + "," + line + "\n";
    }
    return out;
}

std::string to_csv(const CrosscheckReport& r) {
    std::ostringstream o;
    o << "label,version,kernel,B,H,N,d,dtype,causal,sim_schedule,sim_error";
    for (size_t i = 0; i < kMetricCount; ++i) {
        const std::string k = metric_key(Metric(i));
        o << "," << k << "_measured," << k << "_simulated," << k << "_rel_err";
    }
    o << ",sim_l2_dirty_bytes_at_end\n";
    for (const auto& c : r.comparisons) {
        const MeasuredRun& run = c.run;
        o << quoted(c.label) << "," << run.version << "," << quoted(run.kernel) << "," << run.B << "," << run.H << ","
          << run.N << "," << run.d << "," << run.dtype << "," << (run.causal ? 1 : 0) << "," << quoted(c.sim_schedule) << ","
          << quoted(c.sim_error);
        for (const auto& p : c.metrics) o << "," << cell(p.measured) << "," << cell(p.simulated) << "," << cell(p.rel_err());
        o << "," << cell(c.sim_dirty_bytes) << "\n";
    }
    return o.str();
}

std::string to_markdown(const CrosscheckReport& r) {
    auto mb = [](const std::optional<double>& v) {
        if (!v) return std::string("-");
        char b[32];
        std::snprintf(b, sizeof b, "%.1f", *v * 1e-6);
        return std::string(b);
    };
    auto ms = [](const std::optional<double>& v) {
        if (!v) return std::string("-");
        char b[32];
        std::snprintf(b, sizeof b, "%.4g", *v * 1e3);
        return std::string(b);
    };
    std::ostringstream o;
    o << "Generated by `flashsim crosscheck " << r.source << " --markdown FILE` (preset " << r.gpu.name
      << "; MB = 1e6 bytes; err = (sim - meas) / meas).\n";
    bool paper = false, timed = false;
    for (const auto& c : r.comparisons)
        if (c.sim_error.empty()) paper |= c.sim_paper_mode, timed |= c.sim_timing;
    o << "Simulator: " << (paper ? "paper-mode counts (no L2 model)" : "L2 model on") << ", "
      << (timed ? "timing on" : "no timing layer") << ".\n";
    if (std::string note = paper || !timed ? "" : background_note(r.gpu, r.file); !note.empty()) {
        note[0] = char(std::toupper(static_cast<unsigned char>(note[0])));
        o << note << ".\n";
    }
    o << "\n";
    o << "| run | HBM read MB meas / sim | err | HBM write MB meas / sim (dirty) | err | L2 MB meas / sim | err "
         "| time ms ncu / sim | err |\n";
    o << "|---|---|---|---|---|---|---|---|---|\n";
    for (const auto& c : r.comparisons) {
        const auto& rd = c.at(Metric::hbm_read);
        const auto& wr = c.at(Metric::hbm_write);
        const auto& l2 = c.at(Metric::l2_traffic);
        const auto& t = c.at(Metric::time_ncu);
        o << "| " << c.label << " | " << mb(rd.measured) << " / " << mb(rd.simulated) << " | " << format_rel_err(rd.rel_err())
          << " | " << mb(wr.measured) << " / " << mb(wr.simulated) << " (" << mb(c.sim_dirty_bytes) << ") | "
          << format_rel_err(wr.rel_err()) << " | " << mb(l2.measured) << " / " << mb(l2.simulated) << " | "
          << format_rel_err(l2.rel_err()) << " | " << ms(t.measured) << " / " << ms(t.simulated) << " | "
          << format_rel_err(t.rel_err()) << " |\n";
    }
    o << "\n| metric | group | runs | median abs err | worst abs err |\n|---|---|---|---|---|\n";
    for (const auto& s : r.summary) {
        char b[160];
        std::snprintf(b, sizeof b, "| %s | %s | %lld | %.1f%% | %.1f%% |\n", metric_name(s.metric), s.group.c_str(),
                      (long long)s.runs, 100 * s.median_abs_rel_err, 100 * s.worst_abs_rel_err);
        o << b;
    }
    return o.str();
}

}  // namespace flashsim::crosscheck
