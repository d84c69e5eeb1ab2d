// mma_rate.cu: measures the per-SM throughput of the instructions the FlashAttention kernels'
// inner loops are made of, for the simulator's presets (sim/presets/h100.toml cites it):
//   - mma.sync.m16n8k16 fp16 x fp16 -> fp32 (v5's GEMMs, the Ampere-style warp-level path);
//   - ex2.approx.f32 (v5's and v6's softmax exponentials, the special-function unit).
// Each warp runs kChains independent accumulator chains so latency is hidden; the grid is a few
// CTAs per SM with several warps each. Prints FLOP/s (or ops/s) and the same per SM per cycle at
// the measured SM clock (clock64() over the kernel, per SM).
//
// Build: nvcc -O3 -arch=sm_90 -o mma_rate kernels/micro/mma_rate.cu
#include <cstdio>
#include <cstdint>
#include <cuda_runtime.h>

#define CHECK(x) do { cudaError_t e = (x); if (e != cudaSuccess) { std::printf("CUDA error %s at %d\n", cudaGetErrorString(e), __LINE__); return 1; } } while (0)

constexpr int kChains = 8;

__global__ void mma_loop(int iters, float* out, long long* cycles) {
    uint32_t a[4] = {0x3c003c00u ^ threadIdx.x, 0x3c003c00u, 0x3c003c00u, 0x3c003c00u};
    uint32_t b[2] = {0x3c003c00u, 0x3c003c00u ^ blockIdx.x};
    float c[kChains][4] = {};
    const long long t0 = clock64();
    for (int it = 0; it < iters; ++it) {
        #pragma unroll
        for (int k = 0; k < kChains; ++k)
            asm volatile("mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};\n"
                         : "+f"(c[k][0]), "+f"(c[k][1]), "+f"(c[k][2]), "+f"(c[k][3])
                         : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
    }
    const long long t1 = clock64();
    float s = 0;
    for (int k = 0; k < kChains; ++k) s += c[k][0] + c[k][1] + c[k][2] + c[k][3];
    out[blockIdx.x * blockDim.x + threadIdx.x] = s;
    if (threadIdx.x == 0) cycles[blockIdx.x] = t1 - t0;
}

__global__ void ex2_loop(int iters, float* out, long long* cycles) {
    float x[kChains];
    for (int k = 0; k < kChains; ++k) x[k] = 0.001f * (threadIdx.x + k);
    const long long t0 = clock64();
    for (int it = 0; it < iters; ++it) {
        #pragma unroll
        for (int k = 0; k < kChains; ++k) asm volatile("ex2.approx.ftz.f32 %0, %0;\n" : "+f"(x[k]));
    }
    const long long t1 = clock64();
    float s = 0;
    for (int k = 0; k < kChains; ++k) s += x[k];
    out[blockIdx.x * blockDim.x + threadIdx.x] = s;
    if (threadIdx.x == 0) cycles[blockIdx.x] = t1 - t0;
}

template <class K>
int measure(const char* name, K kernel, int sms, int ctas_per_sm, int warps, int iters, double work_per_thread_iter) {
    const int ctas = sms * ctas_per_sm, threads = warps * 32;
    float* out;
    long long* cyc;
    CHECK(cudaMalloc(&out, size_t(ctas) * threads * sizeof(float)));
    CHECK(cudaMalloc(&cyc, size_t(ctas) * sizeof(long long)));
    kernel<<<ctas, threads>>>(iters / 10, out, cyc);  // warm-up
    CHECK(cudaDeviceSynchronize());
    cudaEvent_t e0, e1;
    cudaEventCreate(&e0);
    cudaEventCreate(&e1);
    cudaEventRecord(e0);
    kernel<<<ctas, threads>>>(iters, out, cyc);
    cudaEventRecord(e1);
    CHECK(cudaEventSynchronize(e1));
    float ms = 0;
    cudaEventElapsedTime(&ms, e0, e1);
    long long* h = new long long[ctas];
    CHECK(cudaMemcpy(h, cyc, size_t(ctas) * sizeof(long long), cudaMemcpyDeviceToHost));
    long long maxc = 0;
    for (int i = 0; i < ctas; ++i) maxc = h[i] > maxc ? h[i] : maxc;
    delete[] h;
    const double work = double(ctas) * threads * double(iters) * kChains * work_per_thread_iter;
    const double per_s = work / (ms * 1e-3);
    const double clock_hz = double(maxc) / (ms * 1e-3);  // cycles of the slowest CTA over the wall time
    std::printf("%-34s ctas/SM %d warps %2d: %8.3f ms  %9.1f T/s  %7.1f per SM per clock (clock ~%.2f GHz)\n", name,
                ctas_per_sm, warps, ms, per_s / 1e12, work / double(sms) / double(maxc), clock_hz / 1e9);
    cudaFree(out);
    cudaFree(cyc);
    return 0;
}

int main() {
    cudaDeviceProp p;
    CHECK(cudaGetDeviceProperties(&p, 0));
    std::printf("%s, %d SMs, cc %d.%d\n", p.name, p.multiProcessorCount, p.major, p.minor);
    const int sms = p.multiProcessorCount;
    // mma m16n8k16: 2*16*8*16 = 4096 FLOPs per warp instruction = 128 per thread.
    for (int warps : {4, 8, 16})
        for (int cps : {1, 2})
            if (measure("mma.sync m16n8k16 f16->f32 FLOP", mma_loop, sms, cps, warps, 20000, 128.0)) return 1;
    for (int warps : {4, 8, 16})
        for (int cps : {1, 2})
            if (measure("ex2.approx.f32 op", ex2_loop, sms, cps, warps, 20000, 1.0)) return 1;
    return 0;
}
