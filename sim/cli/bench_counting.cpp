// bench_counting.cpp: `flashsim bench-counting`, the speed benchmark of the counting layer.
// Counts FA2 forward, B=1, H=32, N=65536, d=128 on the h100 preset in paper mode, walking every
// head (all_heads=true: every op of every CTA is generated and counted, so ops/s is honest), then
// once more head-symmetric (one head walked and scaled, what `flashsim run` does). Prints trace
// ops per second and wall times. Target: >= 30 million ops/s on one core.
#include <chrono>
#include <cstdio>
#include <iostream>

#include "sim/cli/commands.h"
#include "sim/cli/options.h"
#include "sim/core/errors.h"
#include "sim/engine/counting.h"
#include "sim/trace/trace.h"

namespace flashsim::cli {

int cmd_bench_counting(int argc, const char* const* argv) {
    CommonOptions o;
    o.algo = "fa2";
    o.batch = 1;
    o.heads = 32;
    o.N = 65536;
    o.d = 128;
    o.gpu = "h100";
    int64_t repeats = 1;
    po::options_description desc("bench-counting options");
    add_common_options(desc, o);
    desc.add_options()("repeats", po::value(&repeats)->default_value(repeats), "walks to time (the best is reported)");
    po::variables_map vm;
    if (!parse(argc, argv, desc, vm,
               "usage: flashsim bench-counting [options]\n\n"
               "Times the counting layer (paper mode) on FA2, B=1, H=32, N=65536, d=128, h100 by default."))
        return 0;
    if (repeats < 1 || repeats > 100) throw ConfigError("repeats=" + std::to_string(repeats) + " is out of range; allowed: 1 to 100");
    const AttentionProblem p = o.problem();
    const GpuSpec g = o.gpu_spec();
    const Schedule s = resolve_schedule(o.schedule(), p, g);
    const Trace t = make_trace(p, s, g);
    using clock = std::chrono::steady_clock;
    auto time_walk = [&](bool all_heads, CountResult* out) {
        double best_s = 1e300;
        for (int64_t k = 0; k < repeats; ++k) {
            const auto t0 = clock::now();
            *out = count_paper_mode(t, all_heads);
            best_s = std::min(best_s, std::chrono::duration<double>(clock::now() - t0).count());
        }
        return best_s;
    };
    CountResult all, sym;
    const double all_s = time_walk(true, &all);
    const double sym_s = time_walk(false, &sym);
    const bool same = all.total.total.hbm_read_bytes == sym.total.total.hbm_read_bytes &&
                      all.total.total.hbm_write_bytes == sym.total.total.hbm_write_bytes &&
                      all.total.ops == sym.total.ops;
    char line[256];
    std::cout << "counting benchmark: " << p.describe() << ", " << s.describe() << ", " << g.name << " preset, paper mode\n";
    std::snprintf(line, sizeof line, "all heads walked:   %.4g ops in %.3f s = %.1f million trace ops/s (one core)\n",
                  double(all.total.ops), all_s, double(all.total.ops) / all_s / 1e6);
    std::cout << line;
    std::snprintf(line, sizeof line, "head-symmetric:     1 head of %lld walked in %.4f s (counts x %lld)\n",
                  (long long)p.heads(), sym_s, (long long)p.heads());
    std::cout << line;
    std::cout << "HBM read " << all.total.total.hbm_read_bytes << " B, write " << all.total.total.hbm_write_bytes
              << " B; head-symmetric counts " << (same ? "equal" : "DIFFER FROM") << " the all-heads walk\n";
    return same ? 0 : 1;
}

}  // namespace flashsim::cli
