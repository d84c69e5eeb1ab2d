// fidelity_bounds.h: the one place that says how far the simulator may stray from the stored
// measurements (kernels/measurements/*.json) before the replay test fails.
//
// A bound is the largest allowed worst-case |sim - meas| / meas of one metric over the runs of
// one kernel version in one measurement file. Each bound is what the model achieved when the
// bound was set, plus 10% and rounded up (the replay test prints these lines, ready to paste,
// for any (file, version, metric, layer) that has none). Tighten a bound when the model
// improves; never loosen one without saying why in the commit.
//
// Each bound also names the counting layer it was measured with: "paper" (no L2 model: every
// re-read costs HBM bytes) or "l2" (the L2 model on). A bound applies only when the replay runs
// the same layer, so a new model layer starts unbounded (reported, not failing) until its bounds
// are added here; the "paper" rows then stop applying and can be deleted.
#pragma once
#include <vector>

#include "sim/crosscheck/compare.h"

namespace flashsim::crosscheck::testing {

struct FidelityBound {
    const char* file;   // measurement file name in kernels/measurements/
    int64_t version;    // kernel version
    Metric metric;
    const char* model;  // "paper" or "l2": the counting layer the bound was measured with
    double max_worst_abs_rel_err;
};

inline const std::vector<FidelityBound>& fidelity_bounds() {
    // clang-format off
    static const std::vector<FidelityBound> table = {
        // Set from nvidia-h200-2026-11-21.json (H200, ncu 2025.3.1, --cache-control all) with the
        // paper-mode counts (no L2 model on main yet), printed by this test. The FA2 HBM-read bounds
        // (v4, v5) are huge because paper mode charges every K, V re-read to HBM while the real L2
        // serves nearly all of them; they only guard against a regression until the L2 model lands.
        // The comments give the achieved median and worst |err|.
        {"nvidia-h200-2026-11-21.json", 1, Metric::hbm_read, "paper", 3.21},  // median 1.922, worst 2.909
        {"nvidia-h200-2026-11-21.json", 2, Metric::hbm_read, "paper", 1.57},  // median 0.915, worst 1.422
        {"nvidia-h200-2026-11-21.json", 3, Metric::hbm_read, "paper", 0.01},  // median 0.001, worst 0.003
        {"nvidia-h200-2026-11-21.json", 4, Metric::hbm_read, "paper", 184.14},  // median 41.840, worst 167.398
        {"nvidia-h200-2026-11-21.json", 5, Metric::hbm_read, "paper", 92.93},  // median 15.446, worst 84.479
        {"nvidia-h200-2026-11-21.json", 1, Metric::hbm_write, "paper", 0.06},  // median 0.011, worst 0.047
        {"nvidia-h200-2026-11-21.json", 2, Metric::hbm_write, "paper", 0.06},  // median 0.013, worst 0.052
        {"nvidia-h200-2026-11-21.json", 3, Metric::hbm_write, "paper", 0.03},  // median 0.007, worst 0.023
        {"nvidia-h200-2026-11-21.json", 4, Metric::hbm_write, "paper", 0.29},  // median 0.119, worst 0.261
        {"nvidia-h200-2026-11-21.json", 5, Metric::hbm_write, "paper", 0.37},  // median 0.185, worst 0.333
        {"nvidia-h200-2026-11-21.json", 1, Metric::l2_traffic, "paper", 0.23},  // median 0.153, worst 0.204
        {"nvidia-h200-2026-11-21.json", 2, Metric::l2_traffic, "paper", 0.22},  // median 0.128, worst 0.192
        {"nvidia-h200-2026-11-21.json", 3, Metric::l2_traffic, "paper", 0.73},  // median 0.589, worst 0.660
        // v4 was rebuilt (16-byte SRAM reads) and re-measured after these bounds were first set: its
        // L2 traffic at N=16384, d=64 is now half the K, V re-reads the trace issues (likely L1 hits
        // between co-resident CTAs, which the model does not have), so its two L2 bounds were reset.
        {"nvidia-h200-2026-11-21.json", 4, Metric::l2_traffic, "paper", 0.94},  // median 0.079, worst 0.854
        {"nvidia-h200-2026-11-21.json", 5, Metric::l2_traffic, "paper", 0.18},  // median 0.084, worst 0.159
        {"nvidia-h200-2026-11-21.json", 1, Metric::l2_requests, "paper", 0.23},  // median 0.150, worst 0.200
        {"nvidia-h200-2026-11-21.json", 2, Metric::l2_requests, "paper", 0.20},  // median 0.119, worst 0.179
        {"nvidia-h200-2026-11-21.json", 3, Metric::l2_requests, "paper", 0.73},  // median 0.589, worst 0.660
        {"nvidia-h200-2026-11-21.json", 4, Metric::l2_requests, "paper", 0.94},  // median 0.079, worst 0.855
        {"nvidia-h200-2026-11-21.json", 5, Metric::l2_requests, "paper", 0.18},  // median 0.086, worst 0.157
    };
    // clang-format on
    return table;
}

}  // namespace flashsim::crosscheck::testing
