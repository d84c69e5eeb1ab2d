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

namespace {

// CPU seconds of one simulation with the L2 model and timing (one thread), the fastest of `repeats`.
double cpu_seconds(const CommonOptions& o, int64_t repeats) {
    const AttentionProblem p = o.problem();
    const Schedule s = o.schedule();
    const GpuSpec g = o.gpu_spec();
    SimOptions so = o.sim_options();
    so.timing = true;
    double best = 1e300;
    for (int64_t k = 0; k < repeats; ++k) {
        const std::clock_t c0 = std::clock();
        (void)simulate(p, s, g, so);
        best = std::min(best, double(std::clock() - c0) / CLOCKS_PER_SEC);
    }
    return best;
}

// One target's line: what ran, its CPU seconds, the target; returns whether it was met.
bool print_target(const std::string& what, double seconds, double limit) {
    const bool met = seconds <= limit;
    std::printf("  %-58s %8.3f s   target <= %g s   %s\n", what.c_str(), seconds, limit, met ? "met" : "NOT met");
    return met;
}

// `--targets`: the fast engine's speed targets (docs/speed.md, "Not done yet"), each run timed in
// CPU seconds on one core: FA2 at N = 16384, the FlashAttention paper's Figure 2 setting, and
// every algorithm and pass at the validation shapes (B x H x N = 262144, H = 16, d = 128) on the
// h200. The cross-check's time per file is `time flashsim crosscheck FILE`.
int bench_targets(int64_t repeats) {
    std::printf("bench-timing --targets: CPU seconds of one simulation (L2 model and timing on, one core)\n");
    int met = 0, total = 0;
    CommonOptions fa2;
    fa2.N = 16384, fa2.d = 128, fa2.heads = 16, fa2.batch = 1, fa2.gpu = "h100";
    met += print_target("fa2 fwd, B=1 H=16 N=16384 d=128, h100", cpu_seconds(fa2, repeats), 0.1);
    ++total;
    CommonOptions fig2;
    fig2.algo = "vanilla", fig2.pass = "fwdbwd", fig2.batch = 64, fig2.heads = 16, fig2.N = 1024, fig2.d = 64;
    fig2.gpu = "a100-40gb";
    met += print_target("Figure 2: vanilla fwdbwd, B=64 H=16 N=1024 d=64, a100-40gb", cpu_seconds(fig2, 1), 2.0);
    ++total;
    std::printf("  the validation shapes (every run <= 1 s):\n");
    double slowest = 0;
    std::string slowest_what;
    int shapes_met = 0, shapes = 0;
    for (const char* algo : {"vanilla", "standard", "fa1", "fa2", "fa3"})
        for (const char* pass : {"fwd", "bwd", "fwdbwd"}) {
            if (std::string(algo) == "fa3" && std::string(pass) != "fwd") continue;  // no FA3 backward
            for (int64_t N : {1024, 4096, 16384}) {
                CommonOptions v;
                v.algo = algo, v.pass = pass, v.N = N, v.d = 128, v.heads = 16, v.batch = 262144 / (16 * N), v.gpu = "h200";
                const double sec = cpu_seconds(v, 1);
                char what[128];
                std::snprintf(what, sizeof what, "  %s %s, B=%lld H=16 N=%lld d=128, h200", algo, pass, (long long)v.batch, (long long)N);
                shapes_met += print_target(what, sec, 1.0);
                ++shapes;
                if (sec > slowest) slowest = sec, slowest_what = what + 2;
            }
        }
    std::printf("  validation shapes within 1 s: %d of %d; the slowest: %s, %.3f s\n", shapes_met, shapes, slowest_what.c_str(),
                slowest);
    met += shapes_met == shapes;
    ++total;
    std::printf("targets met: %d of %d\n", met, total);
    return 0;
}

}  // namespace

int cmd_bench_timing(int argc, const char* const* argv) {
    CommonOptions o;
    o.N = 16384;
    o.d = 128;
    o.heads = 16;
    o.batch = 1;
    o.gpu = "h100";
    const CommonOptions defaults = o;
    int64_t repeats = 3;
    bool targets = false;
    po::options_description own("bench-timing's own options");
    own.add_options()("targets", po::bool_switch(&targets),
                      "time the fast engine's targets instead (docs/speed.md): FA2 at N=16384, the Figure 2 setting and "
                      "every algorithm and pass at the validation shapes on the h200; about a minute");
    if (!parse_bench_options(argc, argv, "bench-timing",
                             "usage: flashsim bench-timing [options]\n\nTimes the timing layer itself (default: fa2, B=1, "
                             "H=16, N=16384, d=128, h100, L2 model on) and prints wall time next to simulated time.",
                             o, repeats, &own))
        return 0;
    if (targets) return bench_targets(repeats);
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
