// l2_reference.cpp: the sector-by-sector reference L2 (see l2_reference.h).
#include "tests/engine/l2_reference.h"

#include <algorithm>

#include "sim/engine/l2_cache.h"

namespace flashsim {

L2Reference::L2Reference(int64_t capacity_bytes, int64_t line_bytes, int64_t sector_bytes, int64_t ways)
    : line_bytes_(line_bytes), sector_bytes_(sector_bytes), ways_(ways), sets_(capacity_bytes / (line_bytes * ways)) {
    sets_storage_.resize(size_t(std::max<int64_t>(1, sets_)));
}

void L2Reference::read(uint64_t addr, uint64_t bytes, Tensor owner) { access(addr, bytes, owner, Kind::read); }
void L2Reference::write(uint64_t addr, uint64_t bytes, Tensor owner) { access(addr, bytes, owner, Kind::write); }
void L2Reference::atomic(uint64_t addr, uint64_t bytes, Tensor owner) { access(addr, bytes, owner, Kind::atomic); }

void L2Reference::access(uint64_t addr, uint64_t bytes, Tensor owner, Kind kind) {
    const uint64_t sb = uint64_t(sector_bytes_);
    for (uint64_t s = addr / sb; s * sb < addr + bytes; ++s) {
        const bool whole = s * sb >= addr && (s + 1) * sb <= addr + bytes;
        sector(s, kind, whole, owner);
    }
}

void L2Reference::sector(uint64_t sector_index, Kind kind, bool whole, Tensor owner) {
    const uint64_t sectors_per_line = uint64_t(line_bytes_ / sector_bytes_);
    const uint64_t line = sector_index / sectors_per_line;
    const size_t k = size_t(sector_index % sectors_per_line);
    std::vector<Line>& set = sets_storage_[size_t(L2Cache::set_hash(line) % uint64_t(sets_))];
    auto it = std::find_if(set.begin(), set.end(), [&](const Line& l) { return l.line == line; });
    if (it == set.end()) {
        if (int64_t(set.size()) == ways_) {
            auto victim = std::min_element(set.begin(), set.end(), [](const Line& a, const Line& b) { return a.lru < b.lru; });
            const uint64_t wb = uint64_t(std::count(victim->dirty.begin(), victim->dirty.end(), true)) * uint64_t(sector_bytes_);
            totals.hbm_write_bytes += wb;
            writeback_bytes_by_tensor[size_t(victim->owner)] += wb;
            set.erase(victim);
        }
        Line l;
        l.line = line;
        l.valid.assign(sectors_per_line, false);
        l.dirty.assign(sectors_per_line, false);
        l.owner = owner;
        set.push_back(l);
        it = set.end() - 1;
    }
    it->lru = ++clock_;
    if (it->valid[k]) totals.hit_bytes += uint64_t(sector_bytes_);
    else if (kind != Kind::write || !whole) totals.hbm_read_bytes += uint64_t(sector_bytes_);  // fetch the old sector
    it->valid[k] = true;
    if (kind != Kind::read) it->dirty[k] = true;
}

uint64_t L2Reference::dirty_bytes() const {
    uint64_t n = 0;
    for (uint64_t b : dirty_bytes_by_tensor()) n += b;
    return n;
}

std::array<uint64_t, kTensorCount> L2Reference::dirty_bytes_by_tensor() const {
    std::array<uint64_t, kTensorCount> n{};
    for (const auto& set : sets_storage_)
        for (const Line& l : set)
            n[size_t(l.owner)] += uint64_t(std::count(l.dirty.begin(), l.dirty.end(), true)) * uint64_t(sector_bytes_);
    return n;
}

void L2Reference::flush() {
    for (auto& set : sets_storage_) set.clear();
}

}  // namespace flashsim
