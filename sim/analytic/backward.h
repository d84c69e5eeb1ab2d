// backward.h: closed forms of the backward pass's paper-mode HBM traffic, written from the
// listings (vanilla: FA1 paper Algorithm 3; fa1: Algorithm 4; fa2: FA2 paper Algorithm 2 as the
// released kernels run it), independently of the trace generators, so that comparing the two
// checks something. Per head, in elements (l, m, LSE, D and dQacc are fp32), with
// rows = sum over key blocks j of the query rows the inner loop runs (Tc N without a mask):
//   vanilla ideal  reads 5 N Nk + 5 N d + 2 Nk d              writes 2 N Nk + 2 Nk d + N d
//   vanilla tiled  reads 5 N Nk + 2 N d + 3 Tc N d + 2 Tr Nk d (same writes)
//   fa1            reads 2 Nk d + rows (4d + 2 fp32)           writes 2 Nk d + rows d
//   fa2            reads 2 N d + 2 Nk d + rows (2d + 2 fp32) + fp32 (rows d + N d)
//                  writes N d + 2 Nk d + fp32 (N + N d + rows d)
// Matmul FLOPs follow the FA2 paper's convention: backward = 2.5 x forward (5 GEMMs of 2 N Nk d).
#pragma once
#include "sim/analytic/analytic.h"

namespace flashsim {

// Query rows the inner loops over query blocks run (FA1's forward and backward, FA2's backward),
// summed over key blocks j: under a causal mask, the rows of query blocks i >= floor(j Bc / Br).
uint64_t backward_query_rows(const AttentionProblem& p, const Schedule& s);

// The backward alone (p.pass is ignored); available = false where the table models no backward.
AnalyticCounts exact_backward_counts(const AttentionProblem& p, const Schedule& s);

// Each algorithm's backward closed forms (bytes and formulas; exact_backward_counts adds FLOPs).
AnalyticCounts vanilla_backward_counts(const AttentionProblem& p, const Schedule& s);
AnalyticCounts fa1_backward_counts(const AttentionProblem& p, const Schedule& s);
AnalyticCounts fa2_backward_counts(const AttentionProblem& p, const Schedule& s);

// exact_counts() for pass bwd (the backward) and fwdbwd (forward + backward, formulas joined).
AnalyticCounts exact_counts_with_backward(const AttentionProblem& p, const Schedule& s);

}  // namespace flashsim
