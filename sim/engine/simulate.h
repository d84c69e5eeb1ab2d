// simulate.h: the one entry point the CLI, viewer, lessons and cross-check call.
//
// Contract: simulate() resolves the schedule (throws ConfigError when it does not fit), builds
// the trace, counts it (paper mode, or through the L2 model) and, when asked, times it.
#pragma once
#include "sim/result/run_result.h"

namespace flashsim {

struct SimOptions {
    bool paper_mode = false;  // no L2: counts equal the papers' IO model
    bool timing = true;       // run the timing layer
    bool timeline = false;    // record a (bounded) per-SM timeline for the viewer
};

RunResult simulate(const AttentionProblem& p, const Schedule& requested, const GpuSpec& g, const SimOptions& o);

}  // namespace flashsim
