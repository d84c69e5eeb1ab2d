// sram_issue.cu: how shared-memory loads and CUDA-core instructions share an SM when each warp
// loads a burst of 128-bit shared values and then computes on them: the step of a scalar tile
// GEMM whose operands come from SRAM (a thread's row of A as float4s, B's columns as float4s,
// FMAs into a register tile), generic, not any one kernel.
//
// Each warp runs kIters steps; a step issues L ld.shared.v4.f32 (each lane its own 16 bytes, no
// bank conflict: 4 wavefronts of 128 bytes per warp-instruction, the SRAM pipe's rate being one
// wavefront per clock per SM) and then F fma.rn.f32 that consume the loaded values (8 independent
// accumulators). One CTA per SM of W warps, W = 2..32. Prints, per (L, F, W): SM clock cycles per
// step of the whole CTA (from before its first warp starts to after its last warp ends, clock64()
// around __syncthreads()), and the SRAM pipe's busy share if each load took 4 wavefronts.
// Build: built by kernels/CMakeLists.txt (micro_sram_issue).
#include <cstdio>
#include <cuda_runtime.h>
#include "micro_common.cuh"

constexpr int kIters = 2048;
constexpr int kWords = 8192;  // floats of shared memory per CTA (32 KiB), indexed modulo

__device__ __forceinline__ float comp(const float4& v, int i) { return i == 0 ? v.x : i == 1 ? v.y : i == 2 ? v.z : v.w; }

// A 128-bit shared load the compiler keeps even when nothing reads the value (F = 0).
__device__ __forceinline__ float4 lds128(const float4* p) {
    float4 v;
    const unsigned a = static_cast<unsigned>(__cvta_generic_to_shared(p));
    asm volatile("ld.shared.v4.f32 {%0, %1, %2, %3}, [%4];" : "=f"(v.x), "=f"(v.y), "=f"(v.z), "=f"(v.w) : "r"(a));
    return v;
}

template <int L, int F>
__global__ void burst_loop(float* out, long long* cycles) {
    __shared__ float4 buf[kWords / 4];
    for (int i = threadIdx.x; i < kWords / 4; i += blockDim.x)
        buf[i] = make_float4(1e-3f * (i % 7), 1e-3f * (i % 5), 1e-3f * (i % 3), 1e-3f);
    __syncthreads();
    const int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
    float acc[8] = {};
    int base = (warp * 37) % (kWords / 4 / 32) * 32;
    __syncthreads();
    const long long t0 = clock64();
    for (int it = 0; it < kIters; ++it) {
        float4 v[L];
        #pragma unroll
        for (int l = 0; l < L; ++l) v[l] = lds128(&buf[(base + l * 32 + lane) % (kWords / 4)]);
        #pragma unroll
        for (int f = 0; f < F; ++f) {
            const float4& x = v[(f / 4) % L];
            const float4& y = v[(f / 4 + 1) % L];
            acc[f % 8] = fmaf(comp(x, f & 3), comp(y, (f + 1) & 3), acc[f % 8]);
        }
        base = (base + 32 * L) % (kWords / 4);
    }
    __syncthreads();  // the CTA's time: its last warp's end (warp 0 alone may run ahead)
    const long long t1 = clock64();
    float s = 0;
    for (int k = 0; k < 8; ++k) s += acc[k];
    out[blockIdx.x * blockDim.x + threadIdx.x] = s;
    if (threadIdx.x == 0) cycles[blockIdx.x] = t1 - t0;
}

using Kernel = void (*)(float*, long long*);

void measure(Kernel k, int L, int F, int sms) {
    float* out;
    long long* cyc;
    CHECK(cudaMalloc(&out, size_t(sms) * 1024 * sizeof(float)));
    CHECK(cudaMalloc(&cyc, size_t(sms) * sizeof(long long)));
    for (int warps : {2, 4, 8, 12, 16, 24, 32}) {
        const double mean = mean_cta_cycles(k, sms, warps * 32, out, cyc);
        const double per_step = mean / kIters;
        const double wavefronts = 4.0 * L * warps;  // per step, per SM
        std::printf("L %2d F %3d  warps/SM %2d: %9.1f cycles per step  SRAM busy %5.1f%%  (%6.1f cycles per step per warp)\n", L, F,
                    warps, per_step, 100.0 * wavefronts / per_step, per_step / warps);
    }
    CHECK(cudaFree(out));
    CHECK(cudaFree(cyc));
}

int main() {
    cudaDeviceProp p;
    CHECK(cudaGetDeviceProperties(&p, 0));
    const int sms = p.multiProcessorCount;
    std::printf("%s, %d SMs, cc %d.%d; %d steps per warp; L ld.shared.v4 then F fma per step\n", p.name, sms, p.major,
                p.minor, kIters);
    measure(burst_loop<9, 16>, 9, 16, sms);
    measure(burst_loop<9, 32>, 9, 32, sms);
    measure(burst_loop<9, 64>, 9, 64, sms);
    measure(burst_loop<9, 128>, 9, 128, sms);
    measure(burst_loop<4, 32>, 4, 32, sms);
    measure(burst_loop<2, 32>, 2, 32, sms);
    measure(burst_loop<1, 32>, 1, 32, sms);
    measure(burst_loop<1, 8>, 1, 8, sms);
    return 0;
}
