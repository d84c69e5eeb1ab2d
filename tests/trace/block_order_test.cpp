// The block order knob (Schedule::block_order): a forward of one CTA per query block (FA2, FA3)
// launches a head's query blocks by index, or with a causal mask heaviest first: CTA c of a head
// runs block Tr - 1 - c, the one with the most key blocks. The work is the same, in another order.
#include <doctest/doctest.h>

#include <vector>

#include "sim/core/errors.h"
#include "sim/engine/simulate.h"
#include "sim/gpu/gpu_spec.h"
#include "sim/trace/trace.h"
#include "tests/trace/cta_ops.h"

using namespace flashsim;

namespace {

AttentionProblem causal_problem(bool causal) {
    AttentionProblem p;
    p.B = 1;
    p.H = 2;
    p.N = 512;
    p.d = 64;
    p.causal = causal;
    return p;
}

std::vector<Op> ops_of(const Trace& t, int64_t cta) { return test::cta_ops(*t.kernels[0], cta); }

int64_t k_tiles(const std::vector<Op>& ops) {
    int64_t n = 0;
    for (const Op& op : ops) n += op.kind == OpKind::load && op.tensor == Tensor::K;
    return n;
}

}  // namespace

TEST_CASE("causal query blocks launch heaviest first when the schedule says so, by index otherwise") {
    const GpuSpec g = load_gpu("h100");
    for (const Algorithm a : {Algorithm::fa2, Algorithm::fa3}) {
        Schedule s;
        s.algo = a;
        s.Br = s.Bc = 128;
        const AttentionProblem p = causal_problem(true);
        const Schedule index = resolve_schedule(s, p, g);
        s.block_order = BlockOrder::heaviest_first;
        const Schedule heavy = resolve_schedule(s, p, g);
        const Trace ti = make_trace(p, index, g), th = make_trace(p, heavy, g);
        const int64_t Tr = index.Tr(p);
        REQUIRE(Tr == 4);
        INFO(to_string(a));
        for (int64_t head = 0; head < p.heads(); ++head)
            for (int64_t c = 0; c < Tr; ++c) {
                // Query block i of a causal head reads key blocks 0..i (Br = Bc).
                CHECK(k_tiles(ops_of(ti, head * Tr + c)) == c + 1);
                CHECK(k_tiles(ops_of(th, head * Tr + c)) == Tr - c);
            }
        // The same work in another order: every tensor's bytes as the papers count them.
        SimOptions paper;
        paper.paper_mode = true;
        const RunResult ri = simulate(p, index, g, paper), rh = simulate(p, heavy, g, paper);
        for (size_t i = 0; i < kTensorCount; ++i) {
            CHECK(ri.counts.per_tensor[i].global_read_bytes == rh.counts.per_tensor[i].global_read_bytes);
            CHECK(ri.counts.per_tensor[i].global_write_bytes == rh.counts.per_tensor[i].global_write_bytes);
        }
    }
}

TEST_CASE("without a causal mask the block order changes nothing") {
    const GpuSpec g = load_gpu("h100");
    Schedule s;
    s.algo = Algorithm::fa2;
    const AttentionProblem p = causal_problem(false);
    const Schedule index = resolve_schedule(s, p, g);
    s.block_order = BlockOrder::heaviest_first;
    const Schedule heavy = resolve_schedule(s, p, g);
    const Trace ti = make_trace(p, index, g), th = make_trace(p, heavy, g);
    for (int64_t c = 0; c < index.Tr(p); ++c) {
        const std::vector<Op> a = ops_of(ti, c), b = ops_of(th, c);
        REQUIRE(a.size() == b.size());
        for (size_t i = 0; i < a.size(); ++i) CHECK((a[i].row0 == b[i].row0 && a[i].col0 == b[i].col0 && a[i].bytes == b[i].bytes));
    }
    CHECK(simulate(p, index, g, SimOptions{}).timing.seconds == simulate(p, heavy, g, SimOptions{}).timing.seconds);
}

TEST_CASE("a block order is refused where the forward has no query-block CTAs, and unknown names are refused") {
    const GpuSpec g = load_gpu("h100");
    const AttentionProblem p = causal_problem(true);
    for (const Algorithm a : {Algorithm::fa1, Algorithm::vanilla, Algorithm::standard}) {
        Schedule s;
        s.algo = a;
        s.block_order = BlockOrder::heaviest_first;
        CHECK_THROWS_WITH_AS(resolve_schedule(s, p, g), doctest::Contains("block-order=heaviest-first with algo="), ConfigError);
    }
    CHECK(parse_block_order("heaviest-first") == BlockOrder::heaviest_first);
    CHECK(std::string(to_string(parse_block_order("index"))) == "index");
    CHECK_THROWS_WITH_AS(parse_block_order("longest"), doctest::Contains("allowed: index, heaviest-first"), ConfigError);
}
