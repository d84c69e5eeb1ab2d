// steady_skip_test.cpp: the steady-state skip (kernel_sim.h, docs/speed.md). A kernel of many waves
// skips whole heads once its waves repeat; the bytes it sends to the L2 stay the trace's exactly
// (every head's requests are the same), its HBM bytes and time stay within the fast path's bounds
// of the exact engine (0.5%, 1%), and nothing is skipped where the skip is off.
#include <doctest/doctest.h>

#include <cmath>
#include <numeric>
#include <utility>

#include "sim/core/problem.h"
#include "sim/engine/simulate.h"
#include "sim/gpu/gpu_spec.h"
#include "sim/core/schedule.h"
#include "sim/engine/steady_skip.h"

using namespace flashsim;

namespace {

struct SkipCase {
    Algorithm algo;
    int64_t B, N, d;
    const char* gpu;
    int64_t H = 16;
};

AttentionProblem problem_of(const SkipCase& c) {
    AttentionProblem p;
    p.B = c.B;
    p.H = c.H;
    p.N = c.N;
    p.d = c.d;
    return p;
}

double rel(double a, double b) { return std::fabs(a - b) / b; }

// The fast path's bounds against the exact engine: the requests equal (the skipped work's are
// counted from its ops), what reaches the L2's tags of them (less the L1's hits and the
// coalesced requests) and HBM bytes within 0.5%, time within 1%.
void check_fast_bounds(const RunResult& f, const RunResult& e) {
    for (size_t i = 0; i < kTensorCount; ++i) {
        const Traffic &ft = f.counts.per_tensor[i], &et = e.counts.per_tensor[i];
        CHECK(ft.global_read_bytes + ft.l1_hit_bytes + ft.l2_coalesced_bytes == et.global_read_bytes + et.l1_hit_bytes + et.l2_coalesced_bytes);
        if (et.global_read_bytes > 0) CHECK(rel(double(ft.global_read_bytes), double(et.global_read_bytes)) <= 0.005);
        CHECK(ft.global_write_bytes == et.global_write_bytes);
        CHECK(ft.atomic_bytes == et.atomic_bytes);
    }
    CHECK(rel(double(f.counts.total.hbm_read_bytes), double(e.counts.total.hbm_read_bytes)) <= 0.005);
    CHECK(rel(double(f.counts.total.hbm_write_bytes), double(e.counts.total.hbm_write_bytes)) <= 0.005);
    // The reads that cross between the two L2 partitions (every preset these tests use has two).
    REQUIRE(e.counts.total.l2_hop_bytes > 0);
    CHECK(rel(double(f.counts.total.l2_hop_bytes), double(e.counts.total.l2_hop_bytes)) <= 0.005);
    CHECK(rel(f.timing.seconds, e.timing.seconds) <= 0.01);
    CHECK(std::isfinite(f.timing.seconds));
}

// `c` with the default schedule, by the default engine and by it without the skips (the same L2
// sampling: the skips' error alone); the second must skip nothing.
std::pair<RunResult, RunResult> default_schedule_with_and_without_skip(const SkipCase& c) {
    Schedule s;
    s.algo = c.algo;
    const GpuSpec g = load_gpu(c.gpu);
    SimOptions off;
    off.steady_state_skip = false;
    RunResult f = simulate(problem_of(c), s, g, SimOptions{}), o = simulate(problem_of(c), s, g, off);
    CHECK(o.timing.skipped_iterations == 0);
    CHECK(o.timing.skipped_ctas == 0);
    return {std::move(f), std::move(o)};
}

// Problem `p` with `algo`'s default schedule on `gpu`, by the engine with `fast`'s options and by
// --exact (in paper mode where `fast` is).
std::pair<RunResult, RunResult> fast_and_exact(const AttentionProblem& p, Algorithm algo, const char* gpu, const SimOptions& fast = {}) {
    Schedule s;
    s.algo = algo;
    const GpuSpec g = load_gpu(gpu);
    SimOptions exact;
    exact.exact = true;
    exact.paper_mode = fast.paper_mode;
    return {simulate(p, s, g, fast), simulate(p, s, g, exact)};
}

// The forward of `c` with the default schedule, by the engine with `fast`'s options and by --exact.
std::pair<RunResult, RunResult> forward_fast_and_exact(const SkipCase& c, const SimOptions& fast = {}) {
    return fast_and_exact(problem_of(c), c.algo, c.gpu, fast);
}

// Problem `p` by the default (fast) engine and by --exact, both in paper mode (no L2 model).
std::pair<RunResult, RunResult> paper_fast_and_exact(const AttentionProblem& p, Algorithm algo, const char* gpu) {
    SimOptions paper;
    paper.paper_mode = true;
    return fast_and_exact(p, algo, gpu, paper);
}

// A backward pass of `c` with the default schedule, by the default (fast) engine and by --exact.
std::pair<RunResult, RunResult> backward_fast_and_exact(const SkipCase& c) {
    AttentionProblem p = problem_of(c);
    p.pass = Pass::bwd;
    return fast_and_exact(p, c.algo, c.gpu);
}

// The forward of `c` with the default schedule drops iterations, within the fast path's bounds
// of --exact (which drops none).
void check_cut_against_exact(const SkipCase& c) {
    const auto [f, e] = forward_fast_and_exact(c);
    REQUIRE(f.timing.skipped_iterations > 0);
    CHECK(e.timing.skipped_iterations == 0);
    check_fast_bounds(f, e);
}

// A mark of one tensor's sums: at cycle t, `mv` bytes moved, its HBM reads, write-backs and
// dirty bytes in the L2.
SkipMark mark_at(double t, double mv, double reads, double wb, double dirty) {
    SkipMark k;
    k.t = t;
    k.moved = mv;
    k.counts.per_tensor[0].hbm_read_bytes = uint64_t(reads);
    k.writebacks[0] = uint64_t(wb);
    k.dirty[0] = uint64_t(dirty);
    return k;
}

}  // namespace

TEST_CASE("the steady-state skip skips whole heads, keeps the L2's request bytes exact and HBM bytes and time within the fast path's bounds") {
    // Forwards of 40 and 56 waves, N odd (a partial last tile), on two presets.
    for (const SkipCase& c : {SkipCase{Algorithm::fa2, 32, 2049, 64, "a100-40gb"}, SkipCase{Algorithm::fa3, 26, 3603, 64, "a100-80gb"}}) {
        const AttentionProblem p = problem_of(c);
        Schedule s;
        s.algo = c.algo;
        const GpuSpec g = load_gpu(c.gpu);
        SimOptions exact;
        exact.exact = true;
        const RunResult f = simulate(p, s, g, SimOptions{}), e = simulate(p, s, g, exact);
        INFO(to_string(c.algo), " on ", c.gpu);
        REQUIRE(f.timing.l2_set_sampling == 1);  // the skip's error alone
        CHECK(e.timing.skipped_ctas == 0);
        REQUIRE(f.timing.skipped_ctas > 0);
        int64_t skipped = 0;
        for (const KernelTiming& k : f.timing.kernels) {
            const int64_t per_head = k.ctas / p.heads();
            CHECK(k.skipped_ctas % per_head == 0);
            CHECK(k.skipped_ctas < k.ctas);
            skipped += k.skipped_ctas;
        }
        CHECK(skipped == f.timing.skipped_ctas);
        check_fast_bounds(f, e);

        SimOptions off;
        off.steady_state_skip = false;
        CHECK(simulate(p, s, g, off).timing.skipped_ctas == 0);
        // A timeline records every CTA it has room for: no skip while it has room, and once it is
        // full the skip is as without it.
        SimOptions timeline;
        timeline.timeline = true;
        timeline.timeline_max_events = 100000000;
        const RunResult roomy = simulate(p, s, g, timeline);
        CHECK(roomy.timing.skipped_ctas == 0);
        CHECK(!roomy.timing.timeline_truncated);
        timeline.timeline_max_events = 1000;
        const RunResult full = simulate(p, s, g, timeline);
        CHECK(full.timing.timeline_truncated);
        CHECK(full.timing.skipped_ctas == f.timing.skipped_ctas);
        CHECK(full.timing.seconds == f.timing.seconds);
    }
}

TEST_CASE("kernels whose CTAs launch in groups skip whole waves as well as whole heads") {
    // CTAs of equal work that start together end together, in waves. FA3 at N = 2048, d = 128,
    // B = 24 on the h100 (46.5 waves, 16 CTAs a head, 264 slots) skips multiples of lcm(16, 264)
    // CTAs; skipping whole windows of 144 CTAs it came out 1.17% low in HBM reads. The FA2
    // backward at N = 4096, d = 64, B = 7 on the h200 (27.2 waves, one CTA per SM) came out 1.03%
    // fast and 0.61% low in HBM reads.
    struct Case {
        SkipCase c;
        Pass pass;
        bool skips;
    };
    for (const Case& k : {Case{SkipCase{Algorithm::fa3, 24, 2048, 128, "h100"}, Pass::fwd, true},
                          Case{SkipCase{Algorithm::fa2, 7, 4096, 64, "h200"}, Pass::bwd, false}}) {
        AttentionProblem p = problem_of(k.c);
        p.pass = k.pass;
        Schedule s;
        s.algo = k.c.algo;
        const GpuSpec g = load_gpu(k.c.gpu);
        SimOptions exact;
        exact.exact = true;
        const RunResult f = simulate(p, s, g, SimOptions{}), e = simulate(p, s, g, exact);
        INFO(to_string(k.c.algo), " B = ", k.c.B, " on ", k.c.gpu);
        REQUIRE(f.timing.l2_set_sampling == 1);
        if (k.skips) {
            REQUIRE(f.timing.skipped_ctas > 0);
            for (const KernelTiming& t : f.timing.kernels) {
                const int64_t per_head = t.ctas / p.heads(), slots = g.sm_count * t.ctas_per_sm;
                INFO(t.name, ": ", double(t.ctas) / double(slots), " waves");
                CHECK(t.skipped_ctas % std::lcm(per_head, slots) == 0);
            }
        }
        check_fast_bounds(f, e);
    }
}

TEST_CASE("kernels of few waves are not skipped") {
    // FA2 at B = 1: 16 heads of 9 CTAs, a few waves on the a100-40gb's 108 SMs (the skip needs 12
    // waves and 64 heads).
    const SkipCase c{Algorithm::fa2, 1, 1025, 64, "a100-40gb"};
    Schedule s;
    s.algo = c.algo;
    const RunResult r = simulate(problem_of(c), s, load_gpu(c.gpu), SimOptions{});
    CHECK(r.timing.skipped_ctas == 0);
}

TEST_CASE("few heads are skipped when each head spans many waves, and only then") {
    // Unfused attention at long rows, 10 heads (windows of one head: the first, then two spans of
    // three heads that agree, each moving 8 times the L2's data bytes, the rest to skip but the
    // last waves): its Q K^T GEMM (97 x 97 tiles a head) and row
    // softmax (6145 rows a head) run 8 waves a head or more on the a100-40gb, its P V GEMM (97
    // CTAs a head) less than one. All sets of the L2 kept: the skip's error alone.
    const SkipCase c{Algorithm::vanilla, 1, 6145, 64, "a100-40gb", 10};
    const AttentionProblem p = problem_of(c);
    const GpuSpec g = load_gpu(c.gpu);
    SimOptions fast;
    fast.l2_set_sampling = 1;
    const auto [f, e] = forward_fast_and_exact(c, fast);
    REQUIRE(f.timing.l2_set_sampling == 1);
    REQUIRE(f.timing.kernels.size() == 3);
    for (const KernelTiming& k : f.timing.kernels) {
        const double slots = double(g.sm_count * k.ctas_per_sm), per_head = double(k.ctas / p.heads());
        INFO(k.name, ": ", per_head / slots, " waves a head");
        if (per_head < 8 * slots) CHECK(k.skipped_ctas == 0);  // fewer than 64 heads: only so
        // Whole heads where CTAs share tiles (the GEMMs); whole waves where every CTA does the
        // same work on its own row (the softmax: a head's start is no different from its middle).
        if (k.name.find("softmax") == std::string::npos) CHECK(k.skipped_ctas % (k.ctas / p.heads()) == 0);
        else CHECK(k.skipped_ctas % int64_t(slots) == 0);
    }
    // The softmax skips; the Q K^T GEMM may (it is allowed to, and skips at N = 16384 on the h100)
    // but its windows here do not agree within the tolerance, so it runs whole; the P V GEMM may not.
    CHECK(f.timing.kernels[1].skipped_ctas > 0);
    CHECK(f.timing.kernels[2].skipped_ctas == 0);
    // The softmax skips within a head: with whole heads, its first window (kSkipWindowL2Bytes L2s
    // of its 24.6 KB CTAs, more than a head) and the two spans compared (a head each) ran before a
    // skip, three heads.
    const KernelTiming& softmax = f.timing.kernels[1];
    INFO("softmax keeps ", softmax.ctas - softmax.skipped_ctas, " CTAs of ", softmax.ctas / p.heads(), " a head");
    CHECK(softmax.ctas - softmax.skipped_ctas < 3 * (softmax.ctas / p.heads()));
    check_fast_bounds(f, e);
}

TEST_CASE("row kernels of few heads of few waves each skip, every CTA the same work") {
    // Vanilla's forward at N = 4096, 16 heads on the h100: its row softmax runs 62 waves, 3.9 a
    // head. Fewer than kSkipMinHeads heads of fewer than kSkipMinHeadWaves waves each keep a
    // kernel whole where a head's start brings compulsory misses; each of these CTAs does the same
    // work on its own row, no head start differs from the rest, and the softmax skips whole waves
    // within the fast path's bounds of the exact engine. The GEMMs (CTAs sharing tiles) stay whole.
    const SkipCase c{Algorithm::vanilla, 1, 4096, 128, "h100"};
    const AttentionProblem p = problem_of(c);
    const GpuSpec g = load_gpu(c.gpu);
    const auto [f, e] = forward_fast_and_exact(c);
    REQUIRE(f.timing.kernels.size() == 3);
    for (const KernelTiming& k : f.timing.kernels) {
        const double slots = double(g.sm_count * k.ctas_per_sm), per_head = double(k.ctas / p.heads());
        INFO(k.name, ": ", k.waves, " waves, ", per_head / slots, " a head");
        REQUIRE(p.heads() < kSkipMinHeads);
        REQUIRE(per_head < kSkipMinHeadWaves * slots);
        if (k.name.find("softmax") == std::string::npos) {
            CHECK(k.skipped_ctas == 0);
            continue;
        }
        REQUIRE(k.waves >= kSkipMinWaves);
        CHECK(k.skipped_ctas > 0);
        CHECK(k.skipped_ctas % int64_t(slots) == 0);
    }
    check_fast_bounds(f, e);
}

TEST_CASE("spans whose write-backs differ by the L2's dirty fill in the first are steady where the skip allows it") {
    // Three marks, two spans of 1 MB moved each, at the same cycles and HBM reads per byte. The
    // first span's write-backs fall short of the second's by what the L2's dirty bytes grew in it
    // (its writes filling the L2 with dirty lines); the second holds its dirty bytes. The bytes
    // made dirty per byte moved (written back plus the growth) agree. Values from these sums
    // alone (steady_skip.h, WritebackCheck).
    const double moved = 1e6, wb_first = 1.95e5, fill = 5e3, wb_second = 2e5;
    const double dirty0 = 1e4;
    std::vector<SkipMark> marks = {mark_at(0, 0, 0, 0, dirty0), mark_at(1000, moved, 1e4, wb_first, dirty0 + fill),
                                   mark_at(2000, 2 * moved, 2e4, wb_first + wb_second, dirty0 + fill)};
    REQUIRE(!within_share(wb_first, wb_second, kSkipTolerance));
    REQUIRE(within_share(wb_first + fill, wb_second, kSkipTolerance));
    CHECK_FALSE(steady(marks, 2, 1));
    CHECK(steady(marks, 2, 1, WritebackCheck::or_dirty_fill));
    // The bytes made dirty differ: the first span's growth is a fifth of the shortfall.
    std::vector<SkipMark> other = marks;
    other[1].dirty[0] = uint64_t(dirty0 + fill / 5);
    other[2].dirty[0] = other[1].dirty[0];
    CHECK_FALSE(steady(other, 2, 1, WritebackCheck::or_dirty_fill));
    // The second span's dirty bytes fall by more than kSkipTolerance of its write-backs (dirty
    // lines of an earlier phase leaving the L2), its write-backs up by as much: the bytes made
    // dirty agree, but the L2's turnover is not steady.
    const double fall = 1.5 * kSkipTolerance * wb_second;
    other = marks;
    other[2].dirty[0] = uint64_t(dirty0 + fill - fall);
    other[2].writebacks[0] = uint64_t(wb_first + wb_second + fall);
    CHECK_FALSE(steady(other, 2, 1, WritebackCheck::or_dirty_fill));
    // Cycles per byte still have to agree.
    other = marks;
    other[2].t = 2000 + 1000 * 2 * kSkipTolerance;
    CHECK_FALSE(steady(other, 2, 1, WritebackCheck::or_dirty_fill));
    // Spans of two windows each: the same totals at the spans' ends, but the first span's dirty
    // bytes rose by twice the fill in its first window and fell in its second (dirty lines that
    // come and go window by window, not a fill): not steady.
    std::vector<SkipMark> halves;
    for (size_t i = 0; i < marks.size(); ++i) {
        if (i > 0) {
            SkipMark mid = marks[i - 1];
            mid.t = (marks[i - 1].t + marks[i].t) / 2;
            mid.moved = (marks[i - 1].moved + marks[i].moved) / 2;
            halves.push_back(mid);
        }
        halves.push_back(marks[i]);
    }
    REQUIRE(halves.size() == 5);
    CHECK(steady(halves, 4, 2, WritebackCheck::or_dirty_fill));
    halves[1].dirty[0] = uint64_t(dirty0 + 2 * fill);
    CHECK_FALSE(steady(halves, 4, 2, WritebackCheck::or_dirty_fill));
}

TEST_CASE("the iteration skip's spans compare the bytes made dirty, not the write-backs of a drain") {
    // Three marks, two spans of 1 MB moved each, at the same cycles and HBM reads per byte. In
    // both the L2 writes back dirty lines an earlier phase left (the wave before's O), the first
    // span 3e4 bytes, the second 1e4, its dirty bytes falling by as much; neither makes a byte
    // dirty. Values from these sums alone (steady_skip.h, WritebackCheck::made).
    const double moved = 1e6, dirty0 = 5e4, wb_first = 3e4, wb_second = 1e4;
    std::vector<SkipMark> drain = {mark_at(0, 0, 0, 0, dirty0), mark_at(1000, moved, 1e4, wb_first, dirty0 - wb_first),
                                   mark_at(2000, 2 * moved, 2e4, wb_first + wb_second, dirty0 - wb_first - wb_second)};
    CHECK_FALSE(steady(drain, 2, 1));
    CHECK_FALSE(steady(drain, 2, 1, WritebackCheck::or_dirty_fill));
    CHECK(steady(drain, 2, 1, WritebackCheck::made));
    // Both spans also make bytes dirty, 2e4 a span, 1.5 kSkipTolerance more in the second: not steady.
    std::vector<SkipMark> made = drain;
    const double first = 2e4, second = first * (1 + 1.5 * kSkipTolerance);
    made[1].writebacks[0] += uint64_t(first);
    made[2].writebacks[0] += uint64_t(first + second);
    CHECK_FALSE(steady(made, 2, 1, WritebackCheck::made));
    // Within kSkipTolerance of each other: steady, whatever the drain.
    made[2].writebacks[0] = uint64_t(wb_first + wb_second + 2 * first);
    CHECK(steady(made, 2, 1, WritebackCheck::made));
    // The reads per byte still have to agree.
    made[2].counts.per_tensor[0].hbm_read_bytes = uint64_t(2e4 + 1e4 * 2 * kSkipTolerance);
    CHECK_FALSE(steady(made, 2, 1, WritebackCheck::made));
}

TEST_CASE("a kernel of CTAs in step, whose write-backs drain the wave before's, is cut in every wave, after one span from the third") {
    // FA2's forward at N = 16384, d = 128, 16 heads on the h100: 2048 CTAs of 256 iterations, two
    // an SM (7.76 waves). Each wave writes back the O the wave before left dirty as its misses
    // evict it; its spans, marked by iterations, agree in cycles, HBM reads and bytes made dirty
    // (none) per byte. With marks by bytes moved and the write-backs compared, it was cut once,
    // 22176 iterations. Each of its full waves' CTAs now drops at least a quarter of its
    // iterations, within the fast path's bounds of --exact.
    const SkipCase c{Algorithm::fa2, 1, 16384, 128, "h100"};
    const auto [f, e] = forward_fast_and_exact(c);
    REQUIRE(f.timing.kernels.size() == 1);
    const KernelTiming& k = f.timing.kernels[0];
    const GpuSpec g = load_gpu(c.gpu);
    const int64_t slots = g.sm_count * k.ctas_per_sm, iterations = (c.N + f.schedule.Bc - 1) / f.schedule.Bc;
    REQUIRE(k.ctas_per_sm == 2);
    CHECK(k.skipped_iterations >= k.ctas / slots * slots * iterations / 4);
    CHECK(e.timing.skipped_iterations == 0);
    check_fast_bounds(f, e);
    // The waves after the second are cut once the span after their launches takes the rates of
    // the span the cut of the wave before verified (KernelRun::like_last_cut), not after two spans
    // of their own (the second's span is not the first's: the first wave's requests coalesce). A
    // window is W iterations of each CTA (kSkipWindowL2Bytes L2s of K_j and V_j tiles), a span K
    // windows. A CTA of the first two waves walks its launch's window, the two spans checked, the
    // span kept at its end and a window of slack (prefetched iterations, launches spread); of a
    // later full wave one span fewer; of the last (partial) wave, where the CTAs run at two
    // paces, every iteration. Each CTA runs the loop's iterations and one more (Q_i's load). Two
    // spans a wave walked about 7 W a later CTA (91 iterations): 311 k iterations dropped, under
    // this bound.
    const int64_t K = int64_t(std::ceil(kSkipSpanL2Bytes / kSkipWindowL2Bytes)), tile_bytes = 2 * f.schedule.Bc * c.d * 2;
    const int64_t W = int64_t(std::ceil(kSkipWindowL2Bytes * double(g.l2_data_bytes()) / double(tile_bytes * slots)));
    const int64_t full = k.ctas / slots, last = k.ctas - full * slots, per_cta = iterations + 1;
    const int64_t walked = 2 * slots * (2 + 3 * K) * W + (full - 2) * slots * (2 + 2 * K) * W + last * per_cta;
    INFO("W = " << W << " iterations a window, K = " << K << ", at most " << walked << " walked");
    CHECK(k.skipped_iterations >= k.ctas * per_cta - walked);
}

TEST_CASE("a wave whose L1 hits differ from the last cut's span is not cut after one span") {
    // FA2's forward with CUDA-core GEMMs (kernels/v4's schedule: Br = Bc = 64, 8 warps, one
    // stage) at N = 16384, d = 64, 16 heads on the h100: K_j and V_j load through the L1, where
    // the CTAs an SM holds of one head hit each other's tiles, and how many of a head an SM holds
    // changes from wave to wave: 0.56, 0.59, 0.62 ... bytes reach the L2 a byte requested, the
    // cycles and HBM reads a byte the same. Checked on cycles and HBM reads alone, later waves
    // were cut after one span (KernelRun::like_last_cut), a cut put the CTAs of an SM out of step
    // and the waves after it missed in the L1: 12.8% more bytes read from the L2 than --exact.
    AttentionProblem p = problem_of(SkipCase{Algorithm::fa2, 1, 16384, 64, "h100"});
    Schedule s;
    s.algo = Algorithm::fa2;
    s.matmul_unit = MatmulUnit::fma;
    s.Br = s.Bc = 64;
    s.warps = 8;
    s.stages = 1;
    const GpuSpec g = load_gpu("h100");
    SimOptions exact;
    exact.exact = true;
    const RunResult f = simulate(p, s, g, SimOptions{}), e = simulate(p, s, g, exact);
    REQUIRE(f.timing.l2_set_sampling == 1);
    REQUIRE(f.counts.total.l1_hit_bytes > 0);
    CHECK(f.timing.skipped_iterations > 0);
    check_fast_bounds(f, e);
}

TEST_CASE("a wave whose reads fall after its first spans is not cut at their rates") {
    // FA2's forward at N = 28541, d = 128, 2 x 14 heads on the a100-80gb: one CTA an SM, 58 waves
    // of 446 iterations a CTA. Its waves read as many bytes from HBM per byte moved in their first
    // four windows, and fewer and fewer after them (the K and V the wave before left in the L2);
    // their first two spans agree, and cut there every wave came out 0.94% high in HBM reads. The
    // end of the wave before (KernelRun::ends_alike) reads far fewer, and the cut waits.
    const SkipCase c{Algorithm::fa2, 2, 28541, 128, "a100-80gb", 14};
    const auto [f, e] = forward_fast_and_exact(c);
    REQUIRE(f.timing.kernels.size() == 1);
    CHECK(e.timing.skipped_iterations == 0);
    check_fast_bounds(f, e);
}

TEST_CASE("kernels whose CTAs share no tile skip without waiting out the drift of grouped launches") {
    // Standard attention's element-wise kernels (scale, row softmax, dropout: each CTA its own
    // row, every CTA the same work) run 152-243 waves of CTAs that launch in groups. Kernels whose
    // CTAs share tiles then compare spans of kSkipGroupedSpanWaves waves (the L2's hits drift as
    // such CTAs spread apart); these need not, and they skip whole waves, not whole heads. The L2
    // is cut to 24 MiB so that a window is a few waves at N = 1025 and the drift's spans would be
    // longer than the bytes' (kSkipRowSpanL2Bytes) and the waves' (kSkipRowSpanWaves).
    const SkipCase c{Algorithm::standard, 8, 1025, 64, "a100-40gb"};
    const AttentionProblem p = problem_of(c);
    Schedule s;
    s.algo = c.algo;
    GpuSpec g = load_gpu(c.gpu);
    apply_override(g, "l2_bytes=25165824");
    SimOptions fast, exact;
    fast.l2_set_sampling = 1;
    exact.exact = true;
    const RunResult f = simulate(p, s, g, fast), e = simulate(p, s, g, exact);
    REQUIRE(f.timing.kernels.size() == f.kernels.size());
    int elementwise = 0, longer = 0;
    for (size_t i = 0; i < f.kernels.size(); ++i) {
        const KernelTiming& k = f.timing.kernels[i];
        if (k.name.find("_qk") != std::string::npos || k.name.find("_pv") != std::string::npos) continue;
        ++elementwise;
        const Traffic& t = f.kernels[i].counts.total;
        const double slots = double(g.sm_count * k.ctas_per_sm), per_head = double(k.ctas / p.heads());
        const double moved = double(t.global_read_bytes + t.global_write_bytes) / double(k.ctas);
        // The window: the fewest whole waves that fill kSkipWindowWaves waves and move
        // kSkipRowWindowL2Bytes L2s (every CTA the same work, none sharing a tile); the spans the
        // drift would ask for, and those the bytes and the waves do.
        const double waves = std::ceil(std::max(kSkipWindowWaves * slots, std::ceil(kSkipRowWindowL2Bytes * double(g.l2_data_bytes()) / moved)) / slots);
        const double window = waves * slots;
        const double drift_windows = std::ceil(kSkipGroupedSpanWaves * slots / window);
        const double byte_windows = std::ceil(kSkipRowSpanL2Bytes * double(g.l2_data_bytes()) / (window * moved));
        const double wave_windows = std::ceil(kSkipRowSpanWaves * slots / window);
        INFO(k.name, ": ", k.waves, " waves, windows of ", waves, " waves, spans of ", std::max(byte_windows, wave_windows),
             " windows (drift: ", drift_windows, ")");
        REQUIRE(k.waves >= kSkipFreeWaves);
        CHECK(k.skipped_ctas > 0);
        CHECK(k.skipped_ctas % int64_t(slots) == 0);
        // Waiting for the drift's spans, the first window and two spans would run before a skip.
        if (drift_windows > std::max(byte_windows, wave_windows)) {
            ++longer;
            CHECK(double(k.skipped_ctas) > double(k.ctas) - window * (1 + 2 * drift_windows));
        }
    }
    CHECK(elementwise == 3);
    CHECK(longer == elementwise);
    check_fast_bounds(f, e);
}

TEST_CASE("set-sampled row kernels skip on spans whose granules go with the share of the kernel extrapolated") {
    // Vanilla's forward at N = 1024, 6 x 16 heads on the h200, 1 in 4 sets: its row softmax (98304
    // CTAs, 106 waves) ends before two spans hold kMinSampledGranules sampled granules, and with
    // that asked of every span it skipped nothing. A skip extrapolates the share f of the kernel
    // left, its sampled rate off by about 1 / sqrt(n) for n granules, the kernel's total by f times
    // that: spans of kMinSampledGranules f^2 keep the total as close as the sampling's own bound,
    // and the run stays within the fast path's bounds of the exact engine.
    AttentionProblem p = problem_of(SkipCase{Algorithm::vanilla, 6, 1024, 128, "h200"});
    Schedule s;
    s.algo = Algorithm::vanilla;
    const GpuSpec g = load_gpu("h200");
    SimOptions exact;
    exact.exact = true;
    const RunResult f = simulate(p, s, g, SimOptions{}), e = simulate(p, s, g, exact);
    REQUIRE(f.timing.l2_set_sampling > 1);
    REQUIRE(f.timing.kernels.size() == 3);
    const KernelTiming& softmax = f.timing.kernels[1];
    REQUIRE(softmax.name.find("softmax") != std::string::npos);
    CHECK(softmax.skipped_ctas > 0);
    check_fast_bounds(f, e);
}

TEST_CASE("set-sampled kernels whose CTAs share tiles skip only on spans that each hold the sampling's granules") {
    // The FA2 backward at N = 10999, 16 x 16 heads on the a100-40gb (one CTA per SM, 204 waves of
    // 86-CTA heads) sampled at 1 in 4 sets: its L2 hits drift while the CTAs spread apart, and with
    // the two spans compared holding kMinSampledGranules only together it skipped 9804 CTAs and came
    // out 0.60% high in HBM reads (0.40% in writes); with each span holding them it runs whole,
    // within the sampling's own error.
    const auto [f, e] = backward_fast_and_exact(SkipCase{Algorithm::fa2, 16, 10999, 64, "a100-40gb"});
    REQUIRE(f.timing.l2_set_sampling > 1);
    check_fast_bounds(f, e);
}

TEST_CASE("kernels of few long CTAs drop whole periods of iterations and stay within the fast path's bounds") {
    // FA1 with scalar GEMMs (kernel version 3's schedule), one CTA per head of (N / 32)^2
    // iterations, at N = 1024 with 256 heads (one wave of the h200) and N = 4096 with 16 heads on
    // the a100-40gb: its CTAs read their Q_i and O_i again every Tr = N / Br iterations, so each
    // drops a multiple of Tr. Vanilla's P V GEMM at N = 8192 with 4 heads on the a100-40gb (half a
    // wave of CTAs that read 128 tiles of P each); its Q K^T GEMM and softmax have short CTAs and
    // drop no iterations (the steady-state skip may skip their whole heads: each head spans many
    // waves). All sets of the L2 kept: the skips' error alone.
    struct Case {
        SkipCase c;
        int64_t Br = 0;
        MatmulUnit unit = MatmulUnit::tensor;
        bool l1 = true;  // the preset's L1
    };
    // FA1 at N = 1024 on the h200, two CTAs an SM, with its L1: the CTAs' paces differ by 1-2%
    // from span to span (L1 hits on the Q_i and O_i re-reads come and go), the iteration skip's
    // check holds in no span and the fast path is the exact engine. It runs without the L1 here;
    // FA1 at N = 4096 on the a100-40gb keeps it (one CTA an SM) and skips.
    for (const Case& k : {Case{SkipCase{Algorithm::fa1, 16, 1024, 64, "h200"}, 32, MatmulUnit::fma, false},
                          Case{SkipCase{Algorithm::fa1, 1, 4096, 128, "a100-40gb"}, 32, MatmulUnit::fma},
                          Case{SkipCase{Algorithm::vanilla, 1, 8192, 64, "a100-40gb", 4}}}) {
        const AttentionProblem p = problem_of(k.c);
        Schedule s;
        s.algo = k.c.algo;
        s.matmul_unit = k.unit;
        if (k.Br > 0) {
            s.Br = s.Bc = k.Br;
            s.warps = 4;
        }
        GpuSpec g = load_gpu(k.c.gpu);
        if (!k.l1) g.l1_sram_bytes_per_sm = 0;
        SimOptions fast, exact, off;
        fast.l2_set_sampling = 1;
        exact.exact = true;
        off.steady_state_skip = false;
        off.l2_set_sampling = 1;
        const RunResult f = simulate(p, s, g, fast), e = simulate(p, s, g, exact);
        INFO(std::string(to_string(k.c.algo)), " N = ", k.c.N, " on ", std::string(k.c.gpu));
        REQUIRE(f.timing.l2_set_sampling == 1);
        if (k.c.algo == Algorithm::fa1) CHECK(f.timing.skipped_ctas == 0);
        REQUIRE(f.timing.skipped_iterations > 0);
        CHECK(e.timing.skipped_iterations == 0);
        CHECK(simulate(p, s, g, off).timing.skipped_iterations == 0);
        if (k.c.algo == Algorithm::fa1) {
            // Every CTA in flight (one a head) drops whole inner loops.
            const int64_t Tr = (k.c.N + k.Br - 1) / k.Br;
            CHECK(f.timing.skipped_iterations % Tr == 0);
        } else {
            for (const KernelTiming& t : f.timing.kernels) CHECK((t.skipped_iterations > 0) == (t.name == "vanilla_pv"));
        }
        check_fast_bounds(f, e);
    }
}

TEST_CASE("kernels whose last wave is partial drop no iterations before their last CTA launches unless the order their slots free survives the cut") {
    // Vanilla's backward at N = 4725, d = 128, 16 heads on the a100-80gb: its dV, dQ and dK GEMMs
    // run 1184 CTAs of 74 iterations on 540 slots (2.19 waves), an SM's k-th and (k+1)-th ends
    // overlapping from SM to SM. Cut in their first wave (by whole iterations, or to the cycle),
    // the last wave's CTAs take other slots, and the run came out 1.10-1.18% off --exact; cut in
    // the last wave only, within bounds.
    const auto [f, e] = backward_fast_and_exact(SkipCase{Algorithm::vanilla, 1, 4725, 128, "a100-80gb"});
    bool partial = false;
    for (const KernelTiming& k : f.timing.kernels) partial = partial || (k.waves > 1 && k.waves != std::floor(k.waves));
    REQUIRE(partial);
    check_fast_bounds(f, e);
}

TEST_CASE("a kernel whose slots free in the same order after a cut is cut in every wave, to the cycle") {
    // Vanilla's P V GEMM at N = 8192, d = 128, 16 heads on the h100: 2048 CTAs of 128 iterations,
    // 7 an SM (2.22 waves), every SM's k-th CTA ending within a few hundred cycles of the others',
    // the (k+1)-th hundreds of cycles later. Cut before its last launch, each CTA waits out the
    // part of the cut its whole iterations do not make up, and the run stays within the fast
    // path's bounds of the run without the skip (the same L2 sampling: the skip's error alone).
    const SkipCase c{Algorithm::vanilla, 1, 8192, 128, "h100"};
    const auto [f, o] = default_schedule_with_and_without_skip(c);
    const GpuSpec g = load_gpu(c.gpu);
    bool found = false;
    for (const KernelTiming& k : f.timing.kernels) {
        if (k.name != "vanilla_pv") continue;
        found = true;
        // Each CTA of the P V GEMM steps over the N keys Bc at a time.
        const int64_t slots = g.sm_count * k.ctas_per_sm, iterations = (c.N + f.schedule.Bc - 1) / f.schedule.Bc;
        REQUIRE(k.ctas_per_sm > 1);
        REQUIRE(k.ctas % slots != 0);
        // After the last launch only the last wave's CTAs are cut (the others retire within a
        // window of it): more than all their iterations were dropped, so the cut came before.
        CHECK(k.skipped_iterations > (k.ctas - 2 * slots) * iterations);
    }
    REQUIRE(found);
    check_fast_bounds(f, o);
}

TEST_CASE("the iteration skip cuts only CTAs whose pace holds over both spans it checked") {
    // FA1's default schedule with 24 x 16 heads at N = 6655 on the h200: 2.9 waves of one CTA per
    // SM. In its later waves a CTA went at another pace over one span than over the other; cut
    // by its pace over both, it dropped too few iterations for the time cut (HBM reads 0.55% off
    // the run without the skip, outside the fast path's 0.5%; with 40 x 16 heads the time 9.9%
    // off, and a CTA cut twice asked its stream for more iterations than it had). Against the
    // same run without the skip (the same L2 sampling): the skip's error alone.
    const auto [f, o] = default_schedule_with_and_without_skip(SkipCase{Algorithm::fa1, 24, 6655, 128, "h200"});
    check_fast_bounds(f, o);
}

TEST_CASE("the iteration skip waits while one tensor's dirty bytes grow over its spans, though the whole L2's do not") {
    // FA2's backward at N = 11683, d = 128, 7 heads on the h100 (4.9 waves of one CTA an SM): its
    // CTAs' atomic adds to the fp32 dQ accumulator leave 2.0 MB more of it dirty in the L2 a
    // span, about as much as they write back, while dK's and dV's dirty bytes shrink by more.
    // The extrapolation charges each tensor's dirty growth as written back (the steady state's
    // rule); the exact run keeps it dirty. Guarded on the whole L2 alone, the kernel dropped 5681
    // iterations and came out 0.99% high in HBM writes (the accumulator 1.5%).
    const auto runs = backward_fast_and_exact(SkipCase{Algorithm::fa2, 1, 11683, 128, "h100", 7});
    const RunResult &f = runs.first, &e = runs.second;  // references, not bindings: INFO captures them
    REQUIRE(f.timing.l2_set_sampling == 1);
    const size_t dq = size_t(Tensor::dQacc);
    INFO("dQ accumulator written back: fast " << f.counts.per_tensor[dq].hbm_write_bytes << ", exact " << e.counts.per_tensor[dq].hbm_write_bytes);
    CHECK(rel(double(f.counts.per_tensor[dq].hbm_write_bytes), double(e.counts.per_tensor[dq].hbm_write_bytes)) <= 0.005);
    check_fast_bounds(f, e);
}

TEST_CASE("the iteration skip leaves the L2 as the iterations it drops would, for the CTAs of later waves") {
    // FA3 at N = 65536, d = 128, 2 heads on the h100: 1024 CTAs in 7.8 waves of one CTA per SM,
    // each sweeping its head's K and V (64 MiB for the two heads, more than the L2 holds) in step
    // with the others. Cut in a wave without touching the L2, the L2 still held the first tiles
    // of the sweep, the next wave's CTAs found them there, and the run came out 3.1% low in HBM
    // reads against --exact; warmed with the dropped iterations' last tiles, within bounds.
    check_cut_against_exact(SkipCase{Algorithm::fa3, 1, 65536, 128, "h100", 2});
}

TEST_CASE("the iteration skip warms the L2 after a cut in the last wave too") {
    // FA2's forward at N = 33743, d = 128, 2 x 14 heads on the h100 (7392 CTAs in 28 waves of two
    // an SM), cut in its last wave: unwarmed, the dirty O of the wave before stayed in the L2 that
    // the dropped iterations' misses would have evicted, and the run came out 1.22% low in HBM
    // writes against --exact (its footprint is not sampled).
    check_cut_against_exact(SkipCase{Algorithm::fa2, 2, 33743, 128, "h100", 14});
}

TEST_CASE("the iteration skip's windows hold a loop period of every CTA in flight") {
    // FA1's backward reads K_j, V_j and writes dK_j, dV_j once every loop period (Tr inner
    // iterations). Windows of 4 L2s alone, shorter than a period of all 132 CTAs of a wave, let
    // the extrapolated spans miss those tiles (39 x 16 heads at N = 6871 on the h200: 1.2% low
    // in the kernel's HBM reads, 4.5% in writes, a run of seconds); windows of a period at least
    // hold them. Here one wave of 132 heads at N = 4001 (with the windows of 4 L2s it skipped
    // nothing): it skips, within the fast path's bounds of the run without the skip.
    const AttentionProblem p = [] {
        AttentionProblem q = problem_of(SkipCase{Algorithm::fa1, 1, 4001, 64, "h200", 132});
        q.pass = Pass::bwd;
        return q;
    }();
    Schedule s;
    s.algo = Algorithm::fa1;
    const GpuSpec g = load_gpu("h200");
    SimOptions fast, off;
    fast.l2_set_sampling = off.l2_set_sampling = 1;
    off.steady_state_skip = false;
    const RunResult f = simulate(p, s, g, fast), o = simulate(p, s, g, off);
    REQUIRE(f.timing.kernels.size() == 1);
    CHECK(f.timing.skipped_iterations > 0);
    CHECK(o.timing.skipped_iterations == 0);
    check_fast_bounds(f, o);
}

TEST_CASE("causal kernels drop no iterations") {
    // A causal mask changes the work along a CTA's loop: FA1's sweeps shorten as it goes.
    AttentionProblem p = problem_of(SkipCase{Algorithm::fa1, 16, 1024, 64, "h200"});
    p.causal = true;
    Schedule s;
    s.algo = Algorithm::fa1;
    s.matmul_unit = MatmulUnit::fma;
    s.Br = s.Bc = 32;
    s.warps = 4;
    CHECK(simulate(p, s, load_gpu("h200"), SimOptions{}).timing.skipped_iterations == 0);
}

TEST_CASE("a causal run's unfused GEMMs, whose loops ignore the mask, drop iterations within the fast path's bounds") {
    // Vanilla's P V GEMM reads every tile of P, masked or not (KernelTrace::dense_loops): under a
    // causal mask its CTAs' loops are those of the run without it, and the iteration skip takes
    // them as it does there (the test above without the mask). All sets of the L2 kept.
    AttentionProblem p = problem_of(SkipCase{Algorithm::vanilla, 1, 8192, 64, "a100-40gb", 4});
    p.causal = true;
    Schedule s;
    s.algo = Algorithm::vanilla;
    const GpuSpec g = load_gpu("a100-40gb");
    SimOptions fast, exact;
    fast.l2_set_sampling = 1;
    exact.exact = true;
    const RunResult f = simulate(p, s, g, fast), e = simulate(p, s, g, exact);
    REQUIRE(f.timing.l2_set_sampling == 1);
    for (const KernelTiming& t : f.timing.kernels) CHECK((t.skipped_iterations > 0) == (t.name == "vanilla_pv"));
    CHECK(e.timing.skipped_iterations == 0);
    check_fast_bounds(f, e);
}

TEST_CASE("paper mode skips as the L2 model does: its time within the fast path's bound, its bytes the counting layer's") {
    // Without the L2 model a run's bytes are the counting layer's (the papers' IO model), the same
    // with or without a skip, and the skips extrapolate the time alone (no cache to warm). A
    // forward of 121 waves (whole heads skipped, after the spans of the launches' drift, which
    // every kernel waits out in paper mode) and vanilla's P V GEMM of long CTAs (iterations
    // dropped).
    for (const SkipCase& c : {SkipCase{Algorithm::fa2, 96, 2049, 64, "a100-40gb"}, SkipCase{Algorithm::vanilla, 1, 8192, 64, "a100-40gb", 4}}) {
        const auto [f, e] = paper_fast_and_exact(problem_of(c), c.algo, c.gpu);
        INFO(to_string(c.algo), " on ", c.gpu);
        REQUIRE(f.paper_mode);
        CHECK(e.timing.skipped_ctas + e.timing.skipped_iterations == 0);
        CHECK(f.timing.skipped_ctas + f.timing.skipped_iterations > 0);
        if (c.algo == Algorithm::fa2) CHECK(f.timing.skipped_ctas > 0);
        else CHECK(f.timing.skipped_iterations > 0);
        for (size_t i = 0; i < kTensorCount; ++i) {
            const Traffic &ft = f.counts.per_tensor[i], &et = e.counts.per_tensor[i];
            CHECK(ft.hbm_read_bytes == et.hbm_read_bytes);
            CHECK(ft.hbm_write_bytes == et.hbm_write_bytes);
            CHECK(ft.global_read_bytes == et.global_read_bytes);
            CHECK(ft.global_write_bytes == et.global_write_bytes);
        }
        CHECK(rel(f.timing.seconds, e.timing.seconds) <= 0.01);
        CHECK(std::isfinite(f.timing.seconds));
    }
}

TEST_CASE("the iteration skip takes each CTA's pace from its own iterations, not from the CTA its slot held before") {
    // FA1's forward at B = 16, N = 4137, d = 128 on the rtx4090 in paper mode: 256 CTAs of 3486
    // iterations (one a head), one an SM, two waves. A mark taken at a CTA's last iteration end,
    // after its slot's next CTA was launched and before that one started, recorded the retired
    // CTA's iterations for the slot; the cut in the second wave measured those slots' paces from
    // that mark (a tenth of the others'), its CTAs dropped unequal numbers of iterations and the
    // kernel came out 9.4% slow against --paper --exact. A start now counts as a change.
    const SkipCase c{Algorithm::fa1, 16, 4137, 128, "rtx4090"};
    const auto [f, e] = paper_fast_and_exact(problem_of(c), c.algo, c.gpu);
    REQUIRE(f.timing.kernels.size() == 1);
    REQUIRE(f.timing.kernels[0].waves == doctest::Approx(2.0));
    CHECK(f.timing.skipped_iterations > 0);
    CHECK(e.timing.skipped_iterations == 0);
    CHECK(rel(f.timing.seconds, e.timing.seconds) <= 0.01);
}

TEST_CASE("without the L2 model a kernel waits out the drift of its launches before it skips") {
    // Vanilla's backward at B = 13, N = 1927, d = 64 on the h100 in paper mode: its softmax
    // backward (400816 CTAs of one row, 380 waves of 1056) took 823 cycles a MB over its first 40
    // windows and 800 after, as the groups its CTAs started in spread. Skipped at its eleventh
    // window it came out 2.4% slow, the run 1.1%, against --paper --exact.
    AttentionProblem p = problem_of(SkipCase{Algorithm::vanilla, 13, 1927, 64, "h100"});
    p.pass = Pass::bwd;
    const auto [f, e] = paper_fast_and_exact(p, Algorithm::vanilla, "h100");
    REQUIRE(f.timing.kernels.size() == 5);
    const KernelTiming &fk = f.timing.kernels[2], &ek = e.timing.kernels[2];
    REQUIRE(fk.name == "vanilla_bwd_softmax");
    REQUIRE(fk.waves >= kSkipFreeWaves);
    CHECK(fk.skipped_ctas > 0);
    CHECK(rel(fk.seconds, ek.seconds) <= 0.01);
    CHECK(rel(f.timing.seconds, e.timing.seconds) <= 0.01);
    // Fewer waves drift too: FA3's forward at B = 50, N = 1149, d = 128 on the h200 (7200 CTAs, 55
    // waves of one an SM, its launches in groups) fell from 450 to 420 cycles a MB over its first
    // eight windows; skipped at the eighth it came out 1.26% slow.
    const auto [f3, e3] = paper_fast_and_exact(problem_of(SkipCase{Algorithm::fa3, 50, 1149, 128, "h200"}), Algorithm::fa3, "h200");
    REQUIRE(f3.timing.kernels.size() == 1);
    REQUIRE(f3.timing.kernels[0].waves < kSkipFreeWaves);
    CHECK(rel(f3.timing.seconds, e3.timing.seconds) <= 0.01);
}

TEST_CASE("a kernel whose launches spread window by window still skips whole heads that are whole waves") {
    // FA3's forward at B = 49, N = 1977, d = 64 on the a100-40gb: heads of 16 CTAs (the last of
    // 57 rows), two an SM, 58 waves. Its launches come in groups over the first windows and spread
    // as its CTAs drift apart; one window's test flips while the groups still set the kernel's end.
    // A skip by windows there (224 CTAs, not whole waves) came out 1.36% slow against --exact.
    const SkipCase c{Algorithm::fa3, 49, 1977, 64, "a100-40gb"};
    const AttentionProblem p = problem_of(c);
    const GpuSpec g = load_gpu(c.gpu);
    const auto [f, e] = forward_fast_and_exact(c);
    REQUIRE(f.timing.l2_set_sampling == 1);  // the skip's error alone
    REQUIRE(f.timing.kernels.size() == 1);
    const KernelTiming& k = f.timing.kernels[0];
    const int64_t per_head = k.ctas / p.heads(), slots = g.sm_count * k.ctas_per_sm;
    REQUIRE(per_head == (c.N + 127) / 128);  // FA3's 128 query rows a CTA, the last partial
    REQUIRE(k.waves > kSkipMinWaves);
    REQUIRE(k.waves < kSkipFreeWaves);
    CHECK(k.skipped_ctas > 0);
    CHECK(k.skipped_ctas % std::lcm(per_head, slots) == 0);
    check_fast_bounds(f, e);
}

TEST_CASE("the windows a skip extrapolates keep, together, the verified windows' rates") {
    // Eight marks a window of 100 bytes apart; the last four windows (the spans verified) take 100
    // cycles each. The third window, within kSkipStretch of them, joins the stretch only where the
    // five windows together stay within kSkipTolerance of the verified ones' cycles per byte.
    const auto marks_with_third = [](double third) {
        std::vector<SkipMark> marks(8);
        for (size_t i = 1; i < marks.size(); ++i) {
            marks[i].moved = 100.0 * double(i);
            marks[i].t = marks[i - 1].t + (i == 3 ? third : 100.0);
        }
        return marks;
    };
    const size_t m = 7, verified = 4;
    // 91.5 cycles: within kSkipStretch (8.5% off), but five windows of 491.5 cycles are 1.7% off.
    REQUIRE(within_share(91.5, 100.0, kSkipStretch));
    REQUIRE(!within_share(491.5 / 500.0, 1.0, kSkipTolerance));
    CHECK(stretch(marks_with_third(91.5), m, verified) == m - verified);
    // 99.5 cycles: the five windows 0.1% off, the third one extrapolated too (never the first two).
    REQUIRE(within_share(499.5 / 500.0, 1.0, kSkipTolerance));
    CHECK(stretch(marks_with_third(99.5), m, verified) == m - verified - 1);
}

TEST_CASE("a skip of whole waves extrapolates no window that moves its stretch beyond the skip's bound") {
    // FA3's forward at B = 14, N = 1495, d = 128 on the a100-80gb: heads of 12 CTAs, one CTA an SM,
    // 24.9 waves, its launches in groups. The window before the four it verified ran 8.5% faster per
    // byte; extrapolated with them, the 17 waves skipped came out 1.02% fast against --exact.
    const SkipCase c{Algorithm::fa3, 14, 1495, 128, "a100-80gb"};
    const auto [f, e] = forward_fast_and_exact(c);
    REQUIRE(f.timing.l2_set_sampling == 1);  // the skip's error alone
    REQUIRE(f.timing.kernels.size() == 1);
    REQUIRE(f.timing.kernels[0].waves > kSkipMinWaves);
    CHECK(f.timing.kernels[0].skipped_ctas > 0);
    check_fast_bounds(f, e);
}
