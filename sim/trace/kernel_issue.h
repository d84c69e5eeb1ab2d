// kernel_issue.h: how a kernel's threads issue their global loads and CUDA-core GEMMs, as the
// kernels that implement the algorithm do it. The timing engine needs it where the hardware is
// latency-bound rather than bandwidth-bound (docs/timing.md, "Latency-bound loads").
//
// Every figure comes from the static SASS of kernels/ (cuobjdump -sass, stored as
// kernels/measurements/sass-fa_bench-2026-12-02.txt.gz; its loops, one trip each, in
// kernels/measurements/sass-loops-fa_bench-2026-12-02.txt, written by kernels/sass_loops.py);
// registers per thread from ptxas (kernels/measurements/ptxas-registers-2026-12-02.txt).
#pragma once
#include <algorithm>
#include <cstdint>

namespace flashsim {

struct KernelIssue {
    // Global loads. 0: bulk (cp.async, TMA or vector loads unrolled: a whole tile in flight, so a
    // tile costs one latency plus its bytes over the bandwidth share). > 0: each thread requests
    // this many bytes at a time with `loads_in_flight` requests outstanding, so a tile of B bytes
    // takes ceil(B / (threads x load_bytes_per_request x loads_in_flight)) round trips, one after
    // another, and the tiles of one step are loaded one after the other.
    int64_t load_bytes_per_request = 0;
    double loads_in_flight = 1;
    // Elementwise loads: warp-instructions the load loop issues per element a thread loads
    // (addressing, the load, conversion, the store to SRAM); each round trip issues them too.
    double insts_per_load_element = 0;
    // CUDA-core GEMMs (MatmulUnit::fma): warp-instructions issued per FMA (the FFMA itself, the
    // shared-memory loads of the operands, addressing, the loop's epilogue).
    double insts_per_fma = 1;
    // Non-matmul work (softmax, rescaling) on CUDA cores, in warp-instructions: per FLOP and per
    // exponential of a vector op (per element, over 32 lanes), plus per warp and iteration (the
    // step's code outside its loops: addressing, loop and barrier code, ldmatrix of the GEMM
    // operands), issued with the iteration's first op with exponentials. 0, 0, 0: not modelled
    // (the op runs at the FP32 and exp rates alone).
    double insts_per_vector_flop = 0, insts_per_exp = 0, insts_per_softmax_step = 0;
    // Registers per thread the kernel was compiled to (ptxas; 0: unknown, the trace's register
    // tiles alone limit occupancy). A CTA holds warps x 32 threads x this, rounded up to 8 per
    // thread (the allocation unit of 256 registers per warp).
    int64_t registers_per_thread = 0;
    // Loads the trace flags kOpRegisterLoad (straight into registers, not through the tile loader:
    // FA1's Oi, li, mi): requests in flight per thread (0: the tile loader's figures) and
    // instructions per element (counted in the step's code instead).
    double register_loads_in_flight = 0, insts_per_register_load_element = 0;
    bool elementwise_loads() const { return load_bytes_per_request > 0; }
    bool vector_issue_modelled() const { return insts_per_vector_flop > 0 || insts_per_exp > 0 || insts_per_softmax_step > 0; }
};

// The tensor-core FlashAttention kernels v5 (mma.sync) and v6 (wgmma): their main loop, per warp
// and key block (kernels/measurements/sass-loops-fa_bench-2026-12-02.txt, the unmasked path):
// per score element a thread issues 2 FFMA/FADD (scale and subtract the max, the row sum), 1 FMNMX
// (the row max), 1 MUFU.EX2 and half an F2FP (P~ to fp16 in pairs); per output element 1 FMUL
// (rescaling Oi): 1 per FLOP of the trace's softmax (4 per score) and rescale (1 per element),
// 0.5 per exponential. Per warp and block, independent of the tile: ~350 integer, move and control
// instructions (v5 d=64: 256 INT + 50 IMAD + 47 other; v6 d=64: 224 INT + 36 IMAD + 33 MOV + 40),
// and for mma.sync kernels the ldmatrix of Kj and Vj, 2 Bc d / 256 per warp (v5: 72 at Bc=128,
// d=64; 80 at Bc=64, d=128).
inline KernelIssue tensor_fa_kernel_issue(bool warp_mma, int64_t Bc, int64_t d) {
    KernelIssue k;
    k.insts_per_vector_flop = 1.0;
    k.insts_per_exp = 0.5;
    k.insts_per_softmax_step = 350.0 + (warp_mma ? 2.0 * double(Bc) * double(d) / 256 : 0.0);
    return k;
}

// The scalar tile kernels v3 (FA1) and v4 (FA2), kernels/scalar_tiles.cuh, 4 threads per query
// row; per thread, from each kernel's main loop in the SASS (fp16; the paths a d and Bc that are
// multiples of 8 and 4 take):
// - tile loads (load_rows_hbm_to_sram): one 2-byte element per thread per trip, each LDG waiting
//   for the one before ("LDG 4 in 4 round trips"), 136-157 instructions per 4 elements: 37 each;
// - Sij = Qi Kj^T (compute_Sij_row): per 8 keys of a thread, floor(d/8) trips of 113 instructions
//   (64 FFMA), a prologue and epilogue of 169 (v4) or 149 (v3) instructions, and a 77 (76)
//   instruction remainder when d/4 is odd;
// - Pij Vj (accumulate_PV): per key, 32 output columns of which d/4 are the thread's (kOCols = 32
//   whatever d): v4 65 instructions per key (its loop is not unrolled), v3 199 per 4 keys;
// - the exponentials: v4 71, v3 73 instructions per 4 score elements of a thread (read Sij,
//   subtract the max, exp, store P~, sum);
// - per step and warp, the main loop's code outside these loops (shuffles of the row max and sum,
//   alpha, the rescale of the 32 Oi registers, barriers, addressing), on the path a full,
//   unmasked block takes: v4 210; v3 615, with its reads of Oi, li, mi straight into registers
//   (38 LDG in 10 round trips: 3.8 requests in flight per thread) and their stores.
// The two GEMMs have the same FMAs (Br x Bc x d), so a kernel's GEMMs issue the mean per FMA.
enum class ScalarTileKernel { fa1_v3, fa2_v4 };
inline KernelIssue scalar_tile_kernel_issue(int64_t elem_bytes, int64_t d, ScalarTileKernel kernel) {
    const bool v4 = kernel == ScalarTileKernel::fa2_v4;
    const double dd = double(d > 0 ? d : 1);
    const double sij_trip = 113.0 * double(d / 8) + (v4 ? 169.0 : 149.0) + ((d / 4) % 2 ? (v4 ? 77.0 : 76.0) : 0.0);
    const double s = sij_trip / (8 * dd), pv = (v4 ? 65.0 : 199.0 / 4) / (dd / 4);
    KernelIssue k{elem_bytes, 1.0, 37.0, (s + pv) / 2};
    k.insts_per_exp = (v4 ? 71.0 : 73.0) / 4;
    k.insts_per_softmax_step = v4 ? 210.0 : 615.0;
    if (!v4) k.register_loads_in_flight = 38.0 / 10;
    k.registers_per_thread = v4 ? 102 : 128;
    return k;
}
// The scalar GEMM kernels of v1 (v1_vanilla_tiled.cu), 4 x 4 outputs per thread: Q, K tiles
// "LDG 8 in 6 round trips" (1.33 in flight), 170 instructions per 8 elements; the k loop 201
// instructions per 128 FMAs. P, V tiles "LDG 4 in 2" (2 in flight), 102 and 141 per 4 elements;
// the k loop 210 per 4 keys of 8 column groups of 16 (kMaxD = 128), predicated, not skipped,
// where a group lies past d: 210 instructions per 4 x 4 x 8 x d / 128 useful FMAs, 210 / d each.
// Registers: 80 (QK) and 64 (PV) per thread.
inline KernelIssue scalar_qk_gemm_issue(int64_t elem_bytes) {
    KernelIssue k{elem_bytes, 8.0 / 6.0, 170.0 / 8, 201.0 / 128};
    k.registers_per_thread = 80;
    return k;
}
inline KernelIssue scalar_pv_gemm_issue(int64_t elem_bytes, int64_t d) {
    KernelIssue k{elem_bytes, 2.0, 243.0 / 8, 210.0 / double(std::min<int64_t>(128, std::max<int64_t>(1, d)))};
    k.registers_per_thread = 64;
    return k;
}
// The row softmax of v1 and v2 (row_softmax_kernel): one element per thread per trip, "LDG 1 in
// 1 round trip", 13 instructions per element (the row is kept in SRAM for the later passes); two
// more passes over the row, 11 (exp, sum) and 17 (exp, scale, convert, store P) instructions per
// element: 28 per exponential of the trace (one per element); ~105 per warp outside the loops
// (two block reductions: shuffles, barriers, the first warp's second level) ...
inline KernelIssue row_softmax_issue(int64_t elem_bytes) {
    KernelIssue k{elem_bytes, 1.0, 13.0, 1.0};
    k.insts_per_exp = 28.0;
    k.insts_per_softmax_step = 105.0;
    k.registers_per_thread = 19;
    return k;
}
// ... launched with 256 threads per row (v1_vanilla_tiled.cu kThreads), whatever the GEMMs' warps.
inline constexpr int64_t kRowSoftmaxWarps = 8;

}  // namespace flashsim
