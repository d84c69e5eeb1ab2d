// run_result.h: everything one simulation produces, and its JSON/CSV forms.
//
// Contract: the JSON and CSV schemas are documented in docs/results.md; a field added here is
// added there. Sizes are bytes, FLOPs are FLOPs, times are seconds unless a name says otherwise.
#pragma once
#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "sim/analytic/analytic.h"
#include "sim/core/problem.h"
#include "sim/core/schedule.h"
#include "sim/engine/counting.h"
#include "sim/engine/timing_result.h"
#include "sim/gpu/gpu_spec.h"
#include "sim/trace/trace.h"

namespace flashsim {

struct RunResult {
    AttentionProblem problem;
    Schedule schedule;   // resolved
    GpuSpec gpu;         // with overrides applied
    bool paper_mode = true;
    Footprint footprint;
    Counters counts;     // paper mode: the papers' IO model; otherwise through the L2 model
    std::vector<KernelCounts> kernels;
    uint64_t l2_dirty_bytes_at_end = 0;  // written but still in L2 when the run ends (L2 mode)
    AnalyticCounts analytic;
    ThetaBound theta_standard, theta_flash;
    std::vector<Listing> listings;
    Timing timing;

    // The papers' FLOP convention: 4 N^2 d per head forward (halved if causal).
    uint64_t useful_matmul_flops() const;
    double arithmetic_intensity() const;  // matmul FLOPs per HBM byte
};

// One line saying which engine produced a timed result (docs/speed.md): the fast engine's
// estimates (1 in S of the L2's sets simulated and scaled, with the sampled bytes' standard error;
// CTAs and CTA iterations extrapolated from repeating waves and windows) or the exact engine
// (every set, CTA and iteration simulated). Empty when no L2 is modelled and nothing was
// extrapolated (the papers' model counts every byte).
std::string engine_note(const Timing& t);
// Whether the fast engine estimated part of a timed result: 1 in S > 1 of the L2's sets simulated,
// or CTAs or CTA iterations extrapolated (what every form of engine_note below tells apart).
bool fast_engine(const Timing& t);
// What the fast engine estimated, short: "1 in 4 L2 sets, 80% of CTAs extrapolated"; empty when
// it estimated nothing (the exact engine, or no timing).
std::string engine_estimates(const Timing& t);
// engine_note in short, for a table's cell: "fast: " and engine_estimates when the fast engine
// estimated part of the result; empty otherwise.
std::string engine_mark(const Timing& t);

nlohmann::json to_json(const RunResult& r);
std::string csv_header();
std::string csv_row(const RunResult& r);

}  // namespace flashsim
