// l1_cache.cpp: each SM's L1 data cache (l1_cache.h).
#include "sim/engine/l1_cache.h"

#include <algorithm>

#include "sim/core/errors.h"
#include "sim/engine/byte_runs.h"
#include "sim/engine/l2_cache.h"

namespace flashsim {

namespace {
constexpr int64_t kL1Ways = 4;
}

L1Caches::L1Caches(int64_t sm_count, int64_t capacity_bytes, int64_t granule_bytes, int64_t sector_bytes)
    : granule_bytes_(granule_bytes), sector_bytes_(sector_bytes), sm_count_(sm_count) {
    if (sector_bytes <= 0 || granule_bytes < sector_bytes || granule_bytes % sector_bytes ||
        granule_bytes / sector_bytes > 64 || sm_count <= 0)
        throw ConfigError("L1 model: granule_bytes=" + std::to_string(granule_bytes) + ", sector_bytes=" +
                          std::to_string(sector_bytes) + ": a granule must hold 1 to 64 whole sectors");
    sectors_per_granule_ = granule_bytes / sector_bytes;
    const int64_t granules = std::max<int64_t>(0, capacity_bytes) / granule_bytes;
    ways_ = std::min(kL1Ways, granules);
    sets_ = ways_ > 0 ? granules / ways_ : 0;
    const size_t n = size_t(sm_count * sets_ * ways_);
    tag_.assign(n, 0);
    lru_.assign(n, 0);
    valid_.assign(n, 0);
}

void L1Caches::clear() {
    std::fill(tag_.begin(), tag_.end(), 0);
    std::fill(valid_.begin(), valid_.end(), 0);
}

int64_t L1Caches::find(int64_t sm, uint64_t granule, bool fill) {
    const int64_t set = int64_t(L2Cache::set_hash(granule) % uint64_t(sets_));
    const int64_t first = (sm * sets_ + set) * ways_;
    int64_t victim = -1;  // an empty way, else the least recently used
    for (int64_t w = first; w < first + ways_; ++w) {
        const uint64_t tag = tag_[size_t(w)];
        if (tag == granule + 1) return w;
        const bool better = victim < 0 || (tag_[size_t(victim)] != 0 && (tag == 0 || lru_[size_t(w)] < lru_[size_t(victim)]));
        if (better) victim = w;
    }
    if (!fill) return -1;
    tag_[size_t(victim)] = granule + 1;
    valid_[size_t(victim)] = 0;
    return victim;
}

uint64_t L1Caches::read(int64_t sm, uint64_t addr, uint64_t bytes, const MissFn& on_miss) {
    if (bytes == 0) return 0;
    if (sets_ == 0) {
        on_miss(addr, bytes);
        return 0;
    }
    const uint64_t end = addr + bytes, sb = uint64_t(sector_bytes_), gb = uint64_t(granule_bytes_);
    uint64_t hit = 0;
    ByteRuns misses(on_miss);  // the runs of missing bytes, passed on whole
    for (uint64_t g = addr / gb; g * gb < end; ++g) {
        const int64_t w = find(sm, g, true);
        lru_[size_t(w)] = ++clock_;
        const uint64_t lo = std::max(addr, g * gb), hi = std::min(end, (g + 1) * gb);
        for (uint64_t s = lo / sb; s * sb < hi; ++s) {
            const uint64_t bit = uint64_t(1) << (s - g * gb / sb);
            const uint64_t a = std::max(lo, s * sb), b = std::min(hi, (s + 1) * sb);
            if (valid_[size_t(w)] & bit) {
                hit += b - a;
                misses.flush();
            } else {
                valid_[size_t(w)] |= bit;
                misses.add(a, b);
            }
        }
    }
    misses.flush();
    return hit;
}

void L1Caches::invalidate(int64_t sm, uint64_t addr, uint64_t bytes) {
    if (sets_ == 0 || bytes == 0) return;
    const uint64_t end = addr + bytes, sb = uint64_t(sector_bytes_), gb = uint64_t(granule_bytes_);
    for (uint64_t g = addr / gb; g * gb < end; ++g) {
        const int64_t w = find(sm, g, false);
        if (w < 0) continue;
        const uint64_t lo = std::max(addr, g * gb), hi = std::min(end, (g + 1) * gb);
        for (uint64_t s = lo / sb; s * sb < hi; ++s) valid_[size_t(w)] &= ~(uint64_t(1) << (s - g * gb / sb));
    }
}

int64_t l1_bytes_left(int64_t l1_sram_bytes_per_sm, int64_t ctas_per_sm, int64_t sram_bytes_per_cta) {
    if (l1_sram_bytes_per_sm <= 0) return 0;
    return std::max<int64_t>(0, l1_sram_bytes_per_sm - ctas_per_sm * (sram_bytes_per_cta + kSramReservedBytesPerCta));
}

}  // namespace flashsim
