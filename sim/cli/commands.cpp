// commands.cpp: the table of subcommands.
#include "sim/cli/commands.h"

namespace flashsim::cli {

const std::vector<Command>& commands() {
    static const std::vector<Command> table = {
        {"demo", "the classroom comparison: vanilla vs FlashAttention-1 vs -2 (the default)", cmd_demo},
        {"run", "simulate one configuration; --json/--csv for machine-readable results", cmd_run},
        {"sweep", "simulate ranges of N, d, Br, Bc or any GPU field; one CSV/JSON row per point", cmd_sweep},
        {"presets", "list the GPU presets, or show one: presets show h100", cmd_presets},
        {"bench-timing", "time the timing layer itself (FA2, N=16384, d=128, h100 by default)", cmd_bench_timing},
    };
    return table;
}

}  // namespace flashsim::cli
