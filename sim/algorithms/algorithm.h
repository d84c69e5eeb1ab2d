// algorithm.h: the algorithm table. What an algorithm *is* lives in one entry (one file per
// algorithm in sim/algorithms/): its name, its listings with named lines, default schedule,
// on-chip footprint, trace generators, closed forms, functional implementation, and the
// properties the engine needs. The engine, CLI, viewer, lessons and cross-check ask the table;
// nothing else switches on the algorithm.
//
// Contract:
//   - all_algorithms() lists every entry in Algorithm's order; algorithm_info(a) is a's entry;
//   - a pass that is not modelled has a null generator and a reason (no_backward_reason);
//   - fill_defaults() (fill_backward_defaults() for the backward's view) sets only the knobs that
//     are 0 (resolve_schedule then validates each pass).
// Adding an algorithm: a value in Algorithm (sim/core/schedule.h), its entry file here, a row in
// table.cpp, and its tests (docs/algorithms.md).
#pragma once
#include <string>
#include <vector>

#include "sim/analytic/analytic.h"
#include "sim/core/schedule.h"
#include "sim/trace/trace.h"

namespace flashsim {

struct FunctionalContext;
class BackwardMemory;

// One pass (forward or backward) of an algorithm.
struct PassEntry {
    Listing (*listing)() = nullptr;
    void (*append)(Trace& t, const GpuSpec& g) = nullptr;  // appends the pass's kernels
    Footprint (*footprint)(const Schedule& s, const AttentionProblem& p, const GpuSpec& g) = nullptr;
    AnalyticCounts (*exact_counts)(const AttentionProblem& p, const Schedule& s) = nullptr;  // closed forms
    bool modelled() const { return append != nullptr; }
};

// What the forward leaves in HBM for the backward (and for the functional layer's LSE check).
enum class SavedStatistics : uint8_t {
    probabilities,  // P itself, N x N_kv (vanilla)
    row_max_sum,    // l and m, N fp32 each (FA1)
    logsumexp,      // LSE = m + log(l), N fp32 (FA2, FA3)
};

// What an algorithm does with dropout's mask Z (p > 0).
enum class DropoutMask : uint8_t {
    none,         // no dropout modelled: dropout > 0 is refused (vanilla, the minimal Algorithm 0)
    stored,       // a kernel draws Z, stores it one byte per element, the backward reads it (standard)
    regenerated,  // drawn on chip where P~ is formed, redrawn in the backward from the RNG's seed
                  // and offset: no bytes (FlashAttention, FA1 paper Algorithm 2 and 4)
};

struct AlgorithmInfo {
    Algorithm id;
    const char* name;     // as the command line and the files spell it: "fa2"
    const char* title;    // "FlashAttention-2"
    const char* summary;  // one line for help texts and the viewer
    // Sets the knobs left 0 (Br, Bc, warps, stages) to the algorithm's defaults for the problem,
    // the sources cited in the entry's file.
    void (*fill_defaults)(Schedule& s, const AttentionProblem& p, const GpuSpec& g) = nullptr;
    // The backward's defaults, filled into the backward's view (Schedule::backward()); null: the
    // backward chooses as the forward does (fill_defaults).
    void (*fill_backward_defaults)(Schedule& s, const AttentionProblem& p, const GpuSpec& g) = nullptr;
    PassEntry forward, backward;
    const char* no_backward_reason = "";  // when the backward is not modelled
    EngineProps engine;
    // Functional layer (sim/functional/): executes the forward (backward) on real data.
    void (*run_functional)(FunctionalContext& cx) = nullptr;
    void (*run_functional_backward)(const AttentionProblem& p, const Schedule& s, BackwardMemory& mem) = nullptr;
    SavedStatistics saved = SavedStatistics::logsumexp;
    // Unfused: separate GEMM and softmax kernels with S and P in HBM (the functional layer bounds
    // their size; the GEMMs' HBM accounting is the schedule's vanilla_gemm knob).
    bool unfused = false;
    // The forward runs one CTA per query block (FA2, FA3), whose causal blocks differ in work and
    // may launch heaviest first (Schedule::block_order).
    bool query_block_ctas = false;
    DropoutMask dropout_mask = DropoutMask::regenerated;
    double default_dropout = 0;  // the dropout p when the problem leaves it unset
};

const std::vector<const AlgorithmInfo*>& all_algorithms();
const AlgorithmInfo& algorithm_info(Algorithm a);
std::string algorithm_names(const char* separator = ", ");  // "vanilla, fa1, fa2, fa3"

// The problem's dropout p for algorithm a: p.dropout, or the table's default_dropout when unset.
// Throws ConfigError for p > 0 where the algorithm models no dropout (DropoutMask::none).
double dropout_p(const AttentionProblem& p, Algorithm a);

}  // namespace flashsim
