// schedule.h: how it is computed. The algorithm and its knobs (Br, Bc, warps, stages), the
// defaults the papers and the real kernels choose, and the on-chip footprint of a schedule.
//
// Contract: resolve_schedule() fills every 0 knob with its default and validates the result
// against the problem and the GPU; a schedule that does not fit throws ConfigError with the
// arithmetic ("Br=256, Bc=256, d=128 need 288 KiB of SRAM; the h100 preset has 228 KiB per SM").
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "sim/core/problem.h"

namespace flashsim {

struct GpuSpec;

// The algorithms; each has its entry in the algorithm table (sim/algorithms/algorithm.h), which
// says everything else about it.
enum class Algorithm : uint8_t { vanilla, fa1, fa2, fa3, standard };
// How vanilla's two GEMMs move their operands:
//   ideal: each operand crosses HBM once (the papers' Algorithm 0 accounting);
//   tiled: a grid of Br x Bc output tiles, each CTA re-reading its operand rows from HBM
//          (what a real tiled GEMM issues; an L2 absorbs most of the re-reads).
enum class GemmTiling : uint8_t { ideal, tiled };
// Which unit runs the GEMMs (Sij = Qi Kj^T, Oi += Pij Vj, vanilla's S = QK^T and O = PV):
//   tensor: tensor cores at the element type's tensor rate (the papers' kernels, cuBLAS);
//   fma:    CUDA cores, one fp32 FMA per product (the scalar kernels, versions 1, 3 and 4). Each
//           thread keeps an rm x rn block of the output in registers and, per step of the inner
//           dimension, loads rm elements of A and rn of B from SRAM as fp32 (the tiles are
//           converted on load), so a GEMM of M N K FMAs reads 4 M N K (1/rn + 1/rm) bytes of SRAM
//           as its threads receive them (a value broadcast to a warp's 32 threads still occupies
//           the SRAM pipe as 32 copies: 32 x 4 B = one 128 B wavefront). Register blocking, as
//           the kernels in kernels/ have it:
//             vanilla S = QK^T: 4 x 4 per thread (256 threads, 64 x 64 tile);
//             vanilla O = PV:   4 x d/16 per thread;
//             fa1, fa2 Sij:     1 x 8 (4 threads per query row, 8 key columns at a time);
//             fa1, fa2 PVj:     1 x d/4 (the thread's quarter of the row of Oi).
//           The FMAs run at vector_flops_per_s; the SRAM pipe at sram_bytes_per_cycle_per_sm.
enum class MatmulUnit : uint8_t { tensor, fma };
// The order in which a forward of one CTA per query block (FA2, FA3) launches a head's blocks:
//   index:          block i as CTA i (FA2's reference kernel; kernels/ version 4);
//   heaviest_first: with a causal mask, block Tr - 1 - i as CTA i: the blocks with the most key
//                   blocks start first and the short ones fill the last wave (kernels/ versions 5
//                   and 6). Without one every block has the same work and the order changes
//                   nothing.
enum class BlockOrder : uint8_t { index, heaviest_first };

const char* to_string(Algorithm a);
const char* to_string(GemmTiling g);
const char* to_string(MatmulUnit u);
const char* to_string(BlockOrder o);
Algorithm parse_algorithm(const std::string& s);  // throws ConfigError
GemmTiling parse_gemm_tiling(const std::string& s);
MatmulUnit parse_matmul_unit(const std::string& s);  // throws ConfigError
BlockOrder parse_block_order(const std::string& s);  // throws ConfigError

// One GEMM kernel's own tiling, for unfused attention's GEMMs kernel by kernel: a library picks
// each kernel's (cuBLAS's names state it: the cross-check reads them, sim/crosscheck/mapping.h).
// In the terms of the row-major output C = A B^T of the GEMM (S = Q K^T, dP = dO V^T: N x N_kv;
// O = P V, dV = P^T dO, dQ = dS K, dK = dS^T Q: N x d or N_kv x d):
struct GemmTile {
    int64_t rows = 0;     // C's rows per CTA
    int64_t cols = 0;     // C's columns per CTA (d for the N x d outputs: one CTA covers them)
    int64_t k_step = 0;   // the inner dimension per SRAM step (the N x d outputs' loop step)
    int64_t stages = 1;   // SRAM buffers of A's and B's steps
    int64_t cluster = 1;  // CTAs of consecutive row blocks in one cluster (1 or 2): the operand of
                          // C's columns (K, V, or the N x d GEMMs' dense operand) is read from L2
                          // once and multicast to them (Hopper's TMA multicast)
};

// Each pass has its own knobs, as the real kernels choose them (FA2's backward runs other blocks
// and warps than its forward). Br, Bc, warps, stages are the forward's; bwd_* the backward's.
// With pass=bwd the backward is the only pass: a knob given in either place sets it (both given
// and different is an error), and once resolved both places hold the backward's values, so
// Br, Bc, Tr and Tc always describe the first pass run. The backward never inherits the
// forward's explicit blocks: it uses its own defaults unless bwd_* are given.
struct Schedule {
    Algorithm algo = Algorithm::fa2;
    int64_t Br = 0;      // query rows per block; 0 = default
    int64_t Bc = 0;      // key columns per block; 0 = default
    int64_t warps = 0;   // warps per CTA; 0 = default
    int64_t stages = 0;  // SRAM buffers for Kj, Vj (prefetch depth); 0 = default
    int64_t bwd_Br = 0, bwd_Bc = 0, bwd_warps = 0, bwd_stages = 0;  // the backward's; 0 = its default
    GemmTiling vanilla_gemm = GemmTiling::ideal;
    MatmulUnit matmul_unit = MatmulUnit::tensor;
    BlockOrder block_order = BlockOrder::index;  // the forward's query blocks (fa2, fa3)
    // Unfused attention with vanilla_gemm = tiled: one tiling per GEMM kernel of the run, in the
    // trace's order (forward S, O; backward dV, dP, dQ, dK: kForwardGemmKernels, then
    // kBackwardGemmKernels), in place of Br x Bc; empty: Br x Bc for every GEMM kernel.
    static constexpr size_t kForwardGemmKernels = 2, kBackwardGemmKernels = 4;
    std::vector<GemmTile> gemm_tiles;

    int64_t Tr(const AttentionProblem& p) const { return (p.N + Br - 1) / Br; }
    int64_t Tc(const AttentionProblem& p) const { return (p.Nk() + Bc - 1) / Bc; }
    // This schedule as the backward runs it: bwd_* moved into Br, Bc, warps, stages (a bwd_* knob
    // left 0, as in a schedule built by hand for one pass, keeps the other's value).
    Schedule backward() const;
    // "fa2 Br=128 Bc=64 warps=4 stages=1", then ", bwd Br=64 Bc=128 warps=8 stages=2" when the
    // backward's knobs are set and differ from the forward's.
    std::string describe() const;
    // " gemm tiles 128x256 (K step 64, 4 stages, clusters of 2), 512x64 (K step 64, 2 stages,
    // clusters of 2)" (rows x cols of the output per CTA), or "" without them.
    std::string gemm_tiles_text() const;
};

// On-chip bytes one CTA of the schedule keeps, split as the hardware holds them. Where the
// GPU models no registers (register_bytes_per_sm = 0) everything counts as SRAM.
struct Footprint {
    int64_t sram_bytes = 0;
    int64_t register_bytes = 0;
    std::string sram_arithmetic;      // "Qi 64x64 + Kj 128x64 + ... = 32768 el x 2 B = 64 KiB"
    std::string register_arithmetic;  // "" when registers are not modelled
};
// footprint() takes a resolved schedule: the forward's for pass=fwd, the backward's (with its own
// knobs) for pass=bwd, and for fwdbwd the larger of the two in SRAM bytes.
Footprint footprint(const Schedule& s, const AttentionProblem& p, const GpuSpec& g);
// One pass's footprint from the schedule's Br, Bc, warps, stages: give backward_footprint the
// backward's view (s.backward()).
Footprint forward_footprint(const Schedule& s, const AttentionProblem& p, const GpuSpec& g);
Footprint backward_footprint(const Schedule& s, const AttentionProblem& p, const GpuSpec& g);

// Fills defaults from the algorithm table (FA1: Bc = ceil(M/4d), Br = min(ceil(M/4d), d), M the
// SRAM size in elements; FA2/FA3: the real kernels' tiles; each pass its own), shrinks defaulted
// blocks and stages until they fit, then validates each pass the problem runs against its own
// footprint. Throws ConfigError naming the pass. bwd_* given with pass=fwd are refused.
Schedule resolve_schedule(Schedule s, const AttentionProblem& p, const GpuSpec& g);

std::string format_bytes(int64_t bytes);  // "64 KiB", "1.5 MiB", "288 KiB"

}  // namespace flashsim
