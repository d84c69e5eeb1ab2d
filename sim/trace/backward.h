// backward.h: the backward-pass trace generators, one per algorithm, and their listings.
// The algorithm table (sim/algorithms/) refers to them. For pass=bwd the forward's outputs (O, and
// P for vanilla, l and m for FA1, LSE for FA2) are inputs already in HBM, as are Q, K, V, dO.
//
// FLOPs follow the FA2 paper: the backward runs 5 GEMMs of 2 N N_kv d each where FlashAttention
// recomputes S = QK^T (2.5x the forward's 2), of which the recomputation (flagged kOpRecompute,
// with its mask and exps) is counted apart; vanilla reads the stored P and runs 4 (2x forward).
#pragma once
#include "sim/trace/trace.h"

namespace flashsim {

void append_vanilla_backward(Trace& t, const GpuSpec& g);
void append_fa1_backward(Trace& t, const GpuSpec& g);
void append_fa2_backward(Trace& t, const GpuSpec& g);
void append_standard_backward(Trace& t, const GpuSpec& g);  // sim/trace/standard.cpp

Listing vanilla_backward_listing();
Listing fa1_backward_listing();
Listing fa2_backward_listing();
Listing standard_backward_listing();

}  // namespace flashsim
