// standard.h: closed forms of standard attention as PyTorch runs it (sim/trace/standard.cpp),
// written from its listings, independently of the trace. Per head, es the element bytes, c = 1
// when causal (the mask kernels run) else 0, the dropout mask Z one byte per element; with
// ideal GEMMs (each operand once):
//   forward   reads es (N d + 2 Nk d + (4 + c) N Nk)              writes es ((4 + c) N Nk + N d) + N Nk
//   backward  reads es (3 N d + 2 Nk d + (7 + c) N Nk) + N Nk      writes es ((4 + c) N Nk + N d + 2 Nk d)
// Tiled GEMMs re-read their operands: forward Tc N d + 2 Tr Nk d for the Nd terms (Q per key block,
// K and V per query block), backward 3 Tc N d + 2 Tr Nk d.
#pragma once
#include "sim/analytic/analytic.h"

namespace flashsim {

AnalyticCounts standard_forward_counts(const AttentionProblem& p, const Schedule& s);
AnalyticCounts standard_backward_counts(const AttentionProblem& p, const Schedule& s);

}  // namespace flashsim
