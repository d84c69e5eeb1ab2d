// kernel_sim.cpp: the event loop of one kernel (see kernel_sim.h).
//
// Known simplifications: a CTA's compute ops of one iteration are reserved on the SM's pipes when
// the iteration starts, so a later-arriving but earlier request of another CTA queues behind them
// (first come, first served, no gap filling); barriers cost nothing beyond the waits they imply.
#include "sim/engine/kernel_sim.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <utility>

#include "sim/engine/kernel_run.h"
#include "sim/engine/queueing.h"

namespace flashsim {

namespace engine {

KernelRun::KernelRun(const KernelTrace& k, const GpuSpec& g, MemorySystem& mem, const KernelSimConfig& cfg, Counters& c)
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

KernelSimStats KernelRun::run() {
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
    // SRAM leaves of the unified L1/shared memory (l1_cache.h); tile copies bypass it. Only the
    // tensors of which a head's CTAs load some tile twice can hit: the others' accesses skip the
    // L1's lookups (the element-wise row kernels, each CTA its own rows once, skip them all), so
    // their lines take no room there either (docs/timing.md says what that changes).
    l1_tensors_ = l1_tensors(k_, g_);
    s_.resident_ctas_per_sm = resident;
    if (k_.issue.elementwise_loads())
        s_.bytes_in_flight_per_sm = double(resident * k_.warps * 32 * k_.issue.load_bytes_per_request) * k_.issue.loads_in_flight;
    mem_.set_l1(l1_tensors_ ? l1_bytes_left(g_.l1_sram_bytes_per_sm, s_.occ.ctas_per_sm, k_.footprint.sram_bytes) : 0);
    s_.slots = g_.sm_count * s_.occ.ctas_per_sm;
    const int64_t total = k_.cta_count();
    s_.waves = double(total) / double(s_.slots);
    // The steady-state skip's window: the fewest whole units (skip_unit: heads, or CTAs where no
    // two CTAs move one tile and all do the same work) that fill kSkipWindowWaves waves and move
    // kSkipWindowL2Bytes times the L2's data bytes (kSkipRowWindowL2Bytes where the CTAs share no
    // tile). Kernels of fewer heads too where the unit is a CTA: no head start's compulsory misses
    // to fall in one window or the next.
    if (cfg_.steady_state_skip && skippable() && k_.ctas_per_head > 0 && double(total) >= kSkipMinWaves * double(s_.slots) &&
        (head_ = one_head()).uniform() &&
        (k_.heads >= kSkipMinHeads || double(k_.ctas_per_head) >= kSkipMinHeadWaves * double(s_.slots) || skip_unit() == 1)) {
        const int64_t unit = skip_unit();
        const double unit_moved = head_.moved * double(unit) / double(k_.ctas_per_head);
        const double units = std::max(std::ceil(kSkipWindowWaves * double(s_.slots) / double(unit)),
                                      unit_moved > 0 ? std::ceil(head_.window_l2s() * double(g_.l2_data_bytes()) / unit_moved) : 1.0);
        window_ = int64_t(units) * unit;
        // CTAs of the same work: whole waves (a window of a wave and a half held the phase of the
        // launches' groups: standard's softmax at N = 16384 on the h200 took 0.0020-0.0033 cycles
        // per byte from one window to the next, every fifth the slowest).
        if (unit == 1) window_ = (window_ + s_.slots - 1) / s_.slots * s_.slots;
        // The first window, in neither span compared, only has to outlast the kernel's start
        // (the slots starting together, the L2 turning over what the kernel before left):
        // kSkipWindowWaves waves that move kSkipWindowL2Bytes L2s, not whole units. The windows
        // after it keep whole units' CTAs (heads: each span one head start's compulsory misses).
        const double per_cta = head_.moved / double(k_.ctas_per_head);
        const double start = std::max(std::ceil(kSkipWindowWaves * double(s_.slots)),
                                      per_cta > 0 ? std::ceil(kSkipWindowL2Bytes * double(g_.l2_data_bytes()) / per_cta) : double(window_));
        first_window_ = std::min(window_, int64_t(start));
    }
    // The iteration skip's windows (kernels the skip above leaves whole, of long CTAs): at least
    // one loop period of every CTA in flight, so that each window holds every tile a period uses
    // (FA1's backward reads K_j, V_j and writes dK_j, dV_j once a period: at N = 6871, 39 x 16
    // heads on the h200 a window of 4 L2s was 73 of its period's 109 iterations, the
    // spans held none of them, and the skip extrapolated no misses or write-backs for them: 1.2%
    // low in HBM reads, 4.5% in writes).
    if (window_ == 0 && cfg_.steady_state_skip && cfg_.uniform_loops && skippable() && (loop_period_ = loop_period(0)) > 0 &&
        iterations_of(0) >= kSkipMinIterations) {
        iteration_skip_ = true;
        next_iteration_mark_ = 0;
    }
    const int64_t used = std::min(s_.slots, total);
    ctas_.resize(size_t(used));
    last_retire_.assign(size_t(used), 0.0);
    pending_.assign(size_t(used), 0);
    events_.reset(size_t(used));
    for (int64_t slot = 0; slot < used; ++slot) launch(uint32_t(slot), 0.0);
    while (!events_.empty()) {
        const auto e = events_.pop();
        // A CTA the iteration skip cut by more than its whole iterations' time waits the rest.
        if ((e.kind == EventKind::compute || e.kind == EventKind::iteration_end) && ctas_[e.slot].hold > 0) {
            push(e.t + std::exchange(ctas_[e.slot].hold, 0.0), e.slot, e.kind);
            continue;
        }
        switch (e.kind) {
            case EventKind::cta_start: start(e.slot, e.t); break;
            case EventKind::cta_issue: first_loads(e.slot, e.t); break;
            case EventKind::compute: compute(e.slot, e.t); break;
            case EventKind::iteration_end:
                end_iteration(e.slot, e.t);
                if (iteration_skip_ && iterations_ >= next_iteration_mark_) iteration_checkpoint(e.t);
                break;
        }
    }
    for (double r : last_retire_) s_.cycles = std::max(s_.cycles, r);
    for (double r : last_retire_) s_.tail_idle_slot_cycles += s_.cycles - r;
    s_.cycles += skipped_cycles_;
    bound_by_issue_queueing(resident, total);
    // The first CTAs go one to an SM (round-robin): with fewer CTAs than SMs the others idle the
    // whole kernel, their slots with them. (An SM that holds fewer CTAs than its slots is not idle:
    // its slots are not counted.)
    s_.idle_sms = std::max<int64_t>(0, g_.sm_count - total);
    s_.tail_idle_slot_cycles += double(s_.idle_sms * s_.occ.ctas_per_sm) * s_.cycles;
    for (const SmPipes& p : pipes_) s_.tensor_busy_cycles += p.tensor.busy_cycles;
    s_.tensor_busy_cycles += skipped_tensor_busy_;
    return s_;
}

// A kernel that loads element by element and issues everything on CUDA cores: its resident
// CTAs alternate between round trips in flight and issue, and take at least the time of the
// closed queueing network they form on an SM (queueing.h): D a CTA's demand on the issue
// server (its warp-instructions on one sub-partition at the resident warps' rate), Z the rest
// of its life that no other CTA delays: its round trips' latency and the cycles its own warps
// take beyond D (one warp per sub-partition issues at its latency-limited rate, slower than
// the server's share), n the CTAs resident, in rounds of n CTAs per SM. n = 1 gives Z + D, the
// CTA alone. The event loop, deterministic, reaches max(n D, Z + D); the cycles beyond it are
// charged to load latency.
void KernelRun::bound_by_issue_queueing(int64_t resident, int64_t total) {
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
void KernelRun::count_issue(double demand, double own) {
    if (!k_.issue.elementwise_loads() || cycles_per_inst_ <= 0) return;
    s_.issue_demand_cycles += demand;
    s_.issue_own_excess_cycles += std::max(0.0, own - demand);
}

// The next CTA in launch order takes `slot` at `t`.
void KernelRun::launch(uint32_t slot, double t) {
    ++cta_changes_;
    if (window_ > 0 && s_.skipped_ctas == 0) {
        if (next_cta_ == 0 || (next_cta_ >= first_window_ && (next_cta_ - first_window_) % window_ == 0)) checkpoint(t);
        window_launches_.push_back(t);
    }
    pending_[slot] = next_cta_++;
    push(t, slot, EventKind::cta_start);
}

void KernelRun::record_event(const Cta& c, const Op& op, double a, double b) {
    if (cfg_.timeline->size() >= cfg_.timeline_cap) {
        if (cfg_.timeline_truncated) *cfg_.timeline_truncated = true;
        return;
    }
    cfg_.timeline->push_back(TimelineEvent{uint32_t(c.sm), cfg_.kernel_index, uint32_t(c.index), uint8_t(op.kind),
                                           uint8_t(op.tensor), op.line, a, b, op.bytes});
}

void KernelRun::issue_loads(Cta& c, int64_t k, double t) {
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
        const TransferTiming x = mem_.transfer(op, c.sm, t, c_, route(c, op), trips, chain, c.index);
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

void KernelRun::start(uint32_t slot, double t0) {
    // A start is a change of its own: between a launch and its start the slot still holds the CTA
    // that retired, and a mark taken then (the iteration skip's, at the retiring CTA's last
    // iteration end) records that CTA's iterations for the slot (docs/speed.md).
    ++cta_changes_;
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

void KernelRun::first_loads(uint32_t slot, double t) {
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
double KernelRun::matmul_sram_bytes(const Op& op, double share, double b_readers) const {
    const double M = op.rows, N = op.cols;
    if (M <= 0 || N <= 0 || op.flops == 0) return double(op.bytes) * share;
    // K and the element size of the last shapes asked (a kernel's GEMMs come in few shapes, and
    // the two divisions were 5-7% of FA2's host time); the same numbers as computed afresh.
    const auto same = [&](const MatmulShape& m) { return m.rows == op.rows && m.cols == op.cols && m.flops == op.flops && m.bytes == op.bytes; };
    const MatmulShape* hit = nullptr;
    for (const MatmulShape& m : last_matmuls_)
        if (same(m)) {
            hit = &m;
            break;
        }
    if (!hit) {
        MatmulShape& m = last_matmuls_[older_matmul_];
        older_matmul_ = (older_matmul_ + 1) % last_matmuls_.size();
        m = {op.rows, op.cols, op.flops, op.bytes, 0, 0};
        m.K = double(op.flops) / (2 * M * N);
        m.es = double(op.bytes) / (M * m.K + m.K * N);
        hit = &m;
    }
    const double K = hit->K, es = hit->es;
    // The kernel's own warp tiling (op.h, kOpWarpGrid): A read by the warps along N, B by those along M.
    if (op.flags & kOpWarpGrid) return share * es * (double(op.col0) * M * K + double(op.row0) * K * N);
    return es * (share * M * K + b_readers * K * N);
}

// `step` is true for the op that carries the iteration's fixed instructions (KernelIssue::
// insts_per_softmax_step): the first with exponentials.
double KernelRun::run_op(SmPipes& p, const Op& op, double dep, double share, bool step) {
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

void KernelRun::compute(uint32_t slot, double t) {
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
            if (op.kind == OpKind::vector) s_.compute_vector_cycles += e - dep;
            if (op.kind == OpKind::matmul) s_.compute_matmul_cycles += e - dep;
            dep = e;
        }
        s_.compute_cycles += dep - t;
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

void KernelRun::end_iteration(uint32_t slot, double t) {
    Cta& c = ctas_[slot];
    const int64_t k = c.next_compute;
    Iteration& it = c.it(k);
    for (const Op& op : it.stores) {
        const double at = std::max(t, c.real_end);
        const TransferTiming x = mem_.transfer(op, c.sm, at, c_, route(c, op));
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

void KernelRun::retire(uint32_t slot, double t) {
    ++cta_changes_;
    Cta& c = ctas_[slot];
    s_.cta_lifetime_cycles += t - c.start;
    last_retire_[slot] = t;
    c.stream.reset();
    if (next_cta_ < k_.cta_count()) launch(slot, t);
}

}  // namespace engine

bool loads_through_l1(const KernelTrace& k, const GpuSpec& g) {
    return l1_bytes_left(g.l1_sram_bytes_per_sm, occupancy(k, g).ctas_per_sm, k.footprint.sram_bytes) > 0 && l1_tensors(k, g) != 0;
}

KernelSimStats simulate_kernel(const KernelTrace& k, const GpuSpec& g, MemorySystem& mem, const KernelSimConfig& cfg,
                               Counters& l2_counts) {
    engine::KernelRun run(k, g, mem, cfg, l2_counts);
    return run.run();
}

}  // namespace flashsim
