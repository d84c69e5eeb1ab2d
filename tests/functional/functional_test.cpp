// The functional layer: tiled algorithms executed for real match the double-precision reference,
// move exactly the bytes the counting layer counts, keep to the footprint model's on-chip bytes,
// and refuse schedules that do not fit.
#include <doctest/doctest.h>

#include <cmath>

#include "sim/core/errors.h"
#include "sim/core/seeded_inputs.h"
#include "sim/engine/counting.h"
#include "sim/functional/functional.h"
#include "sim/trace/trace.h"

using namespace flashsim;

namespace {

struct Config {
    Algorithm algo;
    int64_t N, N_kv, d, Br, Bc, stages;
    const char* gpu;
};

// N not a multiple of Br or Bc; Br > Bc and Br < Bc; SRAM-only (teaching) and register (h100) GPUs.
const Config kConfigs[] = {
    {Algorithm::vanilla, 100, 0, 16, 32, 24, 0, "teaching"}, {Algorithm::vanilla, 77, 0, 8, 16, 40, 0, "h100"},
    {Algorithm::fa1, 100, 0, 16, 32, 24, 0, "teaching"},     {Algorithm::fa1, 77, 0, 8, 10, 33, 0, "h100"},
    {Algorithm::fa2, 100, 0, 16, 32, 24, 0, "teaching"},     {Algorithm::fa2, 77, 0, 8, 10, 33, 0, "h100"},
    {Algorithm::fa3, 90, 0, 16, 64, 16, 2, "h100"},          {Algorithm::fa2, 50, 70, 8, 16, 32, 0, "teaching"},
};

AttentionProblem problem(const Config& c, Dtype t, bool causal) {
    AttentionProblem p;
    p.B = 2;
    p.H = 2;
    p.N = c.N;
    p.N_kv = causal ? 0 : c.N_kv;
    p.d = c.d;
    p.dtype = t;
    p.causal = causal;
    return p;
}

Schedule schedule(const Config& c, const AttentionProblem& p, const GpuSpec& g, GemmTiling tiling = GemmTiling::ideal) {
    Schedule s;
    s.algo = c.algo;
    s.Br = c.Br;
    s.Bc = c.Bc;
    s.stages = c.stages;
    s.vanilla_gemm = tiling;
    return resolve_schedule(s, p, g);
}

void check_traffic_equal(const Counters& functional, const Counters& counted) {
    for (int t = 0; t < kTensorCount; ++t) {
        CAPTURE(to_string(Tensor(t)));
        const Traffic& a = functional.per_tensor[size_t(t)];
        const Traffic& b = counted.per_tensor[size_t(t)];
        CHECK(a.global_read_bytes == b.global_read_bytes);
        CHECK(a.global_write_bytes == b.global_write_bytes);
        CHECK(a.hbm_read_bytes == b.hbm_read_bytes);
        CHECK(a.hbm_write_bytes == b.hbm_write_bytes);
    }
    CHECK(functional.total.hbm_read_bytes == counted.total.hbm_read_bytes);
    CHECK(functional.total.hbm_write_bytes == counted.total.hbm_write_bytes);
    CHECK(functional.loads == counted.loads);
    CHECK(functional.stores == counted.stores);
    CHECK(functional.sram_write_bytes == counted.sram_write_bytes);
    CHECK(functional.matmul_flops == counted.matmul_flops);
}

}  // namespace

TEST_CASE("every algorithm's output matches softmax(QK^T/sqrt(d))V computed in double") {
    // Tolerances on max|O - O_ref| / max|O_ref|: fp32 inputs and compute 1e-5; fp16 inputs,
    // fp32 compute, O stored in fp16 (half an ulp is 2^-11 = 4.9e-4 relative): 2e-3 against the
    // reference on the same fp16-rounded inputs.
    for (const Config& c : kConfigs)
        for (Dtype t : {Dtype::fp32, Dtype::fp16})
            for (bool causal : {false, true}) {
                const AttentionProblem p = problem(c, t, causal);
                const GpuSpec g = load_gpu(c.gpu);
                const Schedule s = schedule(c, p, g);
                CAPTURE(p.describe());
                CAPTURE(s.describe());
                const FunctionalResult r = run_functional(p, s, g, 3);
                const double tol = t == Dtype::fp32 ? 1e-5 : 2e-3;
                CHECK(r.max_rel_err <= tol);
                CHECK(r.O.size() == size_t(p.heads() * p.N * p.d));
                if (c.algo != Algorithm::vanilla) {
                    REQUIRE(r.LSE.size() == size_t(p.heads() * p.N));
                    CHECK(r.lse_max_abs_err <= 1e-5);  // l, m and LSE are fp32 whatever the inputs
                }
            }
}

TEST_CASE("the bytes the functional execution moves equal the counted bytes, tensor by tensor") {
    for (const Config& c : kConfigs)
        for (Dtype t : {Dtype::fp32, Dtype::fp16})
            for (bool causal : {false, true})
                for (GemmTiling tiling : {GemmTiling::ideal, GemmTiling::tiled}) {
                    if (tiling == GemmTiling::tiled && c.algo != Algorithm::vanilla) continue;
                    const AttentionProblem p = problem(c, t, causal);
                    const GpuSpec g = load_gpu(c.gpu);
                    const Schedule s = schedule(c, p, g, tiling);
                    CAPTURE(p.describe());
                    CAPTURE(s.describe());
                    const FunctionalResult r = run_functional(p, s, g, 1);
                    check_traffic_equal(r.counts, count_paper_mode(make_trace(p, s, g), true).total);
                }
}

TEST_CASE("ideal vanilla reads each operand from HBM once, tiled vanilla re-reads Q Tc times") {
    const Config c = kConfigs[0];
    const AttentionProblem p = problem(c, Dtype::fp16, false);
    const GpuSpec g = load_gpu(c.gpu);
    const uint64_t es = 2, heads = uint64_t(p.heads()), N = uint64_t(p.N), d = uint64_t(p.d);
    const uint64_t Tc = (N + uint64_t(c.Bc) - 1) / uint64_t(c.Bc);
    const FunctionalResult ideal = run_functional(p, schedule(c, p, g, GemmTiling::ideal), g);
    const FunctionalResult tiled = run_functional(p, schedule(c, p, g, GemmTiling::tiled), g);
    CHECK(ideal.counts.per_tensor[size_t(Tensor::Q)].hbm_read_bytes == heads * N * d * es);
    CHECK(tiled.counts.per_tensor[size_t(Tensor::Q)].hbm_read_bytes == Tc * heads * N * d * es);
    CHECK(ideal.max_abs_err == tiled.max_abs_err);  // the same arithmetic, only the accounting differs
}

TEST_CASE("the functional SRAM and register peaks equal the footprint model of fa1 and fa2") {
    for (const Config& c : kConfigs) {
        if (c.algo == Algorithm::vanilla) continue;
        const AttentionProblem p = problem(c, Dtype::fp16, false);
        const GpuSpec g = load_gpu(c.gpu);
        const Schedule s = schedule(c, p, g);
        CAPTURE(s.describe());
        const FunctionalResult r = run_functional(p, s, g);
        const Footprint f = footprint(s, p, g);
        CHECK(r.sram_peak_bytes == f.sram_bytes);
        CHECK(r.register_peak_bytes == f.register_bytes);
    }
}

TEST_CASE("vanilla's on-chip peak is its larger GEMM working set or one row of S") {
    for (const Config& c : kConfigs) {
        if (c.algo != Algorithm::vanilla) continue;
        const AttentionProblem p = problem(c, Dtype::fp16, false);
        const GpuSpec g = load_gpu(c.gpu);
        const Schedule s = schedule(c, p, g);
        const FunctionalResult r = run_functional(p, s, g);
        const Footprint f = footprint(s, p, g);
        CHECK(r.sram_peak_bytes == std::max(f.sram_bytes, p.Nk() * p.es()));
        CHECK(r.register_peak_bytes == f.register_bytes);
    }
}

TEST_CASE("a schedule that overflows SRAM fails naming its tiles and the arithmetic") {
    AttentionProblem p;
    p.N = 256;
    p.d = 64;
    p.dtype = Dtype::fp16;
    const GpuSpec g = load_gpu("teaching");
    Schedule s;  // not resolved: resolve_schedule would refuse it first
    s.algo = Algorithm::fa1;
    s.Br = 128;
    s.Bc = 128;
    s.warps = 4;
    s.stages = 1;
    const int64_t bytes = (s.Br * s.Bc + s.Br * p.d + 2 * s.Bc * p.d + s.Br * p.d) * p.es();
    try {
        run_functional(p, s, g);
        FAIL("a 96 KiB schedule ran in 64 KiB of SRAM");
    } catch (const ConfigError& e) {
        const std::string m = e.what();
        CAPTURE(m);
        CHECK(m.find("Sij 128x128x2 B") != std::string::npos);
        CHECK(m.find("Oi 128x64x2 B") != std::string::npos);
        CHECK(m.find("= " + std::to_string(bytes) + " B") != std::string::npos);
        CHECK(m.find(std::to_string(g.sram_bytes_per_sm) + " B") != std::string::npos);
        CHECK(m.find("teaching") != std::string::npos);
    }
}

TEST_CASE("naive tiles (each tile's softmax alone, outputs summed) give a large error") {
    for (Algorithm a : {Algorithm::fa1, Algorithm::fa2})
        for (bool causal : {false, true}) {
            AttentionProblem p;
            p.H = 2;
            p.N = 96;
            p.d = 16;
            p.dtype = Dtype::fp32;
            p.causal = causal;
            const GpuSpec g = load_gpu("teaching");
            Schedule s;
            s.algo = a;
            s.Br = 32;
            s.Bc = 32;  // Tc = 3
            s = resolve_schedule(s, p, g);
            FunctionalOptions naive;
            naive.naive_tiles = true;
            const FunctionalResult wrong = run_functional(p, s, g, naive);
            const FunctionalResult right = run_functional(p, s, g);
            CHECK(wrong.max_rel_err > 0.1);
            CHECK(right.max_rel_err < 1e-5);
            // With a single key block there is nothing to combine: naive is then correct.
            s.Bc = p.N;
            CHECK(run_functional(p, s, g, naive).max_rel_err < 1e-5);
        }
}

TEST_CASE("inputs are seeded_value at ((b*H + h)*N + n)*d + c, rounded to the element type") {
    AttentionProblem p;
    p.B = 2;
    p.H = 3;
    p.N = 5;
    p.N_kv = 7;
    p.d = 4;
    p.dtype = Dtype::fp32;
    const auto Q = seeded_tensor(p, kSeedQ, 9), K = seeded_tensor(p, kSeedK, 9);
    CHECK(Q.size() == size_t(2 * 3 * 5 * 4));
    CHECK(K.size() == size_t(2 * 3 * 7 * 4));
    const int64_t b = 1, h = 2, n = 3, c = 1;
    CHECK(Q[size_t(((b * p.H + h) * p.N + n) * p.d + c)] == seeded_value(9, kSeedQ, uint64_t(((b * p.H + h) * p.N + n) * p.d + c)));
    CHECK(K[size_t(((b * p.H + h) * p.N_kv + n) * p.d + c)] ==
          seeded_value(9, kSeedK, uint64_t(((b * p.H + h) * p.N_kv + n) * p.d + c)));
    p.dtype = Dtype::fp16;
    const auto Q16 = seeded_tensor(p, kSeedQ, 9);
    for (size_t i = 0; i < Q.size(); ++i) CHECK(std::fabs(Q16[i] - Q[i]) <= std::ldexp(1.0f, -12));  // half an fp16 ulp below 1
}

TEST_CASE("problems too large to execute are refused with the limit") {
    AttentionProblem p;
    p.N = 65536;
    p.d = 64;
    p.H = 2;
    CHECK_THROWS_WITH_AS(check_functional_size(p, Algorithm::fa2), doctest::Contains("2^32"), ConfigError);
    p.N = 4096;
    p.H = 1;
    CHECK_NOTHROW(check_functional_size(p, Algorithm::fa2));
    p.H = 8;  // 8 * 4096^2 = 2^27 elements of S
    p.d = 16;
    CHECK_THROWS_WITH_AS(check_functional_size(p, Algorithm::vanilla), doctest::Contains("2^26"), ConfigError);
}
