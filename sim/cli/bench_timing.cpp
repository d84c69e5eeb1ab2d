// bench_timing.cpp: `flashsim bench-timing`, the speed benchmark of the timing layer. Times the
// simulation (wall clock, one core) of a configuration, by default FA2 forward, B=1, H=16,
// N=16384, d=128 on the h100 preset with the L2 model on, and prints it beside the simulated
// kernel time, the L2 granule used and the achieved figures. Targets: under 1 s for the timing
// layer; 100 ms for the default configuration, the fast engine's (docs/speed.md).
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <iostream>

#include "sim/cli/bench.h"
#include "sim/cli/commands.h"
#include "sim/cli/report.h"
#include "sim/core/work_estimate.h"
#include "sim/engine/counting.h"
#include "sim/engine/timing.h"

namespace flashsim::cli {

int cmd_bench_timing(int argc, const char* const* argv) {
    CommonOptions o;
    o.N = 16384;
    o.d = 128;
    o.heads = 16;
    o.batch = 1;
    o.gpu = "h100";
    const CommonOptions defaults = o;
    int64_t repeats = 3;
    if (!parse_bench_options(argc, argv, "bench-timing",
                             "usage: flashsim bench-timing [options]\n\nTimes the timing layer itself (default: fa2, B=1, "
                             "H=16, N=16384, d=128, h100, L2 model on) and prints wall time next to simulated time.",
                             o, repeats))
        return 0;
    const AttentionProblem p = o.problem();
    const Schedule s = o.schedule();
    const GpuSpec g = o.gpu_spec();
    SimOptions so = o.sim_options();
    so.timing = true;
    RunResult r;
    double best_cpu = 1e300;  // CPU seconds of one run (one thread), which a shared machine's load changes less
    const double best = best_wall_seconds(repeats, [&] {
        const std::clock_t c0 = std::clock();
        r = simulate(p, s, g, so);
        best_cpu = std::min(best_cpu, double(std::clock() - c0) / CLOCKS_PER_SEC);
    });
    const Timing& t = r.timing;
    char line[512];
    std::printf("bench-timing: %s, %s, %s preset, %s\n", p.describe().c_str(), r.schedule.describe().c_str(),
                g.name.c_str(), r.paper_mode ? "paper mode (no L2)" : "L2 modelled");
    std::printf("  ctas %lld, ops %s, L2 granule %lld B\n", (long long)r.counts.ctas, human_count(double(r.counts.ops)).c_str(),
                (long long)t.l2_granule_bytes);
    std::snprintf(line, sizeof line, "  simulation wall time %.3f s (best of %lld, one core)   simulated kernel time %s\n", best,
                  (long long)repeats, human_seconds(t.seconds).c_str());
    std::cout << line;
    std::printf("  achieved: %sFLOP/s tensor, HBM %s, L2 %s; %lld CTAs/SM, %.2f waves\n",
                human_count(t.tensor_flops_per_s).c_str(), human_rate(t.hbm_bytes_per_s).c_str(),
                human_rate(t.l2_bytes_per_s).c_str(), (long long)t.ctas_per_sm, t.waves);
    std::printf("  bound by %s\n", t.bottleneck.c_str());
    // The work estimate a long run warns with (sim/core/work_estimate.h), beside the measured time.
    const Trace tr = make_trace(p, r.schedule, g);
    const CountResult paper = count_paper_mode(tr);
    const WorkEstimate w = estimate_walk(engine_work(paper.total, g, plan_l2(tr, g, so, paper.total)));
    std::printf("  CPU time %.3f s; work estimate %.3f s (%.2fx the CPU time): %s\n", best_cpu, w.seconds,
                best_cpu > 0 ? w.seconds / best_cpu : 0.0, w.arithmetic.c_str());
    std::printf("  target: < 1 s wall time: %s\n", best < 1.0 ? "met" : "NOT met");
    // The fast engine's target holds for the default configuration only.
    const bool as_default = p.describe() == defaults.problem().describe() && o.schedule().describe() == defaults.schedule().describe() &&
                            o.gpu == defaults.gpu && o.set.empty() && o.gpu_toml.empty() && !o.paper && !o.exact && !o.no_skip &&
                            o.l2_set_sampling == defaults.l2_set_sampling;
    if (as_default)
        std::printf("  target of the fast engine (docs/speed.md): <= 0.1 s wall time: %s\n", best <= 0.1 ? "met" : "NOT met");
    return 0;
}

}  // namespace flashsim::cli
