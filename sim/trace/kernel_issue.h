// kernel_issue.h: how a kernel's threads issue their global loads and CUDA-core GEMMs, as the
// kernels that implement the algorithm do it. The timing engine needs it where the hardware is
// latency-bound rather than bandwidth-bound (docs/timing.md, "Latency-bound loads").
//
// Every figure comes from the static SASS of kernels/ (cuobjdump -sass, stored as
// kernels/measurements/sass-fa_bench-2026-12-02.txt.gz; its loops, one trip each, in
// kernels/measurements/sass-loops-fa_bench-2026-12-02-sm_90.txt, written by kernels/sass_loops.py
// from the sm_90 cubin, the code an H100 or H200 runs);
// registers per thread from ptxas (kernels/measurements/ptxas-registers-2026-12-02.txt).
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>

namespace flashsim {

// The critical path of one warp through a loop trip whose instructions wait for each other, in
// latencies by the class of the instruction waited on and single issue slots (kernels/sass_loops.py
// --chain on the kernel's SASS). Its cycles: the counts times GpuSpec::*_dependent_cycles.
struct DependentChain {
    double sram = 0, mufu = 0, alu = 0, slots = 0;
    DependentChain per(double n) const { return {sram / n, mufu / n, alu / n, slots / n}; }
    DependentChain plus(const DependentChain& o) const { return {sram + o.sram, mufu + o.mufu, alu + o.alu, slots + o.slots}; }
};

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
    // Elementwise loads of several tiles in one step (a row kernel's P and dP rows) in flight
    // together: each thread interleaves its requests for all of them, so the step takes the round
    // trips of their summed bytes, not each tile's one after the other.
    bool tiles_in_flight_together = false;
    // Its code is independent ALU/FMA chains without shared-memory operands (the element-wise row
    // kernels): it issues at GpuSpec::alu_cycles_per_inst*, not at the GEMM code's rate.
    bool alu_issue = false;
    // Shared-memory wavefronts per conflict-free wavefront of the compute ops' SRAM traffic: 1
    // without bank conflicts; a warp's 32-bit accesses at a 16-byte stride (thread t at 16 t) hit
    // each bank 4 times and take 4.
    double sram_conflict_factor = 1;
    // The dependent chain of one warp per exponential of the trace's vector ops (empty: not counted):
    // a CTA's vector op takes at least exps / (warps x 32) times it, its warps' chains running side
    // by side (docs/timing.md, "Dependent chains").
    DependentChain chain_per_exp{};
    // The same per FMA of a CUDA-core GEMM (MatmulUnit::fma), a thread's FMAs on the chain.
    DependentChain chain_per_fma{};
    bool elementwise_loads() const { return load_bytes_per_request > 0; }
    bool vector_issue_modelled() const { return insts_per_vector_flop > 0 || insts_per_exp > 0 || insts_per_softmax_step > 0; }
};

// The tensor-core FlashAttention kernels v5 (mma.sync) and v6 (wgmma): their main loop, per warp
// and key block (kernels/measurements/sass-loops-fa_bench-2026-12-02.txt, v5's sm_80 code, and
// -sm_90.txt, v6's sm_90a code; the unmasked path):
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

// The FA2 backward on tensor cores, kernels/v7 (its main loop per warp and query block i, the sm_90
// code an H100 or H200 runs: kernels/measurements/sass-loops-v7_fa2_bwd-2026-12-02-sm_90.txt, fp16
// and bf16 alike; the body with the causal mask's code, which ncu counts within 1.5% of on every
// run of nvidia-h200-2026-12-02-v7.json): 1948 instructions at d = 64 (Br = Bc = 128, 8 warps) and
// 1599 at d = 128 (Br = 64), of which
// - 320 HMMA: the five GEMMs' m16n8k16, 5 Br Bc d / (2048 warps) per warp (the tensor pipe's);
// - per score element of a thread 1 MUFU.EX2, 3 FFMA/FMUL/FADD (scale and subtract LSE; dP - D,
//   times P), 1 FSEL/FMNMX and 1 F2FP (P and dS to 16 bits, in pairs): 1.25 per FLOP of the trace's
//   vector ops (4 per score element) and 1 per exponential;
// - the rest, per warp and step: 1244 (d = 64; 855 INT, 176 LDSM, 53 IMAD, 38 LDS, 36 control, 32
//   STS, 16 REDG, ...) and 1087 (d = 128; 695 INT, 184 LDSM, 78 IMAD, ...): the GEMM operands'
//   ldmatrix and their swizzled addresses, 3.89 and 3.40 per HMMA. Other blocks and head dims take
//   the rate of the nearer compiled head dim times their HMMA per warp (an assumption: the
//   addressing grows with the GEMMs' fragments).
inline KernelIssue fa2_backward_kernel_issue(int64_t Br, int64_t Bc, int64_t d, int64_t warps) {
    KernelIssue k;
    k.insts_per_vector_flop = 1.25;
    k.insts_per_exp = 1.0;
    const double hmma_per_warp = 5.0 * double(Br) * double(Bc) * double(d) / (2048.0 * double(std::max<int64_t>(1, warps)));
    k.insts_per_softmax_step = (d <= 96 ? 1244.0 / 320.0 : 1087.0 / 320.0) * hmma_per_warp;
    return k;
}

// The scalar tile kernels v3 (FA1) and v4 (FA2), kernels/scalar_tiles.cuh, 4 threads per query
// row; per thread, from each kernel's main loop in its sm_90 code (what an H100 or H200 runs:
// kernels/measurements/sass-loops-fa_bench-2026-12-02-sm_90.txt; fp16; the paths a d and Bc that
// are multiples of 8 and 4 take):
// - tile loads (load_rows_hbm_to_sram): one 2-byte element per thread per trip, each LDG waiting
//   for the one before ("LDG 4 in 4 round trips"), 159-164 instructions per 4 elements (the six
//   loops of Qi, Kj, Vj in v3 and v4: 161.5 on average);
// - Sij = Qi Kj^T (compute_Sij_row): per 8 keys of a thread, floor(d/8) trips of 122 instructions
//   (64 FFMA), a prologue and epilogue of 220 (v4) or 173 (v3) instructions, and an 82 (84)
//   instruction remainder when d/4 is odd;
// - Pij Vj (accumulate_PV): per key, 32 output columns of which d/4 are the thread's (kOCols = 32
//   whatever d): v4 66, v3 54 instructions per key (neither loop is unrolled);
// - the exponentials: v4 72, v3 73 instructions per 4 score elements of a thread (read Sij,
//   subtract the max, exp, store P~, sum);
// - per step and warp, the main loop's code outside these loops (shuffles of the row max and sum,
//   alpha, the rescale of the 32 Oi registers, barriers, addressing, the loops' set-up), on the
//   path a full, unmasked block with Bc / 4 a multiple of 4 takes (the exp loop's peeled
//   remainder, 63-64 instructions, and the d = 0 path are skipped): v4 157; v3 610, with its
//   reads of Oi, li, mi straight into registers (38 LDG in 10 round trips: 3.8 requests in flight
//   per thread), 1 / li and the 210 instructions that store Oi, li, mi.
// The two GEMMs have the same FMAs (Br x Bc x d), so a kernel's GEMMs issue the mean per FMA.
enum class ScalarTileKernel { fa1_v3, fa2_v4 };
inline KernelIssue scalar_tile_kernel_issue(int64_t elem_bytes, int64_t d, ScalarTileKernel kernel) {
    const bool v4 = kernel == ScalarTileKernel::fa2_v4;
    const double dd = double(d > 0 ? d : 1);
    const double sij_trip = 122.0 * double(d / 8) + (v4 ? 220.0 : 173.0) + ((d / 4) % 2 ? (v4 ? 82.0 : 84.0) : 0.0);
    const double s = sij_trip / (8 * dd), pv = (v4 ? 66.0 : 54.0) / (dd / 4);
    KernelIssue k{elem_bytes, 1.0, 161.5 / 4, (s + pv) / 2};
    k.insts_per_exp = (v4 ? 72.0 : 73.0) / 4;
    // Their loops as chains (kernels/measurements/sass-loops-scalar_tiles-chain-sm_90.txt,
    // kernels/sass_loops.py --chain): Sij per trip of 64 FMAs, v4 7 LDS + 27 ALU latencies + 23
    // slots, v3 8 + 25 + 23; P~V per key (d / 4 FMAs of a thread), v4 2 LDS + 6 ALU + 31 slots, v3
    // 4 + 2 + 39; the exponentials per 4, v4 2 LDS + 2 MUFU + 15 ALU + 24 slots, v3 4 + 3 + 14 + 11.
    const DependentChain sij = v4 ? DependentChain{7, 0, 27, 23} : DependentChain{8, 0, 25, 23};
    const DependentChain pv_key = v4 ? DependentChain{2, 0, 6, 31} : DependentChain{4, 0, 2, 39};
    k.chain_per_fma = sij.per(64).plus(pv_key.per(dd / 4)).per(2);
    k.chain_per_exp = (v4 ? DependentChain{2, 2, 15, 24} : DependentChain{4, 3, 14, 11}).per(4);
    k.insts_per_softmax_step = v4 ? 157.0 : 610.0;
    if (!v4) k.register_loads_in_flight = 38.0 / 10;
    k.registers_per_thread = v4 ? 102 : 128;
    return k;
}
// The scalar GEMM kernels of v1 (v1_vanilla_tiled.cu), 4 x 4 outputs per thread, in their sm_90
// code: Q, K tiles "LDG 8 in 2 round trips" (4 in flight), 179 instructions per 8 elements; the k
// loop 199 instructions per 128 FMAs. P tiles "LDG 4 in 2" (2 in flight) at 110 instructions per
// 4 elements, V tiles "LDG 4 in 4" (1 in flight) at 152: a step of a 64 x 64 P tile and a 64 x d
// V tile takes 64 / 2 + d round trips of 256 threads, (64 + d) / (32 + d) requests in flight on
// average; the k loop 217 per 4 keys of 8 column groups of 16 (kMaxD = 128), predicated, not
// skipped, where a group lies past d: 217 instructions per 4 x 4 x 8 x d / 128 useful FMAs,
// 217 / d each. Registers: 80 (QK) and 64 (PV) per thread.
inline KernelIssue scalar_qk_gemm_issue(int64_t elem_bytes) {
    KernelIssue k{elem_bytes, 8.0 / 2.0, 179.0 / 8, 199.0 / 128};
    k.registers_per_thread = 80;
    return k;
}
inline KernelIssue scalar_pv_gemm_issue(int64_t elem_bytes, int64_t d) {
    const double dd = double(std::min<int64_t>(128, std::max<int64_t>(1, d)));
    KernelIssue k{elem_bytes, (64.0 + dd) / (32.0 + dd), (110.0 + 152.0) / 8, 217.0 / dd};
    k.registers_per_thread = 64;
    return k;
}
// The row softmax is launched with 256 threads per row (v1_vanilla_tiled.cu kThreads), whatever
// the GEMMs' warps.
inline constexpr int64_t kRowSoftmaxWarps = 8;

// The row softmax of v1 and v2 (row_softmax_kernel), its sm_90 code (what an H100 or H200 runs;
// kernels/measurements/sass-loops-fa_bench-2026-12-02-sm_90.txt): one element per thread per
// trip, "LDG 1 in 1 round trip", 14 instructions per element with the loop's branch (the row is
// kept in SRAM for the later passes); two more passes over the row, 12 (exp, sum) and 18 (exp,
// scale, convert, store P) instructions per element: 30 per exponential of the trace (one per
// element). Outside the loops, on the path of a row of normal values: 120 instructions per warp
// (prologue with the row index division, two block reductions: shuffles, barriers, the
// reciprocal) and 37 more in the first warp (the reductions' second level): 120 + 37 / 8 per warp.
// (ncu's smsp__inst_executed of this kernel on the H200 is (14 + 30) N / 256 + 124.6 per warp at
// N = 1024, 4096 and 16384: kernels/measurements/nvidia-h200-2026-12-01-*.json.)
// The two exp passes are chains (kernels/measurements/sass-loops-row_softmax-chain-sm_90.txt:
// kernels/sass_loops.py --chain): each trip reads the row from SRAM, subtracts the max, scales,
// exponentiates and sums or stores, every instruction on the one before; their critical paths per
// trip, 1 LDS + 1 MUFU + 6 ALU latencies + 4 issue slots (exp, sum) and 1 + 1 + 8 + 5 (exp, scale,
// convert, store P). The load pass's chain after its load (4 ALU latencies, 9 slots: 25 cycles on
// the H200) is about its 14 instructions at cuda_core_cycles_per_inst_one_warp (27), counted so.
inline KernelIssue row_softmax_issue(int64_t elem_bytes) {
    KernelIssue k{elem_bytes, 1.0, 14.0, 1.0};
    k.insts_per_exp = 12.0 + 18.0;
    k.chain_per_exp = DependentChain{1.0 + 1.0, 1.0 + 1.0, 6.0 + 8.0, 4.0 + 5.0};
    k.insts_per_softmax_step = 120.0 + 37.0 / double(kRowSoftmaxWarps);
    k.registers_per_thread = 19;
    return k;
}

// The row kernels of kernels/unfused_rows.cu (standard attention's element-wise steps, vanilla's
// softmax backward): one CTA of 256 threads (kRowThreads there) per row.
inline constexpr int64_t kUnfusedRowWarps = 8;

// How a thread of those kernels walks its row (FOR_ROW), as their sm_90 code runs it: T = ceil(N /
// (256 VEC)) trips, VEC = 4 elements per access when N is a multiple of 4 (else 1: the VEC = 1
// code is not counted; it takes the same counts per trip); the T mod `unroll` first trips one at
// a time, the rest `unroll` to a trip of the unrolled body.
struct RowTrips {
    int64_t vec, trips, rem, bodies;
};
inline RowTrips row_trips(int64_t Nk, int64_t unroll) {
    const int64_t threads = kUnfusedRowWarps * 32, vec = Nk % 4 == 0 ? 4 : 1;
    const int64_t trips = std::max<int64_t>(1, (Nk + threads * vec - 1) / (threads * vec));
    return {vec, trips, trips % unroll, trips / unroll};
}
// The instructions of such a loop: `per_rem` a single trip (`rem_setup` once when there are any),
// `per_body` an unrolled body (`body_setup` once when there are any).
inline double trip_code(const RowTrips& t, double rem_setup, double per_rem, double body_setup, double per_body) {
    return (t.rem ? rem_setup + per_rem * double(t.rem) : 0.0) + (t.bodies ? body_setup + per_body * double(t.bodies) : 0.0);
}
// An element-wise row kernel's loop over its row, per warp (sim/trace/standard.cpp has each
// kernel's figures): `around` instructions outside the loop (prologue, the exit tests), the single
// trips and the unrolled bodies as above; a body waits for `body_round_trips` round trips (1: its
// loads are issued together; `unroll`: each trip's loads wait for the store before them, which may
// alias), a single trip for one.
struct RowLoopCode {
    double around, rem_setup, per_rem, body_setup, per_body;
    int64_t unroll;
    double body_round_trips;
};
// Loads in round trips, every instruction of the kernel on the round trips' chain (each trip loads,
// computes and stores); `loaded_bytes` per row. All kernels of kernels/unfused_rows.cu counted here
// are fp16's (sass-unfused_rows-2026-12-02.txt.gz); bf16 and fp32 take the same counts (fp32:
// 16-byte accesses).
inline KernelIssue row_loop_issue(int64_t Nk, int64_t elem_bytes, int64_t loaded_bytes, const RowLoopCode& c, int64_t registers) {
    const RowTrips t = row_trips(Nk, c.unroll);
    const double round_trips = double(t.rem) + c.body_round_trips * double(t.bodies);
    const double requests = double(loaded_bytes) / double(t.vec * elem_bytes) / double(kUnfusedRowWarps * 32);
    KernelIssue k;
    k.load_bytes_per_request = t.vec * elem_bytes;
    k.loads_in_flight = requests / round_trips;
    k.tiles_in_flight_together = true;
    k.insts_per_load_element = (c.around + trip_code(t, c.rem_setup, c.per_rem, c.body_setup, c.per_body)) / requests;
    k.alu_issue = true;
    k.registers_per_thread = registers;
    return k;
}

// The two softmax backwards below (ncu's smsp__inst_executed of both kernels on the H200 equals
// their counts per warp at N = 1024 and 4096: 165.1 and 266.1 for the first, 115.1 and 174.1 for
// the second at d = 64, nvidia-h200-2026-12-02-unfused.json) unroll their loops by 4.
// Both end with the same block reduction: shuffles, two barriers, the partial sums through a
// 32-float scratch: 22 instructions per warp and 25 more in the first warp (the second level).
inline constexpr double kRowReduceInsts = 22.0 + 25.0 / 8;

// Standard attention's softmax backward (softmax_backward_kernel): dS = P o (dP - rowsum(P o dP)),
// the P and dP rows kept in SRAM as floats. Phase 1 loads P and dP together (2 requests a trip:
// the single trips one round trip each; the unrolled loop issues 4 requests, then 4 more once the
// first pair is in: 2 round trips per 4 trips), converts, stores both to SRAM, sums P dP: 36
// instructions a single trip, 99 per unrolled 4 (set-up 23, 17), 21 around them. Phase 2 reads the
// rows back, computes and stores dS: 26 a trip, 74 per 4 (set-up 18, 14), 16 around them, and the
// reduction between. The SRAM stores are 32-bit at a 16-byte stride (thread t writes elements
// 4t..4t+3, one per STS): 4-way bank conflicts; phase 2 reads P with LDS.128 (none) and dP with
// 4-way conflicted LDS: per warp and trip 8 x 4 + 4 x 4 + 4 = 52 wavefronts for the 2048 bytes the
// trace counts (16 conflict-free ones). VEC = 1 accesses are conflict-free.
inline KernelIssue softmax_backward_rows_issue(int64_t Nk, int64_t elem_bytes, int64_t registers) {
    const RowTrips t = row_trips(Nk, 4);
    const double requests = 2.0 * double(t.trips), round_trips = double(t.rem + 2 * t.bodies);
    KernelIssue k;
    k.load_bytes_per_request = t.vec * elem_bytes;
    k.loads_in_flight = requests / round_trips;
    k.tiles_in_flight_together = true;
    k.insts_per_load_element = (21.0 + trip_code(t, 23, 36, 17, 99)) / requests;
    // The vector op: 4 FLOPs per element of the row.
    k.insts_per_vector_flop = double(kUnfusedRowWarps * 32) * (kRowReduceInsts + 16 + trip_code(t, 18, 26, 14, 74)) / (4.0 * double(Nk));
    k.sram_conflict_factor = t.vec == 4 ? 52.0 / 16.0 : 1.0;
    k.registers_per_thread = registers;
    return k;
}

// Vanilla's softmax backward (softmax_backward_do_o_kernel): D = dO_n . O_n, one element per
// thread of the first d threads (52 instructions in a warp that has them, 8 in one that has
// none), the reduction, then P and dP streamed through registers: each trip loads both (one round
// trip: the loads of a trip wait for the store of the one before), computes and stores dS, 35
// instructions a single trip, 95 per unrolled 4 (set-up 17, 16), 19 around them. The round trips:
// one for dO and O (d <= 1024), one per trip.
inline KernelIssue softmax_backward_do_o_issue(int64_t Nk, int64_t d, int64_t elem_bytes, int64_t registers) {
    const RowTrips t = row_trips(Nk, 4);
    const double warps = double(kUnfusedRowWarps), dot_warps = std::min(warps, std::ceil(double(d) / 32.0));
    const double dot = (dot_warps * 52.0 + (warps - dot_warps) * 8.0) / warps;
    const double request = double(t.vec * elem_bytes);
    const double requests = (2.0 * double(d) * double(elem_bytes) + 2.0 * double(Nk) * double(elem_bytes)) / request / (32.0 * warps);
    KernelIssue k;
    k.load_bytes_per_request = t.vec * elem_bytes;
    k.loads_in_flight = 2;
    k.tiles_in_flight_together = true;
    k.insts_per_load_element = (dot + 10 + trip_code(t, 17, 35, 16, 95)) / requests;
    // The vector op: 2 d + 2 N FLOPs (the dot product; subtract, multiply).
    k.insts_per_vector_flop = warps * 32.0 * (kRowReduceInsts + 9) / (2.0 * double(d) + 2.0 * double(Nk));
    k.alu_issue = true;
    k.registers_per_thread = registers;
    return k;
}

}  // namespace flashsim
