// l2_cache.h: the L2 model the timing engine runs global accesses through. A set-associative,
// LRU, write-back cache of *granules* (one line, or a few lines tracked together), each with a
// valid and a dirty mask of sectors, so HBM traffic is counted in sectors as real L2s move it.
//
// Contract:
//   - capacity, line, sector and ways come from the GpuSpec; granule_bytes (a multiple of the line,
//     at most 128 sectors) is the unit of lookup and replacement. granule = line is the real
//     cache, sector for sector (tests check it against tests/engine/l2_reference.h); a larger granule keeps
//     long runs fast at the price of evicting neighbouring lines together (docs/timing.md);
//   - read: sectors not valid are fetched from HBM (misses); write: write-allocate without fetch,
//     full sectors become valid and dirty, a partly written sector that is not valid is fetched
//     first (a simplification: real L2s keep byte masks); atomic: a read-modify-write at L2,
//     fetching the old value on a miss and leaving the sector dirty;
//   - an evicted granule writes back its dirty sectors, charged to the tensor that owns them;
//   - the set of an address is a hash of its granule number (real L2s hash addresses too);
//   - set sampling (Kessler, Hill and Wood): with sample_every = S > 1 (a power of two dividing
//     the number of sets), only the sets whose index is a multiple of S are kept, each exactly
//     as the full cache holds it (same ways, same accesses in the same order); accesses to other
//     sets are skipped, and every byte count returned (hits, misses, write-backs, dirty bytes)
//     is the sampled sets' count times S: an estimate of the full cache's, unbiased as far as
//     the hash spreads granules evenly, whose relative error is about 1 / sqrt(granules the
//     sampled sets see) (docs/speed.md). S = 1 is the exact cache.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "sim/trace/op.h"

namespace flashsim {

// Bytes one access moved between L2 and HBM.
struct L2Access {
    uint64_t hit_bytes = 0;        // sectors found valid in L2
    uint64_t hbm_read_bytes = 0;   // sectors fetched from HBM
    uint64_t hbm_write_bytes = 0;  // dirty sectors written back by evictions this access caused
    uint64_t sampled_bytes = 0;    // sectors accessed in sampled sets (times S, as the others)
};

// A mask of up to 128 sectors.
struct SectorMask {
    uint64_t w[2] = {0, 0};
    static SectorMask range(int begin, int end);  // sectors [begin, end)
    bool any() const { return (w[0] | w[1]) != 0; }
    int count() const { return __builtin_popcountll(w[0]) + __builtin_popcountll(w[1]); }
    SectorMask operator&(const SectorMask& o) const { return {{w[0] & o.w[0], w[1] & o.w[1]}}; }
    SectorMask operator|(const SectorMask& o) const { return {{w[0] | o.w[0], w[1] | o.w[1]}}; }
    SectorMask operator~() const { return {{~w[0], ~w[1]}}; }
};

class L2Cache {
public:
    // Throws ConfigError when the geometry is inconsistent (sizes not multiples, < 1 set).
    L2Cache(int64_t capacity_bytes, int64_t line_bytes, int64_t sector_bytes, int64_t ways, int64_t granule_bytes,
            int64_t sample_every = 1);

    L2Access read(uint64_t addr, uint64_t bytes, Tensor owner);
    L2Access write(uint64_t addr, uint64_t bytes, Tensor owner);
    L2Access atomic(uint64_t addr, uint64_t bytes, Tensor owner);

    // Asks the host CPU to fetch the tags of the sets [addr, addr + bytes) maps to (no effect on
    // results): the engine calls it for every row of a tile before the lookups, so the host-memory
    // misses of a tile's rows overlap instead of coming one after another.
    void prefetch(uint64_t addr, uint64_t bytes) const;
    // Whether prefetch() pays: the tags outgrow the host's caches (a sampled L2's seldom do).
    bool worth_prefetching() const { return meta_.size() * sizeof(uint64_t) > (size_t(4) << 20); }

    uint64_t dirty_bytes() const;
    std::array<uint64_t, kTensorCount> dirty_bytes_by_tensor() const;  // the same, by owner
    // Empties the cache (what Nsight Compute's cache control does before a profiled kernel);
    // returns the dirty bytes it dropped. Their write-back is not charged to any kernel.
    uint64_t flush();

    // Dirty bytes written back by evictions so far, per tensor (the engine reads and clears it).
    std::array<uint64_t, kTensorCount> writeback_bytes_by_tensor{};

    int64_t granule_bytes() const { return granule_bytes_; }
    int64_t sets() const { return full_sets_; }  // of the full cache
    int64_t sample_every() const { return sample_; }
    // Shared with the reference model. Folds the high bits into the low ones so power-of-two
    // strides (rows of a tensor, heads) spread over the sets, as the address hashing of real L2s does.
    static uint64_t set_hash(uint64_t block) {
        uint64_t h = block;
        h ^= h >> 11;
        h ^= h >> 23;
        h *= 0x9E3779B97F4A7C15ull;
        return h ^ (h >> 32);
    }
    // The full cache's set of a granule: set_hash(granule) % sets(), computed without a division.
    uint64_t set_of(uint64_t granule) const { return mod_sets(set_hash(granule)); }

private:
    enum class Kind { read, write, atomic };
    L2Access access(uint64_t addr, uint64_t bytes, Tensor owner, Kind kind);
    // A way's state, split so a lookup touches only the tags of one set (a few host cache lines,
    // not the whole set's masks): tag_at(i) = granule number + 1 (0 = empty), lru_at(i) larger =
    // more recently used, masks_[i] the valid and dirty sectors, owner_[i] the tensor. Tags and
    // LRU stamps share one array, each set's tags followed by its stamps, so a lookup touches one
    // host page for both.
    struct Masks {
        SectorMask valid, dirty;
    };
    void reset_way(size_t i);
    // h % full_sets_ without a division (Lemire, Kaser and Kurz, "Faster remainder by direct
    // computation", 2019: a 128-bit reciprocal is exact for 64-bit h and divisors below 2^32;
    // a division costs more than the rest of a lookup that hits in the host's caches).
    uint64_t mod_sets(uint64_t h) const {
        const __uint128_t low = sets_reciprocal_ * h;
        const __uint128_t bottom = __uint128_t(uint64_t(low)) * uint64_t(full_sets_);
        const __uint128_t top = __uint128_t(uint64_t(low >> 64)) * uint64_t(full_sets_);
        return uint64_t((top + (bottom >> 64)) >> 64);
    }
    // The sampled set a granule maps to, or SIZE_MAX when its set is not sampled.
    size_t sampled_set(uint64_t granule) const {
        const uint64_t full = mod_sets(set_hash(granule));
        return full % uint64_t(sample_) ? SIZE_MAX : size_t(full / uint64_t(sample_));
    }
    int64_t sector_bytes_, granule_bytes_, ways_, full_sets_, sample_, sets_, sectors_per_granule_;
    __uint128_t sets_reciprocal_ = 0;  // ceil(2^128 / full_sets_), for mod_sets
    std::vector<uint64_t> meta_;  // per set: ways_ tags, then ways_ LRU stamps
    uint64_t& tag_at(size_t i) { return meta_[i + (i / size_t(ways_)) * size_t(ways_)]; }
    uint64_t tag_at(size_t i) const { return meta_[i + (i / size_t(ways_)) * size_t(ways_)]; }
    uint64_t& lru_at(size_t i) { return meta_[i + (i / size_t(ways_) + 1) * size_t(ways_)]; }
    std::vector<Masks> masks_;
    std::vector<Tensor> owner_;
    uint64_t clock_ = 0;
};

}  // namespace flashsim
