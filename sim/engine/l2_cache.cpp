// l2_cache.cpp: the granule/sector-mask L2 model (see l2_cache.h).
#include "sim/engine/l2_cache.h"

#include <algorithm>
#include <cstdint>
#include <string>

#include "sim/core/errors.h"

namespace flashsim {

SectorMask SectorMask::range(int begin, int end) {
    SectorMask m;
    for (int word = 0; word < 2; ++word) {
        const int lo = std::max(begin, word * 64), hi = std::min(end, word * 64 + 64);
        if (lo >= hi) continue;
        const int n = hi - lo;
        const uint64_t bits = n == 64 ? ~uint64_t(0) : ((uint64_t(1) << n) - 1);
        m.w[word] = bits << (lo - word * 64);
    }
    return m;
}

L2Cache::L2Cache(int64_t capacity_bytes, int64_t line_bytes, int64_t sector_bytes, int64_t ways, int64_t granule_bytes,
                 int64_t sample_every)
    : sector_bytes_(sector_bytes), granule_bytes_(granule_bytes), ways_(ways), sample_(sample_every) {
    auto bad = [](const std::string& what) { throw ConfigError("L2 geometry: " + what); };
    if (sector_bytes <= 0 || line_bytes <= 0 || line_bytes % sector_bytes != 0)
        bad("l2_line_bytes=" + std::to_string(line_bytes) + " must be a positive multiple of l2_sector_bytes=" +
            std::to_string(sector_bytes));
    if (granule_bytes < line_bytes || granule_bytes % line_bytes != 0 || granule_bytes / sector_bytes > 128)
        bad("granule=" + std::to_string(granule_bytes) + " B must be a multiple of the " + std::to_string(line_bytes) +
            " B line holding at most 128 sectors");
    if (ways <= 0) bad("l2_ways=" + std::to_string(ways) + " must be at least 1");
    full_sets_ = capacity_bytes / (granule_bytes * ways);
    if (full_sets_ < 1)
        bad("l2_bytes=" + std::to_string(capacity_bytes) + " holds less than one set of " + std::to_string(ways) +
            " ways of " + std::to_string(granule_bytes) + " B");
    if (sample_ < 1 || (sample_ & (sample_ - 1)) != 0 || full_sets_ % sample_ != 0)
        bad("set sampling 1/" + std::to_string(sample_) + " must be a power of two dividing the " + std::to_string(full_sets_) +
            " sets");
    if (full_sets_ >= (int64_t(1) << 32)) bad("l2_bytes=" + std::to_string(capacity_bytes) + " has 2^32 sets or more");
    sets_ = full_sets_ / sample_;
    sets_reciprocal_ = ~__uint128_t(0) / __uint128_t(full_sets_) + 1;
    sectors_per_granule_ = granule_bytes / sector_bytes;
    const size_t n = size_t(sets_ * ways_);
    meta_.assign(2 * n, 0);
    masks_.assign(n, Masks{});
    owner_.assign(n, Tensor::Q);
}

void L2Cache::reset_way(size_t i) {
    tag_at(i) = 0;
    lru_at(i) = 0;
    masks_[i] = Masks{};
    owner_[i] = Tensor::Q;
}

L2Access L2Cache::read(uint64_t addr, uint64_t bytes, Tensor owner) { return access(addr, bytes, owner, Kind::read); }
L2Access L2Cache::write(uint64_t addr, uint64_t bytes, Tensor owner) { return access(addr, bytes, owner, Kind::write); }
L2Access L2Cache::atomic(uint64_t addr, uint64_t bytes, Tensor owner) { return access(addr, bytes, owner, Kind::atomic); }

L2Access L2Cache::access(uint64_t addr, uint64_t bytes, Tensor owner, Kind kind) {
    L2Access r;
    if (bytes == 0) return r;
    const uint64_t sb = uint64_t(sector_bytes_), spg = uint64_t(sectors_per_granule_);
    const uint64_t first_sector = addr / sb, end_sector = (addr + bytes + sb - 1) / sb;
    const bool first_partial = addr % sb != 0, last_partial = (addr + bytes) % sb != 0;
    for (uint64_t g = first_sector / spg; g * spg < end_sector; ++g) {
        const size_t set = sampled_set(g);
        if (set == SIZE_MAX) continue;
        const size_t base = set * size_t(ways_);
        const uint64_t g0 = g * spg;
        const int s0 = int(std::max(first_sector, g0) - g0), s1 = int(std::min(end_sector, g0 + spg) - g0);
        const SectorMask need = SectorMask::range(s0, s1);

        const uint64_t* tags = &meta_[2 * base];
        const uint64_t* lru = tags + ways_;
        size_t w = SIZE_MAX;
        for (int64_t k = 0; k < ways_; ++k)
            if (tags[k] == g + 1) {
                w = base + size_t(k);
                break;
            }
        if (w == SIZE_MAX) {
            // Victim: the first empty way, else the least recently used; its dirty sectors are
            // written back.
            size_t v = 0;
            for (size_t k = 0; k < size_t(ways_); ++k)
                if (tags[v] != 0 && (tags[k] == 0 || lru[k] < lru[v])) v = k;
            const size_t victim = base + v;
            const uint64_t wb = uint64_t(masks_[victim].dirty.count()) * sb * uint64_t(sample_);
            if (tags[v] != 0 && wb) {
                r.hbm_write_bytes += wb;
                writeback_bytes_by_tensor[size_t(owner_[victim])] += wb;
            }
            reset_way(victim);
            tag_at(victim) = g + 1;
            owner_[victim] = owner;
            w = victim;
        }
        lru_at(w) = ++clock_;
        Masks& m = masks_[w];
        const SectorMask present = need & m.valid;
        r.hit_bytes += uint64_t(present.count()) * sb * uint64_t(sample_);
        r.sampled_bytes += uint64_t(s1 - s0) * sb * uint64_t(sample_);
        SectorMask fetch = need & ~m.valid;
        if (kind == Kind::write) {
            // Full sectors are written without reading HBM; a partly written sector that is not
            // in L2 is fetched so the sector stays whole.
            SectorMask partial;
            if (first_partial && first_sector >= g0 && first_sector < g0 + spg)
                partial = partial | SectorMask::range(int(first_sector - g0), int(first_sector - g0) + 1);
            if (last_partial && end_sector - 1 >= g0 && end_sector - 1 < g0 + spg)
                partial = partial | SectorMask::range(int(end_sector - 1 - g0), int(end_sector - g0));
            fetch = fetch & partial;
        }
        r.hbm_read_bytes += uint64_t(fetch.count()) * sb * uint64_t(sample_);
        m.valid = m.valid | need;
        if (kind != Kind::read) m.dirty = m.dirty | need;
    }
    return r;
}

void L2Cache::prefetch(uint64_t addr, uint64_t bytes) const {
    const uint64_t gb = uint64_t(granule_bytes_);
    for (uint64_t g = addr / gb; g * gb < addr + bytes; ++g) {
        const size_t set = sampled_set(g);
        if (set == SIZE_MAX) continue;
        const char* p = reinterpret_cast<const char*>(&meta_[2 * set * size_t(ways_)]);
        for (size_t off = 0; off < 2 * size_t(ways_) * sizeof(uint64_t); off += 64) __builtin_prefetch(p + off);
    }
}

uint64_t L2Cache::dirty_bytes() const {
    uint64_t n = 0;
    for (uint64_t b : dirty_bytes_by_tensor()) n += b;
    return n;
}

std::array<uint64_t, kTensorCount> L2Cache::dirty_bytes_by_tensor() const {
    std::array<uint64_t, kTensorCount> n{};
    for (size_t i = 0; i < masks_.size(); ++i)
        if (tag_at(i)) n[size_t(owner_[i])] += uint64_t(masks_[i].dirty.count()) * uint64_t(sector_bytes_) * uint64_t(sample_);
    return n;
}

uint64_t L2Cache::flush() {
    const uint64_t d = dirty_bytes();
    for (size_t i = 0; i < masks_.size(); ++i) reset_way(i);
    return d;
}

}  // namespace flashsim
