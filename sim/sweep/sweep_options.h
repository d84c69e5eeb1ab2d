// sweep_options.h: a sweep as a person asks for it (the CLI's `flashsim sweep` options, the
// Python module's flashsim.sweep arguments) turned into a SweepSpec, in one place.
//
// Contract: the base configuration comes from RunOptions (problem, schedule, GPU with its
// overrides, options); the algorithms by name (empty: the base's algo); the axes as --vary takes
// them ("KEY=RANGE"). Throws ConfigError for no axis, a bad name, range or key, before any work.
#pragma once
#include <string>
#include <vector>

#include "sim/config/run_options.h"
#include "sim/sweep/sweep.h"

namespace flashsim {

SweepSpec make_sweep_spec(const RunOptions& base, const std::vector<std::string>& algos,
                          const std::vector<std::string>& vary, unsigned threads = 0);

}  // namespace flashsim
