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
//   - the set of an address is a hash of its granule number (real L2s hash addresses too).
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
    L2Cache(int64_t capacity_bytes, int64_t line_bytes, int64_t sector_bytes, int64_t ways, int64_t granule_bytes);

    L2Access read(uint64_t addr, uint64_t bytes, Tensor owner);
    L2Access write(uint64_t addr, uint64_t bytes, Tensor owner);
    L2Access atomic(uint64_t addr, uint64_t bytes, Tensor owner);

    // Asks the host CPU to fetch the tags of the sets [addr, addr + bytes) maps to (no effect on
    // results): the engine calls it for every row of a tile before the lookups, so the host-memory
    // misses of a tile's rows overlap instead of coming one after another.
    void prefetch(uint64_t addr, uint64_t bytes) const;

    uint64_t dirty_bytes() const;
    // Empties the cache (what Nsight Compute's cache control does before a profiled kernel);
    // returns the dirty bytes it dropped. Their write-back is not charged to any kernel.
    uint64_t flush();

    // Dirty bytes written back by evictions so far, per tensor (the engine reads and clears it).
    std::array<uint64_t, kTensorCount> writeback_bytes_by_tensor{};

    int64_t granule_bytes() const { return granule_bytes_; }
    int64_t sets() const { return sets_; }
    static uint64_t set_hash(uint64_t block);  // shared with the reference model

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
    int64_t sector_bytes_, granule_bytes_, ways_, sets_, sectors_per_granule_;
    std::vector<uint64_t> meta_;  // per set: ways_ tags, then ways_ LRU stamps
    uint64_t& tag_at(size_t i) { return meta_[i + (i / size_t(ways_)) * size_t(ways_)]; }
    uint64_t tag_at(size_t i) const { return meta_[i + (i / size_t(ways_)) * size_t(ways_)]; }
    uint64_t& lru_at(size_t i) { return meta_[i + (i / size_t(ways_) + 1) * size_t(ways_)]; }
    std::vector<Masks> masks_;
    std::vector<Tensor> owner_;
    uint64_t clock_ = 0;
};

}  // namespace flashsim
