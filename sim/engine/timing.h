// timing.h: the timing layer (cycle-approximate): places CTAs on SMs in waves, charges each
// transfer latency + bytes over its bandwidth share, runs GEMMs at the tensor rate and softmax
// at the vector and exp rates, and, outside paper mode, runs global accesses through the L2
// model so HBM bytes are L2 misses.
#pragma once
#include <vector>

#include "sim/engine/kernel_sim.h"
#include "sim/engine/simulate.h"

namespace flashsim {

// What the timing walk returns: the time (its report is filled by fill_timing_report once the
// counts are merged), the event loop's sums per kernel, and, outside paper mode on a GPU with an
// L2, what the L2 model counted per kernel (HBM bytes are its misses and write-backs).
struct TimedRun {
    Timing timing;
    std::vector<KernelSimStats> stats;
    double tensor_flops_per_s = 0;
    bool l2_modelled = false;
    std::vector<Counters> l2_kernel_counts;  // per kernel: per-tensor global and HBM bytes
    uint64_t l2_dirty_bytes_at_end = 0;      // written but still dirty in L2 when the kernels end
};

// The clock kernel `k` runs at under load: GpuSpec::clock_hz_under_* by what its GEMMs run on
// (tensor cores: mma.sync or wgmma as the algorithm issues them; CUDA cores or no GEMM: FMA),
// clock_hz where the preset gives none.
double kernel_clock_hz(const KernelTrace& k, const EngineProps& e, const GpuSpec& g);

// Times the trace. `paper_total` (the paper-mode counts) sizes the L2 granule.
TimedRun run_timing(const Trace& t, const GpuSpec& g, const SimOptions& o, const Counters& paper_total);

// The L2 granule run_timing uses: SimOptions::l2_granule_bytes when set; else the line for runs
// moving up to 256 MiB through global memory; else the largest power of two times the line, up
// to 8 lines (SimOptions::l2_granule_cap_bytes when set, outside `exact`; at most 128 sectors),
// not longer than the shortest contiguous run of the trace's tiles of >= 4 KiB.
int64_t l2_granule_for(const Trace& t, const GpuSpec& g, const SimOptions& o, uint64_t global_bytes);

// The L2 model run_timing builds: its granule (l2_granule_for) and set sampling
// (l2_set_sampling_for, 1 for traces with latency-bound elementwise loads unless asked for);
// granule 0 without an L2 model (paper mode, no L2).
struct L2Plan {
    int64_t granule_bytes = 0;
    int64_t set_sampling = 1;
};
L2Plan plan_l2(const Trace& t, const GpuSpec& g, const SimOptions& o, const Counters& paper_total);

}  // namespace flashsim
