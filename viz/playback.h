// playback.h: the animation's model. A step is one op of each CTA drawn on the first SMs (CTA c
// on SM c, the first wave of each kernel, kernels one after the other), so the drawn SMs move in
// lockstep through the trace's op streams (KernelTrace::stream).
//
// Contract:
//   - make_plan walks the drawn CTAs' streams once (counting, no ops kept) to know how many steps
//     each kernel has and what the drawn CTAs move in total;
//   - seek(step) positions the drawn CTAs' cursors; forward moves continue the streams, a move
//     back replays the kernel from its start. Memory is one batch of ops per drawn CTA, whatever N;
//   - the on-chip state shown is one slot per tensor: a load replaces the tile that tensor had in
//     SRAM (deviation: a multi-stage pipeline's second Kj/Vj buffer is not drawn separately).
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sim/engine/counting.h"
#include "sim/trace/trace.h"

namespace flashsim::viz {

struct KernelPlan {
    std::string name;
    int64_t drawn_ctas = 0;          // CTAs 0 .. drawn_ctas-1 are drawn, one per SM
    std::vector<int64_t> cta_ops;    // ops of each drawn CTA
    int64_t steps = 0;               // the longest of them
    Counters drawn_counts;           // paper-mode counts of the drawn CTAs' ops
};

struct PlaybackPlan {
    std::vector<KernelPlan> kernels;
    int shown_sms = 0;
    int64_t total_steps = 0;
    std::array<bool, kTensorCount> touched{};  // tensors the drawn CTAs move
};

PlaybackPlan make_plan(const Trace& t, int shown_sms);

struct Resident {
    bool present = false;
    uint32_t row0 = 0, rows = 0, col0 = 0, cols = 0;
    uint64_t bytes = 0;
    int64_t since_step = 0;  // local step of the op that put it there
};

struct SmView {
    int64_t cta = -1;       // -1: no CTA of this kernel on this SM
    uint32_t bh = 0;
    bool has_op = false;    // false once the CTA is done
    Op op;                  // its current op
    int64_t ops_done = 0;   // ops of the CTA up to and including the current one
    std::array<Resident, kTensorCount> resident{};
    uint64_t resident_bytes() const;
};

class Playback {
public:
    void reset(std::shared_ptr<const Trace> trace, PlaybackPlan plan);
    bool empty() const { return !trace_ || plan_.total_steps == 0; }
    int64_t total_steps() const { return plan_.total_steps; }
    int64_t step() const { return step_; }
    int kernel() const { return kernel_; }
    int64_t local_step() const { return local_; }
    void seek(int64_t step);  // clamped to [0, total_steps - 1]
    const std::vector<SmView>& sms() const { return sms_; }
    const Counters& so_far() const { return so_far_; }  // drawn CTAs, up to the current op
    const PlaybackPlan& plan() const { return plan_; }
    const Trace* trace() const { return trace_.get(); }
    // Listing index for the current kernel (0: forward, 1: backward when the trace has both).
    int listing_index() const;
    int current_line() const;  // listing line of the first active SM's op, 0 if none

private:
    struct Cursor {
        std::unique_ptr<CtaStream> stream;
        std::vector<Op> buf;
        size_t pos = 0, len = 0;
        bool next(Op& op);
    };
    void start_kernel(int k);
    void advance_to(int64_t local);
    std::shared_ptr<const Trace> trace_;
    PlaybackPlan plan_;
    std::vector<Cursor> cursors_;
    std::vector<SmView> sms_;
    Counters prefix_;   // drawn CTAs of the kernels before the current one
    Counters current_;  // drawn CTAs of the current kernel so far
    Counters so_far_;
    int64_t step_ = 0, local_ = -1;
    int kernel_ = -1;
};

}  // namespace flashsim::viz
