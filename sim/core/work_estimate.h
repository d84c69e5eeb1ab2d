// work_estimate.h: how much walking a run will do, known before it starts.
//
// The engine walks every tile step of the trace: for each head it walks, for each pass's kernel,
// each (query block i, key block j) pair, B*H*Tr*Tc in all for a forward pass (counting alone
// walks one head and scales; the timing layer walks every CTA of every head). With the L2 model
// on, every global byte also goes through the cache model, line by line at worst. N = 2^24 with
// default blocks, or Br = Bc = 1, means 10^11 steps or more: hours, not seconds.
//
// Contract: estimate_work() is closed-form arithmetic in doubles (no overflow, no walk);
// check_work() throws ConfigError showing the arithmetic when the estimate exceeds
// kMaxWorkSeconds, and returns the estimate otherwise (a caller may warn above
// kWarnWorkSeconds). The seconds are an order of magnitude, from the engine's measured
// throughput on one core (kTileStepsPerSecond), not a promise.
#pragma once
#include <string>

#include "sim/core/problem.h"
#include "sim/core/schedule.h"

namespace flashsim {

// The engine's throughput on one core, order of magnitude (docs/robustness.md has the runs):
// tile steps per second, and global bytes per second through the L2 model at line granules.
inline constexpr double kTileStepsPerSecond = 2e6;
inline constexpr double kL2ModelBytesPerSecond = 3e8;
// Fixed cost of one run: setting up the L2 model (8 ms for the H100's 50 MiB, measured as 1000
// one-tile runs), or the rest of the pipeline without it. What a sweep of many points adds up.
inline constexpr double kRunSecondsWithL2Model = 1e-2;
inline constexpr double kRunSecondsWithoutL2Model = 2e-4;
inline constexpr double kWarnWorkSeconds = 30;
inline constexpr double kMaxWorkSeconds = 3600;

struct WorkEstimate {
    double tile_steps = 0;      // (i, j) block pairs walked, all passes and heads walked
    double l2_model_bytes = 0;  // global bytes through the L2 model (0 when it does not run)
    double seconds = 0;         // tile_steps / kTileStepsPerSecond + l2_model_bytes / kL2ModelBytesPerSecond
                                // + the fixed cost of one run
    std::string arithmetic;     // "16 heads x Tr=8 x Tc=8 x 1 pass = 1024 tile steps, about 0 s"
};

// `timing`: the timing layer runs (it walks every head); `l2_model`: and with the L2 model
// (not paper mode, the GPU has an L2).
WorkEstimate estimate_work(const AttentionProblem& p, const Schedule& resolved, bool timing, bool l2_model);
WorkEstimate check_work(const AttentionProblem& p, const Schedule& resolved, bool timing, bool l2_model);  // throws ConfigError

}  // namespace flashsim
