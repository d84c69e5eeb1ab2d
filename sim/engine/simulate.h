// simulate.h: the one entry point the CLI, viewer, lessons and cross-check call.
//
// Contract: simulate() resolves the schedule (throws ConfigError when it does not fit), builds
// the trace, counts it (paper mode, or through the L2 model) and, when asked, times it.
#pragma once
#include "sim/result/run_result.h"

namespace flashsim {

struct SimOptions {
    bool paper_mode = false;  // no L2: counts equal the papers' IO model
    bool timing = true;       // run the timing layer
    bool timeline = false;    // record a (bounded) per-SM timeline for the viewer
    // L2 model (outside paper mode): flush the L2 before each kernel, as Nsight Compute does
    // before each profiled kernel (vanilla's three kernels are profiled one by one).
    bool l2_flush_between_kernels = true;
    // Unit of L2 lookup and replacement; 0 = automatic (the line for small runs, 1 KiB for large
    // ones, see docs/timing.md). Must be a multiple of l2_line_bytes holding <= 128 sectors.
    int64_t l2_granule_bytes = 0;
    // The longest automatic granule outside `exact`, for studies (at most 128 sectors); 0 = 8
    // lines. Longer granules were tried as the default and are not within the fast path's bounds
    // (l2_granule_for in timing.h, docs/speed.md).
    int64_t l2_granule_cap_bytes = 0;
    size_t timeline_max_events = 200000;  // the timeline stops here (timeline_truncated)
    // FA3's intra-warpgroup pipeline (EngineProps); false: a kernel that has only the ping-pong
    // (kernels/v6, which says so in its header).
    bool intra_warpgroup_pipeline = true;
    // The exact engine: every L2 set simulated (the reference the fast path is tested against).
    // Off: large runs simulate a sample of the L2's sets and scale (docs/speed.md).
    bool exact = false;
    // L2 set sampling, 1 in this many sets (a power of two dividing the sets); 0 = automatic
    // (l2_set_sampling_for in memory_system.h), 1 = every set. `exact` wins.
    int64_t l2_set_sampling = 0;
    // Outside `exact`, skip the middle of kernels of many waves once their waves repeat, at the
    // cost of the last simulated span (kernel_sim.h, docs/speed.md); with a timeline, only once
    // it holds timeline_max_events. false: every CTA simulated.
    bool steady_state_skip = true;
};

RunResult simulate(const AttentionProblem& p, const Schedule& requested, const GpuSpec& g, const SimOptions& o);

struct Trace;
// The counting and timing of simulate() on a trace already built: fills r.counts, r.kernels,
// r.paper_mode, r.l2_dirty_bytes_at_end and (when o.timing) r.timing. Counting never depends on
// timing; outside paper mode the timing walk's L2 model supplies the HBM bytes, merged here.
void simulate_trace(const Trace& t, const GpuSpec& g, const SimOptions& o, RunResult& r);

struct Counters;
struct L2Plan;
struct EngineWork;
// What the timing walk of a trace does (work_estimate.h), from its paper-mode counts and the L2
// model's plan (timing.h): ops, transfers, global bytes, granule, sampling, host bytes of the model.
EngineWork engine_work(const Counters& paper_total, const GpuSpec& g, const L2Plan& plan);

struct WorkEstimate;
// The work simulate() decides on (work_estimate.h): the closed form (estimate_work), which
// charges every global byte at the L2 model's worst rate, 5-150x on the high side for the L2
// model as it runs today (docs/speed.md, "The work estimate"). Where the L2 model runs and the
// closed form is over `refine_above`, and counting one head costs at most kRefineCountSeconds by
// the closed form, the walk's own estimate instead (estimate_walk: the paper-mode count of the
// trace and the L2 model's plan, the granule and sampling it will run with), but never less
// than the closed form's tile steps: its arithmetic follows the closed form's.
inline constexpr double kRefineCountSeconds = 1;
WorkEstimate estimate_run_work(const AttentionProblem& p, const Schedule& resolved, const GpuSpec& g, const SimOptions& o,
                               double refine_above);

}  // namespace flashsim
