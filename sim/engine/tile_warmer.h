// tile_warmer.h: the tiles a skip's warming of the L2 touches (kernel_skip.cpp,
// iteration_skip.cpp). Internal to sim/engine.
#pragma once
#include <algorithm>
#include <array>
#include <cstdint>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "sim/engine/memory_system.h"
#include "sim/trace/trace.h"

namespace flashsim::engine {

// A tile of a tensor (every field of the op that says where its bytes lie), for the L2 warming.
struct TileKey {
    uint64_t a, b, c;
    bool operator==(const TileKey&) const = default;
};
struct TileKeyHash {
    size_t operator()(const TileKey& k) const {
        uint64_t h = k.a * 0x9E3779B97F4A7C15ull;
        h ^= (k.b + 0x632BE59BD9B4E019ull + (h << 6) + (h >> 2)) * 0xBF58476D1CE4E5B9ull;
        h ^= (k.c + (h << 6) + (h >> 2)) * 0x94D049BB133111EBull;
        return size_t(h ^ (h >> 31));
    }
};
inline TileKey tile_key(const Op& op) {
    return {uint64_t(op.bh) << 32 | op.row0, uint64_t(op.rows) << 32 | op.col0, uint64_t(op.cols) << 8 | uint64_t(op.tensor)};
}

// The tiles a skip's warming touches (KernelRun::warm_l2, the iteration skip): each distinct tile
// once, at its last use, dirty when any of its accesses wrote; touched in the order of their last
// use, so that LRU holds the most recent. Stops taking tiles once they hold `want` bytes.
class TileWarmer {
public:
    explicit TileWarmer(uint64_t want) : want_(want) {}
    bool full() const { return bytes_ >= want_; }
    void use(const Op& op, double at) {
        if (!op.moves_data()) return;
        // The tile this tensor used last, without a lookup when it is the same: the CTAs of a
        // head use the same tiles one after another (the iteration skip's walk over its tails).
        const TileKey key = tile_key(op);
        Last& l = last_[size_t(op.tensor)];
        if (!l.use || !(l.key == key)) {
            const auto [u, fresh] = tiles_.try_emplace(key, Use{op, at, false});
            if (fresh) bytes_ += op.bytes;
            l = {key, &u->second};  // (a rehash moves no element)
        }
        l.use->last = std::max(l.use->last, at);
        l.use->dirty = l.use->dirty || op.kind != OpKind::load;
    }
    void warm(MemorySystem& mem) const {
        std::vector<const Use*> order;
        order.reserve(tiles_.size());
        for (const auto& [key, u] : tiles_) order.push_back(&u);
        // Ties in the order of the tiles' keys: the same order on every host.
        std::sort(order.begin(), order.end(), [](const Use* x, const Use* y) {
            const TileKey kx = tile_key(x->op), ky = tile_key(y->op);
            return std::tie(x->last, kx.a, kx.b, kx.c) < std::tie(y->last, ky.a, ky.b, ky.c);
        });
        for (const Use* u : order) mem.warm(u->op, u->dirty);
    }

private:
    struct Use {
        Op op;
        double last = 0;
        bool dirty = false;
    };
    struct Last {
        TileKey key{};
        Use* use = nullptr;
    };
    std::unordered_map<TileKey, Use, TileKeyHash> tiles_;
    std::array<Last, kTensorCount> last_{};
    uint64_t want_, bytes_ = 0;
};

}  // namespace flashsim::engine
