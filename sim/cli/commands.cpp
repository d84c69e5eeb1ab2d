// commands.cpp: the table of subcommands.
#include "sim/cli/commands.h"

namespace flashsim::cli {

const std::vector<Command>& commands() {
    static const std::vector<Command> table = {
        {"demo", "the classroom comparison: vanilla vs FlashAttention-1 vs -2 (the default)", cmd_demo},
        {"run", "simulate one configuration; --json/--csv for machine-readable results", cmd_run},
        {"sweep", "simulate ranges of N, d, Br, Bc or any GPU field; one CSV/JSON row per point", cmd_sweep},
        {"presets", "list the GPU presets, or show one: presets show h100", cmd_presets},
        {"lesson", "the classroom lessons: lesson list, lesson show N [--reveal], lesson run N [--viz]", cmd_lesson},
        {"homework", "personalised problem sets: homework generate, key, grade", cmd_homework},
        {"verify", "run the tiles for real (Eigen): error vs reference, bytes vs counted", cmd_verify},
        {"bench-counting", "time the counting layer (FA2, H=32, N=65536, d=128): trace ops/s", cmd_bench_counting},
        {"crosscheck", "measured kernels (kernels/measurements, ncu CSV) vs the simulator", cmd_crosscheck},
        {"viz", "the viewer: tiles moving through the memory hierarchy (flashsim viz --help)", cmd_viz},
        {"bench-timing", "time the timing layer itself (FA2, N=16384, d=128, h100 by default)", cmd_bench_timing},
        {"bench-fast", "random configurations: the fast engine against --exact, errors and CPU time", cmd_bench_fast},
    };
    return table;
}

}  // namespace flashsim::cli
