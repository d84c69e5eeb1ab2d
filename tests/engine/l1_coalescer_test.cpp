// l1_coalescer_test.cpp: the requests that never reach the L2's tags: each SM's L1 (l1_cache.h)
// and the L2 request coalescer (l2_coalescer.h), alone and through MemorySystem::transfer.
#include <doctest/doctest.h>

#include "sim/engine/l1_cache.h"
#include "sim/engine/l2_cache.h"
#include "sim/engine/l2_coalescer.h"
#include "sim/engine/memory_system.h"
#include "sim/gpu/gpu_spec.h"

using namespace flashsim;

namespace {

struct Missed {
    uint64_t bytes = 0;
    auto fn() {
        return [this](uint64_t, uint64_t b) { bytes += b; };
    }
};

// One K tile of a head: rows x d fp16 elements, the head's matrix in one run.
Op k_tile_load(uint32_t bh, uint32_t row0, uint32_t rows, uint32_t d) {
    Op op;
    op.kind = OpKind::load;
    op.tensor = Tensor::K;
    op.bh = bh;
    op.row0 = row0;
    op.rows = rows;
    op.col0 = 0;
    op.cols = d;
    op.bytes = uint64_t(rows) * d * 2;
    return op;
}

TensorShapes shapes_n_d(int64_t N, int64_t d) {
    TensorShapes s{};
    for (auto& t : s) t = TensorShape{N, d, 2};
    return s;
}

}  // namespace

TEST_CASE("an L1 of C bytes serving k co-resident CTAs that read the same tile passes 1/k of the reads to the L2") {
    const int64_t C = 64 * 1024, tile = 16 * 1024;
    for (int k : {1, 2, 4}) {
        L1Caches l1(/*sm_count=*/2, C, /*granule_bytes=*/128, /*sector_bytes=*/32);
        Missed m;
        uint64_t hit = 0;
        for (int cta = 0; cta < k; ++cta) hit += l1.read(/*sm=*/0, /*addr=*/1 << 20, tile, m.fn()).hit_bytes;
        CHECK(m.bytes == uint64_t(tile));
        CHECK(hit == uint64_t(tile) * uint64_t(k - 1));
        CHECK(double(m.bytes) / double(uint64_t(tile) * k) == doctest::Approx(1.0 / k));
    }
}

TEST_CASE("a sampled L1 looks up the granules of 1 in s sets, s the largest power of two up to the L2's S that divides its sets, and hits on most of them again") {
    const int64_t C = 64 * 1024, tile = 16 * 1024, S = 4;
    const uint64_t base = 1 << 20;
    // An L2 of 512 sets of 16 ways of 128-byte granules, sampled at 1 in S and at 1 in 8.
    const L2Cache l2(1 << 20, 128, 32, 16, 128, S), l2_8(1 << 20, 128, 32, 16, 128, 8);
    uint64_t sampled_bytes = 0;  // the tile's bytes in granules of the L2's sampled sets
    for (uint64_t g = base / 128; g < (base + tile) / 128; ++g)
        if (l2.sampled(g * 128)) sampled_bytes += 128;
    REQUIRE(sampled_bytes > 0);
    REQUIRE(sampled_bytes < uint64_t(tile));
    L1Caches l1(1, C, 128, 32, &l2);
    CHECK(l1.sample_every() == S);
    CHECK(l1.capacity_bytes() == C);
    // The k-th read of the tile: its sampled granules hit after the first, but for those a set of
    // the sampled L1 cannot hold: each stands for S neighbouring sets of the full L1, whose sampled
    // granules it takes (about 1 in S of each, drawn with the L2's sets), so a tile a quarter of
    // the L1's size, which the full L1 holds whole, overflows a few of them.
    uint64_t second = 0;
    for (int k = 1; k <= 3; ++k) {
        Missed m;
        const L1Read r = l1.read(0, base, tile, m.fn());
        CHECK(r.looked_up_bytes == sampled_bytes);
        if (k == 1) CHECK(r.hit_bytes == 0);
        if (k == 2) second = r.hit_bytes;
        if (k == 3) CHECK(r.hit_bytes == second);  // the same sets overflow each time
        CHECK(m.bytes == uint64_t(tile) - r.hit_bytes);  // the unsampled granules pass on, unlooked
    }
    CHECK(second <= sampled_bytes);
    CHECK(4 * second >= 3 * sampled_bytes);
    // Fewer sets than S (2, S = 4): sampled at 1 in 2, one set of the two.
    L1Caches tiny(1, 4 * 128 * 2, 128, 32, &l2);
    CHECK(tiny.sample_every() == 2);
    CHECK(tiny.capacity_bytes() == 4 * 128 * 2);
    // Sets that S does not divide (54 of 4 ways, S = 8): sampled at 1 in 2, the largest power of
    // two that divides them, so the L1 keeps its whole capacity (6 sets at 1 in 8 would stand for
    // 48 of the 54); it looks up the granules of the L2 sets a sampling of 1 in 2 keeps, a
    // superset of those the L2 samples at 1 in 8.
    const int64_t odd = 54 * 4 * 128;
    L1Caches uneven(1, odd, 128, 32, &l2_8);
    CHECK(uneven.sample_every() == 2);
    CHECK(uneven.capacity_bytes() == odd);
    uint64_t half_bytes = 0, eighth_bytes = 0;
    for (uint64_t g = base / 128; g < (base + tile) / 128; ++g) {
        const bool half = l2_8.kept_at(g * 128, 2), eighth = l2_8.sampled(g * 128);
        CHECK((half || !eighth));  // what the L2 samples, the L1 looks up
        half_bytes += half ? 128 : 0;
        eighth_bytes += eighth ? 128 : 0;
    }
    Missed m;
    CHECK(uneven.read(0, base, tile, m.fn()).looked_up_bytes == half_bytes);
    CHECK(half_bytes > eighth_bytes);
    // Odd sets: every granule looked up.
    L1Caches odd_sets(1, 27 * 4 * 128, 128, 32, &l2_8);
    CHECK(odd_sets.sample_every() == 1);
    CHECK(odd_sets.capacity_bytes() == 27 * 4 * 128);
}

TEST_CASE("each SM has its own L1, a store drops what it writes, and a tile larger than the L1 is not kept") {
    const int64_t C = 32 * 1024;
    L1Caches l1(2, C, 128, 32);
    Missed m;
    l1.read(0, 0, 4096, m.fn());
    CHECK(l1.read(1, 0, 4096, m.fn()).hit_bytes == 0);  // another SM: misses
    CHECK(m.bytes == 2 * 4096u);
    l1.invalidate(0, 1024, 1024);  // SM 0 stores over [1024, 2048)
    Missed again;
    CHECK(l1.read(0, 0, 4096, again.fn()).hit_bytes == 4096u - 1024u);
    CHECK(again.bytes == 1024u);
    // a stream of 4 C bytes, then its first C bytes again: LRU has evicted them all
    L1Caches big(1, C, 128, 32);
    Missed stream;
    big.read(0, 1 << 24, uint64_t(4 * C), stream.fn());
    CHECK(big.read(0, 1 << 24, uint64_t(C), stream.fn()).hit_bytes == 0);
    CHECK(l1_bytes_left(262144, 2, 68864) == 262144 - 2 * (68864 + kSramReservedBytesPerCta));
    CHECK(l1_bytes_left(262144, 1, 300000) == 0);
    CHECK(l1_bytes_left(0, 1, 1000) == 0);
}

TEST_CASE("an L1 set evicts its least recently used granule: a hit makes a granule the most recent, an invalidation does not") {
    // One set of 4 ways (4 granules of 128 bytes): granules a, b, c, d fill it, a is read again,
    // so b is the least recently used and a fifth granule e takes its way.
    L1Caches l1(1, 4 * 128, 128, 32);
    REQUIRE(l1.capacity_bytes() == 4 * 128);
    const auto granule = [](uint64_t i) { return (uint64_t(1) << 20) + 128 * i; };
    const auto read = [&](uint64_t i) {
        Missed m;
        const uint64_t hit = l1.read(0, granule(i), 128, m.fn()).hit_bytes;
        CHECK(hit + m.bytes == 128u);
        return hit;
    };
    for (uint64_t i = 0; i < 4; ++i) CHECK(read(i) == 0);  // a, b, c, d: misses, now held
    CHECK(read(0) == 128u);                                // a hits, the most recent now
    CHECK(read(4) == 0);                                   // e evicts b
    CHECK(read(0) == 128u);
    CHECK(read(2) == 128u);
    CHECK(read(3) == 128u);
    CHECK(read(4) == 128u);
    CHECK(read(1) == 0);  // b was evicted; it now evicts a, the least recently used
    // An invalidation drops sectors, not the granule's place: c is invalidated (its way kept, the
    // oldest now), then read: it misses and is the most recent; d is then the oldest and goes.
    l1.invalidate(0, granule(2), 128);
    CHECK(read(2) == 0);
    CHECK(read(5) == 0);  // evicts d
    CHECK(read(4) == 128u);
    CHECK(read(1) == 128u);
    CHECK(read(2) == 128u);
    CHECK(read(3) == 0);
}

TEST_CASE("the L2 request coalescer answers reads of one granule by one SM while the first is in flight once") {
    const double W = 1000;
    L2Coalescer lrc(/*granule_bytes=*/128, /*sides=*/2, W, /*entries=*/1024);
    Missed tags;
    const uint64_t bytes = 4096;
    CHECK(lrc.coalesced(0, bytes, 0, 0.0, tags.fn()) == 0);  // the first reaches the tags
    CHECK(lrc.coalesced(0, bytes, 0, 0.5 * W, tags.fn()) == bytes);  // same side, inside the window
    CHECK(lrc.coalesced(0, bytes, 1, 0.5 * W, tags.fn()) == 0);  // the other partition's coalescer
    CHECK(lrc.coalesced(0, bytes, 0, 1.5 * W, tags.fn()) == 0);  // the window began at the first, 0
    CHECK(tags.bytes == 3 * bytes);
    lrc.complete(1.6 * W);  // the data of the request at 1.5 W is back at 1.6 W: no longer in flight
    CHECK(lrc.coalesced(0, bytes, 0, 1.7 * W, tags.fn()) == 0);
    CHECK(lrc.coalesced(0, bytes, 0, 1.8 * W, tags.fn()) == bytes);  // the one at 1.7 W is
    L2Coalescer off(128, 2, 0.0, 1024);
    Missed all;
    off.coalesced(0, bytes, 0, 0, all.fn());
    CHECK(off.coalesced(0, bytes, 0, 0, all.fn()) == 0);
    CHECK(all.bytes == 2 * bytes);
}

TEST_CASE("a K tile read by two CTAs of one SM reaches the L2 once in step, twice far apart in time, and once through L1") {
    const GpuSpec g = load_gpu("h200");
    REQUIRE(g.l2_coalesce_window_ns > 0);  // kernels/micro/l2_merge's window
    const int64_t N = 1024, d = 64;
    const Op op = k_tile_load(0, 0, 64, uint32_t(d));
    const double window_cycles = g.l2_coalesce_window_ns * 1e-9 * g.clock_hz;
    REQUIRE(window_cycles > 0);
    {
        MemorySystem mem(g, shapes_n_d(N, d), 1, true, g.l2_line_bytes);
        Counters c;
        mem.transfer(op, 0, 0.0, c, kRouteFirstWave);
        mem.transfer(op, 0, 0.1 * window_cycles, c, kRouteFirstWave);  // the other CTA of SM 0, in step: coalesced
        mem.transfer(op, 2, 0.1 * window_cycles, c, kRouteFirstWave);  // a CTA of SM 2, another TPC: not (l2_coalescer.h)
        const Traffic& t = c.per_tensor[size_t(Tensor::K)];
        CHECK(t.global_read_bytes == 2 * op.bytes);
        CHECK(t.l2_coalesced_bytes == op.bytes);
    }
    {
        MemorySystem mem(g, shapes_n_d(N, d), 1, true, g.l2_line_bytes);
        Counters c;
        mem.transfer(op, 0, 0.0, c, kRouteFirstWave);
        mem.transfer(op, 0, 2 * window_cycles, c, kRouteFirstWave);
        CHECK(c.per_tensor[size_t(Tensor::K)].global_read_bytes == 2 * op.bytes);
        CHECK(c.per_tensor[size_t(Tensor::K)].l2_coalesced_bytes == 0);
    }
    {  // through the L1 (ld.global): a second CTA of the same SM hits, whatever the time apart
        MemorySystem mem(g, shapes_n_d(N, d), 1, true, g.l2_line_bytes);
        mem.set_l1(l1_bytes_left(/*Hopper's unified L1/shared, whitepaper=*/262144, 2, 68864));
        Counters c;
        const TransferTiming first = mem.transfer(op, 0, 0.0, c, kRouteThroughL1);
        const TransferTiming second = mem.transfer(op, 0, 10 * window_cycles, c, kRouteThroughL1);
        CHECK(c.per_tensor[size_t(Tensor::K)].global_read_bytes == op.bytes);
        CHECK(c.per_tensor[size_t(Tensor::K)].l1_hit_bytes == op.bytes);
        CHECK(second.latency_cycles == doctest::Approx(g.l1_latency_cycles));
        CHECK(first.latency_cycles > second.latency_cycles);
    }
}

TEST_CASE("the first wave's CTAs on the two SMs of a TPC coalesce their reads, other TPCs' and later waves' do not") {
    // kernels/micro/sm_skew: the first wave puts consecutive CTAs on the two SMs of a TPC (SMs 2t,
    // 2t + 1 in the engine's numbering), whose reads of a tile in step always merge; in later
    // waves a head's CTAs land where slots free, on other TPCs (l2_coalescer.h).
    const GpuSpec g = load_gpu("h200");
    REQUIRE(g.l2_coalesce_window_ns > 0);
    const int64_t N = 1024, d = 64;
    const Op op = k_tile_load(0, 0, 64, uint32_t(d));
    const double w = g.l2_coalesce_window_ns * 1e-9 * g.clock_hz;
    struct Case {
        int64_t other_sm;
        uint32_t route;
        uint64_t coalesced;
    };
    for (const Case k : {Case{1, kRouteFirstWave, op.bytes},  // SM 1: SM 0's TPC
                         Case{2, kRouteFirstWave, 0},         // SM 2: the next TPC
                         Case{1, 0, 0},                       // later waves: not coalesced
                         Case{0, 0, 0}}) {                    // not even on one SM
        INFO("other SM " << k.other_sm << ", route " << k.route);
        MemorySystem mem(g, shapes_n_d(N, d), 1, true, g.l2_line_bytes);
        Counters c;
        mem.transfer(op, 0, 0.0, c, k.route);
        mem.transfer(op, k.other_sm, 0.1 * w, c, k.route);
        const Traffic& t = c.per_tensor[size_t(Tensor::K)];
        CHECK(t.l2_coalesced_bytes == k.coalesced);
        CHECK(t.global_read_bytes == 2 * op.bytes - k.coalesced);
        CHECK(mem.coalesced_so_far()[size_t(Tensor::K)] == k.coalesced);
    }
}

TEST_CASE("a coalesced read is back when the read it merged with is, not a trip through the L2 after its own arrival") {
    // The coalescer answers a merged request with the first request's data (l2_coalescer.h):
    // a K tile missing in the L2 takes HBM's latency; the other SM of the TPC asks for it a
    // tenth of the window later and gets it when the first does, though its own request would
    // take only the L2's latency (and L2 bandwidth: none, it does not reach the tags).
    const GpuSpec g = load_gpu("h200");
    REQUIRE(g.l2_coalesce_window_ns > 0);
    REQUIRE(g.hbm_latency_cycles > g.l2_latency_cycles);
    const Op op = k_tile_load(0, 0, 64, 64);
    const double w = g.l2_coalesce_window_ns * 1e-9 * g.clock_hz;
    MemorySystem mem(g, shapes_n_d(1024, 64), 1, true, g.l2_line_bytes);
    Counters c;
    const TransferTiming first = mem.transfer(op, 0, 0.0, c, kRouteFirstWave);
    REQUIRE(first.hbm_read_bytes == op.bytes);
    REQUIRE(first.latency_cycles >= g.hbm_latency_cycles);
    const double at = 0.1 * w;
    REQUIRE(at < first.done_cycles);  // in flight: the second merges
    const TransferTiming second = mem.transfer(op, 1, at, c, kRouteFirstWave);
    CHECK(c.per_tensor[size_t(Tensor::K)].l2_coalesced_bytes == op.bytes);
    CHECK(second.done_cycles == doctest::Approx(first.done_cycles));
    CHECK(second.done_cycles - at > g.l2_latency_cycles);
    // After the first is back, a read of SM 1 is its own (no merge): the L2 holds the tile.
    const TransferTiming third = mem.transfer(op, 1, first.done_cycles + 10 * w, c, kRouteFirstWave);
    CHECK(third.latency_cycles == doctest::Approx(g.l2_latency_cycles));
}
