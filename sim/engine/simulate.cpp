// simulate.cpp: resolve, trace, count, time.
#include "sim/engine/simulate.h"

#include <spdlog/spdlog.h>

#include "sim/core/work_estimate.h"
#include "sim/engine/timing.h"

namespace flashsim {

RunResult simulate(const AttentionProblem& p, const Schedule& requested, const GpuSpec& g, const SimOptions& o) {
    g.validate();
    RunResult r;
    r.problem = p;
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
    // Paper mode, or a GPU with no L2, counts with the papers' IO model; otherwise the timing
    // engine's L2 model decides which global accesses reach HBM.
    // The timing walk, when it runs the L2 model, replaces these counts and clears paper_mode.
    r.paper_mode = true;
    if (o.paper_mode || !o.timing || g.l2_bytes == 0) {
        CountResult c = count_paper_mode(t);
        r.counts = c.total;
        r.kernels = std::move(c.kernels);
    }
    if (o.timing) run_timing(t, g, o, r);
    return r;
}

}  // namespace flashsim
