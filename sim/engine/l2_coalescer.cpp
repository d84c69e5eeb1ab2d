// l2_coalescer.cpp: the L2 request coalescer (l2_coalescer.h).
#include "sim/engine/l2_coalescer.h"

#include <algorithm>
#include <cmath>

#include "sim/engine/byte_runs.h"
#include "sim/engine/l2_cache.h"

namespace flashsim {

L2Coalescer::L2Coalescer(int64_t granule_bytes, int64_t sides, double window_cycles, int64_t entries)
    : granule_bytes_(std::max<int64_t>(1, granule_bytes)), sides_(std::max<int64_t>(1, sides)), window_(window_cycles) {
    uint64_t n = 1;
    while (n < uint64_t(std::max<int64_t>(1, entries))) n *= 2;
    mask_ = n - 1;
    table_.assign(size_t(n * uint64_t(sides_)), Entry{});
}

void L2Coalescer::clear() {
    std::fill(table_.begin(), table_.end(), Entry{});
    pending_.clear();
}

void L2Coalescer::complete(double done) {
    for (size_t i : pending_) table_[i].end = done;
    pending_.clear();
}

uint64_t L2Coalescer::coalesced(uint64_t addr, uint64_t bytes, int64_t side, double t, const TagsFn& to_tags) {
    if (!(window_ > 0)) {
        to_tags(addr, bytes);
        return 0;
    }
    const uint64_t end = addr + bytes, gb = uint64_t(granule_bytes_);
    const size_t base = size_t(std::clamp<int64_t>(side, 0, sides_ - 1)) * size_t(mask_ + 1);
    uint64_t merged = 0;
    ByteRuns requests(to_tags);  // the runs of bytes that reach the tags, passed on whole
    for (uint64_t g = addr / gb; g * gb < end; ++g) {
        const uint64_t lo = std::max(addr, g * gb), hi = std::min(end, (g + 1) * gb);
        const size_t i = base + size_t(L2Cache::set_hash(g) & mask_);
        Entry& e = table_[i];
        if (e.tag == g + 1 && t >= e.t && t < std::min(e.end, e.t + window_)) {
            merged += hi - lo;
            requests.flush();
            continue;
        }
        e.tag = g + 1;
        e.t = t;
        e.end = HUGE_VAL;  // in flight until complete()
        pending_.push_back(i);
        requests.add(lo, hi);
    }
    requests.flush();
    return merged;
}

}  // namespace flashsim
