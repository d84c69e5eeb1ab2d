// v3_fa1.cu: step 3 of the ladder, FlashAttention-1 (Dao et al. 2022, arXiv 2205.14135).
//
// Adds over v2: fusion. S and P never reach HBM; they live in SRAM one tile Sij (Br × Bc) at a
// time, and softmax is computed online with running row statistics mi (max) and li (sum).
// Algorithm 1's loop order, as the FA1 paper's kernel: ONE CTA PER (batch, head);
//   outer loop over j = 1..Tc:   load Kj, Vj from HBM to SRAM
//     inner loop over i = 1..Tr: load Qi, Oi, li, mi from HBM; compute Sij, P̃ij, m̃ij, l̃ij;
//                                mi_new, li_new; write Oi, li, mi back to HBM
// O is kept in HBM in the element type between steps (fp16 O is rounded Tc times: a known cost of
// this loop order), l and m in fp32. All arithmetic is fp32 on CUDA cores (no tensor cores).
// Causal: blocks (i, j) entirely above the diagonal are skipped, Sij entries with key > query are
// masked to -inf. With one CTA per head, B·H CTAs is all the parallelism there is (FA2's point).
//
// Threads: 4 per query row (4·Br threads); the tile math (Sij, P̃ij·Vj) is scalar_tiles.cuh, shared
// with v4.
//
// Run:  ./fa_bench --version 3 --B 2 --H 4 --N 1000 --d 64 --dtype fp16 --Br 32 --Bc 32
#include "scalar_tiles.cuh"
#include "versions.h"

namespace v3_fa1 {

using namespace scalar_tiles;

// One CTA per (b, h). grid: (B·H).
// Q, K, V, O: (B, H, N, d), row-major, element type T. l, m: (B, H, N) fp32, HBM.
template <typename T>
__global__ void __launch_bounds__(kThreadsPerRow * 64)
fa1_kernel(const T* Q, const T* K, const T* V, T* O, float* l, float* m, int N, int d, int Br, int Bc,
           bool causal, float scale) {
    extern __shared__ float smem[];
    const int ld = row_stride(d);
    float* Qi = smem;             // [Br][d+4]
    float* Kj = Qi + Br * ld;     // [Bc][d+4]
    float* Vj = Kj + Bc * ld;     // [Bc][d+4]
    float* Sij = Vj + Bc * ld;    // [Br][Bc+1], holds P̃ij after the exp
    const int ldS = Bc + 1;

    const size_t bh = blockIdx.x;
    Q += bh * N * d; K += bh * N * d; V += bh * N * d; O += bh * N * d;
    l += bh * N; m += bh * N;
    const int r = threadIdx.x / kThreadsPerRow, q = threadIdx.x % kThreadsPerRow;
    const int Tr = (N + Br - 1) / Br, Tc = (N + Bc - 1) / Bc;

    // Algorithm 1, line 2: O = 0, l = 0, m = -inf in HBM
    for (size_t e = threadIdx.x; e < size_t(N) * d; e += blockDim.x) O[e] = from_float<T>(0.0f);
    for (int e = threadIdx.x; e < N; e += blockDim.x) { l[e] = 0.0f; m[e] = -INFINITY; }
    __syncthreads();  // O, l, m initialised before any thread reads rows written by others

    for (int j = 0; j < Tc; ++j) {
        // load Kj, Vj from HBM to SRAM (zeros past N)
        load_rows_hbm_to_sram(Kj, K, j * Bc, Bc, N, d);
        load_rows_hbm_to_sram(Vj, V, j * Bc, Bc, N, d);
        __syncthreads();  // Kj, Vj complete before any thread reads them

        // causal: block (i, j) has an unmasked entry iff its last query i·Br+Br-1 >= j·Bc
        const int i_start = causal ? (j * Bc) / Br : 0;
        for (int i = i_start; i < Tr; ++i) {
            // load Qi from HBM to SRAM
            load_rows_hbm_to_sram(Qi, Q, i * Br, Br, N, d);
            // load this thread's part of Oi and mi, li from HBM to registers; all loads are issued
            // here, before they are needed, so their latency hides behind the Sij computation
            const int qrow = i * Br + r;  // this thread's query
            const bool row_ok = qrow < N;
            const float m_old = row_ok ? m[qrow] : 0.0f, l_old = row_ok ? l[qrow] : 0.0f;
            float o_old[kOCols];
            #pragma unroll
            for (int k = 0; k < kOCols; ++k) {
                const int col = o_col(q, k);
                o_old[k] = (row_ok && col < d) ? to_float(O[size_t(qrow) * d + col]) : 0.0f;
            }
            __syncthreads();  // Qi complete before any thread reads it

            // Sij = Qi Kjᵀ · scale (on chip), masked; m̃ij = rowmax(Sij)
            float m_tilde = compute_Sij_row(Qi, Kj, Sij, r, q, d, Bc, j * Bc, qrow, N, causal, scale);
            m_tilde = fmaxf(m_tilde, __shfl_xor_sync(0xffffffffu, m_tilde, 1));  // the 4 threads of row r
            m_tilde = fmaxf(m_tilde, __shfl_xor_sync(0xffffffffu, m_tilde, 2));
            // P̃ij = exp(Sij - m̃ij), l̃ij = rowsum(P̃ij)
            float l_tilde = 0.0f;
            for (int c = q; c < Bc; c += kThreadsPerRow) {
                const float s = Sij[r * ldS + c];
                const float p = s == -INFINITY ? 0.0f : __expf(s - m_tilde);
                Sij[r * ldS + c] = p;
                l_tilde += p;
            }
            l_tilde += __shfl_xor_sync(0xffffffffu, l_tilde, 1);
            l_tilde += __shfl_xor_sync(0xffffffffu, l_tilde, 2);
            __syncwarp();  // the 4 threads of row r wrote all of P̃ij[r, :] before each reads it

            if (row_ok) {
                // mi_new = max(mi, m̃ij), li_new = e^{mi - mi_new} li + e^{m̃ij - mi_new} l̃ij
                const float m_new = fmaxf(m_old, m_tilde);
                const float a_old = m_old == -INFINITY ? 0.0f : __expf(m_old - m_new);
                const float a_new = m_tilde == -INFINITY ? 0.0f : __expf(m_tilde - m_new);
                const float l_new = a_old * l_old + a_new * l_tilde;
                const float inv_l_new = l_new > 0.0f ? 1.0f / l_new : 0.0f;
                // P̃ij Vj for this thread's columns of Oi
                float pv[kOCols] = {};
                accumulate_PV(Sij, Vj, r, q, d, Bc, pv);
                // Oi = diag(li_new)⁻¹ (diag(li) e^{mi - mi_new} Oi + e^{m̃ij - mi_new} P̃ij Vj):
                // write Oi back to HBM
                #pragma unroll
                for (int k = 0; k < kOCols; ++k) {
                    const int col = o_col(q, k);
                    if (col < d)
                        O[size_t(qrow) * d + col] = from_float<T>((l_old * a_old * o_old[k] + a_new * pv[k]) * inv_l_new);
                }
                // write li, mi to HBM (the row's 4 threads read them before the barrier above)
                if (q == 0) { l[qrow] = l_new; m[qrow] = m_new; }
            }
            __syncthreads();  // all threads are done with Qi and Sij before the next i overwrites them
        }
        __syncthreads();  // all threads are done with Kj, Vj before the next j overwrites them
    }
}

std::string plan(const AttnProblem& p, AttnConfig& c, const cudaDeviceProp& dev) {
    if (!c.Br) c.Br = 32;
    if (!c.Bc) c.Bc = 32;
    c.warps = kThreadsPerRow * c.Br / 32;
    c.stages = 1;
    // SRAM budget: 4 bytes · (Br·(d+4) + 2·Bc·(d+4) + Br·(Bc+1)), enforced against the device
    c.smem_bytes = sram_bytes(c.Br, c.Bc, p.d);
    return check_config(3, c.Br, c.Bc, p.d, c.smem_bytes, dev);
}

size_t workspace_bytes(const AttnProblem& p, const AttnConfig&) {
    return 2 * p.heads() * size_t(p.N) * sizeof(float);  // l and m
}

void launch(const AttnProblem& p, const AttnConfig& c, const AttnBuffers& buf, cudaStream_t stream) {
    float* l = static_cast<float*>(buf.workspace);
    float* m = l + p.heads() * p.N;
    dispatch_dtype(p.dtype, [&](auto tag) {
        using T = decltype(tag);
        allow_dynamic_smem(fa1_kernel<T>, c.smem_bytes);
        fa1_kernel<T><<<unsigned(p.heads()), kThreadsPerRow * c.Br, c.smem_bytes, stream>>>(
            static_cast<const T*>(buf.Q), static_cast<const T*>(buf.K), static_cast<const T*>(buf.V),
            static_cast<T*>(buf.O), l, m, p.N, p.d, c.Br, c.Bc, p.causal, p.scale());
        CHECK_LAST_LAUNCH();
    });
}

}  // namespace v3_fa1
