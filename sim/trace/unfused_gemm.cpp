// unfused_gemm.cpp: the GEMM kernels of unfused attention (see unfused_gemm.h).
#include "sim/trace/unfused_gemm.h"

#include <algorithm>

#include "sim/algorithms/footprint_terms.h"

namespace flashsim {

UnfusedShape unfused_shape(const AttentionProblem& p, const Schedule& s) {
    return {p.N,    p.Nk(), p.d, s.Br, s.Bc, s.Tr(p), s.Tc(p), p.es(), s.vanilla_gemm == GemmTiling::ideal,
            s.matmul_unit == MatmulUnit::fma};
}

CtaProgram gemm_tile_cta(Emitter& e, UnfusedShape k, TileGemm g, LineId line, int64_t i, int64_t j) {
    const BlockRange r = block(i, k.Br, k.N), c = block(j, k.Bc, k.Nk);
    e.load_rows(g.a, line, r.begin, r.size, k.ideal && j > 0 ? kOpReuse : 0);
    e.load_rows(g.b, line, c.begin, c.size, k.ideal && i > 0 ? kOpReuse : 0);
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
        e.load_rows(g.operand, line, l.begin, l.size, k.ideal && own > 0 ? kOpReuse : 0);
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
