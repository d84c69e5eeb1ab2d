// generators.h: the forward trace generators, one per algorithm, and their listings (the
// backward's are in backward.h). Each appends its kernels to a Trace whose problem, schedule,
// shapes and pass listing are set; the algorithm table (sim/algorithms/) refers to them.
#pragma once
#include "sim/trace/trace.h"

namespace flashsim {

void append_vanilla_forward(Trace& t, const GpuSpec& g);
void append_fa1_forward(Trace& t, const GpuSpec& g);
void append_fa2_forward(Trace& t, const GpuSpec& g);
// FA3 forward moves the same tiles as FA2 (one CTA per query block, Kj/Vj streamed); what
// differs is when: producer warps prefetch into `stages` buffers while consumer warpgroups
// compute, which the timing engine models. Its ops name the lines of FA3's own listing.
void append_fa3_forward(Trace& t, const GpuSpec& g);
// Standard attention as PyTorch runs it (scale, mask, softmax, dropout as kernels of their own).
void append_standard_forward(Trace& t, const GpuSpec& g);

Listing vanilla_listing();
Listing fa1_listing();
Listing fa2_listing();
Listing fa3_listing();
Listing standard_listing();

}  // namespace flashsim
