// bench_timing.cpp: `flashsim bench-timing`, the speed benchmark of the timing layer. Times the
// simulation (wall clock, one core) of a configuration, by default FA2 forward, B=1, H=16,
// N=16384, d=128 on the h100 preset with the L2 model on, and prints it beside the simulated
// kernel time, the L2 granule used and the achieved figures. Target: under 1 s.
#include <chrono>
#include <cstdio>
#include <iostream>

#include "sim/cli/commands.h"
#include "sim/cli/options.h"
#include "sim/cli/report.h"

namespace flashsim::cli {

int cmd_bench_timing(int argc, const char* const* argv) {
    CommonOptions o;
    o.N = 16384;
    o.d = 128;
    o.heads = 16;
    o.batch = 1;
    o.gpu = "h100";
    int repeats = 3;
    po::options_description desc("bench-timing options");
    add_common_options(desc, o);
    desc.add_options()("repeats", po::value(&repeats)->default_value(repeats), "runs timed; the fastest is reported");
    po::variables_map vm;
    if (!parse(argc, argv, desc, vm,
               "usage: flashsim bench-timing [options]\n\nTimes the timing layer itself (default: fa2, B=1, H=16, "
               "N=16384, d=128, h100, L2 model on) and prints wall time next to simulated time."))
        return 0;
    if (repeats < 1 || repeats > 100) {
        std::cerr << "flashsim: --repeats=" << repeats << " is out of range; allowed: 1 to 100\n";
        return 2;
    }
    const AttentionProblem p = o.problem();
    const Schedule s = o.schedule();
    const GpuSpec g = o.gpu_spec();
    SimOptions so = o.sim_options();
    so.timing = true;
    double best = 1e30;
    RunResult r;
    for (int i = 0; i < repeats; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        r = simulate(p, s, g, so);
        const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        best = std::min(best, wall);
    }
    const Timing& t = r.timing;
    char line[512];
    std::printf("bench-timing: %s, %s, %s preset, %s\n", p.describe().c_str(), r.schedule.describe().c_str(),
                g.name.c_str(), r.paper_mode ? "paper mode (no L2)" : "L2 modelled");
    std::printf("  ctas %lld, ops %s, L2 granule %lld B\n", (long long)r.counts.ctas, human_count(double(r.counts.ops)).c_str(),
                (long long)t.l2_granule_bytes);
    std::snprintf(line, sizeof line, "  simulation wall time %.3f s (best of %d, one core)   simulated kernel time %s\n", best,
                  repeats, human_seconds(t.seconds).c_str());
    std::cout << line;
    std::printf("  achieved: %sFLOP/s tensor, HBM %s, L2 %s; %lld CTAs/SM, %.2f waves\n",
                human_count(t.tensor_flops_per_s).c_str(), human_rate(t.hbm_bytes_per_s).c_str(),
                human_rate(t.l2_bytes_per_s).c_str(), (long long)t.ctas_per_sm, t.waves);
    std::printf("  bound by %s\n", t.bottleneck.c_str());
    std::printf("  target: < 1 s wall time: %s\n", best < 1.0 ? "met" : "NOT met");
    return 0;
}

}  // namespace flashsim::cli
