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
        // Set from every stored measurement with the L2 model and timing layer on, as the replay
        // test printed them (achieved worst |err| + 10%, rounded up): nvidia-h200-2026-11-21.json
        // (H200, versions 1-5) and nvidia-h100-80gb-hbm3-2026-11-21-{tc,unfused-scalar,fa1,v6}.json
        // (H100, versions 1-6), ncu 2025.3.1, --cache-control all --clock-control none. The comments
        // give the achieved median and worst |err|. The large time bounds of versions 1-4 and the
        // L2/HBM-write bounds of versions 3-6 are the model's known gaps (docs/fidelity.md,
        // sections 6 and 7), held here so they cannot get worse.
        {"nvidia-h100-80gb-hbm3-2026-11-21-fa1.json", 3, Metric::hbm_read, "l2", 0.13},  // median 0.052, worst 0.116
        {"nvidia-h100-80gb-hbm3-2026-11-21-fa1.json", 3, Metric::hbm_write, "l2", 0.20},  // median 0.075, worst 0.175
        {"nvidia-h100-80gb-hbm3-2026-11-21-fa1.json", 3, Metric::l2_traffic, "l2", 0.34},  // median 0.300, worst 0.308
        {"nvidia-h100-80gb-hbm3-2026-11-21-fa1.json", 3, Metric::l2_requests, "l2", 0.34},  // median 0.299, worst 0.308
        {"nvidia-h100-80gb-hbm3-2026-11-21-fa1.json", 3, Metric::time_ncu, "l2", 0.87},  // median 0.772, worst 0.784
        {"nvidia-h100-80gb-hbm3-2026-11-21-fa1.json", 3, Metric::time_events, "l2", 0.87},  // median 0.772, worst 0.784
        {"nvidia-h100-80gb-hbm3-2026-11-21-tc.json", 5, Metric::hbm_read, "l2", 0.11},  // median 0.001, worst 0.094
        {"nvidia-h100-80gb-hbm3-2026-11-21-tc.json", 6, Metric::hbm_read, "l2", 0.10},  // median 0.000, worst 0.088
        {"nvidia-h100-80gb-hbm3-2026-11-21-tc.json", 5, Metric::hbm_write, "l2", 0.38},  // median 0.229, worst 0.345
        {"nvidia-h100-80gb-hbm3-2026-11-21-tc.json", 6, Metric::hbm_write, "l2", 0.38},  // median 0.201, worst 0.340
        {"nvidia-h100-80gb-hbm3-2026-11-21-tc.json", 5, Metric::l2_traffic, "l2", 0.18},  // median 0.089, worst 0.157
        {"nvidia-h100-80gb-hbm3-2026-11-21-tc.json", 6, Metric::l2_traffic, "l2", 0.28},  // median 0.105, worst 0.252
        {"nvidia-h100-80gb-hbm3-2026-11-21-tc.json", 5, Metric::l2_requests, "l2", 0.17},  // median 0.090, worst 0.154
        {"nvidia-h100-80gb-hbm3-2026-11-21-tc.json", 6, Metric::l2_requests, "l2", 0.32},  // median 0.122, worst 0.283
        {"nvidia-h100-80gb-hbm3-2026-11-21-tc.json", 5, Metric::time_ncu, "l2", 0.33},  // median 0.188, worst 0.292
        {"nvidia-h100-80gb-hbm3-2026-11-21-tc.json", 6, Metric::time_ncu, "l2", 0.51},  // median 0.316, worst 0.460
        {"nvidia-h100-80gb-hbm3-2026-11-21-tc.json", 5, Metric::time_events, "l2", 0.31},  // median 0.184, worst 0.274
        {"nvidia-h100-80gb-hbm3-2026-11-21-tc.json", 6, Metric::time_events, "l2", 0.50},  // median 0.314, worst 0.453
        {"nvidia-h100-80gb-hbm3-2026-11-21-unfused-scalar.json", 1, Metric::hbm_read, "l2", 0.02},  // median 0.003, worst 0.011
        {"nvidia-h100-80gb-hbm3-2026-11-21-unfused-scalar.json", 2, Metric::hbm_read, "l2", 0.03},  // median 0.006, worst 0.020
        {"nvidia-h100-80gb-hbm3-2026-11-21-unfused-scalar.json", 4, Metric::hbm_read, "l2", 0.06},  // median 0.002, worst 0.046
        {"nvidia-h100-80gb-hbm3-2026-11-21-unfused-scalar.json", 1, Metric::hbm_write, "l2", 0.05},  // median 0.010, worst 0.038
        {"nvidia-h100-80gb-hbm3-2026-11-21-unfused-scalar.json", 2, Metric::hbm_write, "l2", 0.04},  // median 0.008, worst 0.032
        {"nvidia-h100-80gb-hbm3-2026-11-21-unfused-scalar.json", 4, Metric::hbm_write, "l2", 0.49},  // median 0.328, worst 0.444
        {"nvidia-h100-80gb-hbm3-2026-11-21-unfused-scalar.json", 1, Metric::l2_traffic, "l2", 0.23},  // median 0.151, worst 0.201
        {"nvidia-h100-80gb-hbm3-2026-11-21-unfused-scalar.json", 2, Metric::l2_traffic, "l2", 0.22},  // median 0.132, worst 0.196
        {"nvidia-h100-80gb-hbm3-2026-11-21-unfused-scalar.json", 4, Metric::l2_traffic, "l2", 0.96},  // median 0.038, worst 0.864
        {"nvidia-h100-80gb-hbm3-2026-11-21-unfused-scalar.json", 1, Metric::l2_requests, "l2", 0.22},  // median 0.148, worst 0.197
        {"nvidia-h100-80gb-hbm3-2026-11-21-unfused-scalar.json", 2, Metric::l2_requests, "l2", 0.20},  // median 0.121, worst 0.180
        {"nvidia-h100-80gb-hbm3-2026-11-21-unfused-scalar.json", 4, Metric::l2_requests, "l2", 0.96},  // median 0.039, worst 0.864
        {"nvidia-h100-80gb-hbm3-2026-11-21-unfused-scalar.json", 1, Metric::time_ncu, "l2", 0.62},  // median 0.479, worst 0.560
        {"nvidia-h100-80gb-hbm3-2026-11-21-unfused-scalar.json", 2, Metric::time_ncu, "l2", 0.73},  // median 0.458, worst 0.658
        {"nvidia-h100-80gb-hbm3-2026-11-21-unfused-scalar.json", 4, Metric::time_ncu, "l2", 0.60},  // median 0.385, worst 0.540
        {"nvidia-h100-80gb-hbm3-2026-11-21-unfused-scalar.json", 1, Metric::time_events, "l2", 0.62},  // median 0.479, worst 0.559
        {"nvidia-h100-80gb-hbm3-2026-11-21-unfused-scalar.json", 2, Metric::time_events, "l2", 0.73},  // median 0.462, worst 0.658
        {"nvidia-h100-80gb-hbm3-2026-11-21-unfused-scalar.json", 4, Metric::time_events, "l2", 0.60},  // median 0.385, worst 0.541
        {"nvidia-h100-80gb-hbm3-2026-11-21-v6.json", 6, Metric::hbm_read, "l2", 0.09},  // median 0.000, worst 0.077
        {"nvidia-h100-80gb-hbm3-2026-11-21-v6.json", 6, Metric::hbm_write, "l2", 0.35},  // median 0.206, worst 0.318
        {"nvidia-h100-80gb-hbm3-2026-11-21-v6.json", 6, Metric::l2_traffic, "l2", 0.31},  // median 0.108, worst 0.281
        {"nvidia-h100-80gb-hbm3-2026-11-21-v6.json", 6, Metric::l2_requests, "l2", 0.35},  // median 0.133, worst 0.313
        {"nvidia-h100-80gb-hbm3-2026-11-21-v6.json", 6, Metric::time_ncu, "l2", 0.51},  // median 0.312, worst 0.459
        {"nvidia-h100-80gb-hbm3-2026-11-21-v6.json", 6, Metric::time_events, "l2", 0.50},  // median 0.308, worst 0.454
        {"nvidia-h200-2026-11-21.json", 1, Metric::hbm_read, "l2", 0.01},  // median 0.003, worst 0.008
        {"nvidia-h200-2026-11-21.json", 2, Metric::hbm_read, "l2", 0.03},  // median 0.002, worst 0.019
        {"nvidia-h200-2026-11-21.json", 3, Metric::hbm_read, "l2", 0.35},  // median 0.157, worst 0.315
        {"nvidia-h200-2026-11-21.json", 4, Metric::hbm_read, "l2", 0.01},  // median 0.005, worst 0.007
        {"nvidia-h200-2026-11-21.json", 5, Metric::hbm_read, "l2", 0.05},  // median 0.001, worst 0.038
        {"nvidia-h200-2026-11-21.json", 1, Metric::hbm_write, "l2", 0.06},  // median 0.012, worst 0.045
        {"nvidia-h200-2026-11-21.json", 2, Metric::hbm_write, "l2", 0.05},  // median 0.010, worst 0.040
        {"nvidia-h200-2026-11-21.json", 3, Metric::hbm_write, "l2", 0.42},  // median 0.179, worst 0.379
        {"nvidia-h200-2026-11-21.json", 4, Metric::hbm_write, "l2", 0.57},  // median 0.376, worst 0.512
        {"nvidia-h200-2026-11-21.json", 5, Metric::hbm_write, "l2", 0.44},  // median 0.272, worst 0.392
        {"nvidia-h200-2026-11-21.json", 1, Metric::l2_traffic, "l2", 0.23},  // median 0.153, worst 0.201
        {"nvidia-h200-2026-11-21.json", 2, Metric::l2_traffic, "l2", 0.22},  // median 0.128, worst 0.192
        {"nvidia-h200-2026-11-21.json", 3, Metric::l2_traffic, "l2", 0.35},  // median 0.304, worst 0.314
        {"nvidia-h200-2026-11-21.json", 4, Metric::l2_traffic, "l2", 0.96},  // median 0.085, worst 0.865
        {"nvidia-h200-2026-11-21.json", 5, Metric::l2_traffic, "l2", 0.18},  // median 0.099, worst 0.161
        {"nvidia-h200-2026-11-21.json", 1, Metric::l2_requests, "l2", 0.22},  // median 0.151, worst 0.198
        {"nvidia-h200-2026-11-21.json", 2, Metric::l2_requests, "l2", 0.20},  // median 0.119, worst 0.179
        {"nvidia-h200-2026-11-21.json", 3, Metric::l2_requests, "l2", 0.35},  // median 0.304, worst 0.313
        {"nvidia-h200-2026-11-21.json", 4, Metric::l2_requests, "l2", 0.96},  // median 0.086, worst 0.865
        {"nvidia-h200-2026-11-21.json", 5, Metric::l2_requests, "l2", 0.18},  // median 0.100, worst 0.158
        {"nvidia-h200-2026-11-21.json", 1, Metric::time_ncu, "l2", 0.64},  // median 0.494, worst 0.573
        {"nvidia-h200-2026-11-21.json", 2, Metric::time_ncu, "l2", 0.82},  // median 0.538, worst 0.745
        {"nvidia-h200-2026-11-21.json", 3, Metric::time_ncu, "l2", 0.87},  // median 0.774, worst 0.786
        {"nvidia-h200-2026-11-21.json", 4, Metric::time_ncu, "l2", 0.60},  // median 0.387, worst 0.541
        {"nvidia-h200-2026-11-21.json", 5, Metric::time_ncu, "l2", 0.32},  // median 0.189, worst 0.282
        {"nvidia-h200-2026-11-21.json", 1, Metric::time_events, "l2", 0.64},  // median 0.494, worst 0.573
        {"nvidia-h200-2026-11-21.json", 2, Metric::time_events, "l2", 0.83},  // median 0.542, worst 0.746
        {"nvidia-h200-2026-11-21.json", 3, Metric::time_events, "l2", 0.87},  // median 0.774, worst 0.786
        {"nvidia-h200-2026-11-21.json", 4, Metric::time_events, "l2", 0.60},  // median 0.388, worst 0.542
        {"nvidia-h200-2026-11-21.json", 5, Metric::time_events, "l2", 0.30},  // median 0.188, worst 0.272
    };
    // clang-format on
    return table;
}

}  // namespace flashsim::crosscheck::testing
