// v5_fa2_tc.cu: step 5 of the ladder, FlashAttention-2 on tensor cores (fp16 / bf16).
//
// Adds over v4: speed, with the same dataflow (one CTA per (query block i, head, batch), Qi loaded
// once, loop over Kj, Vj, Oi on chip, rescaled once at the end, Oi and LSEi written once):
//   - both GEMMs on tensor cores: mma.sync m16n8k16 (fp16/bf16 in, fp32 accumulate), operands
//     loaded from SRAM with ldmatrix (.trans for Vj); P̃ij never leaves registers: the fp32
//     accumulator fragment of Sij is rounded and re-used as the A operand of P̃ij·Vj
//   - Qi split across 4 warps, each warp owns Br/4 = 32 query rows; Kj, Vj shared by all warps
//     (no split-K: FA2 paper, section 3.3)
//   - cp.async double buffering: Kj+1, Vj+1 are copied HBM -> SRAM while block j is computed
//   - XOR-swizzled SRAM tiles (16-byte chunk c of row r stored at c ^ (r mod 8)): ldmatrix and
//     cp.async hit all 32 banks, no padding needed
//   - causal: key blocks entirely above the diagonal are skipped, only blocks crossing the
//     diagonal (or the end of N) are masked; the heaviest query blocks are launched first
// Block sizes are template parameters, those of PyTorch's flash-attention forward (and of the
// simulator's FA2 schedules): d=64 -> Br×Bc = 128×128, d=128 -> 128×64, 4 warps, 2 K/V stages.
// SRAM = 2 bytes · (Br·d + 2 stages · 2 · Bc·d): 80 KiB for d=64, 96 KiB for d=128.
//
// Run:  ./fa_bench --version 5 --B 4 --H 16 --N 4096 --d 128 --dtype fp16 --causal 1
#include <cstdint>
#include "tc_fragments.cuh"
#include "versions.h"

namespace v5_fa2_tc {

using namespace tc;

constexpr int kWarps = 4;
constexpr int kStages = 2;

// One CTA per (query block i, h, b). grid: (Tr, H, B), 4 warps.
// Q, K, V, O: (B, H, N, d), row-major, T = __half or __nv_bfloat16. LSE: (B, H, N) fp32.
template <typename T, int kD, int kBr, int kBc>
__global__ void __launch_bounds__(kWarps * 32)
fa2_tc_kernel(const T* __restrict__ Q, const T* __restrict__ K, const T* __restrict__ V, T* __restrict__ O,
              float* __restrict__ LSE, int N, bool causal, float scale) {
    constexpr int kThreads = kWarps * 32;
    constexpr int kRowsPerWarp = kBr / kWarps;  // 32 query rows per warp
    constexpr int kMT = kRowsPerWarp / 16;      // m16 tiles per warp
    constexpr int kNT = kBc / 8;                // n8 tiles of Sij per warp row-tile
    constexpr int kDT = kD / 8;                 // n8 tiles of Oi
    static_assert(kRowsPerWarp % 16 == 0 && kBc % 16 == 0 && kD % 16 == 0, "tile shapes");

    extern __shared__ __align__(128) unsigned char smem_raw[];
    T* sQ = reinterpret_cast<T*>(smem_raw);  // [Br][d], swizzled; reused to stage Oi at the end
    T* sK = sQ + kBr * kD;                   // [2][Bc][d], swizzled
    T* sV = sK + kStages * kBc * kD;         // [2][Bc][d], swizzled

    // causal: heaviest query blocks (most key blocks) first, so the tail of the grid is short
    const int i = causal ? int(gridDim.x) - 1 - int(blockIdx.x) : int(blockIdx.x);
    const int q0 = i * kBr;
    const size_t bh = size_t(blockIdx.z) * gridDim.y + blockIdx.y;
    Q += bh * N * kD; K += bh * N * kD; V += bh * N * kD; O += bh * N * kD;
    LSE += bh * N;
    const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
    const int g = lane / 4, t = lane % 4;  // mma fragment coordinates: row group, thread in group
    const float scale_log2 = scale * 1.4426950408889634f;  // softmax in base 2: e^x = 2^(x·log2 e)

    const int Tc = (N + kBc - 1) / kBc;
    const int j_end = causal ? (min(N, q0 + kBr) + kBc - 1) / kBc : Tc;

    // load Qi and K0, V0 from HBM to SRAM (asynchronous)
    load_tile_hbm_to_sram<T, kD, kBr, kThreads>(sQ, Q, q0, N);
    load_tile_hbm_to_sram<T, kD, kBc, kThreads>(sK, K, 0, N);
    load_tile_hbm_to_sram<T, kD, kBc, kThreads>(sV, V, 0, N);
    cp_async_commit();

    // Each lane's ldmatrix row addresses (bytes, shared window, before the swizzle XOR):
    //   Qi:  rows warp·32 + (lane mod 16), column 8·(lane / 16)           -> A fragments
    //   Kj:  rows 8·(mi / 2) + lane mod 8, column 8·(mi mod 2), mi = lane/8 -> B fragments of Qi·Kjᵀ
    //   Vj:  rows 8·(mi mod 2) + lane mod 8, column 8·(mi / 2), transposed  -> B fragments of P̃ij·Vj
    const int mi = lane >> 3;
    const uint32_t xor_lane = uint32_t(lane & 7) << 4;
    const uint32_t q_lane = smem_u32(sQ) + ((warp * kRowsPerWarp + (lane & 15)) * kD + (lane >> 4) * 8) * 2;
    const uint32_t k_lane0 = smem_u32(sK) + (((mi >> 1) * 8 + (lane & 7)) * kD + (mi & 1) * 8) * 2;
    const uint32_t v_lane0 = smem_u32(sV) + (((mi & 1) * 8 + (lane & 7)) * kD + (mi >> 1) * 8) * 2;

    // on chip for the whole loop: this warp's rows of Oi (fp32 accumulators), mi, li.
    // Thread rows: for m-tile mt, half h: row warp·32 + mt·16 + g + 8h.
    float acc_o[kMT][kDT][4];
    #pragma unroll
    for (int mt = 0; mt < kMT; ++mt)
        #pragma unroll
        for (int dt = 0; dt < kDT; ++dt)
            #pragma unroll
            for (int e = 0; e < 4; ++e) acc_o[mt][dt][e] = 0.0f;
    float m_i[kMT * 2], l_i[kMT * 2];  // m: raw max of Sij (unscaled); l: this thread's partial row sum
    #pragma unroll
    for (int r = 0; r < kMT * 2; ++r) { m_i[r] = -INFINITY; l_i[r] = 0.0f; }

    for (int j = 0; j < j_end; ++j) {
        const int stage = j % kStages;
        if (j + 1 < j_end) {
            // load Kj+1, Vj+1 from HBM to SRAM into the other stage while block j is computed
            load_tile_hbm_to_sram<T, kD, kBc, kThreads>(sK + (stage ^ 1) * kBc * kD, K, (j + 1) * kBc, N);
            load_tile_hbm_to_sram<T, kD, kBc, kThreads>(sV + (stage ^ 1) * kBc * kD, V, (j + 1) * kBc, N);
            cp_async_commit();
            cp_async_wait<1>();  // this thread's copies of block j (and Qi) are done
        } else {
            cp_async_wait<0>();
        }
        __syncthreads();  // every thread's copies of Kj, Vj (and Qi) landed: visible to all warps
        const uint32_t v_lane = v_lane0 + stage * kBc * kD * 2;

        // Sij = Qi Kjᵀ (raw dot products; the scale is folded into the exp below)
        float acc_s[kMT][kNT][4];
        #pragma unroll
        for (int mt = 0; mt < kMT; ++mt)
            #pragma unroll
            for (int nt = 0; nt < kNT; ++nt)
                #pragma unroll
                for (int e = 0; e < 4; ++e) acc_s[mt][nt][e] = 0.0f;
        const uint32_t k_lane = k_lane0 + stage * kBc * kD * 2;
        #pragma unroll
        for (int kk = 0; kk < kD / 16; ++kk) {
            uint32_t a[kMT][4];  // Qi fragment: lanes 0-15 rows 0-15 at k 0-7, lanes 16-31 at k 8-15
            #pragma unroll
            for (int mt = 0; mt < kMT; ++mt) ldmatrix_x4(a[mt], (q_lane + (mt * 16 * kD + kk * 16) * 2) ^ xor_lane);
            #pragma unroll
            for (int nt2 = 0; nt2 < kNT / 2; ++nt2) {
                uint32_t b[4];  // b[0], b[1]: n-tile 2·nt2; b[2], b[3]: n-tile 2·nt2+1
                ldmatrix_x4(b, (k_lane + (nt2 * 16 * kD + kk * 16) * 2) ^ xor_lane);
                #pragma unroll
                for (int mt = 0; mt < kMT; ++mt) {
                    Mma<T>::run(acc_s[mt][2 * nt2], a[mt], b[0], b[1]);
                    Mma<T>::run(acc_s[mt][2 * nt2 + 1], a[mt], b[2], b[3]);
                }
            }
        }

        // mask only blocks crossing the diagonal or the end of N
        const int k0 = j * kBc;
        if (k0 + kBc > N || (causal && k0 + kBc - 1 > q0)) {
            #pragma unroll
            for (int mt = 0; mt < kMT; ++mt)
                #pragma unroll
                for (int nt = 0; nt < kNT; ++nt)
                    #pragma unroll
                    for (int e = 0; e < 4; ++e) {
                        const int row = q0 + warp * kRowsPerWarp + mt * 16 + g + (e >= 2 ? 8 : 0);
                        const int key = k0 + nt * 8 + 2 * t + (e & 1);
                        if (key >= N || (causal && key > row)) acc_s[mt][nt][e] = -INFINITY;
                    }
        }

        // online softmax: mi_new = max(mi, rowmax(Sij)); P̃ij = exp(scale·(Sij - mi_new));
        // li = e^{scale·(mi - mi_new)} li + rowsum(P̃ij); Oi *= e^{scale·(mi - mi_new)}
        #pragma unroll
        for (int mt = 0; mt < kMT; ++mt)
            #pragma unroll
            for (int h = 0; h < 2; ++h) {
                const int r = mt * 2 + h;
                float mx = m_i[r];
                #pragma unroll
                for (int nt = 0; nt < kNT; ++nt)
                    mx = fmaxf(mx, fmaxf(acc_s[mt][nt][2 * h], acc_s[mt][nt][2 * h + 1]));
                mx = fmaxf(mx, __shfl_xor_sync(0xffffffffu, mx, 1));  // the 4 threads of a row
                mx = fmaxf(mx, __shfl_xor_sync(0xffffffffu, mx, 2));
                const float m_scaled = mx == -INFINITY ? 0.0f : mx * scale_log2;
                const float alpha = ex2(m_i[r] * scale_log2 - m_scaled);
                m_i[r] = mx;
                float row_sum = 0.0f;
                #pragma unroll
                for (int nt = 0; nt < kNT; ++nt)
                    #pragma unroll
                    for (int e = 2 * h; e < 2 * h + 2; ++e) {
                        const float p = ex2(fmaf(acc_s[mt][nt][e], scale_log2, -m_scaled));
                        acc_s[mt][nt][e] = p;
                        row_sum += p;
                    }
                l_i[r] = alpha * l_i[r] + row_sum;
                #pragma unroll
                for (int dt = 0; dt < kDT; ++dt) {
                    acc_o[mt][dt][2 * h] *= alpha;
                    acc_o[mt][dt][2 * h + 1] *= alpha;
                }
            }

        // Oi += P̃ij Vj: the Sij accumulator fragments, rounded to T, are the A operand
        #pragma unroll
        for (int kk = 0; kk < kBc / 16; ++kk) {
            uint32_t a[kMT][4];
            #pragma unroll
            for (int mt = 0; mt < kMT; ++mt) {
                a[mt][0] = Mma<T>::pack(acc_s[mt][2 * kk][0], acc_s[mt][2 * kk][1]);
                a[mt][1] = Mma<T>::pack(acc_s[mt][2 * kk][2], acc_s[mt][2 * kk][3]);
                a[mt][2] = Mma<T>::pack(acc_s[mt][2 * kk + 1][0], acc_s[mt][2 * kk + 1][1]);
                a[mt][3] = Mma<T>::pack(acc_s[mt][2 * kk + 1][2], acc_s[mt][2 * kk + 1][3]);
            }
            #pragma unroll
            for (int dt2 = 0; dt2 < kDT / 2; ++dt2) {
                uint32_t b[4];  // b[0], b[1]: d-tile 2·dt2; b[2], b[3]: d-tile 2·dt2+1
                ldmatrix_x4_trans(b, (v_lane + (kk * 16 * kD + dt2 * 16) * 2) ^ xor_lane);
                #pragma unroll
                for (int mt = 0; mt < kMT; ++mt) {
                    Mma<T>::run(acc_o[mt][2 * dt2], a[mt], b[0], b[1]);
                    Mma<T>::run(acc_o[mt][2 * dt2 + 1], a[mt], b[2], b[3]);
                }
            }
        }
        __syncthreads();  // all warps are done reading this stage before it is refilled (block j+2)
    }

    // Oi = diag(li)⁻¹ Oi once; LSEi = mi·scale + log(li). Stage Oi in this warp's rows of sQ
    // (only this warp ever read them), then write 16-byte chunks to HBM.
    T* sO = sQ;
    #pragma unroll
    for (int mt = 0; mt < kMT; ++mt)
        #pragma unroll
        for (int h = 0; h < 2; ++h) {
            const int r = mt * 2 + h;
            float l = l_i[r];
            l += __shfl_xor_sync(0xffffffffu, l, 1);  // the row sum was kept per thread: reduce now
            l += __shfl_xor_sync(0xffffffffu, l, 2);
            const float inv_l = l > 0.0f ? 1.0f / l : 0.0f;
            const int row_in_tile = warp * kRowsPerWarp + mt * 16 + g + 8 * h;
            #pragma unroll
            for (int dt = 0; dt < kDT; ++dt)
                *reinterpret_cast<uint32_t*>(sO + swz<kD>(row_in_tile, dt * 8 + 2 * t)) =
                    Mma<T>::pack(acc_o[mt][dt][2 * h] * inv_l, acc_o[mt][dt][2 * h + 1] * inv_l);
            const int row = q0 + row_in_tile;
            if (t == 0 && row < N) LSE[row] = m_i[r] * scale + logf(l);
        }
    __syncwarp();  // this warp's rows of Oi are staged before its lanes read each other's
    constexpr int kChunksPerRow = kD / 8;
    #pragma unroll
    for (int e = lane; e < kRowsPerWarp * kChunksPerRow; e += 32) {
        const int r = warp * kRowsPerWarp + e / kChunksPerRow, c = e % kChunksPerRow;
        if (q0 + r < N)  // write Oi from SRAM to HBM, 16 bytes per thread
            *reinterpret_cast<uint4*>(O + size_t(q0 + r) * kD + c * 8) = *reinterpret_cast<const uint4*>(sO + swz<kD>(r, c * 8));
    }
}

// The schedules: PyTorch flash-attention forward's choices on sm80/sm90.
static void block_sizes(int d, int* Br, int* Bc) {
    *Br = 128;
    *Bc = d == 64 ? 128 : 64;
}
static size_t sram_bytes(int Br, int Bc, int d) { return 2 * (size_t(Br) * d + size_t(kStages) * 2 * Bc * d); }

std::string plan(const AttnProblem& p, AttnConfig& c, const cudaDeviceProp& dev) {
    int Br = 0, Bc = 0;
    if (p.d == 64 || p.d == 128) block_sizes(p.d, &Br, &Bc);
    // SRAM budget: 2 bytes · (Br·d + 2 stages · (Bc·d for Kj + Bc·d for Vj))
    return plan_compiled_blocks(5, p, c, dev, Br, Bc, kWarps, kStages, sram_bytes(Br, Bc, p.d));
}

size_t workspace_bytes(const AttnProblem&, const AttnConfig&) { return 0; }

template <typename T, int kD, int kBr, int kBc>
static void launch_typed(const AttnProblem& p, const AttnConfig& c, const AttnBuffers& buf, cudaStream_t stream) {
    auto kernel = fa2_tc_kernel<T, kD, kBr, kBc>;
    allow_dynamic_smem(kernel, c.smem_bytes);
    const dim3 grid(ceil_div(p.N, kBr), p.H, p.B);
    kernel<<<grid, kWarps * 32, c.smem_bytes, stream>>>(static_cast<const T*>(buf.Q), static_cast<const T*>(buf.K),
                                                         static_cast<const T*>(buf.V), static_cast<T*>(buf.O), buf.LSE,
                                                         p.N, p.causal, p.scale());
    CHECK_LAST_LAUNCH();
}

void launch(const AttnProblem& p, const AttnConfig& c, const AttnBuffers& buf, cudaStream_t stream) {
    if (p.dtype == DType::fp16) {
        if (p.d == 64) launch_typed<__half, 64, 128, 128>(p, c, buf, stream);
        else launch_typed<__half, 128, 128, 64>(p, c, buf, stream);
    } else {
        if (p.d == 64) launch_typed<__nv_bfloat16, 64, 128, 128>(p, c, buf, stream);
        else launch_typed<__nv_bfloat16, 128, 128, 64>(p, c, buf, stream);
    }
}

}  // namespace v5_fa2_tc
