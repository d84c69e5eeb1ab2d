// simulate.cpp: resolve, trace, count, time, and merge what the L2 model counted.
#include "sim/engine/simulate.h"

#include <spdlog/spdlog.h>

#include "sim/algorithms/algorithm.h"
#include "sim/core/work_estimate.h"
#include "sim/engine/counting.h"
#include "sim/engine/timing.h"
#include "sim/engine/timing_report.h"

namespace flashsim {

RunResult simulate(const AttentionProblem& p, const Schedule& requested, const GpuSpec& g, const SimOptions& o) {
    g.validate();
    RunResult r;
    r.problem = p;
    r.problem.dropout = dropout_p(p, requested.algo);  // the algorithm's default made explicit
    r.gpu = g;
    r.schedule = resolve_schedule(requested, p, g);
    // Refuse (or announce) a walk of hours before it starts.
    const bool l2_model = o.timing && !o.paper_mode && g.l2_bytes > 0;
    if (const WorkEstimate w = check_work(p, r.schedule, o.timing, l2_model); w.seconds > kWarnWorkSeconds)
        spdlog::warn("{}, {}: {}", p.describe(), r.schedule.describe(), w.arithmetic);
    r.footprint = footprint(r.schedule, p, g);
    const Trace t = make_trace(p, r.schedule, g);
    r.listings = t.listings;
    r.analytic = exact_counts(p, r.schedule);
    r.theta_standard = theta_standard(p);
    r.theta_flash = theta_flash(p, g);
    simulate_trace(t, g, o, r);
    return r;
}

void simulate_trace(const Trace& t, const GpuSpec& g, const SimOptions& o, RunResult& r) {
    // Counting: the papers' IO model (every global access an HBM access).
    CountResult paper = count_paper_mode(t);
    r.paper_mode = true;
    r.counts = paper.total;
    r.kernels = paper.kernels;
    if (!o.timing) return;

    // Timing; outside paper mode its L2 model decides which global accesses reach HBM.
    TimedRun run = run_timing(t, g, o, paper.total);
    if (run.l2_modelled) {
        CountResult l2 = merge_l2_counts(paper, run.l2_kernel_counts);
        r.counts = l2.total;
        r.kernels = std::move(l2.kernels);
        r.l2_dirty_bytes_at_end = run.l2_dirty_bytes_at_end;
        r.paper_mode = false;
    }
    r.timing = std::move(run.timing);
    fill_timing_report(r, run.stats, run.tensor_flops_per_s, t.engine);
}

}  // namespace flashsim
