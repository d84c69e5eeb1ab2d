// bench.h: what the bench-* commands share: their options (the common ones, with each bench's
// defaults, and --repeats) and the best wall time of repeated runs.
#pragma once
#include <algorithm>
#include <chrono>
#include <cstdint>

#include "sim/cli/options.h"

namespace flashsim::cli {

// Parses a bench command's options (and `extra`, the bench's own, when given) into `o` (which
// holds the bench's defaults) and `repeats`; false when help was printed. Throws ConfigError for
// repeats outside 1..100.
bool parse_bench_options(int argc, const char* const* argv, const char* name, const char* usage, CommonOptions& o,
                         int64_t& repeats, const po::options_description* extra = nullptr);

// The best (shortest) wall time in seconds of `repeats` calls of run().
template <class Run>
double best_wall_seconds(int64_t repeats, Run run) {
    double best_s = 1e300;
    for (int64_t k = 0; k < repeats; ++k) {
        const auto t0 = std::chrono::steady_clock::now();
        run();
        best_s = std::min(best_s, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    return best_s;
}

}  // namespace flashsim::cli
