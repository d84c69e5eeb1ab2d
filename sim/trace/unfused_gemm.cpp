// unfused_gemm.cpp: the GEMM kernels of unfused attention (see unfused_gemm.h).
#include "sim/trace/unfused_gemm.h"

#include <algorithm>

#include "sim/algorithms/footprint_terms.h"
#include "sim/core/errors.h"

namespace flashsim {

UnfusedShape unfused_shape(const AttentionProblem& p, const Schedule& s) {
    return {p.N,    p.Nk(), p.d, s.Br, s.Bc, s.Tr(p), s.Tc(p), p.es(), s.vanilla_gemm == GemmTiling::ideal,
            s.matmul_unit == MatmulUnit::fma};
}

int64_t GemmKernel::ctas_per_head(GemmForm form) const {
    return form == GemmForm::tile ? shape.Tr * shape.Tc : form == GemmForm::stream_rows ? shape.Tr : shape.Tc;
}

GemmKernel gemm_kernel(const UnfusedShape& pass, const Footprint& shared, const AttentionProblem& p, const Schedule& s,
                       const GpuSpec& g, size_t index, GemmForm form) {
    GemmKernel k{pass, shared};
    if (index >= s.gemm_tiles.size()) return k;
    const GemmTile& t = s.gemm_tiles[index];
    if (t.rows <= 0 || t.cols <= 0 || t.k_step <= 0 || t.stages <= 0 || t.cluster < 1 || t.cluster > 2)
        throw ConfigError("GEMM kernel " + std::to_string(index) + ": tile " + std::to_string(t.rows) + "x" + std::to_string(t.cols) +
                          "x" + std::to_string(t.k_step) + ", " + std::to_string(t.stages) + " stages, cluster " +
                          std::to_string(t.cluster) + "; allowed: positive sizes and stages, cluster 1 or 2");
    UnfusedShape& u = k.shape;
    u.cluster = t.cluster;
    k.stages = t.stages;
    if (form == GemmForm::tile) u.Br = t.rows, u.Bc = t.cols;
    else if (form == GemmForm::stream_rows) u.Br = t.rows, u.Bc = t.k_step;
    else u.Bc = t.rows, u.Br = t.k_step;
    u.Br = std::min(u.Br, u.N);
    u.Bc = std::min(u.Bc, u.Nk);
    u.Tr = (u.N + u.Br - 1) / u.Br;
    u.Tc = (u.Nk + u.Bc - 1) / u.Bc;
    FootprintBuilder f(p, g);
    f.sram("A steps", t.stages * t.rows, t.k_step);
    f.sram("B steps", t.stages * t.cols, t.k_step);
    f.acc("C(acc)", t.rows, t.cols);
    k.footprint = f.build();
    if (k.footprint.sram_bytes > g.sram_bytes_per_sm)
        throw ConfigError("GEMM kernel " + std::to_string(index) + ": tile " + std::to_string(t.rows) + "x" + std::to_string(t.cols) +
                          "x" + std::to_string(t.k_step) + " in " + std::to_string(t.stages) + " stages needs " +
                          format_bytes(k.footprint.sram_bytes) + " of SRAM; the " + g.name + " preset has " +
                          format_bytes(g.sram_bytes_per_sm) + " per SM");
    return k;
}

// With k.cluster = 2, CTA blk of the kernel's Tr x Tc grid is member blk % 2 of the cluster of row
// blocks (2 q, 2 q + 1) at column block j (a last odd row block alone): the two launch together,
// and the second receives the first's read of the column operand B_j (kOpMulticast).
CtaProgram gemm_tile_cta(Emitter& e, UnfusedShape k, TileGemm g, LineId line, int64_t blk) {
    int64_t i = blk / k.Tc, j = blk % k.Tc;
    bool partner = false;
    if (k.cluster == 2 && blk < (k.Tr / 2) * 2 * k.Tc) {
        const int64_t pair = blk / 2;
        i = 2 * (pair / k.Tc) + blk % 2, j = pair % k.Tc;
        partner = blk % 2 == 1;
    }
    const BlockRange r = block(i, k.Br, k.N), c = block(j, k.Bc, k.Nk);
    e.load_rows(g.a, line, r.begin, r.size, k.ideal && j > 0 ? kOpReuse : 0);
    e.load_rows(g.b, line, c.begin, c.size, partner ? kOpMulticast : k.ideal && i > 0 ? kOpReuse : 0);
    e.barrier(line);
    if (k.fma) e.matmul_fma(line, r.size, c.size, k.d, 4, 4);  // 4 x 4 outputs per thread
    else e.matmul(line, r.size, c.size, k.d, (r.size + c.size) * k.d * k.es);
    if (g.scale) e.vector(line, r.size * c.size, 0);  // by 1/sqrt(d)
    e.store(g.out, line, r.begin, r.size, c.begin, c.size);
    co_return;
}

CtaProgram gemm_stream_cta(Emitter& e, UnfusedShape k, StreamGemm g, LineId line, int64_t own) {
    const int64_t own_B = g.by_rows ? k.Br : k.Bc, own_n = g.by_rows ? k.N : k.Nk;
    const int64_t loop_B = g.by_rows ? k.Bc : k.Br, loop_n = g.by_rows ? k.Nk : k.N;
    const int64_t blocks = g.by_rows ? k.Tc : k.Tr;
    const BlockRange o = block(own, own_B, own_n);
    for (int64_t b = 0; b < blocks; ++b) {
        co_await e.room();
        const BlockRange l = block(b, loop_B, loop_n);
        const BlockRange r = g.by_rows ? o : l, c = g.by_rows ? l : o;  // the tile's rows and columns
        e.load(g.tiles, line, r.begin, r.size, c.begin, c.size);
        e.load_rows(g.operand, line, l.begin, l.size, k.cluster == 2 && own % 2 == 1 ? kOpMulticast : k.ideal && own > 0 ? kOpReuse : 0);
        e.barrier(line);
        if (k.fma) e.matmul_fma(line, o.size, k.d, l.size, 4, std::max<int64_t>(1, k.d / 16));  // 4 x d/16
        else e.matmul(line, o.size, k.d, l.size, (r.size * c.size + l.size * k.d) * k.es);
        e.barrier(line);
    }
    co_await e.room();
    if (g.scale) e.vector(line, o.size * k.d, 0);  // by tau
    e.store_rows(g.out, line, o.begin, o.size);
}

Footprint row_kernel_footprint(const AttentionProblem& p, const GpuSpec& g, const char* name, int64_t row_floats, bool scratch) {
    FootprintBuilder f(p, g);
    if (row_floats > 0 || scratch) {
        const bool fits = (row_floats + 32) * 4 <= g.sram_bytes_per_sm;
        f.scalar_sram(fits && row_floats > 0 ? name : "scratch", 1, fits ? row_floats : 0, 32);
    }
    return f.build();
}

}  // namespace flashsim
