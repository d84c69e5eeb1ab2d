// Unfused attention's GEMM kernels on tiles of their own (Schedule::gemm_tiles, as cuBLAS's
// kernel names state them): each kernel's grid, footprint and stages follow its tile, and a
// cluster of two row blocks reads the operand of the output's columns from the L2 once (the
// partner's copy is multicast: coalesced, not a global read). Expected bytes are closed forms of
// the tiles.
#include <doctest/doctest.h>

#include <string>

#include "sim/core/errors.h"
#include "sim/engine/counting.h"
#include "sim/engine/simulate.h"
#include "sim/gpu/gpu_spec.h"
#include "sim/trace/trace.h"

using namespace flashsim;

namespace {

AttentionProblem problem(Pass pass) {
    AttentionProblem p;
    p.H = 2;
    p.N = 1024;
    p.d = 64;
    p.pass = pass;
    return p;
}

Schedule tiled(std::vector<GemmTile> tiles) {
    Schedule s;
    s.algo = Algorithm::vanilla;
    s.vanilla_gemm = GemmTiling::tiled;
    s.gemm_tiles = std::move(tiles);
    return s;
}

// nvjet_sm90_hsh_256x128_64x4_1x2 (S = Q K^T: 128 query rows, 256 keys) and
// nvjet_sm90_hsh_64x512_64x2_1x2 (the N x d products: 512 rows, all 64 columns).
const GemmTile kTileGemm{128, 256, 64, 4, 2}, kStreamGemm{512, 64, 64, 2, 2};

}  // namespace

TEST_CASE("a GEMM kernel's own tile sets its grid, footprint and stages, and a cluster of two reads the shared operand once") {
    GpuSpec g = load_gpu("h200");
    g.l2_coalesce_window_ns = 0;  // the L2 model's requests are then the tiles' (no timing-dependent merges)
    const AttentionProblem p = problem(Pass::fwd);
    const uint64_t N = 1024, d = 64, es = 2, heads = 2;
    const Trace t = make_trace(p, resolve_schedule(tiled({kTileGemm, kStreamGemm}), p, g), g);
    REQUIRE(t.kernels.size() == 3);
    const KernelTrace &qk = *t.kernels[0], &pv = *t.kernels[2];
    CHECK(qk.ctas_per_head == (1024 / 128) * (1024 / 256));
    CHECK(pv.ctas_per_head == 1024 / 512);
    CHECK(qk.stages == 4);
    CHECK(pv.stages == 2);
    CHECK(t.kernels[1]->stages == 1);  // the softmax keeps its pass's
    // Four stages of a 128- and a 256-row step of 64 elements: 4 (128 + 256) 64 x 2 B = 192 KiB.
    CHECK(qk.footprint.sram_bytes == 4 * (128 + 256) * 64 * 2);
    CHECK(pv.footprint.sram_bytes == 2 * (512 + 64) * 64 * 2);

    // Requests: every CTA of S = Q K^T reads its Q rows (Tc = 4 column blocks each); K_j is read
    // by the first CTA of each pair of row blocks (Tr / 2 = 4 pairs) and multicast to the other.
    // O = P V: each of the 2 CTAs reads its rows of P once; V by the first, multicast to the second.
    const auto check = [&](const Counters& c, const char* layer) {
        INFO(layer);
        const auto& q = c.per_tensor[size_t(Tensor::Q)];
        const auto& k = c.per_tensor[size_t(Tensor::K)];
        const auto& v = c.per_tensor[size_t(Tensor::V)];
        const auto& pm = c.per_tensor[size_t(Tensor::P)];
        CHECK(q.global_read_bytes == heads * 4 * N * d * es);
        CHECK(q.l2_coalesced_bytes == 0);
        CHECK(k.global_read_bytes == heads * 4 * N * d * es);
        CHECK(k.l2_coalesced_bytes == heads * 4 * N * d * es);
        CHECK(v.global_read_bytes == heads * N * d * es);
        CHECK(v.l2_coalesced_bytes == heads * N * d * es);
        CHECK(pm.global_read_bytes == heads * N * N * es);
        CHECK(pm.l2_coalesced_bytes == 0);
    };
    check(count_paper_mode(t).total, "paper mode");
    SimOptions exact;
    exact.exact = true;
    check(simulate(p, tiled({kTileGemm, kStreamGemm}), g, exact).counts, "L2 model");
    // Without the cluster the shared operands are read by every CTA that needs them.
    GemmTile lone = kTileGemm, lone_stream = kStreamGemm;
    lone.cluster = lone_stream.cluster = 1;
    const Counters c = simulate(p, tiled({lone, lone_stream}), g, exact).counts;
    CHECK(c.per_tensor[size_t(Tensor::K)].global_read_bytes == heads * 8 * N * d * es);
    CHECK(c.per_tensor[size_t(Tensor::V)].global_read_bytes == heads * 2 * N * d * es);
    CHECK(c.per_tensor[size_t(Tensor::K)].l2_coalesced_bytes == 0);
}

TEST_CASE("the backward's GEMM kernels take the tiles after the forward's, and a tile that does not fit is refused") {
    const GpuSpec g = load_gpu("h200");
    const uint64_t N = 1024, d = 64, es = 2, heads = 2;
    // dV = P^T dO, dP = dO V^T, dQ = dS K, dK = dS^T Q: the N x d products on 512-row tiles in
    // pairs (dO, K, Q multicast), dP on the tile GEMM's (V multicast).
    for (Pass pass : {Pass::bwd, Pass::fwdbwd}) {
        const AttentionProblem p = problem(pass);
        std::vector<GemmTile> tiles = {kStreamGemm, kTileGemm, kStreamGemm, kStreamGemm};
        if (pass == Pass::fwdbwd) tiles.insert(tiles.begin(), {kTileGemm, kStreamGemm});
        const Trace t = make_trace(p, resolve_schedule(tiled(tiles), p, g), g);
        const Counters c = count_paper_mode(t).total;
        const uint64_t fwd_k = pass == Pass::fwdbwd ? 4 * N * d * es : 0, fwd_v = pass == Pass::fwdbwd ? N * d * es : 0;
        INFO(to_string(pass));
        // dV and dK read dO and Q once a pair of their 2 key blocks; dQ reads K likewise; dP reads
        // dO in every CTA (4 key blocks) and V once a pair of its 8 query blocks; the softmax's
        // backward reads dO's rows once more (D = rowsum(dO o O)).
        CHECK(c.per_tensor[size_t(Tensor::dO)].global_read_bytes == heads * (N * d * es + 4 * N * d * es + N * d * es));
        CHECK(c.per_tensor[size_t(Tensor::dO)].l2_coalesced_bytes == heads * N * d * es);
        CHECK(c.per_tensor[size_t(Tensor::V)].global_read_bytes == heads * (4 * N * d * es + fwd_v));
        CHECK(c.per_tensor[size_t(Tensor::K)].global_read_bytes == heads * (N * d * es + fwd_k));
        CHECK(c.per_tensor[size_t(Tensor::Q)].l2_coalesced_bytes == heads * N * d * es);
    }
    const AttentionProblem p = problem(Pass::fwd);
    GemmTile big = kTileGemm;
    big.stages = 8;  // 8 (128 + 256) 64 x 2 B = 384 KiB > 228 KiB
    CHECK_THROWS_WITH_AS(make_trace(p, resolve_schedule(tiled({big, kStreamGemm}), p, g), g), doctest::Contains("of SRAM"), ConfigError);
    GemmTile three = kTileGemm;
    three.cluster = 3;
    CHECK_THROWS_WITH_AS(make_trace(p, resolve_schedule(tiled({three, kStreamGemm}), p, g), g), doctest::Contains("cluster 1 or 2"),
                         ConfigError);
}
