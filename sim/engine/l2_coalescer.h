// l2_coalescer.h: Hopper's L2 request coalescer (LRC), in front of the L2 slices' tags.
//
// kernels/micro/l2_merge.cu (raw output: kernels/measurements/micro-nvidia-h200-2026-12-02-
// l2_merge*.txt) reads one 32 KiB region with k CTAs and counts, with ncu, the read sectors the L2
// tags see (lts__t_sectors_srcunit_tex_op_read) and the LRC's own counter of coalesced sectors
// (lrc__request_sectors_op_read_coalescing_achieved_type_hardware). Loads that bypass L1
// (ld.global.cg, cp.async.cg) from CTAs of one SM, 0 or 250 cycles apart, reach the tags 0.58
// (k = 2) and 0.42-0.54 (k = 4) times; 1000 cycles apart 0.75 and 0.71-0.86; 4000 apart 1.0. From
// SMs far apart in %smid (one CTA each): k = 2 never coalesce; k = 4 and 8 read in step reach the
// tags 0.90 and 0.67-0.69 times, 1000 cycles apart 1.0. Every SM still receives all its sectors
// (l1tex__m_xbar2l1tex_read_sectors = requested): the LRC answers the later requests with the
// first one's data.
//
// Contract:
//   - an access (one run of an op: a tile's row, or its rows where they are contiguous) from side
//     `side` is coalesced whole while a request of that side for an access starting in the same
//     granule (the L2 model's granule) that reached the tags is in flight: from its arrival until
//     its data is back (complete()), and at most `window_cycles` after its arrival; else it
//     reaches the tags whole and is in flight itself. (A warp's requests for a row issue
//     together, and the readers that share a tile read the same rows. Granule by granule, as
//     before 2026-12-05's last change, the table's collisions split accesses, and the L2's index
//     of runs read again (l2_cache.h) lost the runs so split: bench-timing 0.19 -> 0.23 s, for
//     the same medians in docs/fidelity.md within 0.1 point. An access is also looked up once,
//     whatever the L2's sampling: the coalescer is exact in a sampled run.)
//   - a side is a TPC, and only the loads of the kernel's first wave pass (MemorySystem::transfer,
//     kRouteFirstWave): kernels/micro/sm_skew (kernels/README.md) finds that the first wave puts
//     consecutive CTAs (a head's query blocks) on the two SMs of a TPC, starting within 100 ns,
//     and that the reads of the two SMs of a TPC in step always merge; SMs of different GPCs in
//     one half of the GPU merge half the time, SMs of one GPC across TPCs or of the two halves
//     never; in the later waves a head's CTAs land where slots free (8 consecutive CTAs on 6.6
//     TPCs) and start 0.16-1.3 us apart, and v5 merges less with each wave (check_lrc_waves). The
//     engine puts CTA i of the first wave on SM i (CTAs 2t, 2t + 1 on TPC t, as the GPU); its
//     later waves give a freed slot to the next CTA in order, not where and when the GPU starts
//     them, so their requests are not coalesced (coalescing one SM's CTAs in the later waves too
//     moved no median of docs/fidelity.md's section 4, and cost time). Not modelled: the merges
//     across GPCs and in the later waves, which the GPU has (docs/fidelity.md, section 4: v4-v6
//     still above the GPU's L2 traffic). Coalescing all SMs' requests removed 40-90% of the
//     FlashAttention kernels' L2 reads against the 15-33% that the GPU's LRC removes;
//   - coalesced(addr, bytes, side, t, to_tags) returns the bytes coalesced (all or none) and
//     calls to_tags(addr, bytes) when the access reaches the tags; complete(done) gives the
//     requests of the last coalesced() calls their end;
//   - a coalesced access is answered with the data of the request it merged with, so it is back
//     no sooner than that request (take_merged_end: the latest such end since the last call;
//     MemorySystem::transfer holds the transfer's data until then). Until 2026-12-06 a merged
//     access took the L2's latency from its own arrival and could be back before the data it
//     shares had come from HBM;
//   - the last request per starting granule and side is kept in a direct-mapped table of
//     `entries` per side (a power of two, kCoalescerEntriesPerSide: more accesses than a TPC has
//     in flight); a granule that lost its entry starts anew (the error is toward no coalescing);
//   - window_cycles = 0: nothing is coalesced.
#pragma once
#include <cmath>
#include <cstdint>
#include <vector>

#include "sim/engine/l2_cache.h"

namespace flashsim {

// The accesses a side's table holds: a TPC's four CTAs with two stages of two 128-row tiles in
// flight issue 2048 rows (vanilla's rows of S and P are accesses of their own; FA2's contiguous
// tiles one each).
constexpr int64_t kCoalescerEntriesPerSide = 4096;

class L2Coalescer {
public:
    L2Coalescer(int64_t granule_bytes, int64_t sides, double window_cycles, int64_t entries);

    // to_tags(uint64_t addr, uint64_t bytes): called when the access reaches the tags.
    template <class ToTags>
    uint64_t coalesced(uint64_t addr, uint64_t bytes, int64_t side, double t, const ToTags& to_tags);
    void complete(double done);
    // When the data of the requests that the coalesced() calls since the last take_merged_end()
    // merged with is back (0 when none merged): a merged request is answered with the first's
    // data, not before it arrives.
    double take_merged_end() {
        const double e = merged_end_;
        merged_end_ = 0;
        return e;
    }
    // Fetch into the host's cache the entry coalesced() will look up for addr (changes nothing).
    void prefetch(uint64_t addr, int64_t side) const;
    // Whether prefetch() pays (as L2Cache::worth_prefetching).
    bool worth_prefetching() const { return table_.size() * sizeof(Entry) > kPrefetchAboveBytes; }
    void clear();
    double window_cycles() const { return window_; }
    void set_window_cycles(double w) { window_ = w; }

private:
    uint64_t granule(uint64_t addr) const { return shift_ >= 0 ? addr >> shift_ : addr / uint64_t(granule_bytes_); }
    // The table entry of `granule` (an access's first) on `side`.
    size_t index(uint64_t granule, int64_t side) const {
        const size_t base = size_t(side < 0 ? 0 : side >= sides_ ? sides_ - 1 : side) * size_t(mask_ + 1);
        return base + size_t(L2Cache::set_hash(granule) & mask_);
    }
    struct Entry {
        uint64_t tag = 0;  // granule + 1, 0 = empty
        double t = 0;      // when the last request that reached the tags arrived
        double end = 0;    // when its data is back
    };
    std::vector<size_t> pending_;  // entries of the requests not yet complete()d
    double merged_end_ = 0;        // take_merged_end
    int64_t granule_bytes_, sides_;
    int shift_ = -1;  // log2 of granule_bytes_ when a power of two
    double window_;
    uint64_t mask_;
    std::vector<Entry> table_;  // [side][entry]
};

template <class ToTags>
uint64_t L2Coalescer::coalesced(uint64_t addr, uint64_t bytes, int64_t side, double t, const ToTags& to_tags) {
    if (!(window_ > 0)) {
        to_tags(addr, bytes);
        return 0;
    }
    const uint64_t g = granule(addr);
    const size_t i = index(g, side);
    Entry& e = table_[i];
    if (e.tag == g + 1 && t >= e.t && t < (e.end < e.t + window_ ? e.end : e.t + window_)) {
        if (e.end < HUGE_VAL && e.end > merged_end_) merged_end_ = e.end;
        return bytes;
    }
    e.tag = g + 1;
    e.t = t;
    e.end = HUGE_VAL;  // in flight until complete()
    pending_.push_back(i);
    to_tags(addr, bytes);
    return 0;
}

}  // namespace flashsim
