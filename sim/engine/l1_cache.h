// l1_cache.h: each SM's L1 data cache, for the global loads that go through it.
//
// On NVIDIA GPUs since Volta an ld.global is cached in the SM's L1 (the part of the unified
// L1/shared memory that the resident CTAs do not take as SRAM); cp.async.cg and TMA copies bypass
// it. CTAs resident on one SM that read the same tile (FA2's Kj, Vj for CTAs of one head) in near
// lockstep then get it from L1: k such CTAs pass 1/k of the reads to the L2. The GPU's L2 counters
// (lts__t_sectors) never see L1 hits.
//
// Contract:
//   - one cache per SM of `capacity_bytes` (rounded down to whole sets), LRU, in granules of
//     `granule_bytes` (the L2 model's; at most 64 sectors) with a valid mask of `sector_bytes`
//     sectors; sets are a hash of the granule number, 4 ways (the L1's organisation is not public:
//     a stand-in for an LRU cache of that capacity, with few ways to keep a lookup cheap);
//   - read(sm, addr, bytes, on_miss): sectors valid in SM sm's L1 are hits; every maximal run of
//     sectors that is not valid is passed to on_miss(addr, bytes) (clipped to the access) and
//     becomes valid (the L1 allocates on a load miss); returns the bytes of the access that hit
//     and the bytes it looked up (all of them, unless sampled);
//   - set sampling 1/s, s the largest power of two up to S (the L2 model's sampling, l2_cache.h)
//     that divides the L1's sets: only the granules whose L2 set a sampling of 1 in s keeps are
//     looked up (L2Cache::kept_at: all the L2 samples, and more where s < S), in an L1 of 1/s of
//     the sets, which holds 1/s of the capacity (the others pass to on_miss unlooked, as the L2
//     then only counts their span); the caller scales the hits by the bytes looked up
//     (MemorySystem::l1_hits). An L1 of odd sets, or of fewer than 2, is not sampled;
//   - invalidate(sm, addr, bytes): a store of SM sm drops the sectors it writes from that SM's L1
//     (the L1 is write-through and does not keep written global data here); other SMs' copies
//     stay (the L1s are not coherent within a kernel, as on the GPU);
//   - capacity 0: no cache, every byte misses.
#pragma once
#include <cstdint>
#include <vector>

#include "sim/engine/byte_runs.h"
#include "sim/engine/fast_mod.h"
#include "sim/engine/l2_cache.h"

namespace flashsim {

// Shared memory the CUDA runtime reserves per resident CTA (CUDA C++ Programming Guide, compute
// capabilities 8.x and 9.0: "1 KB of shared memory is reserved for system use" per block).
constexpr int64_t kSramReservedBytesPerCta = 1024;

// The L1s' ways above which fetching a tile's sets ahead of their lookups pays: a lower line than
// the L2's (kPrefetchAboveBytes), as each row's lookup lands in its own SM's part of the ways, one
// host line each, and what the GEMMs on CUDA cores keep there (looked up whole, as every L2 set
// is kept for them: 3.2 MB over the 132 SMs for vanilla's v1 P V GEMM at N = 4096, d = 64 on the
// h100) outgrows a host core's second-level cache (1 MiB where docs/speed.md's figures were
// taken), not its last one.
constexpr size_t kL1PrefetchAboveBytes = size_t(1) << 20;

struct L1Read {
    uint64_t hit_bytes = 0;        // of the bytes looked up
    uint64_t looked_up_bytes = 0;  // the access's bytes in sampled granules (all without sampling)
};

class L1Caches {
public:
    // sampled_with: the L2 whose set sampling the L1 follows (none: every granule looked up).
    L1Caches(int64_t sm_count, int64_t capacity_bytes, int64_t granule_bytes, int64_t sector_bytes,
             const L2Cache* sampled_with = nullptr);

    // on_miss(uint64_t addr, uint64_t bytes): called for every run of missing bytes.
    template <class OnMiss>
    L1Read read(int64_t sm, uint64_t addr, uint64_t bytes, const OnMiss& on_miss);
    void invalidate(int64_t sm, uint64_t addr, uint64_t bytes);
    void clear();
    // Asks the host CPU to fetch SM sm's sets of [addr, addr + bytes) (no effect on results): the
    // engine calls it for every row of a tile before the lookups, as for the L2 (l2_cache.h).
    void prefetch(int64_t sm, uint64_t addr, uint64_t bytes) const;
    // Whether prefetch() pays: the ways outgrow a host core's own cache (kL1PrefetchAboveBytes).
    bool worth_prefetching() const { return ways_data_.size() * sizeof(Way) > kL1PrefetchAboveBytes; }

    int64_t capacity_bytes() const { return sets_ * sample_ * ways_ * granule_bytes_; }
    int64_t sample_every() const { return sample_; }

private:
    // A set's ways lie in the order of their last use, the most recent first, the empty ones last
    // (an LRU stack): a hit moves its way to the front, a fill drops the last way. The replacement
    // is LRU's; a set of 4 ways is one 64-byte host cache line.
    struct Way {
        uint64_t tag = 0;    // granule + 1, 0 = empty
        uint64_t valid = 0;  // valid sectors
    };
    // Whether `granule` is looked up (always, without sampling).
    bool sampled(uint64_t granule) const { return sample_ == 1 || l2_->kept_at(granule * uint64_t(granule_bytes_), sample_); }
    // The index in ways_data_ of the first way of SM sm's set of a sampled `granule` (a set's ways
    // lie together from a 64-byte boundary: one lookup touches one host cache line). Sampled, the
    // full L1's set of the granule over s: each kept set stands for s neighbouring sets of the full
    // L1, which spreads a tile's consecutive granules as the full one does.
    size_t set_of(int64_t sm, uint64_t granule) const {
        return align_ + size_t((sm * sets_ + int64_t(mod_sets_(L2Cache::set_hash(granule)) >> sample_shift_)) * ways_);
    }
    // The way holding `granule` in SM sm's set, or nullptr (its place in the set unchanged).
    Way* find(int64_t sm, uint64_t granule);
    // The way holding `granule` in SM sm's set, used now: moved to the front of the set, or
    // allocated there with its sectors invalid (the last way, the least recently used or empty,
    // dropped).
    Way* use(int64_t sm, uint64_t granule);
    Way* set_begin(int64_t sm, uint64_t granule) { return ways_data_.data() + set_of(sm, granule); }
    uint64_t sector_of(uint64_t x) const { return sector_shift_ >= 0 ? x >> sector_shift_ : x / uint64_t(sector_bytes_); }
    int64_t granule_bytes_, sector_bytes_, sets_ = 0, ways_ = 0, sample_ = 1;  // sets_: those kept
    int sector_shift_ = -1;  // log2(sector_bytes_) where a power of two (results the same)
    int sample_shift_ = 0;   // log2(sample_)
    const L2Cache* l2_ = nullptr;  // whose sampling the L1 follows (sample_ > 1)
    FastMod mod_sets_;
    std::vector<Way> ways_data_;  // [sm][set][way], from ways_data_[align_] (64-byte aligned)
    size_t align_ = 0;
};

inline L1Caches::Way* L1Caches::find(int64_t sm, uint64_t granule) {
    Way* const first = set_begin(sm, granule);
    for (Way* w = first; w < first + ways_ && w->tag != 0; ++w)
        if (w->tag == granule + 1) return w;
    return nullptr;
}

inline L1Caches::Way* L1Caches::use(int64_t sm, uint64_t granule) {
    Way* const first = set_begin(sm, granule);
    int64_t i = 0;
    while (i < ways_ - 1 && first[i].tag != granule + 1 && first[i].tag != 0) ++i;
    const Way w = first[i].tag == granule + 1 ? first[i] : Way{granule + 1, 0};
    for (; i > 0; --i) first[i] = first[i - 1];
    first[0] = w;
    return first;
}

template <class OnMiss>
L1Read L1Caches::read(int64_t sm, uint64_t addr, uint64_t bytes, const OnMiss& on_miss) {
    if (bytes == 0) return {};
    if (sets_ == 0) {
        on_miss(addr, bytes);
        return {0, bytes};
    }
    const uint64_t end = addr + bytes, sb = uint64_t(sector_bytes_), gb = uint64_t(granule_bytes_);
    uint64_t hit = 0, looked_up = 0;
    ByteRuns misses(on_miss);  // the runs of missing bytes, passed on whole
    for (uint64_t g = addr / gb; g * gb < end; ++g) {
        const uint64_t base = g * gb, lo = addr > base ? addr : base, hi = end < base + gb ? end : base + gb;
        if (!sampled(g)) {
            misses.add(lo, hi);
            continue;
        }
        looked_up += hi - lo;
        Way* const w = use(sm, g);
        const uint64_t s0 = sector_of(lo - base), s1 = sector_of(hi - 1 - base);  // the sectors it touches
        const uint64_t touched = (s1 - s0 == 63 ? ~uint64_t(0) : ((uint64_t(1) << (s1 - s0 + 1)) - 1)) << s0;
        const uint64_t missing = touched & ~w->valid;
        if (missing == 0) {  // every sector hits
            hit += hi - lo;
            misses.flush();
        } else if (missing == touched) {  // every sector misses
            misses.add(lo, hi);
        } else {
            for (uint64_t s = s0; s <= s1; ++s) {
                const uint64_t a = lo > base + s * sb ? lo : base + s * sb, b = hi < base + (s + 1) * sb ? hi : base + (s + 1) * sb;
                if (missing >> s & 1) {
                    misses.add(a, b);
                } else {
                    hit += b - a;
                    misses.flush();
                }
            }
        }
        w->valid |= touched;
    }
    misses.flush();
    return {hit, looked_up};
}

// The L1 bytes per SM a kernel leaves (unified L1/shared memory less its resident CTAs' SRAM and
// reserved bytes); 0 when the GPU has no L1 model.
int64_t l1_bytes_left(int64_t l1_sram_bytes_per_sm, int64_t ctas_per_sm, int64_t sram_bytes_per_cta);

}  // namespace flashsim
