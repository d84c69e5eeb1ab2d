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
// Threads: 4 per query row (4·Br threads); thread (r, q) computes Sij[r, c] for c ≡ q (mod 4) and
// owns Oi[r, col] for col ≡ q (mod 4) in registers.
//
// Run:  ./fa_bench --version 4 --B 2 --H 4 --N 1000 --d 64 --dtype fp32 --Br 64 --Bc 64
#include "versions.h"

namespace v4_fa2_scalar {

constexpr int kThreadsPerRow = 4;
constexpr int kMaxD = 128;
constexpr int kMaxBr = 64;

// SRAM per CTA, floats: Qi[Br][d+1] + Kj[Bc][d+1] + Vj[Bc][d+1] + Sij[Br][Bc+1]
static size_t sram_bytes(int Br, int Bc, int d) {
    return (size_t(Br) * (d + 1) + 2 * size_t(Bc) * (d + 1) + size_t(Br) * (Bc + 1)) * sizeof(float);
}

// One CTA per (query block i, h, b). grid: (Tr, H, B).
// Q, K, V, O: (B, H, N, d), row-major, element type T. LSE: (B, H, N) fp32.
template <typename T>
__global__ void __launch_bounds__(kThreadsPerRow * kMaxBr)
fa2_scalar_kernel(const T* Q, const T* K, const T* V, T* O, float* LSE, int N, int d, int Br, int Bc,
                  bool causal, float scale) {
    extern __shared__ float smem[];
    const int ld = d + 1, ldS = Bc + 1;
    float* Qi = smem;           // [Br][d+1]
    float* Kj = Qi + Br * ld;   // [Bc][d+1]
    float* Vj = Kj + Bc * ld;   // [Bc][d+1]
    float* Sij = Vj + Bc * ld;  // [Br][Bc+1], holds P̃ij after the exp

    const int i = blockIdx.x;
    const size_t bh = size_t(blockIdx.z) * gridDim.y + blockIdx.y;
    Q += bh * N * d; K += bh * N * d; V += bh * N * d; O += bh * N * d;
    LSE += bh * N;
    const int r = threadIdx.x / kThreadsPerRow, q = threadIdx.x % kThreadsPerRow;
    const int qrow = i * Br + r;  // this thread's query

    // load Qi from HBM to SRAM, once
    for (int e = threadIdx.x; e < Br * d; e += blockDim.x) {
        const int rr = e / d, col = e % d, row = i * Br + rr;
        Qi[rr * ld + col] = row < N ? to_float(Q[size_t(row) * d + col]) : 0.0f;
    }
    // on chip for the whole loop: mi, li and this thread's slice of Oi
    float m_i = -INFINITY, l_i = 0.0f;
    float o[kMaxD / kThreadsPerRow] = {};

    // causal: key blocks past this query block's last row are entirely masked: never loaded
    const int Tc = (N + Bc - 1) / Bc;
    const int last_query = min(N, (i + 1) * Br) - 1;
    const int j_end = causal ? last_query / Bc + 1 : Tc;
    for (int j = 0; j < j_end; ++j) {
        // load Kj, Vj from HBM to SRAM (zeros past N)
        #pragma unroll 4
        for (int e = threadIdx.x; e < Bc * d; e += blockDim.x) {
            const int c = e / d, col = e % d, key = j * Bc + c;
            Kj[c * ld + col] = key < N ? to_float(K[size_t(key) * d + col]) : 0.0f;
            Vj[c * ld + col] = key < N ? to_float(V[size_t(key) * d + col]) : 0.0f;
        }
        __syncthreads();  // Qi (first pass), Kj and Vj complete before any thread reads them

        // Sij = Qi Kjᵀ · scale, masked; row max over this block
        float m_tilde = -INFINITY;
        for (int c = q; c < Bc; c += kThreadsPerRow) {
            const int key = j * Bc + c;
            float s = -INFINITY;
            if (key < N && !(causal && key > qrow)) {
                float dot = 0.0f;
                for (int k = 0; k < d; ++k) dot += Qi[r * ld + k] * Kj[c * ld + k];
                s = dot * scale;
            }
            Sij[r * ldS + c] = s;
            m_tilde = fmaxf(m_tilde, s);
        }
        m_tilde = fmaxf(m_tilde, __shfl_xor_sync(0xffffffffu, m_tilde, 1));
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
        for (int k = 0; k < kMaxD / kThreadsPerRow; ++k) o[k] *= alpha;
        for (int c = 0; c < Bc; ++c) {
            const float p = Sij[r * ldS + c];
            #pragma unroll
            for (int k = 0; k < kMaxD / kThreadsPerRow; ++k) {
                const int col = q + kThreadsPerRow * k;
                if (col < d) o[k] += p * Vj[c * ld + col];
            }
        }
        __syncthreads();  // all threads are done with Kj, Vj, Sij before the next j overwrites them
    }
    // Oi = diag(li)⁻¹ Oi once, write Oi and LSEi = mi + log(li) from registers to HBM
    if (qrow < N) {
        const float inv_l = l_i > 0.0f ? 1.0f / l_i : 0.0f;
        #pragma unroll
        for (int k = 0; k < kMaxD / kThreadsPerRow; ++k) {
            const int col = q + kThreadsPerRow * k;
            if (col < d) O[size_t(qrow) * d + col] = from_float<T>(o[k] * inv_l);
        }
        if (q == 0) LSE[qrow] = m_i + logf(l_i);
    }
}

std::string plan(const AttnProblem& p, AttnConfig& c, const cudaDeviceProp& dev) {
    if (!c.Br) c.Br = 64;
    if (!c.Bc) c.Bc = 64;
    if (p.d > kMaxD) return "d=" + std::to_string(p.d) + ": version 4 supports d <= " + std::to_string(kMaxD);
    if (c.Br % 8 || c.Br > kMaxBr)
        return "Br=" + std::to_string(c.Br) + ": version 4 needs Br a multiple of 8, at most " + std::to_string(kMaxBr);
    if (c.Bc < 1) return "Bc=" + std::to_string(c.Bc) + ": must be positive";
    c.warps = kThreadsPerRow * c.Br / 32;
    c.stages = 1;
    // SRAM budget: 4 bytes · (Br·(d+1) + 2·Bc·(d+1) + Br·(Bc+1)), enforced against the device
    c.smem_bytes = sram_bytes(c.Br, c.Bc, p.d);
    if (c.smem_bytes > dev.sharedMemPerBlockOptin)
        return "Br=" + std::to_string(c.Br) + ", Bc=" + std::to_string(c.Bc) + ", d=" + std::to_string(p.d) +
               " need 4*(Br*(d+1) + 2*Bc*(d+1) + Br*(Bc+1)) = " + fmt_kib(c.smem_bytes) + " of SRAM; " + dev.name +
               " allows " + fmt_kib(dev.sharedMemPerBlockOptin) + " per block";
    return "";
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
