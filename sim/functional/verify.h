// verify.h: one configuration executed for real and checked twice: its output against the
// double-precision reference, and the bytes the execution moved against the bytes the counting
// layer counts (paper mode, per tensor). `flashsim verify` and the Python module's verify() print
// and return this.
//
// Contract: throws ConfigError before any work for a problem too large to execute
// (check_functional_size) or a schedule that does not fit. With naive_tiles the statistics
// l, m and LSE are left out of the byte comparison (the naive variant keeps none).
#pragma once
#include <vector>

#include "sim/functional/functional.h"

namespace flashsim {

struct Verification {
    Schedule schedule;           // resolved
    FunctionalResult functional;
    Counters counted;            // count_paper_mode() of the trace
    Footprint footprint;
    double tolerance = 0;        // functional_tolerance(dtype)
    bool output_matches = false; // functional.max_rel_err <= tolerance
    bool bytes_equal = false;    // every compared tensor's HBM and global bytes equal
    std::vector<Tensor> compared, differing;
};

Verification verify_functional(const AttentionProblem& p, const Schedule& requested, const GpuSpec& g,
                               const FunctionalOptions& o);

}  // namespace flashsim
