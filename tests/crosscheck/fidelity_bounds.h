// fidelity_bounds.h: the one place that says how far the simulator may stray from the stored
// measurements (kernels/measurements/*.json) before the replay test fails.
//
// A bound is the largest allowed worst-case |sim - meas| / meas of one metric over the runs of
// one kernel version in a measurement file. Each bound is what the model achieved when the
// bound was set, rounded up a little, with the command that showed it; tighten a bound when the
// model improves, never loosen one to make a change pass without saying why in the commit.
//
// A (version, metric) pair without a bound is reported by the replay test (with the achieved
// errors, ready to be copied here) but does not fail: bounds are added when a measurement of
// that pair lands and the model's layer for that metric (L2 model for bytes, timing for time)
// is on main.
#pragma once
#include "sim/crosscheck/compare.h"

namespace flashsim::crosscheck::testing {

struct FidelityBound {
    int64_t version;
    Metric metric;
    double max_worst_abs_rel_err;
    const char* source;  // where the number came from
};

// No real measurement file was on main when this table was started, so it holds no bound yet.
inline const std::vector<FidelityBound>& fidelity_bounds() {
    static const std::vector<FidelityBound> table = {};
    return table;
}

}  // namespace flashsim::crosscheck::testing
