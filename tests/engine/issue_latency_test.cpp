// issue_latency_test.cpp: the timing mechanisms beyond peak rates, each against a hand computation
// in the model's own symbols: elementwise loads in round trips (Little's law per CTA), CUDA-core
// GEMMs at the issue rate of the resident warps, clocks under load, CTA launch cost, the L2's two
// partitions, and the closed queueing network of CTAs that alternate round trips and issue.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "sim/engine/kernel_sim.h"
#include "sim/engine/queueing.h"
#include "tests/engine/hand_trace.h"

using namespace flashsim;
using namespace flashsim::test;

namespace {

// The classroom GPU: no L2, one clock, no launch cost, unlimited SRAM bandwidth.
GpuSpec teaching() { return load_gpu("teaching"); }

// The classroom GPU issuing CUDA-core instructions at 2 cycles each per sub-partition, one warp
// or more.
GpuSpec teaching_at_two_cycles_per_inst() {
    GpuSpec g = teaching();
    apply_override(g, "cuda_core_cycles_per_inst_one_warp=2");
    apply_override(g, "cuda_core_cycles_per_inst=2");
    return g;
}

// A softmax over `elements` scores: 4 FLOPs and one exponential each.
Op softmax_op(uint64_t elements) {
    Op o;
    o.kind = OpKind::vector;
    o.flops = 4 * elements;
    o.exps = elements;
    return o;
}

Op cuda_core_matmul(uint64_t flops) {
    Op o = matmul(flops, 0);
    o.flags = kOpCudaCore;
    return o;
}

}  // namespace

TEST_CASE("elementwise loads arrive in round trips of threads x bytes per request x requests in flight, tile after tile") {
    const GpuSpec g = teaching();
    REQUIRE(g.l2_bytes == 0);
    HandTrace h = two_tile_loads();
    const Op q = h.kernel->ops[0], k = h.kernel->ops[1];
    const double bytes = double(q.bytes), bw = g.hbm_bytes_per_s / g.clock_hz;
    // Bulk loads: both tiles in flight at once, one latency, the bytes over the bandwidth.
    const RunResult bulk = time_trace(h.trace, g);
    CHECK(bulk.timing.cycles == doctest::Approx(g.hbm_latency_cycles + 2 * bytes / bw));
    // 4 warps, 2 bytes per request, 2 requests in flight: 128 threads x 2 B x 2 = 512 B per trip.
    h.kernel->issue = KernelIssue{2, 2.0, 0.0, 1.0};
    const double in_flight = 4 * 32 * 2 * 2.0, trips = std::ceil(bytes / in_flight);
    const RunResult chained = time_trace(h.trace, g);
    CHECK(trips == 16);
    CHECK(chained.timing.cycles == doctest::Approx(2 * trips * g.hbm_latency_cycles));
    // Twice the requests in flight: half the round trips.
    h.kernel->issue.loads_in_flight = 4;
    CHECK(time_trace(h.trace, g).timing.cycles == doctest::Approx(trips * g.hbm_latency_cycles));
}

TEST_CASE("a CUDA-core GEMM takes its warp-instructions at the issue rate of the sub-partitions' resident warps") {
    GpuSpec g = teaching();
    apply_override(g, "cuda_core_cycles_per_inst_one_warp=4");
    apply_override(g, "cuda_core_cycles_per_inst=3");
    apply_override(g, "max_ctas_per_sm=8");  // the classroom GPU runs one CTA per SM
    const double flops = 64.0 * 64 * 64 * 2 * 4, insts_per_fma = 1.6;
    const double vector_cycles = flops / (g.vector_flops_per_s / double(g.sm_count) / g.clock_hz);
    auto cycles_of = [&](int64_t ctas) {
        HandTrace h = hand_trace(ctas, {cuda_core_matmul(uint64_t(flops))});
        h.kernel->issue.insts_per_fma = insts_per_fma;
        return time_trace(h.trace, g).timing.cycles;
    };
    // warp-instructions per CTA: FMAs / 32 lanes x instructions per FMA, over 4 sub-partitions.
    const double insts = flops / 2 / 32 * insts_per_fma;
    REQUIRE(insts * 4 / 4 > vector_cycles);  // issue-bound, not FMA-rate-bound
    // One CTA of 4 warps per SM: one warp per sub-partition, latency-limited.
    // (A CUDA-core GEMM reads its operands from SRAM: one SRAM latency at the end.)
    CHECK(cycles_of(g.sm_count) == doctest::Approx(insts * 4 / 4 + g.sram_latency_cycles));
    // Two CTAs per SM: two warps per sub-partition; the SM runs both CTAs' instructions.
    CHECK(cycles_of(2 * g.sm_count) == doctest::Approx(2 * insts * 3 / 4 + g.sram_latency_cycles));
}

TEST_CASE("a kernel's cycles count at its clock under load, by what its GEMMs run on") {
    const GpuSpec g = load_gpu("h200");
    REQUIRE(g.clock_hz_under_mma_sync > 0);
    REQUIRE(g.clock_hz_under_fma > g.clock_hz_under_mma_sync);
    const double flops = 1e9;
    HandTrace h = hand_trace(g.sm_count, {matmul(uint64_t(flops), 0)});
    REQUIRE(h.trace.engine.mma == MmaIssue::warp_mma);  // FA2's mma.sync
    const RunResult r = time_trace(h.trace, g);
    // The peak is stated at clock_hz; per clock it is the same at any clock.
    const double per_sm_cycle = g.warp_mma_flops_per_s_fp16 / double(g.sm_count) / g.clock_hz;
    const double launch = g.cta_launch_ns * 1e-9 * g.clock_hz_under_mma_sync;
    CHECK(r.timing.cycles == doctest::Approx(launch + flops / per_sm_cycle));
    CHECK(r.timing.seconds == doctest::Approx(r.timing.cycles / g.clock_hz_under_mma_sync));
    REQUIRE(r.timing.kernels.size() == 1);
    CHECK(r.timing.kernels[0].clock_hz == g.clock_hz_under_mma_sync);
    char clock[64];
    std::snprintf(clock, sizeof clock, "clock %.2f GHz under load", g.clock_hz_under_mma_sync * 1e-9);
    CHECK(r.timing.bottleneck.find(clock) != std::string::npos);
    // No tensor-core GEMM: the CUDA-core clock.
    h.kernel->ops = {cuda_core_matmul(uint64_t(flops))};
    CHECK(time_trace(h.trace, g).timing.kernels[0].clock_hz == g.clock_hz_under_fma);
}

TEST_CASE("CTAs start one after another on their SM, cta_launch_ns each") {
    GpuSpec g = teaching();
    apply_override(g, "cta_launch_ns=100");  // 100 cycles at the teaching GPU's 1 GHz
    apply_override(g, "max_ctas_per_sm=8");
    REQUIRE(g.clock_hz == 1e9);
    const int per_sm = 4;
    HandTrace h = hand_trace(per_sm * g.sm_count, {matmul(1000, 0)});
    const RunResult r = time_trace(h.trace, g);
    const double op = 1000 / (g.tensor_flops_per_s_fp16 / double(g.sm_count) / g.clock_hz);
    REQUIRE(g.max_ctas_per_sm >= per_sm);
    // The SM's last CTA starts after per_sm launches, then runs its op (the SM's tensor pipe is
    // shared, so the ops of its CTAs queue if they overlap: they do not here, op < 100 cycles).
    REQUIRE(op < 100);
    CHECK(r.timing.cycles == doctest::Approx(per_sm * 100 + op));
    CHECK(r.timing.breakdown_seconds.count("cta_launch") == 1);
}

TEST_CASE("two L2 partitions: data used by all SMs sees half the L2, so a write stream keeps half of it dirty") {
    GpuSpec g = load_gpu("h200");
    REQUIRE(g.l2_partitions == 2);
    // 90 heads of O (4096 x 64 fp16 = 512 KiB each): 45 MiB, 3/4 of the L2, 1.5 x what data sees.
    const int64_t heads = 90;
    HandTrace h = hand_trace(heads, {});
    h.kernel->ops = {store_rows(Tensor::O, 0, 4096, h.trace.shapes)};
    const double written = double(heads) * 4096 * 64 * 2, data = double(g.l2_data_bytes());
    CHECK(data == double(g.l2_bytes) / 2);
    const RunResult two = time_trace(h.trace, g);
    const double dirty = double(two.l2_dirty_bytes_at_end), hbm = double(two.counts.total.hbm_write_bytes);
    CHECK(dirty + hbm == doctest::Approx(written));  // every byte is written back or still dirty
    CHECK(dirty <= data);
    CHECK(dirty >= 0.9 * data);  // LRU per hashed set: a few sets fill before others
    // One partition: the whole L2 holds the stream, nearly nothing is written back yet.
    apply_override(g, "l2_partitions=1");
    const RunResult one = time_trace(h.trace, g);
    CHECK(double(one.l2_dirty_bytes_at_end) >= 0.9 * written);
}

TEST_CASE("wgmma's clock holds the tensor clock up to the knee of its duty cycle, then falls linearly to the full-duty clock") {
    GpuSpec g = load_gpu("h200");
    REQUIRE(g.wgmma_clock_knee_duty > 0);
    const double cap = g.clock_hz_under_mma_sync, full = g.clock_hz_under_wgmma, knee = g.wgmma_clock_knee_duty;
    CHECK(g.wgmma_clock_hz(0) == cap);
    CHECK(g.wgmma_clock_hz(knee) == cap);
    CHECK(g.wgmma_clock_hz(1) == doctest::Approx(full));
    CHECK(g.wgmma_clock_hz((knee + 1) / 2) == doctest::Approx((cap + full) / 2));
    // A kernel of wgmma GEMMs alone keeps the tensor pipe busy: the full-duty clock.
    HandTrace h = hand_trace(g.sm_count, {matmul(uint64_t(1e10), 0)});
    h.trace.engine = algorithm_info(Algorithm::fa3).engine;
    h.trace.engine.consumer_warpgroups = 1;
    const RunResult busy = time_trace(h.trace, g);
    CHECK(busy.timing.kernels[0].clock_hz == doctest::Approx(full).epsilon(0.01));
    CHECK(busy.timing.seconds == doctest::Approx(busy.timing.cycles / busy.timing.kernels[0].clock_hz));
    // Without a knee, the full-duty clock at any duty.
    apply_override(g, "wgmma_clock_knee_duty=0");
    CHECK(g.wgmma_clock_hz(0.1) == full);
}

TEST_CASE("softmax work takes its warp-instructions at the issue rate when they outlast the FP32 and exp pipes") {
    GpuSpec g = teaching_at_two_cycles_per_inst();
    const Op softmax = softmax_op(128 * 128);
    HandTrace h = hand_trace(g.sm_count, {softmax});
    const double exp_cycles = double(softmax.exps) / (g.exp_per_s / double(g.sm_count) / g.clock_hz);
    const double flop_cycles = double(softmax.flops) / (g.vector_flops_per_s / double(g.sm_count) / g.clock_hz);
    const double base = std::max(exp_cycles, flop_cycles);
    CHECK(time_trace(h.trace, g).timing.cycles == doctest::Approx(base));  // no instruction counts: the pipes
    h.kernel->issue.insts_per_vector_flop = 1;
    h.kernel->issue.insts_per_exp = 0.5;
    h.kernel->issue.insts_per_softmax_step = 350;
    // warp-instructions: (flops x 1 + exps x 0.5) / 32 lanes + 4 warps x 350, over 4 sub-partitions
    const double insts = (double(softmax.flops) + 0.5 * double(softmax.exps)) / 32 + 4 * 350;
    REQUIRE(insts * 2 / 4 > base);
    CHECK(time_trace(h.trace, g).timing.cycles == doctest::Approx(insts * 2 / 4));
}

TEST_CASE("a warp's dependent chain bounds its CTA's softmax: exps / (warps x 32) x the chain of one exponential") {
    GpuSpec g = teaching_at_two_cycles_per_inst();
    const Op softmax = softmax_op(128 * 128);
    HandTrace h = hand_trace(g.sm_count, {softmax});
    h.kernel->issue.insts_per_exp = 8;
    // warp-instructions: 8 per exponential over 32 lanes, at 2 cycles on each of 4 sub-partitions
    const double issue = double(softmax.exps) * 8 / 32 * 2 / 4;
    REQUIRE(issue > double(softmax.exps) / (g.exp_per_s / double(g.sm_count) / g.clock_hz));
    REQUIRE(issue > double(softmax.flops) / (g.vector_flops_per_s / double(g.sm_count) / g.clock_hz));
    CHECK(time_trace(h.trace, g).timing.cycles == doctest::Approx(issue));
    // Each trip of a thread: an LDS, a MUFU and 6 ALU latencies on its critical path and 4 single
    // issue slots (the row softmax's exp-and-sum loop, kernel_issue.h).
    h.kernel->issue.chain_per_exp = DependentChain{1, 1, 6, 4};
    CHECK(time_trace(h.trace, g).timing.cycles == doctest::Approx(issue));  // the GPU has no latencies: not modelled
    apply_override(g, "alu_dependent_cycles=4");
    apply_override(g, "mufu_dependent_cycles=17");
    apply_override(g, "sram_dependent_cycles=39");
    const double chain = 39 + 17 + 6 * 4 + 4;
    const double per_warp = double(softmax.exps) / (double(h.kernel->warps) * 32) * chain;
    REQUIRE(per_warp > issue);
    CHECK(time_trace(h.trace, g).timing.cycles == doctest::Approx(per_warp));
    // A chain shorter than the issue time changes nothing.
    h.kernel->issue.chain_per_exp = DependentChain{0, 0, 1, 0};
    REQUIRE(double(softmax.exps) / (double(h.kernel->warps) * 32) * 4 < issue);
    CHECK(time_trace(h.trace, g).timing.cycles == doctest::Approx(issue));
}

TEST_CASE("a CUDA-core GEMM takes at least its warps' dependent chains: FMAs per thread x the chain of one") {
    GpuSpec g = teaching_at_two_cycles_per_inst();
    apply_override(g, "sram_latency_cycles=0");
    const double gemm_flops = 64.0 * 64 * 64 * 2;
    HandTrace h = hand_trace(g.sm_count, {cuda_core_matmul(uint64_t(gemm_flops))});
    h.kernel->issue.insts_per_fma = 3;
    const double issue = gemm_flops / 2 / 32 * 3 * 2 / 4;  // warp-instructions at 2 cycles on 4 sub-partitions
    REQUIRE(issue > gemm_flops / (g.vector_flops_per_s / double(g.sm_count) / g.clock_hz));
    CHECK(time_trace(h.trace, g).timing.cycles == doctest::Approx(issue));
    // Per trip of 64 FMAs of a thread: 8 LDS and 25 ALU latencies and 23 slots (v3's Sij loop).
    h.kernel->issue.chain_per_fma = DependentChain{8, 0, 25, 23}.per(64);
    apply_override(g, "alu_dependent_cycles=4");
    apply_override(g, "mufu_dependent_cycles=17");
    apply_override(g, "sram_dependent_cycles=39");
    const double per_thread = gemm_flops / 2 / (double(h.kernel->warps) * 32);
    const double chain = per_thread / 64 * (8 * 39 + 25 * 4 + 23);
    REQUIRE(chain > issue);
    CHECK(time_trace(h.trace, g).timing.cycles == doctest::Approx(chain));
}

TEST_CASE("the iteration's fixed softmax instructions are issued once, with its first op with exponentials") {
    GpuSpec g = teaching_at_two_cycles_per_inst();
    const Op softmax = softmax_op(128 * 128);
    auto cycles_of = [&](std::vector<Op> ops) {
        HandTrace h = hand_trace(g.sm_count, {});
        const Op k = load_rows(Tensor::K, 0, 64, h.trace.shapes);
        std::vector<Op> v;
        for (size_t i = 0; i < ops.size(); ++i) {
            if (i == 0 || ops[i].kind == OpKind::load) v.push_back(k);
            if (ops[i].kind != OpKind::load) v.push_back(ops[i]);
        }
        h.kernel->ops = v;
        h.kernel->issue.insts_per_vector_flop = 1;
        h.kernel->issue.insts_per_exp = 0.5;
        h.kernel->issue.insts_per_softmax_step = 350;
        return time_trace(h.trace, g).timing.cycles;
    };
    Op next;  // marks the start of the next iteration (a load of Kj)
    next.kind = OpKind::load;
    const double per_op = (double(softmax.flops) + 0.5 * double(softmax.exps)) / 32;
    // A second op with exponentials in a step that is not the CTA's last adds its own instructions
    // only: 4 sub-partitions at 2 cycles per warp-instruction.
    const double one = cycles_of({softmax, next, softmax, softmax});
    const double two = cycles_of({softmax, softmax, next, softmax, softmax});
    CHECK(two - one == doctest::Approx(per_op * 2 / 4));
    // In the last step it carries the step's 4 warps x 350 again (the epilogue's code).
    const double last = cycles_of({softmax, next, softmax});
    CHECK(one - last == doctest::Approx((per_op + 4 * 350) * 2 / 4));
}

TEST_CASE("a kernel's compiled registers limit its CTAs per SM: warps x 32 threads x registers rounded up to 8") {
    const GpuSpec g = load_gpu("h200");
    REQUIRE(g.register_bytes_per_sm == 65536 * 4);
    HandTrace h = hand_trace(1, {});
    h.kernel->warps = 8;
    CHECK(occupancy(*h.kernel, g).ctas_per_sm == g.max_warps_per_sm / 8);  // registers unknown: warps limit
    // 102 registers: 104 x 32 x 8 x 4 B = 104 KiB per CTA, 2 in 256 KiB
    h.kernel->issue.registers_per_thread = 102;
    const Occupancy o = occupancy(*h.kernel, g);
    CHECK(o.ctas_per_sm == g.register_bytes_per_sm / (104 * 32 * 8 * 4));
    CHECK(o.ctas_per_sm == 2);
    CHECK(std::string(o.limited_by) == "registers");
}

TEST_CASE("the row softmax's CTAs hold their row of S in SRAM as fp32: (Nk + 32) x 4 bytes set its occupancy") {
    const GpuSpec g = load_gpu("h200");
    for (const int64_t N : {int64_t(4096), int64_t(16384)}) {
        AttentionProblem p;
        p.N = N;
        p.d = 64;
        Schedule s;
        s.algo = Algorithm::vanilla;
        const Trace t = make_trace(p, resolve_schedule(s, p, g), g);
        const KernelTrace* softmax = nullptr;
        for (const auto& k : t.kernels)
            if (k->name == "vanilla_softmax") softmax = k.get();
        REQUIRE(softmax != nullptr);
        CHECK(softmax->footprint.sram_bytes == (N + 32) * 4);
        const int64_t by_sram = g.sram_bytes_per_sm / ((N + 32) * 4), by_warps = g.max_warps_per_sm / softmax->warps;
        CHECK(occupancy(*softmax, g).ctas_per_sm == std::min(by_sram, by_warps));
    }
}

TEST_CASE("a kernel that issues everything on CUDA cores runs its softmax on the same issue slots as its GEMMs") {
    GpuSpec g = teaching_at_two_cycles_per_inst();
    apply_override(g, "max_ctas_per_sm=2");
    apply_override(g, "sram_latency_cycles=0");
    const Op softmax = softmax_op(64 * 64);
    const double gemm_flops = 64.0 * 64 * 64 * 2;
    HandTrace h = hand_trace(2 * g.sm_count, {cuda_core_matmul(uint64_t(gemm_flops)), softmax});
    h.kernel->issue.insts_per_fma = 4;
    h.kernel->issue.insts_per_exp = 8;
    const double G = gemm_flops / 2 / 32 * 4 * 2 / 4, S = double(softmax.exps) / 32 * 8 * 2 / 4;
    REQUIRE(G > gemm_flops / (g.vector_flops_per_s / double(g.sm_count) / g.clock_hz));
    // Tensor-core style (loads in bulk): one CTA's softmax overlaps the other's GEMM.
    CHECK(time_trace(h.trace, g).timing.cycles == doctest::Approx(2 * G + S));
    // Elementwise loads mark a CUDA-core kernel: both CTAs' GEMMs and softmaxes share the slots.
    h.kernel->issue.load_bytes_per_request = 2;
    CHECK(time_trace(h.trace, g).timing.cycles == doctest::Approx(2 * G + 2 * S));
}

TEST_CASE("loads straight into registers (FA1's running state) take their own requests in flight") {
    const GpuSpec g = teaching();
    HandTrace h = hand_trace(1, {});
    const Op q = load_rows(Tensor::Q, 0, 64, h.trace.shapes);
    Op o = load_rows(Tensor::O, 0, 64, h.trace.shapes);
    o.flags = kOpRegisterLoad;
    h.kernel->ops = {q, o};
    // 4 warps, 2-byte requests: the Q tile one request in flight per thread, Oi 4
    h.kernel->issue = KernelIssue{2, 1.0, 0.0, 1.0};
    const double per_trip = 4 * 32 * 2, q_trips = std::ceil(double(q.bytes) / per_trip);
    CHECK(time_trace(h.trace, g).timing.cycles == doctest::Approx(2 * q_trips * g.hbm_latency_cycles));
    h.kernel->issue.register_loads_in_flight = 4;
    const double o_trips = std::ceil(double(o.bytes) / (per_trip * 4));
    CHECK(o_trips == q_trips / 4);
    CHECK(time_trace(h.trace, g).timing.cycles == doctest::Approx((q_trips + o_trips) * g.hbm_latency_cycles));
}

TEST_CASE("a CUDA-core GEMM that loads SRAM in bursts takes 1 + share / warps per sub-partition times its longer pipe") {
    GpuSpec g = teaching_at_two_cycles_per_inst();
    apply_override(g, "sram_bytes_per_cycle_per_sm=128");
    const double flops = 64.0 * 64 * 64 * 2, insts_per_fma = 4;
    const double issue = flops / 2 / 32 * insts_per_fma * 2 / 4;  // one CTA of 4 warps: 1 per sub-partition
    auto cycles_of = [&](double sram_bytes, double share) {
        GpuSpec gg = g;
        apply_override(gg, "sram_burst_latency_share=" + std::to_string(share));
        Op m = cuda_core_matmul(uint64_t(flops));
        m.bytes = uint64_t(sram_bytes);
        HandTrace h = hand_trace(g.sm_count, {m});
        h.kernel->issue.insts_per_fma = insts_per_fma;
        return time_trace(h.trace, gg).timing.cycles - g.sram_latency_cycles;
    };
    const double sram_heavy = 1.5 * issue * 128, sram_light = 0.25 * issue * 128;  // bytes
    REQUIRE(issue > flops / (g.vector_flops_per_s / double(g.sm_count) / g.clock_hz));
    CHECK(cycles_of(sram_heavy, 0) == doctest::Approx(1.5 * issue));
    // one warp per sub-partition: 1 + 0.4 / 1
    CHECK(cycles_of(sram_heavy, 0.4) == doctest::Approx(1.5 * issue * 1.4));
    // SRAM under half the issue time: no bursts to wait on, the issue time alone
    CHECK(cycles_of(sram_light, 0.4) == doctest::Approx(issue));
}

TEST_CASE("mean value analysis of a closed network: n customers, delay Z, one queue of demand D") {
    // One customer: nothing overlaps. No delay: all n queue, n D. Large n: throughput 1 / D.
    CHECK(mva_cycle_cycles(300, 100, 1) == doctest::Approx(400));
    CHECK(mva_cycle_cycles(0, 100, 7) == doctest::Approx(700));
    CHECK(1000 / mva_cycle_cycles(300, 100, 1000) == doctest::Approx(1.0 / 100).epsilon(1e-3));
    // Two customers by hand: R(1) = D, Q(1) = D / (Z + D); R(2) = D (1 + Q(1)).
    const double Z = 300, D = 100, q1 = D / (Z + D);
    CHECK(mva_cycle_cycles(Z, D, 2) == doctest::Approx(Z + D * (1 + q1)));
    // Between the limits it is above max(n D, Z + D), most where they meet (Z = (n - 1) D).
    CHECK(mva_cycle_cycles(3 * D, D, 4) > 1.2 * 4 * D);
}

TEST_CASE("CTAs that alternate elementwise round trips and issue take their closed network's cycle, round after round") {
    GpuSpec g = teaching_at_two_cycles_per_inst();
    const int64_t n = 4, rounds = 50;
    apply_override(g, "max_ctas_per_sm=" + std::to_string(n));
    apply_override(g, "sram_latency_cycles=0");
    apply_override(g, "hbm_bytes_per_s=1e16");  // latency alone: the bytes take next to no time
    // One round trip of 4 warps x 32 threads x 2 bytes, then a softmax whose issue on one
    // sub-partition, D, is a third of the trip's latency Z: where max(n D, Z + D) underestimates most.
    HandTrace h = hand_trace(rounds * n * g.sm_count, {});
    const Op x = load_rows(Tensor::Q, 0, 2, h.trace.shapes);  // 2 rows of d = 64 fp16: 256 bytes
    const double Z = g.hbm_latency_cycles, cpi = 2, per_exp = 8;
    const double D = Z / 3, exps = D * 4 / cpi / per_exp * 32;
    const Op s = softmax_op(uint64_t(exps));
    h.kernel->ops = {x, s};
    h.kernel->issue = KernelIssue{2, 1.0, 0.0, 1.0};
    h.kernel->issue.insts_per_exp = per_exp;
    REQUIRE(double(x.bytes) == 4 * 32 * 2);
    const double issued = double(s.exps) / 32 * per_exp * cpi / 4;  // D as the op's whole exponentials give it
    REQUIRE(issued == doctest::Approx(D).epsilon(0.01));
    const double cycles = time_trace(h.trace, g).timing.cycles;
    CHECK(cycles == doctest::Approx(double(rounds) * mva_cycle_cycles(Z, issued, n)).epsilon(1e-6));
    CHECK(cycles > double(rounds) * 1.2 * std::max(double(n) * issued, Z + issued));
}

TEST_CASE("a CTA's own warps issue no faster than alone, however many CTAs share the SM (CUDA-core kernels)") {
    GpuSpec g = teaching();
    apply_override(g, "cuda_core_cycles_per_inst_one_warp=3");  // one warp per sub-partition
    apply_override(g, "cuda_core_cycles_per_inst=1");           // two or more: the sub-partition's rate
    apply_override(g, "max_ctas_per_sm=2");
    apply_override(g, "sram_latency_cycles=0");
    const double gemm_flops = 64.0 * 64 * 64 * 2;
    // Two CTAs of 4 warps per SM: 2 warps per sub-partition together, 1 of each CTA.
    HandTrace h = hand_trace(2 * g.sm_count, {cuda_core_matmul(uint64_t(gemm_flops))});
    h.kernel->issue.insts_per_fma = 8;
    const double insts = gemm_flops / 2 / 32 * 8;  // the CTA's warp-instructions
    REQUIRE(insts / 4 * 1 > gemm_flops / (g.vector_flops_per_s / double(g.sm_count) / g.clock_hz));
    // Tensor-core style (bulk loads): the CTAs share the sub-partitions at their joint rate.
    CHECK(time_trace(h.trace, g).timing.cycles == doctest::Approx(2 * insts / 4 * 1));
    // Everything on CUDA cores (elementwise loads): each CTA takes at least its own warps' time, 3
    // cycles per instruction, though the two together would fit in 2 x 1. Of those 3 x insts / 4
    // cycles only D = insts / 4 hold the sub-partitions' issue slots; the rest is the latency of
    // one warp per sub-partition, a delay no other CTA lengthens. With two CTAs on the SM they form
    // the closed network of queueing.h: Z = (3 - 1) insts / 4, D = insts / 4, n = 2.
    h.kernel->issue.load_bytes_per_request = 2;
    const double own = insts / 4 * 3, D = insts / 4 * 1;
    CHECK(time_trace(h.trace, g).timing.cycles == doctest::Approx(mva_cycle_cycles(own - D, D, 2)));
    CHECK(mva_cycle_cycles(own - D, D, 2) > own * 1.1);  // 10/3 against 3: the queue, not just the floor
    // Alone on the SM (one CTA per SM), the CTA takes its own warps' time.
    HandTrace alone = hand_trace(g.sm_count, {cuda_core_matmul(uint64_t(gemm_flops))});
    alone.kernel->issue = h.kernel->issue;
    CHECK(time_trace(alone.trace, g).timing.cycles == doctest::Approx(own));
}

TEST_CASE("a tensor-core kernel's counted softmax instructions are a resource: softmax issue-bound when they need more time than its matmuls") {
    const GpuSpec g = teaching_at_two_cycles_per_inst();
    // One CTA an SM: a GEMM, then a softmax whose exponentials cost `per_exp` warp-instructions
    // each (KernelIssue: the kernel's other instructions, MMA among them, are not counted).
    const Op s = softmax_op(1 << 14);
    auto run = [&](double per_exp) {
        HandTrace h = hand_trace(g.sm_count, {});
        h.kernel->ops = {matmul(1 << 22, 0), s};
        h.kernel->issue = KernelIssue{};
        h.kernel->issue.insts_per_exp = per_exp;
        return time_trace(h.trace, g);
    };
    const double tensor_s = double(1 << 22) * double(g.sm_count) / g.tensor_flops_per_s(Dtype::fp16);
    for (double per_exp : {1.0, 128.0}) {
        CAPTURE(per_exp);
        const RunResult r = run(per_exp);
        REQUIRE(r.timing.kernels.size() == 1);
        CHECK(r.timing.kernels[0].warp_instructions == 0);  // not every instruction: no "issue" resource
        CHECK(r.timing.resource_seconds.count("issue") == 0);
        const double insts = double(s.exps) / 32 * per_exp * double(g.sm_count);
        const double issue_s = insts / (double(g.sm_subpartitions * g.sm_count) * g.clock_hz);
        CHECK(r.timing.resource_seconds.at("softmax_issue") == doctest::Approx(issue_s));
        CHECK(r.timing.resource_seconds.at("tensor") == doctest::Approx(tensor_s));
        const bool issue_bound = issue_s > tensor_s;
        CHECK(issue_bound == (per_exp == 128.0));  // the two cases fall on either side
        CHECK((r.timing.bottleneck.rfind("softmax instruction issue", 0) == 0) == issue_bound);
    }
}

TEST_CASE("the bottleneck line names latency-bound loads by their bytes in flight, and CUDA-core issue as a resource") {
    GpuSpec g = teaching_at_two_cycles_per_inst();
    apply_override(g, "max_ctas_per_sm=3");
    apply_override(g, "sram_latency_cycles=0");
    apply_override(g, "hbm_bytes_per_s=1e16");  // latency alone
    // Two CTAs per SM of 4 warps; each thread requests 2 bytes, 1.5 requests in flight: 3 round
    // trips of a long tile, then a short softmax. The loads' latency is the largest loss.
    const int64_t ctas_per_sm = 2;
    HandTrace h = hand_trace(ctas_per_sm * g.sm_count, {});
    const Op x = load_rows(Tensor::Q, 0, 6, h.trace.shapes);  // 6 rows of d = 64 fp16: 768 bytes
    const Op s = softmax_op(64);
    h.kernel->ops = {x, s};
    h.kernel->issue = KernelIssue{2, 1.5, 0.0, 1.0};
    h.kernel->issue.insts_per_exp = 8;
    const RunResult r = time_trace(h.trace, g);
    const double in_flight = double(ctas_per_sm) * 4 * 32 * 2 * 1.5;  // 768 bytes per SM
    CHECK(r.timing.bottleneck.find("latency-bound loads, 768 B in flight per SM from 2 resident CTA(s)") != std::string::npos);
    CHECK(in_flight == 768);
    // Issue: the kernel's counted warp-instructions at one per cycle per sub-partition.
    REQUIRE(r.timing.kernels.size() == 1);
    const double insts = r.timing.kernels[0].warp_instructions;
    CHECK(insts == doctest::Approx(double(s.exps) / 32 * 8 * double(ctas_per_sm * g.sm_count)));
    CHECK(r.timing.resource_seconds.at("issue") ==
          doctest::Approx(insts / (double(g.sm_subpartitions * g.sm_count) * g.clock_hz)));
    // A kernel with bulk loads (tensor-core style) has neither: its instructions are not all counted.
    h.kernel->issue = KernelIssue{};
    const RunResult bulk = time_trace(h.trace, g);
    CHECK(bulk.timing.resource_seconds.count("issue") == 0);
    CHECK(bulk.timing.bottleneck.find("in flight per SM") == std::string::npos);
}

TEST_CASE("streams of one load in flight per thread reach kernels/micro/mem_latency_bw's bandwidths on the h200 preset") {
    // The micro's stream rows (U = 1) above 10% of the datasheet bandwidth: every SM's CTAs keep
    // warps x 32 threads x B bytes in flight, one load per thread, over a buffer far larger than
    // the L2. The engine runs the same stream (one CTA per SM up to 32 warps, two of 32 warps for
    // 64; first-touch misses through the L2 model) and its bandwidth is compared with the measured
    // one, with the HBM latency under load (hbm_queue_ns from loaded_chase, hbm_sm_queue_ns
    // fitted to these rows' latencies beyond it) and without it.
    const GpuSpec g = load_gpu("h200");
    REQUIRE(g.hbm_queue_ns > 0);
    REQUIRE(g.hbm_sm_queue_ns > 0);
    GpuSpec idle = g;
    idle.hbm_queue_ns = 0;
    idle.hbm_sm_queue_ns = 0;
    std::ifstream in(std::string(FLASHSIM_SOURCE_DIR) + "/kernels/measurements/micro-nvidia-h200-2026-12-01-mem_latency_bw.txt");
    REQUIRE(in);
    const std::regex row(R"(stream (\d+)B\s+U=1 warps/SM\s*(\d+) \((\d+) CTA/SM x\s*(\d+) thr\):\s*([\d.]+) GB/s)");
    std::vector<double> errors, idle_errors;
    for (std::string line; std::getline(in, line);) {
        std::smatch m;
        if (!std::regex_search(line, m, row)) continue;
        const int64_t bytes = std::stoll(m[1]), ctas_per_sm = std::stoll(m[3]), threads = std::stoll(m[4]);
        const double measured = std::stod(m[5]) * 1e9;
        if (measured < 0.1 * g.hbm_bytes_per_s) continue;  // the idle rows: the chase's latency alone
        // Each CTA streams 16 tiles of 128 rows (16 KiB, one step each, as a row kernel loads its
        // rows; one round trip or more) of its own head's Q: 256 KiB.
        const int64_t ctas = g.sm_count * ctas_per_sm;
        HandTrace h = hand_trace(ctas, {});
        for (uint32_t r = 0; r < 16 * 128; r += 128) {
            h.kernel->ops.push_back(load_rows(Tensor::Q, r, 128, h.trace.shapes));
            h.kernel->ops.push_back(cuda_core_matmul(0));  // ends the step
        }
        h.kernel->warps = threads / 32;
        h.kernel->issue.load_bytes_per_request = bytes;
        h.kernel->issue.loads_in_flight = 1;
        auto bandwidth = [&](const GpuSpec& gpu) {
            const RunResult r = time_trace(h.trace, gpu);
            CHECK(r.counts.total.hbm_read_bytes == uint64_t(ctas) * 16 * 128 * 64 * 2);
            return double(r.counts.total.hbm_read_bytes) / r.timing.seconds;
        };
        const double simulated = bandwidth(g), without = bandwidth(idle);
        errors.push_back(std::fabs(simulated / measured - 1));
        idle_errors.push_back(std::fabs(without / measured - 1));
        INFO(line);
        CHECK(errors.back() < 0.20);
        MESSAGE(line.substr(0, line.find(':')) << ": measured " << measured / 1e9 << " GB/s, simulated " << simulated / 1e9
                                               << " (" << 100 * (simulated / measured - 1) << "%), without the queue "
                                               << without / 1e9 << " (" << 100 * (without / measured - 1) << "%)");
    }
    REQUIRE(errors.size() >= 14);
    auto median = [](std::vector<double> v) {
        std::sort(v.begin(), v.end());
        return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
    };
    MESSAGE("median |error| " << 100 * median(errors) << "% (without the queue " << 100 * median(idle_errors) << "%)");
    CHECK(median(errors) < 0.05);
    CHECK(median(errors) < median(idle_errors));
}
