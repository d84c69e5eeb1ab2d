// l2_test.cpp: the engine's L2 model against the sector-level reference, and the L2-mode counts
// against closed forms.
#include <doctest/doctest.h>

#include <algorithm>

#include "sim/engine/l2_cache.h"
#include "tests/engine/l2_reference.h"
#include "sim/engine/memory_system.h"
#include "sim/engine/simulate.h"
#include "sim/engine/timing.h"

using namespace flashsim;

namespace {

struct Access {
    int kind;  // 0 read, 1 write, 2 atomic
    uint64_t addr, bytes;
    Tensor owner;
};

// A deterministic mix of reads, writes and atomics, aligned and not, over a few KiB more than the
// cache holds, with re-use.
std::vector<Access> mixed_accesses(int n, uint64_t span) {
    std::vector<Access> v;
    uint64_t x = 12345;
    auto next = [&] { return x = x * 6364136223846793005ull + 1442695040888963407ull, x >> 33; };
    for (int i = 0; i < n; ++i) {
        const uint64_t r = next();
        Access a;
        a.kind = int(r % 10 < 6 ? 0 : r % 10 < 9 ? 1 : 2);
        a.addr = (next() % span) & ~uint64_t(r % 3 == 0 ? 0 : 31);  // a third unaligned
        a.bytes = 1 + next() % 700;
        a.owner = Tensor(next() % 6);
        v.push_back(a);
    }
    return v;
}

template <class Cache>
void apply(Cache& c, const Access& a) {
    if (a.kind == 0) c.read(a.addr, a.bytes, a.owner);
    else if (a.kind == 1) c.write(a.addr, a.bytes, a.owner);
    else c.atomic(a.addr, a.bytes, a.owner);
}

// The same for the L2 model, returning what the access moved.
L2Access access(L2Cache& c, const Access& a) {
    return a.kind == 0 ? c.read(a.addr, a.bytes, a.owner) : a.kind == 1 ? c.write(a.addr, a.bytes, a.owner) : c.atomic(a.addr, a.bytes, a.owner);
}

// The ops of a trace, CTA after CTA, as (kind, addr, bytes) through an address map.
std::vector<Access> trace_accesses(const AttentionProblem& p, Algorithm algo, const GpuSpec& g) {
    Schedule s;
    s.algo = algo;
    const Trace t = make_trace(p, resolve_schedule(s, p, g), g);
    const AddressMap map(t.shapes, p.heads());
    std::vector<Access> v;
    std::vector<Op> buf(256);
    for (const auto& k : t.kernels)
        for (int64_t c = 0; c < k->cta_count(); ++c) {
            auto st = k->stream(c);
            for (size_t n; (n = st->fill(buf.data(), buf.size())) != 0;)
                for (size_t i = 0; i < n; ++i) {
                    const Op& op = buf[i];
                    if (!op.moves_data()) continue;
                    const int kind = op.kind == OpKind::load ? 0 : op.kind == OpKind::store ? 1 : 2;
                    map.for_each_run(op, [&](uint64_t a, uint64_t b) { v.push_back({kind, a, b, op.tensor}); });
                }
        }
    return v;
}

}  // namespace

TEST_CASE("the L2 model with line granules equals the sector-level reference, access by access") {
    const int64_t capacity = 16 * 1024, line = 128, sector = 32, ways = 4;
    L2Cache fast(capacity, line, sector, ways, line);
    L2Reference ref(capacity, line, sector, ways);
    uint64_t read = 0, written = 0;
    for (const Access& a : mixed_accesses(20000, 48 * 1024)) {
        const L2Access x = access(fast, a);
        apply(ref, a);
        read += x.hbm_read_bytes;
        written += x.hbm_write_bytes;
        REQUIRE(read == ref.totals.hbm_read_bytes);
        REQUIRE(written == ref.totals.hbm_write_bytes);
    }
    CHECK(fast.dirty_bytes() == ref.dirty_bytes());
    CHECK(fast.dirty_bytes_by_tensor() == ref.dirty_bytes_by_tensor());
    CHECK(fast.writeback_bytes_by_tensor == ref.writeback_bytes_by_tensor);
    CHECK(read > 0);
    CHECK(written > 0);
}

namespace {

// Accesses of a pool of runs of 8 to 16 granules (long enough to be remembered), aligned or not:
// reads, writes and atomics, some runs both written and read; mixed with writes and short reads
// elsewhere that evict them now and then; then a stretch of reads that thrash (runs read twice, a
// cache's worth of other runs apart: few are answered whole, so the L2 stops consulting its runs
// for a while), then the pool again.
std::vector<Access> run_rereads(int n, uint64_t granule) {
    std::vector<Access> pool, v;
    uint64_t x = 777;
    auto next = [&] { return x = x * 6364136223846793005ull + 1442695040888963407ull, x >> 33; };
    for (int i = 0; i < 12; ++i) {
        const uint64_t r = next();
        const uint64_t addr = (next() % (64 * granule)) * 32 + (r % 3 == 0 ? r % 32 : 0);
        const int kind = r % 4 < 2 ? 0 : int(r % 4 - 1);
        pool.push_back({kind, addr, (L2Cache::kMinRememberedGranules + next() % 9) * granule - (r % 5 == 0 ? 17 : 0), Tensor(r % 3)});
        if (kind != 0 && i % 2 == 0) pool.push_back({0, pool.back().addr, pool.back().bytes, pool.back().owner});  // read too
    }
    auto pool_phase = [&] {
        for (int i = 0; i < n; ++i) {
            const uint64_t r = next() % 10;
            if (r < 9) v.push_back(pool[next() % pool.size()]);
            else v.push_back({next() % 3 ? 1 : 0, (next() % (96 * granule)) * 32, 32 + next() % 400, Tensor(3 + next() % 3)});
        }
    };
    pool_phase();
    const uint64_t far = uint64_t(1) << 30, len = L2Cache::kMinRememberedGranules * granule;
    for (uint64_t i = 0; i < 3 * L2Cache::kRunEpoch; ++i)
        v.push_back({0, far + (i % 256 + (i / 512) * 256) * len, len, Tensor::Q});  // each read twice, 256 reads apart
    pool_phase();
    return v;
}

}  // namespace

TEST_CASE("accesses of a remembered run equal the reference access by access, and a cache accessing granule by granule") {
    // Line granules, exact: against the sector-level reference, hits included.
    {
        const int64_t capacity = 32 * 1024, line = 128, sector = 32, ways = 4;
        L2Cache fast(capacity, line, sector, ways, line);
        L2Reference ref(capacity, line, sector, ways);
        uint64_t read = 0, written = 0, hits = 0;
        for (const Access& a : run_rereads(20000, line)) {
            const L2Access x = access(fast, a);
            apply(ref, a);
            read += x.hbm_read_bytes;
            written += x.hbm_write_bytes;
            hits += x.hit_bytes;
            REQUIRE(read == ref.totals.hbm_read_bytes);
            REQUIRE(written == ref.totals.hbm_write_bytes);
            REQUIRE(hits == ref.totals.hit_bytes);
        }
        CHECK(fast.dirty_bytes() == ref.dirty_bytes());
        CHECK(fast.dirty_bytes_by_tensor() == ref.dirty_bytes_by_tensor());
        CHECK(fast.writeback_bytes_by_tensor == ref.writeback_bytes_by_tensor);
        CHECK(fast.remembered_accesses() > 1000);  // the shortcut answered many of the accesses
        CHECK(read > 0);
        CHECK(written > 0);
    }
    // Granules of 4 lines, sampled 1 in 4 sets or not: a cache given every access whole against
    // one given each in pieces of fewer than kMinRememberedGranules granules, cut at granule
    // boundaries (the same lookups in the same order, never remembered).
    for (int64_t S : {1, 4}) {
        CAPTURE(S);
        const int64_t line = 128, granule = 4 * line, ways = 4, capacity = 64 * granule * ways;
        L2Cache whole(capacity, line, 32, ways, granule, S), pieces(capacity, line, 32, ways, granule, S);
        L2Access w, p;
        auto add = [](L2Access& sum, const L2Access& x) {
            sum.hit_bytes += x.hit_bytes;
            sum.hbm_read_bytes += x.hbm_read_bytes;
            sum.hbm_write_bytes += x.hbm_write_bytes;
            sum.sampled_bytes += x.sampled_bytes;
        };
        for (const Access& a : run_rereads(20000, uint64_t(granule))) {
            add(w, access(whole, a));
            const uint64_t step = (L2Cache::kMinRememberedGranules - 1) * uint64_t(granule);
            for (uint64_t at = a.addr; at < a.addr + a.bytes;) {
                const uint64_t end = std::min(a.addr + a.bytes, (at / step + 1) * step);
                add(p, access(pieces, {a.kind, at, end - at, a.owner}));
                at = end;
            }
            REQUIRE(w.hit_bytes == p.hit_bytes);
            REQUIRE(w.hbm_read_bytes == p.hbm_read_bytes);
            REQUIRE(w.hbm_write_bytes == p.hbm_write_bytes);
            REQUIRE(w.sampled_bytes == p.sampled_bytes);
        }
        CHECK(whole.dirty_bytes_by_tensor() == pieces.dirty_bytes_by_tensor());
        CHECK(whole.writeback_bytes_by_tensor == pieces.writeback_bytes_by_tensor);
        CHECK(pieces.remembered_accesses() == 0);
        CHECK(whole.remembered_accesses() > 2000);
        CHECK(w.hbm_read_bytes > 0);
        CHECK(w.hbm_write_bytes > 0);
    }
}

TEST_CASE("the L2 model agrees with the reference on FA2, FA1 and vanilla traces") {
    // A cache far smaller than the working set, so evictions and write-backs happen.
    const GpuSpec g = load_gpu("a100-40gb");
    AttentionProblem p;
    p.N = 1024;
    p.d = 64;
    p.H = 2;
    const int64_t capacity = 256 * 1024, ways = 16;
    for (Algorithm a : {Algorithm::fa2, Algorithm::fa1, Algorithm::vanilla}) {
        const std::vector<Access> acc = trace_accesses(p, a, g);
        L2Reference ref(capacity, 128, 32, ways);
        for (const Access& x : acc) apply(ref, x);
        CAPTURE(std::string(to_string(a)));
        // Line granules: exact (16 ways: the lookup's unrolled comparison, as in the presets).
        L2Cache exact(capacity, 128, 32, ways, 128);
        uint64_t read = 0, hits = 0;
        for (const Access& x : acc) {
            const L2Access r = access(exact, x);
            read += r.hbm_read_bytes;
            hits += r.hit_bytes;
        }
        CHECK(read == ref.totals.hbm_read_bytes);
        CHECK(hits == ref.totals.hit_bytes);
        uint64_t wb = 0;
        for (uint64_t b : exact.writeback_bytes_by_tensor) wb += b;
        CHECK(wb == ref.totals.hbm_write_bytes);
        CHECK(exact.dirty_bytes() == ref.dirty_bytes());
        CHECK(exact.dirty_bytes_by_tensor() == ref.dirty_bytes_by_tensor());
        // The granule a long run of this algorithm would use (as if it moved > 256 MiB) in the
        // exact engine: 1 KiB for FA1 and FA2, whose tiles are whole rows; the line for vanilla,
        // whose 64-column tiles of S and P move 128-byte runs. Within 10% of the reference's HBM
        // reads on this small cache (16 sets of 1 KiB granules); large caches agree far more
        // closely (next test). The default engine takes the same; with a longer cap (a study,
        // SimOptions::l2_granule_cap_bytes) the shortest tile, min(Br, Bc) whole rows of d
        // elements, up to the cap and 128 sectors; vanilla stays at the line.
        Schedule sch;
        sch.algo = a;
        const Schedule resolved = resolve_schedule(sch, p, g);
        const Trace t = make_trace(p, resolved, g);
        SimOptions exact_options;
        exact_options.exact = true;
        const int64_t granule = l2_granule_for(t, g, exact_options, ~uint64_t(0) / 2);
        CHECK(granule == (a == Algorithm::vanilla ? 128 : 1024));
        const int64_t tile_bytes = std::min(resolved.Br, resolved.Bc) * p.d * p.es();
        int64_t fast_granule = 128;  // at most 128 sectors, below the cap of 8 KiB
        while (fast_granule * 2 <= std::min<int64_t>(tile_bytes, 128 * g.l2_sector_bytes)) fast_granule *= 2;
        CHECK(l2_granule_for(t, g, SimOptions{}, ~uint64_t(0) / 2) == granule);
        SimOptions study;
        study.l2_granule_cap_bytes = 8192;
        CHECK(l2_granule_for(t, g, study, ~uint64_t(0) / 2) == (a == Algorithm::vanilla ? 128 : fast_granule));
        study.exact = true;  // the exact engine keeps 8 lines
        CHECK(l2_granule_for(t, g, study, ~uint64_t(0) / 2) == granule);
        CHECK(l2_granule_for(t, g, SimOptions{}, uint64_t(256) << 20) == 128);  // short runs: the line, exact
        L2Cache coarse(capacity, 128, 32, ways, granule);
        uint64_t coarse_read = 0, exact_read = 0;
        L2Cache exact2(capacity, 128, 32, ways, 128);
        for (const Access& x : acc) {
            coarse_read += (x.kind == 0 ? coarse.read(x.addr, x.bytes, x.owner)
                            : x.kind == 1 ? coarse.write(x.addr, x.bytes, x.owner)
                                          : coarse.atomic(x.addr, x.bytes, x.owner)).hbm_read_bytes;
            exact_read += (x.kind == 0 ? exact2.read(x.addr, x.bytes, x.owner)
                           : x.kind == 1 ? exact2.write(x.addr, x.bytes, x.owner)
                                         : exact2.atomic(x.addr, x.bytes, x.owner)).hbm_read_bytes;
        }
        CHECK(exact_read == ref.totals.hbm_read_bytes);
        MESSAGE(std::string(to_string(a)), " coarse/exact HBM reads ", double(coarse_read) / double(ref.totals.hbm_read_bytes));
        CHECK(double(coarse_read) == doctest::Approx(double(ref.totals.hbm_read_bytes)).epsilon(0.10));
    }
}

TEST_CASE("line and 1 KiB granules give the same FA2 HBM bytes on the h100 L2 within 1%") {
    AttentionProblem p;
    p.N = 4096;
    p.d = 128;
    p.H = 16;
    SimOptions fine, coarse;
    fine.l2_granule_bytes = 128;
    coarse.l2_granule_bytes = 1024;
    const GpuSpec g = load_gpu("h100");
    const RunResult a = simulate(p, Schedule{}, g, fine), b = simulate(p, Schedule{}, g, coarse);
    CHECK(double(b.counts.total.hbm_read_bytes) == doctest::Approx(double(a.counts.total.hbm_read_bytes)).epsilon(0.01));
    CHECK(b.timing.seconds == doctest::Approx(a.timing.seconds).epsilon(0.01));
}

TEST_CASE("with an L2 larger than the working set, FA2 reads Q, K and V from HBM exactly once") {
    AttentionProblem p;
    p.N = 1024;
    p.d = 64;
    p.H = 8;
    p.B = 2;
    const GpuSpec g = load_gpu("h100");
    const RunResult r = simulate(p, Schedule{}, g, {});
    REQUIRE(!r.paper_mode);
    const uint64_t matrix = uint64_t(p.B * p.H * p.N * p.d * p.es());  // one of Q, K, V: 4 MiB
    CHECK(3 * matrix < uint64_t(g.l2_bytes));
    CHECK(r.counts.total.hbm_read_bytes == 3 * matrix);
    CHECK(r.counts.per_tensor[size_t(Tensor::K)].hbm_read_bytes == matrix);
    // while the SMs ask the L2 for every re-read: Q once, K and V once per query block (Tr
    // times), some of them merged by the request coalescer before the tags
    const uint64_t Tr = uint64_t(r.schedule.Tr(p));
    CHECK(r.counts.total.global_read_bytes + r.counts.total.l2_coalesced_bytes == matrix + 2 * Tr * matrix);
}

TEST_CASE("the partition hop: a granule read from both sides crosses once, from its home never, and again once evicted") {
    const uint64_t region = 64 * 1024;
    for (const int64_t granule : {int64_t(128), int64_t(256), int64_t(1024)}) {  // a line, two lines inline, masks
        INFO("granule " << granule);
        L2Cache c(8 << 20, 128, 32, 16, granule);
        // The bytes of the region's granules homed away from `side`: what a first read from it crosses.
        auto far = [&](int side) {
            uint64_t b = 0;
            for (uint64_t g = 0; g < region / uint64_t(granule); ++g) b += L2Cache::home_of(g) != side ? uint64_t(granule) : 0;
            return b;
        };
        REQUIRE(far(0) > 0);
        REQUIRE(far(1) > 0);
        CHECK(far(0) + far(1) == region);
        // Read as one run three times from side 0 (the third answered as a remembered run), then
        // from side 1 (the run's copies made for it), then again from each.
        CHECK(c.read(0, region, Tensor::K, 0).hop_bytes == far(0));
        CHECK(c.read(0, region, Tensor::K, 0).hop_bytes == 0);
        CHECK(c.read(0, region, Tensor::K, 0).hop_bytes == 0);
        CHECK(c.remembered_accesses() == 1);
        CHECK(c.read(0, region, Tensor::K, 1).hop_bytes == far(1));
        CHECK(c.remembered_accesses() == 2);
        CHECK(c.read(0, region, Tensor::K, 1).hop_bytes == 0);
        CHECK(c.read(0, region, Tensor::K, 0).hop_bytes == 0);
        // Writes and reads from no side cross nothing; a write drops no copy.
        CHECK(c.write(0, region, Tensor::K).hop_bytes == 0);
        CHECK(c.read(0, region, Tensor::K).hop_bytes == 0);
        CHECK(c.read(0, region, Tensor::K, 1).hop_bytes == 0);
        // Evicted (64 MiB read through the 8 MiB cache), the region crosses again, sector by
        // sector: its first half of each 256 bytes, then the second half, from side 1.
        c.read(1 << 24, 64 << 20, Tensor::V);
        uint64_t hop = 0;
        for (uint64_t half : {uint64_t(0), uint64_t(128)})
            for (uint64_t a = half; a < region; a += 256) hop += c.read(a, 128, Tensor::K, 1).hop_bytes;
        CHECK(hop == far(1));
        // A read that makes copies without counting (MemorySystem::warm) leaves nothing to cross.
        c.read(1 << 24, 64 << 20, Tensor::V);
        CHECK(c.read(0, region, Tensor::K, L2Cache::kCopiedSide).hop_bytes == 0);
        CHECK(c.read(0, region, Tensor::K, 0).hop_bytes == 0);
        CHECK(c.read(0, region, Tensor::K, 1).hop_bytes == 0);
        // ... also when it is answered as a run remembered from one side's reads.
        L2Cache w(8 << 20, 128, 32, 16, granule);
        for (int i = 0; i < 3; ++i) w.read(0, region, Tensor::K, 0);
        CHECK(w.read(0, region, Tensor::K, L2Cache::kCopiedSide).hop_bytes == 0);
        CHECK(w.remembered_accesses() == 2);
        CHECK(w.read(0, region, Tensor::K, 1).hop_bytes == 0);
    }
}

TEST_CASE("K and V, read by a head's CTAs on both partitions' SMs, cross between the L2 partitions exactly once") {
    AttentionProblem p;
    p.N = 2048;
    p.d = 64;
    p.H = 2;
    p.B = 1;
    SimOptions exact;
    exact.exact = true;
    const GpuSpec g = load_gpu("h100");
    REQUIRE(g.l2_partitions == 2);
    const RunResult r = simulate(p, Schedule{}, g, exact);
    REQUIRE(!r.paper_mode);
    const uint64_t matrix = uint64_t(p.B * p.H * p.N * p.d * p.es());
    CHECK(r.counts.per_tensor[size_t(Tensor::K)].l2_hop_bytes == matrix);
    CHECK(r.counts.per_tensor[size_t(Tensor::V)].l2_hop_bytes == matrix);
    // Each block of Q has one reader: it crosses where its granules are homed away from that SM.
    const uint64_t q = r.counts.per_tensor[size_t(Tensor::Q)].l2_hop_bytes;
    CHECK(q > matrix / 4);
    CHECK(q < 3 * matrix / 4);
    CHECK(r.counts.total.l2_hop_bytes == 2 * matrix + q);
    // One partition: nothing crosses.
    GpuSpec one = g;
    one.l2_partitions = 1;
    CHECK(simulate(p, Schedule{}, one, exact).counts.total.l2_hop_bytes == 0);
}

TEST_CASE("dirty bytes at the end plus HBM writes equal the bytes written when the outputs fit") {
    // Every set simulated: a sampled run (vanilla's here is, at 1 in 2) estimates both sums, each
    // within the fast path's bounds, not to the byte.
    AttentionProblem p;
    p.N = 2048;
    p.d = 64;
    p.H = 8;
    const GpuSpec g = load_gpu("a100-40gb");
    for (Algorithm a : {Algorithm::fa2, Algorithm::fa1, Algorithm::vanilla}) {
        for (bool flush : {true, false}) {
            Schedule s;
            s.algo = a;
            SimOptions o;
            o.exact = true;
            o.l2_flush_between_kernels = flush;
            const RunResult r = simulate(p, s, g, o);
            CAPTURE(std::string(to_string(a)));
            CAPTURE(flush);
            if (a == Algorithm::fa2) CHECK(r.l2_dirty_bytes_at_end > 0);
            if (a != Algorithm::fa1) {
                CHECK(r.l2_dirty_bytes_at_end + r.counts.total.hbm_write_bytes == r.counts.total.global_write_bytes);
            } else {
                // FA1 rewrites Oi, li, mi once per key block: L2 absorbs the rewrites, so HBM
                // sees (or will see) each of O, l, m once.
                const uint64_t once = uint64_t(p.heads()) * uint64_t(p.N) * uint64_t(p.d * p.es() + 2 * kStatBytes);
                CHECK(r.l2_dirty_bytes_at_end + r.counts.total.hbm_write_bytes == once);
                CHECK(r.counts.total.global_write_bytes == once * uint64_t(r.schedule.Tc(p)));
            }
        }
    }
}

TEST_CASE("an atomic add is a read-modify-write at L2: it fetches on a miss and leaves the sector dirty") {
    L2Cache c(64 * 1024, 128, 32, 4, 128);
    const L2Access first = c.atomic(4096, 256, Tensor::dQ);
    CHECK(first.hbm_read_bytes == 256);
    const L2Access second = c.atomic(4096, 256, Tensor::dQ);
    CHECK(second.hbm_read_bytes == 0);
    CHECK(c.dirty_bytes() == 256);
    // a whole-sector write allocates without reading HBM; a partial one fetches its sector
    CHECK(c.write(8192, 64, Tensor::O).hbm_read_bytes == 0);
    CHECK(c.write(16384 + 8, 16, Tensor::O).hbm_read_bytes == 32);
}

TEST_CASE("paper mode keeps the papers' counts and only times") {
    AttentionProblem p;
    p.N = 1024;
    p.H = 4;
    SimOptions o;
    o.paper_mode = true;
    const RunResult r = simulate(p, Schedule{}, load_gpu("h100"), o);
    CHECK(r.paper_mode);
    CHECK(r.timing.valid);
    CHECK(r.counts.total.hbm_read_bytes == r.analytic.hbm_read_bytes);
    CHECK(r.counts.total.hbm_write_bytes == r.analytic.hbm_write_bytes);
}
