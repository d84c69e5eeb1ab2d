// trace.h: a Trace is what an algorithm does, kernel by kernel, CTA by CTA, op by op.
//
// Contract:
//   - a Trace is a list of kernels run one after the other (vanilla: three; FA2 forward: one;
//     forward+backward: the forward's then the backward's);
//   - a kernel has ctas_per_head * heads CTAs; CTA c works on head bh = c / ctas_per_head,
//     block c % ctas_per_head (the launch order of the real kernels: blocks of one head first);
//   - stream(c) returns a lazy per-CTA iterator: nothing is materialised beyond one batch of
//     ops, so N = 64k and beyond costs time, not memory;
//   - every head's stream is the same but for its bh field (counting uses this symmetry).
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sim/core/problem.h"
#include "sim/core/schedule.h"
#include "sim/trace/kernel_issue.h"
#include "sim/trace/listing.h"
#include "sim/trace/op.h"

namespace flashsim {

struct GpuSpec;

// A head's matrix of one tensor.
struct TensorShape {
    int64_t rows = 0, cols = 0, elem_bytes = 0;
    int64_t bytes() const { return rows * cols * elem_bytes; }
};
using TensorShapes = std::array<TensorShape, kTensorCount>;
TensorShapes tensor_shapes(const AttentionProblem& p);

// Lazy op stream of one CTA. fill() writes at most `cap` ops (cap >= kMinBatch) and returns how
// many; 0 means the CTA is done.
class CtaStream {
public:
    static constexpr size_t kMinBatch = 64;
    virtual ~CtaStream() = default;
    virtual size_t fill(Op* out, size_t cap) = 0;
};

class KernelTrace {
public:
    virtual ~KernelTrace() = default;
    std::string name;          // "fa2_fwd", "vanilla_qk", ...
    int64_t ctas_per_head = 0;
    int64_t heads = 0;
    int64_t warps = 4;
    int64_t stages = 0;        // SRAM buffers for the streamed tiles (prefetch depth); 0: its pass's
    Footprint footprint;       // on-chip bytes one CTA holds
    size_t listing = 0;        // index in Trace::listings of the listing whose lines its ops name
    KernelIssue issue;         // how its threads issue loads and CUDA-core GEMMs (kernel_issue.h)
    // A cudaMemsetAsync the host code issues between kernels, not a kernel: its bytes and time are
    // real, but a kernel profiler (ncu) measures none of them (the cross-check leaves it out of
    // the profiled sums; CUDA events around the launches include it).
    bool memset = false;
    // Every CTA runs every block of its loop whatever the causal mask (the unfused GEMMs: the
    // softmax and mask kernels between them apply it, and they multiply the masked zeros too):
    // its loops do the same work with or without the mask, so the iteration skip may take it in
    // a causal run (docs/speed.md).
    bool dense_loops = false;
    int64_t cta_count() const { return ctas_per_head * heads; }
    virtual std::unique_ptr<CtaStream> stream(int64_t cta) const = 0;
};

// How an algorithm's kernels issue their GEMMs and overlap their work, as the algorithm table
// declares it (sim/algorithms/): what the timing engine needs to know beyond the ops.
enum class MmaIssue : uint8_t {
    warp_mma,       // warp-level mma.sync (FA1/FA2-style kernels): the measured mma.sync rate
    warpgroup_mma,  // Hopper wgmma (FA3, and cuBLAS for vanilla's GEMMs): the tensor peak
};
struct EngineProps {
    MmaIssue mma = MmaIssue::warpgroup_mma;
    int consumer_warpgroups = 1;  // 2: FA3's ping-pong between two consumer warpgroups
    // FA3 (paper section 3.2): a warpgroup issues the next block's Q K^T GEMM while this block's
    // softmax runs. A kernel without it (kernels/v6) is simulated with SimOptions.
    bool intra_warpgroup_pipeline = true;
    bool pingpong() const { return consumer_warpgroups > 1; }
};

struct Trace {
    AttentionProblem problem;
    Schedule schedule;  // resolved, both passes' knobs (each generator reads its pass's view)
    TensorShapes shapes{};
    EngineProps engine;
    std::vector<std::unique_ptr<KernelTrace>> kernels;
    std::vector<Listing> listings;   // one per pass in the trace (fwd, bwd)
};

// Builds the trace of a resolved schedule (see resolve_schedule) from the algorithm table.
// Throws ConfigError for a combination not modelled (e.g. a backward pass of an algorithm that
// has none yet).
Trace make_trace(const AttentionProblem& p, const Schedule& resolved, const GpuSpec& g);

}  // namespace flashsim
