// bench_counting.cpp: `flashsim bench-counting`, the speed benchmark of the counting layer.
// Counts FA2 forward, B=1, H=32, N=65536, d=128 on the h100 preset in paper mode, walking every
// head (all_heads=true: every op of every CTA is generated and counted, so ops/s is honest), then
// once more head-symmetric (one head walked and scaled, what `flashsim run` does). Prints trace
// ops per second and wall times. Target: >= 30 million ops/s on one core.
#include <cstdio>
#include <iostream>

#include "sim/cli/bench.h"
#include "sim/cli/commands.h"
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
    if (!parse_bench_options(argc, argv, "bench-counting",
                             "usage: flashsim bench-counting [options]\n\n"
                             "Times the counting layer (paper mode) on FA2, B=1, H=32, N=65536, d=128, h100 by default.",
                             o, repeats))
        return 0;
    const AttentionProblem p = o.problem();
    const GpuSpec g = o.gpu_spec();
    const Schedule s = resolve_schedule(o.schedule(), p, g);
    const Trace t = make_trace(p, s, g);
    CountResult all, sym;
    const double all_s = best_wall_seconds(repeats, [&] { all = count_paper_mode(t, true); });
    const double sym_s = best_wall_seconds(repeats, [&] { sym = count_paper_mode(t, false); });
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
