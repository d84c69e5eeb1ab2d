// l2_coalescer.cpp: the L2 request coalescer (l2_coalescer.h).
#include "sim/engine/l2_coalescer.h"

#include <algorithm>

namespace flashsim {

L2Coalescer::L2Coalescer(int64_t granule_bytes, int64_t sides, double window_cycles, int64_t entries)
    : granule_bytes_(std::max<int64_t>(1, granule_bytes)), sides_(std::max<int64_t>(1, sides)), window_(window_cycles) {
    if ((granule_bytes_ & (granule_bytes_ - 1)) == 0) shift_ = __builtin_ctzll(uint64_t(granule_bytes_));
    uint64_t n = 1;
    while (n < uint64_t(std::max<int64_t>(1, entries))) n *= 2;
    mask_ = n - 1;
    table_.assign(size_t(n * uint64_t(sides_)), Entry{});
}

void L2Coalescer::clear() {
    std::fill(table_.begin(), table_.end(), Entry{});
    pending_.clear();
    merged_end_ = 0;
}

// Out of line: defined in the header, GCC 12 left no prefetch instruction in MemorySystem::transfer.
void L2Coalescer::prefetch(uint64_t addr, int64_t side) const { __builtin_prefetch(&table_[index(granule(addr), side)]); }

void L2Coalescer::complete(double done) {
    for (size_t i : pending_) table_[i].end = done;
    pending_.clear();
}

}  // namespace flashsim
