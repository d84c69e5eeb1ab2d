// scalar_tiles.cuh: the on-chip tile math shared by v3 (FA1) and v4 (FA2 scalar), fp32 on CUDA
// cores, so that the two files differ only in what the step is about: the loop order and where
// Oi, li, mi live.
//
// Layout: 4 threads per query row. Thread (r, q) computes Sij[r, c] for c ≡ q (mod 4) and owns the
// columns o_col(q, k), k < d/4, of row r of Oi (groups of 4 adjacent columns, so Vj is read with
// 16-byte loads). SRAM tiles Qi, Kj, Vj are fp32 with row stride ld = d + 4 (16-byte aligned rows;
// the 4 extra floats shift consecutive rows by 4 banks, so the 8 rows a warp reads at once hit
// different banks); Sij has row stride Bc + 1.
#pragma once
#include "common.cuh"

namespace scalar_tiles {

constexpr int kThreadsPerRow = 4;
constexpr int kMaxD = 128;
constexpr int kOCols = kMaxD / kThreadsPerRow;  // Oi columns per thread (32 registers)

__host__ __device__ inline int row_stride(int d) { return d + 4; }

// Column of Oi held in register k of thread q: groups of 4 adjacent columns, 16 apart.
__device__ __forceinline__ int o_col(int q, int k) { return 16 * (k / 4) + 4 * q + (k % 4); }

// Sij[r, c] = Qi[r, :]·Kj[c, :]·scale for c ≡ q (mod 4), -inf where masked (key >= N, or causal
// and key > query). Writes the row of Sij in SRAM; returns this thread's max over its columns.
// 8 columns at a time: 8 independent sums keep the FMA pipeline busy (one long sum would wait on
// its own latency at every step).
__device__ __forceinline__ float compute_Sij_row(const float* Qi, const float* Kj, float* Sij, int r, int q, int d,
                                                 int Bc, int key0, int query, int N, bool causal, float scale) {
    const int ld = row_stride(d), ldS = Bc + 1;
    float row_max = -INFINITY;
    for (int c0 = q; c0 < Bc; c0 += 8 * kThreadsPerRow) {
        float dot[8] = {};
        #pragma unroll 2
        for (int k = 0; k < d; k += 4) {
            const float4 qv = *reinterpret_cast<const float4*>(Qi + r * ld + k);
            #pragma unroll
            for (int u = 0; u < 8; ++u) {
                const int c = min(c0 + kThreadsPerRow * u, Bc - 1);  // past Bc: computed, never stored
                const float4 kv = *reinterpret_cast<const float4*>(Kj + c * ld + k);
                dot[u] += qv.x * kv.x + qv.y * kv.y + qv.z * kv.z + qv.w * kv.w;
            }
        }
        #pragma unroll
        for (int u = 0; u < 8; ++u) {
            const int c = c0 + kThreadsPerRow * u, key = key0 + c;
            if (c < Bc) {
                const bool masked = key >= N || (causal && key > query);
                const float s = masked ? -INFINITY : dot[u] * scale;
                Sij[r * ldS + c] = s;
                row_max = fmaxf(row_max, s);
            }
        }
    }
    return row_max;
}

// o[k] += Σ_c Pij[r, c] · Vj[c, o_col(q, k)] for this thread's columns of Oi.
__device__ __forceinline__ void accumulate_PV(const float* Sij, const float* Vj, int r, int q, int d, int Bc,
                                              float (&o)[kOCols]) {
    const int ld = row_stride(d), ldS = Bc + 1;
    for (int c = 0; c < Bc; ++c) {
        const float p = Sij[r * ldS + c];
        #pragma unroll
        for (int k4 = 0; k4 < kOCols / 4; ++k4) {
            const int col = o_col(q, 4 * k4);
            if (col < d) {
                const float4 v = *reinterpret_cast<const float4*>(Vj + c * ld + col);
                o[4 * k4 + 0] += p * v.x;
                o[4 * k4 + 1] += p * v.y;
                o[4 * k4 + 2] += p * v.z;
                o[4 * k4 + 3] += p * v.w;
            }
        }
    }
}

// HBM -> SRAM: rows [row0, row0 + rows) of a (N, d) matrix into a tile of row stride d + 4, as fp32
// (zeros past N).
template <typename T>
__device__ __forceinline__ void load_rows_hbm_to_sram(float* tile, const T* g, int row0, int rows, int N, int d) {
    const int ld = row_stride(d);
    #pragma unroll 4
    for (int e = threadIdx.x; e < rows * d; e += blockDim.x) {
        const int rr = e / d, col = e % d, row = row0 + rr;
        tile[rr * ld + col] = row < N ? to_float(g[size_t(row) * d + col]) : 0.0f;
    }
}

// SRAM per CTA for Qi[Br][d+4], Kj[Bc][d+4], Vj[Bc][d+4], Sij[Br][Bc+1], fp32.
inline size_t sram_bytes(int Br, int Bc, int d) {
    return (size_t(Br) * row_stride(d) + 2 * size_t(Bc) * row_stride(d) + size_t(Br) * (Bc + 1)) * sizeof(float);
}

inline std::string check_config(int version, int Br, int Bc, int d, size_t smem_bytes, const cudaDeviceProp& dev) {
    const std::string v = "version " + std::to_string(version);
    if (d > kMaxD || d % 4) return "d=" + std::to_string(d) + ": " + v + " supports d <= 128, a multiple of 4";
    if (Br % 8 || Br < 8 || Br > 64) return "Br=" + std::to_string(Br) + ": " + v + " needs Br a multiple of 8 in [8, 64]";
    if (Bc < 1) return "Bc=" + std::to_string(Bc) + ": must be positive";
    if (smem_bytes > dev.sharedMemPerBlockOptin)
        return "Br=" + std::to_string(Br) + ", Bc=" + std::to_string(Bc) + ", d=" + std::to_string(d) +
               " need 4*(Br*(d+4) + 2*Bc*(d+4) + Br*(Bc+1)) = " + fmt_kib(smem_bytes) + " of SRAM; " + dev.name +
               " allows " + fmt_kib(dev.sharedMemPerBlockOptin) + " per block";
    return "";
}

}  // namespace scalar_tiles
