// counting.h: the counting layer. Walks every op of a Trace and adds up bytes per level and
// tensor, FLOPs and exps, in paper mode (no L2: every global access is an HBM access, except the
// re-reads an ideal GEMM serves on chip).
//
// Contract: exact (64-bit integers, no sampling). Heads are symmetric, so one head is walked and
// multiplied by B*H unless `all_heads` is set (tests use it to check the symmetry).
#pragma once
#include <string>
#include <vector>

#include "sim/engine/counters.h"
#include "sim/trace/trace.h"

namespace flashsim {

struct KernelCounts {
    std::string name;
    int64_t ctas = 0;
    bool memset = false;  // KernelTrace::memset
    Counters counts;
};

struct CountResult {
    Counters total;
    std::vector<KernelCounts> kernels;
};

CountResult count_paper_mode(const Trace& t, bool all_heads = false);

// The paper-mode counts with each kernel's HBM and global (L2 request) bytes replaced by what the
// L2 model counted for it (`l2_kernel_counts`, one per kernel); FLOPs and SRAM bytes stay.
CountResult merge_l2_counts(const CountResult& paper, const std::vector<Counters>& l2_kernel_counts);

// Adds one op to a Counters in paper mode. Shared by the counting and timing layers.
void count_op_paper_mode(const Op& op, Counters& c);

}  // namespace flashsim
