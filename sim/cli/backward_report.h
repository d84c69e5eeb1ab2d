// backward_report.h: the demo's table for a pass with a backward (bwd, fwdbwd): matmul FLOPs of
// the forward and the backward with the backward's recomputation apart, HBM bytes read and
// written, and the time when the timing layer gives one.
#pragma once
#include <string>
#include <vector>

#include "sim/result/run_result.h"

namespace flashsim::cli {

// True for the kernels of a backward pass (their names carry "_bwd").
bool is_backward_kernel(const std::string& name);
// Matmul FLOPs of the forward's kernels and of the backward's, from r.kernels.
struct PassFlops {
    double fwd = 0, bwd = 0;
};
PassFlops matmul_flops_by_pass(const RunResult& r);

// One row per result, HBM traffic and time against the first (vanilla) row.
std::string training_table(const std::vector<RunResult>& rows);
// What the table shows, in a few lines for the classroom.
std::string training_reading();

}  // namespace flashsim::cli
