// analytic.h: the closed forms beside the simulation, so every report can show formula and
// simulation side by side.
//
// Contract: exact() gives paper-mode HBM bytes from the algorithms' listings (no trace walked):
//   vanilla: reads 3Nd + 2N^2,          writes 2N^2 + Nd               (elements, per head)
//   fa1:     reads 2Nd + Tc (2Nd + 2N), writes Tc (Nd + 2N)            (l, m in fp32)
//   fa2:     reads Nd + Tr 2Nd,         writes Nd + N (LSE, fp32)
// with causal and partial tiles handled by summing over blocks. theta() gives the orders of
// growth of the FA1 paper (Theorem 2): standard Theta(Nd + N^2), FlashAttention Theta(N^2 d^2 / M).
#pragma once
#include <cstdint>
#include <string>

#include "sim/core/problem.h"
#include "sim/core/schedule.h"

namespace flashsim {

struct GpuSpec;

struct AnalyticCounts {
    uint64_t hbm_read_bytes = 0;
    uint64_t hbm_write_bytes = 0;
    std::string read_formula;   // "es*(3Nd + 2N^2) per head"
    std::string write_formula;
    uint64_t matmul_flops = 0;  // the papers' convention: 4 N^2 d per head forward, halved if causal
    // Dropout's vector work (sim/trace/dropout.h's counts per element, on the elements it touches):
    // 0 without dropout; a part of the trace's non-matmul FLOPs.
    uint64_t dropout_flops = 0;
    std::string dropout_formula;  // "27 N(N+1)/2 per head", "" without dropout
    bool available = false;     // false for combinations without a closed form yet
};

// The closed forms of the problem's pass for the schedule's algorithm (the algorithm table's).
AnalyticCounts exact_counts(const AttentionProblem& p, const Schedule& s);

// Each algorithm's forward closed forms (bytes and formulas; exact_counts adds the FLOPs).
AnalyticCounts vanilla_forward_counts(const AttentionProblem& p, const Schedule& s);
AnalyticCounts fa1_forward_counts(const AttentionProblem& p, const Schedule& s);
AnalyticCounts fa2_forward_counts(const AttentionProblem& p, const Schedule& s);  // FA3's too

struct ThetaBound {
    std::string expression;  // "N^2 d^2 / M"
    double elements = 0;     // its value for this problem (all heads), constants dropped
};
// Standard attention's Theta(Nd + N^2), FlashAttention's Theta(N^2 d^2 / M) with M the SRAM
// size in elements.
ThetaBound theta_standard(const AttentionProblem& p);

// The dropout work of one pass (forward or backward) of the schedule's algorithm, into a's
// dropout_flops and dropout_formula (left 0 and "" without dropout). Per head, with E the elements
// of S (N N_kv; under a causal mask the kept ones, N(N+1)/2):
//   mask stored (standard):     forward 27 N N_kv (its own kernel, every element), backward 2 N N_kv
//   mask regenerated (FA):      forward 27 E, backward 28 E (redrawn, then scaling P and dP)
void add_dropout_counts(AnalyticCounts& a, const AttentionProblem& p, const Schedule& s, Pass pass);
ThetaBound theta_flash(const AttentionProblem& p, const GpuSpec& g);

}  // namespace flashsim
