// l1_cache.cpp: each SM's L1 data cache (l1_cache.h).
#include "sim/engine/l1_cache.h"

#include <algorithm>

#include "sim/core/errors.h"

namespace flashsim {

namespace {
constexpr int64_t kL1Ways = 4;
}

L1Caches::L1Caches(int64_t sm_count, int64_t capacity_bytes, int64_t granule_bytes, int64_t sector_bytes, const L2Cache* sampled_with)
    : granule_bytes_(granule_bytes), sector_bytes_(sector_bytes) {
    const int64_t sample = sampled_with ? sampled_with->sample_every() : 1;
    if (sector_bytes <= 0 || granule_bytes < sector_bytes || granule_bytes % sector_bytes ||
        granule_bytes / sector_bytes > 64 || sm_count <= 0)
        throw ConfigError("L1 model: granule_bytes=" + std::to_string(granule_bytes) + ", sector_bytes=" +
                          std::to_string(sector_bytes) + ": a granule must hold 1 to 64 whole sectors");
    if (sample < 1 || (sample & (sample - 1)) != 0)
        throw ConfigError("L1 model: set sampling 1/" + std::to_string(sample) + " must be a power of two");
    if ((sector_bytes & (sector_bytes - 1)) == 0) sector_shift_ = __builtin_ctzll(uint64_t(sector_bytes));
    const int64_t granules = std::max<int64_t>(0, capacity_bytes) / granule_bytes;
    ways_ = std::min(kL1Ways, granules);
    sets_ = ways_ > 0 ? granules / ways_ : 0;
    // Sampled at the largest power of two up to S that divides the sets: 1/s of them then hold 1/s
    // of the capacity. Rounded down at S, the sampled L1 lost up to S - 1 sets (an a100-40gb SM's
    // 27 KiB left beside a scalar GEMM's tiles: 54 sets, 6 at 1 in 8, 11% of the capacity) and
    // found fewer hits than the full one: vanilla's Q K^T GEMM on CUDA cores at N = 15433, 6
    // heads, read 6.5% more of Q from the L2 than --exact (the run's L2 traffic 1.37% off).
    // Granules it looks up that the L2 does not sample pass to the L2 as any other miss, which
    // counts their span.
    int64_t s = sample;
    while (s > 1 && (sets_ < s || sets_ % s != 0)) s /= 2;
    if (s > 1) {  // else not sampled (sample_ stays 1)
        sample_ = s;
        sample_shift_ = __builtin_ctzll(uint64_t(s));
        l2_ = sampled_with;
        sets_ /= s;
    }
    if (sets_ >= (int64_t(1) << 32))
        throw ConfigError("L1 model: " + std::to_string(capacity_bytes) + " bytes per SM has 2^32 sets or more");
    if (sets_ > 0) mod_sets_ = FastMod(uint64_t(sets_ << sample_shift_));  // the full L1's sets
    // Room to start the sets at a 64-byte boundary (a set of 4 ways is one host cache line).
    constexpr size_t kLine = 64;
    ways_data_.assign(size_t(sm_count * sets_ * ways_) + kLine / sizeof(Way), Way{});
    const auto at = reinterpret_cast<uintptr_t>(ways_data_.data());
    align_ = ((kLine - at % kLine) % kLine) / sizeof(Way);
}

void L1Caches::clear() {
    for (Way& w : ways_data_) w.tag = w.valid = 0;
}

void L1Caches::prefetch(int64_t sm, uint64_t addr, uint64_t bytes) const {
    if (sets_ == 0 || bytes == 0) return;
    const uint64_t gb = uint64_t(granule_bytes_);
    for (uint64_t g = addr / gb; g * gb < addr + bytes; ++g) {
        if (!sampled(g)) continue;
        const char* p = reinterpret_cast<const char*>(&ways_data_[set_of(sm, g)]);
        for (size_t off = 0; off < size_t(ways_) * sizeof(Way); off += 64) __builtin_prefetch(p + off);
    }
}

void L1Caches::invalidate(int64_t sm, uint64_t addr, uint64_t bytes) {
    if (sets_ == 0 || bytes == 0) return;
    const uint64_t end = addr + bytes, sb = uint64_t(sector_bytes_), gb = uint64_t(granule_bytes_);
    for (uint64_t g = addr / gb; g * gb < end; ++g) {
        if (!sampled(g)) continue;
        Way* const w = find(sm, g);
        if (!w) continue;
        const uint64_t lo = std::max(addr, g * gb), hi = std::min(end, (g + 1) * gb);
        for (uint64_t s = lo / sb; s * sb < hi; ++s) w->valid &= ~(uint64_t(1) << (s - g * gb / sb));
    }
}

int64_t l1_bytes_left(int64_t l1_sram_bytes_per_sm, int64_t ctas_per_sm, int64_t sram_bytes_per_cta) {
    if (l1_sram_bytes_per_sm <= 0) return 0;
    return std::max<int64_t>(0, l1_sram_bytes_per_sm - ctas_per_sm * (sram_bytes_per_cta + kSramReservedBytesPerCta));
}

}  // namespace flashsim
