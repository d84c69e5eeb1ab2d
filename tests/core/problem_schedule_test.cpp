// Bad problems and schedules are rejected with a message naming the key, the value and what is
// allowed; defaults follow the papers; sizes up to N = 2^20 count in 64 bits.
#include <doctest/doctest.h>

#include "sim/analytic/analytic.h"
#include "sim/core/errors.h"
#include "sim/engine/counting.h"
#include "sim/gpu/gpu_spec.h"
#include "sim/trace/trace.h"

using namespace flashsim;

namespace {

AttentionProblem make_problem(int64_t N, int64_t d, Dtype t = Dtype::fp16) {
    AttentionProblem p;
    p.N = N;
    p.d = d;
    p.dtype = t;
    return p;
}

Schedule make_schedule(Algorithm a, int64_t Br = 0, int64_t Bc = 0) {
    Schedule s;
    s.algo = a;
    s.Br = Br;
    s.Bc = Bc;
    return s;
}

}  // namespace

TEST_CASE("zero or negative sizes are rejected naming the field and the allowed range") {
    struct Bad {
        int64_t AttentionProblem::*field;
        const char* key;
    };
    for (const Bad& b : {Bad{&AttentionProblem::B, "B="}, Bad{&AttentionProblem::H, "H="}, Bad{&AttentionProblem::N, "N="},
                         Bad{&AttentionProblem::d, "d="}})
        for (int64_t v : {int64_t(0), int64_t(-3)}) {
            AttentionProblem p;
            p.*(b.field) = v;
            CHECK_THROWS_WITH_AS(p.validate(), doctest::Contains((std::string(b.key) + std::to_string(v) + " is out of range").c_str()),
                                 ConfigError);
        }
    AttentionProblem p;
    p.N_kv = -1;
    CHECK_THROWS_WITH_AS(p.validate(), doctest::Contains("N_kv=-1"), ConfigError);
}

TEST_CASE("more heads than 32 bits or counts beyond 64 bits are rejected") {
    AttentionProblem p;
    p.B = 1 << 20;
    p.H = 1 << 16;
    CHECK_THROWS_WITH_AS(p.validate(), doctest::Contains("B*H=68719476736"), ConfigError);
    p = make_problem(int64_t(1) << 24, 1024);
    CHECK_THROWS_WITH_AS(p.validate(), doctest::Contains("overflow 64 bits"), ConfigError);
    p = make_problem(int64_t(1) << 20, 128);
    p.H = 32;
    CHECK_NOTHROW(p.validate());
}

TEST_CASE("unknown algorithm, dtype and pass names are rejected with the allowed names") {
    CHECK_THROWS_WITH_AS(parse_algorithm("fa4"), doctest::Contains("allowed: vanilla, fa1, fa2, fa3"), ConfigError);
    CHECK_THROWS_WITH_AS(parse_dtype("fp64"), doctest::Contains("allowed: fp32, fp16, bf16, fp8"), ConfigError);
    CHECK_THROWS_WITH_AS(parse_pass("sideways"), doctest::Contains("allowed: fwd, bwd, fwdbwd"), ConfigError);
}

TEST_CASE("block sizes larger than N or negative are rejected naming the key") {
    const GpuSpec g = load_gpu("h100");
    const AttentionProblem p = make_problem(100, 64);
    CHECK_THROWS_WITH_AS(resolve_schedule(make_schedule(Algorithm::fa2, 128, 64), p, g),
                         doctest::Contains("Br=128 is larger than N=100"), ConfigError);
    CHECK_THROWS_WITH_AS(resolve_schedule(make_schedule(Algorithm::fa2, 64, 101), p, g),
                         doctest::Contains("Bc=101 is larger than N=100"), ConfigError);
    CHECK_THROWS_WITH_AS(resolve_schedule(make_schedule(Algorithm::fa2, -4, 64), p, g), doctest::Contains("Br=-4"),
                         ConfigError);
    Schedule s = make_schedule(Algorithm::fa2, 64, 64);
    s.stages = 9;
    CHECK_THROWS_WITH_AS(resolve_schedule(s, p, g), doctest::Contains("stages=9"), ConfigError);
}

TEST_CASE("a block size left to the default never exceeds a short sequence") {
    const GpuSpec g = load_gpu("h100");
    const AttentionProblem p = make_problem(100, 64);
    const Schedule s = resolve_schedule(make_schedule(Algorithm::fa2, 0, 32), p, g);  // default Br is 128
    CHECK(s.Br == p.N);
    CHECK(s.Bc == 32);
}

TEST_CASE("a schedule that does not fit in SRAM is rejected with the arithmetic") {
    const GpuSpec g = load_gpu("h100");
    const AttentionProblem p = make_problem(1024, 128);
    const int64_t Br = 256, Bc = 256, es = 2;
    const int64_t bytes = (Br * Bc + Br * p.d + Bc * p.d + Bc * p.d + Br * p.d) * es;  // Sij + Qi + Kj + Vj + Oi
    const std::string kib = format_bytes(bytes), have = format_bytes(g.sram_bytes_per_sm);
    CHECK_THROWS_WITH_AS(resolve_schedule(make_schedule(Algorithm::fa1, Br, Bc), p, g),
                         doctest::Contains(("needs " + kib + " of SRAM (Sij 256x256 + Qi 256x128").c_str()), ConfigError);
    CHECK_THROWS_WITH_AS(resolve_schedule(make_schedule(Algorithm::fa1, Br, Bc), p, g),
                         doctest::Contains(("the h100 preset has " + have + " per SM").c_str()), ConfigError);
}

TEST_CASE("FA1 default blocks are Bc = ceil(M/4d), Br = min(ceil(M/4d), d) where they fit") {
    const GpuSpec g = load_gpu("teaching");
    for (int64_t d : {16, 32, 64}) {
        const AttentionProblem p = make_problem(4096, d);
        const int64_t M = g.sram_bytes_per_sm / p.es();
        const int64_t b = (M + 4 * d - 1) / (4 * d);
        const Schedule s = resolve_schedule(make_schedule(Algorithm::fa1), p, g);
        CAPTURE(d);
        CHECK(s.Bc == b);
        CHECK(s.Br == std::min(b, d));
    }
    // d = 128: the paper's 64 x 64 needs Sij + Qi + Kj + Vj + Oi = 36864 elements > M = 32768; the
    // default shrinks (Bc first) until it fits.
    const AttentionProblem p = make_problem(4096, 128);
    const Schedule s = resolve_schedule(make_schedule(Algorithm::fa1), p, g);
    CHECK(footprint(s, p, g).sram_bytes <= g.sram_bytes_per_sm);
    CHECK(s.Bc < (g.sram_bytes_per_sm / p.es() + 4 * 128 - 1) / (4 * 128));
}

TEST_CASE("stages chosen by the user are kept while default blocks shrink to fit") {
    const GpuSpec g = load_gpu("teaching");
    const AttentionProblem p = make_problem(4096, 64);
    Schedule s = make_schedule(Algorithm::fa3);
    s.stages = 2;
    const Schedule r = resolve_schedule(s, p, g);
    CHECK(r.stages == 2);
    CHECK(footprint(r, p, g).sram_bytes <= g.sram_bytes_per_sm);
}

TEST_CASE("walking every head counts what one head times B*H counts") {
    const GpuSpec g = load_gpu("h100");
    for (Algorithm a : {Algorithm::vanilla, Algorithm::fa1, Algorithm::fa2, Algorithm::fa3})
        for (bool causal : {false, true}) {
            AttentionProblem p = make_problem(300, 32);
            p.B = 2;
            p.H = 3;
            p.causal = causal;
            const Trace t = make_trace(p, resolve_schedule(make_schedule(a, 64, 48), p, g), g);
            const Counters one = count_paper_mode(t).total, all = count_paper_mode(t, true).total;
            CAPTURE(to_string(a));
            for (int k = 0; k < kTensorCount; ++k) {
                CHECK(one.per_tensor[size_t(k)].hbm_read_bytes == all.per_tensor[size_t(k)].hbm_read_bytes);
                CHECK(one.per_tensor[size_t(k)].hbm_write_bytes == all.per_tensor[size_t(k)].hbm_write_bytes);
            }
            CHECK(one.matmul_flops == all.matmul_flops);
            CHECK(one.vector_flops == all.vector_flops);
            CHECK(one.exps == all.exps);
            CHECK(one.ops == all.ops);
            CHECK(one.ctas == all.ctas);
            CHECK(one.sram_read_bytes == all.sram_read_bytes);
        }
}

TEST_CASE("causal closed forms equal the traces for many shapes") {
    GpuSpec g = load_gpu("h100");
    g.sram_bytes_per_sm = int64_t(1) << 30;
    g.register_bytes_per_sm = int64_t(1) << 30;
    const int64_t blocks[][2] = {{16, 16}, {32, 16}, {16, 48}, {17, 9}, {64, 100}, {1, 1}, {100, 7}};
    for (Algorithm a : {Algorithm::fa1, Algorithm::fa2, Algorithm::vanilla})
        for (int64_t N : {1, 7, 64, 100, 257, 1000})
            for (const auto& bc : blocks) {
                if (bc[0] > N || bc[1] > N) continue;
                AttentionProblem p = make_problem(N, 24, Dtype::fp32);
                p.H = 2;
                p.causal = true;
                const Schedule s = resolve_schedule(make_schedule(a, bc[0], bc[1]), p, g);
                const AnalyticCounts f = exact_counts(p, s);
                const Counters c = count_paper_mode(make_trace(p, s, g)).total;
                CAPTURE(s.describe());
                CAPTURE(N);
                REQUIRE(f.available);
                CHECK(f.hbm_read_bytes == c.total.hbm_read_bytes);
                CHECK(f.hbm_write_bytes == c.total.hbm_write_bytes);
            }
}

TEST_CASE("vanilla at N = 2^20 counts its closed form in 64-bit integers") {
    GpuSpec g = load_gpu("teaching");
    g.sram_bytes_per_sm = int64_t(1) << 34;  // room for 2^16 x 2^16 tiles: the walk stays short
    AttentionProblem p = make_problem(int64_t(1) << 20, 8);
    const Schedule s = resolve_schedule(make_schedule(Algorithm::vanilla, 1 << 16, 1 << 16), p, g);
    const Counters c = count_paper_mode(make_trace(p, s, g)).total;
    const uint64_t N = uint64_t(p.N), d = uint64_t(p.d), es = 2;
    CHECK(c.total.hbm_read_bytes == es * (3 * N * d + 2 * N * N));  // about 2^42: beyond 32 bits
    CHECK(c.total.hbm_write_bytes == es * (2 * N * N + N * d));
    CHECK(c.matmul_flops == 4 * N * N * d);
}

TEST_CASE("fa2 at N = 2^20 with 32 heads counts its closed form in 64-bit integers") {
    GpuSpec g = load_gpu("h100");
    g.sram_bytes_per_sm = int64_t(1) << 30;
    g.register_bytes_per_sm = int64_t(1) << 32;
    AttentionProblem p = make_problem(int64_t(1) << 20, 128);
    p.H = 32;
    for (bool causal : {false, true}) {
        p.causal = causal;
        const Schedule s = resolve_schedule(make_schedule(Algorithm::fa2, 1 << 14, 1 << 14), p, g);
        const Counters c = count_paper_mode(make_trace(p, s, g)).total;
        const uint64_t N = uint64_t(p.N), d = uint64_t(p.d), es = 2, H = 32, Tr = N >> 14;
        // Causal: query block i reads key blocks 0..i (Br = Bc), i.e. (i + 1) Bc keys.
        const uint64_t keys = causal ? (uint64_t(1) << 14) * Tr * (Tr + 1) / 2 : Tr * N;
        CHECK(c.total.hbm_read_bytes == H * es * (N * d + 2 * d * keys));
        CHECK(c.total.hbm_write_bytes == H * (es * N * d + kStatBytes * N));
        CHECK(c.matmul_flops == H * 4 * d * (uint64_t(1) << 14) * keys);  // 2^54 unmasked: beyond a double's 2^53
    }
}
