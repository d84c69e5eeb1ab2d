// timing_test.cpp: the timing layer against hand computations in the model's own symbols.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "sim/core/errors.h"
#include "sim/engine/kernel_sim.h"
#include "sim/engine/simulate.h"
#include "sim/result/run_result.h"
#include "tests/engine/hand_trace.h"

using namespace flashsim;
using namespace flashsim::test;

namespace {
GpuSpec preset(const char* name) { return load_gpu(name); }
// A kernel with no tensor-core GEMM counts its cycles at the clock under CUDA-core load, and its
// first CTA starts after one CTA launch.
double cuda_core_clock(const GpuSpec& g) { return g.clock_hz_under_fma > 0 ? g.clock_hz_under_fma : g.clock_hz; }
double cta_launch_cycles(const GpuSpec& g) { return g.cta_launch_ns * 1e-9 * cuda_core_clock(g); }
double tensor_per_sm_cycle(const GpuSpec& g, Dtype t) { return g.tensor_flops_per_s(t) / double(g.sm_count) / g.clock_hz; }
}  // namespace

TEST_CASE("a single load without an L2 costs hbm latency plus bytes over the HBM bandwidth") {
    const GpuSpec g = preset("teaching");
    HandTrace h = hand_trace(1, {});
    h.kernel->ops = {load_rows(Tensor::Q, 0, 64, h.trace.shapes)};
    const RunResult r = time_trace(h.trace, g);
    const double bytes = 64 * 64 * 2;
    CHECK(r.timing.cycles == doctest::Approx(g.hbm_latency_cycles + bytes / (g.hbm_bytes_per_s / g.clock_hz)));
}

// Without the HBM latency under load (its own test below): a load alone then costs the idle latency.
static GpuSpec without_hbm_queues(const char* name) {
    GpuSpec g = preset(name);
    g.hbm_queue_ns = 0;
    g.hbm_sm_queue_ns = 0;
    return g;
}

TEST_CASE("a single load through a cold L2 costs hbm latency plus bytes over the SM's share of L2 bandwidth") {
    const GpuSpec g = without_hbm_queues("h100");
    HandTrace h = hand_trace(1, {});
    h.kernel->ops = {load_rows(Tensor::Q, 0, 64, h.trace.shapes)};
    const RunResult r = time_trace(h.trace, g);
    const double bytes = 64 * 64 * 2, clock = cuda_core_clock(g);
    // One SM alone: its port (an even share of L2 bandwidth) is the narrowest of port, L2 and HBM.
    const double port = g.l2_bytes_per_s / clock / double(g.sm_count);
    CHECK(port < g.hbm_bytes_per_s / clock);
    CHECK(r.timing.cycles == doctest::Approx(cta_launch_cycles(g) + g.hbm_latency_cycles + bytes / port));
    CHECK(r.timing.seconds == doctest::Approx(r.timing.cycles / clock));
    CHECK(r.counts.total.hbm_read_bytes == uint64_t(bytes));
}

TEST_CASE("a second load of the same tile hits in L2 and costs l2 latency") {
    const GpuSpec g = without_hbm_queues("h100");
    HandTrace h = hand_trace(1, {});
    const Op q = load_rows(Tensor::Q, 0, 64, h.trace.shapes);
    const Op mm = matmul(0, 0);  // separates the two loads into two iterations
    h.kernel->ops = {q, mm, q};
    const RunResult r = time_trace(h.trace, g);
    // The (empty) GEMM between the loads is a tensor-core one: the clock under mma.sync load.
    const double clock = kernel_clock_hz(*h.kernel, h.trace.engine, g);
    CHECK(clock == g.clock_hz_under_mma_sync);
    const double bytes = 64 * 64 * 2, port = g.l2_bytes_per_s / clock / double(g.sm_count);
    CHECK(r.timing.cycles == doctest::Approx(g.cta_launch_ns * 1e-9 * clock + g.hbm_latency_cycles + bytes / port +
                                             g.l2_latency_cycles + bytes / port));
    CHECK(r.counts.total.hbm_read_bytes == uint64_t(bytes));
    CHECK(r.counts.total.global_read_bytes == uint64_t(2 * bytes));
}

TEST_CASE("the teaching preset reproduces the classroom model on a hand-computed case") {
    // load Qi and Kj (64 x 64 fp16 each, issued together), Sij = Qi Kj^T, store Sij.
    // Classroom model: DRAM transfer = latency + bytes / rate; SRAM access = 1 cycle.
    const GpuSpec g = preset("teaching");
    HandTrace h = hand_trace(1, {});
    const auto& s = h.trace.shapes;
    const double tile = 64 * 64 * 2, flops = 2.0 * 64 * 64 * 64;
    Op S = store_rows(Tensor::O, 0, 64, s);
    h.kernel->ops = {load_rows(Tensor::Q, 0, 64, s), load_rows(Tensor::K, 0, 64, s), matmul(uint64_t(flops), uint64_t(2 * tile)), S};
    const RunResult r = time_trace(h.trace, g);
    const double rate = g.hbm_bytes_per_s / g.clock_hz;  // 32 bytes per cycle
    const double expected = (g.hbm_latency_cycles + 2 * tile / rate)                       // Qi, Kj from DRAM
                            + (g.sram_latency_cycles + flops / tensor_per_sm_cycle(g, Dtype::fp16))  // GEMM from SRAM
                            + (g.hbm_latency_cycles + tile / rate);                         // Sij to DRAM
    CHECK(r.timing.cycles == doctest::Approx(expected));
    // By hand: (100 + 16384/32) + (1 + 524288/512) + (100 + 8192/32) = 612 + 1025 + 356.
    CHECK(r.timing.cycles == doctest::Approx(1993));
    CHECK(r.paper_mode);
}

TEST_CASE("FA2 on the teaching preset: one query block and one key block, by hand, with and without prefetch") {
    const GpuSpec g = preset("teaching");
    AttentionProblem p;
    p.N = 64;
    p.d = 64;
    p.H = 1;
    const int64_t R = 64, C = 64, d = 64, es = 2;
    const double rate = g.hbm_bytes_per_s / g.clock_hz, L = g.hbm_latency_cycles, sram = g.sram_latency_cycles;
    const double mm = tensor_per_sm_cycle(g, Dtype::fp16), vec = g.vector_flops_per_s / double(g.sm_count) / g.clock_hz,
                 ex = g.exp_per_s / double(g.sm_count) / g.clock_hz;
    auto vtime = [&](double flops, double exps) { return std::max(flops / vec, exps / ex); };
    const double tile = double(R * d * es);
    const double compute = (sram + 2.0 * R * C * d / mm) + vtime(4 * R * C + 4 * R, R * C + R) + (sram + 2.0 * R * d * C / mm) +
                           vtime(R * d, 0) + vtime(R * d, 0) + vtime(R, R);
    const double store = L + (tile + R * 4) / rate;  // Oi and LSEi, issued together
    SimOptions o;
    o.paper_mode = true;
    for (int64_t stages : {1, 2}) {
        Schedule s;
        s.algo = Algorithm::fa2;
        s.stages = stages;
        const RunResult r = simulate(p, s, g, o);
        // stages = 1: Qi, then Kj and Vj after; stages = 2: all three issued at the start.
        const double loads = stages == 1 ? (L + tile / rate) + (L + 2 * tile / rate) : L + 3 * tile / rate;
        CAPTURE(stages);
        CHECK(r.timing.cycles == doctest::Approx(loads + compute + store));
    }
}

TEST_CASE("one CTA more than the GPU's slots takes two waves") {
    const GpuSpec g = preset("teaching");  // 8 SMs, 1 CTA per SM
    auto cycles = [&](int64_t ctas) {
        HandTrace h = hand_trace(ctas, {matmul(1 << 20, 0)});
        return time_trace(h.trace, g).timing.cycles;
    };
    const double one_wave = cycles(g.sm_count);
    CHECK(one_wave == doctest::Approx(double(1 << 20) / tensor_per_sm_cycle(g, Dtype::fp16)));
    CHECK(cycles(g.sm_count + 1) == doctest::Approx(2 * one_wave));
    CHECK(cycles(2 * g.sm_count) == doctest::Approx(2 * one_wave));
    HandTrace h = hand_trace(g.sm_count + 1, {matmul(1 << 20, 0)});
    const RunResult r = time_trace(h.trace, g);
    CHECK(r.timing.waves == doctest::Approx(double(g.sm_count + 1) / double(g.sm_count)));
    CHECK(r.timing.breakdown_seconds.at("wave_quantization") > 0.4 * r.timing.seconds);
}

TEST_CASE("with fewer CTAs than SMs the SMs no CTA reaches idle the whole kernel: wave quantization, named in the bottleneck line") {
    const GpuSpec g = preset("teaching");  // 8 SMs, 1 CTA per SM
    const int64_t ctas = 2;
    HandTrace h = hand_trace(ctas, {matmul(1 << 20, 0)});
    const RunResult r = time_trace(h.trace, g);
    // Each busy SM runs its CTA alone: the kernel takes one CTA's time, and the other SMs' share of
    // it is lost to the partial wave.
    const double idle = double(g.sm_count - ctas) / double(g.sm_count);
    CHECK(r.timing.breakdown_seconds.at("wave_quantization") == doctest::Approx(idle * r.timing.seconds).epsilon(1e-6));
    CHECK(r.timing.bottleneck.find("largest loss: wave quantization") != std::string::npos);
    CHECK(r.timing.bottleneck.find(std::to_string(ctas) + " CTA(s) for " + std::to_string(g.sm_count) + " SMs, " +
                                   std::to_string(g.sm_count - ctas) + " SMs idle") != std::string::npos);
    // A full wave leaves no SM idle.
    HandTrace full = hand_trace(g.sm_count, {matmul(1 << 20, 0)});
    CHECK(time_trace(full.trace, g).timing.bottleneck.find("SMs idle") == std::string::npos);
}

TEST_CASE("without ping-pong a warp's element-wise work issues between its matmuls: the bottleneck line gives its share of the compute") {
    const GpuSpec g = preset("teaching");
    const double mm = tensor_per_sm_cycle(g, Dtype::fp16), vec = g.vector_flops_per_s / double(g.sm_count) / g.clock_hz;
    const double matmul_cycles = double(1 << 20) / mm;
    Op softmax;
    softmax.kind = OpKind::vector;
    softmax.flops = uint64_t(std::llround(2.0 / 3.0 * matmul_cycles * vec));  // 2/3 of the matmul's time: 40% of the compute
    HandTrace h = hand_trace(g.sm_count, {matmul(1 << 20, 0), softmax});      // one full wave, no loads
    const RunResult r = time_trace(h.trace, g);
    const double share = (double(softmax.flops) / vec) / (matmul_cycles + double(softmax.flops) / vec);
    REQUIRE(share == doctest::Approx(0.4).epsilon(1e-3));
    CHECK(r.timing.breakdown_seconds.at("compute_not_overlapped") > r.timing.breakdown_seconds.at("wave_quantization"));
    CHECK(r.timing.bottleneck.find("largest loss: compute not overlapped") != std::string::npos);
    CHECK(r.timing.bottleneck.find("element-wise (softmax) work is 40% of the CTAs' compute, issued between the matmuls") != std::string::npos);
}

TEST_CASE("occupancy is limited by SRAM, warps and max CTAs per SM") {
    const GpuSpec g = preset("h100");
    HandTrace h = hand_trace(1, {matmul(1, 0)}, g.sram_bytes_per_sm / 3);
    CHECK(occupancy(*h.kernel, g).ctas_per_sm == 3);
    CHECK(occupancy(*h.kernel, g).limited_by == "SRAM");
    h.kernel->footprint.sram_bytes = 1;
    h.kernel->warps = 16;
    CHECK(occupancy(*h.kernel, g).ctas_per_sm == g.max_warps_per_sm / 16);
    h.kernel->warps = 1;
    CHECK(occupancy(*h.kernel, g).ctas_per_sm == g.max_ctas_per_sm);
}

TEST_CASE("more bandwidth or more SMs never makes a run slower") {
    struct Case {
        const char* gpu;
        Algorithm algo;
        int64_t N, d;
    };
    const Case cases[] = {{"h100", Algorithm::fa2, 2048, 128}, {"a100-40gb", Algorithm::fa2, 1024, 64},
                          {"h100", Algorithm::vanilla, 1024, 64}, {"a100-40gb", Algorithm::fa1, 1024, 64},
                          {"teaching", Algorithm::fa2, 512, 64}};
    for (const Case& c : cases) {
        AttentionProblem p;
        p.N = c.N;
        p.d = c.d;
        p.H = 8;
        Schedule s;
        s.algo = c.algo;
        const GpuSpec g = preset(c.gpu);
        const double base = simulate(p, s, g, {}).timing.seconds;
        GpuSpec more_hbm = g;
        more_hbm.hbm_bytes_per_s *= 2;
        GpuSpec more_l2 = g;
        more_l2.l2_bytes_per_s *= 2;
        // More SMs of the same kind: per-SM compute and per-SM L2 port unchanged.
        GpuSpec more_sms = g;
        more_sms.sm_count *= 2;
        for (double* rate : {&more_sms.tensor_flops_per_s_fp16, &more_sms.warp_mma_flops_per_s_fp16, &more_sms.vector_flops_per_s, &more_sms.exp_per_s,
                             &more_sms.l2_bytes_per_s})
            *rate *= 2;
        CAPTURE(c.gpu);
        CAPTURE(to_string(c.algo));
        CHECK(simulate(p, s, more_hbm, {}).timing.seconds <= base * (1 + 1e-9));
        CHECK(simulate(p, s, more_l2, {}).timing.seconds <= base * (1 + 1e-9));
        CHECK(simulate(p, s, more_sms, {}).timing.seconds <= base * (1 + 1e-9));
    }
}

TEST_CASE("an fp8 run on a GPU without fp8 tensor cores is a clear error") {
    AttentionProblem p;
    p.dtype = Dtype::fp8;
    Schedule s;
    s.algo = Algorithm::fa3;
    CHECK_THROWS_AS(simulate(p, s, preset("a100-40gb"), {}), ConfigError);
}

TEST_CASE("FA3 in fp8 moves half the bytes of fp16 and runs its GEMMs at the fp8 tensor rate") {
    GpuSpec g = preset("h100");
    g.l2_coalesce_window_ns = 0;  // the requests the tags see are then the tiles' (no timing-dependent merges)
    AttentionProblem p;
    p.N = 2048;
    p.d = 128;
    p.H = 8;
    Schedule s;
    s.algo = Algorithm::fa3;
    s.Br = 128;
    s.Bc = 128;
    const RunResult half = simulate(p, s, g, {});
    p.dtype = Dtype::fp8;
    const RunResult quarter = simulate(p, s, g, {});
    for (Tensor t : {Tensor::Q, Tensor::K, Tensor::V})
        CHECK(quarter.counts.per_tensor[size_t(t)].global_read_bytes * 2 == half.counts.per_tensor[size_t(t)].global_read_bytes);
    CHECK(quarter.timing.resource_seconds.at("tensor") ==
          doctest::Approx(double(quarter.counts.matmul_flops) / g.tensor_flops_per_s_fp8));
    CHECK(quarter.timing.seconds < half.timing.seconds);
}

TEST_CASE("FA3's warp specialization hides softmax under GEMMs and beats FA2 with the same tiles") {
    const GpuSpec g = preset("h100");
    AttentionProblem p;
    p.N = 4096;
    p.d = 128;
    p.H = 16;
    Schedule s;
    s.Br = 128;
    s.Bc = 128;
    s.stages = 2;
    s.algo = Algorithm::fa2;
    const RunResult fa2 = simulate(p, s, g, {});
    s.algo = Algorithm::fa3;
    const RunResult fa3 = simulate(p, s, g, {});
    CHECK(fa3.counts.total.hbm_read_bytes == doctest::Approx(double(fa2.counts.total.hbm_read_bytes)).epsilon(0.05));
    CHECK(fa3.timing.seconds < fa2.timing.seconds);
    CHECK(fa3.timing.hidden_seconds.at("fa3_pingpong_and_intra_warpgroup") > 0);
    CHECK(fa2.timing.hidden_seconds.at("prefetch") > 0);
}

TEST_CASE("the breakdown sums to the simulated time and names a bottleneck") {
    AttentionProblem p;
    p.N = 2048;
    p.H = 8;
    for (Algorithm a : {Algorithm::vanilla, Algorithm::fa1, Algorithm::fa2}) {
        Schedule s;
        s.algo = a;
        const RunResult r = simulate(p, s, preset("a100-40gb"), {});
        double sum = 0;
        for (const auto& [k, v] : r.timing.breakdown_seconds) sum += v;
        CHECK(sum == doctest::Approx(r.timing.seconds));
        CHECK(!r.timing.bottleneck.empty());
        CHECK(r.timing.roofline.size() == 3);
    }
}

TEST_CASE("the timeline stops at its cap and says so") {
    AttentionProblem p;
    p.N = 1024;
    p.H = 4;
    SimOptions o;
    o.timeline = true;
    o.timeline_max_events = 100;
    const RunResult r = simulate(p, Schedule{}, preset("a100-40gb"), o);
    CHECK(r.timing.timeline.size() == 100);
    CHECK(r.timing.timeline_truncated);
    for (const auto& e : r.timing.timeline) CHECK(e.end_cycles >= e.start_cycles);
}

namespace {
// CTA i reads row i % N of head i / N of S (N x N, fp16), optionally runs a vector op over it
// (`sram_bytes` through SRAM), and writes the row back: an element-wise row kernel.
class RowCopyKernel final : public KernelTrace {
public:
    int64_t N = 1024;
    uint64_t sram_bytes = 0;
    std::unique_ptr<CtaStream> stream(int64_t cta) const override {
        Op ld;
        ld.kind = OpKind::load;
        ld.tensor = Tensor::S;
        ld.bh = uint32_t(cta / N);
        ld.row0 = uint32_t(cta % N);
        ld.rows = 1;
        ld.cols = uint32_t(N);
        ld.bytes = uint64_t(N) * 2;
        Op st = ld;
        st.kind = OpKind::store;
        Op vec;
        vec.kind = OpKind::vector;
        vec.flops = uint64_t(N);
        vec.bytes = sram_bytes;
        std::vector<Op> ops{ld};
        if (sram_bytes > 0) ops.push_back(vec);
        ops.push_back(st);
        return std::make_unique<VectorStream>(ops);
    }
};
}  // namespace

TEST_CASE("a CTA issues its first loads when its launch ends, in time order with the other SMs' requests") {
    // Each CTA's load, its vector op (a 4 KiB SRAM pass: 32 cycles at 128 B per cycle, against a
    // CTA life of ~2000) and its store. The shared servers (HBM, L2, the SM's port) take requests
    // in time order; issuing a CTA's loads at the end of its launch while other CTAs' events before
    // that time were still to come made them wait behind it: with the vector op, whose SRAM latency
    // shifts the CTAs' launches, the kernel took 1.5 times as long.
    const GpuSpec g = preset("h200");
    auto seconds = [&](uint64_t sram_bytes) {
        HandTrace h = hand_trace(1, {});
        h.trace.problem.N = 1024;
        h.trace.problem.H = 32;
        h.trace.shapes = tensor_shapes(h.trace.problem);
        auto k = std::make_unique<RowCopyKernel>();
        k->sram_bytes = sram_bytes;
        k->name = "row";
        k->ctas_per_head = 1024;
        k->heads = 32;
        k->warps = 8;
        h.trace.kernels.clear();
        h.trace.kernels.push_back(std::move(k));
        return time_trace(h.trace, g).timing.seconds;
    };
    const double plain = seconds(0), with_vector = seconds(4096);
    const double vector_cycles = 4096.0 / double(g.sram_bytes_per_cycle_per_sm) + g.sram_latency_cycles;
    const double waves = 32.0 * 1024 / double(g.sm_count * 8);  // 8 CTAs of 8 warps per SM
    CHECK(with_vector >= plain);
    CHECK(with_vector <= plain + waves * vector_cycles / cuda_core_clock(g) * 1.01);
}

TEST_CASE("a transfer that reads and writes HBM takes the read-write mix penalty on its HBM bytes") {
    // A small L2 filled with dirty lines of O, then a load of Q that misses and evicts them: one
    // transfer with HBM reads r and write-backs w. Its HBM service is (r + w) / rate without the
    // penalty, and 1 + p x 2 min(r, w) / (r + w) times that with it.
    GpuSpec g = preset("h200");
    apply_override(g, "l2_bytes=65536");
    apply_override(g, "l2_partitions=1");
    apply_override(g, "l2_ways=4");
    const TensorShapes shapes = tensor_shapes(AttentionProblem{});
    auto hbm_busy = [&](double penalty, double& read_bytes) {
        GpuSpec gp = g;
        gp.hbm_read_write_mix_penalty = penalty;
        MemorySystem m(gp, shapes, 1, true, gp.l2_line_bytes, 1);
        Counters c;
        const Op o = store_rows(Tensor::O, 0, 512, shapes), q = load_rows(Tensor::Q, 0, 512, shapes);
        m.transfer(o, 0, 0, c, false);
        const double before = m.hbm.busy_cycles;
        read_bytes = double(m.transfer(q, 0, 1e6, c, false).hbm_read_bytes);
        return m.hbm.busy_cycles - before;
    };
    double r = 0, r0 = 0;
    const double p = 0.1, busy0 = hbm_busy(0, r0), busy = hbm_busy(p, r);
    const double rate = g.hbm_stream_bytes_per_s() / g.clock_hz, w = busy0 * rate - r0;
    REQUIRE(r == r0);
    REQUIRE(r > 0);
    REQUIRE(w > 0);
    CHECK(busy == doctest::Approx(busy0 * (1 + p * 2 * std::min(r, w) / (r + w))));
    // A transfer that only reads (a cold L2, nothing dirty) pays nothing more.
    GpuSpec gp = g;
    gp.hbm_read_write_mix_penalty = p;
    MemorySystem m(gp, shapes, 1, true, gp.l2_line_bytes, 1);
    Counters c;
    m.transfer(load_rows(Tensor::Q, 0, 64, shapes), 0, 0, c, false);
    CHECK(m.hbm.busy_cycles == doctest::Approx(64.0 * 64 * 2 / rate));
}

TEST_CASE("the HBM queue's wait stays finite on a GPU that streams at its full datasheet bandwidth") {
    // hbm_stream_fraction = 1 lets the load reach 1, where rho / (1 - rho) has no bound: the load
    // is held at kHbmMaxQueueLoad (a preset the fuzzer wrote gave nan times before).
    GpuSpec g = preset("teaching");
    REQUIRE(g.hbm_stream_fraction == 1.0);
    g.hbm_queue_ns = 17.0;
    AttentionProblem p;
    p.N = 256, p.d = 32, p.H = 1, p.B = 1;
    Schedule s;
    s.algo = Algorithm::fa2;
    const RunResult r = simulate(p, s, g, SimOptions{});
    CHECK(std::isfinite(r.timing.seconds));
    CHECK(std::isfinite(r.timing.cycles));
    CHECK(r.timing.cycles > 0);
}

TEST_CASE("a load that reaches HBM waits the queues' S rho / (1 - rho) at the load in flight, or the server's wait if longer") {
    // rho: the byte rates of the transfers in flight, the request's own included, over the
    // datasheet bandwidth, at most hbm_stream_fraction; share: those of the request's own SM over
    // an even share of them (the GPU's / sm_count), at most 1. The wait:
    // (S_gpu + S_sm share) rho / (1 - rho) (hbm_queue_ns, hbm_sm_queue_ns in cycles) less what the
    // request waited at the HBM server, if positive. A request's own rate is its bytes over its
    // time in flight, which its latency sets: kHbmLatencySteps steps of latency <- L + wait(own(latency)).
    GpuSpec g = preset("h200");
    REQUIRE(g.hbm_queue_ns > 0);
    REQUIRE(g.hbm_sm_queue_ns > 0);
    const TensorShapes shapes = tensor_shapes(AttentionProblem{});
    const double peak = g.hbm_bytes_per_s / g.clock_hz, l = g.hbm_latency_cycles, sms = double(g.sm_count);
    const double s_gpu = g.hbm_queue_ns * 1e-9 * g.clock_hz, s_sm = g.hbm_sm_queue_ns * 1e-9 * g.clock_hz,
                 cap = std::min(g.hbm_stream_fraction, kHbmMaxQueueLoad);
    const double service_rate = g.hbm_stream_bytes_per_s() / g.clock_hz;
    // The latency of `bytes` issued with `gpu` and `sm` bytes per cycle in flight, in flight for
    // duration(latency), after `wait` at the server.
    auto expected = [&](double gpu, double sm, double bytes, auto duration, double wait) {
        double latency = l;
        for (int k = 0; k < kHbmLatencySteps; ++k) {
            const double own = bytes / std::max(1.0, duration(latency));
            const double load = (gpu + own) / peak, rho = std::min(cap, load);
            const double share = std::min(1.0, (sm + own) * sms / peak / load);
            latency = l + std::max(0.0, (s_gpu + s_sm * share) * rho / (1 - rho) - wait);
        }
        return latency;
    };
    const Op tile = load_rows(Tensor::Q, 0, 1024, shapes), small = load_rows(Tensor::K, 0, 1, shapes);
    const double b = double(tile.bytes), bs = double(small.bytes);
    for (const double trips : {8.0, 32.0, 128.0}) {
        CAPTURE(trips);
        MemorySystem m(g, shapes, 1, false, 0);
        Counters c;
        // An elementwise load of SM 0 in R round trips from t = 0: in flight for R x its latency.
        const TransferTiming first = m.transfer(tile, 0, 0, c, false, trips, 0);
        const double lf = expected(0, 0, b, [&](double x) { return trips * x; }, 0);
        CHECK(first.latency_cycles == doctest::Approx(lf));
        CHECK(first.latency_cycles < l * 1.01);  // an SM alone barely loads HBM
        const double rate = b / (trips * lf);
        // A small load of SM 1 halfway: the GPU's load is SM 0's, its own SM's share is its own.
        const double t1 = trips * lf / 2, service = bs / service_rate;
        const TransferTiming other = m.transfer(small, 1, t1, c);
        CHECK(other.wait_cycles == 0);
        CHECK(other.latency_cycles == doctest::Approx(expected(rate, 0, bs, [&](double x) { return service + x; }, 0)));
        // One of SM 0 just after: SM 0 keeps more than its share in flight.
        const double small_rate = bs / (other.done_cycles - t1);
        const TransferTiming own = m.transfer(small, 0, t1 + 1, c);
        CHECK(own.latency_cycles ==
              doctest::Approx(expected(rate + small_rate, rate, bs, [&](double x) { return service + x; }, 0)));
        CHECK(own.latency_cycles > other.latency_cycles);
        // After every flow has ended: a small load's own load alone.
        const TransferTiming later = m.transfer(small, 2, trips * lf + 10 * l, c);
        CHECK(later.latency_cycles == doctest::Approx(expected(0, 0, bs, [&](double x) { return service + x; }, 0)));
        CHECK(later.latency_cycles < l * 1.01);
    }
    // A burst: requests of SM 0 all at t = 0 find the flows of those before them (each
    // b / (done - 0)) and wait behind them at the HBM server; the queues' wait adds only what it
    // has beyond the server's.
    {
        const Op q = load_rows(Tensor::Q, 0, 64, shapes);
        const double bq = double(q.bytes), service = bq / service_rate;
        MemorySystem m(g, shapes, 1, false, 0);
        Counters c;
        double flows = 0;
        bool beyond = false;
        for (int k = 0; k < 1024; ++k) {
            CAPTURE(k);
            const double w = k * service, end = (k + 1) * service;
            const double e = expected(flows, flows, bq, [&](double x) { return end + x; }, w);
            beyond |= e == l;
            const TransferTiming x = m.transfer(q, 0, 0, c);
            CHECK(x.wait_cycles == doctest::Approx(w));
            CHECK(x.latency_cycles == doctest::Approx(e));
            CHECK(x.done_cycles == doctest::Approx(end + x.latency_cycles));
            flows += bq / x.done_cycles;
        }
        CHECK(flows / peak > cap);  // the GPU's load reached the cap
        CHECK(beyond);              // the server's wait took over
    }
    // hbm_queue_ns = hbm_sm_queue_ns = 0: the latency does not grow with the load.
    g.hbm_queue_ns = 0;
    g.hbm_sm_queue_ns = 0;
    MemorySystem m(g, shapes, 1, false, 0);
    Counters c;
    for (int k = 0; k < 1000; ++k) CHECK(m.transfer(tile, 0, k * 10.0, c, false, 8, k * 10.0).latency_cycles == l);
}

TEST_CASE("through the L2, only a transfer that misses pays the loaded HBM latency") {
    // A stream of first-touch misses (K of 256 heads, N = 1024: 32 MiB) at 60% of the datasheet
    // bandwidth loads HBM; a miss at its end costs more than the idle hbm_latency_cycles, a load
    // that hits then costs l2_latency_cycles.
    const GpuSpec g = preset("h200");
    const TensorShapes shapes = tensor_shapes(AttentionProblem{});
    MemorySystem m(g, shapes, 256, true, g.l2_line_bytes, 1);
    Counters c;
    const double peak = g.hbm_bytes_per_s / g.clock_hz;
    double t = 0, last = 0;
    for (uint32_t bh = 0; bh < 256; ++bh)
        for (uint32_t row = 0; row < 1024; row += 64) {
            Op o = load_rows(Tensor::K, row, 64, shapes);
            o.bh = bh;
            const TransferTiming x = m.transfer(o, int64_t(bh) % g.sm_count, t, c);  // each SM's port is far from busy
            REQUIRE(x.hbm_read_bytes == o.bytes);
            last = x.latency_cycles;
            t += double(o.bytes) / (0.6 * peak);
        }
    REQUIRE(t > 20 * g.hbm_latency_cycles);
    CHECK(last > g.hbm_latency_cycles + 0.5 * 1.5 * g.hbm_queue_ns * 1e-9 * g.clock_hz);  // rho / (1 - rho) = 1.5 at 60%
    Op again = load_rows(Tensor::K, 1024 - 64, 64, shapes);  // the last tile loaded
    again.bh = 255;
    const TransferTiming hit = m.transfer(again, 0, t, c);
    CHECK(hit.hbm_read_bytes == 0);
    CHECK(hit.latency_cycles == g.l2_latency_cycles);
    CHECK(hit.mean_latency_cycles == doctest::Approx(g.l2_latency_cycles));
}

TEST_CASE("the engine line says what the fast engine estimated, from the run's own figures, and what an exact run simulated") {
    Timing t;
    CHECK(engine_note(t).empty());  // no timing
    t.valid = true;
    CHECK(engine_note(t).empty());  // the papers' model: no L2, nothing extrapolated
    t.l2_granule_bytes = 128;
    CHECK(engine_note(t) == "exact: every L2 set, CTA and iteration simulated");
    CHECK_FALSE(fast_engine(t));
    CHECK(engine_estimates(t).empty());
    t.kernels.resize(2);
    t.kernels[0].ctas = 300;
    t.kernels[1].ctas = 100;
    t.skipped_ctas = 100;  // a quarter of the 400 CTAs
    t.l2_set_sampling = 8;
    t.l2_sampling_error = 0.0012;
    const std::string fast = engine_note(t);
    CHECK(fast.rfind("fast: ", 0) == 0);
    CHECK(fast.find("1 in 8 L2 sets simulated, counts x 8") != std::string::npos);
    CHECK(fast.find("standard error 0.12% of HBM bytes") != std::string::npos);
    CHECK(fast.find("25% of CTAs extrapolated") != std::string::npos);
    CHECK(fast.find("--exact") != std::string::npos);
    CHECK(fast_engine(t));
    CHECK(engine_estimates(t) == "1 in 8 L2 sets, 25% of CTAs extrapolated");
    CHECK(engine_mark(t) == "fast: " + engine_estimates(t));
    t.l2_set_sampling = 1;
    t.skipped_ctas = 0;
    t.skipped_iterations = 4096;
    CHECK(engine_note(t) == "fast: 4096 CTA iterations extrapolated from repeating ones; --exact for the reference");
}

TEST_CASE("a run's engine line and CSV columns follow what the run did: sampled and skipped by default, exact with --exact") {
    AttentionProblem p;
    p.N = 2047;
    p.d = 64;
    p.H = 16;
    p.B = 1;  // S and P of 2 x 128 MiB: the automatic choice samples them (l2_sampling_test.cpp)
    Schedule s;
    s.algo = Algorithm::vanilla;
    const GpuSpec g = preset("h100");
    SimOptions fast, exact;
    exact.exact = true;
    const RunResult f = simulate(p, s, g, fast), e = simulate(p, s, g, exact);
    REQUIRE(f.timing.l2_set_sampling > 1);
    CHECK(engine_note(f.timing).rfind("fast: 1 in " + std::to_string(f.timing.l2_set_sampling) + " L2 sets", 0) == 0);
    CHECK(e.timing.l2_set_sampling == 1);
    CHECK(e.timing.skipped_ctas == 0);
    CHECK(e.timing.skipped_iterations == 0);
    CHECK(engine_note(e.timing) == "exact: every L2 set, CTA and iteration simulated");
    // The CSV row has a field per header column, the engine's last.
    const auto fields = [](const std::string& line) { return std::count(line.begin(), line.end(), ',') + 1; };
    CHECK(fields(csv_row(f)) == fields(csv_header()));
    const std::string header = csv_header();
    CHECK(header.substr(header.size() - std::string("l2_set_sampling,l2_sampling_error,skipped_ctas,skipped_iterations").size()) ==
          "l2_set_sampling,l2_sampling_error,skipped_ctas,skipped_iterations");
    const std::string row = csv_row(f);
    CHECK(row.find("," + std::to_string(f.timing.l2_set_sampling) + ",") != std::string::npos);
    CHECK(row.substr(row.rfind(',') + 1) == std::to_string(f.timing.skipped_iterations));
    SimOptions untimed;
    untimed.timing = false;
    CHECK(fields(csv_row(simulate(p, s, g, untimed))) == fields(csv_header()));
}
