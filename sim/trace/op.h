// op.h: the unit of a trace. One op is one thing a CTA does: move a tile between levels,
// multiply tiles, do element-wise work, wait at a barrier, or add atomically into global memory.
//
// Contract: an op names the tensor and the tile it touches in the papers' terms (tensor,
// head bh, rows row0..row0+rows, columns col0..col0+cols of that head's matrix) and carries
// its cost (bytes, FLOPs, exps). Partial last tiles carry their real extent: bytes are always
// rows * cols * element bytes, never a padded tile.
#pragma once
#include <cstdint>

namespace flashsim {

// Bytes per element of an fp32 accumulator kept in global memory (FA2 backward's dQacc).
constexpr int64_t kAccumBytes = 4;
// Bytes per element of a stored boolean mask (the dropout mask Z).
constexpr int64_t kMaskBytes = 1;

// The matrices of attention, forward and backward. Per head: Q, O, dO, dQ are N x d; K, V, dK,
// dV are N_kv x d; S, P, dS, dP are N x N_kv; l, m, LSE, D are N x 1 (fp32); dQacc is N x d in
// fp32, the accumulator FA2's backward adds dQ into atomically before converting it to dQ.
// Standard attention with dropout (the FA1 paper's Figure 2 baseline) adds Pdrop = P o Z / (1 - p),
// N x N_kv, and the dropout mask Z, N x N_kv stored one byte per element (a bool tensor, as
// PyTorch's dropout keeps it for the backward).
enum class Tensor : uint8_t { Q, K, V, S, P, O, l, m, LSE, dO, dQ, dK, dV, dS, dP, D, dQacc, Pdrop, Z, kCount };
constexpr int kTensorCount = int(Tensor::kCount);
const char* to_string(Tensor t);

enum class OpKind : uint8_t {
    load,        // global memory (HBM, through L2 where modelled) -> SRAM
    store,       // SRAM -> global memory
    atomic_add,  // SRAM -> global read-modify-write, performed at L2 (FA2 backward's dQ)
    matmul,      // GEMM on SRAM/register tiles (tensor cores, or CUDA cores with kOpCudaCore)
    vector,      // element-wise work (softmax, rescaling): FLOPs and exps
    barrier,     // the CTA's threads wait for each other
};
const char* to_string(OpKind k);

// Op flags.
constexpr uint8_t kOpReuse = 1;  // ideal GEMM accounting: a re-read the model assumes is served
                                 // on chip, so it never reaches HBM even without an L2 model
constexpr uint8_t kOpRecompute = 2;  // backward: work redone because S and P were not stored
                                     // (S = QK^T again, its mask, P = exp(S - LSE)); counted apart
constexpr uint8_t kOpCudaCore = 4;  // matmul as scalar fp32 FMAs on CUDA cores (MatmulUnit::fma):
                                    // bytes are the SRAM bytes its threads load (schedule.h)
constexpr uint8_t kOpQuarterSectors = 8;  // store issued by 4 threads per row, each owning every 4th
                                          // group of 4 columns (kernels/scalar_tiles.cuh): each warp
                                          // store instruction fills a quarter of every 32-byte sector
                                          // it touches, so L2 receives 4x op.bytes in write requests
                                          // (HBM still sees each sector once, merged in L2)
constexpr uint8_t kOpRegisterLoad = 16;  // load straight into registers, not through the kernel's
                                         // tile loader (FA1's Oi, li, mi in kernels/v3): timed with
                                         // KernelIssue::register_loads_in_flight where it is set
constexpr uint8_t kOpHalfSectors = 64;  // store whose warp instructions fill half of every 32-byte
                                        // sector they touch (4 threads x 4 bytes per row:
                                        // kernels/v7's dK, dV): L2 receives 2x op.bytes in write
                                        // requests (HBM still sees each sector once)
constexpr uint8_t kOpMulticast = 128;  // load a cluster partner's TMA multicast delivers (GemmTile::
                                       // cluster): the SM receives the bytes, the L2 is not asked
                                       // for them (counted as coalesced, l2_coalesced_bytes, not
                                       // as global reads), with the L2 model or without
constexpr uint8_t kOpWarpGrid = 32;  // matmul whose warp tiling the kernel states: row0 warps split
                                     // its M rows (each reads B, K x N/col0), col0 warps its N
                                     // columns (each reads A, M/row0 x K); col0 = 0: A is held in
                                     // registers (an accumulator reused as the A operand). The
                                     // timing's SRAM reads are es (col0 M K + row0 K N); without
                                     // the flag the warps split M and every warp reads all of B

struct Op {
    OpKind kind = OpKind::barrier;
    Tensor tensor = Tensor::Q;  // load / store / atomic_add
    uint8_t line = 0;           // line of the algorithm's listing this op belongs to (1-based)
    uint8_t flags = 0;
    uint32_t bh = 0;            // b * H + h
    uint32_t row0 = 0, rows = 0;
    uint32_t col0 = 0, cols = 0;
    uint64_t bytes = 0;  // load/store/atomic: bytes moved; matmul/vector: SRAM operand bytes read
    uint64_t flops = 0;  // matmul / vector FLOPs
    uint64_t exps = 0;   // vector: exp evaluations

    bool moves_data() const { return kind == OpKind::load || kind == OpKind::store || kind == OpKind::atomic_add; }
};

}  // namespace flashsim
