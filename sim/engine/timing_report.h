// timing_report.h: turns the per-kernel sums of the event loop into what a person reads: achieved
// rates, the time each resource needs at peak (roofline bounds and points), a breakdown that
// answers "why not peak?" and one line naming the bottleneck.
#pragma once
#include <vector>

#include "sim/engine/kernel_sim.h"
#include "sim/result/run_result.h"
#include "sim/trace/trace.h"

namespace flashsim {

// Needs r.counts, r.gpu, r.timing.cycles/seconds/kernels already set; `engine` is the trace's
// (the algorithm table's) engine properties.
void fill_timing_report(RunResult& r, const std::vector<KernelSimStats>& stats, double tensor_flops_per_s,
                        const EngineProps& engine);

}  // namespace flashsim
