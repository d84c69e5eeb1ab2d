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
        // The L2 traffic and L2 requests of versions 1, 4, 5, 6 and 7 were set again when the
        // request coalescer went on in the Hopper presets, merging the first wave's reads of the
        // two SMs of a TPC (l2_coalescer.h; 2026-12-05): every one of those lines tighter or equal
        // (v5 at N = 16384: 0.14 -> 0.06; v6 on the 2026-12-01 calibration file 0.42 -> 0.35).
        // Versions 1, 3 and 4 (the CUDA-core kernels, whose ld.global loads go through the SM's
        // L1) were set again when the presets turned the L1 on (l1_sram_bytes_per_sm, the
        // whitepapers' capacity; 2026-12-05): their L2 traffic and requests tighter (v4 at
        // N = 16384, d = 64, whose two CTAs an SM belong to one head and share K and V in L1:
        // 0.99 -> 0.14), four lines looser: v4's time (ncu 0.10 -> 0.12, events 0.10 -> 0.13) and
        // cycles (0.10 -> 0.12) at N = 16384 (d = 64: the L1's hits take its loads off the L2, and the
        // simulated kernel, already 8.5% fast there, runs 2.6% faster), v4's HBM writes on the
        // 2026-11-21 file (0.10 -> 0.11) and v1's reads the SMs receive at N = 4096 (0.02 -> 0.04:
        // the model's L1 hits on the GEMMs' shared rows are a few per cent more than the GPU's).
        // Versions 2, 8, 9 and 10 (cuBLAS's GEMMs) were set again when each GEMM kernel took the
        // tile, stages and cluster its name states (Schedule::gemm_tiles, sim/crosscheck/mapping.h;
        // 2026-12-05): their L2 traffic and requests within 0.1-2% (from 5-26%), time tighter but
        // for four lines: v2's SM cycles at N = 1024-4096 (0.05 -> 0.07, 0.04 -> 0.05: d = 128, whose
        // GEMMs of one 192 KiB CTA an SM are now slower than measured while their seconds came
        // closer) and v9's at N = 1024 (time (ncu) 0.02 -> 0.03, cycles 0.03 -> 0.06: the same
        // GEMMs at d = 128).
        // The L2 traffic and L2 requests bounds were set again when the reads that cross between
        // the two L2 partitions were modelled (l2_cache.h, the partition hop; 2026-12-05): the
        // hop now agrees with ncu's within a few points of the L2 traffic (docs/fidelity.md,
        // section 6), and with it counted the bounds tightened for v1, v3, v7 and loosened for v2
        // (cuBLAS's tiles, larger than the simulator assumes, re-read less), v4, v5 and v6 (the
        // request coalescing across SMs, not modelled), whose missing parts the hop's absence had
        // cancelled.
        // Set from every stored measurement with the L2 model and timing layer on, as the replay
        // test printed them (achieved worst |err| + 10%, rounded up), after the timing mechanisms
        // of docs/timing.md (clocks under load, CTA launch, two L2 partitions, elementwise loads,
        // CUDA-core and softmax issue counted from the kernels' sm_90 SASS, compiled registers, the row
        // softmax's SRAM row, HBM at its measured streaming share, SRAM bursts with few warps, the closed
        // queueing network of CTAs that alternate round trips and issue, a CTA's own warps' issue rate, HBM latency under load; L2 writes
        // counted 1.5 times as ncu counts them with two partitions): the H200 files of 2026-11-21
        // and 2026-12-01 (versions 1-6), 2026-12-02 (v7, the backward; v8-v10, the unfused backward
        // and standard attention, at N = 1024), and the H100 files of
        // 2026-11-21 (versions 1-6, held out: no parameter came from them), ncu 2025.3.1,
        // --cache-control all --clock-control none. The comments give the achieved median and
        // worst |err|. Known gaps (docs/fidelity.md, sections 4, 6 and 7) are held here so they
        // cannot get worse: the scalar kernels' time (v2, v3, v4), the FA kernels' HBM reads at
        // N = 16384 (the L2's halved data capacity misses re-reads that the GPU hits) and the L2
        // traffic of v4, v5 and v6. v7's lines were set again after the FA2 backward's SASS issue
        // counts, warp tiling, dQacc memset and half-sector stores (docs/fidelity.md, the backward).
        // v5's and v6's lines were set again when the simulator launched their causal query blocks
        // heaviest first as the kernels do (Schedule::block_order, 2026-12-03): eight tighter (the
        // time at N = 16384), eight looser by 0.01-0.02 (the causal runs at N = 1024, already too
        // fast, 0.5% faster; v5's HBM writes, which the short blocks launched last leave dirty).
        // v1's, v2's and v9's time lines were set again when the row softmax's dependent chains were
        // modelled (KernelIssue::chain_per_exp, 2026-12-03): v2's tighter everywhere (N = 16384:
        // 0.17 -> 0.10; the H200 file of 2026-11-21 0.19 -> 0.13; the H100 0.18 -> 0.11), v1's at
        // N = 16384 looser, 0.07 -> 0.09: its row softmax, 14% fast before, no longer offsets its
        // CUDA-core GEMMs, which are slow (docs/fidelity.md, section 4).
        // v3's time lines were set again when its GEMM and exp loops were timed as dependent chains
        // (KernelIssue::chain_per_fma, chain_per_exp; 2026-12-03): all tighter.
        // v4's HBM write lines were set again when the cross-check added the GPU's background
        // writes over the kernel's time (GpuSpec::background_hbm_write_bytes_per_s, kernels/micro/
        // l2_clean_order; 2026-12-04): all four tighter (N = 16384: 0.19 -> 0.12).
        {"nvidia-h100-80gb-hbm3-2026-11-21-fa1.json", 3, Metric::hbm_read, "l2", 0.01},  // median 0.001, worst 0.001
        {"nvidia-h100-80gb-hbm3-2026-11-21-fa1.json", 3, Metric::hbm_write, "l2", 0.04},  // median 0.007, worst 0.033
        {"nvidia-h100-80gb-hbm3-2026-11-21-fa1.json", 3, Metric::l2_traffic, "l2", 0.08},  // median 0.051, worst 0.064
        {"nvidia-h100-80gb-hbm3-2026-11-21-fa1.json", 3, Metric::l2_requests, "l2", 0.08},  // median 0.052, worst 0.064
        {"nvidia-h100-80gb-hbm3-2026-11-21-fa1.json", 3, Metric::time_ncu, "l2", 0.09},  // median 0.038, worst 0.078
        {"nvidia-h100-80gb-hbm3-2026-11-21-fa1.json", 3, Metric::time_events, "l2", 0.09},  // median 0.039, worst 0.081
        {"nvidia-h100-80gb-hbm3-2026-11-21-tc.json", 5, Metric::hbm_read, "l2", 0.11},  // median 0.001, worst 0.098
        {"nvidia-h100-80gb-hbm3-2026-11-21-tc.json", 6, Metric::hbm_read, "l2", 0.19},  // median 0.001, worst 0.168
        {"nvidia-h100-80gb-hbm3-2026-11-21-tc.json", 5, Metric::hbm_write, "l2", 0.17},  // median 0.062, worst 0.153
        {"nvidia-h100-80gb-hbm3-2026-11-21-tc.json", 6, Metric::hbm_write, "l2", 0.13},  // median 0.042, worst 0.112
        {"nvidia-h100-80gb-hbm3-2026-11-21-tc.json", 5, Metric::l2_traffic, "l2", 0.24},  // median 0.035, worst 0.215
        {"nvidia-h100-80gb-hbm3-2026-11-21-tc.json", 6, Metric::l2_traffic, "l2", 0.31},  // median 0.073, worst 0.274
        {"nvidia-h100-80gb-hbm3-2026-11-21-tc.json", 5, Metric::l2_requests, "l2", 0.25},  // median 0.035, worst 0.219
        {"nvidia-h100-80gb-hbm3-2026-11-21-tc.json", 6, Metric::l2_requests, "l2", 0.42},  // median 0.069, worst 0.379
        {"nvidia-h100-80gb-hbm3-2026-11-21-tc.json", 5, Metric::time_ncu, "l2", 0.10},  // median 0.028, worst 0.085
        {"nvidia-h100-80gb-hbm3-2026-11-21-tc.json", 6, Metric::time_ncu, "l2", 0.19},  // median 0.034, worst 0.164
        {"nvidia-h100-80gb-hbm3-2026-11-21-tc.json", 5, Metric::time_events, "l2", 0.09},  // median 0.029, worst 0.074
        {"nvidia-h100-80gb-hbm3-2026-11-21-tc.json", 6, Metric::time_events, "l2", 0.18},  // median 0.031, worst 0.155
        {"nvidia-h100-80gb-hbm3-2026-11-21-unfused-scalar.json", 1, Metric::hbm_read, "l2", 0.02},  // median 0.003, worst 0.010
        {"nvidia-h100-80gb-hbm3-2026-11-21-unfused-scalar.json", 2, Metric::hbm_read, "l2", 0.02},  // median 0.006, worst 0.017
        {"nvidia-h100-80gb-hbm3-2026-11-21-unfused-scalar.json", 4, Metric::hbm_read, "l2", 0.08},  // median 0.004, worst 0.064
        {"nvidia-h100-80gb-hbm3-2026-11-21-unfused-scalar.json", 1, Metric::hbm_write, "l2", 0.01},  // median 0.001, worst 0.002
        {"nvidia-h100-80gb-hbm3-2026-11-21-unfused-scalar.json", 2, Metric::hbm_write, "l2", 0.01},  // median 0.000, worst 0.005
        {"nvidia-h100-80gb-hbm3-2026-11-21-unfused-scalar.json", 4, Metric::hbm_write, "l2", 0.09},  // median 0.048, worst 0.079
        {"nvidia-h100-80gb-hbm3-2026-11-21-unfused-scalar.json", 1, Metric::l2_traffic, "l2", 0.07},  // median 0.039, worst 0.056
        {"nvidia-h100-80gb-hbm3-2026-11-21-unfused-scalar.json", 2, Metric::l2_traffic, "l2", 0.07},  // median 0.043, worst 0.062
        {"nvidia-h100-80gb-hbm3-2026-11-21-unfused-scalar.json", 4, Metric::l2_traffic, "l2", 0.24},  // median 0.102, worst 0.217
        {"nvidia-h100-80gb-hbm3-2026-11-21-unfused-scalar.json", 1, Metric::l2_requests, "l2", 0.07},  // median 0.041, worst 0.061
        {"nvidia-h100-80gb-hbm3-2026-11-21-unfused-scalar.json", 2, Metric::l2_requests, "l2", 0.09},  // median 0.054, worst 0.075
        {"nvidia-h100-80gb-hbm3-2026-11-21-unfused-scalar.json", 4, Metric::l2_requests, "l2", 0.24},  // median 0.103, worst 0.218
        {"nvidia-h100-80gb-hbm3-2026-11-21-unfused-scalar.json", 1, Metric::time_ncu, "l2", 0.11},  // median 0.080, worst 0.098
        {"nvidia-h100-80gb-hbm3-2026-11-21-unfused-scalar.json", 2, Metric::time_ncu, "l2", 0.11},  // median 0.060, worst 0.097
        {"nvidia-h100-80gb-hbm3-2026-11-21-unfused-scalar.json", 4, Metric::time_ncu, "l2", 0.16},  // median 0.039, worst 0.138
        {"nvidia-h100-80gb-hbm3-2026-11-21-unfused-scalar.json", 1, Metric::time_events, "l2", 0.11},  // median 0.079, worst 0.097
        {"nvidia-h100-80gb-hbm3-2026-11-21-unfused-scalar.json", 2, Metric::time_events, "l2", 0.11},  // median 0.069, worst 0.097
        {"nvidia-h100-80gb-hbm3-2026-11-21-unfused-scalar.json", 4, Metric::time_events, "l2", 0.16},  // median 0.037, worst 0.140
        {"nvidia-h100-80gb-hbm3-2026-11-21-v6.json", 6, Metric::hbm_read, "l2", 0.20},  // median 0.000, worst 0.182
        {"nvidia-h100-80gb-hbm3-2026-11-21-v6.json", 6, Metric::hbm_write, "l2", 0.10},  // median 0.045, worst 0.087
        {"nvidia-h100-80gb-hbm3-2026-11-21-v6.json", 6, Metric::l2_traffic, "l2", 0.34},  // median 0.077, worst 0.301
        {"nvidia-h100-80gb-hbm3-2026-11-21-v6.json", 6, Metric::l2_requests, "l2", 0.37},  // median 0.073, worst 0.332
        {"nvidia-h100-80gb-hbm3-2026-11-21-v6.json", 6, Metric::time_ncu, "l2", 0.18},  // median 0.027, worst 0.163
        {"nvidia-h100-80gb-hbm3-2026-11-21-v6.json", 6, Metric::time_events, "l2", 0.18},  // median 0.021, worst 0.155
        {"nvidia-h200-2026-11-21.json", 1, Metric::hbm_read, "l2", 0.01},  // median 0.003, worst 0.008
        {"nvidia-h200-2026-11-21.json", 2, Metric::hbm_read, "l2", 0.03},  // median 0.001, worst 0.019
        {"nvidia-h200-2026-11-21.json", 3, Metric::hbm_read, "l2", 0.01},  // median 0.001, worst 0.002
        {"nvidia-h200-2026-11-21.json", 4, Metric::hbm_read, "l2", 0.02},  // median 0.005, worst 0.011
        {"nvidia-h200-2026-11-21.json", 5, Metric::hbm_read, "l2", 0.21},  // median 0.001, worst 0.188
        {"nvidia-h200-2026-11-21.json", 1, Metric::hbm_write, "l2", 0.01},  // median 0.001, worst 0.002
        {"nvidia-h200-2026-11-21.json", 2, Metric::hbm_write, "l2", 0.01},  // median 0.000, worst 0.006
        {"nvidia-h200-2026-11-21.json", 3, Metric::hbm_write, "l2", 0.04},  // median 0.008, worst 0.032
        {"nvidia-h200-2026-11-21.json", 4, Metric::hbm_write, "l2", 0.11},  // median 0.056, worst 0.091
        {"nvidia-h200-2026-11-21.json", 5, Metric::hbm_write, "l2", 0.14},  // median 0.052, worst 0.121
        {"nvidia-h200-2026-11-21.json", 1, Metric::l2_traffic, "l2", 0.07},  // median 0.041, worst 0.056
        {"nvidia-h200-2026-11-21.json", 2, Metric::l2_traffic, "l2", 0.02},  // median 0.005, worst 0.011
        {"nvidia-h200-2026-11-21.json", 3, Metric::l2_traffic, "l2", 0.08},  // median 0.045, worst 0.066
        {"nvidia-h200-2026-11-21.json", 4, Metric::l2_traffic, "l2", 0.24},  // median 0.122, worst 0.218
        {"nvidia-h200-2026-11-21.json", 5, Metric::l2_traffic, "l2", 0.25},  // median 0.036, worst 0.223
        {"nvidia-h200-2026-11-21.json", 1, Metric::l2_requests, "l2", 0.07},  // median 0.043, worst 0.061
        {"nvidia-h200-2026-11-21.json", 2, Metric::l2_requests, "l2", 0.02},  // median 0.003, worst 0.012
        {"nvidia-h200-2026-11-21.json", 3, Metric::l2_requests, "l2", 0.08},  // median 0.045, worst 0.066
        {"nvidia-h200-2026-11-21.json", 4, Metric::l2_requests, "l2", 0.25},  // median 0.123, worst 0.219
        {"nvidia-h200-2026-11-21.json", 5, Metric::l2_requests, "l2", 0.25},  // median 0.036, worst 0.226
        {"nvidia-h200-2026-11-21.json", 1, Metric::time_ncu, "l2", 0.11},  // median 0.081, worst 0.099
        {"nvidia-h200-2026-11-21.json", 2, Metric::time_ncu, "l2", 0.11},  // median 0.044, worst 0.098
        {"nvidia-h200-2026-11-21.json", 3, Metric::time_ncu, "l2", 0.10},  // median 0.044, worst 0.087
        {"nvidia-h200-2026-11-21.json", 4, Metric::time_ncu, "l2", 0.16},  // median 0.040, worst 0.141
        {"nvidia-h200-2026-11-21.json", 5, Metric::time_ncu, "l2", 0.11},  // median 0.023, worst 0.091
        {"nvidia-h200-2026-11-21.json", 1, Metric::time_events, "l2", 0.11},  // median 0.080, worst 0.099
        {"nvidia-h200-2026-11-21.json", 2, Metric::time_events, "l2", 0.11},  // median 0.052, worst 0.098
        {"nvidia-h200-2026-11-21.json", 3, Metric::time_events, "l2", 0.10},  // median 0.046, worst 0.090
        {"nvidia-h200-2026-11-21.json", 4, Metric::time_events, "l2", 0.16},  // median 0.037, worst 0.142
        {"nvidia-h200-2026-11-21.json", 5, Metric::time_events, "l2", 0.08},  // median 0.020, worst 0.071
        {"nvidia-h200-2026-12-01-n1024-4096.json", 1, Metric::hbm_read, "l2", 0.01},  // median 0.001, worst 0.004
        {"nvidia-h200-2026-12-01-n1024-4096.json", 2, Metric::hbm_read, "l2", 0.01},  // median 0.000, worst 0.003
        {"nvidia-h200-2026-12-01-n1024-4096.json", 3, Metric::hbm_read, "l2", 0.01},  // median 0.000, worst 0.002
        {"nvidia-h200-2026-12-01-n1024-4096.json", 4, Metric::hbm_read, "l2", 0.01},  // median 0.002, worst 0.004
        {"nvidia-h200-2026-12-01-n1024-4096.json", 5, Metric::hbm_read, "l2", 0.05},  // median 0.000, worst 0.038
        {"nvidia-h200-2026-12-01-n1024-4096.json", 6, Metric::hbm_read, "l2", 0.01},  // median 0.000, worst 0.004
        {"nvidia-h200-2026-12-01-n1024-4096.json", 1, Metric::hbm_write, "l2", 0.01},  // median 0.002, worst 0.004
        {"nvidia-h200-2026-12-01-n1024-4096.json", 2, Metric::hbm_write, "l2", 0.01},  // median 0.001, worst 0.002
        {"nvidia-h200-2026-12-01-n1024-4096.json", 3, Metric::hbm_write, "l2", 0.04},  // median 0.018, worst 0.032
        {"nvidia-h200-2026-12-01-n1024-4096.json", 4, Metric::hbm_write, "l2", 0.09},  // median 0.055, worst 0.081
        {"nvidia-h200-2026-12-01-n1024-4096.json", 5, Metric::hbm_write, "l2", 0.14},  // median 0.049, worst 0.120
        {"nvidia-h200-2026-12-01-n1024-4096.json", 6, Metric::hbm_write, "l2", 0.11},  // median 0.053, worst 0.093
        {"nvidia-h200-2026-12-01-n1024-4096.json", 1, Metric::l2_traffic, "l2", 0.06},  // median 0.025, worst 0.050
        {"nvidia-h200-2026-12-01-n1024-4096.json", 2, Metric::l2_traffic, "l2", 0.01},  // median 0.004, worst 0.004
        {"nvidia-h200-2026-12-01-n1024-4096.json", 3, Metric::l2_traffic, "l2", 0.08},  // median 0.049, worst 0.064
        {"nvidia-h200-2026-12-01-n1024-4096.json", 4, Metric::l2_traffic, "l2", 0.18},  // median 0.121, worst 0.162
        {"nvidia-h200-2026-12-01-n1024-4096.json", 5, Metric::l2_traffic, "l2", 0.25},  // median 0.060, worst 0.225
        {"nvidia-h200-2026-12-01-n1024-4096.json", 6, Metric::l2_traffic, "l2", 0.35},  // median 0.085, worst 0.316
        {"nvidia-h200-2026-12-01-n1024-4096.json", 1, Metric::l2_requests, "l2", 0.06},  // median 0.026, worst 0.051
        {"nvidia-h200-2026-12-01-n1024-4096.json", 2, Metric::l2_requests, "l2", 0.02},  // median 0.006, worst 0.013
        {"nvidia-h200-2026-12-01-n1024-4096.json", 3, Metric::l2_requests, "l2", 0.08},  // median 0.049, worst 0.064
        {"nvidia-h200-2026-12-01-n1024-4096.json", 4, Metric::l2_requests, "l2", 0.18},  // median 0.122, worst 0.163
        {"nvidia-h200-2026-12-01-n1024-4096.json", 5, Metric::l2_requests, "l2", 0.26},  // median 0.060, worst 0.228
        {"nvidia-h200-2026-12-01-n1024-4096.json", 6, Metric::l2_requests, "l2", 0.47},  // median 0.073, worst 0.423
        {"nvidia-h200-2026-12-01-n1024-4096.json", 1, Metric::time_ncu, "l2", 0.12},  // median 0.096, worst 0.105
        {"nvidia-h200-2026-12-01-n1024-4096.json", 2, Metric::time_ncu, "l2", 0.04},  // median 0.031, worst 0.036
        {"nvidia-h200-2026-12-01-n1024-4096.json", 3, Metric::time_ncu, "l2", 0.08},  // median 0.036, worst 0.070
        {"nvidia-h200-2026-12-01-n1024-4096.json", 4, Metric::time_ncu, "l2", 0.14},  // median 0.034, worst 0.126
        {"nvidia-h200-2026-12-01-n1024-4096.json", 5, Metric::time_ncu, "l2", 0.09},  // median 0.017, worst 0.079
        {"nvidia-h200-2026-12-01-n1024-4096.json", 6, Metric::time_ncu, "l2", 0.18},  // median 0.050, worst 0.160
        {"nvidia-h200-2026-12-01-n1024-4096.json", 1, Metric::time_events, "l2", 0.12},  // median 0.095, worst 0.105
        {"nvidia-h200-2026-12-01-n1024-4096.json", 2, Metric::time_events, "l2", 0.05},  // median 0.031, worst 0.039
        {"nvidia-h200-2026-12-01-n1024-4096.json", 3, Metric::time_events, "l2", 0.09},  // median 0.036, worst 0.074
        {"nvidia-h200-2026-12-01-n1024-4096.json", 4, Metric::time_events, "l2", 0.14},  // median 0.033, worst 0.127
        {"nvidia-h200-2026-12-01-n1024-4096.json", 5, Metric::time_events, "l2", 0.09},  // median 0.016, worst 0.076
        {"nvidia-h200-2026-12-01-n1024-4096.json", 6, Metric::time_events, "l2", 0.18},  // median 0.045, worst 0.155
        {"nvidia-h200-2026-12-01-n1024-4096.json", 1, Metric::cycles, "l2", 0.12},  // median 0.096, worst 0.105
        {"nvidia-h200-2026-12-01-n1024-4096.json", 2, Metric::cycles, "l2", 0.07},  // median 0.041, worst 0.063
        {"nvidia-h200-2026-12-01-n1024-4096.json", 3, Metric::cycles, "l2", 0.08},  // median 0.036, worst 0.070
        {"nvidia-h200-2026-12-01-n1024-4096.json", 4, Metric::cycles, "l2", 0.14},  // median 0.034, worst 0.125
        {"nvidia-h200-2026-12-01-n1024-4096.json", 5, Metric::cycles, "l2", 0.06},  // median 0.024, worst 0.047
        {"nvidia-h200-2026-12-01-n1024-4096.json", 6, Metric::cycles, "l2", 0.15},  // median 0.035, worst 0.135
        {"nvidia-h200-2026-12-01-n16384.json", 1, Metric::hbm_read, "l2", 0.01},  // median 0.005, worst 0.007
        {"nvidia-h200-2026-12-01-n16384.json", 2, Metric::hbm_read, "l2", 0.02},  // median 0.013, worst 0.018
        {"nvidia-h200-2026-12-01-n16384.json", 3, Metric::hbm_read, "l2", 0.01},  // median 0.001, worst 0.001
        {"nvidia-h200-2026-12-01-n16384.json", 4, Metric::hbm_read, "l2", 0.02},  // median 0.008, worst 0.015
        {"nvidia-h200-2026-12-01-n16384.json", 5, Metric::hbm_read, "l2", 0.21},  // median 0.009, worst 0.188
        {"nvidia-h200-2026-12-01-n16384.json", 6, Metric::hbm_read, "l2", 0.14},  // median 0.010, worst 0.122
        {"nvidia-h200-2026-12-01-n16384.json", 1, Metric::hbm_write, "l2", 0.01},  // median 0.001, worst 0.001
        {"nvidia-h200-2026-12-01-n16384.json", 2, Metric::hbm_write, "l2", 0.01},  // median 0.000, worst 0.000
        {"nvidia-h200-2026-12-01-n16384.json", 3, Metric::hbm_write, "l2", 0.01},  // median 0.003, worst 0.003
        {"nvidia-h200-2026-12-01-n16384.json", 4, Metric::hbm_write, "l2", 0.12},  // median 0.072, worst 0.106
        {"nvidia-h200-2026-12-01-n16384.json", 5, Metric::hbm_write, "l2", 0.14},  // median 0.075, worst 0.124
        {"nvidia-h200-2026-12-01-n16384.json", 6, Metric::hbm_write, "l2", 0.13},  // median 0.062, worst 0.112
        {"nvidia-h200-2026-12-01-n16384.json", 1, Metric::l2_traffic, "l2", 0.06},  // median 0.047, worst 0.052
        {"nvidia-h200-2026-12-01-n16384.json", 2, Metric::l2_traffic, "l2", 0.01},  // median 0.003, worst 0.005
        {"nvidia-h200-2026-12-01-n16384.json", 3, Metric::l2_traffic, "l2", 0.06},  // median 0.040, worst 0.048
        {"nvidia-h200-2026-12-01-n16384.json", 4, Metric::l2_traffic, "l2", 0.11},  // median 0.048, worst 0.093
        {"nvidia-h200-2026-12-01-n16384.json", 5, Metric::l2_traffic, "l2", 0.06},  // median 0.037, worst 0.048
        {"nvidia-h200-2026-12-01-n16384.json", 6, Metric::l2_traffic, "l2", 0.21},  // median 0.056, worst 0.189
        {"nvidia-h200-2026-12-01-n16384.json", 1, Metric::l2_requests, "l2", 0.06},  // median 0.047, worst 0.052
        {"nvidia-h200-2026-12-01-n16384.json", 2, Metric::l2_requests, "l2", 0.01},  // median 0.001, worst 0.002
        {"nvidia-h200-2026-12-01-n16384.json", 3, Metric::l2_requests, "l2", 0.06},  // median 0.040, worst 0.048
        {"nvidia-h200-2026-12-01-n16384.json", 4, Metric::l2_requests, "l2", 0.11},  // median 0.048, worst 0.093
        {"nvidia-h200-2026-12-01-n16384.json", 5, Metric::l2_requests, "l2", 0.06},  // median 0.037, worst 0.048
        {"nvidia-h200-2026-12-01-n16384.json", 6, Metric::l2_requests, "l2", 0.22},  // median 0.057, worst 0.196
        {"nvidia-h200-2026-12-01-n16384.json", 1, Metric::time_ncu, "l2", 0.09},  // median 0.068, worst 0.074
        {"nvidia-h200-2026-12-01-n16384.json", 2, Metric::time_ncu, "l2", 0.08},  // median 0.051, worst 0.073
        {"nvidia-h200-2026-12-01-n16384.json", 3, Metric::time_ncu, "l2", 0.05},  // median 0.026, worst 0.038
        {"nvidia-h200-2026-12-01-n16384.json", 4, Metric::time_ncu, "l2", 0.12},  // median 0.057, worst 0.109
        {"nvidia-h200-2026-12-01-n16384.json", 5, Metric::time_ncu, "l2", 0.04},  // median 0.026, worst 0.028
        {"nvidia-h200-2026-12-01-n16384.json", 6, Metric::time_ncu, "l2", 0.11},  // median 0.081, worst 0.097
        {"nvidia-h200-2026-12-01-n16384.json", 1, Metric::time_events, "l2", 0.09},  // median 0.068, worst 0.074
        {"nvidia-h200-2026-12-01-n16384.json", 2, Metric::time_events, "l2", 0.09},  // median 0.055, worst 0.076
        {"nvidia-h200-2026-12-01-n16384.json", 3, Metric::time_events, "l2", 0.05},  // median 0.026, worst 0.039
        {"nvidia-h200-2026-12-01-n16384.json", 4, Metric::time_events, "l2", 0.13},  // median 0.057, worst 0.110
        {"nvidia-h200-2026-12-01-n16384.json", 5, Metric::time_events, "l2", 0.04},  // median 0.029, worst 0.033
        {"nvidia-h200-2026-12-01-n16384.json", 6, Metric::time_events, "l2", 0.12},  // median 0.086, worst 0.104
        {"nvidia-h200-2026-12-01-n16384.json", 1, Metric::cycles, "l2", 0.09},  // median 0.068, worst 0.074
        {"nvidia-h200-2026-12-01-n16384.json", 2, Metric::cycles, "l2", 0.08},  // median 0.043, worst 0.070
        {"nvidia-h200-2026-12-01-n16384.json", 3, Metric::cycles, "l2", 0.05},  // median 0.026, worst 0.038
        {"nvidia-h200-2026-12-01-n16384.json", 4, Metric::cycles, "l2", 0.12},  // median 0.057, worst 0.109
        {"nvidia-h200-2026-12-01-n16384.json", 5, Metric::cycles, "l2", 0.04},  // median 0.031, worst 0.033
        {"nvidia-h200-2026-12-01-n16384.json", 6, Metric::cycles, "l2", 0.13},  // median 0.078, worst 0.110
        // The calibration shapes measured again on 2026-12-05 (v5, v6 alone at N = 16384), each file with its
        // own background write rates (profile.py's background phase).
        {"nvidia-h200-2026-12-05-n1024.json", 1, Metric::hbm_read, "l2", 0.01},  // median 0.000, worst 0.000
        {"nvidia-h200-2026-12-05-n1024.json", 2, Metric::hbm_read, "l2", 0.01},  // median 0.000, worst 0.000
        {"nvidia-h200-2026-12-05-n1024.json", 3, Metric::hbm_read, "l2", 0.01},  // median 0.001, worst 0.002
        {"nvidia-h200-2026-12-05-n1024.json", 4, Metric::hbm_read, "l2", 0.01},  // median 0.001, worst 0.002
        {"nvidia-h200-2026-12-05-n1024.json", 5, Metric::hbm_read, "l2", 0.01},  // median 0.000, worst 0.001
        {"nvidia-h200-2026-12-05-n1024.json", 6, Metric::hbm_read, "l2", 0.01},  // median 0.000, worst 0.000
        {"nvidia-h200-2026-12-05-n1024.json", 1, Metric::hbm_write, "l2", 0.01},  // median 0.003, worst 0.005
        {"nvidia-h200-2026-12-05-n1024.json", 2, Metric::hbm_write, "l2", 0.01},  // median 0.002, worst 0.002
        {"nvidia-h200-2026-12-05-n1024.json", 3, Metric::hbm_write, "l2", 0.04},  // median 0.031, worst 0.032
        {"nvidia-h200-2026-12-05-n1024.json", 4, Metric::hbm_write, "l2", 0.08},  // median 0.053, worst 0.071
        {"nvidia-h200-2026-12-05-n1024.json", 5, Metric::hbm_write, "l2", 0.08},  // median 0.040, worst 0.066
        {"nvidia-h200-2026-12-05-n1024.json", 6, Metric::hbm_write, "l2", 0.09},  // median 0.045, worst 0.081
        {"nvidia-h200-2026-12-05-n1024.json", 1, Metric::l2_traffic, "l2", 0.07},  // median 0.047, worst 0.055
        {"nvidia-h200-2026-12-05-n1024.json", 2, Metric::l2_traffic, "l2", 0.01},  // median 0.004, worst 0.005
        {"nvidia-h200-2026-12-05-n1024.json", 3, Metric::l2_traffic, "l2", 0.09},  // median 0.065, worst 0.074
        {"nvidia-h200-2026-12-05-n1024.json", 4, Metric::l2_traffic, "l2", 0.20},  // median 0.137, worst 0.174
        {"nvidia-h200-2026-12-05-n1024.json", 5, Metric::l2_traffic, "l2", 0.28},  // median 0.123, worst 0.248
        {"nvidia-h200-2026-12-05-n1024.json", 6, Metric::l2_traffic, "l2", 0.34},  // median 0.155, worst 0.302
        {"nvidia-h200-2026-12-05-n1024.json", 1, Metric::l2_requests, "l2", 0.07},  // median 0.049, worst 0.057
        {"nvidia-h200-2026-12-05-n1024.json", 2, Metric::l2_requests, "l2", 0.02},  // median 0.008, worst 0.012
        {"nvidia-h200-2026-12-05-n1024.json", 3, Metric::l2_requests, "l2", 0.09},  // median 0.066, worst 0.074
        {"nvidia-h200-2026-12-05-n1024.json", 4, Metric::l2_requests, "l2", 0.20},  // median 0.138, worst 0.176
        {"nvidia-h200-2026-12-05-n1024.json", 5, Metric::l2_requests, "l2", 0.28},  // median 0.125, worst 0.251
        {"nvidia-h200-2026-12-05-n1024.json", 6, Metric::l2_requests, "l2", 0.45},  // median 0.188, worst 0.406
        {"nvidia-h200-2026-12-05-n1024.json", 1, Metric::time_ncu, "l2", 0.11},  // median 0.085, worst 0.091
        {"nvidia-h200-2026-12-05-n1024.json", 2, Metric::time_ncu, "l2", 0.05},  // median 0.027, worst 0.036
        {"nvidia-h200-2026-12-05-n1024.json", 3, Metric::time_ncu, "l2", 0.10},  // median 0.064, worst 0.091
        {"nvidia-h200-2026-12-05-n1024.json", 4, Metric::time_ncu, "l2", 0.16},  // median 0.090, worst 0.143
        {"nvidia-h200-2026-12-05-n1024.json", 5, Metric::time_ncu, "l2", 0.08},  // median 0.034, worst 0.071
        {"nvidia-h200-2026-12-05-n1024.json", 6, Metric::time_ncu, "l2", 0.19},  // median 0.100, worst 0.167
        {"nvidia-h200-2026-12-05-n1024.json", 1, Metric::time_events, "l2", 0.11},  // median 0.083, worst 0.091
        {"nvidia-h200-2026-12-05-n1024.json", 2, Metric::time_events, "l2", 0.06},  // median 0.027, worst 0.047
        {"nvidia-h200-2026-12-05-n1024.json", 3, Metric::time_events, "l2", 0.10},  // median 0.063, worst 0.090
        {"nvidia-h200-2026-12-05-n1024.json", 4, Metric::time_events, "l2", 0.16},  // median 0.090, worst 0.142
        {"nvidia-h200-2026-12-05-n1024.json", 5, Metric::time_events, "l2", 0.08},  // median 0.035, worst 0.070
        {"nvidia-h200-2026-12-05-n1024.json", 6, Metric::time_events, "l2", 0.18},  // median 0.083, worst 0.155
        {"nvidia-h200-2026-12-05-n1024.json", 1, Metric::cycles, "l2", 0.11},  // median 0.084, worst 0.093
        {"nvidia-h200-2026-12-05-n1024.json", 2, Metric::cycles, "l2", 0.05},  // median 0.034, worst 0.044
        {"nvidia-h200-2026-12-05-n1024.json", 3, Metric::cycles, "l2", 0.11},  // median 0.063, worst 0.091
        {"nvidia-h200-2026-12-05-n1024.json", 4, Metric::cycles, "l2", 0.16},  // median 0.093, worst 0.141
        {"nvidia-h200-2026-12-05-n1024.json", 5, Metric::cycles, "l2", 0.07},  // median 0.012, worst 0.059
        {"nvidia-h200-2026-12-05-n1024.json", 6, Metric::cycles, "l2", 0.16},  // median 0.059, worst 0.141
        {"nvidia-h200-2026-12-05-n16384-v5v6.json", 5, Metric::hbm_read, "l2", 0.24},  // median 0.009, worst 0.217
        {"nvidia-h200-2026-12-05-n16384-v5v6.json", 6, Metric::hbm_read, "l2", 0.15},  // median 0.009, worst 0.129
        {"nvidia-h200-2026-12-05-n16384-v5v6.json", 5, Metric::hbm_write, "l2", 0.15},  // median 0.067, worst 0.130
        {"nvidia-h200-2026-12-05-n16384-v5v6.json", 6, Metric::hbm_write, "l2", 0.13},  // median 0.054, worst 0.110
        {"nvidia-h200-2026-12-05-n16384-v5v6.json", 5, Metric::l2_traffic, "l2", 0.05},  // median 0.036, worst 0.045
        {"nvidia-h200-2026-12-05-n16384-v5v6.json", 6, Metric::l2_traffic, "l2", 0.24},  // median 0.063, worst 0.210
        {"nvidia-h200-2026-12-05-n16384-v5v6.json", 5, Metric::l2_requests, "l2", 0.05},  // median 0.035, worst 0.045
        {"nvidia-h200-2026-12-05-n16384-v5v6.json", 6, Metric::l2_requests, "l2", 0.24},  // median 0.063, worst 0.217
        {"nvidia-h200-2026-12-05-n16384-v5v6.json", 5, Metric::time_ncu, "l2", 0.05},  // median 0.032, worst 0.043
        {"nvidia-h200-2026-12-05-n16384-v5v6.json", 6, Metric::time_ncu, "l2", 0.12},  // median 0.072, worst 0.106
        {"nvidia-h200-2026-12-05-n16384-v5v6.json", 5, Metric::time_events, "l2", 0.05},  // median 0.034, worst 0.039
        {"nvidia-h200-2026-12-05-n16384-v5v6.json", 6, Metric::time_events, "l2", 0.13},  // median 0.073, worst 0.111
        {"nvidia-h200-2026-12-05-n16384-v5v6.json", 5, Metric::cycles, "l2", 0.06},  // median 0.036, worst 0.047
        {"nvidia-h200-2026-12-05-n16384-v5v6.json", 6, Metric::cycles, "l2", 0.12},  // median 0.072, worst 0.107
        {"nvidia-h200-2026-12-05-n4096.json", 1, Metric::hbm_read, "l2", 0.01},  // median 0.003, worst 0.004
        {"nvidia-h200-2026-12-05-n4096.json", 2, Metric::hbm_read, "l2", 0.01},  // median 0.002, worst 0.003
        {"nvidia-h200-2026-12-05-n4096.json", 3, Metric::hbm_read, "l2", 0.01},  // median 0.001, worst 0.001
        {"nvidia-h200-2026-12-05-n4096.json", 4, Metric::hbm_read, "l2", 0.01},  // median 0.004, worst 0.005
        {"nvidia-h200-2026-12-05-n4096.json", 5, Metric::hbm_read, "l2", 0.05},  // median 0.001, worst 0.039
        {"nvidia-h200-2026-12-05-n4096.json", 6, Metric::hbm_read, "l2", 0.01},  // median 0.001, worst 0.004
        {"nvidia-h200-2026-12-05-n4096.json", 1, Metric::hbm_write, "l2", 0.01},  // median 0.002, worst 0.002
        {"nvidia-h200-2026-12-05-n4096.json", 2, Metric::hbm_write, "l2", 0.01},  // median 0.001, worst 0.002
        {"nvidia-h200-2026-12-05-n4096.json", 3, Metric::hbm_write, "l2", 0.01},  // median 0.008, worst 0.008
        {"nvidia-h200-2026-12-05-n4096.json", 4, Metric::hbm_write, "l2", 0.09},  // median 0.062, worst 0.080
        {"nvidia-h200-2026-12-05-n4096.json", 5, Metric::hbm_write, "l2", 0.13},  // median 0.053, worst 0.114
        {"nvidia-h200-2026-12-05-n4096.json", 6, Metric::hbm_write, "l2", 0.10},  // median 0.054, worst 0.090
        {"nvidia-h200-2026-12-05-n4096.json", 1, Metric::l2_traffic, "l2", 0.02},  // median 0.013, worst 0.014
        {"nvidia-h200-2026-12-05-n4096.json", 2, Metric::l2_traffic, "l2", 0.01},  // median 0.003, worst 0.003
        {"nvidia-h200-2026-12-05-n4096.json", 3, Metric::l2_traffic, "l2", 0.08},  // median 0.060, worst 0.066
        {"nvidia-h200-2026-12-05-n4096.json", 4, Metric::l2_traffic, "l2", 0.15},  // median 0.126, worst 0.129
        {"nvidia-h200-2026-12-05-n4096.json", 5, Metric::l2_traffic, "l2", 0.15},  // median 0.071, worst 0.128
        {"nvidia-h200-2026-12-05-n4096.json", 6, Metric::l2_traffic, "l2", 0.35},  // median 0.066, worst 0.314
        {"nvidia-h200-2026-12-05-n4096.json", 1, Metric::l2_requests, "l2", 0.02},  // median 0.014, worst 0.014
        {"nvidia-h200-2026-12-05-n4096.json", 2, Metric::l2_requests, "l2", 0.01},  // median 0.005, worst 0.007
        {"nvidia-h200-2026-12-05-n4096.json", 3, Metric::l2_requests, "l2", 0.08},  // median 0.060, worst 0.066
        {"nvidia-h200-2026-12-05-n4096.json", 4, Metric::l2_requests, "l2", 0.15},  // median 0.126, worst 0.129
        {"nvidia-h200-2026-12-05-n4096.json", 5, Metric::l2_requests, "l2", 0.15},  // median 0.070, worst 0.129
        {"nvidia-h200-2026-12-05-n4096.json", 6, Metric::l2_requests, "l2", 0.39},  // median 0.062, worst 0.347
        {"nvidia-h200-2026-12-05-n4096.json", 1, Metric::time_ncu, "l2", 0.11},  // median 0.092, worst 0.099
        {"nvidia-h200-2026-12-05-n4096.json", 2, Metric::time_ncu, "l2", 0.06},  // median 0.035, worst 0.050
        {"nvidia-h200-2026-12-05-n4096.json", 3, Metric::time_ncu, "l2", 0.08},  // median 0.041, worst 0.070
        {"nvidia-h200-2026-12-05-n4096.json", 4, Metric::time_ncu, "l2", 0.05},  // median 0.037, worst 0.038
        {"nvidia-h200-2026-12-05-n4096.json", 5, Metric::time_ncu, "l2", 0.03},  // median 0.014, worst 0.023
        {"nvidia-h200-2026-12-05-n4096.json", 6, Metric::time_ncu, "l2", 0.07},  // median 0.023, worst 0.058
        {"nvidia-h200-2026-12-05-n4096.json", 1, Metric::time_events, "l2", 0.11},  // median 0.091, worst 0.098
        {"nvidia-h200-2026-12-05-n4096.json", 2, Metric::time_events, "l2", 0.07},  // median 0.036, worst 0.056
        {"nvidia-h200-2026-12-05-n4096.json", 3, Metric::time_events, "l2", 0.08},  // median 0.042, worst 0.070
        {"nvidia-h200-2026-12-05-n4096.json", 4, Metric::time_events, "l2", 0.05},  // median 0.036, worst 0.037
        {"nvidia-h200-2026-12-05-n4096.json", 5, Metric::time_events, "l2", 0.03},  // median 0.014, worst 0.024
        {"nvidia-h200-2026-12-05-n4096.json", 6, Metric::time_events, "l2", 0.08},  // median 0.024, worst 0.067
        {"nvidia-h200-2026-12-05-n4096.json", 1, Metric::cycles, "l2", 0.12},  // median 0.093, worst 0.100
        {"nvidia-h200-2026-12-05-n4096.json", 2, Metric::cycles, "l2", 0.06},  // median 0.044, worst 0.047
        {"nvidia-h200-2026-12-05-n4096.json", 3, Metric::cycles, "l2", 0.08},  // median 0.041, worst 0.070
        {"nvidia-h200-2026-12-05-n4096.json", 4, Metric::cycles, "l2", 0.06},  // median 0.041, worst 0.051
        {"nvidia-h200-2026-12-05-n4096.json", 5, Metric::cycles, "l2", 0.03},  // median 0.014, worst 0.023
        {"nvidia-h200-2026-12-05-n4096.json", 6, Metric::cycles, "l2", 0.08},  // median 0.027, worst 0.065
        // The read sectors the SMs receive (l1tex__m_xbar2l1tex_read_sectors; files of 2026-12-02 on),
        // bounded where the replay reads them (the 2026-12-05 files), at least 0.01.
        {"nvidia-h200-2026-12-05-n1024.json", 1, Metric::l2_reads, "l2", 0.01},  // median 0.003, worst 0.004
        {"nvidia-h200-2026-12-05-n1024.json", 2, Metric::l2_reads, "l2", 0.01},  // median 0.000, worst 0.000
        {"nvidia-h200-2026-12-05-n1024.json", 3, Metric::l2_reads, "l2", 0.06},  // median 0.023, worst 0.046
        {"nvidia-h200-2026-12-05-n1024.json", 4, Metric::l2_reads, "l2", 0.05},  // median 0.022, worst 0.044
        {"nvidia-h200-2026-12-05-n1024.json", 5, Metric::l2_reads, "l2", 0.01},  // median 0.000, worst 0.001
        {"nvidia-h200-2026-12-05-n1024.json", 6, Metric::l2_reads, "l2", 0.01},  // median 0.000, worst 0.000
        {"nvidia-h200-2026-12-05-n16384-v5v6.json", 5, Metric::l2_reads, "l2", 0.01},  // median 0.000, worst 0.000
        {"nvidia-h200-2026-12-05-n16384-v5v6.json", 6, Metric::l2_reads, "l2", 0.01},  // median 0.000, worst 0.000
        {"nvidia-h200-2026-12-05-n4096.json", 1, Metric::l2_reads, "l2", 0.04},  // median 0.026, worst 0.030
        {"nvidia-h200-2026-12-05-n4096.json", 2, Metric::l2_reads, "l2", 0.01},  // median 0.000, worst 0.000
        {"nvidia-h200-2026-12-05-n4096.json", 3, Metric::l2_reads, "l2", 0.01},  // median 0.000, worst 0.001
        {"nvidia-h200-2026-12-05-n4096.json", 4, Metric::l2_reads, "l2", 0.12},  // median 0.054, worst 0.107
        {"nvidia-h200-2026-12-05-n4096.json", 5, Metric::l2_reads, "l2", 0.01},  // median 0.000, worst 0.000
        {"nvidia-h200-2026-12-05-n4096.json", 6, Metric::l2_reads, "l2", 0.01},  // median 0.000, worst 0.000
        {"nvidia-h200-2026-12-02-v7.json", 7, Metric::hbm_read, "l2", 0.05},  // median 0.003, worst 0.040
        {"nvidia-h200-2026-12-02-v7.json", 7, Metric::hbm_write, "l2", 0.04},  // median 0.013, worst 0.036
        {"nvidia-h200-2026-12-02-v7.json", 7, Metric::l2_traffic, "l2", 0.06},  // median 0.010, worst 0.050
        {"nvidia-h200-2026-12-02-v7.json", 7, Metric::l2_requests, "l2", 0.06},  // median 0.009, worst 0.054
        {"nvidia-h200-2026-12-02-v7.json", 7, Metric::time_ncu, "l2", 0.09},  // median 0.050, worst 0.080
        {"nvidia-h200-2026-12-02-v7.json", 7, Metric::time_events, "l2", 0.11},  // median 0.059, worst 0.100
        {"nvidia-h200-2026-12-02-v7.json", 7, Metric::cycles, "l2", 0.08},  // median 0.046, worst 0.072
        // Versions 8, 9, 10 (the unfused backward, standard attention forward and backward, cuBLAS GEMMs
        // and row kernels), the runs at N = 1024 the replay keeps (replay_subsets below).
        {"nvidia-h200-2026-12-02-unfused.json", 8, Metric::hbm_read, "l2", 0.01},  // median 0.000, worst 0.002
        {"nvidia-h200-2026-12-02-unfused.json", 9, Metric::hbm_read, "l2", 0.01},  // median 0.000, worst 0.001
        {"nvidia-h200-2026-12-02-unfused.json", 10, Metric::hbm_read, "l2", 0.01},  // median 0.000, worst 0.001
        {"nvidia-h200-2026-12-02-unfused.json", 8, Metric::hbm_write, "l2", 0.01},  // median 0.004, worst 0.007
        {"nvidia-h200-2026-12-02-unfused.json", 9, Metric::hbm_write, "l2", 0.01},  // median 0.001, worst 0.002
        {"nvidia-h200-2026-12-02-unfused.json", 10, Metric::hbm_write, "l2", 0.01},  // median 0.003, worst 0.005
        {"nvidia-h200-2026-12-02-unfused.json", 8, Metric::l2_traffic, "l2", 0.01},  // median 0.004, worst 0.004
        {"nvidia-h200-2026-12-02-unfused.json", 9, Metric::l2_traffic, "l2", 0.01},  // median 0.005, worst 0.006
        {"nvidia-h200-2026-12-02-unfused.json", 10, Metric::l2_traffic, "l2", 0.01},  // median 0.005, worst 0.008
        {"nvidia-h200-2026-12-02-unfused.json", 8, Metric::l2_requests, "l2", 0.02},  // median 0.006, worst 0.010
        {"nvidia-h200-2026-12-02-unfused.json", 9, Metric::l2_requests, "l2", 0.01},  // median 0.003, worst 0.006
        {"nvidia-h200-2026-12-02-unfused.json", 10, Metric::l2_requests, "l2", 0.01},  // median 0.004, worst 0.007
        {"nvidia-h200-2026-12-02-unfused.json", 8, Metric::time_ncu, "l2", 0.13},  // median 0.082, worst 0.115
        {"nvidia-h200-2026-12-02-unfused.json", 9, Metric::time_ncu, "l2", 0.03},  // median 0.016, worst 0.027
        {"nvidia-h200-2026-12-02-unfused.json", 10, Metric::time_ncu, "l2", 0.11},  // median 0.075, worst 0.098
        {"nvidia-h200-2026-12-02-unfused.json", 8, Metric::time_events, "l2", 0.15},  // median 0.101, worst 0.134
        {"nvidia-h200-2026-12-02-unfused.json", 9, Metric::time_events, "l2", 0.03},  // median 0.018, worst 0.026
        {"nvidia-h200-2026-12-02-unfused.json", 10, Metric::time_events, "l2", 0.13},  // median 0.093, worst 0.118
        {"nvidia-h200-2026-12-02-unfused.json", 8, Metric::cycles, "l2", 0.11},  // median 0.052, worst 0.096
        {"nvidia-h200-2026-12-02-unfused.json", 9, Metric::cycles, "l2", 0.06},  // median 0.022, worst 0.049
        {"nvidia-h200-2026-12-02-unfused.json", 10, Metric::cycles, "l2", 0.09},  // median 0.054, worst 0.078
    };
    // clang-format on
    return table;
}

// Stored files the CI replay takes only in part: the unfused versions' simulations cost CPU time
// in proportion to B·H·N² (every N x N tile through the L2 model), and the replay must stay cheap
// on a 2-core machine. The replay keeps the runs with N <= max_N (max_N = 0: none; the file is
// then left out). `flashsim crosscheck FILE` replays the whole file; docs/fidelity.md shows it.
struct ReplaySubset {
    const char* file;
    int64_t max_N;
    const char* why;
};

inline const std::vector<ReplaySubset>& replay_subsets() {
    static const std::vector<ReplaySubset> table = {
        {"nvidia-h200-2026-12-02-figure2.json", 0,
         "B=64 H=16 N=1024: four unfused runs at 4x the validation shape's B·H·N², ~33 s of CPU"},
        {"nvidia-h200-2026-12-02-l1.json", 0,
         "v4-v6 at the calibration shapes again, profiled for the L1 and L2-coalescer counters (kernels/check_l2_merge.sh); "
         "its bytes and times are the 2026-12-01 file's within noise, ~40 s of CPU more"},
        {"nvidia-h200-2026-12-04-l1-v1.json", 0,
         "v1 at N = 4096 and 16384 again, profiled for the L1 and L2-source counters; its bytes and times are the "
         "2026-12-01 files' within noise, ~10 s of CPU more"},
        {"nvidia-h200-2026-12-02-unfused.json", 1024,
         "N=4096 runs ~8 s each, N=16384 ones ~6 minutes each; the 12 runs at N=1024 cost ~25 s of CPU"},
    };
    return table;
}

}  // namespace flashsim::crosscheck::testing
