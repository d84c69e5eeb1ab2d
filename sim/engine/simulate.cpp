// simulate.cpp: resolve, trace, count, time, and merge what the L2 model counted.
#include "sim/engine/simulate.h"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "sim/algorithms/algorithm.h"
#include "sim/core/work_estimate.h"
#include "sim/engine/counting.h"
#include "sim/engine/timing.h"
#include "sim/engine/timing_report.h"

namespace flashsim {

EngineWork engine_work(const Counters& paper_total, const GpuSpec& g, const L2Plan& plan) {
    EngineWork e;
    e.ops = double(paper_total.ops);
    e.transfers = double(paper_total.loads) + double(paper_total.stores);
    e.global_bytes = double(paper_total.total.global_read_bytes) + double(paper_total.total.global_write_bytes);
    if (plan.granule_bytes > 0) {
        e.granule_bytes = double(plan.granule_bytes);
        e.set_sampling = double(plan.set_sampling);
        const double ways_kept = double(g.l2_data_bytes()) / e.granule_bytes / e.set_sampling;
        e.model_host_bytes = ways_kept * double(L2Cache::host_bytes_per_way(plan.granule_bytes, g.l2_sector_bytes));
    }
    return e;
}

WorkEstimate estimate_run_work(const AttentionProblem& p, const Schedule& resolved, const GpuSpec& g, const SimOptions& o,
                               double refine_above) {
    const bool l2_model = o.timing && !o.paper_mode && g.l2_bytes > 0;
    const WorkEstimate closed = estimate_work(p, resolved, o.timing, l2_model);
    const double steps_s = closed.tile_steps / kTileStepsPerSecond + kRunSecondsWithL2Model;
    if (!l2_model || closed.seconds <= refine_above || steps_s > kMaxWorkSeconds ||
        estimate_work(p, resolved, false, false).seconds > kRefineCountSeconds)
        return closed;
    const Trace t = make_trace(p, resolved, g);
    const CountResult paper = count_paper_mode(t);
    const WorkEstimate walk = estimate_walk(engine_work(paper.total, g, plan_l2(t, g, o, paper.total)));
    WorkEstimate w = closed;
    w.seconds = std::max(walk.seconds, steps_s);
    w.by_walk = true;
    w.arithmetic += "; by the walk's estimate, once one head is counted: " + walk.arithmetic;
    return w;
}

RunResult simulate(const AttentionProblem& p, const Schedule& requested, const GpuSpec& g, const SimOptions& o) {
    g.validate();
    RunResult r;
    r.problem = p;
    r.problem.dropout = dropout_p(p, requested.algo);  // the algorithm's default made explicit
    r.gpu = g;
    r.schedule = resolve_schedule(requested, p, g);
    // Refuse a walk of hours before it starts (closed form, the walk's estimate where the closed
    // form is over the bound); simulate_trace warns of a long one.
    refuse_over_bound(p, r.schedule, estimate_run_work(p, r.schedule, g, o, kMaxWorkSeconds));
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

    // Announce a long timing walk: what it will do is known now (work_estimate.h).
    const L2Plan plan = plan_l2(t, g, o, paper.total);
    if (const WorkEstimate w = estimate_walk(engine_work(paper.total, g, plan)); w.seconds > kWarnWorkSeconds)
        spdlog::warn("{}, {}: {}", t.problem.describe(), r.schedule.describe(), w.arithmetic);

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
