// slot_queue_test.cpp: the event loop's queue (sim/engine/slot_queue.h) pops events in the order a
// binary heap of (t, seq) pops them, the order the loop had before it, on random pushes and pops
// with equal times, empty slots, pushes for slots other than the one popped last, and any slot count.
#include <doctest/doctest.h>

#include <cstdint>
#include <functional>
#include <queue>
#include <random>
#include <stdexcept>
#include <tuple>
#include <vector>

#include "sim/engine/slot_queue.h"

using flashsim::engine::SlotQueue;

namespace {

struct Ref {
    double t;
    uint64_t seq;
    uint32_t slot;
    int kind;
    bool operator>(const Ref& o) const { return std::tie(t, seq) > std::tie(o.t, o.seq); }
};

}  // namespace

TEST_CASE("the event queue pops in the order of a binary heap of (time, push order)") {
    std::mt19937_64 rng(7);
    size_t others = 0;  // pushes for a slot other than the one popped last, over all slot counts
    for (const size_t slots : {1u, 2u, 3u, 7u, 8u, 132u, 264u, 1000u}) {
        SlotQueue<int> q(slots);
        std::priority_queue<Ref, std::vector<Ref>, std::greater<Ref>> ref;
        std::vector<bool> pending(slots, false);
        uint64_t seq = 0;
        // Times on a coarse grid, so that many are equal and the push order decides.
        auto when = [&](double now) { return now + double(rng() % 8) * 0.5; };
        auto push = [&](double t, uint32_t s) {
            const int kind = int(rng() % 4);
            q.push(t, s, kind);
            ref.push(Ref{t, seq++, s, kind});
            pending[s] = true;
        };
        for (uint32_t s = 0; s < slots; ++s)
            if (rng() % 4) push(when(0), s);
        size_t popped = 0;
        while (!ref.empty()) {
            REQUIRE_FALSE(q.empty());
            const auto e = q.pop();
            const Ref r = ref.top();
            ref.pop();
            REQUIRE(e.t == r.t);
            REQUIRE(e.seq == r.seq);
            REQUIRE(e.slot == r.slot);
            REQUIRE(e.kind == r.kind);
            pending[e.slot] = false;
            ++popped;
            // Mostly the loop's pattern (the popped slot's next event, or none); sometimes an
            // empty slot elsewhere gets one, which makes the queue build its tree anew.
            if (popped < 20 * slots && rng() % 8) push(when(e.t), e.slot);
            if (rng() % 16 == 0) {
                const uint32_t s = uint32_t(rng() % slots);
                if (!pending[s]) {
                    push(when(e.t), s);
                    ++others;
                }
            }
        }
        CHECK(q.empty());
        CHECK(popped > slots);
    }
    CHECK(others > 100);
}

TEST_CASE("the event queue refuses a second pending event for one slot") {
    SlotQueue<int> q(4);
    q.push(1.0, 2, 0);
    CHECK_THROWS_AS(q.push(2.0, 2, 1), std::logic_error);
    CHECK_THROWS_AS(q.push(2.0, 4, 1), std::logic_error);  // no such slot
    const auto e = q.pop();
    CHECK(e.slot == 2);
    q.push(3.0, 2, 1);  // once popped, the slot takes its next event
    CHECK(q.pop().t == 3.0);
    CHECK(q.empty());
}
