// l2_reference.h: a sector-by-sector L2 model, slow and obvious, used only by tests to check the
// engine's L2 (l2_cache.h). Every access is split into 32-byte sector accesses handled one at a
// time, each looking up its line in its set, LRU over lines, write-back, write-allocate without
// fetch for whole sectors. It shares nothing with L2Cache but the set hash.
#pragma once
#include <array>
#include <cstdint>
#include <vector>

#include "sim/trace/op.h"

namespace flashsim {

struct L2ReferenceTotals {
    uint64_t hbm_read_bytes = 0;
    uint64_t hbm_write_bytes = 0;
    uint64_t hit_bytes = 0;
};

class L2Reference {
public:
    L2Reference(int64_t capacity_bytes, int64_t line_bytes, int64_t sector_bytes, int64_t ways);
    void read(uint64_t addr, uint64_t bytes, Tensor owner);
    void write(uint64_t addr, uint64_t bytes, Tensor owner);
    void atomic(uint64_t addr, uint64_t bytes, Tensor owner);
    uint64_t dirty_bytes() const;
    std::array<uint64_t, kTensorCount> dirty_bytes_by_tensor() const;  // the same, by owner
    void flush();

    L2ReferenceTotals totals;
    std::array<uint64_t, kTensorCount> writeback_bytes_by_tensor{};

private:
    struct Line {
        uint64_t line = ~uint64_t(0);  // line number; ~0 = empty
        uint64_t lru = 0;
        std::vector<bool> valid, dirty;  // one flag per sector
        Tensor owner = Tensor::Q;
    };
    enum class Kind { read, write, atomic };
    void access(uint64_t addr, uint64_t bytes, Tensor owner, Kind kind);
    void sector(uint64_t sector_index, Kind kind, bool whole, Tensor owner);
    int64_t line_bytes_, sector_bytes_, ways_, sets_;
    std::vector<std::vector<Line>> sets_storage_;
    uint64_t clock_ = 0;
};

}  // namespace flashsim
