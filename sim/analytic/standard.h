// standard.h: closed forms of standard attention as PyTorch runs it (sim/trace/standard.cpp),
// written from its listings, independently of the trace. Per head, es the element bytes, c = 1
// when causal (the mask kernels run) else 0, r = 1 with dropout (p > 0: the dropout kernels run,
// the mask Z stored one byte per element) else 0; with ideal GEMMs (each operand once):
//   forward   reads es (N d + 2 Nk d + (3 + c + r) N Nk)               writes es ((3 + c + r) N Nk + N d) + r N Nk
//   backward  reads es (3 N d + 2 Nk d + (6 + c + r) N Nk) + r N Nk     writes es ((3 + c + r) N Nk + N d + 2 Nk d)
// Tiled GEMMs re-read their operands: forward Tc N d + 2 Tr Nk d for the Nd terms (Q per key block,
// K and V per query block), backward 3 Tc N d + 2 Tr Nk d.
#pragma once
#include "sim/analytic/analytic.h"

namespace flashsim {

AnalyticCounts standard_forward_counts(const AttentionProblem& p, const Schedule& s);
AnalyticCounts standard_backward_counts(const AttentionProblem& p, const Schedule& s);

}  // namespace flashsim
