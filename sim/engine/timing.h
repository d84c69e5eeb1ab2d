// timing.h: the timing layer (cycle-approximate): places CTAs on SMs in waves, charges each
// transfer latency + bytes over its bandwidth share, runs GEMMs at the tensor rate and softmax
// at the vector and exp rates, and, outside paper mode, runs global accesses through the L2
// model so HBM bytes are L2 misses.
#pragma once
#include "sim/engine/simulate.h"

namespace flashsim {

// Fills r.timing. When SimOptions::paper_mode is off and the GPU has an L2, it also runs the
// L2 model and fills r.counts, r.kernels and r.l2_dirty_bytes_at_end, and sets r.paper_mode
// to false; otherwise r.counts (already paper-mode counts) stays as it is.
void run_timing(const Trace& t, const GpuSpec& g, const SimOptions& o, RunResult& r);

// The L2 granule run_timing uses: SimOptions::l2_granule_bytes when set; else the line for runs
// moving up to 256 MiB through global memory; else the largest power of two times the line, up
// to 8 lines, not longer than the shortest contiguous run of the trace's tiles of >= 4 KiB.
int64_t l2_granule_for(const Trace& t, const GpuSpec& g, const SimOptions& o, uint64_t global_bytes);

}  // namespace flashsim
