// iteration_skip_test.cpp: the iteration skip (kernel_sim.h, docs/speed.md). Kernels of few long
// CTAs cut the CTAs in flight once their windows repeat, drop whole loop periods, keep the L2 as
// the dropped iterations would leave it, and stay within the fast path's bounds of the exact
// engine (0.5% in bytes, 1% in time).
#include <doctest/doctest.h>

#include <cmath>
#include <numeric>
#include <utility>

#include "tests/engine/skip_cases.h"

namespace flashsim::skip_test {

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

}  // namespace flashsim::skip_test
