// run.cpp: `flashsim run` (one configuration) and `flashsim sweep` (a grid of them).
#include <cmath>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "sim/cli/commands.h"
#include "sim/cli/options.h"
#include "sim/cli/report.h"
#include "sim/core/errors.h"
#include "sim/core/work_estimate.h"

namespace flashsim::cli {

int cmd_run(int argc, const char* const* argv) {
    CommonOptions o;
    std::string json_path, csv_path;
    po::options_description desc("run options");
    add_common_options(desc, o);
    desc.add_options()("json", po::value(&json_path), "write the result as JSON to FILE (- for stdout)")(
        "csv", po::value(&csv_path), "write the result as one CSV row (with header) to FILE (- for stdout)");
    po::variables_map vm;
    if (!parse(argc, argv, desc, vm, "usage: flashsim run [options]\n\nSimulates one configuration and prints a report."))
        return 0;
    check_output_path(json_path);  // refuse before writing either file
    check_output_path(csv_path);
    const RunResult r = simulate(o.problem(), o.schedule(), o.gpu_spec(), o.sim_options());
    if (!json_path.empty()) write_output(json_path, to_json(r).dump(2) + "\n");
    if (!csv_path.empty()) write_output(csv_path, csv_header() + "\n" + csv_row(r) + "\n");
    if (json_path != "-" && csv_path != "-") std::cout << run_report(r);
    return 0;
}

namespace {

// One swept key: N, N-kv, d, Br, Bc, heads, batch, warps, stages, or a GPU field.
struct Axis {
    std::string key;
    std::vector<double> values;
};

// "KEY=a:b" (doubling from a to b), "KEY=a:b:+s" (step s), "KEY=a:b:*f" (factor f), "KEY=v1,v2,...".
Axis parse_axis(const std::string& spec) {
    const auto eq = spec.find('=');
    if (eq == std::string::npos || eq == 0) throw ConfigError("--vary '" + spec + "': expected KEY=START:STOP[:+STEP|:*FACTOR] or KEY=V1,V2,...");
    Axis a{spec.substr(0, eq), {}};
    const std::string rhs = spec.substr(eq + 1);
    auto num = [&](const std::string& t) {
        try {
            size_t used = 0;
            double v = std::stod(t, &used);
            if (used != t.size() || !std::isfinite(v)) throw std::invalid_argument(t);
            return v;
        } catch (const std::logic_error&) {
            throw ConfigError("--vary '" + spec + "': '" + t + "' is not a number");
        }
    };
    if (rhs.find(':') == std::string::npos) {
        std::stringstream ss(rhs);
        for (std::string t; std::getline(ss, t, ',');) a.values.push_back(num(t));
    } else {
        std::vector<std::string> parts;
        std::stringstream ss(rhs);
        for (std::string t; std::getline(ss, t, ':');) parts.push_back(t);
        if (parts.size() < 2 || parts.size() > 3) throw ConfigError("--vary '" + spec + "': expected START:STOP[:+STEP|:*FACTOR]");
        const double lo = num(parts[0]), hi = num(parts[1]);
        bool mul = true;
        double step = 2;
        if (parts.size() == 3) {
            const std::string& st = parts[2];
            if (st.empty() || (st[0] != '+' && st[0] != '*')) throw ConfigError("--vary '" + spec + "': step must be +STEP or *FACTOR");
            mul = st[0] == '*';
            step = num(st.substr(1));
        }
        if (mul && lo <= 0) throw ConfigError("--vary '" + spec + "': a doubling or *FACTOR range needs START > 0");
        if ((mul && step <= 1) || (!mul && step <= 0) || lo > hi) throw ConfigError("--vary '" + spec + "': the range does not advance from START to STOP");
        for (double v = lo; v <= hi * (1 + 1e-12); v = mul ? v * step : v + step) {
            a.values.push_back(v);
            if (a.values.size() > 100000) throw ConfigError("--vary '" + spec + "': more than 100000 points");
        }
    }
    if (a.values.empty()) throw ConfigError("--vary '" + spec + "': no values");
    return a;
}

void apply_axis(CommonOptions& o, const std::string& key, double v) {
    const auto as_int = [&] {
        if (v != std::floor(v)) throw ConfigError("--vary " + key + ": " + std::to_string(v) + " is not a whole number");
        if (std::fabs(v) > 4.0e18) throw ConfigError("--vary " + key + ": " + std::to_string(v) + " is out of range");
        return int64_t(v);
    };
    if (key == "N") o.N = as_int();
    else if (key == "N-kv") o.N_kv = as_int();
    else if (key == "d") o.d = as_int();
    else if (key == "Br") o.Br = as_int();
    else if (key == "Bc") o.Bc = as_int();
    else if (key == "heads") o.heads = as_int();
    else if (key == "batch") o.batch = as_int();
    else if (key == "warps") o.warps = as_int();
    else if (key == "stages") o.stages = as_int();
    else {
        std::ostringstream s;
        s.precision(17);
        s << v;
        o.set.push_back(key + "=" + s.str());  // a GPU field; unknown keys fail there, by name
    }
}

}  // namespace

int cmd_sweep(int argc, const char* const* argv) {
    CommonOptions o;
    std::vector<std::string> vary, algos;
    std::string json_path, csv_path = "-";
    po::options_description desc("sweep options");
    add_common_options(desc, o);
    desc.add_options()("vary", po::value(&vary)->composing(),
                       "KEY=START:STOP (doubling), KEY=START:STOP:+STEP, KEY=START:STOP:*FACTOR or KEY=V1,V2; "
                       "KEY is N, N-kv, d, Br, Bc, heads, batch, warps, stages or a GPU field (repeatable: a grid)")(
        "algos", po::value(&algos)->multitoken(), "algorithms to run at every point (default: --algo)")(
        "json", po::value(&json_path), "write a JSON array to FILE (- for stdout)")(
        "csv", po::value(&csv_path), "write CSV rows to FILE (default: - for stdout)");
    po::variables_map vm;
    if (!parse(argc, argv, desc, vm,
               "usage: flashsim sweep --vary KEY=RANGE [--vary ...] [options]\n\n"
               "example: flashsim sweep --algos vanilla fa2 --vary N=512:8192 --paper --no-timing"))
        return 0;
    check_output_path(json_path);
    check_output_path(csv_path);
    if (vary.empty()) throw ConfigError("sweep needs at least one --vary KEY=RANGE (see flashsim sweep --help)");
    if (algos.empty()) algos.push_back(o.algo);
    std::vector<Axis> axes;
    size_t points = 1;
    for (const auto& v : vary) {
        axes.push_back(parse_axis(v));
        points *= axes.back().values.size();
        if (points * algos.size() > 1000000) throw ConfigError("sweep: more than 1000000 points; narrow the ranges");
    }
    // Visits every (point, algorithm) of the grid, in output order.
    const auto for_each_point = [&](const auto& visit) {
        std::vector<size_t> idx(axes.size(), 0);
        for (size_t n = 0; n < points; ++n) {
            for (const auto& algo : algos) {
                CommonOptions pt = o;
                pt.algo = algo;
                for (size_t a = 0; a < axes.size(); ++a) apply_axis(pt, axes[a].key, axes[a].values[idx[a]]);
                visit(pt);
            }
            for (size_t a = axes.size(); a-- > 0;) {  // odometer over the grid
                if (++idx[a] < axes[a].values.size()) break;
                idx[a] = 0;
            }
        }
    };
    // The whole grid's work is estimated before the first point runs: a sweep that would take
    // hours is refused now, with the point that dominates, not after the first hour.
    // First the fixed cost of every run alone, when no axis changes the GPU: a million tiny
    // points are refused without looking at each.
    bool gpu_varies = false;
    for (const auto& a : axes)
        for (const auto& f : gpu_fields()) gpu_varies = gpu_varies || a.key == f.key;
    if (!gpu_varies) {
        const GpuSpec g = o.gpu_spec();
        const SimOptions so = o.sim_options();
        const double per_run = so.timing && !so.paper_mode && g.l2_bytes > 0 ? kRunSecondsWithL2Model : kRunSecondsWithoutL2Model;
        const double runs = double(points) * double(algos.size());
        if (runs * per_run > kMaxWorkSeconds)
            throw ConfigError("sweep: " + std::to_string(points * algos.size()) + " points at about " + std::to_string(int64_t(per_run * 1e3)) +
                              " ms each before any tile are about " + std::to_string(int64_t(runs * per_run / 60)) +
                              " minutes in all; allowed: sweeps estimated under 1 hour");
    }
    double total_s = 0, worst_s = -1;
    size_t estimated = 0;
    std::string worst;
    std::map<std::string, GpuSpec> gpus;  // by preset and overrides: most grids vary no GPU field
    for_each_point([&](const CommonOptions& pt) {
        const AttentionProblem p = pt.problem();
        std::string gpu_key = pt.gpu;
        for (const auto& kv : pt.set) gpu_key += '\n' + kv;
        auto it = gpus.find(gpu_key);
        if (it == gpus.end()) it = gpus.emplace(gpu_key, pt.gpu_spec()).first;
        const GpuSpec& g = it->second;
        const SimOptions so = pt.sim_options();
        const WorkEstimate w = check_work(p, resolve_schedule(pt.schedule(), p, g), so.timing,
                                          so.timing && !so.paper_mode && g.l2_bytes > 0);
        total_s += w.seconds;
        if (w.seconds > worst_s) worst_s = w.seconds, worst = p.describe() + " " + pt.algo + ": " + w.arithmetic;
        ++estimated;
        if (total_s > kMaxWorkSeconds)  // no need to look further
            throw ConfigError("sweep: the first " + std::to_string(estimated) + " of " + std::to_string(points * algos.size()) +
                              " points are estimated at about " + std::to_string(int64_t(total_s / 60)) +
                              " minutes in all (the largest: " + worst + "); allowed: sweeps estimated under 1 hour");
    });
    std::string csv = csv_header() + "\n";
    nlohmann::json arr = nlohmann::json::array();
    for_each_point([&](const CommonOptions& pt) {
        const RunResult r = simulate(pt.problem(), pt.schedule(), pt.gpu_spec(), pt.sim_options());
        csv += csv_row(r) + "\n";
        if (!json_path.empty()) arr.push_back(to_json(r));
    });
    if (!json_path.empty()) write_output(json_path, arr.dump(2) + "\n");
    if (!csv_path.empty() && !(json_path == "-" && csv_path == "-")) write_output(csv_path, csv);
    return 0;
}

}  // namespace flashsim::cli
