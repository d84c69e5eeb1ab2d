// v1_vanilla_tiled.cu: step 1 of the ladder, vanilla (standard) attention, unfused.
//
// The baseline of the FlashAttention paper (its Algorithm 0). Three kernels, each a round trip
// through HBM, as an unfused framework runs them:
//   1. S = Q·Kᵀ·(1/√d)  tiled GEMM, CTA tile BM=64 queries × BN=64 keys: the CTA reads Qi (64×d)
//                       and Kj (64×d) in chunks of 32 columns of d, writes Sij to HBM
//   2. P = softmax(S)   one CTA per row: reads the S row from HBM, writes the P row to HBM;
//                       causal: S was computed in full, this kernel masks j > i to -inf
//   3. O = P·V          tiled GEMM, the CTA computes a 64×d block Oi, looping over keys in
//                       chunks of 64: reads Pi (64×N) and all of V, writes Oi
// S and P are stored in the element type (fp32, fp16 or bf16); all arithmetic is fp32.
// HBM traffic is Θ(Nd + N²) per head (FlashAttention paper, Theorem 2): S and P are B·H·N²
// elements each.
//
// Run:  ./fa_bench --version 1 --B 2 --H 4 --N 1000 --d 64 --dtype fp16
#include "versions.h"

namespace v1_vanilla_tiled {

constexpr int kBM = 64;        // queries per CTA tile (rows of S, rows of O)
constexpr int kBN = 64;        // keys per CTA tile (columns of S; key chunk of O = P·V)
constexpr int kBK = 32;        // chunk of d loaded per step of the Q·Kᵀ GEMM
constexpr int kThreads = 256;  // 16 × 16 threads, each computes 4 × 4 outputs of the tile
constexpr int kMaxD = 128;     // O = P·V keeps a 4 × (d/16) accumulator per thread

// S = Q·Kᵀ·scale for one 64×64 tile Sij. grid: (Tc, Tr, B·H).
// Q, K: (B, H, N, d), row-major. S: (B, H, N, N), row-major.
template <typename T>
__global__ void __launch_bounds__(kThreads) qk_gemm_kernel(const T* Q, const T* K, T* S, int N, int d,
                                                           float scale) {
    __shared__ float Qs[kBM][kBK + 1];  // +1: threads reading one column hit different banks
    __shared__ float Ks[kBN][kBK + 1];
    const size_t bh = blockIdx.z;
    const int q0 = blockIdx.y * kBM, k0 = blockIdx.x * kBN;
    Q += bh * N * d;
    K += bh * N * d;
    S += bh * N * N;
    const int tx = threadIdx.x % 16, ty = threadIdx.x / 16;

    float acc[4][4] = {};
    for (int c0 = 0; c0 < d; c0 += kBK) {
        // load Qi[:, c0:c0+32] and Kj[:, c0:c0+32] from HBM to SRAM (zeros outside N and d)
        for (int e = threadIdx.x; e < kBM * kBK; e += kThreads) {
            const int r = e / kBK, c = e % kBK;
            const bool col_ok = c0 + c < d;
            Qs[r][c] = (q0 + r < N && col_ok) ? to_float(Q[size_t(q0 + r) * d + c0 + c]) : 0.0f;
            Ks[r][c] = (k0 + r < N && col_ok) ? to_float(K[size_t(k0 + r) * d + c0 + c]) : 0.0f;
        }
        __syncthreads();  // the tiles are complete before any thread reads them
        #pragma unroll 8
        for (int k = 0; k < kBK; ++k) {
            float a[4], b[4];
            #pragma unroll
            for (int i = 0; i < 4; ++i) a[i] = Qs[ty + 16 * i][k];
            #pragma unroll
            for (int j = 0; j < 4; ++j) b[j] = Ks[tx + 16 * j][k];
            #pragma unroll
            for (int i = 0; i < 4; ++i)
                #pragma unroll
                for (int j = 0; j < 4; ++j) acc[i][j] += a[i] * b[j];
        }
        __syncthreads();  // every thread is done reading before the next chunk overwrites the tiles
    }
    // write Sij from registers to HBM
    #pragma unroll
    for (int i = 0; i < 4; ++i) {
        const int q = q0 + ty + 16 * i;
        #pragma unroll
        for (int j = 0; j < 4; ++j) {
            const int k = k0 + tx + 16 * j;
            if (q < N && k < N) S[size_t(q) * N + k] = from_float<T>(acc[i][j] * scale);
        }
    }
}

// P = softmax(S) row by row. grid: (B·H·N) CTAs, one per row.
// S, P: (B, H, N, N), row-major. Dynamic SRAM: the row, N floats.
template <typename T>
__global__ void __launch_bounds__(kThreads) row_softmax_kernel(const T* S, T* P, int N, bool causal) {
    extern __shared__ float row[];
    __shared__ float scratch[32];
    const size_t r = blockIdx.x;
    const int i = int(r % N);  // query index of this row
    S += r * N;
    P += r * N;
    const int valid = causal ? i + 1 : N;  // causal: keys j > i are masked to -inf

    // read the S row from HBM once (all N entries, masked ones too), keep it in SRAM
    float m = -INFINITY;
    for (int j = threadIdx.x; j < N; j += blockDim.x) {
        const float s = to_float(S[j]);
        row[j] = j < valid ? s : -INFINITY;
        m = fmaxf(m, row[j]);
    }
    m = block_reduce(m, scratch, true);  // its barriers also make `row` visible to all threads
    float l = 0.0f;
    for (int j = threadIdx.x; j < N; j += blockDim.x) l += __expf(row[j] - m);
    l = block_reduce(l, scratch, false);
    const float inv_l = 1.0f / l;
    // write the P row to HBM
    for (int j = threadIdx.x; j < N; j += blockDim.x) P[j] = from_float<T>(__expf(row[j] - m) * inv_l);
}

// O = P·V for one 64×d block Oi. grid: (Tr, B·H).
// P: (B, H, N, N), V and O: (B, H, N, d), all row-major.
// Dynamic SRAM: Ps[64][64+1] and Vs[64][d+1] floats.
template <typename T>
__global__ void __launch_bounds__(kThreads) pv_gemm_kernel(const T* P, const T* V, T* O, int N, int d) {
    extern __shared__ float smem[];
    float* Ps = smem;                  // [kBM][kBN + 1]
    float* Vs = smem + kBM * (kBN + 1);  // [kBN][d + 1]
    const int ldv = d + 1;
    const size_t bh = blockIdx.y;
    const int q0 = blockIdx.x * kBM;
    P += bh * N * N;
    V += bh * N * d;
    O += bh * N * d;
    const int tx = threadIdx.x % 16, ty = threadIdx.x / 16;

    float acc[4][kMaxD / 16] = {};  // rows ty + 16i, columns tx + 16c
    for (int k0 = 0; k0 < N; k0 += kBN) {
        // load Pi[:, k0:k0+64] and Vj = V[k0:k0+64, :] from HBM to SRAM (zeros outside N)
        for (int e = threadIdx.x; e < kBM * kBN; e += kThreads) {
            const int r = e / kBN, c = e % kBN;
            Ps[r * (kBN + 1) + c] = (q0 + r < N && k0 + c < N) ? to_float(P[size_t(q0 + r) * N + k0 + c]) : 0.0f;
        }
        for (int e = threadIdx.x; e < kBN * d; e += kThreads) {
            const int r = e / d, c = e % d;
            Vs[r * ldv + c] = (k0 + r < N) ? to_float(V[size_t(k0 + r) * d + c]) : 0.0f;
        }
        __syncthreads();  // the tiles are complete before any thread reads them
        #pragma unroll 4
        for (int k = 0; k < kBN; ++k) {
            float a[4];
            #pragma unroll
            for (int i = 0; i < 4; ++i) a[i] = Ps[(ty + 16 * i) * (kBN + 1) + k];
            #pragma unroll
            for (int c = 0; c < kMaxD / 16; ++c) {
                const int col = tx + 16 * c;
                if (col < d) {
                    const float b = Vs[k * ldv + col];
                    #pragma unroll
                    for (int i = 0; i < 4; ++i) acc[i][c] += a[i] * b;
                }
            }
        }
        __syncthreads();  // every thread is done reading before the next chunk overwrites the tiles
    }
    // write Oi from registers to HBM
    #pragma unroll
    for (int i = 0; i < 4; ++i) {
        const int q = q0 + ty + 16 * i;
        #pragma unroll
        for (int c = 0; c < kMaxD / 16; ++c) {
            const int col = tx + 16 * c;
            if (q < N && col < d) O[size_t(q) * d + col] = from_float<T>(acc[i][c]);
        }
    }
}

static size_t softmax_smem_bytes(int N) { return size_t(N) * sizeof(float); }
static size_t pv_smem_bytes(int d) { return (size_t(kBM) * (kBN + 1) + size_t(kBN) * (d + 1)) * sizeof(float); }

std::string plan(const AttnProblem& p, AttnConfig& c, const cudaDeviceProp& dev) {
    if ((c.Br && c.Br != kBM) || (c.Bc && c.Bc != kBN))
        return "vanilla GEMM tiles are fixed: Br=" + std::to_string(kBM) + ", Bc=" + std::to_string(kBN);
    if (p.d > kMaxD) return "d=" + std::to_string(p.d) + ": version 1 supports d <= " + std::to_string(kMaxD);
    c.Br = kBM;
    c.Bc = kBN;
    c.warps = kThreads / 32;
    c.stages = 1;
    c.smem_bytes = pv_smem_bytes(p.d);
    // SRAM budget: the softmax keeps a row of N floats; O = P·V keeps (64·65 + 64·(d+1)) floats.
    const size_t optin = dev.sharedMemPerBlockOptin;
    if (softmax_smem_bytes(p.N) > optin)
        return "N=" + std::to_string(p.N) + ": the softmax row needs N*4 = " + fmt_kib(softmax_smem_bytes(p.N)) +
               " of SRAM; the device allows " + fmt_kib(optin) + " per block";
    if (c.smem_bytes > optin) return "d too large for the P·V tiles' SRAM";
    return "";
}

size_t workspace_bytes(const AttnProblem& p, const AttnConfig&) {
    return 2 * p.heads() * size_t(p.N) * p.N * dtype_bytes(p.dtype);  // S and P
}

void launch(const AttnProblem& p, const AttnConfig& c, const AttnBuffers& buf, cudaStream_t stream) {
    dispatch_dtype(p.dtype, [&](auto tag) {
        using T = decltype(tag);
        T* S = static_cast<T*>(buf.workspace);
        T* P = S + p.heads() * size_t(p.N) * p.N;
        const dim3 grid_s(ceil_div(p.N, kBN), ceil_div(p.N, kBM), unsigned(p.heads()));
        qk_gemm_kernel<T><<<grid_s, kThreads, 0, stream>>>(static_cast<const T*>(buf.Q),
                                                           static_cast<const T*>(buf.K), S, p.N, p.d, p.scale());
        CHECK_LAST_LAUNCH();
        launch_row_softmax(p, S, P, stream);
        allow_dynamic_smem(pv_gemm_kernel<T>, c.smem_bytes);
        const dim3 grid_o(ceil_div(p.N, kBM), unsigned(p.heads()));
        pv_gemm_kernel<T><<<grid_o, kThreads, c.smem_bytes, stream>>>(P, static_cast<const T*>(buf.V),
                                                                      static_cast<T*>(buf.O), p.N, p.d);
        CHECK_LAST_LAUNCH();
    });
}

}  // namespace v1_vanilla_tiled

void launch_row_softmax(const AttnProblem& p, const void* S, void* P, cudaStream_t stream) {
    using namespace v1_vanilla_tiled;
    dispatch_dtype(p.dtype, [&](auto tag) {
        using T = decltype(tag);
        const size_t smem = softmax_smem_bytes(p.N);
        allow_dynamic_smem(row_softmax_kernel<T>, smem);
        const unsigned rows = unsigned(p.heads() * p.N);
        row_softmax_kernel<T><<<rows, kThreads, smem, stream>>>(static_cast<const T*>(S), static_cast<T*>(P), p.N,
                                                                p.causal);
        CHECK_LAST_LAUNCH();
    });
}
