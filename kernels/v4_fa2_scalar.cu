// v4_fa2_scalar.cu: step 4 of the ladder, FlashAttention-2 (Dao 2023, arXiv 2307.08691), scalar.
//
// Adds over v3: FA2's loop order. The outer loop runs over query blocks and becomes the grid:
// one CTA per (query block i, head, batch), so there are Tr·B·H CTAs instead of B·H. Inside, the
// CTA loads Qi once and loops over j (load Kj, Vj from HBM to SRAM); Oi, li, mi stay on chip for
// the whole loop (no HBM round trip per step), Oi is rescaled by e^{m_old - m_new} as it goes and
// divided by li once at the end (delayed scaling), then Oi and LSEi = mi + log(li) are written
// once. Causal: key blocks entirely above the diagonal are never loaded.
// Still fp32 arithmetic on CUDA cores, readable rather than fast: v5 moves the GEMMs to tensor cores.
//
// Threads: 4 per query row (4·Br threads); the tile math (Sij, P̃ij·Vj) is scalar_tiles.cuh, shared
// with v3, so this file differs from v3 only in the loop order and where Oi, li, mi live.
//
// Run:  ./fa_bench --version 4 --B 2 --H 4 --N 1000 --d 64 --dtype fp32 --Br 64 --Bc 64
#include "scalar_tiles.cuh"
#include "versions.h"

namespace v4_fa2_scalar {

using namespace scalar_tiles;

// One CTA per (query block i, h, b). grid: (Tr, H, B).
// Q, K, V, O: (B, H, N, d), row-major, element type T. LSE: (B, H, N) fp32.
template <typename T>
__global__ void __launch_bounds__(kThreadsPerRow * 64)
fa2_scalar_kernel(const T* Q, const T* K, const T* V, T* O, float* LSE, int N, int d, int Br, int Bc,
                  bool causal, float scale) {
    extern __shared__ float smem[];
    const int ld = row_stride(d), ldS = Bc + 1;
    float* Qi = smem;           // [Br][d+4]
    float* Kj = Qi + Br * ld;   // [Bc][d+4]
    float* Vj = Kj + Bc * ld;   // [Bc][d+4]
    float* Sij = Vj + Bc * ld;  // [Br][Bc+1], holds P̃ij after the exp

    const int i = blockIdx.x;
    const size_t bh = size_t(blockIdx.z) * gridDim.y + blockIdx.y;
    Q += bh * N * d; K += bh * N * d; V += bh * N * d; O += bh * N * d;
    LSE += bh * N;
    const int r = threadIdx.x / kThreadsPerRow, q = threadIdx.x % kThreadsPerRow;
    const int qrow = i * Br + r;  // this thread's query

    // load Qi from HBM to SRAM, once
    load_rows_hbm_to_sram(Qi, Q, i * Br, Br, N, d);
    // on chip for the whole loop: mi, li and this thread's columns of Oi
    float m_i = -INFINITY, l_i = 0.0f;
    float o[kOCols] = {};

    // causal: key blocks past this query block's last row are entirely masked: never loaded
    const int Tc = (N + Bc - 1) / Bc;
    const int last_query = min(N, (i + 1) * Br) - 1;
    const int j_end = causal ? last_query / Bc + 1 : Tc;
    for (int j = 0; j < j_end; ++j) {
        // load Kj, Vj from HBM to SRAM (zeros past N)
        load_rows_hbm_to_sram(Kj, K, j * Bc, Bc, N, d);
        load_rows_hbm_to_sram(Vj, V, j * Bc, Bc, N, d);
        __syncthreads();  // Qi (first pass), Kj and Vj complete before any thread reads them

        // Sij = Qi Kjᵀ · scale, masked; row max over this block
        float m_tilde = compute_Sij_row(Qi, Kj, Sij, r, q, d, Bc, j * Bc, qrow, N, causal, scale);
        m_tilde = fmaxf(m_tilde, __shfl_xor_sync(0xffffffffu, m_tilde, 1));  // the 4 threads of row r
        m_tilde = fmaxf(m_tilde, __shfl_xor_sync(0xffffffffu, m_tilde, 2));
        // mi_new = max(mi, m̃ij); P̃ij = exp(Sij - mi_new); li = e^{mi - mi_new} li + rowsum(P̃ij)
        const float m_new = fmaxf(m_i, m_tilde);
        float row_sum = 0.0f;
        for (int c = q; c < Bc; c += kThreadsPerRow) {
            const float s = Sij[r * ldS + c];
            const float p = s == -INFINITY ? 0.0f : __expf(s - m_new);
            Sij[r * ldS + c] = p;
            row_sum += p;
        }
        row_sum += __shfl_xor_sync(0xffffffffu, row_sum, 1);
        row_sum += __shfl_xor_sync(0xffffffffu, row_sum, 2);
        __syncwarp();  // the 4 threads of row r wrote all of P̃ij[r, :] before each reads it
        const float alpha = m_i == -INFINITY ? 0.0f : __expf(m_i - m_new);
        l_i = alpha * l_i + row_sum;
        m_i = m_new;
        // Oi = diag(e^{mi - mi_new}) Oi + P̃ij Vj   (no division by li yet)
        #pragma unroll
        for (int k = 0; k < kOCols; ++k) o[k] *= alpha;
        accumulate_PV(Sij, Vj, r, q, d, Bc, o);
        __syncthreads();  // all threads are done with Kj, Vj, Sij before the next j overwrites them
    }
    // Oi = diag(li)⁻¹ Oi once, write Oi and LSEi = mi + log(li) from registers to HBM
    if (qrow < N) {
        const float inv_l = l_i > 0.0f ? 1.0f / l_i : 0.0f;
        #pragma unroll
        for (int k = 0; k < kOCols; ++k) {
            const int col = o_col(q, k);
            if (col < d) O[size_t(qrow) * d + col] = from_float<T>(o[k] * inv_l);
        }
        if (q == 0) LSE[qrow] = m_i + logf(l_i);
    }
}

std::string plan(const AttnProblem& p, AttnConfig& c, const cudaDeviceProp& dev) {
    if (!c.Br) c.Br = 64;
    if (!c.Bc) c.Bc = 64;
    c.warps = kThreadsPerRow * c.Br / 32;
    c.stages = 1;
    // SRAM budget: 4 bytes · (Br·(d+4) + 2·Bc·(d+4) + Br·(Bc+1)), enforced against the device
    c.smem_bytes = sram_bytes(c.Br, c.Bc, p.d);
    return check_config(4, c.Br, c.Bc, p.d, c.smem_bytes, dev);
}

size_t workspace_bytes(const AttnProblem&, const AttnConfig&) { return 0; }

void launch(const AttnProblem& p, const AttnConfig& c, const AttnBuffers& buf, cudaStream_t stream) {
    dispatch_dtype(p.dtype, [&](auto tag) {
        using T = decltype(tag);
        allow_dynamic_smem(fa2_scalar_kernel<T>, c.smem_bytes);
        const dim3 grid(ceil_div(p.N, c.Br), p.H, p.B);
        fa2_scalar_kernel<T><<<grid, kThreadsPerRow * c.Br, c.smem_bytes, stream>>>(
            static_cast<const T*>(buf.Q), static_cast<const T*>(buf.K), static_cast<const T*>(buf.V),
            static_cast<T*>(buf.O), buf.LSE, p.N, p.d, c.Br, c.Bc, p.causal, p.scale());
        CHECK_LAST_LAUNCH();
    });
}

}  // namespace v4_fa2_scalar
