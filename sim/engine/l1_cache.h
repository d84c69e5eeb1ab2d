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
//     becomes valid (the L1 allocates on a load miss); returns the bytes of the access that hit;
//   - invalidate(sm, addr, bytes): a store of SM sm drops the sectors it writes from that SM's L1
//     (the L1 is write-through and does not keep written global data here); other SMs' copies
//     stay (the L1s are not coherent within a kernel, as on the GPU);
//   - capacity 0: no cache, every byte misses.
#pragma once
#include <cstdint>
#include <functional>
#include <vector>

namespace flashsim {

// Shared memory the CUDA runtime reserves per resident CTA (CUDA C++ Programming Guide, compute
// capabilities 8.x and 9.0: "1 KB of shared memory is reserved for system use" per block).
constexpr int64_t kSramReservedBytesPerCta = 1024;

class L1Caches {
public:
    L1Caches(int64_t sm_count, int64_t capacity_bytes, int64_t granule_bytes, int64_t sector_bytes);

    using MissFn = std::function<void(uint64_t addr, uint64_t bytes)>;
    uint64_t read(int64_t sm, uint64_t addr, uint64_t bytes, const MissFn& on_miss);
    void invalidate(int64_t sm, uint64_t addr, uint64_t bytes);
    void clear();

    int64_t capacity_bytes() const { return sets_ * ways_ * granule_bytes_; }

private:
    // The way holding `granule` in SM sm's set, or -1; `fill` makes room (LRU) and allocates it.
    int64_t find(int64_t sm, uint64_t granule, bool fill);
    int64_t granule_bytes_, sector_bytes_, sectors_per_granule_, sets_ = 0, ways_ = 0, sm_count_;
    std::vector<uint64_t> tag_;    // granule + 1, 0 = empty; [sm][set][way]
    std::vector<uint64_t> lru_;    // larger = more recently used
    std::vector<uint64_t> valid_;  // valid sectors
    uint64_t clock_ = 0;
};

// The L1 bytes per SM a kernel leaves (unified L1/shared memory less its resident CTAs' SRAM and
// reserved bytes); 0 when the GPU has no L1 model.
int64_t l1_bytes_left(int64_t l1_sram_bytes_per_sm, int64_t ctas_per_sm, int64_t sram_bytes_per_cta);

}  // namespace flashsim
