// memory_system.h: the shared parts of the machine the timing engine charges transfers to.
//
//   Server        a first-come-first-served resource with a bandwidth: a request of `service`
//                 cycles arriving at t starts at max(t, free) and ends `service` later. Concurrent
//                 requests therefore share the bandwidth (their total never exceeds it), and the
//                 wait is the contention.
//   AddressMap    a base address per tensor; element (bh, row, col) of a tensor lies at
//                 base + ((bh * rows + row) * cols + col) * elem_bytes (TensorShape in trace.h).
//   MemorySystem  global loads, stores and atomics of one SM: through the L2 model (when on) to
//                 HBM, each costing latency + bytes over the share of bandwidth it gets.
//
// Contract: every time is in cycles of the clock set_clock() gave (GpuSpec::clock_hz unless the
// engine sets a kernel's clock under load). A load that reads HBM costs
// hbm_latency_cycles (pointer-chasing latency from the SM, L2 lookup included), one served by L2
// costs l2_latency_cycles; the bandwidth part is the latest of the SM's L2 port, the L2 and HBM
// servers. Without an L2 (teaching preset, paper mode) a transfer costs exactly
// hbm_latency_cycles + bytes / (hbm_stream_bytes_per_s() / clock_hz) when it has HBM to itself.
#pragma once
#include <algorithm>
#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <queue>
#include <vector>

#include "sim/engine/counters.h"
#include "sim/engine/l1_cache.h"
#include "sim/engine/l2_cache.h"
#include "sim/engine/l2_coalescer.h"
#include "sim/gpu/gpu_spec.h"
#include "sim/trace/trace.h"

namespace flashsim {

struct Server {
    double free_cycles = 0;
    double busy_cycles = 0;
    double wait_cycles = 0;  // total time requests waited behind others (contention)
    // Returns the end of service of a request arriving at `t` that needs `service` cycles.
    double serve(double t, double service) {
        if (service <= 0) return t;
        const double start = std::max(t, free_cycles);
        wait_cycles += start - t;
        free_cycles = start + service;
        busy_cycles += service;
        return free_cycles;
    }
};

class AddressMap {
public:
    AddressMap(const TensorShapes& shapes, int64_t heads);
    // Calls f(addr, bytes) for each contiguous run of the op's tile (one run when the tile spans
    // whole rows, else one per row).
    template <class F>
    void for_each_run(const Op& op, F&& f) const {
        const TensorShape& s = shapes_[size_t(op.tensor)];
        const uint64_t es = uint64_t(s.elem_bytes), row_bytes = uint64_t(s.cols) * es;
        const uint64_t first = base_[size_t(op.tensor)] + (uint64_t(op.bh) * uint64_t(s.rows) + op.row0) * row_bytes +
                               uint64_t(op.col0) * es;
        if (int64_t(op.cols) == s.cols) {
            f(first, uint64_t(op.rows) * row_bytes);
            return;
        }
        for (uint32_t r = 0; r < op.rows; ++r) f(first + r * row_bytes, uint64_t(op.cols) * es);
    }

private:
    TensorShapes shapes_;
    std::array<uint64_t, kTensorCount> base_{};
};

// Result of one global transfer.
struct TransferTiming {
    double done_cycles = 0;       // when the data has arrived (load) or landed (store)
    double latency_cycles = 0;    // the latency part: HBM's when any sector missed, else L2's
    // The mean latency of this transfer's requests (L2's plus the share that missed times the
    // extra of HBM's): what one round trip of an elementwise load pays (KernelIssue).
    double mean_latency_cycles = 0;
    double wait_cycles = 0;       // time spent queued behind other transfers
    uint64_t hbm_read_bytes = 0;  // this transfer's misses
};

// Bytes an op sends to the L2 in requests, before any L1 or coalescing: a quarter-sector store
// sends each sector 4 times (kOpQuarterSectors), a half-sector store twice (kOpHalfSectors).
inline uint64_t l2_request_bytes(const Op& op) {
    return (op.flags & kOpQuarterSectors) ? 4 * op.bytes : (op.flags & kOpHalfSectors) ? 2 * op.bytes : op.bytes;
}

// Steps of the fixed point between a request's latency under load and its own share of that load
// (MemorySystem::hbm_loaded_latency), from the idle latency: for transfers of up to 64 KiB, 4 steps
// land within 0.003% of the solved fixed point at any load up to the stream fraction; a transfer of
// 1 MiB, whose own bytes dominate its load, lands up to 18% short of it.
constexpr int kHbmLatencySteps = 4;
// The single-server queue's wait, rho / (1 - rho), has no bound as the HBM load rho nears 1 (a
// GPU whose hbm_stream_fraction is 1: the datasheet's bandwidth reached). Past this load the wait
// is the HBM server's own queue, which the transfer already waited.
constexpr double kHbmMaxQueueLoad = 0.99;

// How a CTA's global op travels (MemorySystem::transfer's `route`, bits).
constexpr uint32_t kRouteThroughL1 = 1;  // a load looks up its SM's L1 first
constexpr uint32_t kRouteFirstWave = 2;  // from a CTA launched at the kernel's start

class MemorySystem {
public:
    // `with_l2`: run global accesses through the L2 model (else every access is an HBM access,
    // except kOpReuse loads, which the papers' model serves on chip).
    // `l2_sample_every`: L2 set sampling (1 = every set, the exact model; see l2_cache.h).
    MemorySystem(const GpuSpec& g, const TensorShapes& shapes, int64_t heads, bool with_l2, int64_t granule_bytes,
                 int64_t l2_sample_every = 1);

    // One global op (load, store or atomic_add) of a CTA on SM `sm` issued at `t`. Adds its
    // L2-mode traffic to `c` when the L2 is on. `route` (bits): kRouteThroughL1, a load looks up
    // SM sm's L1 first (set_l1), only its misses reach the L2 (Traffic::l1_hit_bytes counts the
    // rest), a store drops what it writes from that L1. Loads that reach the L2 pass its request
    // coalescer first (l2_coalescer.h): coalesced bytes are not in global_read_bytes
    // (Traffic::l2_coalesced_bytes): with kRouteFirstWave (a CTA of the kernel's first wave) they
    // coalesce with those of the first wave's CTAs on its TPC's two SMs; other loads are not
    // coalesced.
    // `round_trips` > 0: an elementwise load whose bytes arrive in this many round trips, one
    // after another from `trips_from` (KernelIssue); its HBM bytes load HBM over that time, not
    // all at `t` (the HBM latency under load, GpuSpec::hbm_queue_ns).
    // `cta`: the CTA's index in the kernel (a sampled run may time an element-wise load of a
    // first-wave CTA by its TPC partner's, pair_estimate).
    TransferTiming transfer(const Op& op, int64_t sm, double t, Counters& c, uint32_t route = 0, double round_trips = 0,
                            double trips_from = 0, int64_t cta = -1);
    // The L1 of each SM for the next kernel, empty, of `bytes_per_sm` (l1_bytes_left); 0: none.
    void set_l1(int64_t bytes_per_sm);

    // Kernel boundary: returns dirty bytes dropped by a flush (0 when not flushing) and moves
    // the evictions' write-backs into `c`.
    uint64_t end_kernel(Counters& c, bool flush);
    uint64_t dirty_bytes() const { return l2_ ? l2_->dirty_bytes() : 0; }
    void reset_servers(int64_t sm_count);
    // The SM clock cycles are counted in (a kernel's clock under load): bandwidths in bytes/s
    // become bytes per cycle of it. The constructor sets GpuSpec::clock_hz.
    void set_clock(double clock_hz);
    bool with_l2() const { return bool(l2_); }
    int64_t granule_bytes() const { return l2_ ? l2_->granule_bytes() : 0; }
    int64_t l2_sample_every() const { return l2_ ? l2_->sample_every() : 1; }
    L2Cache::SamplingError l2_sampling_error() const { return l2_ ? l2_->sampling_error() : L2Cache::SamplingError{}; }

    // The steady-state skip (kernel_skip.cpp, docs/speed.md). The dirty bytes the L2 has written
    // back so far in this kernel, per tensor (end_kernel moves them into the kernel's counts).
    const std::array<uint64_t, kTensorCount>& writebacks_so_far() const;
    // Looks op's tile up in the L2 as a load (dirty = false) or a store would, charging no time and
    // counting nothing, write-backs of the granules it evicts included: leaves the L2 holding what
    // the skipped CTAs would have left. A no-op without the L2 model. A load leaves the copies of
    // both partitions (the partition hop, l2_cache.h: the skipped CTAs read from both).
    void warm(const Op& op, bool dirty);
    std::array<uint64_t, kTensorCount> dirty_bytes_by_tensor() const {
        return l2_ ? l2_->dirty_bytes_by_tensor() : std::array<uint64_t, kTensorCount>{};
    }
    // Whether the L2 is modelled: a skip then warms it (MemorySystem::warm). Without it (paper
    // mode: every global access an HBM access but an ideal GEMM's re-reads, transfer above) a
    // skip extrapolates the time alone (the run's bytes are the counting layer's, the papers' IO
    // model) and has no cache to warm. The L1s are
    // neither warmed nor cleared by a skip: after an iteration skip a CTA's next tiles are new to
    // its L1 as they would have been; after a steady-state skip the CTAs that go on as other
    // heads' find the lines of the heads before the cut, which they never read again, so at most
    // one L1 per SM of hits is missed a skip. The request coalescer's entries outlive their
    // window by the skipped time (they merge nothing after it). The skipped work's L1 hits and
    // coalesced requests are the span's shares of its requests (KernelRun::extrapolate).
    bool models_l2() const { return l2_ != nullptr; }
    // The bytes of loads the request coalescer merged so far, per tensor (in the kernel's counts
    // as l2_coalesced_bytes, beside the multicast reads).
    const std::array<uint64_t, kTensorCount>& coalesced_so_far() const { return lrc_bytes_; }
    // Adds a skip's estimate of what the work not simulated coalesced (marks after it agree).
    void count_coalesced(size_t tensor, uint64_t bytes) { lrc_bytes_[tensor] += bytes; }

    Server hbm, l2;
    std::vector<Server> sm_port;  // each SM's path to L2 (its share of L2 bandwidth)

private:
    // The HBM bytes and latency a transfer is timed with (exact: its own; sampled: see the .cpp).
    struct HbmEstimate {
        double read_bytes = 0, write_bytes = 0;
        bool missed = false;
    };
    // A store's partly written sectors, the only ones it fetches from HBM: the first and the last
    // sector of each row it writes (its two ends: [0] and [1]), counted when sampled only. In sampled
    // sets, how many, and how many of those the L2 did not hold (fetched); in others, how many.
    struct StoreEdges {
        std::array<int64_t, 2> sampled{}, fetched{}, unsampled{};
    };
    HbmEstimate hbm_estimate(const Op& op, const L2Access& a, uint64_t sector_span_bytes, uint64_t granule_span,
                             const StoreEdges& edges);
    struct SampledRatio {
        double sampled_bytes = 0, read_bytes = 0, write_bytes = 0, granules = 0;
        // Stores, per end of their rows: edges in sampled sets and how many of them were fetched;
        // stores with such edges at that end and how many fetched one there; and the carry of
        // the chances that stores with edges in no sampled set fetched one (hbm_estimate).
        std::array<double, 2> edges{}, edges_fetched{}, ends{}, ends_fetched{};
        double miss_carry = 0;
        double l1_looked_up_bytes = 0, l1_hit_bytes = 0;  // loads through a sampled L1 (l1_hits)
    };
    // Per tensor: loads, stores; the kernel's own accesses (end_kernel clears them).
    std::array<std::array<SampledRatio, 2>, kTensorCount> ratio_{};
    // A sampled run's element-wise first-wave loads through the coalescer, per TPC pair of CTAs
    // (2p, 2p + 1, on SMs 2p and 2p + 1 modulo the SMs: TPC p's two): the last loads' estimates, by
    // tensor and the CTA's count of its loads of that tensor; the partner's load of the same count
    // and tensor from another address (its own tile) takes the same estimate (pair_estimate).
    struct PairEntry {
        uint64_t key = 0, addr = 0;
        int64_t cta = -1;
        double read_share = 0, write_share = 0;  // per sector span byte, per granule
        bool missed = false;
    };
    static constexpr size_t kPairEntries = 16;
    std::vector<std::array<PairEntry, kPairEntries>> pairs_;
    std::vector<std::array<uint32_t, kTensorCount>> pair_loads_;  // per first-wave CTA
    void pair_estimate(HbmEstimate& h, const Op& op, int64_t cta, uint64_t addr, bool merged, uint64_t sector_span_bytes,
                       uint64_t granule_span);
    // The bytes of a load through the L1 that hit: those seen where every granule was looked up;
    // else, with the L1 sampled (l1_cache.h), the hit share of the bytes looked up, or, when none
    // was, of the tensor's loads so far in this kernel (as hbm_estimate's ratios), times its bytes.
    uint64_t l1_hits(const Op& op, const L1Read& seen, uint64_t read_bytes);

    // The latency of a request of SM `sm` that reaches HBM at `t` with `hbm_bytes` after waiting
    // `server_wait` cycles behind others at the HBM server (its service ending `service_cycles`
    // after t; round_trips as transfer()'s, whose round trips do not count that wait):
    // hbm_latency_cycles plus what the queues' waits at the load it finds add to server_wait (the
    // larger of the two is the wait):
    // (GpuSpec::hbm_queue_ns + GpuSpec::hbm_sm_queue_ns x share) x rho / (1 - rho). rho: the byte
    // rates of the transfers in flight at t (each transfer's HBM bytes spread over its time in
    // flight), its own included, over the datasheet bandwidth, at most hbm_stream_fraction; share:
    // SM sm's rates over an even share of them (the GPU's / sm_count), at most 1.
    double hbm_loaded_latency(double t, int64_t sm, double server_wait, double hbm_bytes, double round_trips,
                              double service_cycles);
    // Records transfer r's HBM bytes (SM sm's, issued at t; round_trips and trips_from as
    // transfer()'s) as a flow of bytes per cycle over its time in flight.
    void hbm_in_flight(const TransferTiming& r, int64_t sm, double t, double hbm_bytes, double round_trips, double trips_from);
    struct Flow {
        double t, rate;  // from t on, the HBM load of SM sm changes by rate (bytes per cycle)
        int32_t sm;
        bool operator>(const Flow& o) const { return t > o.t; }
    };
    std::priority_queue<Flow, std::vector<Flow>, std::greater<Flow>> hbm_flows_;
    double hbm_flow_rate_ = 0;          // bytes per cycle in flight now (the flows started, not yet ended)
    std::vector<double> sm_flow_rate_;  // the same per SM
    double hbm_peak_bytes_per_cycle_ = 0, hbm_queue_cycles_ = 0, hbm_sm_queue_cycles_ = 0;
    bool hbm_queues() const { return hbm_queue_cycles_ > 0 || hbm_sm_queue_cycles_ > 0; }  // HBM latency grows with load

    const GpuSpec& g_;
    AddressMap map_;
    std::unique_ptr<L2Cache> l2_;
    std::unique_ptr<L1Caches> l1_;
    std::array<uint64_t, kTensorCount> lrc_bytes_{};  // coalesced_so_far
    std::unique_ptr<L2Coalescer> lrc_;  // reads coalesced before the L2's tags (GpuSpec::l2_coalesce_window_ns)
    double hbm_bytes_per_cycle_, l2_bytes_per_cycle_, port_bytes_per_cycle_;
};

// The L2 set sampling of a run (docs/speed.md): SimOptions::l2_set_sampling when set, 1 with
// SimOptions::exact; else the largest power of two S <= `most` dividing the L2's sets such that
// the sampled sets still see kMinSampledGranules distinct granules of the tensors the trace
// touches (its footprint: each tensor's size, or its paper-mode global bytes when fewer), which
// keeps the estimate's relative error near 1 / sqrt(kMinSampledGranules) = 0.14%; 1 (every set)
// for runs smaller than that. `most` is kMaxL2SetSampling, or kMaxL2SetSamplingUnfused for
// unfused attention whose rows of S span kMinRowGranulesPerSample granules or more at that rate
// (plan_l2; N >= 8192 at fp16 with 128-byte lines): their N x N matrices stream through the L2
// and every set misses alike, so 1 in 8 sets estimates about as well as 1 in 4 (vanilla and
// standard at N = 16384 on the h200 within 0.1% of `--exact` in bytes and 0.5% in time at
// either) and runs a third faster. With shorter rows the timing's estimate per transfer (a row's
// few sampled granules, hbm_estimate) drifts: standard's scaling kernel at N = 3541, B = 2 on the
// h100 (55 granules a row) +0.28% at 1 in 4 sets, +7.2% at 1 in 8. The fused algorithms re-read
// K and V from a working set near the L2's size, which a set keeps or loses whole: FA2's causal
// forward at B = 64, N = 15705, d = 128 on the h100 estimates its error at 0.005% at 1 in 4
// sets and 1.08% at 1 in 8, which runs it again with every set.
constexpr int64_t kMaxL2SetSampling = 4, kMaxL2SetSamplingUnfused = 8, kMinRowGranulesPerSample = 16;
constexpr uint64_t kMinSampledGranules = uint64_t(1) << 19;
// A run sampled by the automatic choice whose sampled HBM reads or write-backs come out with a
// relative standard error above this (L2Cache::sampling_error: whether a set keeps a working set
// near the L2's capacity is all or nothing, and then the sets, not the granules, are the sample)
// runs again with every set: twice it is the fast path's 0.5% bound on bytes (run_timing).
constexpr double kMaxSampledError = 0.0025;
// Traces with element-wise kernels (KernelIssue::elementwise_loads) are sampled automatically only
// when they are unfused attention whose N x N matrix of all heads is at least this many times
// the L2's data bytes (plan_l2, sim/engine/timing.cpp).
constexpr double kMinSampledMatrixL2s = 2;
struct SimOptions;
int64_t l2_set_sampling_for(const GpuSpec& g, const TensorShapes& shapes, int64_t heads, const SimOptions& o,
                            int64_t granule_bytes, const Counters& paper_total, int64_t most = kMaxL2SetSampling);

}  // namespace flashsim
