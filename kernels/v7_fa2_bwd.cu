// v7_fa2_bwd.cu: step 7 of the ladder, the FlashAttention-2 backward pass on tensor cores
// (fp16 / bf16), FA2 paper Algorithm 2.
//
// Three kernels, one launch():
//   1. pre-kernel: Di = rowsum(dOi o Oi) per query row, and the forward's LSE in base 2
//      (LSE·log2 e), both into a padded (B·H, Tr·Br) fp32 buffer: rows past N get D = 0 and
//      LSE = +inf, so P = 0 there and the main kernel copies whole blocks with cp.async.
//   2. main kernel, one CTA per (key block j, h, b): Kj, Vj loaded once; dKj, dVj accumulated
//      on chip in fp32; loop over query blocks i (causal: from the first one on or below the
//      diagonal) with Qi, dOi, LSEi, Di double-buffered by cp.async:
//        Sᵀ = Kj Qiᵀ; Pᵀ = exp(scale·Sᵀ - LSEi) (recomputed, never stored)
//        dVj += Pᵀ dOi; dPᵀ = Vj dOiᵀ; dSᵀ = Pᵀ o (dPᵀ - Di); dKj += dSᵀ Qi
//        dSᵀ -> SRAM; dQi += dS Kj, added to an fp32 HBM accumulator with atomics (red.add)
//      Each of the 8 warps owns 16 keys of Kj for the first five products: the accumulators
//      of Pᵀ and dSᵀ are re-used as A operands without leaving registers. For dQi every warp
//      owns 16 query rows × 64 columns and reads dS from SRAM (ldmatrix.trans).
//   3. convert kernel: dQ = scale · dQaccum, rounded to the storage type.
// Block sizes (the paper's Br = query rows, Bc = key rows): those of PyTorch's flash-attention
// backward on sm80/sm90 (flash_bwd_launch_template.h: hdim 64 -> kBlockM 128, kBlockN 128;
// hdim 128 -> kBlockM 64, kBlockN 128; 8 warps, Q/dO double-buffered).
// SRAM = 2 bytes · (2·Bc·d for Kj, Vj + 2 stages · 2·Br·d for Qi, dOi + Bc·Br for dS)
//        + 2 stages · 2·Br·4 bytes for LSEi, Di: 130 KiB for d = 64, 145 KiB for d = 128.
//
// Run:  ./fa_bench --version 7 --B 4 --H 16 --N 4096 --d 128 --dtype fp16 --causal 1
#include <cstdint>
#include "tc_fragments.cuh"
#include "versions.h"

namespace v7_fa2_bwd {

using namespace tc;

constexpr int kWarps = 8;
constexpr int kStages = 2;  // Qi, dOi, LSEi, Di buffers

// ---- 1. Di = rowsum(dOi o Oi), LSE in base 2, padded ------------------------------------------
// One thread per 8 elements of a row; rows of (B·H, Npad). D, LSE2: (B·H, Npad) fp32.
template <typename T, int kD>
__global__ void dot_do_o_kernel(const T* __restrict__ dO, const T* __restrict__ O, const float* __restrict__ LSE,
                                float* __restrict__ D, float* __restrict__ LSE2, int N, int Npad, size_t rows_pad) {
    constexpr int kLanesPerRow = kD / 8;
    const size_t tid = blockIdx.x * size_t(blockDim.x) + threadIdx.x;
    const size_t row = tid / kLanesPerRow;  // padded row index bh·Npad + n
    const int c = int(tid % kLanesPerRow);
    const bool live = row < rows_pad;  // no early return: the whole warp takes part in the shuffles
    const size_t bh = row / Npad;
    const int n = int(row % Npad);
    float acc = 0.0f;
    if (live && n < N) {
        const size_t off = (bh * N + n) * kD + c * 8;
        const uint4 a = *reinterpret_cast<const uint4*>(dO + off), b = *reinterpret_cast<const uint4*>(O + off);
        const T* x = reinterpret_cast<const T*>(&a);
        const T* y = reinterpret_cast<const T*>(&b);
        #pragma unroll
        for (int e = 0; e < 8; ++e) acc += to_float(x[e]) * to_float(y[e]);
    }
    #pragma unroll
    for (int o = kLanesPerRow / 2; o > 0; o >>= 1) acc += __shfl_xor_sync(0xffffffffu, acc, o);
    if (live && c == 0) {
        D[row] = acc;
        LSE2[row] = n < N ? LSE[bh * N + n] * 1.4426950408889634f : INFINITY;
    }
}

// ---- 3. dQ = scale · dQaccum -> T ----------------------------------------------------------------
template <typename T>
__global__ void convert_dq_kernel(const float* __restrict__ acc, T* __restrict__ dQ, size_t n4, float scale) {
    for (size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x; i < n4; i += size_t(gridDim.x) * blockDim.x) {
        const float4 v = reinterpret_cast<const float4*>(acc)[i];
        uint2 out;
        out.x = Mma<T>::pack(v.x * scale, v.y * scale);
        out.y = Mma<T>::pack(v.z * scale, v.w * scale);
        reinterpret_cast<uint2*>(dQ)[i] = out;
    }
}

// ---- 2. the main kernel --------------------------------------------------------------------------
// grid (Tc, H, B), 8 warps. Q, K, V, dO, dK, dV: (B, H, N, d); dQacc: (B, H, N, d) fp32, zeroed;
// D, LSE2: (B·H, Npad) fp32 from the pre-kernel.
template <typename T, int kD, int kBr, int kBc>
__global__ void __launch_bounds__(kWarps * 32, 1)
fa2_bwd_kernel(const T* __restrict__ Q, const T* __restrict__ K, const T* __restrict__ V, const T* __restrict__ dO,
               const float* __restrict__ LSE2, const float* __restrict__ Dg, float* __restrict__ dQacc,
               T* __restrict__ dK, T* __restrict__ dV, int N, int Npad, bool causal, float scale) {
    constexpr int kThreads = kWarps * 32;
    static_assert(kBc == 16 * kWarps, "each warp owns 16 keys of Kj");
    constexpr int kNT = kBr / 8;   // n8 tiles of Sᵀ (query columns)
    constexpr int kDT = kD / 8;    // n8 tiles of dKj, dVj
    constexpr int kWM = kBr / 16;  // dQi: warps along the query rows (16 rows each)
    constexpr int kWN = kWarps / kWM;  // ... and along d
    constexpr int kQN = kD / kWN;      // columns of dQi per warp
    static_assert(kWM * kWN == kWarps && kQN % 16 == 0, "dQ warp layout");

    extern __shared__ __align__(128) unsigned char smem_raw[];
    T* sK = reinterpret_cast<T*>(smem_raw);    // [Bc][d], swizzled
    T* sV = sK + kBc * kD;                     // [Bc][d]
    T* sQ = sV + kBc * kD;                     // [2][Br][d]
    T* sdO = sQ + kStages * kBr * kD;          // [2][Br][d]
    T* sdS = sdO + kStages * kBr * kD;         // [Bc][Br]: dSᵀ, keys × queries
    float* sL = reinterpret_cast<float*>(sdS + kBc * kBr);  // [2][Br] LSE·log2 e
    float* sD = sL + kStages * kBr;                         // [2][Br] Di

    const int j = blockIdx.x, k0 = j * kBc;
    const size_t bh = size_t(blockIdx.z) * gridDim.y + blockIdx.y;
    Q += bh * N * kD; K += bh * N * kD; V += bh * N * kD; dO += bh * N * kD;
    dK += bh * N * kD; dV += bh * N * kD; dQacc += bh * N * kD;
    LSE2 += bh * Npad; Dg += bh * Npad;
    const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
    const int g = lane / 4, t = lane % 4;
    const float scale_log2 = scale * 1.4426950408889634f;

    const int Tr = (N + kBr - 1) / kBr;
    const int i_begin = causal ? k0 / kBr : 0;  // query blocks wholly above the diagonal: all masked

    auto load_q_block = [&](int i, int stage) {
        load_tile_hbm_to_sram<T, kD, kBr, kThreads>(sQ + stage * kBr * kD, Q, i * kBr, N);
        load_tile_hbm_to_sram<T, kD, kBr, kThreads>(sdO + stage * kBr * kD, dO, i * kBr, N);
        constexpr int kChunks = kBr / 4;  // 16-byte chunks of LSEi and of Di (padded rows: always valid)
        if (threadIdx.x < 2 * kChunks) {
            const int c = threadIdx.x % kChunks;
            const bool is_d = threadIdx.x >= kChunks;
            cp_async_16((is_d ? sD : sL) + stage * kBr + c * 4, (is_d ? Dg : LSE2) + i * kBr + c * 4, true);
        }
    };

    load_tile_hbm_to_sram<T, kD, kBc, kThreads>(sK, K, k0, N);
    load_tile_hbm_to_sram<T, kD, kBc, kThreads>(sV, V, k0, N);
    if (i_begin < Tr) load_q_block(i_begin, 0);
    cp_async_commit();

    // ldmatrix lane addresses (bytes, before the swizzle XOR; see v5 and tc_fragments.cuh)
    const int mi = lane >> 3;
    const uint32_t xor_lane = uint32_t(lane & 7) << 4;
    // A operand, row-major [m][k] tile: rows m0 + lane mod 16, column 8·(lane / 16)
    const uint32_t kA_lane = smem_u32(sK) + ((warp * 16 + (lane & 15)) * kD + (lane >> 4) * 8) * 2;
    const uint32_t vA_lane = smem_u32(sV) + ((warp * 16 + (lane & 15)) * kD + (lane >> 4) * 8) * 2;
    // B operand from [n][k] (non-transposed): rows 8·(mi / 2) + lane mod 8, column 8·(mi mod 2)
    const uint32_t nk_off = (((mi >> 1) * 8 + (lane & 7)) * kD + (mi & 1) * 8) * 2;
    // B operand from [k][n] (transposed): rows 8·(mi mod 2) + lane mod 8, column 8·(mi / 2)
    const uint32_t kn_off = (((mi & 1) * 8 + (lane & 7)) * kD + (mi >> 1) * 8) * 2;
    // dQ: A = dS from sdS [key][query] (transposed): key rows 8·(mi / 2) + lane mod 8, query column
    // wm·16 + 8·(mi mod 2); B = Kj [key][d] (transposed), columns wn·kQN + ...
    const int wm = warp % kWM, wn = warp / kWM;
    const uint32_t dsA_lane = smem_u32(sdS) + (((mi >> 1) * 8 + (lane & 7)) * kBr + wm * 16 + (mi & 1) * 8) * 2;
    const uint32_t kB_lane = smem_u32(sK) + kn_off + wn * kQN * 2;

    float acc_dk[kDT][4], acc_dv[kDT][4];
    #pragma unroll
    for (int dt = 0; dt < kDT; ++dt)
        #pragma unroll
        for (int e = 0; e < 4; ++e) { acc_dk[dt][e] = 0.0f; acc_dv[dt][e] = 0.0f; }

    const int key_lo = k0 + warp * 16 + g;  // this thread's key rows: key_lo and key_lo + 8
    for (int i = i_begin; i < Tr; ++i) {
        const int stage = (i - i_begin) % kStages;
        if (i + 1 < Tr) {
            load_q_block(i + 1, stage ^ 1);
            cp_async_commit();
            cp_async_wait<1>();
        } else {
            cp_async_wait<0>();
        }
        __syncthreads();  // Kj, Vj and block i's Qi, dOi, LSEi, Di landed, visible to all warps
        const int q0 = i * kBr;
        const uint32_t q_base = smem_u32(sQ + stage * kBr * kD), do_base = smem_u32(sdO + stage * kBr * kD);
        const float* L = sL + stage * kBr;
        const float* Dr = sD + stage * kBr;

        // Sᵀ = Kj Qiᵀ: this warp's 16 keys × Br queries
        float acc_s[kNT][4];
        #pragma unroll
        for (int nt = 0; nt < kNT; ++nt)
            #pragma unroll
            for (int e = 0; e < 4; ++e) acc_s[nt][e] = 0.0f;
        #pragma unroll
        for (int kk = 0; kk < kD / 16; ++kk) {
            uint32_t a[4];
            ldmatrix_x4(a, (kA_lane + kk * 32) ^ xor_lane);
            #pragma unroll
            for (int nt2 = 0; nt2 < kNT / 2; ++nt2) {
                uint32_t b[4];
                ldmatrix_x4(b, (q_base + nk_off + (nt2 * 16 * kD + kk * 16) * 2) ^ xor_lane);
                Mma<T>::run(acc_s[2 * nt2], a, b[0], b[1]);
                Mma<T>::run(acc_s[2 * nt2 + 1], a, b[2], b[3]);
            }
        }
        // Pᵀ = exp2(Sᵀ·scale·log2 e - LSE2); masked: causal (key > query) and keys past N.
        // Queries past N have LSE2 = +inf: P = 0.
        const bool mask = key_lo - g + 16 > N || (causal && k0 + kBc - 1 > q0);
        #pragma unroll
        for (int nt = 0; nt < kNT; ++nt)
            #pragma unroll
            for (int e = 0; e < 4; ++e) {
                const int qc = nt * 8 + 2 * t + (e & 1);
                const int key = key_lo + (e >= 2 ? 8 : 0);
                float p = ex2(fmaf(acc_s[nt][e], scale_log2, -L[qc]));
                if (mask && (key >= N || (causal && key > q0 + qc))) p = 0.0f;
                acc_s[nt][e] = p;
            }

        // dVj += Pᵀ dOi: Pᵀ's accumulator fragments are the A operand (k = queries)
        #pragma unroll
        for (int kk = 0; kk < kBr / 16; ++kk) {
            uint32_t a[4];
            a[0] = Mma<T>::pack(acc_s[2 * kk][0], acc_s[2 * kk][1]);
            a[1] = Mma<T>::pack(acc_s[2 * kk][2], acc_s[2 * kk][3]);
            a[2] = Mma<T>::pack(acc_s[2 * kk + 1][0], acc_s[2 * kk + 1][1]);
            a[3] = Mma<T>::pack(acc_s[2 * kk + 1][2], acc_s[2 * kk + 1][3]);
            #pragma unroll
            for (int dt2 = 0; dt2 < kDT / 2; ++dt2) {
                uint32_t b[4];
                ldmatrix_x4_trans(b, (do_base + kn_off + (kk * 16 * kD + dt2 * 16) * 2) ^ xor_lane);
                Mma<T>::run(acc_dv[2 * dt2], a, b[0], b[1]);
                Mma<T>::run(acc_dv[2 * dt2 + 1], a, b[2], b[3]);
            }
        }

        // dPᵀ = Vj dOiᵀ
        float acc_dp[kNT][4];
        #pragma unroll
        for (int nt = 0; nt < kNT; ++nt)
            #pragma unroll
            for (int e = 0; e < 4; ++e) acc_dp[nt][e] = 0.0f;
        #pragma unroll
        for (int kk = 0; kk < kD / 16; ++kk) {
            uint32_t a[4];
            ldmatrix_x4(a, (vA_lane + kk * 32) ^ xor_lane);
            #pragma unroll
            for (int nt2 = 0; nt2 < kNT / 2; ++nt2) {
                uint32_t b[4];
                ldmatrix_x4(b, (do_base + nk_off + (nt2 * 16 * kD + kk * 16) * 2) ^ xor_lane);
                Mma<T>::run(acc_dp[2 * nt2], a, b[0], b[1]);
                Mma<T>::run(acc_dp[2 * nt2 + 1], a, b[2], b[3]);
            }
        }
        // dSᵀ = Pᵀ o (dPᵀ - Di), into acc_dp; and to SRAM (rounded to T) for dQi
        #pragma unroll
        for (int nt = 0; nt < kNT; ++nt) {
            const int qc = nt * 8 + 2 * t;
            const float d0 = Dr[qc], d1 = Dr[qc + 1];
            acc_dp[nt][0] = acc_s[nt][0] * (acc_dp[nt][0] - d0);
            acc_dp[nt][1] = acc_s[nt][1] * (acc_dp[nt][1] - d1);
            acc_dp[nt][2] = acc_s[nt][2] * (acc_dp[nt][2] - d0);
            acc_dp[nt][3] = acc_s[nt][3] * (acc_dp[nt][3] - d1);
            const int r = warp * 16 + g;
            *reinterpret_cast<uint32_t*>(sdS + swz<kBr>(r, qc)) = Mma<T>::pack(acc_dp[nt][0], acc_dp[nt][1]);
            *reinterpret_cast<uint32_t*>(sdS + swz<kBr>(r + 8, qc)) = Mma<T>::pack(acc_dp[nt][2], acc_dp[nt][3]);
        }

        // dKj += dSᵀ Qi (scale applied once at the end)
        #pragma unroll
        for (int kk = 0; kk < kBr / 16; ++kk) {
            uint32_t a[4];
            a[0] = Mma<T>::pack(acc_dp[2 * kk][0], acc_dp[2 * kk][1]);
            a[1] = Mma<T>::pack(acc_dp[2 * kk][2], acc_dp[2 * kk][3]);
            a[2] = Mma<T>::pack(acc_dp[2 * kk + 1][0], acc_dp[2 * kk + 1][1]);
            a[3] = Mma<T>::pack(acc_dp[2 * kk + 1][2], acc_dp[2 * kk + 1][3]);
            #pragma unroll
            for (int dt2 = 0; dt2 < kDT / 2; ++dt2) {
                uint32_t b[4];
                ldmatrix_x4_trans(b, (q_base + kn_off + (kk * 16 * kD + dt2 * 16) * 2) ^ xor_lane);
                Mma<T>::run(acc_dk[2 * dt2], a, b[0], b[1]);
                Mma<T>::run(acc_dk[2 * dt2 + 1], a, b[2], b[3]);
            }
        }
        __syncthreads();  // dSᵀ of every warp is in SRAM

        // dQi += dS Kj: this warp's 16 query rows × kQN columns, K-loop over the Bc keys
        float acc_dq[kQN / 8][4];
        #pragma unroll
        for (int nt = 0; nt < kQN / 8; ++nt)
            #pragma unroll
            for (int e = 0; e < 4; ++e) acc_dq[nt][e] = 0.0f;
        #pragma unroll
        for (int kk = 0; kk < kBc / 16; ++kk) {
            uint32_t a[4];
            ldmatrix_x4_trans(a, (dsA_lane + kk * 16 * kBr * 2) ^ xor_lane);
            #pragma unroll
            for (int dt2 = 0; dt2 < kQN / 16; ++dt2) {
                uint32_t b[4];
                ldmatrix_x4_trans(b, (kB_lane + (kk * 16 * kD + dt2 * 16) * 2) ^ xor_lane);
                Mma<T>::run(acc_dq[2 * dt2], a, b[0], b[1]);
                Mma<T>::run(acc_dq[2 * dt2 + 1], a, b[2], b[3]);
            }
        }
        // add to the fp32 accumulator in HBM (L2 atomics), rows past N skipped
        #pragma unroll
        for (int h = 0; h < 2; ++h) {
            const int q = q0 + wm * 16 + g + 8 * h;
            if (q < N) {
                float* row = dQacc + size_t(q) * kD + wn * kQN + 2 * t;
                #pragma unroll
                for (int nt = 0; nt < kQN / 8; ++nt)
                    red_add_f32x2(row + nt * 8, acc_dq[nt][2 * h], acc_dq[nt][2 * h + 1]);
            }
        }
        __syncthreads();  // sdS and this stage's Qi, dOi are read before they are refilled
    }

    // dKj (times the softmax scale) and dVj to HBM; keys past N are not written
    #pragma unroll
    for (int h = 0; h < 2; ++h) {
        const int key = key_lo + 8 * h;
        if (key >= N) continue;
        #pragma unroll
        for (int dt = 0; dt < kDT; ++dt) {
            const size_t off = size_t(key) * kD + dt * 8 + 2 * t;
            *reinterpret_cast<uint32_t*>(dK + off) = Mma<T>::pack(acc_dk[dt][2 * h] * scale, acc_dk[dt][2 * h + 1] * scale);
            *reinterpret_cast<uint32_t*>(dV + off) = Mma<T>::pack(acc_dv[dt][2 * h], acc_dv[dt][2 * h + 1]);
        }
    }
}

// The schedules: PyTorch flash-attention backward's on sm80/sm90 (see the top of this file).
static void block_sizes(int d, int* Br, int* Bc) {
    *Br = d == 64 ? 128 : 64;
    *Bc = 128;
}
static size_t sram_bytes(int Br, int Bc, int d) {
    return 2 * (2 * size_t(Bc) * d + size_t(kStages) * 2 * Br * d + size_t(Bc) * Br) + size_t(kStages) * 2 * Br * 4;
}
static int padded_rows(const AttnProblem& p, int Br) { return ceil_div(p.N, Br) * Br; }

std::string plan(const AttnProblem& p, AttnConfig& c, const cudaDeviceProp& dev) {
    int Br = 0, Bc = 0;
    if (p.d == 64 || p.d == 128) block_sizes(p.d, &Br, &Bc);
    return plan_compiled_blocks(7, p, c, dev, Br, Bc, kWarps, kStages, sram_bytes(Br, Bc, p.d));
}

// dQaccum (B·H·N·d fp32), then D and LSE2 ((B·H, Npad) fp32 each)
size_t workspace_bytes(const AttnProblem& p, const AttnConfig& c) {
    return p.qkv_elems() * 4 + 2 * p.heads() * size_t(padded_rows(p, c.Br)) * 4;
}

template <typename T, int kD, int kBr, int kBc>
static void launch_typed(const AttnProblem& p, const AttnConfig& c, const AttnBuffers& buf, cudaStream_t stream) {
    const int Npad = padded_rows(p, kBr);
    float* dq_acc = static_cast<float*>(buf.workspace);
    float* D = dq_acc + p.qkv_elems();
    float* LSE2 = D + p.heads() * Npad;
    CUDA_CHECK(cudaMemsetAsync(dq_acc, 0, p.qkv_elems() * 4, stream));

    const size_t rows_pad = p.heads() * Npad;
    const size_t threads = rows_pad * (kD / 8);
    dot_do_o_kernel<T, kD><<<unsigned((threads + 255) / 256), 256, 0, stream>>>(
        static_cast<const T*>(buf.dO), static_cast<const T*>(buf.O), buf.LSE, D, LSE2, p.N, Npad, rows_pad);
    CHECK_LAST_LAUNCH();

    auto kernel = fa2_bwd_kernel<T, kD, kBr, kBc>;
    allow_dynamic_smem(kernel, c.smem_bytes);
    const dim3 grid(ceil_div(p.N, kBc), p.H, p.B);
    kernel<<<grid, kWarps * 32, c.smem_bytes, stream>>>(
        static_cast<const T*>(buf.Q), static_cast<const T*>(buf.K), static_cast<const T*>(buf.V),
        static_cast<const T*>(buf.dO), LSE2, D, dq_acc, static_cast<T*>(buf.dK), static_cast<T*>(buf.dV), p.N, Npad,
        p.causal, p.scale());
    CHECK_LAST_LAUNCH();

    const size_t n4 = p.qkv_elems() / 4;  // d is a multiple of 4
    const unsigned blocks = unsigned(std::min<size_t>((n4 + 255) / 256, 132 * 16));
    convert_dq_kernel<T><<<blocks, 256, 0, stream>>>(dq_acc, static_cast<T*>(buf.dQ), n4, p.scale());
    CHECK_LAST_LAUNCH();
}

void launch(const AttnProblem& p, const AttnConfig& c, const AttnBuffers& buf, cudaStream_t stream) {
    if (p.dtype == DType::fp16) {
        if (p.d == 64) launch_typed<__half, 64, 128, 128>(p, c, buf, stream);
        else launch_typed<__half, 128, 64, 128>(p, c, buf, stream);
    } else {
        if (p.d == 64) launch_typed<__nv_bfloat16, 64, 128, 128>(p, c, buf, stream);
        else launch_typed<__nv_bfloat16, 128, 64, 128>(p, c, buf, stream);
    }
}

}  // namespace v7_fa2_bwd
