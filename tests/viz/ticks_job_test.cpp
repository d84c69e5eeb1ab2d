// ticks_job_test.cpp: the plots' axis ticks, and the background job's two phases (paper-mode
// totals first, then the L2 model and timing).
#include <doctest/doctest.h>

#include <cmath>

#include "sim/engine/simulate.h"
#include "viz/sim_job.h"
#include "viz/ticks.h"

using namespace flashsim;
using namespace flashsim::viz;

namespace {

// m x 10^k with m in `mantissas`.
bool is_125(double v, std::initializer_list<double> mantissas = {1, 2, 5}) {
    const double e = std::floor(std::log10(v) + 1e-9);
    const double m = v / std::pow(10.0, e);
    for (double x : mantissas)
        if (std::abs(m - x) < 1e-6) return true;
    return false;
}

}  // namespace

TEST_SUITE("model") {

TEST_CASE("linear ticks are several multiples of 1, 2 or 5 x 10^k inside the range") {
    for (auto [lo, hi, n] : {std::tuple{0.0, 737000.0, 8}, {0.0, 1.0, 5}, {13.0, 97.0, 4}, {0.0, 3.3e-6, 6}}) {
        const auto t = linear_ticks(lo, hi, n);
        CAPTURE(lo);
        CAPTURE(hi);
        CHECK(t.size() >= 2);
        CHECK(int(t.size()) <= n);
        const double step = t[1] - t[0];
        CHECK(is_125(step));
        for (size_t i = 0; i < t.size(); ++i) {
            CHECK(t[i] >= lo - 1e-12);
            CHECK(t[i] <= hi + 1e-12);
            if (i) CHECK(t[i] - t[i - 1] == doctest::Approx(step));
            CHECK_FALSE(std::signbit(t[i]));  // no "-0"
        }
    }
}

TEST_CASE("a log axis gets several ticks: decades, or 1-2-5 or 1..9 x 10^k when the range is narrow") {
    const auto wide = log_ticks(3e3, 7e9, 10);  // 10^4 .. 10^9
    CHECK(wide.size() == 6);
    for (double v : wide) CHECK(is_125(v, {1}));
    const auto thinned = log_ticks(1e-3, 1e12, 5);  // 16 decades, every 4th
    CHECK(thinned.size() <= 5);
    CHECK(thinned.size() >= 3);
    // One decade or less (the plots' y axis at a small sweep): still several ticks.
    const auto narrow = log_ticks(3.1e6, 2.9e7, 8);
    CHECK(narrow.size() >= 3);
    for (double v : narrow) {
        CHECK(is_125(v));
        CHECK(v >= 3.1e6);
        CHECK(v <= 2.9e7);
    }
    CHECK(log_ticks(4.2e-4, 6.8e-4, 6).size() >= 2);  // inside one decade: 5e-4, 6e-4
    // A factor of 4 (the plots' HBM bytes when every block size costs the same): 1..9 x 10^k.
    const auto flat = log_ticks(6.3e6, 2.5e7, 8);
    CHECK(flat.size() >= 3);
    for (double v : flat) CHECK(is_125(v, {1, 2, 3, 4, 5, 6, 7, 8, 9}));
}

TEST_CASE("powers of two on the block-size and N axes, thinned to fit") {
    const auto t = pow2_ticks(16 / 1.3, 16384 * 1.3, 6);
    CHECK(t.front() == 16);
    CHECK(t.size() <= 6);
    for (double v : t) CHECK(std::exp2(std::round(std::log2(v))) == v);
}

TEST_CASE("the background job delivers paper-mode totals first, then the L2 model and timing") {
    ViewerConfig c;
    c.algo = "fa2", c.gpu = "h100", c.N = 2048, c.heads = 4;
    SimJob job(2);
    job.request(c);
    SimOutcome first, got;
    while (!job.poll(first)) {
    }
    // The first outcome is the paper-mode count without timing; the next one is the full run.
    REQUIRE(bool(first.result));
    CHECK(first.partial);
    CHECK(first.result->paper_mode);
    CHECK_FALSE(first.result->timing.valid);
    const RunResult paper = simulate(c.to_problem(), c.to_schedule(), c.to_gpu(), [&] {
        SimOptions o = c.to_options(false);
        o.paper_mode = true;
        o.timing = false;
        return o;
    }());
    CHECK(first.result->counts.total.hbm_read_bytes == paper.counts.total.hbm_read_bytes);
    CHECK(job.busy());
    const SimOutcome full = job.wait();
    REQUIRE(bool(full.result));
    CHECK_FALSE(full.partial);
    CHECK_FALSE(full.result->paper_mode);
    CHECK(full.result->timing.valid);
    CHECK_FALSE(job.busy());
}

TEST_CASE("a newer request does not wait for an older full simulation") {
    ViewerConfig slow;
    slow.algo = "vanilla", slow.gpu = "h100", slow.N = 4096, slow.heads = 2;  // about a second with the L2 model
    ViewerConfig quick = slow;
    quick.algo = "fa2", quick.N = 1024, quick.heads = 1;
    SimJob job(1);
    job.request(slow);
    SimOutcome o;
    while (!job.poll(o)) {
    }
    CHECK(o.partial);  // the slow one's paper count is in; its L2 run goes on
    job.request(quick);
    const SimOutcome q = job.wait();
    REQUIRE(bool(q.result));
    CHECK(q.config == quick);  // the slow run's result never arrives in its place
    CHECK_FALSE(q.partial);
    CHECK(job.runs_in_flight() == 1);  // the slow run is still going: the quick one did not wait for it
}

}  // TEST_SUITE
