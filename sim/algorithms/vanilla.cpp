// vanilla.cpp (algorithm table): standard attention, unfused, as the FA paper's Algorithm 0 and
// its backward (FA1 paper, Algorithm 3): S and P (and dP, dS) through HBM. The GEMMs run on
// tensor cores (cuBLAS-class: wgmma on Hopper) or, with --matmul-unit fma, as the scalar kernels'
// CUDA-core FMAs; --vanilla-gemm ideal|tiled chooses the GEMMs' HBM accounting (schedule.h).
#include "sim/algorithms/algorithm.h"
#include "sim/algorithms/footprint_terms.h"
#include "sim/analytic/backward.h"
#include "sim/functional/backward.h"
#include "sim/functional/kernels.h"
#include "sim/trace/backward.h"
#include "sim/trace/generators.h"

namespace flashsim {

// The GEMM kernels' tiles: 64 x 64 output tiles, 4 warps (kernels/v1_vanilla_tiled.cu); the
// backward's GEMMs use the same tiles (no backward defaults of its own). The standard-attention
// entry (standard.cpp) shares these and the footprints below: its GEMMs are the same kernels.
void vanilla_defaults(Schedule& s, const AttentionProblem&, const GpuSpec&) {
    if (!s.Br) s.Br = 64;
    if (!s.Bc) s.Bc = 64;
    if (!s.warps) s.warps = 4;
    if (!s.stages) s.stages = 1;
}

// Each level holds the larger of the two GEMM kernels' needs (the softmax streams one row at a
// time): S = Q.K^T holds Qi, Kj and an Sij accumulator; O = P.V holds Pij, Vj and an Oi
// accumulator. With registers modelled, SRAM and registers each take their own maximum (the QK
// kernel may need more SRAM while the PV kernel needs more registers).
Footprint vanilla_forward_footprint(const Schedule& s, const AttentionProblem& p, const GpuSpec& g) {
    FootprintBuilder f(p, g);
    const int64_t es = p.es(), d = p.d, Br = s.Br, Bc = s.Bc;
    const int64_t qk_sram = (Br * d + Bc * d) * es, pv_sram = (Br * Bc + Bc * d) * es;
    if (f.registers_modelled()) {
        if (qk_sram >= pv_sram) f.sram("Qi", Br, d), f.sram("Kj", Bc, d);
        else f.sram("Pij", Br, Bc), f.sram("Vj", Bc, d);
        f.reg(Bc >= d ? FootprintTerm{"Sij(acc)", Br, Bc, 4} : FootprintTerm{"Oi(acc)", Br, d, 4});
    } else if (qk_sram + Br * Bc * es >= pv_sram + Br * d * es) {
        f.sram("Qi", Br, d), f.sram("Kj", Bc, d), f.sram("Sij(acc)", Br, Bc);
    } else {
        f.sram("Pij", Br, Bc), f.sram("Vj", Bc, d), f.sram("Oi(acc)", Br, d);
    }
    return f.build();
}

// The GEMMs dV = P^T dO and dK = dS^T Q hold a Br x Bc tile, a Br x d tile and a Bc x d
// accumulator; the others have the forward's shapes.
Footprint vanilla_backward_footprint(const Schedule& s, const AttentionProblem& p, const GpuSpec& g) {
    const Footprint fwd = vanilla_forward_footprint(s, p, g);
    FootprintBuilder f(p, g);
    const int64_t es = p.es(), d = p.d, Br = s.Br, Bc = s.Bc;
    const int64_t tn_bytes = (Br * Bc + Br * d) * es + Bc * d * (f.registers_modelled() ? 0 : es);
    if (tn_bytes <= fwd.sram_bytes) return fwd;
    f.sram("Pij", Br, Bc), f.sram("dOi", Br, d);
    f.acc("dVj(acc)", Bc, d);
    return f.build();
}

const AlgorithmInfo& vanilla_algorithm() {
    static const AlgorithmInfo a{
        .id = Algorithm::vanilla,
        .name = "vanilla",
        .title = "Standard attention",
        .summary = "unfused: S = QK^T and P = softmax(S) written to HBM and read back (three kernels)",
        .fill_defaults = vanilla_defaults,
        .forward = {vanilla_listing, append_vanilla_forward, vanilla_forward_footprint, vanilla_forward_counts},
        .backward = {vanilla_backward_listing, append_vanilla_backward, vanilla_backward_footprint, vanilla_backward_counts},
        .engine = {MmaIssue::warpgroup_mma, 1},  // the GEMMs stand for cuBLAS: wgmma on Hopper
        .run_functional = run_vanilla,
        .run_functional_backward = vanilla_backward_tiles,
        .saved = SavedStatistics::probabilities,
        .unfused = true,
        .dropout_mask = DropoutMask::none,  // Algorithm 0 has none; standard is vanilla with dropout
    };
    return a;
}

}  // namespace flashsim
