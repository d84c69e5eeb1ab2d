// sweep.cpp: expanding a sweep's grid and evaluating its points on every core.
#include "sim/sweep/sweep.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <sstream>
#include <thread>

#include "sim/core/errors.h"
#include "sim/core/work_estimate.h"

namespace flashsim {

namespace {

double parse_number(const std::string& spec, const std::string& t) {
    try {
        size_t used = 0;
        const double v = std::stod(t, &used);
        if (used != t.size() || !std::isfinite(v)) throw std::invalid_argument(t);
        return v;
    } catch (const std::logic_error&) {
        throw ConfigError("--vary '" + spec + "': '" + t + "' is not a number");
    }
}

bool is_problem_key(const std::string& key) {
    const auto& k = sweep_problem_keys();
    return std::find(k.begin(), k.end(), key) != k.end();
}

int64_t as_int(const std::string& key, double v) {
    if (v != std::floor(v)) throw ConfigError("--vary " + key + ": " + std::to_string(v) + " is not a whole number");
    if (std::fabs(v) > 4.0e18) throw ConfigError("--vary " + key + ": " + std::to_string(v) + " is out of range");
    return int64_t(v);
}

std::string number_text(double v) {
    std::ostringstream s;
    s.precision(17);
    s << v;
    return s.str();
}

}  // namespace

SweepAxis parse_sweep_axis(const std::string& spec) {
    const auto eq = spec.find('=');
    if (eq == std::string::npos || eq == 0)
        throw ConfigError("--vary '" + spec + "': expected KEY=START:STOP[:+STEP|:*FACTOR] or KEY=V1,V2,...");
    SweepAxis a{spec.substr(0, eq), {}};
    const std::string rhs = spec.substr(eq + 1);
    if (rhs.find(':') == std::string::npos) {
        std::stringstream ss(rhs);
        for (std::string t; std::getline(ss, t, ',');) a.values.push_back(parse_number(spec, t));
    } else {
        std::vector<std::string> parts;
        std::stringstream ss(rhs);
        for (std::string t; std::getline(ss, t, ':');) parts.push_back(t);
        if (parts.size() < 2 || parts.size() > 3) throw ConfigError("--vary '" + spec + "': expected START:STOP[:+STEP|:*FACTOR]");
        const double lo = parse_number(spec, parts[0]), hi = parse_number(spec, parts[1]);
        bool mul = true;
        double step = 2;
        if (parts.size() == 3) {
            const std::string& st = parts[2];
            if (st.empty() || (st[0] != '+' && st[0] != '*')) throw ConfigError("--vary '" + spec + "': step must be +STEP or *FACTOR");
            mul = st[0] == '*';
            step = parse_number(spec, st.substr(1));
        }
        if (mul && lo <= 0) throw ConfigError("--vary '" + spec + "': a doubling or *FACTOR range needs START > 0");
        if ((mul && step <= 1) || (!mul && step <= 0) || lo > hi)
            throw ConfigError("--vary '" + spec + "': the range does not advance from START to STOP");
        for (double v = lo; v <= hi * (1 + 1e-12); v = mul ? v * step : v + step) {
            a.values.push_back(v);
            if (a.values.size() > 100000) throw ConfigError("--vary '" + spec + "': more than 100000 points");
        }
    }
    if (a.values.empty()) throw ConfigError("--vary '" + spec + "': no values");
    return a;
}

const std::vector<std::string>& sweep_problem_keys() {
    static const std::vector<std::string> keys = {"N",      "N-kv",   "d",      "Br",        "Bc",         "heads",  "batch",
                                                  "warps",  "stages", "bwd-Br", "bwd-Bc",    "bwd-warps",  "bwd-stages",
                                                  "dropout"};
    return keys;
}

bool is_gpu_sweep_key(const std::string& key) {
    for (const auto& f : gpu_fields())
        if (key == f.key) return true;
    return false;
}

std::string sweep_column(const std::string& key) {
    if (key == "heads") return "H";
    if (key == "batch") return "B";
    if (key == "N-kv") return "N_kv";
    if (key.rfind("bwd-", 0) == 0) return "bwd_" + key.substr(4);  // bwd-Br -> bwd_Br
    return key;
}

std::vector<SweepPoint> expand_sweep(const SweepSpec& spec) {
    std::vector<Algorithm> algos = spec.algorithms;
    if (algos.empty()) algos.push_back(spec.schedule.algo);
    size_t grid = 1;
    for (const auto& a : spec.axes) {
        if (!is_problem_key(a.key) && !is_gpu_sweep_key(a.key)) {
            std::string allowed;
            for (const auto& k : sweep_problem_keys()) allowed += k + ", ";
            throw ConfigError("--vary " + a.key + ": unknown GPU field or sweep key; allowed: " + allowed +
                              "or a GPU field (see flashsim presets NAME)");
        }
        if (a.values.empty()) throw ConfigError("--vary " + a.key + ": no values");
        if (a.key == "dropout") {  // the one fractional key
            for (double v : a.values)
                if (!(v >= 0 && v < 1))
                    throw ConfigError("--vary dropout: " + dropout_text(v) + " is out of range; allowed: 0 <= dropout < 1");
        } else if (is_problem_key(a.key)) {
            for (double v : a.values) as_int(a.key, v);
        }
        grid *= a.values.size();
        if (grid * algos.size() > spec.max_points)
            throw ConfigError("sweep: more than " + std::to_string(spec.max_points) + " points; narrow the ranges");
    }
    std::vector<SweepPoint> pts;
    pts.reserve(grid * algos.size());
    std::vector<size_t> idx(spec.axes.size(), 0);
    for (size_t n = 0; n < grid; ++n) {
        for (Algorithm algo : algos) {
            SweepPoint pt;
            pt.index = pts.size();
            pt.algo = algo;
            for (size_t a = 0; a < spec.axes.size(); ++a) pt.values.push_back(spec.axes[a].values[idx[a]]);
            pts.push_back(std::move(pt));
        }
        for (size_t a = spec.axes.size(); a-- > 0;) {  // odometer: the last axis fastest
            if (++idx[a] < spec.axes[a].values.size()) break;
            idx[a] = 0;
        }
    }
    return pts;
}

void apply_sweep_point(const SweepSpec& spec, const SweepPoint& pt, AttentionProblem& p, Schedule& s, GpuSpec& g) {
    p = spec.problem;
    s = spec.schedule;
    s.algo = pt.algo;
    g = spec.gpu;
    for (size_t a = 0; a < spec.axes.size(); ++a) {
        const std::string& key = spec.axes[a].key;
        const double v = pt.values[a];
        if (key == "N") p.N = as_int(key, v);
        else if (key == "N-kv") p.N_kv = as_int(key, v);
        else if (key == "d") p.d = as_int(key, v);
        else if (key == "Br") s.Br = as_int(key, v);
        else if (key == "Bc") s.Bc = as_int(key, v);
        else if (key == "heads") p.H = as_int(key, v);
        else if (key == "batch") p.B = as_int(key, v);
        else if (key == "warps") s.warps = as_int(key, v);
        else if (key == "stages") s.stages = as_int(key, v);
        else if (key == "bwd-Br") s.bwd_Br = as_int(key, v);
        else if (key == "bwd-Bc") s.bwd_Bc = as_int(key, v);
        else if (key == "bwd-warps") s.bwd_warps = as_int(key, v);
        else if (key == "bwd-stages") s.bwd_stages = as_int(key, v);
        else if (key == "dropout") p.dropout = v;
        else g.set(key, number_text(v));
    }
    g.validate();
    p.validate();
}

void check_sweep_work(const SweepSpec& spec, const std::vector<SweepPoint>& pts) {
    // First the fixed cost of every run alone, when no axis changes the GPU: a million tiny points
    // are refused without looking at each.
    bool gpu_varies = false;
    for (const auto& a : spec.axes) gpu_varies = gpu_varies || is_gpu_sweep_key(a.key);
    const bool l2_model = spec.options.timing && !spec.options.paper_mode && spec.gpu.l2_bytes > 0;
    if (!gpu_varies) {
        const double per_run = l2_model ? kRunSecondsWithL2Model : kRunSecondsWithoutL2Model;
        const double runs = double(pts.size());
        if (runs * per_run > kMaxWorkSeconds)
            throw ConfigError("sweep: " + std::to_string(pts.size()) + " points at about " + std::to_string(int64_t(per_run * 1e3)) +
                              " ms each before any tile are about " + std::to_string(int64_t(runs * per_run / 60)) +
                              " minutes in all; allowed: sweeps estimated under 1 hour");
    }
    // Then every point's own estimate; a point that does not resolve becomes a row with its reason.
    // A point over kWarnWorkSeconds by the closed form takes the walk's estimate where counting
    // its one head is cheap (estimate_run_work), as long as those counts together cost at most
    // kRefineSweepCountSeconds by the closed form: the others keep the closed form.
    double total_s = 0, worst_s = -1, counting_s = 0;
    size_t estimated = 0;
    std::string worst;
    for (const SweepPoint& pt : pts) {
        AttentionProblem p;
        Schedule s;
        GpuSpec g;
        WorkEstimate w;
        try {
            apply_sweep_point(spec, pt, p, s, g);
            const Schedule resolved = resolve_schedule(s, p, g);
            const double count_s = estimate_work(p, resolved, false, false).seconds;
            const bool refine = counting_s + count_s <= kRefineSweepCountSeconds;
            w = estimate_run_work(p, resolved, g, spec.options, refine ? kWarnWorkSeconds : INFINITY);
            if (w.by_walk) counting_s += count_s;
        } catch (const ConfigError&) {
            continue;
        }
        total_s += w.seconds;
        if (w.seconds > worst_s) worst_s = w.seconds, worst = p.describe() + " " + to_string(pt.algo) + ": " + w.arithmetic;
        ++estimated;
        if (total_s > kMaxWorkSeconds)  // no need to look further
            throw ConfigError("sweep: the first " + std::to_string(estimated) + " of " + std::to_string(pts.size()) +
                              " points are estimated at about " + std::to_string(int64_t(total_s / 60)) +
                              " minutes in all (the largest: " + worst + "); allowed: sweeps estimated under 1 hour");
    }
}

std::vector<SweepRow> run_sweep(const SweepSpec& spec, const SweepProgress& progress) {
    const std::vector<SweepPoint> pts = expand_sweep(spec);
    check_sweep_work(spec, pts);
    std::vector<SweepRow> rows(pts.size());
    std::atomic<size_t> next{0};
    size_t done = 0;
    std::mutex m;
    std::condition_variable cv;
    std::exception_ptr failure;

    const auto work = [&] {
        for (size_t i; (i = next.fetch_add(1)) < pts.size();) {
            SweepRow& row = rows[i];
            row.point = pts[i];
            try {
                GpuSpec g;
                apply_sweep_point(spec, pts[i], row.problem, row.schedule, g);
                row.result = simulate(row.problem, row.schedule, g, spec.options);
                row.result.listings.clear();
                row.ok = true;
            } catch (const ConfigError& e) {
                row.reason = e.what();
            } catch (...) {
                std::lock_guard<std::mutex> lock(m);
                if (!failure) failure = std::current_exception();
                next = pts.size();  // stop handing out points
            }
            {
                std::lock_guard<std::mutex> lock(m);
                ++done;
            }
            cv.notify_one();
        }
    };
    unsigned n_threads = spec.threads ? spec.threads : std::max(1u, std::thread::hardware_concurrency());
    n_threads = unsigned(std::min<size_t>(n_threads, std::max<size_t>(1, pts.size())));
    std::vector<std::thread> threads;
    for (unsigned t = 0; t < n_threads; ++t) threads.emplace_back(work);
    {
        std::unique_lock<std::mutex> lock(m);
        size_t reported = 0;
        while (true) {
            cv.wait(lock, [&] { return done != reported || done == pts.size() || failure; });
            if (failure) break;
            reported = done;
            if (progress) {
                lock.unlock();
                progress(reported, pts.size());
                lock.lock();
            }
            if (reported == pts.size()) break;
        }
    }
    for (auto& t : threads) t.join();
    if (failure) std::rethrow_exception(failure);
    return rows;
}

}  // namespace flashsim
