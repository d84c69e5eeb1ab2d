// memory_system.cpp: tensor addresses and global transfers through L2 and HBM (memory_system.h).
#include "sim/engine/memory_system.h"

#include <cmath>

#include "sim/engine/simulate.h"

namespace flashsim {

namespace {
constexpr uint64_t kTensorAlignBytes = uint64_t(1) << 21;  // tensors start on 2 MiB boundaries, as allocators give
}

AddressMap::AddressMap(const TensorShapes& shapes, int64_t heads) : shapes_(shapes) {
    uint64_t next = kTensorAlignBytes;
    for (int i = 0; i < kTensorCount; ++i) {
        base_[size_t(i)] = next;
        const uint64_t bytes = uint64_t(heads) * uint64_t(shapes[size_t(i)].bytes());
        next += (bytes + kTensorAlignBytes - 1) / kTensorAlignBytes * kTensorAlignBytes;
    }
}

MemorySystem::MemorySystem(const GpuSpec& g, const TensorShapes& shapes, int64_t heads, bool with_l2, int64_t granule_bytes,
                           int64_t l2_sample_every)
    : g_(g), map_(shapes, heads) {
    if (with_l2)
        l2_ = std::make_unique<L2Cache>(g.l2_data_bytes(), g.l2_line_bytes, g.l2_sector_bytes, g.l2_ways, granule_bytes,
                                        l2_sample_every);
    if (with_l2 && g.l2_coalesce_window_ns > 0)
        lrc_ = std::make_unique<L2Coalescer>(l2_->granule_bytes(), (g.sm_count + 1) / 2, 0.0, kCoalescerEntriesPerSide);
    set_clock(g.clock_hz);
    reset_servers(g.sm_count);
}

void MemorySystem::set_clock(double clock_hz) {
    hbm_bytes_per_cycle_ = g_.hbm_stream_bytes_per_s() / clock_hz;
    if (lrc_) lrc_->set_window_cycles(g_.l2_coalesce_window_ns * 1e-9 * clock_hz);
    // l2_bytes_per_s = 0 means unlimited. Each SM's port to L2 gets an even share of the L2
    // bandwidth: an SM alone cannot pull the whole L2's bandwidth (A100: ~47 B/clk/SM of 5120).
    l2_bytes_per_cycle_ = g_.l2_bytes_per_s > 0 ? g_.l2_bytes_per_s / clock_hz : 0;
    port_bytes_per_cycle_ = l2_bytes_per_cycle_ > 0 ? l2_bytes_per_cycle_ / double(g_.sm_count) : 0;
    hbm_peak_bytes_per_cycle_ = g_.hbm_bytes_per_s / clock_hz;
    hbm_queue_cycles_ = g_.hbm_queue_ns * 1e-9 * clock_hz;
    hbm_sm_queue_cycles_ = g_.hbm_sm_queue_ns * 1e-9 * clock_hz;
}

double MemorySystem::hbm_loaded_latency(double t, int64_t sm, double server_wait, double hbm_bytes, double round_trips,
                                        double service_cycles) {
    if (!hbm_queues()) return g_.hbm_latency_cycles;
    // An elementwise load's bytes go to the HBM server at once, which bounds when the tile is in
    // but is not a wait of each round trip: its trips wait the queues' wait alone.
    if (round_trips > 0) server_wait = 0;
    // The HBM load a request finds: the byte rates of the transfers in flight at t, the whole
    // GPU's and its own SM's, and its own: its bytes over its time in flight (its round trips, or
    // its service and latency), which its latency lengthens (a few steps of the fixed point).
    while (!hbm_flows_.empty() && hbm_flows_.top().t <= t) {
        const Flow& f = hbm_flows_.top();
        hbm_flow_rate_ += f.rate;
        sm_flow_rate_[size_t(f.sm)] += f.rate;
        hbm_flows_.pop();
    }
    // HBM serves at most hbm_stream_fraction of the datasheet: a burst above it is the server's
    // queue, already in server_wait. An SM's load is over its share of the datasheet bandwidth.
    const double cap = std::min(g_.hbm_stream_fraction, kHbmMaxQueueLoad), sms = double(g_.sm_count);
    double latency = g_.hbm_latency_cycles;
    for (int step = 0; step < kHbmLatencySteps; ++step) {
        const double own = hbm_bytes / std::max(1.0, round_trips > 0 ? round_trips * latency : service_cycles + latency);
        const double load = (hbm_flow_rate_ + own) / hbm_peak_bytes_per_cycle_;
        const double rho = std::clamp(load, 0.0, cap);
        // The SM's share of the load against an even share: an SM that keeps at least its share in
        // flight waits behind its own requests too.
        const double sm_load = (sm_flow_rate_[size_t(sm)] + own) * sms / hbm_peak_bytes_per_cycle_;
        const double share = load > 0 ? std::clamp(sm_load / load, 0.0, 1.0) : 0.0;
        const double queue = (hbm_queue_cycles_ + hbm_sm_queue_cycles_ * share) * rho / (1 - rho);
        latency = g_.hbm_latency_cycles + std::max(0.0, queue - server_wait);
    }
    return latency;
}

void MemorySystem::hbm_in_flight(const TransferTiming& r, int64_t sm, double t, double hbm_bytes, double round_trips,
                                 double trips_from) {
    if (!hbm_queues() || !(hbm_bytes > 0)) return;
    // A bulk transfer's bytes are in flight from its issue to its arrival; an elementwise load's
    // over its round trips.
    const double from = round_trips > 0 ? trips_from : t;
    const double to = std::max(from + 1.0, round_trips > 0 ? trips_from + round_trips * r.mean_latency_cycles : r.done_cycles);
    const double rate = hbm_bytes / (to - from);
    hbm_flows_.push(Flow{from, rate, int32_t(sm)});
    hbm_flows_.push(Flow{to, -rate, int32_t(sm)});
}

void MemorySystem::reset_servers(int64_t sm_count) {
    hbm = Server{};
    l2 = Server{};
    sm_port.assign(size_t(sm_count), Server{});
    hbm_flows_ = {};
    hbm_flow_rate_ = 0;
    sm_flow_rate_.assign(size_t(sm_count), 0.0);
}

void MemorySystem::set_l1(int64_t bytes_per_sm) {
    l1_.reset();
    if (l2_ && bytes_per_sm > 0)
        l1_ = std::make_unique<L1Caches>(g_.sm_count, bytes_per_sm, std::min<int64_t>(l2_->granule_bytes(), 64 * g_.l2_sector_bytes),
                                         g_.l2_sector_bytes, l2_.get());
}

TransferTiming MemorySystem::transfer(const Op& op, int64_t sm, double t, Counters& c, uint32_t route, double round_trips,
                                      double trips_from, int64_t cta) {
    TransferTiming r;
    const double bytes = double(op.bytes);
    auto per = [](double b, double rate) { return rate > 0 ? b / rate : 0.0; };
    if (!l2_) {
        // The papers' model: every global access is an HBM access, except the re-reads an ideal
        // GEMM serves on chip (kOpReuse), which cost an L2 trip where the GPU has one.
        if (op.kind == OpKind::load && (op.flags & (kOpReuse | kOpMulticast))) {
            const double end = l2_bytes_per_cycle_ > 0 ? l2.serve(t, per(bytes, l2_bytes_per_cycle_)) : t;
            r.latency_cycles = g_.l2_bytes > 0 ? g_.l2_latency_cycles : g_.sram_latency_cycles;
            r.mean_latency_cycles = r.latency_cycles;
            r.wait_cycles = 0;
            r.done_cycles = end + r.latency_cycles;
            return r;
        }
        const double before = hbm.wait_cycles;
        const double hbm_bytes = op.kind == OpKind::atomic_add ? 2 * bytes : bytes;  // read + write
        const double end = hbm.serve(t, per(hbm_bytes, hbm_bytes_per_cycle_));
        r.wait_cycles = hbm.wait_cycles - before;
        r.latency_cycles = hbm_loaded_latency(t, sm, r.wait_cycles, hbm_bytes, round_trips, end - t);
        r.mean_latency_cycles = r.latency_cycles;
        r.done_cycles = end + r.latency_cycles;
        hbm_in_flight(r, sm, t, hbm_bytes, round_trips, trips_from);
        r.hbm_read_bytes = op.kind == OpKind::store ? 0 : op.bytes;
        return r;
    }

    // Through the L2: look up every run of the tile, then charge the bandwidths.
    Traffic& tt = c.per_tensor[size_t(op.tensor)];
    if (op.kind == OpKind::load && (op.flags & kOpMulticast)) {
        // A cluster partner's read, multicast to this SM too: the bytes cross the SM's port and
        // arrive as an L2 hit would; the L2's tags see one request, the partner's.
        tt.l2_coalesced_bytes += op.bytes;
        r.done_cycles = sm_port[size_t(sm)].serve(t, per(bytes, port_bytes_per_cycle_)) + g_.l2_latency_cycles;
        r.latency_cycles = r.mean_latency_cycles = g_.l2_latency_cycles;
        return r;
    }
    L2Access a;
    uint64_t sector_span_bytes = 0;  // the sectors the op touches (what sampled_bytes samples)
    uint64_t granule_span = 0;       // the granules it touches (what L2Access::granules samples)
    StoreEdges edges;
    const bool count_edges = op.kind == OpKind::store && l2_->sample_every() > 1;
    // Fetch every run's set first, then look up: the host-memory misses of a tile's rows (vanilla's
    // S and P tiles are 64 rows of 128 bytes) overlap. Changes no result.
    if (l2_->worth_prefetching()) map_.for_each_run(op, [&](uint64_t addr, uint64_t len) { l2_->prefetch(addr, len); });
    const bool l1 = (route & kRouteThroughL1) && l1_;
    uint64_t l1_hit_bytes = 0;
    if (l1 && op.kind != OpKind::load) map_.for_each_run(op, [&](uint64_t addr, uint64_t len) { l1_->invalidate(sm, addr, len); });
    if (l1 && op.kind == OpKind::load && l1_->worth_prefetching())
        map_.for_each_run(op, [&](uint64_t addr, uint64_t len) { l1_->prefetch(sm, addr, len); });
    // The SM's L2 partition (l2_cache.h, the partition hop): TPCs (pairs of SMs) alternate. The
    // GPU's map is irregular (kernels/micro/l2_partition: 66 SMs each, in TPC pairs); what the hop
    // counts needs the halves, and a head's CTAs (placed on consecutive SMs) on both.
    const int side = g_.l2_partitions == 2 ? int((sm / 2) % 2) : -1;
    // A sector's offset and index by a mask and a shift (its bytes a power of two: GpuSpec's
    // check), not two 64-bit divisions a stored row of a sampled run (by perf, the lookup below
    // 17.4 -> 16.2% of vanilla's host time at N = 16384, 16 heads on the h200).
    const uint64_t sb = uint64_t(g_.l2_sector_bytes);
    const int sb_shift = __builtin_ctzll(sb);
    const auto sector_offset = [&](uint64_t a) { return a & (sb - 1); };
    const auto sector_of = [&](uint64_t a) { return a >> sb_shift; };
    auto l2_lookup = [&](uint64_t addr, uint64_t len) {
        if (count_edges) {  // before the write: whether the L2 holds the edges it is about to write
            auto edge = [&](size_t end, uint64_t at) {
                if (!l2_->sampled(at)) {
                    ++edges.unsampled[end];
                } else {
                    ++edges.sampled[end];
                    if (!l2_->holds_sector(at)) ++edges.fetched[end];
                }
            };
            const bool first_partial = sector_offset(addr) != 0, last_partial = sector_offset(addr + len) != 0;
            if (first_partial) edge(0, addr);
            if (last_partial && !(first_partial && sector_of(addr + len - 1) == sector_of(addr))) edge(1, addr + len - 1);
        }
        if (const uint64_t sectors = l2_->unsampled_sectors(addr, len)) {  // what the lookup would count
            sector_span_bytes += sectors * sb;
            ++granule_span;
            return;
        }
        L2Access x = op.kind == OpKind::load    ? l2_->read(addr, len, op.tensor, side)
                     : op.kind == OpKind::store ? l2_->write(addr, len, op.tensor)
                                                : l2_->atomic(addr, len, op.tensor);
        a.hit_bytes += x.hit_bytes;
        a.hbm_read_bytes += x.hbm_read_bytes;
        a.hbm_write_bytes += x.hbm_write_bytes;
        a.sampled_bytes += x.sampled_bytes;
        a.hop_bytes += x.hop_bytes;
        a.granules += x.granules;
        sector_span_bytes += x.sectors_touched * sb;
        granule_span += x.granules_touched;
    };
    // A load's requests pass the request coalescer on their way to the tags; the model coalesces
    // those of the first wave's CTAs on the two SMs of a TPC (l2_coalescer.h says why not others).
    uint64_t coalesced_bytes = 0, merged_bytes = 0, read_bytes = 0;
    L1Read l1_seen;
    const bool lrc = lrc_ && op.kind == OpKind::load && (route & kRouteFirstWave);
    // The coalescer's table (kCoalescerEntriesPerSide for each TPC) outgrows the host's caches
    // too: its entries are fetched first, as the L2's sets above. Changes no result.
    if (lrc && lrc_->worth_prefetching()) map_.for_each_run(op, [&](uint64_t addr, uint64_t) { lrc_->prefetch(addr, sm / 2); });
    auto to_l2 = [&](uint64_t addr, uint64_t len) {
        if (lrc) merged_bytes += lrc_->coalesced(addr, len, sm / 2, t, l2_lookup);
        else l2_lookup(addr, len);
    };
    uint64_t first_addr = ~uint64_t(0);  // where the op starts (pair_estimate)
    if (l1 && op.kind == OpKind::load) {
        map_.for_each_run(op, [&](uint64_t addr, uint64_t len) {
            first_addr = std::min(first_addr, addr);
            const L1Read x = l1_->read(sm, addr, len, to_l2);
            l1_seen.hit_bytes += x.hit_bytes;
            l1_seen.looked_up_bytes += x.looked_up_bytes;
            read_bytes += len;
        });
    } else {
        map_.for_each_run(op, [&](uint64_t addr, uint64_t len) {
            first_addr = std::min(first_addr, addr);
            to_l2(addr, len);
            read_bytes += len;
        });
    }
    if (op.kind == OpKind::load && (l1 || lrc)) {
        // A sampled L1 (the L2's sets, l1_cache.h): its hits are an estimate for all the load's
        // bytes. The coalescer, exact, also saw the bytes the L1 passed on unlooked of which that
        // estimate makes hits: re-reads by the SM's other CTA, which the coalescer merges while
        // the first read is in flight; they are taken from its merges. The span of the granules
        // passed on unlooked, which the timing's HBM estimate scales, is scaled to the bytes
        // estimated to reach the tags.
        if (l1) l1_hit_bytes = l1_hits(op, l1_seen, read_bytes);
        if (lrc) {
            const uint64_t extra_hits = l1_hit_bytes - std::min(l1_hit_bytes, l1_seen.hit_bytes);
            coalesced_bytes = std::min(read_bytes - l1_hit_bytes, merged_bytes - std::min(merged_bytes, extra_hits));
        }
        const uint64_t passed = read_bytes - l1_seen.hit_bytes - merged_bytes,
                       reach = read_bytes - l1_hit_bytes - coalesced_bytes;
        if (reach != passed && passed > 0) {
            const double f = double(reach) / double(passed);
            sector_span_bytes = uint64_t(std::llround(f * double(sector_span_bytes)));
            granule_span = uint64_t(std::llround(f * double(granule_span)));
        }
    }
    tt.hbm_read_bytes += a.hbm_read_bytes;  // write-backs are charged to their owners at end_kernel
    tt.l1_hit_bytes += l1_hit_bytes;
    tt.l2_coalesced_bytes += coalesced_bytes;
    lrc_bytes_[size_t(op.tensor)] += coalesced_bytes;
    tt.l2_hop_bytes += a.hop_bytes;
    // Bytes the SM sends to L2 in requests (l2_request_bytes); L1 hits send none.
    const uint64_t request_bytes = l2_request_bytes(op) - l1_hit_bytes;
    if (op.kind == OpKind::load) tt.global_read_bytes += request_bytes - coalesced_bytes;
    else tt.global_write_bytes += request_bytes;
    if (op.kind == OpKind::atomic_add) tt.atomic_bytes += op.bytes;

    // An atomic is a read and a write at the L2 slice; coalesced reads take no L2 bandwidth.
    const double l2_bytes = op.kind == OpKind::atomic_add ? 2 * bytes : double(request_bytes - coalesced_bytes);
    const double waits_before = hbm.wait_cycles + l2.wait_cycles + sm_port[size_t(sm)].wait_cycles;
    double end = sm_port[size_t(sm)].serve(t, per(double(request_bytes), port_bytes_per_cycle_));
    end = std::max(end, l2.serve(t, per(l2_bytes, l2_bytes_per_cycle_)));
    HbmEstimate h = hbm_estimate(op, a, sector_span_bytes, granule_span, edges);
    if (lrc && cta >= 0 && round_trips > 0 && l2_->sample_every() > 1)
        pair_estimate(h, op, cta, first_addr, merged_bytes > 0, sector_span_bytes, granule_span);
    const double hbm_bytes = h.read_bytes + h.write_bytes;
    // Reads and write-backs of one transfer interleave on the bus: their turnarounds cost extra.
    const double mix = hbm_bytes > 0 ? 2 * std::min(h.read_bytes, h.write_bytes) / hbm_bytes : 0.0;
    const double hbm_waits_before = hbm.wait_cycles;
    if (hbm_bytes > 0)
        end = std::max(end, hbm.serve(t, per(hbm_bytes * (1 + g_.hbm_read_write_mix_penalty * mix), hbm_bytes_per_cycle_)));
    r.wait_cycles = hbm.wait_cycles + l2.wait_cycles + sm_port[size_t(sm)].wait_cycles - waits_before;
    const double hbm_latency = hbm_bytes > 0 ? hbm_loaded_latency(t, sm, hbm.wait_cycles - hbm_waits_before, hbm_bytes,
                                                                  round_trips, end - t)
                                             : g_.hbm_latency_cycles;
    r.latency_cycles = h.missed ? hbm_latency : g_.l2_latency_cycles;
    const double missed = op.kind == OpKind::store || bytes <= 0 ? 0.0 : std::min(1.0, h.read_bytes / bytes);
    r.mean_latency_cycles = g_.l2_latency_cycles + missed * (hbm_latency - g_.l2_latency_cycles);
    if (l1_hit_bytes > 0) {  // L1 hits cost the L1's latency; an op all of whose bytes hit waits for nothing else
        const double l1_latency = g_.l1_latency_cycles > 0 ? g_.l1_latency_cycles : g_.sram_latency_cycles;
        const double hit = double(l1_hit_bytes) / bytes;
        r.mean_latency_cycles = hit * l1_latency + (1 - hit) * r.mean_latency_cycles;
        if (request_bytes == 0) r.latency_cycles = l1_latency;
    }
    // Requests the coalescer merged are answered with the first request's data (kernels/micro/
    // l2_merge: every SM receives all its sectors): they arrive when that does, if later.
    if (lrc) {
        const double first = lrc_->take_merged_end();
        if (first > end + r.latency_cycles) r.latency_cycles = first - end;
    }
    r.done_cycles = end + r.latency_cycles;
    r.hbm_read_bytes = a.hbm_read_bytes;
    hbm_in_flight(r, sm, t, hbm_bytes, round_trips, trips_from);
    if (lrc_) lrc_->complete(r.done_cycles);  // this load's requests are in flight until then
    return r;
}

// The two CTAs of a TPC in the first wave read in step (kernels/micro/sm_skew), and their shared
// tiles' requests coalesce while they stay so (l2_coalescer.h). In the exact model their own
// tiles' transfers (two query blocks' rows of P, say) miss alike, and the pair stays in step. In
// a sampled run each transfer's estimate is its own few sampled granules' share, noise that the
// exact model does not have, and where the loads are element-wise (KernelIssue: `round_trips`
// > 0) that share sets the latency of each of the CTA's round trips, so two transfers a few per
// cent apart move the pair apart for good: vanilla's causal forward at N = 5851, d = 128, 3 heads
// on the h200 with its GEMMs on CUDA cores (1 in 4 sets) coalesced 0.143 of V's reads against the
// exact run's 0.453, its L2 traffic 6.24% high (docs/speed.md, "A TPC's two CTAs take one
// estimate"). So such a load of CTA c that reached the tags whole takes the estimate of its
// partner's load of the same tensor and count when that came first from another address (its
// own tile, not one they share): one draw of the sampling for both, unbiased as each is, and the
// same time for the two. Counts and HBM bytes are the sampled lookups', as before. Bulk loads
// (tensor-core tiles in flight together) keep their own: there the partners' own tiles can differ
// in truth (vanilla's causal backward at N = 11247 on the h200 drifted further from the exact
// run's merges with the rule, 2.8 -> 4.0% in time).
void MemorySystem::pair_estimate(HbmEstimate& h, const Op& op, int64_t cta, uint64_t addr, bool merged,
                                 uint64_t sector_span_bytes, uint64_t granule_span) {
    if (size_t(cta) >= pair_loads_.size()) {
        pair_loads_.resize(size_t(cta) + 1, std::array<uint32_t, kTensorCount>{});
        pairs_.resize(size_t(cta) / 2 + 1);
    }
    const uint64_t key = (uint64_t(pair_loads_[size_t(cta)][size_t(op.tensor)]++) * kTensorCount + uint64_t(op.tensor)) + 1;
    if (merged) return;
    PairEntry& e = pairs_[size_t(cta) / 2][key % kPairEntries];
    if (e.key == key && e.cta == (cta ^ 1) && e.addr != addr) {
        h.read_bytes = e.read_share * double(sector_span_bytes);
        h.write_bytes = e.write_share * double(granule_span);
        h.missed = e.missed;
        e = PairEntry{};
        return;
    }
    e.key = key;
    e.addr = addr;
    e.cta = cta;
    e.read_share = sector_span_bytes > 0 ? h.read_bytes / double(sector_span_bytes) : 0;
    e.write_share = granule_span > 0 ? h.write_bytes / double(granule_span) : 0;
    e.missed = h.missed;
}

uint64_t MemorySystem::l1_hits(const Op& op, const L1Read& seen, uint64_t read_bytes) {
    SampledRatio& s = ratio_[size_t(op.tensor)][0];
    s.l1_looked_up_bytes += double(seen.looked_up_bytes);
    s.l1_hit_bytes += double(seen.hit_bytes);
    if (seen.looked_up_bytes == read_bytes) return seen.hit_bytes;  // every granule looked up
    double share = 0;
    if (seen.looked_up_bytes > 0) share = double(seen.hit_bytes) / double(seen.looked_up_bytes);
    else if (s.l1_looked_up_bytes > 0) share = s.l1_hit_bytes / s.l1_looked_up_bytes;
    return std::min(read_bytes, uint64_t(std::llround(share * double(read_bytes))));
}

MemorySystem::HbmEstimate MemorySystem::hbm_estimate(const Op& op, const L2Access& a, uint64_t sector_span_bytes,
                                                     uint64_t granule_span, const StoreEdges& edges) {
    HbmEstimate h;
    if (l2_->sample_every() == 1) {  // the exact model: this transfer's own misses and write-backs
        h.read_bytes = double(a.hbm_read_bytes);
        h.write_bytes = double(a.hbm_write_bytes);
        h.missed = a.hbm_read_bytes > 0;
        return h;
    }
    // Sampled: the counts (scaled) are right on average, but one transfer's share is lumpy (S
    // times a few granules, or nothing when none of its granules is sampled), and a transfer
    // timed as a hit because no sampled granule missed would be timed too fast. So the timing
    // takes the miss and write-back ratios of the granules sampled in this transfer, or, when
    // none was, those of the tensor's sampled accesses so far in this kernel, times the sectors
    // (reads) or granules (write-backs) the transfer touches (unaligned rows touch more sectors
    // than their bytes); a load pays HBM latency when half a sector or more is expected to miss.
    SampledRatio& s = ratio_[size_t(op.tensor)][op.kind == OpKind::load ? 0 : 1];
    s.sampled_bytes += double(a.sampled_bytes);
    s.read_bytes += double(a.hbm_read_bytes);
    s.write_bytes += double(a.hbm_write_bytes);
    s.granules += double(a.granules);
    // HBM reads are per sector fetched, so per byte; write-backs per granule placed (the victim's
    // dirty sectors, however few of the granule's sectors the transfer touches): per byte, a row
    // whose end granule alone was sampled, one sector of it touched, counted that victim four
    // times over (vanilla's Q K^T GEMM at N = 2047 on the h100 came out 1.3% slow at 1 in 4 sets,
    // 7.3% at 1 in 8; per granule -0.05% and -0.23%).
    const double bytes = double(sector_span_bytes), S = double(l2_->sample_every());
    if (a.sampled_bytes > 0) {
        h.read_bytes = bytes * double(a.hbm_read_bytes) / double(a.sampled_bytes);
        h.write_bytes = double(granule_span) * double(a.hbm_write_bytes) / S / double(a.granules);
    } else if (s.sampled_bytes > 0) {
        h.read_bytes = bytes * s.read_bytes / s.sampled_bytes;
        h.write_bytes = double(granule_span) * s.write_bytes / S / s.granules;
    }
    if (op.kind != OpKind::store) {
        h.missed = h.read_bytes >= 0.5 * double(g_.l2_sector_bytes);
        return h;
    }
    // A store fetches only the partly written sectors at its rows' ends that L2 does not hold
    // (L2Cache::access), and the exact model times it as missing when it fetched any: its sampled
    // bytes' share says nothing of them (a row whose sampled granules lie inside it fetched
    // nothing there). So each end of its rows (first sectors, last sectors) counts alone: whether
    // the rows' edges at one end are held goes with whether the neighbouring row or tile was
    // written, the same for all the store's rows. An end with edges in sampled sets fetched when
    // one of those did; an end without, with the share of this kernel's stores of the tensor
    // whose sampled edges at that end fetched. A store with a sampled end that fetched missed;
    // one without, with the chance that an unsampled end fetched (even odds for an end before any
    // is seen), carried from store to store: it is timed as missing each time the carry reaches
    // 1, so that that share of such stores misses, not all or none of them by a threshold. Its
    // HBM reads: its sampled edges fetched, and its others at their end's rate per edge.
    const double sb = double(g_.l2_sector_bytes);
    bool fetched_any = false;
    double none = 1, read_edges = 0;
    for (size_t end = 0; end < 2; ++end) {
        s.edges[end] += double(edges.sampled[end]);
        s.edges_fetched[end] += double(edges.fetched[end]);
        if (edges.sampled[end] > 0) {
            s.ends[end] += 1;
            s.ends_fetched[end] += edges.fetched[end] > 0 ? 1 : 0;
            fetched_any = fetched_any || edges.fetched[end] > 0;
        } else if (edges.unsampled[end] > 0) {
            none *= s.ends[end] > 0 ? 1 - s.ends_fetched[end] / s.ends[end] : 0.5;
        }
        read_edges += double(edges.fetched[end]);
        if (s.edges[end] > 0) read_edges += double(edges.unsampled[end]) * s.edges_fetched[end] / s.edges[end];
    }
    h.read_bytes = read_edges * sb;
    if (fetched_any) {
        h.missed = true;
    } else {
        s.miss_carry += 1 - none;
        h.missed = s.miss_carry >= 1;
        if (h.missed) s.miss_carry -= 1;
    }
    return h;
}

const std::array<uint64_t, kTensorCount>& MemorySystem::writebacks_so_far() const {
    static const std::array<uint64_t, kTensorCount> none{};
    return l2_ ? l2_->writeback_bytes_by_tensor : none;
}

void MemorySystem::warm(const Op& op, bool dirty) {
    if (!l2_) return;
    const auto kept = l2_->writeback_bytes_by_tensor;
    l2_->count_sets = false;
    map_.for_each_run(op, [&](uint64_t addr, uint64_t len) {
        if (dirty) l2_->write(addr, len, op.tensor);
        else l2_->read(addr, len, op.tensor, g_.l2_partitions == 2 ? L2Cache::kCopiedSide : -1);
    });
    l2_->count_sets = true;
    l2_->writeback_bytes_by_tensor = kept;
}

uint64_t MemorySystem::end_kernel(Counters& c, bool flush) {
    if (!l2_) return 0;
    if (lrc_) lrc_->clear();  // the next kernel's times start again at 0
    // A kernel's sampled ratios are its own: the same tensor's share of misses differs from kernel
    // to kernel (P re-read by dV's GEMM hits, streamed by the softmax backward misses).
    ratio_ = {};
    pairs_.clear();
    pair_loads_.clear();
    for (int i = 0; i < kTensorCount; ++i) {
        c.per_tensor[size_t(i)].hbm_write_bytes += l2_->writeback_bytes_by_tensor[size_t(i)];
        l2_->writeback_bytes_by_tensor[size_t(i)] = 0;
    }
    return flush ? l2_->flush() : 0;
}

int64_t l2_set_sampling_for(const GpuSpec& g, const TensorShapes& shapes, int64_t heads, const SimOptions& o,
                            int64_t granule_bytes, const Counters& paper_total, int64_t most) {
    if (o.exact) return 1;
    if (o.l2_set_sampling > 0) return o.l2_set_sampling;
    if (g.l2_bytes <= 0 || granule_bytes <= 0) return 1;
    uint64_t footprint_bytes = 0;
    for (size_t i = 0; i < kTensorCount; ++i) {
        const Traffic& t = paper_total.per_tensor[i];
        footprint_bytes += std::min(uint64_t(heads) * uint64_t(shapes[i].bytes()), t.global_read_bytes + t.global_write_bytes);
    }
    const uint64_t granules = footprint_bytes / uint64_t(granule_bytes);
    const int64_t sets = g.l2_data_bytes() / (granule_bytes * g.l2_ways);
    int64_t s = 1;
    while (s * 2 <= most && sets % (s * 2) == 0 && granules / uint64_t(s * 2) >= kMinSampledGranules) s *= 2;
    return s;
}

}  // namespace flashsim
