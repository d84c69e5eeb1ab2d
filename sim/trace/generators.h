// generators.h: the trace generators, one per algorithm and pass, and their listings.
// Each appends its kernels to a Trace whose problem, schedule and shapes are set.
#pragma once
#include "sim/trace/trace.h"

namespace flashsim {

void append_vanilla_forward(Trace& t, const GpuSpec& g);
void append_fa1_forward(Trace& t, const GpuSpec& g);
void append_fa2_forward(Trace& t, const GpuSpec& g);

Listing vanilla_listing();
Listing fa1_listing();
Listing fa2_listing();

// Query blocks i whose rows reach key block j under a causal mask: i >= first_query_block.
inline int64_t first_query_block(int64_t j, int64_t Br, int64_t Bc) { return (j * Bc) / Br; }
// Key blocks j that query block i (rows [r0, r0 + rows)) sees under a causal mask: j < end.
inline int64_t causal_key_block_end(int64_t r0, int64_t rows, int64_t Bc, int64_t Tc) {
    const int64_t last = (r0 + rows - 1) / Bc;
    return last + 1 < Tc ? last + 1 : Tc;
}

}  // namespace flashsim

namespace flashsim {
// FA3 forward moves the same tiles as FA2 (one CTA per query block, Kj/Vj streamed); what
// differs is when: producer warps prefetch into `stages` buffers while consumer warpgroups
// compute, which the timing engine models. Its listing is the FA3 paper's.
Listing fa3_listing();
// Backward pass of t.schedule.algo (appends its kernels and listing). Throws ConfigError for a
// combination that is not modelled.
void append_backward(Trace& t, const GpuSpec& g);
}  // namespace flashsim
