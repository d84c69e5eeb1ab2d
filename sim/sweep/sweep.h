// sweep.h: a grid of configurations, evaluated on every core. The CLI's `flashsim sweep`, the
// Python module's flashsim.sweep and the lessons all expand and evaluate sweeps here.
//
// Contract:
// - A SweepSpec is a base configuration (problem, schedule, GPU, options), the algorithms to run
//   at every point and the axes (`KEY=RANGE`): N, N-kv, d, Br, Bc, heads, batch, warps, stages,
//   the backward's bwd-Br, bwd-Bc, bwd-warps, bwd-stages (pass bwd or fwdbwd; columns bwd_Br, ...),
//   dropout (the one fractional key) or any GPU field (gpu_fields()). The axes form a grid; the last axis varies fastest, and at each
//   grid point every algorithm runs in the order given.
// - expand_sweep() checks the keys, values and the number of points before anything runs and
//   throws ConfigError naming the bad axis.
// - run_sweep() returns one row per point, in expansion order whatever the number of threads.
//   A point that does not fit (SRAM, ranges) is kept as a row with ok = false and the reason
//   (the ConfigError's one line). Other exceptions are rethrown on the calling thread.
// - The progress callback runs on the calling thread (never concurrently) as points finish.
#pragma once
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "sim/engine/simulate.h"

namespace flashsim {

// One swept key and its values, in order.
struct SweepAxis {
    std::string key;
    std::vector<double> values;
};

// "KEY=a:b" (doubling from a to b), "KEY=a:b:+s" (step s), "KEY=a:b:*f" (factor f) or
// "KEY=v1,v2,...". Throws ConfigError. The key is checked by expand_sweep().
SweepAxis parse_sweep_axis(const std::string& spec);

// The problem and schedule keys a sweep can vary (GPU fields come from gpu_fields()).
const std::vector<std::string>& sweep_problem_keys();
bool is_gpu_sweep_key(const std::string& key);

struct SweepSpec {
    std::vector<Algorithm> algorithms;  // run at every point; empty = schedule.algo
    AttentionProblem problem;            // the base configuration
    Schedule schedule;                   // unresolved: 0 knobs mean "default"
    GpuSpec gpu;                         // with the user's overrides applied
    SimOptions options;
    std::vector<SweepAxis> axes;         // a grid; the last axis varies fastest
    unsigned threads = 0;                // 0 = every core (std::thread::hardware_concurrency)
    size_t max_points = 100000;          // rows (grid points x algorithms) allowed
};

// One row to evaluate: the algorithm and one value per axis.
struct SweepPoint {
    size_t index = 0;
    Algorithm algo = Algorithm::fa2;
    std::vector<double> values;  // values[a] for spec.axes[a]
};

struct SweepRow {
    SweepPoint point;
    bool ok = false;
    std::string reason;  // when !ok: why the point does not run ("... need 288 KiB of SRAM; ...")
    // The point's configuration with the axis values applied (schedule unresolved when !ok).
    AttentionProblem problem;
    Schedule schedule;
    RunResult result;  // when ok (its listings are dropped to keep large sweeps small)
};

using SweepProgress = std::function<void(size_t done, size_t total)>;

// Checks the axes and lists the rows in order. Throws ConfigError.
std::vector<SweepPoint> expand_sweep(const SweepSpec& spec);
// The problem, schedule and GPU of one point. Throws ConfigError (e.g. a GPU field out of range).
void apply_sweep_point(const SweepSpec& spec, const SweepPoint& pt, AttentionProblem& p, Schedule& s, GpuSpec& g);
// Refuses (ConfigError, with the arithmetic) a grid whose estimated work is over an hour, before
// any point runs (sim/core/work_estimate.h); points that do not resolve are left to their rows.
// Points over kWarnWorkSeconds by the closed form take the walk's estimate (estimate_run_work) while
// counting them costs at most kRefineSweepCountSeconds in all by the closed form.
inline constexpr double kRefineSweepCountSeconds = 10;
void check_sweep_work(const SweepSpec& spec, const std::vector<SweepPoint>& pts);
// Evaluates every point on spec.threads threads. Throws ConfigError for a bad spec or a grid
// check_sweep_work refuses.
std::vector<SweepRow> run_sweep(const SweepSpec& spec, const SweepProgress& progress = {});

// Outputs. The CSV is csv_header()'s columns (the same names, same order), then one column per
// varied key that is not among them (GPU fields by their key, N-kv as N_kv), then `ok` and
// `reason`. A row that did not run fills the configuration columns and leaves the counts empty.
std::string sweep_csv(const SweepSpec& spec, const std::vector<SweepRow>& rows);
// A JSON array: each run row is to_json(result) plus "ok": true and "sweep": {key: value}; a row
// that did not run is {"ok": false, "reason", "sweep", "problem", "schedule": {"algo"}}.
nlohmann::json sweep_json(const SweepSpec& spec, const std::vector<SweepRow>& rows);
// The column name a varied key has in the CSV ("heads" -> "H", "N-kv" -> "N_kv", "bwd-Br" -> "bwd_Br").
std::string sweep_column(const std::string& key);

}  // namespace flashsim
