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
ThetaBound theta_flash(const AttentionProblem& p, const GpuSpec& g);

}  // namespace flashsim
