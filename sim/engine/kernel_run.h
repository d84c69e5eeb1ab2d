// kernel_run.h: the event loop of one kernel (kernel_sim.h), private to sim/engine: the class that
// runs it, whose event loop lives in kernel_sim.cpp and whose skips (the steady-state skip of
// whole heads and the iteration skip, docs/speed.md) live in kernel_skip.cpp and iteration_skip.cpp.
#pragma once
#include <array>
#include <cstdint>
#include <functional>
#include <unordered_map>
#include <vector>

#include "sim/engine/cta_iterations.h"
#include "sim/engine/kernel_sim.h"
#include "sim/engine/slot_queue.h"
#include "sim/engine/steady_skip.h"

namespace flashsim::engine {

struct SmPipes {
    Server tensor, vector, sram;
    Server launch;  // starts the SM's CTAs one after another (cta_launch_ns each)
};

enum class EventKind : uint8_t {
    cta_start,      // the slot's next CTA asks its SM to start it (the launch takes cta_launch_ns)
    cta_issue,      // the CTA has started: it issues its first loads
    compute,        // an iteration's loads have arrived: run its compute ops
    iteration_end,  // an iteration's compute is done: its stores, the next prefetch
};

class KernelRun {
public:
    KernelRun(const KernelTrace& k, const GpuSpec& g, MemorySystem& mem, const KernelSimConfig& cfg, Counters& c);
    KernelSimStats run();

private:
    // The event loop (kernel_sim.cpp).
    void bound_by_issue_queueing(int64_t resident, int64_t total);
    void count_issue(double demand, double own);
    void push(double t, uint32_t slot, EventKind kind) { events_.push(t, slot, kind); }
    void launch(uint32_t slot, double t);
    // Inline: the compute loop calls it for every op, and without a timeline it does nothing.
    void record(const Cta& c, const Op& op, double a, double b) {
        if (cfg_.timeline) record_event(c, op, a, b);
    }
    void record_event(const Cta& c, const Op& op, double a, double b);
    void issue_loads(Cta& c, int64_t k, double t);
    void start(uint32_t slot, double t0);
    void first_loads(uint32_t slot, double t);
    double matmul_sram_bytes(const Op& op, double share, double b_readers) const;
    struct MatmulShape {
        decltype(Op::rows) rows{};
        decltype(Op::cols) cols{};
        decltype(Op::flops) flops{};
        decltype(Op::bytes) bytes{};
        double K = 0, es = 0;
    };
    // matmul_sram_bytes's last shapes (an iteration of FA2's forward alternates S = Q K^T and
    // P V; of its backward, five GEMMs), the oldest replaced on a miss.
    mutable std::array<MatmulShape, 8> last_matmuls_;
    mutable size_t older_matmul_ = 0;
    double run_op(SmPipes& p, const Op& op, double dep, double share, bool step = false);
    void compute(uint32_t slot, double t);
    void end_iteration(uint32_t slot, double t);
    void retire(uint32_t slot, double t);

    // The skips (kernel_skip.cpp; the iteration skip's, iteration_skip.cpp).
    // What one head's CTAs send to the L2 (every head's is the same: trace.h) and the trace bytes
    // they move.
    struct Head {
        std::array<Traffic, kTensorCount> requests{};
        double moved = 0;
        double least = 0, most = 0;  // the bytes the CTAs move, fewest and most
        bool shares_tiles = false;   // two of its CTAs move one tile (TileKey)
        // Every CTA's ops are CTA 0's but for where their bytes lie (while no CTA shares a tile:
        // not looked at after); CTA 0's requests and trace bytes.
        bool identical = false;
        std::array<Traffic, kTensorCount> cta_requests{};
        double cta_moved = 0;
        // Every CTA does about the same work: a partial last tile, not causal masking.
        bool uniform() const { return least >= kSkipUniformShare * most; }
        // The L2s of bytes a steady-state skip window and a span checked move at least: fewer
        // where no two CTAs move one tile (the element-wise row kernels, steady_skip.h).
        double window_l2s() const { return shares_tiles ? kSkipWindowL2Bytes : kSkipRowWindowL2Bytes; }
        double span_l2s() const { return shares_tiles ? kSkipSpanL2Bytes : kSkipRowSpanL2Bytes; }
    };
    // The CTAs a steady-state skip takes in whole multiples of: a head's, where two CTAs of a head
    // move one tile (a head's first CTAs take its compulsory misses: spans of whole heads hold one
    // such lump each); one where none does and every CTA does the same work (the element-wise row
    // kernels: any CTA's misses are any other's, a head's start no different from its middle, and
    // a CTA in flight resumed as another is cut where it was).
    int64_t skip_unit() const { return !head_.shares_tiles && head_.identical ? 1 : k_.ctas_per_head; }
    // Whether the skips may apply: on a GPU that has an L2, whose data bytes size the windows and
    // spans compared (kSkipWindowL2Bytes, ...), with the L2 model or without it (paper mode: the
    // run's bytes are the counting layer's, the skips extrapolate its time alone). A GPU without
    // one (the classroom preset) would compare spans of a wave each: 50 waves of CTAs alternating
    // a round trip and a softmax (tests/engine/issue_latency_test.cpp's closed network) came out
    // 1.6% fast so.
    bool skippable() const { return g_.l2_data_bytes() > 0; }
    SkipMark mark(double t) const;
    void checkpoint(double t);
    size_t whole_units(size_t k, int64_t unit) const;
    void iteration_checkpoint(double t);
    bool iteration_spans_steady(size_t m, size_t K);
    bool like_last_cut(size_t m, size_t K);
    // A cut the iteration skip plans: each CTA in flight with its pace and the iterations it may
    // drop, the cut's cycles, whether later CTAs still wait for slots (held), whether every CTA
    // goes at one pace (then each drops least_room).
    struct IterationCut {
        struct Drop {
            Cta* c;
            double pace;   // iterations per cycle
            int64_t room;  // iterations it may drop
        };
        std::vector<Drop> drops;
        double cut = INFINITY;
        int64_t least_room = INT64_MAX;
        bool held = false, one_pace = false;
    };
    bool plan_iteration_cut(const SkipMark& b, size_t m, size_t K, bool two_spans, IterationCut& plan);
    void warm_after_cut(const std::vector<std::vector<Cta::DroppedOp>>& tails, const std::vector<int64_t>& dropped, int64_t keep,
                        double want);
    int64_t iteration_window() const;
    bool ends_alike(size_t m, size_t K);
    bool ends_keep_order(const SkipMark& b, const SkipMark& x0, const SkipMark& x1, const SkipMark& h, double cut);
    int64_t loop_period(int64_t cta);
    // The block of CTA `cta` (every head's CTAs are the same but for the head: trace.h).
    int64_t block_of(int64_t cta) const { return k_.ctas_per_head > 0 ? cta % k_.ctas_per_head : cta; }
    int64_t iterations_of(int64_t cta);
    void skip(int64_t ctas, const SkipMark& b, const SkipMark& m);
    double extrapolate(const SkipMark& b, const SkipMark& m, const std::array<Traffic, kTensorCount>& requests, double moved,
                       double cycles = -1);
    Head one_head() const;
    // How CTA c's op travels (MemorySystem::transfer): through the L1 for the tensors loaded
    // twice; from the first wave when c was launched at the kernel's start (one per slot).
    uint32_t route(const Cta& c, const Op& op) const {
        return ((l1_tensors_ >> size_t(op.tensor)) & 1 ? kRouteThroughL1 : 0) |
               (c.index < int64_t(ctas_.size()) ? kRouteFirstWave : 0);
    }
    void warm_l2(int64_t end);
    void charge_dirty_change(const std::array<uint64_t, kTensorCount>& dirty_before);

    const KernelTrace& k_;
    const GpuSpec& g_;
    MemorySystem& mem_;
    const KernelSimConfig& cfg_;
    Counters& c_;
    double tensor_fpc_, vector_fpc_, exp_pc_, sram_bpc_, cta_launch_cycles_ = 0, cycles_per_inst_ = 0, one_warp_cpi_ = 0, chain_cycles_per_exp_ = 0, chain_cycles_per_fma_ = 0, sram_burst_factor_ = 1,
           cta_cycles_per_inst_ = 0, cta_sram_burst_factor_ = 1;
    uint64_t l1_tensors_ = 0;  // the tensors whose accesses the SM's L1 sees (a bit per tensor)
    std::vector<SmPipes> pipes_;
    std::vector<Cta> ctas_;
    std::vector<double> last_retire_;
    std::vector<int64_t> pending_;  // CTA index each slot starts next
    SlotQueue<EventKind> events_;  // one pending event per slot at most
    int64_t next_cta_ = 0;
    KernelSimStats s_;
    // The steady-state skip: CTAs per window (0: off), one head's requests, the marks of the windows,
    // the trace bytes moved so far, what was skipped (s_.skipped_ctas says whether it was).
    int64_t window_ = 0, first_window_ = 0;
    std::vector<double> window_launches_;  // the launch times of the window in progress
    size_t last_grouped_ = 0;              // the last mark whose window launched in groups (0: none)
    bool spread_ = false;                  // a window launched evenly after one that launched in groups
    Head head_;
    std::vector<SkipMark> marks_;
    double moved_ = 0, skipped_cycles_ = 0, skipped_tensor_busy_ = 0;
    // The iteration skip: on or off, and the iterations ended (iterations_) at which the next
    // window ends (iteration_window); CTAs launched and retired, and iterations ended, so far.
    bool iteration_skip_ = false;
    int64_t next_iteration_mark_ = 0;
    int64_t cta_changes_ = 0, iterations_ = 0, loop_period_ = 1;
    double period_bytes_ = 0;  // the trace bytes a CTA moves in a loop period, on average (loop_period)
    std::unordered_map<int64_t, int64_t> iteration_counts_;  // iterations_of, by block
    // The iteration skip's last cut: the span it verified, which the end of the wave it cut is
    // checked against where the CTAs kept one span (ends_alike), and whether such an end fell
    // out of that span's rates (the kernel's later cuts then keep two spans).
    SkipMark cut_from_, cut_to_;
    bool cut_before_ = false, long_tail_ = false;
};

}  // namespace flashsim::engine
