// tc_fragments.cuh: the tensor-core building blocks shared by v5 (forward) and v7 (backward):
// PTX wrappers for cp.async, ldmatrix, ex2 and mma.sync m16n8k16 (fp16 / bf16 in, fp32 accumulate),
// the XOR-swizzled SRAM tile layout and the cp.async tile copy, and the fp32 reduction into HBM
// of v7's dQ accumulator.
//
// mma.sync m16n8k16 fragments (g = lane / 4, t = lane % 4):
//   A (16×16, row): a0 (row g, k 2t..2t+1), a1 (row g+8, k 2t..), a2 (row g, k 2t+8..), a3 (row g+8, k 2t+8..)
//   B (16×8, col):  b0 (k 2t..2t+1, n g), b1 (k 2t+8.., n g)
//   C (16×8, fp32): c0, c1 (row g, n 2t, 2t+1), c2, c3 (row g+8, n 2t, 2t+1)
// ldmatrix lane addresses for a 16×16 operand (row r of each 8×8 matrix from lane r of its group
// of 8; lane/8 picks the matrix):
//   A from a row-major [m][k] tile:           row m0 + lane mod 16,             column k0 + 8·(lane/16)
//   A from a [k][m] tile, .trans:              row k0 + 8·(lane/16) + lane mod 8, column m0 + 8·((lane/8) mod 2)
//   B (two n8 tiles) from an [n][k] tile:      row n0 + 8·(lane/16) + lane mod 8, column k0 + 8·((lane/8) mod 2)
//   B (two n8 tiles) from a [k][n] tile, .trans: row k0 + 8·((lane/8) mod 2) + lane mod 8, column n0 + 8·(lane/16)
#pragma once
#include <cstdint>
#include "common.cuh"

namespace tc {

// ---- PTX wrappers ----------------------------------------------------------------------------
__device__ __forceinline__ uint32_t smem_u32(const void* p) { return uint32_t(__cvta_generic_to_shared(p)); }

// 16 bytes HBM -> SRAM, asynchronous; `valid` false writes zeros (rows past N)
__device__ __forceinline__ void cp_async_16(void* dst, const void* src, bool valid) {
    asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;\n" ::"r"(smem_u32(dst)), "l"(src),
                 "r"(valid ? 16 : 0));
}
__device__ __forceinline__ void cp_async_commit() { asm volatile("cp.async.commit_group;\n" ::); }
template <int kPending>
__device__ __forceinline__ void cp_async_wait() { asm volatile("cp.async.wait_group %0;\n" ::"n"(kPending)); }

// four 8×8 b16 matrices SRAM -> registers; `addr`: this lane's row address (shared window)
__device__ __forceinline__ void ldmatrix_x4(uint32_t (&r)[4], uint32_t addr) {
    asm volatile("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0,%1,%2,%3}, [%4];\n"
                 : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3]) : "r"(addr));
}
__device__ __forceinline__ void ldmatrix_x4_trans(uint32_t (&r)[4], uint32_t addr) {
    asm volatile("ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16 {%0,%1,%2,%3}, [%4];\n"
                 : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3]) : "r"(addr));
}

__device__ __forceinline__ float ex2(float x) {  // 2^x; ex2(-inf) = 0
    float y;
    asm("ex2.approx.ftz.f32 %0, %1;\n" : "=f"(y) : "f"(x));
    return y;
}

// C (16×8, fp32) += A (16×16, row) · B (16×8, col)
template <typename T> struct Mma;
template <> struct Mma<__half> {
    __device__ __forceinline__ static void run(float (&c)[4], const uint32_t (&a)[4], uint32_t b0, uint32_t b1) {
        asm volatile("mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, "
                     "{%0,%1,%2,%3};\n"
                     : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3])
                     : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
    }
    __device__ __forceinline__ static uint32_t pack(float lo, float hi) {
        __half2 h = __floats2half2_rn(lo, hi);
        return *reinterpret_cast<uint32_t*>(&h);
    }
};
template <> struct Mma<__nv_bfloat16> {
    __device__ __forceinline__ static void run(float (&c)[4], const uint32_t (&a)[4], uint32_t b0, uint32_t b1) {
        asm volatile("mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, "
                     "{%0,%1,%2,%3};\n"
                     : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3])
                     : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
    }
    __device__ __forceinline__ static uint32_t pack(float lo, float hi) {
        __nv_bfloat162 h = __floats2bfloat162_rn(lo, hi);
        return *reinterpret_cast<uint32_t*>(&h);
    }
};

// Element offset of (row, col) in a swizzled SRAM tile of kD columns: 16-byte chunk c of row r
// lives at chunk c ^ (r mod 8), so 8 consecutive rows at one column land in 8 different chunks.
template <int kD>
__device__ __forceinline__ int swz(int row, int col) {
    static_assert(kD % 64 == 0, "the swizzle needs at least 8 chunks of 16 bytes per row");
    return row * kD + ((((col >> 3) ^ row) & 7) | ((col >> 3) & ~7)) * 8 + (col & 7);
}
// The same in bytes: rows are multiples of 128 bytes, so swizzling is an XOR of byte-address bits
// 4-6 with (row mod 8). In the loops below every lane's row mod 8 is lane mod 8, so a lane's
// ldmatrix address is (unswizzled address) ^ ((lane % 8) << 4): one add and one xor, no tables.
// Needs the tiles 128-byte aligned in the shared window (they are: offsets are multiples of 128).

// Copy `kRows` rows (from row0) of a (N, kD) matrix HBM -> SRAM with cp.async; zeros past N.
template <typename T, int kD, int kRows, int kThreads>
__device__ __forceinline__ void load_tile_hbm_to_sram(T* s, const T* g, int row0, int N) {
    constexpr int kChunksPerRow = kD / 8, kRowsPerPass = kThreads / kChunksPerRow;
    static_assert(kThreads % kChunksPerRow == 0 && kRows % kRowsPerPass == 0, "whole rows per pass");
    const int c = threadIdx.x % kChunksPerRow, r0 = threadIdx.x / kChunksPerRow;  // 16-byte chunk, first row
    #pragma unroll
    for (int pass = 0; pass < kRows / kRowsPerPass; ++pass) {
        const int r = r0 + pass * kRowsPerPass;
        const bool valid = row0 + r < N;
        cp_async_16(s + swz<kD>(r, c * 8), g + size_t(valid ? row0 + r : 0) * kD + c * 8, valid);
    }
}

// dst[0] += a, dst[1] += b in HBM (through L2), result unused: one vector reduction on sm_90,
// two scalar ones before. dst 8-byte aligned.
__device__ __forceinline__ void red_add_f32x2(float* dst, float a, float b) {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
    atomicAdd(reinterpret_cast<float2*>(dst), make_float2(a, b));
#else
    atomicAdd(dst, a);
    atomicAdd(dst + 1, b);
#endif
}

}  // namespace tc
