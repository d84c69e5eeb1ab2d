// clock_under_load.cu: the SM clock as the work sets it. Each CTA's thread 0 reads clock64()
// (its SM's cycles) and %globaltimer (ns) around a loop of one kind of work; cycles / ns is that
// SM's clock over the loop. Loads, each about 0.5 s, in this order:
//   idle  one warp on one SM reading the timer (light load: the rest of the GPU idle)
//   fma   every SM, 4 CTAs x 256 threads, 8 independent fp32 FMA chains per thread
//   mma   every SM, 2 CTAs x 8 warps, 8 independent mma.sync m16n8k16 fp16->fp32 chains per warp
//   wgmma every SM, 1 CTA of 2 warpgroups, wgmma m64n128k16 fp16->fp32 from SRAM, 4 in a group
//   idle  twice again, after the heavy loads (the clock comes back up slowly)
//   mma+F, wgmma+F  the mma and wgmma loops with F fp32 FMAs per thread after each step (8 chains
//         of F/8), F = 32, 128, 512: the tensor pipe busy part of the time only (its duty cycle
//         is the TFLOP/s over the F = 0 rate at the same clock), the clock as it follows
// Prints per load the clock (mean, min and max over CTAs) and the work rate achieved.
// sm_90a only (wgmma): built by kernels/CMakeLists.txt (micro_clock_under_load) when the build
// targets Hopper, or nvcc -O3 -gencode=arch=compute_90a,code=sm_90a -I kernels -o clock_under_load ...
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>
#include <cuda_fp16.h>
#include <cuda_runtime.h>
#include "micro_common.cuh"
#include "v6_wgmma.cuh"  // the wgmma wrappers of version 6

using namespace v6_fa3_hopper;


struct Span { long long cycles; unsigned long long ns; };

__device__ __forceinline__ void record(Span* out, long long c0, uint64_t t0) {
    __syncthreads();
    if (threadIdx.x == 0) out[blockIdx.x] = {clock64() - c0, globaltimer_ns() - t0};
}

__global__ void idle_kernel(long long iters, Span* out, float* sink) {
    const long long c0 = clock64();
    const uint64_t t0 = globaltimer_ns();
    uint64_t last = t0;
    for (long long i = 0; i < iters; ++i) last = globaltimer_ns();
    if (last == 1) *sink = 0;
    record(out, c0, t0);
}

__global__ void fma_kernel(long long iters, Span* out, float* sink) {
    float x[8];
    for (int k = 0; k < 8; ++k) x[k] = 1e-3f * (threadIdx.x + k);
    const long long c0 = clock64();
    const uint64_t t0 = globaltimer_ns();
    for (long long i = 0; i < iters; ++i)
#pragma unroll
        for (int k = 0; k < 8; ++k) x[k] = fmaf(x[k], 0.999f, 1e-4f);
    float s = 0;
    for (int k = 0; k < 8; ++k) s += x[k];
    if (s == 12345.f) *sink = s;
    record(out, c0, t0);
}

// F fp32 FMAs per thread in 8 independent chains (the non-tensor part of a duty-cycle loop).
template <int F>
__device__ __forceinline__ void fma_filler(float (&x)[8]) {
#pragma unroll
    for (int r = 0; r < F / 8; ++r)
#pragma unroll
        for (int k = 0; k < 8; ++k) x[k] = fmaf(x[k], 0.999f, 1e-4f);
}

template <int F>
__global__ void mma_kernel(long long iters, Span* out, float* sink) {
    uint32_t a[4] = {0x3c003c00u ^ threadIdx.x, 0x3c003c00u, 0x3c003c00u, 0x3c003c00u};
    uint32_t b[2] = {0x3c003c00u, 0x3c003c00u ^ blockIdx.x};
    float c[8][4] = {};
    float x[8];
    for (int k = 0; k < 8; ++k) x[k] = 1e-3f * (threadIdx.x + k);
    const long long c0 = clock64();
    const uint64_t t0 = globaltimer_ns();
    for (long long i = 0; i < iters; ++i) {
#pragma unroll
        for (int k = 0; k < 8; ++k)
            asm volatile("mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};\n"
                         : "+f"(c[k][0]), "+f"(c[k][1]), "+f"(c[k][2]), "+f"(c[k][3])
                         : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
        fma_filler<F>(x);
    }
    float s = 0;
    for (int k = 0; k < 8; ++k) s += c[k][0] + c[k][3] + x[k];
    if (s == 12345.f) *sink = s;
    record(out, c0, t0);
}

// A: 64 x 64 fp16 (8 KiB), B: 128 x 64 fp16 (16 KiB), both 128-byte-swizzled K-major tiles of
// small values; D = A B^T over k = 64 (4 wgmma of k16) per iteration, per warpgroup.
template <int F>
__global__ void __launch_bounds__(256, 1) wgmma_kernel(long long iters, Span* out, float* sink) {
    extern __shared__ __align__(1024) unsigned char smem_raw[];
    unsigned char* smem = reinterpret_cast<unsigned char*>((reinterpret_cast<uintptr_t>(smem_raw) + 1023) & ~uintptr_t(1023));
    __half* A = reinterpret_cast<__half*>(smem);
    __half* B = reinterpret_cast<__half*>(smem + 8192);
    for (int i = threadIdx.x; i < 64 * 64 + 128 * 64; i += blockDim.x)
        (i < 4096 ? A[i] : B[i - 4096]) = __float2half(1e-3f * float((i * 7) % 13));
    asm volatile("fence.proxy.async.shared::cta;\n" ::: "memory");  // ordinary stores, read by wgmma
    __syncthreads();
    float d[64];
    for (int k = 0; k < 64; ++k) d[k] = 0.f;
    float x[8];
    for (int k = 0; k < 8; ++k) x[k] = 1e-3f * (threadIdx.x + k);
    const uint32_t a_addr = smem_u32(A), b_addr = smem_u32(B);
    const long long c0 = clock64();
    const uint64_t t0 = globaltimer_ns();
    for (long long i = 0; i < iters; ++i) {
        wgmma_fence();
#pragma unroll
        for (int kk = 0; kk < 4; ++kk)
            Wgmma<__half, 128>::ss(d, make_desc_sw128(a_addr + kk * 32, 16, 1024), make_desc_sw128(b_addr + kk * 32, 16, 1024), 1);
        wgmma_commit();
        wgmma_wait<0>();
        fma_filler<F>(x);
    }
    float s = 0;
    for (int k = 0; k < 64; ++k) s += d[k];
    for (int k = 0; k < 8; ++k) s += x[k];
    if (s == 12345.f) *sink = s;
    record(out, c0, t0);
}

using Kernel = void (*)(long long, Span*, float*);

// Runs `k` with `iters` per thread; returns the wall time in ms and fills the spans.
double launch(Kernel k, int ctas, int threads, size_t smem, long long iters, Span* dspan, float* sink, std::vector<Span>& h) {
    cudaEvent_t e0, e1;
    CHECK(cudaEventCreate(&e0));
    CHECK(cudaEventCreate(&e1));
    CHECK(cudaEventRecord(e0));
    k<<<ctas, threads, smem>>>(iters, dspan, sink);
    CHECK(cudaGetLastError());
    CHECK(cudaEventRecord(e1));
    CHECK(cudaEventSynchronize(e1));
    float ms = 0;
    CHECK(cudaEventElapsedTime(&ms, e0, e1));
    h.resize(ctas);
    CHECK(cudaMemcpy(h.data(), dspan, ctas * sizeof(Span), cudaMemcpyDeviceToHost));
    CHECK(cudaEventDestroy(e0));
    CHECK(cudaEventDestroy(e1));
    return ms;
}

// Calibrates the iterations for about `target_ms`, runs, prints the clock over CTAs and the rate.
void measure(const char* name, Kernel k, int ctas, int threads, size_t smem, double work_per_cta_iter,
             const char* unit, double target_ms, Span* dspan, float* sink, long long probe = 2000) {
    std::vector<Span> h;
    launch(k, ctas, threads, smem, probe, dspan, sink, h);  // warm-up (module load)
    const double probe_ms = launch(k, ctas, threads, smem, probe, dspan, sink, h);
    const long long iters = std::max<long long>(probe, (long long)(probe * target_ms / std::max(probe_ms, 1e-3)));
    const double ms = launch(k, ctas, threads, smem, iters, dspan, sink, h);
    double sum = 0, lo = 1e30, hi = 0;
    for (const Span& s : h) {
        const double ghz = double(s.cycles) / double(s.ns);
        sum += ghz, lo = std::min(lo, ghz), hi = std::max(hi, ghz);
    }
    const double rate = work_per_cta_iter * ctas * double(iters) / (ms * 1e-3);
    std::printf("%-9s %4d CTAs x %4d thr: %8.1f ms  SM clock mean %.3f GHz (min %.3f, max %.3f over CTAs)  %10.2f %s\n",
                name, ctas, threads, ms, sum / h.size(), lo, hi, rate / 1e12, unit);
}

int main() {
    cudaDeviceProp p;
    CHECK(cudaGetDeviceProperties(&p, 0));
    const int sms = p.multiProcessorCount;
    std::printf("%s, %d SMs, cc %d.%d\n", p.name, sms, p.major, p.minor);
    Span* dspan;
    float* sink;
    CHECK(cudaMalloc(&dspan, sizeof(Span) * sms * 8));
    CHECK(cudaMalloc(&sink, 4));
    const size_t wg_smem = 8192 + 16384 + 1024;
    for (Kernel k : {wgmma_kernel<0>, wgmma_kernel<32>, wgmma_kernel<128>, wgmma_kernel<512>})
        CHECK(cudaFuncSetAttribute(k, cudaFuncAttributeMaxDynamicSharedMemorySize, int(wg_smem)));
    const double T = 500;  // ms per load
    measure("idle", idle_kernel, 1, 32, 0, 0, "-", T, dspan, sink, 200000);
    measure("fma", fma_kernel, 4 * sms, 256, 0, 256.0 * 8 * 2, "TFLOP/s", T, dspan, sink);
    const double mma_work = 8.0 * 8 * 4096, wgmma_work = 2.0 * 4 * 2 * 64 * 128 * 16;
    measure("mma", mma_kernel<0>, 2 * sms, 256, 0, mma_work, "TFLOP/s", T, dspan, sink);
    measure("wgmma", wgmma_kernel<0>, sms, 256, wg_smem, wgmma_work, "TFLOP/s", T, dspan, sink);
    measure("idle", idle_kernel, 1, 32, 0, 0, "-", T, dspan, sink, 200000);
    measure("idle", idle_kernel, 1, 32, 0, 0, "-", T, dspan, sink, 200000);
    measure("mma+32", mma_kernel<32>, 2 * sms, 256, 0, mma_work, "TFLOP/s", T, dspan, sink);
    measure("mma+128", mma_kernel<128>, 2 * sms, 256, 0, mma_work, "TFLOP/s", T, dspan, sink);
    measure("mma+512", mma_kernel<512>, 2 * sms, 256, 0, mma_work, "TFLOP/s", T, dspan, sink);
    measure("wgmma+32", wgmma_kernel<32>, sms, 256, wg_smem, wgmma_work, "TFLOP/s", T, dspan, sink);
    measure("wgmma+128", wgmma_kernel<128>, sms, 256, wg_smem, wgmma_work, "TFLOP/s", T, dspan, sink);
    measure("wgmma+512", wgmma_kernel<512>, sms, 256, wg_smem, wgmma_work, "TFLOP/s", T, dspan, sink);
    measure("mma", mma_kernel<0>, 2 * sms, 256, 0, mma_work, "TFLOP/s", T, dspan, sink);
    measure("wgmma", wgmma_kernel<0>, sms, 256, wg_smem, wgmma_work, "TFLOP/s", T, dspan, sink);
    CHECK(cudaFree(dspan));
    CHECK(cudaFree(sink));
    return 0;
}
