// issue_latency.cu: how fast warps issue CUDA-core instructions, and how latency limits a warp
// that has few independent instructions (the warp-level model of Hong & Kim, ISCA 2009).
// For each instruction kind, one CTA per SM with W warps (W = 1, 2, 4, 8, 16, 32), each warp
// running `ilp` independent dependency chains (ilp = 1: every instruction waits for the one
// before; ilp = 8: eight chains interleaved). Prints cycles per warp-instruction per SM
// sub-partition (SMSP; 4 per SM): 1.0 means one warp-instruction per clock per SMSP, the issue
// limit; with one warp and ilp = 1 it is the instruction's dependent latency.
//   ffma:  fma.rn.f32 (FMA pipe)
//   ex2:   ex2.approx.f32 (special-function unit, MUFU)
//   lds:   ld.shared.f32 with the address from the last load (shared-memory latency), ilp chains
//   mix:   the body of a scalar GEMM step: 2 ld.shared + 4 fma (register tile 2x2), ilp = 1..8
//   shfl:  shfl.sync.bfly.b32 on the last result (the warp-shuffle latency), ilp chains
// And, in cycles per iteration: a block-wide max reduction of W warps as row kernels do it
// (butterfly shuffles and fmax in each warp, __syncthreads, the warps' results through 32 floats
// of shared memory, a butterfly in warp 0, __syncthreads, every thread reading the result), each
// reduction on the last one's result; and a bare __syncthreads loop.
// SM clock cycles from clock64() in each CTA.
// Build: built by kernels/CMakeLists.txt (micro_issue_latency).
#include <cstdio>
#include <cuda_runtime.h>
#include "micro_common.cuh"

constexpr int kIters = 4096;

template <int ILP>
__global__ void ffma_loop(float* out, long long* cycles) {
    float x[ILP];
    for (int k = 0; k < ILP; ++k) x[k] = 1.0f + 1e-7f * (threadIdx.x + k);
    __syncthreads();
    const long long t0 = clock64();
    for (int it = 0; it < kIters; ++it) {
        #pragma unroll
        for (int k = 0; k < ILP; ++k) asm volatile("fma.rn.f32 %0, %0, 0f3F7FFFFF, 0f33800000;" : "+f"(x[k]));
    }
    const long long t1 = clock64();
    float s = 0;
    for (int k = 0; k < ILP; ++k) s += x[k];
    out[blockIdx.x * blockDim.x + threadIdx.x] = s;
    if (threadIdx.x == 0) cycles[blockIdx.x] = t1 - t0;
}

template <int ILP>
__global__ void ex2_loop(float* out, long long* cycles) {
    float x[ILP];
    for (int k = 0; k < ILP; ++k) x[k] = 1e-3f * (threadIdx.x % 7 + k);
    __syncthreads();
    const long long t0 = clock64();
    for (int it = 0; it < kIters; ++it) {
        #pragma unroll
        for (int k = 0; k < ILP; ++k) asm volatile("ex2.approx.ftz.f32 %0, %0;" : "+f"(x[k]));
    }
    const long long t1 = clock64();
    float s = 0;
    for (int k = 0; k < ILP; ++k) s += x[k];
    out[blockIdx.x * blockDim.x + threadIdx.x] = s;
    if (threadIdx.x == 0) cycles[blockIdx.x] = t1 - t0;
}

// Shared-memory pointer chase: table[i] = next index, the same cycle for every thread.
template <int ILP>
__global__ void lds_loop(float* out, long long* cycles) {
    __shared__ unsigned table[1024];
    for (int i = threadIdx.x; i < 1024; i += blockDim.x) table[i] = (i * 33 + 1) % 1024;
    __syncthreads();
    unsigned p[ILP];
    for (int k = 0; k < ILP; ++k) p[k] = (threadIdx.x * 8 + k * 97) % 1024;
    const long long t0 = clock64();
    for (int it = 0; it < kIters; ++it) {
        #pragma unroll
        for (int k = 0; k < ILP; ++k) p[k] = table[p[k]];
    }
    const long long t1 = clock64();
    unsigned s = 0;
    for (int k = 0; k < ILP; ++k) s += p[k];
    out[blockIdx.x * blockDim.x + threadIdx.x] = float(s);
    if (threadIdx.x == 0) cycles[blockIdx.x] = t1 - t0;
}

// A scalar GEMM's inner step: a[ILP], b[2] from shared memory, then ILP x 2 FMAs into the
// register tile. Per step: ILP + 2 loads and 2 ILP FMAs per thread.
template <int ILP>
__global__ void mix_loop(float* out, long long* cycles) {
    __shared__ float A[64 * 33], Bm[64 * 33];
    for (int i = threadIdx.x; i < 64 * 33; i += blockDim.x) {
        A[i] = 1e-3f * (i % 17);
        Bm[i] = 1e-3f * (i % 13);
    }
    __syncthreads();
    float acc[ILP][2] = {};
    const int lane = threadIdx.x % 32;
    const long long t0 = clock64();
    for (int it = 0; it < kIters; ++it) {
        const int k = it & 63;
        float a[ILP], b[2];
        #pragma unroll
        for (int r = 0; r < ILP; ++r) a[r] = A[k * 33 + (lane + r) % 33];
        b[0] = Bm[k * 33 + lane];
        b[1] = Bm[k * 33 + (lane + 16) % 33];
        #pragma unroll
        for (int r = 0; r < ILP; ++r) {
            acc[r][0] = fmaf(a[r], b[0], acc[r][0]);
            acc[r][1] = fmaf(a[r], b[1], acc[r][1]);
        }
    }
    const long long t1 = clock64();
    float s = 0;
    for (int r = 0; r < ILP; ++r) s += acc[r][0] + acc[r][1];
    out[blockIdx.x * blockDim.x + threadIdx.x] = s;
    if (threadIdx.x == 0) cycles[blockIdx.x] = t1 - t0;
}

template <int ILP>
__global__ void shfl_loop(float* out, long long* cycles) {
    unsigned x[ILP];
    for (int k = 0; k < ILP; ++k) x[k] = threadIdx.x * 7 + k;
    __syncthreads();
    const long long t0 = clock64();
    for (int it = 0; it < kIters; ++it) {
        #pragma unroll
        for (int k = 0; k < ILP; ++k) asm volatile("shfl.sync.bfly.b32 %0, %0, 1, 31, -1;" : "+r"(x[k]));
    }
    const long long t1 = clock64();
    unsigned s = 0;
    for (int k = 0; k < ILP; ++k) s += x[k];
    out[blockIdx.x * blockDim.x + threadIdx.x] = float(s);
    if (threadIdx.x == 0) cycles[blockIdx.x] = t1 - t0;
}

constexpr int kReduceIters = 512;

__device__ __forceinline__ float warp_max_bfly(float v) {
    for (int o = 16; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, o));
    return v;
}

__global__ void reduce_loop(float* out, long long* cycles) {
    __shared__ float scratch[32];
    const int lane = threadIdx.x % 32, warp = threadIdx.x / 32, warps = blockDim.x / 32;
    float v = 1e-3f * float(threadIdx.x % 13);
    __syncthreads();
    const long long t0 = clock64();
    for (int it = 0; it < kReduceIters; ++it) {
        v = warp_max_bfly(v);
        __syncthreads();  // scratch may still be read by the last reduction
        if (lane == 0) scratch[warp] = v;
        __syncthreads();
        if (warp == 0) {
            float w = lane < warps ? scratch[lane] : -1e30f;
            w = warp_max_bfly(w);
            if (lane == 0) scratch[0] = w;
        }
        __syncthreads();
        v = scratch[0] - 1e-3f * float(lane);  // the next reduction depends on this one
    }
    const long long t1 = clock64();
    out[blockIdx.x * blockDim.x + threadIdx.x] = v;
    if (threadIdx.x == 0) cycles[blockIdx.x] = t1 - t0;
}

__global__ void bar_loop(float* out, long long* cycles) {
    __syncthreads();
    const long long t0 = clock64();
    for (int it = 0; it < kReduceIters; ++it) __syncthreads();
    const long long t1 = clock64();
    out[blockIdx.x * blockDim.x + threadIdx.x] = float(t1 - t0);
    if (threadIdx.x == 0) cycles[blockIdx.x] = t1 - t0;
}

using Kernel = void (*)(float*, long long*);

// insts: warp-instructions of the measured kind per warp per iteration.
void measure(const char* name, Kernel k, int ilp, double insts_per_iter, int sms) {
    float* out;
    long long* cyc;
    CHECK(cudaMalloc(&out, size_t(sms) * 1024 * sizeof(float)));
    CHECK(cudaMalloc(&cyc, size_t(sms) * sizeof(long long)));
    for (int warps : {1, 2, 4, 8, 16, 32}) {
        const double mean = mean_cta_cycles(k, sms, warps * 32, out, cyc);
        // warps spread over the 4 SMSPs: ceil(warps / 4) warps per SMSP
        const double per_smsp = double((warps + 3) / 4);
        const double insts = insts_per_iter * kIters * per_smsp;
        std::printf("%-5s ilp %d  warps/SM %2d (%2.0f per SMSP): %9.0f cycles  %6.2f cycles per warp-instruction per SMSP\n",
                    name, ilp, warps, per_smsp, mean, mean / insts);
    }
    CHECK(cudaFree(out));
    CHECK(cudaFree(cyc));
}

// Cycles per iteration of `iters`, one CTA of W warps per SM.
void measure_iter(const char* name, Kernel k, int iters, int sms) {
    float* out;
    long long* cyc;
    CHECK(cudaMalloc(&out, size_t(sms) * 1024 * sizeof(float)));
    CHECK(cudaMalloc(&cyc, size_t(sms) * sizeof(long long)));
    for (int warps : {1, 2, 4, 8, 16, 32}) {
        const double mean = mean_cta_cycles(k, sms, warps * 32, out, cyc);
        std::printf("%-6s warps/CTA %2d (one CTA per SM): %9.0f cycles  %7.1f cycles per iteration\n", name, warps, mean,
                    mean / iters);
    }
    CHECK(cudaFree(out));
    CHECK(cudaFree(cyc));
}

int main() {
    cudaDeviceProp p;
    CHECK(cudaGetDeviceProperties(&p, 0));
    const int sms = p.multiProcessorCount;
    std::printf("%s, %d SMs, cc %d.%d; %d iterations per warp\n", p.name, sms, p.major, p.minor, kIters);
    measure("ffma", ffma_loop<1>, 1, 1, sms);
    measure("ffma", ffma_loop<4>, 4, 4, sms);
    measure("ffma", ffma_loop<8>, 8, 8, sms);
    measure("ex2", ex2_loop<1>, 1, 1, sms);
    measure("ex2", ex2_loop<8>, 8, 8, sms);
    measure("lds", lds_loop<1>, 1, 1, sms);
    measure("lds", lds_loop<4>, 4, 4, sms);
    // mix: counts all ILP + 2 loads and 2 ILP FMAs as warp-instructions
    measure("mix", mix_loop<1>, 1, 1 + 2 + 2 * 1, sms);
    measure("mix", mix_loop<2>, 2, 2 + 2 + 2 * 2, sms);
    measure("mix", mix_loop<4>, 4, 4 + 2 + 2 * 4, sms);
    measure("mix", mix_loop<8>, 8, 8 + 2 + 2 * 8, sms);
    measure("shfl", shfl_loop<1>, 1, 1, sms);
    measure("shfl", shfl_loop<4>, 4, 4, sms);
    measure_iter("reduce", reduce_loop, kReduceIters, sms);
    measure_iter("bar", bar_loop, kReduceIters, sms);
    return 0;
}
