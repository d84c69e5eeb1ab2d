// The counting layer in paper mode equals the closed forms of the listings, written here
// from the papers' symbols (N, d, Tr, Tc, element size), for many shapes.
#include <doctest/doctest.h>

#include "sim/engine/counting.h"
#include "sim/gpu/gpu_spec.h"
#include "sim/trace/trace.h"

using namespace flashsim;

namespace {

struct Shape {
    int64_t N, d, Br, Bc;
    Dtype dtype;
};

Counters count(Algorithm a, const Shape& sh, bool causal, int64_t heads = 1) {
    AttentionProblem p;
    p.H = heads;
    p.N = sh.N;
    p.d = sh.d;
    p.dtype = sh.dtype;
    p.causal = causal;
    Schedule s;
    s.algo = a;
    s.Br = sh.Br;
    s.Bc = sh.Bc;
    GpuSpec g = load_gpu("h100");
    g.sram_bytes_per_sm = int64_t(1) << 30;  // closed forms do not depend on the SRAM size
    g.register_bytes_per_sm = int64_t(1) << 30;
    const Schedule r = resolve_schedule(s, p, g);
    return count_paper_mode(make_trace(p, r, g)).total;
}

const Shape kShapes[] = {
    {1024, 64, 64, 64, Dtype::fp16},   {1000, 64, 64, 128, Dtype::fp16}, {777, 96, 32, 48, Dtype::fp32},
    {4096, 128, 128, 64, Dtype::bf16}, {130, 16, 17, 9, Dtype::fp8},     {1, 8, 1, 1, Dtype::fp16},
};

}  // namespace

TEST_CASE("vanilla in paper mode reads 3Nd + 2N^2 and writes 2N^2 + Nd elements per head") {
    for (const auto& sh : kShapes)
        for (bool causal : {false, true}) {
            const Counters c = count(Algorithm::vanilla, sh, causal, 3);
            const uint64_t N = sh.N, d = sh.d, es = dtype_bytes(sh.dtype);
            CHECK(c.total.hbm_read_bytes == 3 * es * (3 * N * d + 2 * N * N));
            CHECK(c.total.hbm_write_bytes == 3 * es * (2 * N * N + N * d));
        }
}

TEST_CASE("fa1 in paper mode reads 2Nd + Tc(2Nd + 2N) and writes Tc(Nd + 2N) per head") {
    for (const auto& sh : kShapes) {
        const Counters c = count(Algorithm::fa1, sh, false, 2);
        const uint64_t N = sh.N, d = sh.d, es = dtype_bytes(sh.dtype), st = kStatBytes;
        const uint64_t Tc = (N + sh.Bc - 1) / sh.Bc;
        CHECK(c.total.hbm_read_bytes == 2 * (es * 2 * N * d + Tc * (es * 2 * N * d + st * 2 * N)));
        CHECK(c.total.hbm_write_bytes == 2 * Tc * (es * N * d + st * 2 * N));
    }
}

TEST_CASE("fa2 in paper mode reads Nd + Tr 2Nd and writes Nd plus the fp32 LSE per head") {
    for (const auto& sh : kShapes) {
        const Counters c = count(Algorithm::fa2, sh, false, 5);
        const uint64_t N = sh.N, d = sh.d, es = dtype_bytes(sh.dtype);
        const uint64_t Tr = (N + sh.Br - 1) / sh.Br;
        CHECK(c.total.hbm_read_bytes == 5 * es * (N * d + Tr * 2 * N * d));
        CHECK(c.total.hbm_write_bytes == 5 * (es * N * d + kStatBytes * N));
        CHECK(c.per_tensor[size_t(Tensor::S)].hbm_write_bytes == 0);  // S and P never reach HBM
        CHECK(c.per_tensor[size_t(Tensor::P)].hbm_read_bytes == 0);
    }
}

TEST_CASE("causal fa2 skips exactly the key blocks above the diagonal") {
    // Query block i (rows i*Br .. min((i+1)Br, N) - 1) reads key blocks 0 .. floor(last row / Bc).
    for (const auto& sh : kShapes) {
        const Counters c = count(Algorithm::fa2, sh, true);
        const uint64_t N = sh.N, d = sh.d, es = dtype_bytes(sh.dtype);
        uint64_t keys = 0;
        for (uint64_t r0 = 0; r0 < N; r0 += sh.Br) {
            const uint64_t last = std::min<uint64_t>(r0 + sh.Br, N) - 1;
            keys += std::min<uint64_t>(N, (last / sh.Bc + 1) * sh.Bc);
        }
        CHECK(c.total.hbm_read_bytes == es * (N * d + 2 * d * keys));
        const uint64_t full = es * (N * d + 2 * d * N * ((N + sh.Br - 1) / sh.Br));
        if (N > uint64_t(sh.Bc)) CHECK(c.total.hbm_read_bytes < full);
    }
}

TEST_CASE("matmul FLOPs are 4 N^2 d per head for every algorithm without a mask") {
    for (const auto& sh : kShapes)
        for (Algorithm a : {Algorithm::vanilla, Algorithm::fa1, Algorithm::fa2}) {
            const Counters c = count(a, sh, false);
            CHECK(c.matmul_flops == 4 * uint64_t(sh.N) * sh.N * sh.d);
        }
}
