// sweep_options.cpp: the sweep's options into a checked SweepSpec.
#include "sim/sweep/sweep_options.h"

#include "sim/core/errors.h"

namespace flashsim {

SweepSpec make_sweep_spec(const RunOptions& o, const std::vector<std::string>& algos,
                          const std::vector<std::string>& vary, unsigned threads) {
    if (vary.empty()) throw ConfigError("sweep needs at least one --vary KEY=RANGE (see flashsim sweep --help)");
    SweepSpec spec;
    for (const auto& a : algos) spec.algorithms.push_back(parse_algorithm(a));
    spec.problem = o.problem();
    spec.schedule = o.schedule();
    spec.gpu = o.gpu_spec();
    spec.options = o.sim_options();
    spec.threads = threads;
    for (const auto& v : vary) spec.axes.push_back(parse_sweep_axis(v));
    expand_sweep(spec);  // refuse a bad axis before any work
    return spec;
}

}  // namespace flashsim
