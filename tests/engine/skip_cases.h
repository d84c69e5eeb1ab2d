// skip_cases.h: what the skips' tests share (steady_skip_test.cpp, iteration_skip_test.cpp): the
// cases they run, the fast path's bounds against the exact engine, and marks built by hand.
#pragma once
#include <doctest/doctest.h>

#include <cmath>
#include <utility>

#include "sim/core/problem.h"
#include "sim/core/schedule.h"
#include "sim/engine/simulate.h"
#include "sim/engine/steady_skip.h"
#include "sim/gpu/gpu_spec.h"

namespace flashsim::skip_test {

struct SkipCase {
    Algorithm algo;
    int64_t B, N, d;
    const char* gpu;
    int64_t H = 16;
};

inline AttentionProblem problem_of(const SkipCase& c) {
    AttentionProblem p;
    p.B = c.B;
    p.H = c.H;
    p.N = c.N;
    p.d = c.d;
    return p;
}

inline double rel(double a, double b) { return std::fabs(a - b) / b; }

// The fast path's bounds against the exact engine: the requests equal (the skipped work's are
// counted from its ops), what reaches the L2's tags of them (less the L1's hits and the
// coalesced requests) and HBM bytes within 0.5%, time within 1%.
inline void check_fast_bounds(const RunResult& f, const RunResult& e) {
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

// Problem `p` with `algo`'s default schedule on `gpu`, by the engine with `fast`'s options and by
// it without the skips (the same L2 sampling where `fast` sets it: the skips' error alone); the
// second must skip nothing.
inline std::pair<RunResult, RunResult> with_and_without_skip(const AttentionProblem& p, Algorithm algo, const char* gpu,
                                                              const SimOptions& fast = {}) {
    Schedule s;
    s.algo = algo;
    const GpuSpec g = load_gpu(gpu);
    SimOptions off = fast;
    off.steady_state_skip = false;
    RunResult f = simulate(p, s, g, fast), o = simulate(p, s, g, off);
    CHECK(o.timing.skipped_iterations == 0);
    CHECK(o.timing.skipped_ctas == 0);
    return {std::move(f), std::move(o)};
}

// `c` with the default schedule, by the default engine and by it without the skips.
inline std::pair<RunResult, RunResult> default_schedule_with_and_without_skip(const SkipCase& c) {
    return with_and_without_skip(problem_of(c), c.algo, c.gpu);
}

// Problem `p` with `algo`'s default schedule on `gpu`, by the engine with `fast`'s options and by
// --exact (in paper mode where `fast` is).
inline std::pair<RunResult, RunResult> fast_and_exact(const AttentionProblem& p, Algorithm algo, const char* gpu, const SimOptions& fast = {}) {
    Schedule s;
    s.algo = algo;
    const GpuSpec g = load_gpu(gpu);
    SimOptions exact;
    exact.exact = true;
    exact.paper_mode = fast.paper_mode;
    return {simulate(p, s, g, fast), simulate(p, s, g, exact)};
}

// The forward of `c` with the default schedule, by the engine with `fast`'s options and by --exact.
inline std::pair<RunResult, RunResult> forward_fast_and_exact(const SkipCase& c, const SimOptions& fast = {}) {
    return fast_and_exact(problem_of(c), c.algo, c.gpu, fast);
}

// Problem `p` by the default (fast) engine and by --exact, both in paper mode (no L2 model).
inline std::pair<RunResult, RunResult> paper_fast_and_exact(const AttentionProblem& p, Algorithm algo, const char* gpu) {
    SimOptions paper;
    paper.paper_mode = true;
    return fast_and_exact(p, algo, gpu, paper);
}

// A backward pass of `c` with the default schedule, by the default (fast) engine and by --exact.
inline std::pair<RunResult, RunResult> backward_fast_and_exact(const SkipCase& c) {
    AttentionProblem p = problem_of(c);
    p.pass = Pass::bwd;
    return fast_and_exact(p, c.algo, c.gpu);
}

// The forward of `c` with the default schedule drops iterations, within the fast path's bounds
// of --exact (which drops none).
inline void check_cut_against_exact(const SkipCase& c) {
    const auto [f, e] = forward_fast_and_exact(c);
    REQUIRE(f.timing.skipped_iterations > 0);
    CHECK(e.timing.skipped_iterations == 0);
    check_fast_bounds(f, e);
}

// A mark of one tensor's sums: at cycle t, `mv` bytes moved, its HBM reads, write-backs and
// dirty bytes in the L2.
inline SkipMark mark_at(double t, double mv, double reads, double wb, double dirty) {
    SkipMark k;
    k.t = t;
    k.moved = mv;
    k.counts.per_tensor[0].hbm_read_bytes = uint64_t(reads);
    k.writebacks[0] = uint64_t(wb);
    k.dirty[0] = uint64_t(dirty);
    return k;
}

}  // namespace flashsim::skip_test
