// kernel_sim.h: times one kernel of a Trace, event by event.
//
// Contract:
//   - slots = sm_count * CTAs per SM (occupancy.h). The first CTAs fill the slots round-robin
//     over the SMs; each later CTA takes the slot that frees first (waves);
//   - a CTA's op stream is cut into iterations: loads, then compute, then stores (a load after
//     compute or a store starts the next iteration). With `stages` SRAM buffers, the loads of
//     iteration k + stages are issued when the compute of iteration k ends (stages = 1: load,
//     then compute; stages >= 2: prefetch); iteration k computes once its loads have arrived
//     and iteration k - 1 is done;
//   - CTAs start one after another on an SM, each after GpuSpec::cta_launch_ns (the first wave
//     too); peak rates are stated at GpuSpec::clock_hz and run per clock, bandwidths in bytes/s
//     per cycle of the kernel's clock under load (cfg.clock_hz);
//   - a kernel whose threads load element by element (KernelIssue::elementwise_loads) gets a tile
//     in round trips of threads x bytes per request x requests in flight, each costing the
//     access's latency, and loads its tiles one after the other (Little's law per CTA);
//     such a kernel takes at least the closed queueing network its resident CTAs form on an SM
//     (queueing.h: Z their round trips' latency, D their warp-instructions on a sub-partition),
//     round after round; the cycles beyond the event loop's are load latency;
//   - a CUDA-core GEMM takes the longer of its FMAs at the vector rate and its warp-instructions
//     (KernelIssue::insts_per_fma) at the issue rate of a sub-partition with the kernel's resident
//     warps (GpuSpec::cuda_core_cycles_per_inst*);
//   - compute ops run on the SM's tensor, vector (FP32 and special-function) and SRAM pipes,
//     shared first-come-first-served by the CTAs resident on that SM, so one CTA's softmax runs
//     under another's GEMMs;
//   - steady-state skip (cfg.steady_state_skip; steady_skip.h; docs/speed.md), with the L2 model or
//     without it on a GPU that has an L2 (paper mode: the time alone; KernelRun::skippable), for
//     kernels of kSkipMinWaves waves or more and kSkipMinHeads heads or more (or heads of kSkipMinHeadWaves waves or more each,
//     or any heads where every CTA does the same work and none shares a tile)
//     whose CTAs move about the same bytes
//     (kSkipUniformShare): every window of W CTAs launched
//     (W the fewest whole heads, ctas_per_head CTAs each, filling kSkipWindowWaves waves and moving
//     kSkipWindowL2Bytes L2s; where no two CTAs move one tile, kSkipRowWindowL2Bytes, and where
//     every CTA also does the same work, whole waves, not heads) the loop
//     compares the last two windows and the last two spans of K windows (kSkipSpanL2Bytes,
//     kSkipRowSpanL2Bytes and kSkipRowSpanWaves); when
//     their cycles and HBM bytes agree within kSkipTolerance, it skips j whole windows (keeping
//     the CTAs in flight, kSkipTailWaves waves and the rest exact; in a kernel of fewer than
//     kSkipFreeWaves waves whose last window launched its CTAs in groups, j multiples of
//     lcm(ctas_per_head, slots) instead: whole waves): the skipped CTAs cost what the windows
//     checked (and those before them
//     within kSkipStretch) did per byte moved, cycles, counts and sums; the CTAs in
//     flight go on as the CTAs j W further on (the same blocks of other heads, or other CTAs of
//     the same work: their ops differ only in where their bytes lie), and the L2 is first given
//     the tiles the skipped CTAs would have left in it (the distinct tiles of the CTAs before the resumption, most recent last, until they hold
//     twice the L2's data bytes; MemorySystem::warm); with a timeline, only once it is full
//     (timeline_cap events: the viewer's timeline shows the CTAs it has recorded as they ran);
//   - iteration skip (the same switch), for the kernels the skip above leaves whole whose CTAs run
//     kSkipMinIterations iterations or more whose loops a causal mask leaves alone (cfg.uniform_loops:
//     no mask, or KernelTrace::dense_loops; FA1's one CTA per head, vanilla's P V GEMM at long
//     rows): windows of whole loop periods of every slot that move kSkipWindowL2Bytes times the
//     L2's data bytes, marked by iterations ended; when the last two spans of K windows agree as
//     above (bytes made dirty, not write-backs: WritebackCheck::made), no CTA launched or retired
//     in them, the last agrees with the end of the wave before where the marks hold it
//     (KernelRun::ends_alike) and the L2's dirty bytes did not grow, the CTAs in flight are cut
//     by one time: each drops the iterations not yet cut from its stream that it runs in that
//     time at its own pace, in whole loop periods (keeping as many at its end as it ran in the
//     last span, in both spans in the last wave or once a wave's end drifted), and the kernel's
//     time, counts and sums grow by what the spans did per byte moved; where CTAs share tiles
//     the L2 is warmed with the tiles the dropped iterations used last;
//   - warpgroups = 2 (FA3): each iteration's work is split between two consumer warpgroups that
//     share the SM's pipes (ping-pong), and within a warpgroup op j of iteration k + 1 waits
//     only for op j - 1 of k + 1 and op j of k (the intra-warpgroup pipeline: the next Q.K^T
//     GEMM is issued while this block's softmax runs).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "sim/engine/memory_system.h"
#include "sim/engine/occupancy.h"
#include "sim/engine/timing_result.h"

namespace flashsim {

struct KernelSimConfig {
    int64_t stages = 1;
    int warpgroups = 1;  // 2: FA3 ping-pong
    bool intra_warpgroup_pipeline = true;  // FA3: the next iteration's first GEMM under this softmax
    double clock_hz = 0;  // the kernel's clock under load (cycles of it); 0: GpuSpec::clock_hz
    double tensor_flops_per_s = 0;
    uint32_t kernel_index = 0;
    // Skip the middle of a kernel of many waves once its waves repeat (steady_state_skip below).
    bool steady_state_skip = false;
    // The CTAs' loops do the same work in every pass (no causal mask, or a kernel that ignores it:
    // KernelTrace::dense_loops): what the iteration skip needs (under a causal mask a fused
    // kernel's sweeps shorten or lengthen as it goes, and the L2's contents with them).
    bool uniform_loops = false;
    std::vector<TimelineEvent>* timeline = nullptr;  // null: no timeline
    size_t timeline_cap = 0;
    bool* timeline_truncated = nullptr;
};

// Sums over CTAs, in cycles, that the report turns into a breakdown.
struct KernelSimStats {
    double cycles = 0;
    Occupancy occ;
    int64_t slots = 0;
    double waves = 0;
    double tail_idle_slot_cycles = 0;    // slot time idle after the slot's last CTA, to kernel end (and
                                         // the slots of SMs no CTA reached, the whole kernel)
    int64_t idle_sms = 0;                // SMs no CTA reached: fewer CTAs than SMs (FA1's one CTA a head)
    double stall_latency_cycles = 0;     // CTA waiting for loads: the latency part
    double stall_transfer_cycles = 0;    // CTA waiting for loads: the bytes / bandwidth-share part
    double compute_exposed_cycles = 0;   // compute with no load of the CTA in flight
    // One warpgroup's compute (every engine but FA3's ping-pong), summed over CTAs: all of it, its
    // matmuls, and its element-wise ops (softmax, rescaling), which issue in series with them.
    double compute_cycles = 0;
    double compute_matmul_cycles = 0;
    double compute_vector_cycles = 0;
    double prefetch_hidden_cycles = 0;   // load time overlapped with the CTA's own compute
    double cta_lifetime_cycles = 0;      // sum of CTA lifetimes
    double wg_serial_cycles = 0;         // FA3: compute ops one after another
    double wg_span_cycles = 0;           // FA3: compute as scheduled over two warpgroups
    double tensor_busy_cycles = 0;       // summed over SMs
    double cta_launch_cycles = 0;        // CTAs waiting for their SM to start them (cta_launch_ns)
    double clock_hz = 0;                 // the clock the cycles count
    // Warp-instructions the issue model charged (CUDA-core GEMMs, softmax, elementwise load loops):
    // every instruction of a kernel whose threads issue everything on CUDA cores (its KernelIssue
    // has elementwise loads), a part of a tensor-core kernel's (MMA, ldmatrix, TMA not counted).
    double warp_instructions = 0;
    double elementwise_latency_cycles = 0;  // elementwise loads: the round trips' latency, summed over CTAs
    // Kernels that issue everything on CUDA cores, summed over CTAs: the cycles charged to the SM's
    // issue server (the resident warps' rate), and the cycles a CTA's own warps take beyond that
    // (one warp per sub-partition issues slower than the server's share: latency, not demand).
    double issue_demand_cycles = 0;
    double issue_own_excess_cycles = 0;
    // Elementwise loads: the bytes the CTAs resident on one SM keep in flight (threads x bytes per
    // request x requests in flight, KernelIssue), the Little's-law limit the bottleneck line names.
    double bytes_in_flight_per_sm = 0;
    int64_t resident_ctas_per_sm = 0;  // the CTAs an SM holds at once (occupancy, or fewer CTAs than slots)
    // CTAs the steady-state skip did not simulate: their time, counts and sums above are those of
    // the last simulated window times the windows skipped (0: every CTA simulated).
    int64_t skipped_ctas = 0;
    // Iterations the iteration skip did not simulate, summed over CTAs (steady_skip.h,
    // kSkipMinIterations): likewise extrapolated.
    int64_t skipped_iterations = 0;
};

KernelSimStats simulate_kernel(const KernelTrace& k, const GpuSpec& g, MemorySystem& mem, const KernelSimConfig& cfg,
                               Counters& l2_counts);

// The tensors whose loads of kernel k go through the SMs' L1 on GPU g, a bit per tensor: where
// its loads are element-wise (ld.global) and the GPU has an L1, those of which one head's CTAs
// load some tile twice (one CTA or two), the only ones an L1 can hit on; none otherwise.
uint64_t l1_tensors(const KernelTrace& k, const GpuSpec& g);
// Whether some of kernel k's loads go through the SMs' L1 on GPU g (l1_cache.h): l1_tensors has
// one, and the resident CTAs' SRAM leaves the L1 room. Where they do, which loads hit goes with how
// the CTAs of an SM keep in step, which the sampled L2's per-transfer estimates move (timing.h,
// plan_l2).
bool loads_through_l1(const KernelTrace& k, const GpuSpec& g);

}  // namespace flashsim
