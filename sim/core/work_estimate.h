// work_estimate.h: how much walking a run will do, known before it starts.
//
// The engine walks every tile step of the trace: for each head it walks, for each pass's kernel,
// each (query block i, key block j) pair, B*H*Tr*Tc in all for a forward pass (counting alone
// walks one head and scales; the timing layer walks every CTA of every head). With the L2 model
// on, every global byte also goes through the cache model, line by line at worst. N = 2^24 with
// default blocks, or Br = Bc = 1, means 10^11 steps or more: hours, not seconds.
//
// Contract: estimate_work() is closed-form arithmetic in doubles (no overflow, no walk); its
// seconds are an order of magnitude on the high side (every global byte at the line granule's
// worst rate), fit for refusing hours. refuse_over_bound() throws ConfigError showing an
// estimate's arithmetic when it exceeds kMaxWorkSeconds, and returns it otherwise (simulate()
// refuses by estimate_run_work, sim/engine/simulate.h: this closed form, or the walk's estimate
// where the closed form is over the bound and one head is cheap to count).
// estimate_walk() is the estimate a caller warns with (above kWarnWorkSeconds): what the timing
// walk will do, known once the paper-mode count of one head is in and the L2 granule and set
// sampling are chosen (EngineWork): ops through the event loop, granules looked up in the L2
// model (each a full lookup in a sampled set, a hash otherwise), at the engine's measured
// throughput on one core. docs/speed.md has the runs it was checked on (within 2x).
#pragma once
#include <string>

#include "sim/core/problem.h"
#include "sim/core/schedule.h"

namespace flashsim {

// The engine's throughput on one core, order of magnitude (docs/robustness.md has the runs):
// tile steps per second, and global bytes per second through the L2 model at line granules.
inline constexpr double kTileStepsPerSecond = 2e6;
// Global bytes per second through the L2 model, on the low side: every byte as if walked line by
// line at the worst rate seen (vanilla at N = 2048 moved 0.94 GB in about 6 s at line granules;
// today 3.8 GB take 2.7 s at N = 4096, and 1 KiB granules go 10-40x faster). It decides refusals
// (an hour, an order of magnitude on the safe side), not the warning (estimate_walk).
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
    bool by_walk = false;       // seconds are the walk's estimate (estimate_run_work, sim/engine/simulate.h)
};

// `timing`: the timing layer runs (it walks every head); `l2_model`: and with the L2 model
// (not paper mode, the GPU has an L2).
WorkEstimate estimate_work(const AttentionProblem& p, const Schedule& resolved, bool timing, bool l2_model);
// Throws ConfigError, showing w's arithmetic, when w is over kMaxWorkSeconds; returns w otherwise.
WorkEstimate refuse_over_bound(const AttentionProblem& p, const Schedule& resolved, const WorkEstimate& w);

// What the timing walk does, from the paper-mode counts (all heads) and the L2 model's plan.
struct EngineWork {
    double ops = 0;           // trace ops, every CTA of every head (Counters::ops)
    double transfers = 0;     // global loads, stores and atomics (Counters::loads + stores)
    double global_bytes = 0;  // bytes they move (Counters global_read_bytes + global_write_bytes)
    double granule_bytes = 0; // the L2 model's unit of lookup; 0: no L2 model
    double set_sampling = 1;  // 1 in this many sets looked up in full
    double model_host_bytes = 0;  // the L2 model's tags, masks and owners in host memory
};
// The engine's throughput on one core (this 2-core development machine, Release; the runs are in
// docs/speed.md): event-loop and trace-generation seconds per op; seconds per granule looked up
// in full, with the model's state inside the host's per-core cache (kHostCacheBytes) or not (each
// a middle value between all hits and all misses, which differ 3x); seconds per granule whose set
// is not sampled (the hash alone).
inline constexpr double kSecondsPerOp = 25e-9;
inline constexpr double kSecondsPerLookupInHostCache = 30e-9;
inline constexpr double kSecondsPerLookupOutOfHostCache = 70e-9;
inline constexpr double kSecondsPerSkippedGranule = 4e-9;
inline constexpr double kHostCacheBytes = 4.0 * 1024 * 1024;
// ops * kSecondsPerOp + lookups * (per lookup / set_sampling + kSecondsPerSkippedGranule *
// (1 - 1 / set_sampling)) + kRunSecondsWithL2Model (or kRunSecondsWithoutL2Model), where lookups =
// global_bytes / granule_bytes + transfers (a transfer's run straddles one more granule at most
// once per run; the tiles' rows are whole granules or one run).
WorkEstimate estimate_walk(const EngineWork& w);
}  // namespace flashsim
