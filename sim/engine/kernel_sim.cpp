// kernel_sim.cpp: the event loop of one kernel (see kernel_sim.h).
//
// Known simplifications: a CTA's compute ops of one iteration are reserved on the SM's pipes when
// the iteration starts, so a later-arriving but earlier request of another CTA queues behind them
// (first come, first served, no gap filling); barriers cost nothing beyond the waits they imply.
#include "sim/engine/kernel_sim.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>
#include <queue>
#include <stdexcept>
#include <tuple>
#include <unordered_map>

#include "sim/engine/cta_iterations.h"
#include "sim/engine/queueing.h"
#include "sim/engine/steady_skip.h"

namespace flashsim {

namespace {

using namespace engine;

// The sums of KernelSimStats the skip extrapolates (every additive double field).
constexpr auto kSkipSums = std::to_array<double KernelSimStats::*>({
    &KernelSimStats::stall_latency_cycles, &KernelSimStats::stall_transfer_cycles, &KernelSimStats::compute_exposed_cycles,
    &KernelSimStats::prefetch_hidden_cycles, &KernelSimStats::cta_lifetime_cycles, &KernelSimStats::wg_serial_cycles,
    &KernelSimStats::wg_span_cycles, &KernelSimStats::cta_launch_cycles, &KernelSimStats::warp_instructions,
    &KernelSimStats::elementwise_latency_cycles, &KernelSimStats::issue_demand_cycles, &KernelSimStats::issue_own_excess_cycles});

// n (now - before), rounded: what a skip adds for a quantity that only grows during a kernel.
uint64_t scaled_delta(uint64_t now, uint64_t before, double n) { return uint64_t(std::llround(n * double(now - before))); }

// A tile of a tensor (every field of the op that says where its bytes lie), for the L2 warming.
struct TileKey {
    uint64_t a, b, c;
    bool operator==(const TileKey&) const = default;
};
struct TileKeyHash {
    size_t operator()(const TileKey& k) const {
        uint64_t h = k.a * 0x9E3779B97F4A7C15ull;
        h ^= (k.b + 0x632BE59BD9B4E019ull + (h << 6) + (h >> 2)) * 0xBF58476D1CE4E5B9ull;
        h ^= (k.c + (h << 6) + (h >> 2)) * 0x94D049BB133111EBull;
        return size_t(h ^ (h >> 31));
    }
};
TileKey tile_key(const Op& op) {
    return {uint64_t(op.bh) << 32 | op.row0, uint64_t(op.rows) << 32 | op.col0, uint64_t(op.cols) << 8 | uint64_t(op.tensor)};
}

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

struct Event {
    double t;
    uint64_t seq;
    uint32_t slot;
    EventKind kind;
    bool operator>(const Event& o) const { return t != o.t ? t > o.t : seq > o.seq; }
};

class KernelRun {
public:
    KernelRun(const KernelTrace& k, const GpuSpec& g, MemorySystem& mem, const KernelSimConfig& cfg, Counters& c)
        : k_(k), g_(g), mem_(mem), cfg_(cfg), c_(c) {
        const double clock = g.clock_hz, sms = double(g.sm_count);
        tensor_fpc_ = cfg.tensor_flops_per_s / sms / clock;
        vector_fpc_ = g.vector_flops_per_s / sms / clock;
        exp_pc_ = g.exp_per_s / sms / clock;
        sram_bpc_ = g.sram_bytes_per_cycle_per_sm;
        pipes_.assign(size_t(g.sm_count), SmPipes{});
        s_.clock_hz = cfg.clock_hz > 0 ? cfg.clock_hz : clock;
        cta_launch_cycles_ = g.cta_launch_ns * 1e-9 * s_.clock_hz;
        mem_.reset_servers(g.sm_count);
    }

    KernelSimStats run() {
        s_.occ = occupancy(k_, g_);
        // CUDA-core GEMM code: the issue rate of a sub-partition with this many resident warps.
        const int64_t resident = std::min(s_.occ.ctas_per_sm, (k_.cta_count() + g_.sm_count - 1) / g_.sm_count);
        const double warps_per_subpartition = std::ceil(double(resident * k_.warps) / double(g_.sm_subpartitions));
        // Cycles per warp-instruction and the SRAM burst factor of w warps per sub-partition.
        // ALU code without SRAM operands (KernelIssue::alu_issue) at its own rates where the GPU has them.
        const bool alu = k_.issue.alu_issue && g_.alu_cycles_per_inst_one_warp > 0 && g_.alu_cycles_per_inst > 0;
        one_warp_cpi_ = alu ? g_.alu_cycles_per_inst_one_warp : g_.cuda_core_cycles_per_inst_one_warp;
        const auto cpi = [&](double w) {
            if (alu) return w <= 1 ? g_.alu_cycles_per_inst_one_warp : g_.alu_cycles_per_inst;
            return w <= 1 ? g_.cuda_core_cycles_per_inst_one_warp : g_.cuda_core_cycles_per_inst;
        };
        const auto burst = [&](double w) { return 1 + g_.sram_burst_latency_share / std::max(1.0, w); };
        cycles_per_inst_ = cpi(warps_per_subpartition);
        sram_burst_factor_ = burst(warps_per_subpartition);
        // One CTA's own warps cannot issue faster than they would alone on the SM: with several CTAs
        // resident the sub-partitions reach the rate of all their warps, each CTA only that of its
        // own. Kernels that issue everything on CUDA cores (elementwise loads: their CPIs are those
        // of the scalar GEMM step, kernels/micro/issue_latency); a tensor-core kernel's softmax
        // keeps the rate of the resident warps.
        const double cta_warps_per_subpartition = k_.issue.elementwise_loads()
                                                      ? std::ceil(double(k_.warps) / double(g_.sm_subpartitions))
                                                      : warps_per_subpartition;
        cta_cycles_per_inst_ = cpi(cta_warps_per_subpartition);
        cta_sram_burst_factor_ = burst(cta_warps_per_subpartition);
        // One warp's dependent chains per exponential and per FMA, where the kernel's and the GPU's
        // figures are known.
        if (g_.alu_dependent_cycles > 0 && g_.mufu_dependent_cycles > 0 && g_.sram_dependent_cycles > 0) {
            const auto cycles = [&](const DependentChain& ch) {
                return ch.sram * g_.sram_dependent_cycles + ch.mufu * g_.mufu_dependent_cycles + ch.alu * g_.alu_dependent_cycles + ch.slots;
            };
            chain_cycles_per_exp_ = cycles(k_.issue.chain_per_exp);
            chain_cycles_per_fma_ = cycles(k_.issue.chain_per_fma);
        }
        // Elementwise loads are ld.global: they go through the SM's L1, what the resident CTAs'
        // SRAM leaves of the unified L1/shared memory (l1_cache.h); tile copies bypass it.
        through_l1_ = k_.issue.elementwise_loads();
        s_.resident_ctas_per_sm = resident;
        if (k_.issue.elementwise_loads())
            s_.bytes_in_flight_per_sm = double(resident * k_.warps * 32 * k_.issue.load_bytes_per_request) * k_.issue.loads_in_flight;
        mem_.set_l1(through_l1_ ? l1_bytes_left(g_.l1_sram_bytes_per_sm, s_.occ.ctas_per_sm, k_.footprint.sram_bytes) : 0);
        s_.slots = g_.sm_count * s_.occ.ctas_per_sm;
        const int64_t total = k_.cta_count();
        s_.waves = double(total) / double(s_.slots);
        // The steady-state skip's window: the fewest whole heads that fill kSkipWindowWaves waves
        // and move kSkipWindowL2Bytes times the L2's data bytes.
        if (cfg_.steady_state_skip && mem_.skippable() && k_.ctas_per_head > 0 && double(total) >= kSkipMinWaves * double(s_.slots) &&
            (k_.heads >= kSkipMinHeads || double(k_.ctas_per_head) >= kSkipMinHeadWaves * double(s_.slots)) &&
            (head_ = one_head()).uniform()) {
            const double heads = std::max(std::ceil(kSkipWindowWaves * double(s_.slots) / double(k_.ctas_per_head)),
                                          head_.moved > 0 ? std::ceil(kSkipWindowL2Bytes * double(g_.l2_data_bytes()) / head_.moved) : 1.0);
            window_ = int64_t(heads) * k_.ctas_per_head;
            // The first window, in neither span compared, only has to outlast the kernel's start
            // (the slots starting together, the L2 turning over what the kernel before left):
            // kSkipWindowWaves waves that move kSkipWindowL2Bytes L2s, not whole heads. The windows
            // after it keep whole heads' CTAs, each span one head start's compulsory misses.
            const double per_cta = head_.moved / double(k_.ctas_per_head);
            const double start = std::max(std::ceil(kSkipWindowWaves * double(s_.slots)),
                                          per_cta > 0 ? std::ceil(kSkipWindowL2Bytes * double(g_.l2_data_bytes()) / per_cta) : double(window_));
            first_window_ = std::min(window_, int64_t(start));
        }
        // The iteration skip's windows (kernels the skip above leaves whole, of long CTAs).
        if (window_ == 0 && cfg_.steady_state_skip && cfg_.uniform_loops && mem_.skippable() && (loop_period_ = loop_period(0)) > 0 &&
            iterations_of(0) >= kSkipMinIterations) {
            iteration_window_ = kSkipWindowL2Bytes * double(g_.l2_data_bytes());
            next_iteration_mark_ = 0;
        }
        const int64_t used = std::min(s_.slots, total);
        ctas_.resize(size_t(used));
        last_retire_.assign(size_t(used), 0.0);
        pending_.assign(size_t(used), 0);
        for (int64_t slot = 0; slot < used; ++slot) launch(uint32_t(slot), 0.0);
        while (!heap_.empty()) {
            const Event e = heap_.top();
            heap_.pop();
            switch (e.kind) {
                case EventKind::cta_start: start(e.slot, e.t); break;
                case EventKind::cta_issue: first_loads(e.slot, e.t); break;
                case EventKind::compute: compute(e.slot, e.t); break;
                case EventKind::iteration_end:
                    end_iteration(e.slot, e.t);
                    if (iteration_window_ > 0 && moved_ >= next_iteration_mark_) iteration_checkpoint(e.t);
                    break;
            }
        }
        for (double r : last_retire_) s_.cycles = std::max(s_.cycles, r);
        for (double r : last_retire_) s_.tail_idle_slot_cycles += s_.cycles - r;
        s_.cycles += skipped_cycles_;
        bound_by_issue_queueing(resident, total);
        for (const SmPipes& p : pipes_) s_.tensor_busy_cycles += p.tensor.busy_cycles;
        s_.tensor_busy_cycles += skipped_tensor_busy_;
        return s_;
    }

private:
    // A kernel that loads element by element and issues everything on CUDA cores: its resident
    // CTAs alternate between round trips in flight and issue, and take at least the time of the
    // closed queueing network they form on an SM (queueing.h): D a CTA's demand on the issue
    // server (its warp-instructions on one sub-partition at the resident warps' rate), Z the rest
    // of its life that no other CTA delays: its round trips' latency and the cycles its own warps
    // take beyond D (one warp per sub-partition issues at its latency-limited rate, slower than
    // the server's share), n the CTAs resident, in rounds of n CTAs per SM. n = 1 gives Z + D, the
    // CTA alone. The event loop, deterministic, reaches max(n D, Z + D); the cycles beyond it are
    // charged to load latency.
    void bound_by_issue_queueing(int64_t resident, int64_t total) {
        if (!k_.issue.elementwise_loads() || cycles_per_inst_ <= 0 || total <= 0 || resident <= 0) return;
        const double Z = (s_.elementwise_latency_cycles + s_.issue_own_excess_cycles) / double(total);
        const double D = s_.issue_demand_cycles / double(total);
        const double rounds = std::ceil(double(total) / double(g_.sm_count * resident));
        const double cycles = rounds * mva_cycle_cycles(Z, D, resident);
        if (cycles <= s_.cycles) return;
        s_.stall_latency_cycles += (cycles - s_.cycles) * double(s_.slots);
        s_.cycles = cycles;
    }
    // Issue of a kernel that issues everything on CUDA cores: `demand` cycles charged to the SM's
    // issue server, `own` the cycles the CTA's own warps need for it (bound_by_issue_queueing).
    void count_issue(double demand, double own) {
        if (!k_.issue.elementwise_loads() || cycles_per_inst_ <= 0) return;
        s_.issue_demand_cycles += demand;
        s_.issue_own_excess_cycles += std::max(0.0, own - demand);
    }
    void push(double t, uint32_t slot, EventKind kind) { heap_.push(Event{t, seq_++, slot, kind}); }
    // The next CTA in launch order takes `slot` at `t`.
    void launch(uint32_t slot, double t) {
        ++cta_changes_;
        if (window_ > 0 && s_.skipped_ctas == 0) {
            if (next_cta_ == 0 || (next_cta_ >= first_window_ && (next_cta_ - first_window_) % window_ == 0)) checkpoint(t);
            window_launches_.push_back(t);
        }
        pending_[slot] = next_cta_++;
        push(t, slot, EventKind::cta_start);
    }

    // At the launch of the first CTA of a window: skip when the last two spans of L windows took the
    // same cycles, HBM reads and write-backs per byte moved (the first window, which starts the
    // slots together, in neither). L is 1 unless the L2 is set-sampled: then the shortest whose
    // HBM bytes are kMinSampledGranules sampled granules or more, so that the span's sampled
    // counts, which the skip extrapolates, are as close to the full cache's as the run's own
    // sampling bound asks (memory_system.h).
    SkipMark mark(double t) const {
        SkipMark now{t, moved_, c_, mem_.writebacks_so_far(), mem_.dirty_bytes_by_tensor(), s_, 0, cta_changes_, iterations_, {}, {}};
        for (const SmPipes& p : pipes_) now.tensor_busy += p.tensor.busy_cycles;
        if (iteration_window_ > 0)
            for (const Cta& c : ctas_) {
                now.done.push_back(c.next_compute);
                now.done_at.push_back(c.ready);
            }
        return now;
    }
    void checkpoint(double t) {
        marks_.push_back(mark(t));
        const bool grouped = launches_grouped(window_launches_, t, s_.slots);
        window_launches_.clear();
        // A timeline records every CTA until it is full (timeline_cap events); no skip before.
        if (cfg_.timeline && cfg_.timeline->size() < cfg_.timeline_cap) return;
        const size_t m = marks_.size() - 1;
        const double sampled_granule = double(mem_.granule_bytes()) * double(mem_.l2_sample_every());
        for (size_t L = 1; m >= 1 + 2 * L; ++L) {
            const SkipMark &b = marks_[m - L], &e = marks_[m];
            const double hbm = e.hbm_read_bytes() + e.writeback_bytes() - b.hbm_read_bytes() - b.writeback_bytes();
            if (mem_.l2_sample_every() > 1 && hbm / sampled_granule < double(kMinSampledGranules)) continue;
            if (!steady(marks_, m, L)) return;
            // The last two spans of K windows agree as well, K the fewest windows (L at least) that
            // move kSkipSpanL2Bytes times the L2's data bytes and, with grouped launches, hold the
            // CTAs in which heads fall on waves the same way again (lcm(ctas_per_head, slots)); the
            // skip extrapolates those 2 K windows.
            const int64_t unit = grouped && s_.waves < kSkipFreeWaves ? std::lcm(k_.ctas_per_head, s_.slots) : window_;
            const double window_moved = double(window_ / k_.ctas_per_head) * head_.moved;
            const size_t by_bytes = window_moved > 0 ? size_t(std::ceil(kSkipSpanL2Bytes * double(g_.l2_data_bytes()) / window_moved)) : 1;
            const size_t K = std::max({L, by_bytes, size_t((unit + window_ - 1) / window_)});
            if (m < 1 + 2 * K || !steady(marks_, m, K)) return;
            const int64_t tail = int64_t(std::ceil(kSkipTailWaves * double(s_.slots)));
            const int64_t j = (k_.cta_count() - next_cta_ - tail) / unit;
            if (j >= 1) skip(j * unit, marks_[stretch(marks_, m, 2 * K)], e);
            return;
        }
    }
    // The iteration skip (kSkipMinIterations), at the end of an iteration once the trace bytes moved
    // reach the next window's mark: when the last two spans of K windows (K as above, without
    // grouped launches) took the same cycles, HBM reads and write-backs per byte moved and no CTA
    // launched or retired in them, every CTA in flight is cut by the same time (below). The
    // kernel's timeline goes on as if the cut had not been, and the skipped work is extrapolated
    // from the span (extrapolate): valid as far as each CTA keeps its pace, which the windows
    // without launches and retirements check. The marks start again after a skip (the first
    // window after it is not compared either).
    void iteration_checkpoint(double t) {
        next_iteration_mark_ = moved_ + iteration_window_;
        if (cfg_.timeline && cfg_.timeline->size() < cfg_.timeline_cap) return;
        marks_.push_back(mark(t));
        const size_t m = marks_.size() - 1;
        const size_t K = size_t(std::ceil(kSkipSpanL2Bytes / kSkipWindowL2Bytes));
        if (m < 1 + 2 * K) return;
        const SkipMark &e = marks_[m], &v = marks_[m - 2 * K];
        if (v.cta_changes != e.cta_changes || !steady(marks_, m, 1) || !steady(marks_, m, K)) return;
        // Nor may the L2's dirty bytes grow over those spans by more than kSkipTolerance of the
        // bytes written back: the L2 then still has room for what the CTAs write once (FA1's
        // backward: dK_j and dV_j every outer loop), the exact run keeps it dirty to the end, and
        // the extrapolation would charge it as written back (FA1's forward + backward at N = 6917,
        // 11 heads on the rtx4090: 16% high in HBM writes).
        const double dirty_growth = e.dirty_bytes() - v.dirty_bytes();
        if (dirty_growth > kSkipTolerance * (e.writeback_bytes() - v.writeback_bytes())) return;
        // The windows extrapolated: those two spans and the windows before them within kSkipStretch
        // (stretch) since the last CTA launched or retired. A CTA's loop has periods of a few
        // windows (FA1 at N = 1024, 256 heads on the h200: HBM reads per byte 0.6656 a window, 0.6712
        // every fifth or sixth, when the outer loop loads Kj and Vj); extrapolating the two spans
        // alone, which held none of them, came out 0.4% low in HBM reads.
        size_t from = stretch(marks_, m, 2 * K);
        while (marks_[from].cta_changes != e.cta_changes) ++from;
        const SkipMark& b = marks_[from];
        // The skip is a cut of `cut` cycles from every CTA in flight: each drops the iterations it
        // runs in that time at its own pace over the span (CTAs sharing an SM with more or fewer
        // others go at other paces: vanilla's P V GEMM at N = 15433 on the a100-40gb, 5 CTAs per SM,
        // ended over a window's time; dropping as many iterations from each made it 2.7% fast),
        // in whole loop periods, keeping at its end what it ran in the two spans checked.
        struct Drop {
            Cta* c;
            double pace;  // iterations per cycle
            int64_t room;   // iterations it may drop
        };
        std::vector<Drop> drops;
        double cut = INFINITY, slowest = INFINITY, fastest = 0;
        int64_t least_room = INT64_MAX;
        for (size_t slot = 0; slot < ctas_.size(); ++slot) {
            Cta& c = ctas_[slot];
            if (!c.stream) continue;
            // Between the ends of the iterations last ended before each mark: iterations of a few
            // thousand cycles, counted whole over windows of tens of them, would differ by one in
            // twenty between CTAs of one pace.
            const auto pace_over = [&](const SkipMark& x, const SkipMark& y) {
                return double(y.done[slot] - x.done[slot]) / (y.done_at[slot] - x.done_at[slot]);
            };
            const double pace = pace_over(b, e);
            // Its pace holds: the same within kSkipTolerance over each of the two spans checked.
            // (FA1 with 40 x 16 heads at N = 6655 on the h200: in its third wave one CTA went at a
            // fifth of the others' pace over the span, not after it; it dropped too few iterations
            // for the time cut and ended late, 9.9% slow.)
            const SkipMark& h = marks_[m - K];
            if (!within_share(pace_over(v, h), pace_over(h, e), kSkipTolerance)) return;
            // (A CTA cut before goes on with the numbers of the iterations it dropped.)
            const int64_t room = iterations_of(c.index) - c.dropped - c.parsed - (e.done[slot] - v.done[slot]);
            if (!(pace > 0) || !std::isfinite(pace) || room <= 0) return;
            drops.push_back({&c, pace, room});
            cut = std::min(cut, double(room) / pace);
            slowest = std::min(slowest, pace);
            fastest = std::max(fastest, pace);
            least_room = std::min(least_room, room);
        }
        // CTAs of one pace (within kSkipTolerance) drop the same number of iterations: whole
        // iterations from a time cut would shift each by up to an iteration's time and reorder
        // CTAs that end within it, and a next wave's CTAs take the slots of the first to end
        // (vanilla's P V GEMM at N = 16384 on the h100, 7 CTAs per SM ending within 18k cycles:
        // the last wave's 400 CTAs came to other SMs, 3.2% slow).
        const bool one_pace = fastest <= (1 + kSkipTolerance) * slowest;
        // At least a window's time (a shorter skip saves less than the marks cost).
        if (drops.empty() || cut < (e.t - v.t) / double(2 * K)) return;
        std::array<Traffic, kTensorCount> requests{};
        double moved = 0, cycles = 0;
        for (const Drop& d : drops) {
            int64_t n = one_pace ? least_room : std::min(d.room, int64_t(std::floor(cut * d.pace)));
            n -= n % loop_period_;
            d.c->drop(n, requests, moved);
            s_.skipped_iterations += n;
            cycles += double(n) / d.pace / double(drops.size());
        }
        if (!(moved > 0)) return;
        // The cycles are the cut's: what the CTAs dropped over their paces, on average over them.
        // The CTAs in flight live as much longer; no CTA retired in the spans, so their sums hold
        // no lifetime.
        s_.cta_lifetime_cycles += double(drops.size()) * extrapolate(b, e, requests, moved, cycles);
        moved_ += moved;
        next_iteration_mark_ = moved_ + iteration_window_;
        marks_.clear();
    }
    // The iterations after which CTA `cta` uses its tiles again: the least common multiple of the
    // distances between two uses of one tile (FA1: the inner loop's Tr iterations, when the CTA
    // reads its Q_i and O_i again), 1 when it uses none twice, 0 when that is more than a quarter
    // of its iterations, which it counts for iterations_of on the way (one walk of the stream at
    // the start). A skip of a multiple of it leaves the L2 with the tiles the CTA would
    // have used last when it goes on (a skip of another count, FA1 at N = 1024 on the h200: the
    // CTAs went on 15 iterations into their sweep of Q and O, whose last 17 iterations' tiles the
    // L2 held, and hit where they would have missed: 0.4% low in HBM reads).
    int64_t loop_period(int64_t cta) {
        Cta cut = Cta::of(k_.stream(cta));
        std::unordered_map<TileKey, int64_t, TileKeyHash> last;
        int64_t period = 1, k = 0;
        for (; cut.have(k); ++k)
            for (const auto* ops : {&cut.it(k).loads, &cut.it(k).stores})
                for (const Op& op : *ops) {
                    if (!op.moves_data()) continue;
                    const auto [u, fresh] = last.try_emplace(tile_key(op), k);
                    if (!fresh && u->second != k) period = std::min(std::lcm(period, k - u->second), int64_t(1) << 40);
                    u->second = k;
                }
        iteration_counts_.try_emplace(block_of(cta), k);
        return period <= k / 4 ? period : 0;
    }
    // The iterations of CTA `cta` (its stream cut as the event loop cuts it), counted once per
    // block: every head's CTAs are the same but for the head (trace.h).
    int64_t block_of(int64_t cta) const { return k_.ctas_per_head > 0 ? cta % k_.ctas_per_head : cta; }
    int64_t iterations_of(int64_t cta) {
        const auto [it, fresh] = iteration_counts_.try_emplace(block_of(cta), 0);
        if (fresh) {
            Cta cut = Cta::of(k_.stream(cta));
            while (cut.have(it->second)) ++it->second;
        }
        return it->second;
    }
    // Skips `ctas` CTAs, whole heads. What they send to the L2 is exact (every head's requests
    // are the same: one head's, times the heads); what depends on the L2's state is the span
    // extrapolated (b to m, m now; stretch()): per tensor, its misses per byte read and the bytes it made dirty per
    // byte written (per byte moved for a tensor the span did not read or write), and its cycles
    // and sums per byte moved.
    void skip(int64_t ctas, const SkipMark& b, const SkipMark& m) {
        const uint64_t heads = uint64_t(ctas / k_.ctas_per_head);
        std::array<Traffic, kTensorCount> requests;
        for (size_t i = 0; i < kTensorCount; ++i) requests[i] = head_.requests[i].scaled(heads);
        s_.skipped_ctas = ctas;
        extrapolate(b, m, requests, double(heads) * head_.moved);
        // The CTAs in flight and those about to start go on as the CTAs `ctas` further on.
        for (size_t slot = 0; slot < ctas_.size(); ++slot) {
            pending_[slot] += ctas;
            if (ctas_[slot].stream) ctas_[slot].restream(ctas_[slot].index + ctas, k_.stream(ctas_[slot].index + ctas));
        }
        next_cta_ += ctas;
        // The warming evicts what was dirty without charging its write-back and leaves dirty what the
        // resumed CTAs will write back. In a steady state the L2 holds as many dirty bytes of each
        // tensor after the skip as before: the difference is charged (or refunded) now.
        const auto dirty_before = mem_.dirty_bytes_by_tensor();
        warm_l2(next_cta_);
        const auto dirty_after = mem_.dirty_bytes_by_tensor();
        for (size_t i = 0; i < kTensorCount; ++i) {
            uint64_t& w = c_.per_tensor[i].hbm_write_bytes;
            w = dirty_before[i] >= dirty_after[i] ? w + (dirty_before[i] - dirty_after[i]) : w - std::min(w, dirty_after[i] - dirty_before[i]);
        }
    }
    // Adds what the work not simulated, which sends `requests` to the L2 and moves `moved` trace
    // bytes, would have added, as the span from mark b to mark m (m now) did per byte moved: per
    // tensor, its misses per byte read and the bytes it made dirty per byte written (per byte moved
    // for a tensor the span did not read or write), and the cycles (unless given) and sums. Returns
    // the cycles.
    double extrapolate(const SkipMark& b, const SkipMark& m, const std::array<Traffic, kTensorCount>& requests, double moved,
                       double cycles = -1) {
        const double n = moved / (m.moved - b.moved);
        for (size_t i = 0; i < kTensorCount; ++i) {
            Traffic& t = c_.per_tensor[i];
            const Traffic &now = m.counts.per_tensor[i], &before = b.counts.per_tensor[i], &r = requests[i];
            const auto per = [&](uint64_t skipped, uint64_t window) { return window > 0 ? double(skipped) / double(window) : n; };
            t.hbm_read_bytes +=
                scaled_delta(now.hbm_read_bytes, before.hbm_read_bytes, per(r.global_read_bytes, now.global_read_bytes - before.global_read_bytes));
            // The bytes the span made dirty, written back or still dirty at its end: what the
            // skipped work writes back in a steady state (the span's own write-backs also follow the
            // ups and downs of the L2's dirty bytes).
            const double made = double(m.writebacks[i]) - double(b.writebacks[i]) + double(m.dirty[i]) - double(b.dirty[i]);
            const double written = per(r.global_write_bytes, now.global_write_bytes - before.global_write_bytes);
            t.hbm_write_bytes += uint64_t(std::max(0.0, std::round(written * made)));
            t.global_read_bytes += r.global_read_bytes;
            t.global_write_bytes += r.global_write_bytes;
            t.atomic_bytes += r.atomic_bytes;
        }
        for (auto f : kSkipSums) s_.*f += n * (m.sums.*f - b.sums.*f);
        skipped_tensor_busy_ += n * (m.tensor_busy - b.tensor_busy);
        if (cycles < 0) cycles = n * (m.t - b.t);
        skipped_cycles_ += cycles;
        return cycles;
    }
    // What one head's CTAs send to the L2 (every head's is the same: trace.h) and the trace bytes
    // they move.
    struct Head {
        std::array<Traffic, kTensorCount> requests{};
        double moved = 0;
        double least = 0, most = 0;  // the bytes the CTAs move, fewest and most
        // Every CTA does about the same work: a partial last tile, not causal masking.
        bool uniform() const { return least >= kSkipUniformShare * most; }
    };
    Head one_head() const {
        Head h;
        std::vector<Op> buf(256);
        for (int64_t c = 0; c < k_.ctas_per_head; ++c) {
            auto st = k_.stream(c);
            const double before = h.moved;
            for (size_t n; (n = st->fill(buf.data(), buf.size())) != 0;)
                for (size_t i = 0; i < n; ++i) add_requests(buf[i], h.requests, h.moved);
            const double own = h.moved - before;
            h.least = c == 0 ? own : std::min(h.least, own);
            h.most = std::max(h.most, own);
        }
        return h;
    }
    // Gives the L2 the tiles that the CTAs launched before `end` leave in it: their distinct tiles,
    // walking back from end - 1 until they hold twice the L2's data bytes, touched in the order of
    // their last use (LRU then holds the most recent), dirty when any of their accesses wrote. The
    // CTAs of a wave run together: iteration k of K of CTA c is taken to run at c + slots k / K
    // (a CTA lives as long as `slots` CTAs take to start), its stores at the iteration's end. A CTA
    // in flight gives what it has issued (the loads of the iterations before next_issue, the
    // stores of those before next_compute); one not started yet gives nothing.
    void warm_l2(int64_t end) {
        std::unordered_map<int64_t, const Cta*> in_flight;
        for (size_t slot = 0; slot < ctas_.size(); ++slot) {
            const Cta& c = ctas_[slot];
            if (c.stream) in_flight[c.index] = &c;
            if (!c.stream || pending_[slot] != c.index) in_flight[pending_[slot]] = nullptr;
        }
        struct Use {
            Op op;
            double last = 0;
            bool dirty = false;
        };
        std::unordered_map<TileKey, Use, TileKeyHash> tiles;
        const uint64_t want = 2 * uint64_t(g_.l2_data_bytes());
        uint64_t bytes = 0;
        std::vector<Iteration> its;
        const auto use = [&](const Op& op, double at) {
            if (!op.moves_data()) return;
            const auto [u, fresh] = tiles.try_emplace(tile_key(op), Use{op, at, false});
            if (fresh) bytes += op.bytes;
            u->second.last = std::max(u->second.last, at);
            u->second.dirty = u->second.dirty || op.kind != OpKind::load;
        };
        for (int64_t c = end - 1; c >= 0 && bytes < want; --c) {
            const auto f = in_flight.find(c);
            if (f != in_flight.end() && !f->second) continue;
            const int64_t loads_issued = f != in_flight.end() ? f->second->next_issue : INT64_MAX;
            const int64_t stores_issued = f != in_flight.end() ? f->second->next_compute : INT64_MAX;
            Cta cut = Cta::of(k_.stream(c));
            its.clear();
            for (int64_t k = 0; cut.have(k); ++k) its.push_back(cut.it(k));
            const double K = double(its.size()), span = double(s_.slots);
            for (size_t k = 0; k < its.size(); ++k) {
                if (int64_t(k) < loads_issued)
                    for (const Op& op : its[k].loads) use(op, double(c) + span * double(k) / K);
                if (int64_t(k) < stores_issued)
                    for (const Op& op : its[k].stores) use(op, double(c) + span * double(k + 1) / K);
            }
        }
        std::vector<const Use*> order;
        order.reserve(tiles.size());
        for (const auto& [key, u] : tiles) order.push_back(&u);
        // Ties in the order of the tiles' keys: the same order on every host.
        std::sort(order.begin(), order.end(), [](const Use* x, const Use* y) {
            const TileKey kx = tile_key(x->op), ky = tile_key(y->op);
            return std::tie(x->last, kx.a, kx.b, kx.c) < std::tie(y->last, ky.a, ky.b, ky.c);
        });
        for (const Use* u : order) mem_.warm(u->op, u->dirty);
    }

    void record(const Cta& c, const Op& op, double a, double b) {
        if (!cfg_.timeline) return;
        if (cfg_.timeline->size() >= cfg_.timeline_cap) {
            if (cfg_.timeline_truncated) *cfg_.timeline_truncated = true;
            return;
        }
        cfg_.timeline->push_back(TimelineEvent{uint32_t(c.sm), cfg_.kernel_index, uint32_t(c.index), uint8_t(op.kind),
                                               uint8_t(op.tensor), op.line, a, b, op.bytes});
    }

    void issue_loads(Cta& c, int64_t k, double t) {
        Iteration& it = c.it(k);
        it.loads_issue = t;
        it.loads_done = t;
        const bool elementwise = k_.issue.elementwise_loads();
        const KernelIssue& ki = k_.issue;
        double chain = t;  // elementwise: when the last round trip so far is back
        // Tiles in flight together: the step's round trips are those of all its bytes, shared out
        // over its tiles by their bytes.
        double together_bytes = 0;
        if (elementwise && ki.tiles_in_flight_together)
            for (const Op& op : it.loads) together_bytes += double(op.bytes);
        const double together_trips =
            together_bytes > 0 ? std::ceil(together_bytes / (double(k_.warps * 32) * double(ki.load_bytes_per_request) * ki.loads_in_flight)) : 0;
        for (const Op& op : it.loads) {
            // Loads straight into registers may keep other requests in flight than the tile loader.
            const bool regs = (op.flags & kOpRegisterLoad) && ki.register_loads_in_flight > 0;
            const double in_flight = double(k_.warps * 32) * double(ki.load_bytes_per_request) *
                                     (regs ? ki.register_loads_in_flight : ki.loads_in_flight);
            // Each thread has a few requests out: an elementwise tile arrives in round trips, each
            // the access's latency plus the instructions a thread issues for its elements of the
            // trip, and the next tile's loads start when this one is in (KernelIssue).
            const double trips = !elementwise        ? 0
                                 : together_bytes > 0 ? together_trips * double(op.bytes) / together_bytes
                                                      : std::ceil(double(op.bytes) / in_flight);
            // The bandwidth is claimed when the step starts (the servers take requests in time
            // order); the round trips of elementwise loads come back one after another.
            const TransferTiming x = mem_.transfer(op, c.sm, t, c_, through_l1_, trips, chain);
            moved_ += double(op.bytes);
            double done = x.done_cycles, latency = x.latency_cycles;
            const double start = elementwise ? chain : t;
            if (elementwise) {
                // The round trips' instructions take the SM's issue slots too.
                const double per_thread = double(op.bytes) / double(ki.load_bytes_per_request) / double(k_.warps * 32);
                const double insts = per_thread * (regs ? ki.insts_per_register_load_element : ki.insts_per_load_element);  // per warp
                const double trips_latency = trips * x.mean_latency_cycles;
                latency = trips_latency + insts * one_warp_cpi_;
                s_.elementwise_latency_cycles += trips_latency;
                if (cycles_per_inst_ > 0) {
                    const double demand = insts * double(k_.warps) * cycles_per_inst_ / double(g_.sm_subpartitions);
                    pipes_[size_t(c.sm)].vector.serve(t, demand);
                    count_issue(demand, insts * one_warp_cpi_);
                }
                s_.warp_instructions += insts * double(k_.warps);
                // Tiles in flight together share the round trips: the chain advances by this
                // tile's share, and its own arrival (done) does not hold the others back.
                if (together_bytes > 0) {
                    chain += latency;
                    done = std::max(done, chain);
                } else {
                    done = std::max(done, chain + latency);
                    chain = done;
                }
            }
            // The tile is written into SRAM as it arrives.
            if (sram_bpc_ > 0) done = std::max(done, pipes_[size_t(c.sm)].sram.serve(t, double(op.bytes) / sram_bpc_));
            it.loads_done = std::max(it.loads_done, done);
            it.loads_latency = elementwise ? it.loads_latency + latency : std::max(it.loads_latency, latency);
            record(c, op, start, done);
        }
    }

    void start(uint32_t slot, double t0) {
        Cta& c = ctas_[slot];
        // The slot's buffers are kept for its next CTA (their allocations showed in vanilla's profile).
        std::vector<Op> buf = std::move(c.buf);
        std::vector<Iteration> ring = std::move(c.ring);
        c = Cta{};
        c.buf = std::move(buf);
        c.ring = std::move(ring);
        c.index = pending_[slot];
        c.sm = int64_t(slot) % g_.sm_count;
        const double t = pipes_[size_t(c.sm)].launch.serve(t0, cta_launch_cycles_);
        s_.cta_launch_cycles += t - t0;
        c.stream = k_.stream(c.index);
        c.buf.resize(kCtaOpBuffer);
        c.ring.resize(size_t(cfg_.stages + 1));
        for (Iteration& i : c.ring) i.clear();
        c.start = c.ready = c.real_end = c.stores_done = t;
        // The shared servers take requests in time order: the loads are issued when the CTA has
        // started, as an event of their own, not now at a later time (which would make requests of
        // other CTAs issued in between wait behind them).
        if (t > t0) return push(t, slot, EventKind::cta_issue);
        first_loads(slot, t);
    }

    void first_loads(uint32_t slot, double t) {
        Cta& c = ctas_[slot];
        for (int64_t k = 0; k < cfg_.stages && c.have(k); ++k) issue_loads(c, k, t);
        c.next_issue = std::min<int64_t>(cfg_.stages, c.parsed);
        if (!c.have(0)) return retire(slot, t);
        push(std::max(t, c.it(0).loads_done), slot, EventKind::compute);
    }

    // Runs one compute op on the SM's pipes once `dep` has passed; returns its end.
    // SRAM bytes a GEMM reads. C (M x N) = A (M x K) B (K x N): the warps (or FA3's consumer
    // warpgroups) split the M rows of A, and each reads all of B (Kj, Vj are shared by the
    // warps, FA2 paper section 3.3), so B is read once per warp; `share` of A is this op's part.
    double matmul_sram_bytes(const Op& op, double share, double b_readers) const {
        const double M = op.rows, N = op.cols;
        if (M <= 0 || N <= 0 || op.flops == 0) return double(op.bytes) * share;
        const double K = double(op.flops) / (2 * M * N), es = double(op.bytes) / (M * K + K * N);
        // The kernel's own warp tiling (op.h, kOpWarpGrid): A read by the warps along N, B by those along M.
        if (op.flags & kOpWarpGrid) return share * es * (double(op.col0) * M * K + double(op.row0) * K * N);
        return es * (share * M * K + b_readers * K * N);
    }

    // `step` is true for the op that carries the iteration's fixed instructions (KernelIssue::
    // insts_per_softmax_step): the first with exponentials.
    double run_op(SmPipes& p, const Op& op, double dep, double share, bool step = false) {
        if (op.kind == OpKind::matmul && (op.flags & kOpCudaCore)) {
            // Scalar GEMM on CUDA cores: FMAs at the fp32 rate on the vector pipe; op.bytes are the
            // SRAM bytes its threads load (register blocking, schedule.h), already per warp.
            double busy = vector_fpc_ > 0 ? double(op.flops) * share / vector_fpc_ : 0;
            // ... or the warp-instructions its loops issue (KernelIssue::insts_per_fma per FMA, 32 FMAs
            // per FFMA) at the sub-partitions' issue rate for the resident warps.
            double own = 0;  // the CTA's own warps alone: its shortest time
            if (cycles_per_inst_ > 0) {
                const double insts = double(op.flops) * share / 2 / 32 * k_.issue.insts_per_fma;
                busy = std::max(busy, insts * cycles_per_inst_ / double(g_.sm_subpartitions));
                own = insts * cta_cycles_per_inst_ / double(g_.sm_subpartitions);
                s_.warp_instructions += insts;
            }
            double sram = sram_bpc_ > 0 ? double(op.bytes) * share / sram_bpc_ : 0;
            // Operands loaded in bursts that the resident warps do not hide: both pipes idle part
            // of the time (GpuSpec::sram_burst_latency_share); a CTA's own warps hide less of it.
            if (sram_burst_factor_ > 1 && sram >= 0.5 * busy) {
                own = std::max(own, sram) * cta_sram_burst_factor_;
                busy *= sram_burst_factor_;
                sram *= sram_burst_factor_;
            }
            // ... and at least its warps' dependent chains side by side: a thread's FMAs times the
            // chain of one (KernelIssue::chain_per_fma, its loads from SRAM on the chain).
            if (chain_cycles_per_fma_ > 0)
                own = std::max(own, double(op.flops) * share / 2 / (32.0 * double(k_.warps)) * chain_cycles_per_fma_);
            count_issue(busy, own);
            return std::max({p.vector.serve(dep, busy), p.sram.serve(dep, sram), dep + own}) + g_.sram_latency_cycles;
        }
        const double b_readers = cfg_.warpgroups > 1 ? 1.0 : double(std::max<int64_t>(1, k_.warps));
        const double sram_bytes = op.kind == OpKind::matmul ? matmul_sram_bytes(op, share, b_readers)
                                                            : double(op.bytes) * share * k_.issue.sram_conflict_factor;
        const double sram = sram_bpc_ > 0 ? sram_bytes / sram_bpc_ : 0;
        const double lat = op.bytes ? g_.sram_latency_cycles : 0;
        if (op.kind == OpKind::matmul) {
            const double busy = double(op.flops) * share / tensor_fpc_;
            return std::max(p.tensor.serve(dep, busy), p.sram.serve(dep, sram)) + lat;
        }
        double busy = std::max(vector_fpc_ > 0 ? double(op.flops) * share / vector_fpc_ : 0,
                               exp_pc_ > 0 ? double(op.exps) * share / exp_pc_ : 0);
        double own = 0;
        // ... or its warp-instructions (KernelIssue) at the issue rate of the resident warps.
        if (cycles_per_inst_ > 0 && k_.issue.vector_issue_modelled()) {
            const KernelIssue& ki = k_.issue;
            double insts = (double(op.flops) * ki.insts_per_vector_flop + double(op.exps) * ki.insts_per_exp) / 32;
            // FA3: the consumer warpgroups' warps run the softmax, the producer's do not.
            const double softmax_warps = cfg_.warpgroups > 1 ? 4.0 * cfg_.warpgroups : double(k_.warps);
            if (step) insts += softmax_warps * ki.insts_per_softmax_step;
            busy = std::max(busy, insts * share * cycles_per_inst_ / double(g_.sm_subpartitions));
            own = insts * share * cta_cycles_per_inst_ / double(g_.sm_subpartitions);
            // ... and at least its warps' dependent chains, side by side: each warp's share of
            // the exponentials times the chain of one (KernelIssue::chain_per_exp).
            if (chain_cycles_per_exp_ > 0)
                own = std::max(own, double(op.exps) * share / (32.0 * softmax_warps) * chain_cycles_per_exp_);
            s_.warp_instructions += insts * share;
        }
        // Without a ping-pong schedule the CTAs of an SM do not hide one's softmax under another's
        // GEMMs: the SM runs them one after the other (docs/timing.md, "Compute"). Kernels whose
        // threads issue everything on CUDA cores (elementwise loads, scalar GEMMs) share one
        // issue server for all of it.
        Server& pipe = cfg_.warpgroups > 1 || k_.issue.elementwise_loads() ? p.vector : p.tensor;
        count_issue(busy, own);
        return std::max({pipe.serve(dep, busy), p.sram.serve(dep, sram), dep + own}) + lat;
    }

    void compute(uint32_t slot, double t) {
        Cta& c = ctas_[slot];
        const int64_t k = c.next_compute;
        Iteration& it = c.it(k);
        // Waiting for this iteration's loads: latency first, the rest is bytes over bandwidth.
        const double stall = std::max(0.0, t - c.ready);
        s_.stall_latency_cycles += std::min(stall, it.loads_latency);
        s_.stall_transfer_cycles += std::max(0.0, stall - it.loads_latency);
        SmPipes& p = pipes_[size_t(c.sm)];
        double end = t, gate = t, serial = 0;
        // The iteration's fixed instructions go with its first op with exponentials; in the CTA's
        // last iteration every later op with exponentials (the epilogue's LSE) carries them again,
        // standing for the epilogue's code, which is not counted on its own.
        size_t step_op = it.compute.size();
        for (size_t j = 0; j < it.compute.size() && step_op == it.compute.size(); ++j)
            if (it.compute[j].exps > 0) step_op = j;
        const bool last = !c.have(k + 1);
        const auto carries_step = [&](size_t j) { return j == step_op || (last && j > step_op && it.compute[j].exps > 0); };
        if (cfg_.warpgroups == 1) {
            double dep = t;
            for (size_t j = 0; j < it.compute.size(); ++j) {
                const Op& op = it.compute[j];
                const double e = run_op(p, op, dep, 1.0, carries_step(j));
                record(c, op, dep, e);
                dep = e;
            }
            end = gate = dep;
        } else {
            // Two consumer warpgroups, half the rows each; op j waits for op j - 1 of this
            // iteration and op j of the last one (intra-warpgroup pipeline), and the pipes are
            // shared (ping-pong: one warpgroup's softmax under the other's GEMMs).
            const double share = 1.0 / cfg_.warpgroups;
            std::array<double, 2> dep{t, t};
            gate = t;
            for (size_t j = 0; j < it.compute.size(); ++j) {
                const Op& op = it.compute[j];
                for (int w = 0; w < 2; ++w) {
                    const size_t pj = std::min<size_t>(j, kMaxPositions - 1);
                    const double d = std::max(dep[size_t(w)], c.pos_end[size_t(w)][pj]);
                    const double e = run_op(p, op, d, share, carries_step(j));
                    serial += e - d;
                    if (w == 0) record(c, op, d, e);
                    c.pos_end[size_t(w)][pj] = e;
                    dep[size_t(w)] = e;
                    if (j == 0) gate = std::max(gate, e);
                    end = std::max(end, e);
                }
            }
            // Without the intra-warpgroup pipeline the next iteration waits for all of this one.
            if (it.compute.empty() || !cfg_.intra_warpgroup_pipeline) gate = end;
            s_.wg_serial_cycles += serial;
            s_.wg_span_cycles += end - t;
        }
        // Compute that no load of this CTA overlaps (the next iteration's loads, when prefetched).
        double overlap = 0;
        if (c.have(k + 1) && k + 1 < c.next_issue) {
            const Iteration& nx = c.it(k + 1);
            overlap = std::max(0.0, std::min(end, nx.loads_done) - std::max(t, nx.loads_issue));
        }
        s_.compute_exposed_cycles += std::max(0.0, (end - t) - overlap);
        s_.prefetch_hidden_cycles += overlap;
        c.real_end = std::max(c.real_end, end);
        push(gate, slot, EventKind::iteration_end);
    }

    void end_iteration(uint32_t slot, double t) {
        Cta& c = ctas_[slot];
        const int64_t k = c.next_compute;
        Iteration& it = c.it(k);
        for (const Op& op : it.stores) {
            const double at = std::max(t, c.real_end);
            const TransferTiming x = mem_.transfer(op, c.sm, at, c_, through_l1_);
            moved_ += double(op.bytes);
            double done = x.done_cycles;
            if (sram_bpc_ > 0) done = std::max(done, pipes_[size_t(c.sm)].sram.serve(at, double(op.bytes) / sram_bpc_));
            c.stores_done = std::max(c.stores_done, done);
            record(c, op, at, done);
        }
        // The buffer iteration k used is free: prefetch iteration k + stages into it.
        const int64_t nk = k + cfg_.stages;
        if (nk >= c.next_issue && c.have(nk)) {
            issue_loads(c, nk, t);
            c.next_issue = nk + 1;
        }
        c.next_compute = k + 1;
        ++iterations_;
        c.ready = t;
        if (!c.have(k + 1)) return retire(slot, std::max({t, c.real_end, c.stores_done}));
        push(std::max(t, c.it(k + 1).loads_done), slot, EventKind::compute);
    }

    void retire(uint32_t slot, double t) {
        ++cta_changes_;
        Cta& c = ctas_[slot];
        s_.cta_lifetime_cycles += t - c.start;
        last_retire_[slot] = t;
        c.stream.reset();
        if (next_cta_ < k_.cta_count()) launch(slot, t);
    }

    const KernelTrace& k_;
    const GpuSpec& g_;
    MemorySystem& mem_;
    const KernelSimConfig& cfg_;
    Counters& c_;
    double tensor_fpc_, vector_fpc_, exp_pc_, sram_bpc_, cta_launch_cycles_ = 0, cycles_per_inst_ = 0, one_warp_cpi_ = 0, chain_cycles_per_exp_ = 0, chain_cycles_per_fma_ = 0, sram_burst_factor_ = 1,
           cta_cycles_per_inst_ = 0, cta_sram_burst_factor_ = 1;
    bool through_l1_ = false;  // the kernel's loads are ld.global, through the SM's L1
    std::vector<SmPipes> pipes_;
    std::vector<Cta> ctas_;
    std::vector<double> last_retire_;
    std::vector<int64_t> pending_;  // CTA index each slot starts next
    std::priority_queue<Event, std::vector<Event>, std::greater<Event>> heap_;
    uint64_t seq_ = 0;
    int64_t next_cta_ = 0;
    KernelSimStats s_;
    // The steady-state skip: CTAs per window (0: off), one head's requests, the marks of the windows,
    // the trace bytes moved so far, what was skipped (s_.skipped_ctas says whether it was).
    int64_t window_ = 0, first_window_ = 0;
    std::vector<double> window_launches_;  // the launch times of the window in progress
    Head head_;
    std::vector<SkipMark> marks_;
    double moved_ = 0, skipped_cycles_ = 0, skipped_tensor_busy_ = 0;
    // The iteration skip: the bytes of a window (0: off) and where the next one ends; CTAs
    // launched and retired, and iterations ended, so far.
    double iteration_window_ = 0, next_iteration_mark_ = 0;
    int64_t cta_changes_ = 0, iterations_ = 0, loop_period_ = 1;
    std::unordered_map<int64_t, int64_t> iteration_counts_;  // iterations_of, by block
};

}  // namespace

KernelSimStats simulate_kernel(const KernelTrace& k, const GpuSpec& g, MemorySystem& mem, const KernelSimConfig& cfg,
                               Counters& l2_counts) {
    KernelRun run(k, g, mem, cfg, l2_counts);
    return run.run();
}

}  // namespace flashsim
