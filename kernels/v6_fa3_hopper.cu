// v6_fa3_hopper.cu: step 6 of the ladder, FlashAttention-3's asynchrony on Hopper (sm_90a only).
//
// Adds over v5 one idea, FA3's (arXiv 2407.08608, sections 3.1-3.2): the copy engine and the
// tensor cores run asynchronously to the threads, and the threads are specialised.
//   - warp specialisation: warpgroup 0 is the producer; one of its threads issues TMA bulk
//     tensor copies (cp.async.bulk.tensor, CUtensorMap passed as __grid_constant__) of Qi once
//     and of Kj, Vj into an s = 2 stage circular SRAM buffer; each copy completes on an mbarrier
//     ("full") by byte count. Warpgroups 1 and 2 are consumers, 64 query rows each (Br = 128).
//   - both GEMMs on wgmma (asynchronous warpgroup MMA): Sij = Qi Kjᵀ with both operands read
//     from SRAM through matrix descriptors (128-byte swizzle, the layout TMA wrote), and
//     Oi += P̃ij Vj with P̃ij from registers (the Sij accumulators, rounded) and Vj from SRAM
//     read transposed (N-major descriptor). After its wgmma completes a consumer releases the
//     stage to the producer through the "empty" mbarriers, separately for Kj and Vj.
//   - ping-pong between the two consumer warpgroups: named barriers order the issue of Qi Kjᵀ
//     so that one warpgroup's softmax runs while the other's GEMM occupies the tensor cores.
//   - Oi is staged in SRAM (over this warpgroup's rows of Qi) and written by a TMA store;
//     LSEi is written from registers. Rows past N: TMA zero-fills loads and clips stores; keys
//     past N (and above the diagonal when causal) are masked to -inf.
// Not here (FA3 has them): the intra-warpgroup overlap of softmax(j) with P̃V(j-1), setmaxnreg
// register reallocation between producer and consumers, fp8, the persistent tile scheduler,
// TMA multicast across a cluster. Without setmaxnreg every thread, producer or consumer, gets the
// launch-bounds cap of 168 registers (ptxas uses 163 for d = 128, no spills).
// Block sizes: Br × Bc = 128 × 128 for d = 64 and d = 128 (the simulator's fa3 default),
// 3 warpgroups (12 warps), 2 stages. SRAM = 2 bytes · (Br·d + 2 stages · 2 · Bc·d) + 1 KiB of
// alignment slack: 81 KiB for d = 64, 161 KiB for d = 128.
//
// Run:  ./fa_bench --version 6 --B 4 --H 16 --N 4096 --d 128 --dtype fp16 --causal 1
#include <cuda.h>
#include "v6_wgmma.cuh"
#include "versions.h"

namespace v6_fa3_hopper {

constexpr int kBr = 128, kBc = 128, kStages = 2;
constexpr int kWarpgroups = 3;                   // 0: producer, 1-2: consumers
constexpr int kThreads = kWarpgroups * 128;
constexpr int kConsumerThreads = 2 * 128;
constexpr int kBarSched = 1;                     // named barriers 1, 2: ping-pong turn of consumer 0, 1
constexpr int kBarEpilogue = 3;                  // named barriers 3, 4: a consumer's Oi staged in SRAM
constexpr int kSwRowBytes = 128;                 // one 128-byte-swizzled row = 64 fp16/bf16 columns

template <typename T> __device__ __forceinline__ uint32_t pack2(float lo, float hi);
template <> __device__ __forceinline__ uint32_t pack2<__half>(float lo, float hi) {
    __half2 h = __floats2half2_rn(lo, hi);
    return *reinterpret_cast<uint32_t*>(&h);
}
template <> __device__ __forceinline__ uint32_t pack2<__nv_bfloat16>(float lo, float hi) {
    __nv_bfloat162 h = __floats2bfloat162_rn(lo, hi);
    return *reinterpret_cast<uint32_t*>(&h);
}
__device__ __forceinline__ float ex2(float x) {  // 2^x; ex2(-inf) = 0
    float y;
    asm("ex2.approx.ftz.f32 %0, %1;\n" : "=f"(y) : "f"(x));
    return y;
}

// SRAM tiles: a tile of R rows × d columns is stored as d/64 column blocks, each R rows of 128
// bytes with TMA's 128-byte swizzle (16-byte chunk c of row r at chunk c ^ (r mod 8)). Every
// block starts at a multiple of 1024 bytes, as the swizzle needs.
//
// One CTA per (query block i, h, b). grid: (Tr, H, B), 384 threads.
template <typename T, int kD>
__global__ void __launch_bounds__(kThreads, 1)
fa3_kernel(const __grid_constant__ CUtensorMap tm_q, const __grid_constant__ CUtensorMap tm_k,
           const __grid_constant__ CUtensorMap tm_v, const __grid_constant__ CUtensorMap tm_o,
           float* __restrict__ LSE, int N, int causal, float scale) {
#if defined(__CUDA_ARCH__) && defined(__CUDA_ARCH_FEAT_SM90_ALL)
    constexpr int kCB = kD / 64;                       // 64-column blocks per row
    constexpr uint32_t kQBytes = kBr * kD * 2, kKVBytes = kBc * kD * 2;
    extern __shared__ unsigned char smem_raw[];
    __shared__ __align__(8) uint64_t bar_q, bar_k_full[kStages], bar_v_full[kStages], bar_k_empty[kStages],
        bar_v_empty[kStages];
    // the 128-byte swizzle needs 1024-byte aligned tiles: round the dynamic SRAM base up
    unsigned char* smem = smem_raw + ((1024 - (smem_u32(smem_raw) & 1023)) & 1023);
    unsigned char* sQ = smem;                          // [kCB][Br][128 B]
    unsigned char* sK = sQ + kQBytes;                  // [stage][kCB][Bc][128 B]
    unsigned char* sV = sK + kStages * kKVBytes;       // [stage][kCB][Bc][128 B]

    // causal: heaviest query blocks (most key blocks) first, so the tail of the grid is short
    const int i = causal ? int(gridDim.x) - 1 - int(blockIdx.x) : int(blockIdx.x);
    const int q0 = i * kBr;
    const int bh = int(blockIdx.z * gridDim.y + blockIdx.y);
    const int Tc = (N + kBc - 1) / kBc;
    const int j_end = causal ? (min(N, q0 + kBr) + kBc - 1) / kBc : Tc;
    const int wg = threadIdx.x / 128, tid = threadIdx.x % 128;

    if (threadIdx.x == 0) {
        mbar_init(&bar_q, 1);  // the producer's one arrive.expect_tx; the rest is TMA bytes
        for (int s = 0; s < kStages; ++s) {
            mbar_init(&bar_k_full[s], 1);
            mbar_init(&bar_v_full[s], 1);
            mbar_init(&bar_k_empty[s], kConsumerThreads);  // every consumer thread releases the stage
            mbar_init(&bar_v_empty[s], kConsumerThreads);
        }
        // the initialised barriers must be visible to the other threads and to the async proxy
        // (the TMA unit signals them) before anyone uses them
        asm volatile("fence.mbarrier_init.release.cluster;\nfence.proxy.async.shared::cta;\n" ::: "memory");
    }
    __syncthreads();  // barriers initialised before any thread waits on or arrives at them; the
                      // last CTA-wide barrier: the producer warps leave early below

    if (wg == 0) {
        // ---------------- producer: HBM -> SRAM by TMA, one thread ----------------
        if (tid == 0) {
            prefetch_tmap(&tm_q); prefetch_tmap(&tm_k); prefetch_tmap(&tm_v); prefetch_tmap(&tm_o);
            // load Qi from HBM to SRAM once
            mbar_arrive_expect_tx(&bar_q, kQBytes);
            for (int cb = 0; cb < kCB; ++cb) tma_load_3d(sQ + cb * kBr * kSwRowBytes, &tm_q, &bar_q, cb * 64, q0, bh);
            for (int j = 0; j < j_end; ++j) {
                const int s = j % kStages;
                // stage s is free once both consumers released block j - kStages (its phase
                // j/kStages - 1 of the empty barrier completed)
                if (j >= kStages) mbar_wait(&bar_k_empty[s], ((j / kStages) - 1) & 1);
                mbar_arrive_expect_tx(&bar_k_full[s], kKVBytes);  // load Kj from HBM to SRAM
                for (int cb = 0; cb < kCB; ++cb)
                    tma_load_3d(sK + s * kKVBytes + cb * kBc * kSwRowBytes, &tm_k, &bar_k_full[s], cb * 64, j * kBc, bh);
                if (j >= kStages) mbar_wait(&bar_v_empty[s], ((j / kStages) - 1) & 1);
                mbar_arrive_expect_tx(&bar_v_full[s], kKVBytes);  // load Vj from HBM to SRAM
                for (int cb = 0; cb < kCB; ++cb)
                    tma_load_3d(sV + s * kKVBytes + cb * kBc * kSwRowBytes, &tm_v, &bar_v_full[s], cb * 64, j * kBc, bh);
            }
        }
        return;
    }

    // ---------------- consumers: warpgroups 1, 2; 64 query rows each ----------------
    const int w = wg - 1;
    const int warp = tid / 32, lane = tid % 32, g = lane / 4, q = lane % 4;
    const float scale_log2 = scale * 1.4426950408889634f;  // softmax in base 2: e^x = 2^(x·log2 e)
    const uint32_t q_addr = smem_u32(sQ) + w * 64 * kSwRowBytes;  // this warpgroup's rows of Qi
    const uint32_t k_addr = smem_u32(sK), v_addr = smem_u32(sV);

    // on chip for the whole loop: this thread's part of Oi (fp32), mi, li for rows g and g + 8
    float acc_o[kD / 2];
    #pragma unroll
    for (int e = 0; e < kD / 2; ++e) acc_o[e] = 0.0f;
    float m_i[2] = {-INFINITY, -INFINITY}, l_i[2] = {0.0f, 0.0f};
    const int row_base = q0 + w * 64 + warp * 16 + g;  // query row of half h: row_base + 8h

    if (w == 1) named_bar_arrive(kBarSched, kConsumerThreads);  // consumer 0 issues its GEMM first
    mbar_wait(&bar_q, 0);  // Qi landed in SRAM

    for (int j = 0; j < j_end; ++j) {
        const int s = j % kStages;
        const uint32_t parity = (j / kStages) & 1;
        mbar_wait(&bar_k_full[s], parity);  // Kj landed in SRAM

        // Sij = Qi Kjᵀ on the tensor cores (SRAM × SRAM -> registers), issued in ping-pong order
        float acc_s[kBc / 2];
        named_bar_sync(kBarSched + w, kConsumerThreads);  // my turn: the other warpgroup has issued
        #pragma unroll
        for (int e = 0; e < kBc / 2; ++e) fence_operand(acc_s[e]);
        wgmma_fence();  // earlier register use of acc_s is ordered before the wgmma writes it
        #pragma unroll
        for (int kk = 0; kk < kD / 16; ++kk) {
            const uint32_t off = (kk % 4) * 32;  // 16 columns = 32 bytes inside a 128-byte row
            const uint64_t desc_q = make_desc_sw128(q_addr + (kk / 4) * kBr * kSwRowBytes + off, 16, 1024);
            const uint64_t desc_k =
                make_desc_sw128(k_addr + s * kKVBytes + (kk / 4) * kBc * kSwRowBytes + off, 16, 1024);
            Wgmma<T, kBc>::ss(acc_s, desc_q, desc_k, kk > 0);
        }
        wgmma_commit();
        // the other warpgroup may issue now (its last turn needs no arrival: barriers stay balanced)
        if (!(w == 1 && j == j_end - 1)) named_bar_arrive(kBarSched + (1 - w), kConsumerThreads);
        wgmma_wait<0>();
        #pragma unroll
        for (int e = 0; e < kBc / 2; ++e) fence_operand(acc_s[e]);
        mbar_arrive(&bar_k_empty[s]);  // this thread is done with Kj in SRAM: the producer may refill

        // mask only blocks crossing the diagonal or the end of N
        const int k0 = j * kBc;
        if (k0 + kBc > N || (causal && k0 + kBc - 1 > q0)) {
            #pragma unroll
            for (int e = 0; e < kBc / 2; ++e) {
                const int row = row_base + ((e >> 1) & 1) * 8;
                const int key = k0 + (e / 4) * 8 + 2 * q + (e & 1);
                if (key >= N || (causal && key > row)) acc_s[e] = -INFINITY;
            }
        }

        // online softmax: mi_new = max(mi, rowmax(Sij)); P̃ij = exp(scale·(Sij - mi_new));
        // li = e^{scale·(mi - mi_new)} li + rowsum(P̃ij); Oi *= e^{scale·(mi - mi_new)}
        #pragma unroll
        for (int h = 0; h < 2; ++h) {
            float mx = m_i[h];
            #pragma unroll
            for (int nt = 0; nt < kBc / 8; ++nt) mx = fmaxf(mx, fmaxf(acc_s[4 * nt + 2 * h], acc_s[4 * nt + 2 * h + 1]));
            mx = fmaxf(mx, __shfl_xor_sync(0xffffffffu, mx, 1));  // the 4 threads of a row
            mx = fmaxf(mx, __shfl_xor_sync(0xffffffffu, mx, 2));
            const float m_scaled = mx == -INFINITY ? 0.0f : mx * scale_log2;
            const float alpha = ex2(m_i[h] * scale_log2 - m_scaled);
            m_i[h] = mx;
            float row_sum = 0.0f;
            #pragma unroll
            for (int nt = 0; nt < kBc / 8; ++nt)
                #pragma unroll
                for (int e = 4 * nt + 2 * h; e < 4 * nt + 2 * h + 2; ++e) {
                    const float p = ex2(fmaf(acc_s[e], scale_log2, -m_scaled));
                    acc_s[e] = p;
                    row_sum += p;
                }
            l_i[h] = alpha * l_i[h] + row_sum;
            #pragma unroll
            for (int dt = 0; dt < kD / 8; ++dt) {
                acc_o[4 * dt + 2 * h] *= alpha;
                acc_o[4 * dt + 2 * h + 1] *= alpha;
            }
        }

        // P̃ij rounded to T, in the wgmma register A layout (the accumulator layout, k16 at a time)
        uint32_t p_frag[kBc / 16][4];
        #pragma unroll
        for (int kk = 0; kk < kBc / 16; ++kk) {
            p_frag[kk][0] = pack2<T>(acc_s[8 * kk + 0], acc_s[8 * kk + 1]);
            p_frag[kk][1] = pack2<T>(acc_s[8 * kk + 2], acc_s[8 * kk + 3]);
            p_frag[kk][2] = pack2<T>(acc_s[8 * kk + 4], acc_s[8 * kk + 5]);
            p_frag[kk][3] = pack2<T>(acc_s[8 * kk + 6], acc_s[8 * kk + 7]);
        }

        // Oi += P̃ij Vj on the tensor cores (registers × SRAM -> registers)
        mbar_wait(&bar_v_full[s], parity);  // Vj landed in SRAM
        #pragma unroll
        for (int e = 0; e < kD / 2; ++e) fence_operand(acc_o[e]);
        #pragma unroll
        for (int kk = 0; kk < kBc / 16; ++kk)
            #pragma unroll
            for (int r = 0; r < 4; ++r) fence_operand(p_frag[kk][r]);
        wgmma_fence();  // the rescaled acc_o and the new p_frag are written before wgmma reads them
        #pragma unroll
        for (int kk = 0; kk < kBc / 16; ++kk) {
            // keys 16kk..16kk+15 = rows of Vj: two 8-row groups 1024 bytes apart (SBO); the 64-column
            // blocks of d are Bc rows apart (LBO)
            const uint64_t desc_v = make_desc_sw128(v_addr + s * kKVBytes + kk * 16 * kSwRowBytes, kBc * kSwRowBytes, 1024);
            Wgmma<T, kD>::rs_tn(acc_o, p_frag[kk], desc_v);
        }
        wgmma_commit();
        wgmma_wait<0>();
        #pragma unroll
        for (int e = 0; e < kD / 2; ++e) fence_operand(acc_o[e]);
        #pragma unroll
        for (int kk = 0; kk < kBc / 16; ++kk)
            #pragma unroll
            for (int r = 0; r < 4; ++r) fence_operand(p_frag[kk][r]);
        mbar_arrive(&bar_v_empty[s]);  // this thread is done with Vj in SRAM
    }

    // Oi = diag(li)⁻¹ Oi once; LSEi = mi·scale + log(li). Stage Oi in this warpgroup's rows of
    // sQ (its last wgmma reading them has completed; the other warpgroup reads only its own rows).
    #pragma unroll
    for (int h = 0; h < 2; ++h) {
        float l = l_i[h];
        l += __shfl_xor_sync(0xffffffffu, l, 1);  // the row sum was kept per thread: reduce now
        l += __shfl_xor_sync(0xffffffffu, l, 2);
        const float inv_l = l > 0.0f ? 1.0f / l : 0.0f;
        const int r = w * 64 + warp * 16 + g + 8 * h;  // row in the tile
        #pragma unroll
        for (int dt = 0; dt < kD / 8; ++dt) {
            const int cb = dt / 8, chunk = (dt % 8) ^ (r % 8);
            *reinterpret_cast<uint32_t*>(sQ + cb * kBr * kSwRowBytes + r * kSwRowBytes + chunk * 16 + q * 4) =
                pack2<T>(acc_o[4 * dt + 2 * h] * inv_l, acc_o[4 * dt + 2 * h + 1] * inv_l);
        }
        const int row = q0 + r;
        if (q == 0 && row < N) LSE[size_t(bh) * N + row] = m_i[h] * scale + logf(l);
    }
    // ordinary (generic-proxy) SRAM writes are read next by the TMA store (async proxy)
    asm volatile("fence.proxy.async.shared::cta;\n" ::: "memory");
    named_bar_sync(kBarEpilogue + w, 128);  // all 128 threads of this warpgroup staged their rows
    if (tid == 0) {
        // write this warpgroup's 64 rows of Oi from SRAM to HBM (rows past N are clipped)
        for (int cb = 0; cb < kCB; ++cb)
            tma_store_3d(&tm_o, sQ + cb * kBr * kSwRowBytes + w * 64 * kSwRowBytes, cb * 64, q0 + w * 64, bh);
        tma_store_commit_and_wait_read();  // SRAM must stay valid until the copy engine has read it
    }
#endif
}

// ---- host side ------------------------------------------------------------------------------
// A 3-D tensor map over a (B·H, N, d) tensor: box = 64 columns × box_rows rows × 1 head,
// 128-byte swizzle, out-of-bounds elements read as zero.
static CUtensorMap make_tmap(const void* base, DType t, int d, int N, int heads, int box_rows) {
    CUtensorMap m;
    const cuuint64_t dims[3] = {cuuint64_t(d), cuuint64_t(N), cuuint64_t(heads)};
    const cuuint64_t strides_bytes[2] = {cuuint64_t(d) * 2, cuuint64_t(N) * d * 2};
    const cuuint32_t box[3] = {64, cuuint32_t(box_rows), 1};
    const cuuint32_t elem_strides[3] = {1, 1, 1};
    const CUresult r = cuTensorMapEncodeTiled(
        &m, t == DType::fp16 ? CU_TENSOR_MAP_DATA_TYPE_FLOAT16 : CU_TENSOR_MAP_DATA_TYPE_BFLOAT16, 3,
        const_cast<void*>(base), dims, strides_bytes, box, elem_strides, CU_TENSOR_MAP_INTERLEAVE_NONE,
        CU_TENSOR_MAP_SWIZZLE_128B, CU_TENSOR_MAP_L2_PROMOTION_L2_256B, CU_TENSOR_MAP_FLOAT_OOB_FILL_NONE);
    if (r != CUDA_SUCCESS) {
        const char* msg = nullptr;
        cuGetErrorString(r, &msg);
        std::fprintf(stderr, "%s:%d: cuTensorMapEncodeTiled failed: %s\n", __FILE__, __LINE__, msg ? msg : "?");
        std::exit(1);
    }
    return m;
}

static size_t sram_bytes(int d) { return 2 * (size_t(kBr) * d + size_t(kStages) * 2 * kBc * d) + 1024; }

std::string plan(const AttnProblem& p, AttnConfig& c, const cudaDeviceProp& dev) {
    if (dev.major != 9 || dev.minor != 0)
        return std::string("version 6 needs sm_90a (a Hopper GPU, compute capability 9.0); ") + dev.name + " is " +
               std::to_string(dev.major) + "." + std::to_string(dev.minor);
    if (p.d != 64 && p.d != 128) return "d=" + std::to_string(p.d) + ": version 6 is built for d = 64 and d = 128";
    if ((c.Br && c.Br != kBr) || (c.Bc && c.Bc != kBc))
        return "Br=" + std::to_string(c.Br) + ", Bc=" + std::to_string(c.Bc) + ": version 6 is compiled for Br=" +
               std::to_string(kBr) + ", Bc=" + std::to_string(kBc);
    c.Br = kBr;
    c.Bc = kBc;
    c.warps = kThreads / 32;
    c.stages = kStages;
    c.smem_bytes = sram_bytes(p.d);
    if (c.smem_bytes > dev.sharedMemPerBlockOptin)
        return "d=" + std::to_string(p.d) + " needs " + fmt_kib(c.smem_bytes) + " of SRAM; " + dev.name + " allows " +
               fmt_kib(dev.sharedMemPerBlockOptin);
    return "";
}

size_t workspace_bytes(const AttnProblem&, const AttnConfig&) { return 0; }

template <typename T, int kD>
static void launch_typed(const AttnProblem& p, const AttnConfig& c, const AttnBuffers& buf, cudaStream_t stream) {
    const int heads = int(p.heads());
    const CUtensorMap tm_q = make_tmap(buf.Q, p.dtype, kD, p.N, heads, kBr);
    const CUtensorMap tm_k = make_tmap(buf.K, p.dtype, kD, p.N, heads, kBc);
    const CUtensorMap tm_v = make_tmap(buf.V, p.dtype, kD, p.N, heads, kBc);
    const CUtensorMap tm_o = make_tmap(buf.O, p.dtype, kD, p.N, heads, 64);  // one consumer's 64 rows
    auto kernel = fa3_kernel<T, kD>;
    allow_dynamic_smem(kernel, c.smem_bytes);
    const dim3 grid(ceil_div(p.N, kBr), p.H, p.B);
    kernel<<<grid, kThreads, c.smem_bytes, stream>>>(tm_q, tm_k, tm_v, tm_o, buf.LSE, p.N, int(p.causal), p.scale());
    CHECK_LAST_LAUNCH();
}

void launch(const AttnProblem& p, const AttnConfig& c, const AttnBuffers& buf, cudaStream_t stream) {
    if (p.dtype == DType::fp16) {
        if (p.d == 64) launch_typed<__half, 64>(p, c, buf, stream);
        else launch_typed<__half, 128>(p, c, buf, stream);
    } else {
        if (p.d == 64) launch_typed<__nv_bfloat16, 64>(p, c, buf, stream);
        else launch_typed<__nv_bfloat16, 128>(p, c, buf, stream);
    }
}

}  // namespace v6_fa3_hopper
