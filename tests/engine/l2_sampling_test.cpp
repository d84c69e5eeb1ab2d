// l2_sampling_test.cpp: L2 set sampling (l2_cache.h, docs/speed.md). The sampled sets are the full
// cache's sets exactly, so a sampled cache's counts are S times the sector-level reference's on
// the accesses that fall in those sets; the automatic choice follows its rule; and on a run large
// enough to be sampled, the fast path agrees with the exact engine within the stated bounds.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "sim/engine/kernel_sim.h"
#include "sim/engine/l2_cache.h"
#include "sim/engine/memory_system.h"
#include "sim/engine/counting.h"
#include "sim/engine/simulate.h"
#include "sim/engine/timing.h"
#include "sim/trace/trace.h"
#include "sim/algorithms/algorithm.h"
#include "sim/core/errors.h"
#include "sim/gpu/gpu_spec.h"
#include "tests/engine/l2_reference.h"

using namespace flashsim;

namespace {

uint64_t lcg(uint64_t& x) { return x = x * 6364136223846793005ull + 1442695040888963407ull, x >> 33; }

// |a - b| / b: the fast path's errors against the exact engine.
double rel(double a, double b) { return std::fabs(a - b) / b; }

}  // namespace

TEST_CASE("the set of a granule is set_hash(granule) % sets, computed without a division") {
    uint64_t x = 7;
    for (int64_t sets : {1, 3, 20480, 25600, 30720, 36864, 65535, 1 << 20}) {
        L2Cache c(sets * 128 * 4, 128, 32, 4, 128);
        REQUIRE(c.sets() == sets);
        for (int i = 0; i < 20000; ++i) {
            const uint64_t g = (lcg(x) << 31) ^ lcg(x) ^ (uint64_t(i) << 50);
            CHECK(c.set_of(g) == L2Cache::set_hash(g) % uint64_t(sets));
        }
        CHECK(c.set_of(~uint64_t(0) >> 1) == L2Cache::set_hash(~uint64_t(0) >> 1) % uint64_t(sets));
    }
}

TEST_CASE("a sampled L2 counts S times what the reference counts on the accesses to the sampled sets") {
    const int64_t line = 128, sector = 32, ways = 4, capacity = 64 * line * ways;  // 64 sets
    for (int64_t S : {2, 8}) {
        L2Cache sampled(capacity, line, sector, ways, line, S);
        L2Reference ref(capacity, line, sector, ways);
        uint64_t x = 99, read = 0, written = 0, hit = 0;
        for (int i = 0; i < 30000; ++i) {
            const int kind = int(lcg(x) % 10);
            const uint64_t addr = (lcg(x) % (3 * uint64_t(capacity))) & ~uint64_t(i % 3 ? 31 : 0);
            const uint64_t bytes = 1 + lcg(x) % 700;
            const Tensor owner = Tensor(lcg(x) % 6);
            const L2Access a = kind < 6 ? sampled.read(addr, bytes, owner)
                               : kind < 9 ? sampled.write(addr, bytes, owner)
                                          : sampled.atomic(addr, bytes, owner);
            read += a.hbm_read_bytes, written += a.hbm_write_bytes, hit += a.hit_bytes;
            // The reference sees the same access cut at line boundaries (sector-aligned, so no
            // sector changes from whole to partial), keeping the lines of sampled sets.
            for (uint64_t l = addr / line; l * line < addr + bytes; ++l) {
                if (!sampled.keeps(sampled.set_of(l), S)) continue;  // a set not kept
                const uint64_t a0 = std::max(addr, l * line), a1 = std::min(addr + bytes, (l + 1) * line);
                if (kind < 6) ref.read(a0, a1 - a0, owner);
                else if (kind < 9) ref.write(a0, a1 - a0, owner);
                else ref.atomic(a0, a1 - a0, owner);
            }
        }
        INFO("sampling 1/" << S);
        CHECK(read == uint64_t(S) * ref.totals.hbm_read_bytes);
        CHECK(written == uint64_t(S) * ref.totals.hbm_write_bytes);
        CHECK(hit == uint64_t(S) * ref.totals.hit_bytes);
        CHECK(sampled.dirty_bytes() == uint64_t(S) * ref.dirty_bytes());
        for (size_t t = 0; t < kTensorCount; ++t) CHECK(sampled.dirty_bytes_by_tensor()[t] == uint64_t(S) * ref.dirty_bytes_by_tensor()[t]);
        for (size_t t = 0; t < kTensorCount; ++t)
            CHECK(sampled.writeback_bytes_by_tensor[t] == uint64_t(S) * ref.writeback_bytes_by_tensor[t]);
        CHECK(ref.totals.hbm_read_bytes > 0);
    }
}

TEST_CASE("a sampled L2's standard error is the spread of what interleaved groups of its sampled sets fetched and wrote back") {
    const int64_t line = 128, sector = 32, ways = 4, sets = 512, capacity = sets * line * ways;
    const int64_t S = 4, n = sets / S;
    const size_t G = L2Cache::kSampleGroups;
    L2Cache sampled(capacity, line, sector, ways, line, S);
    // Accesses within one line each, so each one's bytes belong to the set of its line.
    std::vector<double> fetched(G, 0), written(G, 0);
    uint64_t x = 7;
    for (int i = 0; i < 60000; ++i) {
        const uint64_t l = lcg(x) % (5 * uint64_t(sets * ways)), s0 = lcg(x) % 4, s1 = s0 + 1 + lcg(x) % (4 - s0);
        const uint64_t addr = l * uint64_t(line) + s0 * uint64_t(sector), bytes = (s1 - s0) * uint64_t(sector);
        const L2Access a = lcg(x) % 3 ? sampled.read(addr, bytes, Tensor::K) : sampled.write(addr, bytes, Tensor::O);
        const uint64_t set = sampled.set_of(l);
        if (!sampled.keeps(set, S)) continue;
        // The kept set of each S consecutive sets is sampled set number set / S, in the group the
        // cache dealt it into (each group n / G of them).
        fetched[sampled.group_of(size_t(set / uint64_t(S)))] += double(a.hbm_read_bytes);
        written[sampled.group_of(size_t(set / uint64_t(S)))] += double(a.hbm_write_bytes);
    }
    auto relative = [&](const std::vector<double>& t) {  // sqrt(s_t^2 / G) / mean t
        double m = 0, ss = 0;
        for (double e : t) m += e / double(G);
        for (double e : t) ss += (e - m) * (e - m);
        return std::sqrt(ss / double(G - 1) / double(G)) / m;
    };
    const L2Cache::SamplingError e = sampled.sampling_error();
    CHECK(e.hbm_read > 0);
    CHECK(e.hbm_write > 0);
    CHECK(e.hbm_read == doctest::Approx(relative(fetched)).epsilon(1e-9));
    CHECK(e.hbm_write == doctest::Approx(relative(written)).epsilon(1e-9));
    CHECK(n >= int64_t(2 * G));
    CHECK(L2Cache(capacity, line, sector, ways, line, 1).sampling_error().hbm_read == 0);  // every set kept
    // Fewer than 2 G sampled sets: no estimate.
    L2Cache few(64 * line * ways, line, sector, ways, line, S);
    for (uint64_t l = 0; l < 4096; ++l) few.read(l * uint64_t(line), uint64_t(line), Tensor::Q);
    CHECK(few.sampling_error().hbm_read == 0);
}

TEST_CASE("a working set the size of the L2 makes the sampled estimate's standard error large, a stream does not") {
    const int64_t line = 128, sector = 32, ways = 16, sets = 4096, capacity = sets * line * ways;
    const int64_t S = 4;
    // A stream: every line read once, compulsory misses alike in every set. About 1 / sqrt(lines
    // the sampled sets see).
    L2Cache stream(capacity, line, sector, ways, line, S);
    const uint64_t lines = 16 * uint64_t(sets * ways);
    uint64_t estimate = 0;
    for (uint64_t l = 0; l < lines; ++l) estimate += stream.read(l * uint64_t(line), uint64_t(line), Tensor::Q).hbm_read_bytes;
    const double bound = 1 / std::sqrt(double(lines) / double(S));
    CHECK(stream.sampling_error().hbm_read < 1.5 * bound);
    // The error it has (every line misses once) is within a few of its standard errors.
    const double stream_error = std::abs(double(estimate) / double(lines * uint64_t(line)) - 1);
    INFO("stream: error " << stream_error << ", estimated standard error " << stream.sampling_error().hbm_read);
    CHECK(stream_error < 4 * stream.sampling_error().hbm_read);
    // A working set of the L2's size read again and again: the sets the hash gives more than
    // `ways` of its lines miss every time (LRU, cyclic), the others keep theirs.
    L2Cache near(capacity, line, sector, ways, line, S), every(capacity, line, sector, ways, line, 1);
    uint64_t sampled_reads = 0, reads = 0;
    for (int pass = 0; pass < 20; ++pass)
        for (uint64_t l = 0; l < uint64_t(sets * ways); ++l) {
            sampled_reads += near.read(l * uint64_t(line), uint64_t(line), Tensor::K).hbm_read_bytes;
            reads += every.read(l * uint64_t(line), uint64_t(line), Tensor::K).hbm_read_bytes;
        }
    const double near_error = std::abs(double(sampled_reads) / double(reads) - 1);
    INFO("stream " << stream.sampling_error().hbm_read << ", working set " << near.sampling_error().hbm_read << " (its error "
                   << near_error << ")");
    CHECK(near.sampling_error().hbm_read > kMaxSampledError);
    CHECK(near_error < 4 * near.sampling_error().hbm_read);
    CHECK(near.sampling_error().hbm_read > 10 * stream.sampling_error().hbm_read);
}

TEST_CASE("a sampling of 1 in s keeps one set of each s consecutive sets, nested from s to s, in every class of the set index's low bits alike") {
    // 30720 sets (the h200's L2 at 128-byte granules): 2^11 x 15, so each of the 128 classes of
    // the set index's low 7 bits (the set hash's, which spread a tile's consecutive granules)
    // holds 240 sets.
    const int64_t line = 128, ways = 16, sets = 30720, per_class = sets / 128, S = 8;
    const L2Cache c(sets * line * ways, line, 32, ways, line, S);
    for (int64_t s : {2, 4, 8}) {
        std::vector<int64_t> kept_in(128, 0);
        int64_t kept = 0;
        for (int64_t g = 0; g < sets / s; ++g) {
            int64_t in_group = 0;
            for (int64_t set = g * s; set < (g + 1) * s; ++set) {
                if (!c.keeps(uint64_t(set), s)) continue;
                ++in_group, ++kept, ++kept_in[size_t(set % 128)];
                CHECK(c.keeps(uint64_t(set), s / 2));  // nested: what 1 in s keeps, 1 in s / 2 keeps
            }
            CHECK(in_group == 1);
        }
        CHECK(kept == sets / s);
        // Kept 1 in s in every class, up to the spread of drawing each group's set at random
        // (binomial: a standard deviation under sqrt(per_class / s)); the sets whose low bits are
        // zero, kept before, put all of a class's sets in or none.
        const double sd = std::sqrt(double(per_class) / double(s));
        for (int64_t k = 0; k < 128; ++k) CHECK(std::abs(double(kept_in[size_t(k)]) - double(per_class) / double(s)) < 5 * sd);
    }
    // At s = S the loop above read the lookups' own bitmap (keeps() at S), against the levels
    // below it. A lookup, from a byte's address, asks the same of the granule's set, granule by
    // granule, and 1 in S of the granules are looked up.
    int64_t looked_up = 0, granules = 16 * sets;
    for (int64_t g = 0; g < granules; ++g) {
        const uint64_t addr = uint64_t(g * line);
        const bool kept = c.keeps(c.set_of(uint64_t(g)), S);
        if (c.sampled(addr) != kept) FAIL_CHECK("granule " << g << ": sampled " << c.sampled(addr) << ", kept " << kept);
        looked_up += kept;
    }
    CHECK(std::abs(double(looked_up) - double(granules) / double(S)) < 5 * std::sqrt(double(granules) / double(S)));
}

TEST_CASE("a sampled backward whose working set nears the L2's size is off the exact engine by no more than its own error estimate says") {
    // FA2's causal backward at N = 3845, d = 128, 8 x 16 heads on the a100-40gb at 1 in 4 sets:
    // its K, V, dK, dV and dQ accumulator of the heads in flight near the L2's 20 MiB, so whether a
    // set keeps its share is all or nothing. The sets whose set index had its low bits zero, once
    // the sampled ones, missed less than the others (the set hash spreads a tile's consecutive
    // granules by those bits): HBM reads came out 1.75% low, 3.6 of the run's own standard
    // errors. Sets kept at random are off by what the error estimate allows, and the estimate is
    // large enough that the automatic choice runs every set (kMaxSampledError).
    AttentionProblem p;
    p.N = 3845;
    p.d = 128;
    p.H = 16;
    p.B = 8;
    p.causal = true;
    p.pass = Pass::bwd;
    Schedule s;
    s.algo = Algorithm::fa2;
    const GpuSpec g = load_gpu("a100-40gb");
    SimOptions fast, exact;
    fast.l2_set_sampling = 4;
    fast.steady_state_skip = false;  // the sampling's error alone
    exact.exact = true;
    const RunResult f = simulate(p, s, g, fast), e = simulate(p, s, g, exact);
    const double se = f.timing.l2_sampling_error;
    const double reads = rel(double(f.counts.total.hbm_read_bytes), double(e.counts.total.hbm_read_bytes)),
                 writes = rel(double(f.counts.total.hbm_write_bytes), double(e.counts.total.hbm_write_bytes));
    INFO("standard error " << se << ", HBM reads off by " << reads << ", writes by " << writes);
    CHECK(se > kMaxSampledError);
    CHECK(reads < 3 * se);
    CHECK(writes < 3 * se);
}

TEST_CASE("set sampling must be a power of two dividing the sets") {
    const int64_t line = 128, ways = 4;
    CHECK_THROWS_AS(L2Cache(48 * line * ways, line, 32, ways, line, 3), ConfigError);
    CHECK_THROWS_AS(L2Cache(48 * line * ways, line, 32, ways, line, 32), ConfigError);  // 48 sets
    CHECK_NOTHROW(L2Cache(48 * line * ways, line, 32, ways, line, 16));
}

TEST_CASE("the automatic set sampling keeps kMinSampledGranules granules of the footprint per sample") {
    const GpuSpec g = load_gpu("h100");
    const int64_t line = g.l2_line_bytes, sets = g.l2_bytes / (line * g.l2_ways);
    TensorShapes shapes{};
    Counters paper;
    auto with_footprint = [&](uint64_t bytes) {
        shapes[size_t(Tensor::S)] = TensorShape{int64_t(bytes / 2 / 1024), 1024, 2};
        paper.per_tensor[size_t(Tensor::S)].global_read_bytes = 3 * bytes;  // re-reads do not count
        return l2_set_sampling_for(g, shapes, 1, SimOptions{}, line, paper);
    };
    CHECK(with_footprint(kMinSampledGranules * uint64_t(line)) == 1);
    CHECK(with_footprint(2 * kMinSampledGranules * uint64_t(line)) == 2);
    CHECK(with_footprint(5 * kMinSampledGranules * uint64_t(line)) == 4);
    const int64_t most = with_footprint(uint64_t(1) << 40);
    CHECK(most <= kMaxL2SetSampling);
    CHECK(sets % most == 0);
    const bool largest = sets % (2 * most) != 0 || 2 * most > kMaxL2SetSampling;
    CHECK(largest);
    // Unfused attention may take up to kMaxL2SetSamplingUnfused, under the same granule rule.
    auto with_most = [&](uint64_t bytes, int64_t m) {
        shapes[size_t(Tensor::S)] = TensorShape{int64_t(bytes / 2 / 1024), 1024, 2};
        paper.per_tensor[size_t(Tensor::S)].global_read_bytes = 3 * bytes;
        return l2_set_sampling_for(g, shapes, 1, SimOptions{}, line, paper, m);
    };
    static_assert(kMaxL2SetSamplingUnfused == 2 * kMaxL2SetSampling);
    REQUIRE(sets % kMaxL2SetSamplingUnfused == 0);
    CHECK(with_most(5 * kMinSampledGranules * uint64_t(line), kMaxL2SetSamplingUnfused) == 4);
    CHECK(with_most(8 * kMinSampledGranules * uint64_t(line), kMaxL2SetSamplingUnfused) == 8);
    CHECK(with_most(8 * kMinSampledGranules * uint64_t(line), kMaxL2SetSampling) == 4);
    CHECK(with_most(uint64_t(1) << 40, kMaxL2SetSamplingUnfused) == 8);
    SimOptions exact;
    exact.exact = true;
    CHECK(l2_set_sampling_for(g, shapes, 1, exact, line, paper) == 1);
    // Only bytes the trace touches count: a tensor of 1 TB read for 1 MB adds 1 MB.
    paper.per_tensor[size_t(Tensor::S)].global_read_bytes = 1 << 20;
    CHECK(l2_set_sampling_for(g, shapes, 1, SimOptions{}, line, paper) == 1);
}

TEST_CASE("vanilla sampled on the h100 L2 keeps HBM bytes within 0.5% of the exact engine and time within 1%, its latency-bound softmax included") {
    AttentionProblem p;
    p.N = 2047;  // partial tiles: rows of S and P start off the sector boundaries
    p.H = 16;
    p.d = 64;
    Schedule s;
    s.algo = Algorithm::vanilla;
    const GpuSpec g = load_gpu("h100");
    SimOptions fast, exact, automatic;
    fast.l2_set_sampling = 4;  // S and P (2 x 128 MiB) are large enough to sample
    exact.exact = true;
    const RunResult f = simulate(p, s, g, fast), e = simulate(p, s, g, exact);
    REQUIRE(f.timing.l2_set_sampling == 4);
    // The automatic choice samples it too: the row softmax loads element by element (KernelIssue),
    // its round trips take the share of each transfer that missed, and its stores' partial sectors
    // are estimated per end of their rows (hbm_estimate), which keeps it within the bound.
    CHECK(simulate(p, s, g, automatic).timing.l2_set_sampling == 4);
    // Each kernel within 1.5%, the Q K^T GEMM within 0.5% (today: -0.06%, the softmax 0.22%, the
    // P V GEMM -0.87%; the softmax was 1-3% off before the stores' ends were estimated apart, the
    // Q K^T GEMM 1.3% before write-backs were estimated per granule: its rows of S end inside
    // granules).
    for (size_t k = 0; k < f.timing.kernels.size(); ++k) {
        INFO(f.timing.kernels[k].name);
        const double bound = f.timing.kernels[k].name == "vanilla_qk" ? 0.005 : 0.015;
        CHECK(std::fabs(f.timing.kernels[k].seconds - e.timing.kernels[k].seconds) < bound * e.timing.kernels[k].seconds);
    }
    CHECK(e.timing.l2_set_sampling == 1);
    const Traffic &ft = f.counts.total, &et = e.counts.total;
    // The loads' requests are the trace's, not sampled; which of them an SM's L1 or the request
    // coalescer serves depends on the timing, which sampling changes a little.
    CHECK(ft.global_read_bytes + ft.l1_hit_bytes + ft.l2_coalesced_bytes == et.global_read_bytes + et.l1_hit_bytes + et.l2_coalesced_bytes);
    CHECK(rel(double(ft.global_read_bytes), double(et.global_read_bytes)) < 0.005);
    CHECK(ft.global_write_bytes == et.global_write_bytes);
    CHECK(rel(double(ft.hbm_read_bytes), double(et.hbm_read_bytes)) < 0.005);
    CHECK(rel(double(ft.hbm_write_bytes), double(et.hbm_write_bytes)) < 0.005);
    INFO("time: fast " << f.timing.seconds << " s, exact " << e.timing.seconds << " s");
    CHECK(rel(f.timing.seconds, e.timing.seconds) < 0.01);
}

TEST_CASE("unfused traces with element-wise kernels are sampled automatically at any row length when their N x N matrices outgrow the L2, the scalar FA1 is not") {
    const GpuSpec g = load_gpu("h100"), ada = load_gpu("rtx4090");
    auto sampling_of = [](const Trace& t, const GpuSpec& gpu) { return plan_l2(t, gpu, SimOptions{}, count_paper_mode(t).total).set_sampling; };
    auto elementwise = [](const Trace& t) {
        return std::any_of(t.kernels.begin(), t.kernels.end(), [](const auto& k) { return k->issue.elementwise_loads(); });
    };
    for (const Algorithm a : {Algorithm::vanilla, Algorithm::standard}) {
        INFO(algorithm_info(a).name);
        AttentionProblem p;
        p.N = 1091, p.B = 8, p.H = 16, p.d = 64;  // S and P: 2 x 128 heads x 2.4 MB, 2^22 lines
        Schedule s;
        s.algo = a;
        const Trace t = make_trace(p, resolve_schedule(s, p, g), g);
        REQUIRE(elementwise(t));
        // 2^22 lines, 2^19 at 1 in 8 sets, but rows of S of 2182 bytes, 17 lines: 1 in 4 at most.
        CHECK(sampling_of(t, g) == kMaxL2SetSampling);
        // 1 in 8 from rows of kMinRowGranulesPerSample lines a sampled set on: N = 8192 at fp16
        // (S and P of 16 heads: 2^25 lines), and not one element less.
        AttentionProblem r;
        r.N = kMinRowGranulesPerSample * kMaxL2SetSamplingUnfused * g.l2_line_bytes / 2, r.B = 1, r.H = 16, r.d = 64;
        REQUIRE(r.N == 8192);
        CHECK(sampling_of(make_trace(r, resolve_schedule(s, r, g), g), g) == kMaxL2SetSamplingUnfused);
        r.N -= 1;
        CHECK(sampling_of(make_trace(r, resolve_schedule(s, r, g), g), g) == kMaxL2SetSampling);
        // Where one N x N matrix of all heads is under kMinSampledMatrixL2s L2s, exact.
        AttentionProblem q;
        q.N = 727, q.B = 4, q.H = 16, q.d = 128;  // S: 64 heads x 1 MB, under twice the 72 MB L2
        auto matrix = [&] { return double(q.B * q.H) * double(q.N * q.N * 2); };
        REQUIRE(matrix() < kMinSampledMatrixL2s * double(ada.l2_data_bytes()));
        CHECK(sampling_of(make_trace(q, resolve_schedule(s, q, ada), ada), ada) == 1);
        q.B = 16;  // four times as many heads: streamed
        REQUIRE(matrix() >= kMinSampledMatrixL2s * double(ada.l2_data_bytes()));
        CHECK(sampling_of(make_trace(q, resolve_schedule(s, q, ada), ada), ada) > 1);
    }
    // A fused trace with element-wise kernels (the scalar FA1 of kernels/v3) keeps the exact engine
    // at any row length; without them a fused trace of as many granules is sampled.
    AttentionProblem p;
    p.N = 8192, p.H = 64, p.B = 4, p.d = 128;  // Q, K, V, O: 2 GiB, 2^21 granules of 1 KiB
    Schedule scalar;
    scalar.algo = Algorithm::fa1;
    scalar.Br = scalar.Bc = 32, scalar.warps = 4;  // kernels/v3's blocks
    scalar.matmul_unit = MatmulUnit::fma;
    const Trace t = make_trace(p, resolve_schedule(scalar, p, g), g);
    REQUIRE(elementwise(t));
    CHECK(sampling_of(t, g) == 1);
    Schedule tensor = scalar;
    tensor.matmul_unit = MatmulUnit::tensor;
    CHECK(sampling_of(make_trace(p, resolve_schedule(tensor, p, g), g), g) > 1);
}

namespace {

// Stores one row of S (`cols` fp16 elements of a row of `cols`: rows start off the sector
// boundaries when cols is odd) through `mem` and says whether it was timed with HBM's latency.
bool store_missed(MemorySystem& mem, const GpuSpec& g, uint32_t row, uint32_t cols, double t, Counters& c) {
    Op op;
    op.kind = OpKind::store;
    op.tensor = Tensor::S;
    op.row0 = row, op.rows = 1, op.col0 = 0, op.cols = cols;
    op.bytes = uint64_t(cols) * 2;
    return mem.transfer(op, 0, t, c).latency_cycles > g.l2_latency_cycles;
}

}  // namespace

TEST_CASE("a sampled store of rows off the sector boundaries is timed as missing as often as the exact engine times it") {
    // A store fetches only the partly written sectors at its rows' two ends that L2 does not hold,
    // and is timed with HBM's latency when it fetched any (memory_system.cpp, hbm_estimate). Rows
    // of 2047 fp16 elements (4094 bytes) start and end off the 32-byte sectors except where a
    // multiple of 16 rows ends. Three patterns on an empty L2 far larger than the rows:
    //   every other row: both ends fresh, every store with a partial end fetches;
    //   the same rows again, in a second kernel: both ends are held, none fetches;
    //   every row in order: a row's first sector is the previous row's last, held, and its last
    //   is fresh: a store fetches when its last sector is partial, one end every time, the other
    //   never.
    // The sampled engine sees some of those ends only; an end it does not see counts at the rate
    // of the sampled ends of the same side (even odds before any is seen).
    const GpuSpec g = load_gpu("h100");
    const uint32_t cols = 2047, n = 512;
    TensorShapes shapes{};
    shapes[size_t(Tensor::S)] = TensorShape{2 * int64_t(n), cols, 2};
    for (const int64_t S : {int64_t(1), int64_t(4)}) {
        INFO("1 in " << S << " sets");
        MemorySystem mem(g, shapes, 1, true, g.l2_line_bytes, S);
        REQUIRE(mem.l2_sample_every() == S);
        Counters c;
        double t = 0;
        const uint64_t sb = uint64_t(g.l2_sector_bytes), row_bytes = uint64_t(cols) * 2;
        auto partial = [&](uint64_t boundary) { return boundary * row_bytes % sb != 0; };  // the row boundary's sector
        // Stores before a sampled partial end of each side is seen, over rows `step` apart (an
        // L2 of the memory system's geometry: which sets it samples; the map: where the rows lie).
        const L2Cache sets(g.l2_data_bytes(), g.l2_line_bytes, g.l2_sector_bytes, g.l2_ways, g.l2_line_bytes, S);
        const AddressMap map(shapes, 1);
        auto early_over = [&](uint32_t rows, uint32_t step) -> int64_t {
            if (S == 1) return 0;
            std::array<int64_t, 2> seen{-1, -1};
            for (uint32_t i = 0; i < rows; ++i) {
                Op op;
                op.kind = OpKind::store, op.tensor = Tensor::S, op.row0 = i * step, op.rows = 1, op.cols = cols;
                map.for_each_run(op, [&](uint64_t addr, uint64_t len) {
                    if (seen[0] < 0 && addr % sb != 0 && sets.sampled(addr)) seen[0] = i;
                    if (seen[1] < 0 && (addr + len) % sb != 0 && sets.sampled(addr + len - 1)) seen[1] = i;
                });
            }
            REQUIRE(seen[0] >= 0);
            REQUIRE(seen[1] >= 0);
            return std::max(seen[0], seen[1]) + 1;
        };
        const int64_t early = early_over(n, 2);  // every other row
        int64_t expected = 0, missed = 0;
        for (uint32_t r = 0; r < n; ++r) {
            expected += partial(2 * r) || partial(2 * r + 1);
            missed += store_missed(mem, g, 2 * r, cols, t += 1e4, c);
        }
        REQUIRE(expected > int64_t(n) / 2);
        CHECK(missed >= expected - early);
        CHECK(missed <= expected);
        mem.end_kernel(c, false);  // a new kernel (its own ratios), the L2 as it is
        missed = 0;
        for (uint32_t r = 0; r < n; ++r) missed += store_missed(mem, g, 2 * r, cols, t += 1e4, c);
        CHECK(missed <= early);
        mem.end_kernel(c, true);  // a new kernel, an empty L2
        const int64_t early_each = early_over(2 * n, 1);  // every row
        expected = missed = 0;
        for (uint32_t r = 0; r < 2 * n; ++r) {
            expected += partial(r + 1);
            missed += store_missed(mem, g, r, cols, t += 1e4, c);
        }
        REQUIRE(expected > int64_t(n));
        CHECK(missed >= expected - early_each);
        CHECK(missed <= expected);
    }
}

TEST_CASE("a trace whose GEMMs load through the SMs' L1 keeps every L2 set unless sampling is asked for") {
    // Which of those loads hit in the L1 goes with how the CTAs of an SM keep in step, which a
    // sampled transfer's estimate moves (timing.cpp, plan_l2): vanilla with its GEMMs on CUDA
    // cores (kernels/v1) runs every set where the GPU has an L1, whatever its matrices.
    AttentionProblem p;
    p.N = 6897, p.H = 10, p.d = 64;  // S: 10 heads x 95 MB, far over kMinSampledMatrixL2s L2s
    Schedule s;
    s.algo = Algorithm::vanilla;
    s.matmul_unit = MatmulUnit::fma;
    for (const char* name : {"a100-40gb", "h200"}) {
        INFO(name);
        GpuSpec g = load_gpu(name);
        REQUIRE(g.l1_sram_bytes_per_sm > 0);
        const Trace t = make_trace(p, resolve_schedule(s, p, g), g);
        REQUIRE(double(p.heads()) * double(t.shapes[size_t(Tensor::S)].bytes()) >= kMinSampledMatrixL2s * double(g.l2_data_bytes()));
        const auto through_l1 = std::count_if(t.kernels.begin(), t.kernels.end(), [&](const auto& k) { return loads_through_l1(*k, g); });
        CHECK(through_l1 == 2);  // Q K^T and P V; not the row softmax, each CTA its own rows once
        const Counters paper = count_paper_mode(t).total;
        CHECK(plan_l2(t, g, SimOptions{}, paper).set_sampling == 1);
        SimOptions asked;
        asked.l2_set_sampling = 4;
        CHECK(plan_l2(t, g, asked, paper).set_sampling == 4);
        // Without an L1 the same trace is sampled, as any streamed unfused trace.
        g.l1_sram_bytes_per_sm = 0;
        CHECK(std::none_of(t.kernels.begin(), t.kernels.end(), [&](const auto& k) { return loads_through_l1(*k, g); }));
        CHECK(plan_l2(t, g, SimOptions{}, paper).set_sampling > 1);
    }
}

TEST_CASE("a sampled run whose CUDA-core GEMMs load through the SMs' L1 estimates the L1's hits within the fast path's bounds") {
    // The L1 is sampled with the L2 (l1_cache.h): the granules of the L2's sampled sets are looked
    // up in an L1 of 1/S of the sets, the others pass to the L2 unlooked, and each load's hits are
    // its looked-up bytes' hit share times its bytes (MemorySystem::l1_hits). The requests that
    // reach the L2 are then an estimate too; within 0.5% of the exact engine's, as the L2's bytes.
    AttentionProblem p;
    p.N = 2047, p.H = 16, p.d = 64;
    Schedule s;
    s.algo = Algorithm::vanilla;
    s.matmul_unit = MatmulUnit::fma;  // kernels/v1: tiled GEMMs with element-wise loads
    const GpuSpec g = load_gpu("h200");
    REQUIRE(g.l1_sram_bytes_per_sm > 0);
    SimOptions fast, exact;
    fast.l2_set_sampling = 4;
    exact.exact = true;
    const RunResult f = simulate(p, s, g, fast), e = simulate(p, s, g, exact);
    REQUIRE(f.timing.l2_set_sampling == 4);
    const Traffic &ft = f.counts.total, &et = e.counts.total;
    REQUIRE(et.l1_hit_bytes > 0);
    INFO("L1 hits: fast " << ft.l1_hit_bytes << ", exact " << et.l1_hit_bytes << " of " << et.global_read_bytes + et.l1_hit_bytes);
    CHECK(ft.global_read_bytes + ft.l1_hit_bytes + ft.l2_coalesced_bytes == et.global_read_bytes + et.l1_hit_bytes + et.l2_coalesced_bytes);
    CHECK(rel(double(ft.global_read_bytes), double(et.global_read_bytes)) < 0.005);
    // The hits alone, a few per cent of the requests here, within 10% (today +0.9%).
    CHECK(rel(double(ft.l1_hit_bytes), double(et.l1_hit_bytes)) < 0.1);
    CHECK(rel(double(ft.hbm_read_bytes), double(et.hbm_read_bytes)) < 0.005);
    CHECK(rel(double(ft.hbm_write_bytes), double(et.hbm_write_bytes)) < 0.005);
    INFO("time: fast " << f.timing.seconds << " s, exact " << e.timing.seconds << " s");
    CHECK(rel(f.timing.seconds, e.timing.seconds) < 0.01);
}

TEST_CASE("a sampled run's first-wave CTAs on the two SMs of a TPC time their own tiles alike and coalesce their shared reads as the exact engine does") {
    // Vanilla's causal P V GEMM with CUDA-core tiles at N = 5851, 3 heads on the h200: all its
    // CTAs in the first wave, the two of a TPC reading the same tiles of V in step, which the
    // request coalescer merges, and each its own rows of P. With each P transfer timed by its own
    // sampled granules the pairs drifted apart: 0.143 of V's reads coalesced against the exact
    // engine's 0.453, the run's L2 traffic 6.2% high (MemorySystem::pair_estimate).
    AttentionProblem p;
    p.N = 5851, p.H = 3, p.d = 128;
    p.causal = true;
    Schedule s;
    s.algo = Algorithm::vanilla;
    s.matmul_unit = MatmulUnit::fma;
    const GpuSpec g = load_gpu("h200");
    REQUIRE(g.l2_coalesce_window_ns > 0);
    // Sampled as asked: the automatic choice keeps every set for GEMMs that load through the L1
    // (the test above), and sampled them at kMaxL2SetSampling before.
    SimOptions fast, exact;
    fast.l2_set_sampling = kMaxL2SetSampling;
    exact.exact = true;
    const RunResult f = simulate(p, s, g, fast), e = simulate(p, s, g, exact);
    REQUIRE(f.timing.l2_set_sampling == kMaxL2SetSampling);
    const Traffic &fv = f.counts.per_tensor[size_t(Tensor::V)], &ev = e.counts.per_tensor[size_t(Tensor::V)];
    const double f_share = double(fv.l2_coalesced_bytes) / double(fv.global_read_bytes + fv.l2_coalesced_bytes + fv.l1_hit_bytes),
                 e_share = double(ev.l2_coalesced_bytes) / double(ev.global_read_bytes + ev.l2_coalesced_bytes + ev.l1_hit_bytes);
    INFO("V's reads coalesced: fast " << f_share << ", exact " << e_share);
    REQUIRE(e_share > 0.3);
    CHECK(std::fabs(f_share - e_share) < 0.02);
    const Traffic &ft = f.counts.total, &et = e.counts.total;
    CHECK(rel(double(ft.global_read_bytes + ft.global_write_bytes + ft.l2_hop_bytes),
              double(et.global_read_bytes + et.global_write_bytes + et.l2_hop_bytes)) < 0.005);
    CHECK(rel(double(ft.hbm_read_bytes), double(et.hbm_read_bytes)) < 0.005);
    CHECK(rel(f.timing.seconds, e.timing.seconds) < 0.01);
}
