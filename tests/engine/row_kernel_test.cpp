// row_kernel_test.cpp: the element-wise row kernels of standard attention and of vanilla's softmax
// backward as the timing engine runs them (kernels/unfused_rows.cu; sim/trace/kernel_issue.h):
// tiles in flight together, SRAM bank conflicts, ALU code at its own issue rate, and the round
// trips and instructions the loops' counts give, each against the model's own symbols.
#include <doctest/doctest.h>

#include <cmath>

#include "sim/trace/kernel_issue.h"
#include "tests/engine/hand_trace.h"

using namespace flashsim;
using namespace flashsim::test;

namespace {

GpuSpec teaching() { return load_gpu("teaching"); }

// Instructions per warp a loop of `c` issues over T trips, and the round trips it waits for.
double loop_insts(const RowLoopCode& c, int64_t T) {
    const int64_t rem = T % c.unroll, bodies = T / c.unroll;
    return c.around + (rem ? c.rem_setup + c.per_rem * double(rem) : 0.0) + (bodies ? c.body_setup + c.per_body * double(bodies) : 0.0);
}
double loop_round_trips(const RowLoopCode& c, int64_t T) { return double(T % c.unroll) + c.body_round_trips * double(T / c.unroll); }

}  // namespace

TEST_CASE("tiles in flight together take the round trips of their summed bytes") {
    const GpuSpec g = teaching();
    REQUIRE(g.l2_bytes == 0);
    HandTrace h = two_tile_loads();
    const Op q = h.kernel->ops[0], k = h.kernel->ops[1];
    const double bytes = double(q.bytes);
    // 4 warps, 2 bytes per request, 5 requests in flight: 1280 B per round trip.
    h.kernel->issue = KernelIssue{2, 5.0, 0.0, 1.0};
    const double in_flight = 4 * 32 * 2 * 5.0;
    const double apart = 2 * std::ceil(bytes / in_flight), together = std::ceil(2 * bytes / in_flight);
    REQUIRE(apart > together);  // the tile's bytes are not a multiple of a round trip's
    CHECK(time_trace(h.trace, g).timing.cycles == doctest::Approx(apart * g.hbm_latency_cycles));
    h.kernel->issue.tiles_in_flight_together = true;
    CHECK(time_trace(h.trace, g).timing.cycles == doctest::Approx(together * g.hbm_latency_cycles));
    // A small tile first (vanilla's dO row before its P row): its own arrival, a whole latency,
    // does not hold the big tile's trips back; the two share ceil(summed bytes / in flight).
    const Op small = load_rows(Tensor::O, 0, 1, h.trace.shapes);
    h.kernel->ops = {small, k};
    const double both = std::ceil((double(small.bytes) + bytes) / in_flight);
    REQUIRE(double(small.bytes) / (double(small.bytes) + bytes) * both < 1);  // its share: under a round trip
    CHECK(time_trace(h.trace, g).timing.cycles == doctest::Approx(both * g.hbm_latency_cycles));
}

TEST_CASE("a compute op's SRAM bytes take sram_conflict_factor wavefronts each") {
    GpuSpec g = teaching();
    apply_override(g, "sram_bytes_per_cycle_per_sm=128");
    Op v;
    v.kind = OpKind::vector;
    v.flops = 1;
    v.bytes = 1 << 20;
    HandTrace h = hand_trace(1, {v});
    const double one = time_trace(h.trace, g).timing.cycles;
    h.kernel->issue.sram_conflict_factor = 4;
    const double four = time_trace(h.trace, g).timing.cycles;
    CHECK(four - one == doctest::Approx(3.0 * double(v.bytes) / 128));
}

TEST_CASE("ALU code without SRAM operands issues at the ALU rates, GEMM code at the GEMM code's") {
    GpuSpec g = teaching();
    apply_override(g, "cuda_core_cycles_per_inst_one_warp=4");
    apply_override(g, "cuda_core_cycles_per_inst=3");
    apply_override(g, "alu_cycles_per_inst_one_warp=1.5");
    apply_override(g, "alu_cycles_per_inst=1.25");
    HandTrace h = hand_trace(1, {});
    const Op q = load_rows(Tensor::Q, 0, 64, h.trace.shapes);
    h.kernel->ops = {q};
    // One round trip (everything in flight), 10 instructions per request on the chain.
    h.kernel->issue = KernelIssue{2, 1e6, 10.0, 1.0};
    const double requests = double(q.bytes) / 2 / (4 * 32), insts = 10.0 * requests;  // per warp
    const double gemm = time_trace(h.trace, g).timing.cycles;
    CHECK(gemm == doctest::Approx(g.hbm_latency_cycles + insts * 4));
    h.kernel->issue.alu_issue = true;
    CHECK(time_trace(h.trace, g).timing.cycles == doctest::Approx(g.hbm_latency_cycles + insts * 1.5));
    // A GPU without the ALU figures takes the GEMM code's.
    apply_override(g, "alu_cycles_per_inst_one_warp=0");
    CHECK(time_trace(h.trace, g).timing.cycles == doctest::Approx(gemm));
}

TEST_CASE("an element-wise row kernel issues its loop's instructions and waits for its round trips") {
    const RowLoopCode c{19, 9, 20, 11, 55, 4, 1};
    for (int64_t T : {1, 2, 3, 4, 5, 9, 16}) {
        CAPTURE(T);
        const int64_t Nk = 1024 * T, es = 2;
        // One input row: 256 threads, 8-byte requests: T requests a thread.
        const KernelIssue k = row_loop_issue(Nk, es, Nk * es, c, 24);
        const double requests = double(Nk * es) / 8 / 256;
        CHECK(requests == doctest::Approx(double(T)));
        CHECK(k.load_bytes_per_request == 8);
        CHECK(k.insts_per_load_element * requests == doctest::Approx(loop_insts(c, T)));
        // The engine's round trips: the row's bytes over threads x request x requests in flight.
        CHECK(std::ceil(double(Nk * es) / (256.0 * 8 * k.loads_in_flight) - 1e-9) == doctest::Approx(loop_round_trips(c, T)));
        CHECK(k.alu_issue);
        CHECK(k.registers_per_thread == 24);
    }
    // N not a multiple of 4: one element per access, T = ceil(N / 256) trips.
    const KernelIssue k1 = row_loop_issue(1023, 2, 1023 * 2, c, 24);
    CHECK(k1.load_bytes_per_request == 2);
    CHECK(k1.insts_per_load_element * (1023.0 / 256) == doctest::Approx(loop_insts(c, 4)));
}

TEST_CASE("the softmax backward's row kernels: round trips of P and dP together, issue and bank conflicts") {
    for (int64_t T : {1, 2, 4, 5, 16}) {
        CAPTURE(T);
        const int64_t Nk = 1024 * T, es = 2;
        const double requests = 2.0 * double(T);  // P and dP, 8 bytes each
        // Standard attention's (rows in SRAM): single trips one round trip each, 2 per unrolled 4.
        const KernelIssue s = softmax_backward_rows_issue(Nk, es, 32);
        CHECK(s.tiles_in_flight_together);
        CHECK(requests / s.loads_in_flight == doctest::Approx(double(T % 4 + 2 * (T / 4))));
        CHECK(s.sram_conflict_factor == doctest::Approx(52.0 / 16));
        // Its warp-instructions: the load loop's on the round trips, the rest with the 4 N FLOPs.
        const double phase1 = 21.0 + (T % 4 ? 23 + 36.0 * double(T % 4) : 0) + (T / 4 ? 17 + 99.0 * double(T / 4) : 0);
        const double phase2 = kRowReduceInsts + 16 + (T % 4 ? 18 + 26.0 * double(T % 4) : 0) + (T / 4 ? 14 + 74.0 * double(T / 4) : 0);
        CHECK(s.insts_per_load_element * requests == doctest::Approx(phase1));
        CHECK(s.insts_per_vector_flop * 4.0 * double(Nk) / 32 == doctest::Approx(8 * phase2));
        // Vanilla's (streamed through registers): dO and O first, then one round trip per trip.
        const int64_t d = 64;
        const KernelIssue v = softmax_backward_do_o_issue(Nk, d, es, 32);
        const double bytes = 2.0 * double(d * es) + 2.0 * double(Nk * es);
        CHECK(std::ceil(bytes / (256.0 * 8 * v.loads_in_flight)) == doctest::Approx(1.0 + double(T)));
        CHECK(v.sram_conflict_factor == 1);
        CHECK(v.alu_issue);
    }
    // VEC = 1 (N odd): 4-byte strides, no bank conflicts.
    CHECK(softmax_backward_rows_issue(1023, 2, 32).sram_conflict_factor == 1);
}
