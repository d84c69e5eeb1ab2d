// sweep_output.cpp: a sweep's rows as CSV and JSON (columns: sweep.h).
#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <sstream>

#include "sim/sweep/sweep.h"

namespace flashsim {

namespace {

std::vector<std::string> split_header(const std::string& h) {
    std::vector<std::string> cols;
    std::stringstream ss(h);
    for (std::string c; std::getline(ss, c, ',');) cols.push_back(c);
    return cols;
}

std::string csv_quote(const std::string& s) {
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string q = "\"";
    for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
}

std::string number_text(double v) {
    std::ostringstream s;
    s.precision(15);
    s << v;
    return s.str();
}

// The varied keys that csv_header() does not already hold, in axis order.
std::vector<size_t> extra_axes(const SweepSpec& spec, const std::vector<std::string>& base) {
    std::vector<size_t> extra;
    for (size_t a = 0; a < spec.axes.size(); ++a)
        if (std::find(base.begin(), base.end(), sweep_column(spec.axes[a].key)) == base.end()) extra.push_back(a);
    return extra;
}

// The configuration columns of a row that did not run; counts stay empty.
std::string unrun_row(const SweepSpec& spec, const SweepRow& r, size_t n_cols) {
    const auto knob = [](int64_t v) { return v ? std::to_string(v) : std::string(); };
    const auto& p = r.problem;
    const auto& s = r.schedule;
    std::vector<std::string> v = {to_string(r.point.algo), to_string(p.pass), spec.gpu.name, spec.options.paper_mode ? "1" : "0",
                                  std::to_string(p.B), std::to_string(p.H), std::to_string(p.N), std::to_string(p.d),
                                  to_string(p.dtype), p.causal ? "1" : "0",
                                  p.dropout ? number_text(*p.dropout) : std::string(), knob(s.Br), knob(s.Bc), "", "",
                                  knob(s.warps), knob(s.stages), knob(s.bwd_Br), knob(s.bwd_Bc), "", "",
                                  knob(s.bwd_warps), knob(s.bwd_stages)};
    v.resize(n_cols);
    std::string out;
    for (size_t i = 0; i < v.size(); ++i) out += (i ? "," : "") + v[i];
    return out;
}

}  // namespace

std::string sweep_csv(const SweepSpec& spec, const std::vector<SweepRow>& rows) {
    const std::vector<std::string> base = split_header(csv_header());
    const std::vector<size_t> extra = extra_axes(spec, base);
    std::string out = csv_header();
    for (size_t a : extra) out += "," + sweep_column(spec.axes[a].key);
    out += ",ok,reason\n";
    for (const auto& r : rows) {
        out += r.ok ? csv_row(r.result) : unrun_row(spec, r, base.size());
        for (size_t a : extra) out += "," + number_text(r.point.values[a]);
        out += r.ok ? ",1," : ",0," + csv_quote(r.reason);
        out += "\n";
    }
    return out;
}

nlohmann::json sweep_json(const SweepSpec& spec, const std::vector<SweepRow>& rows) {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& r : rows) {
        nlohmann::json varied = nlohmann::json::object();
        for (size_t a = 0; a < spec.axes.size(); ++a) {
            const double v = r.point.values[a];  // whole values as integers, as the keys are
            if (v == std::floor(v) && std::fabs(v) < 9.0e15) varied[spec.axes[a].key] = int64_t(v);
            else varied[spec.axes[a].key] = v;
        }
        if (r.ok) {
            nlohmann::json j = to_json(r.result);
            j["ok"] = true;
            j["sweep"] = varied;
            arr.push_back(std::move(j));
        } else {
            const auto& p = r.problem;
            arr.push_back({{"ok", false},
                           {"reason", r.reason},
                           {"sweep", varied},
                           {"problem",
                            {{"B", p.B}, {"H", p.H}, {"N", p.N}, {"N_kv", p.Nk()}, {"d", p.d}, {"dtype", to_string(p.dtype)},
                             {"causal", p.causal}, {"dropout", p.dropout ? nlohmann::json(*p.dropout) : nlohmann::json()},
                             {"pass", to_string(p.pass)}}},
                           {"schedule", {{"algo", to_string(r.point.algo)}}}});
        }
    }
    return arr;
}

}  // namespace flashsim
