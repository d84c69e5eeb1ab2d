// common.cuh: what every kernel version and the harness share.
//
//   CUDA_CHECK / CUBLAS_CHECK / CHECK_LAST_LAUNCH: every CUDA call checked, failures report
//     file and line and exit.
//   DType and the element-type helpers (fp32, fp16, bf16 storage; compute is always fp32).
//   AttnProblem, AttnConfig, AttnBuffers: the interface of a kernel version (see versions.h).
#pragma once
#include <cstdio>
#include <cstdint>
#include <cstdlib>
#include <cmath>
#include <string>
#include <cuda_runtime.h>
#include <cuda_fp16.h>
#include <cuda_bf16.h>
#include <cublas_v2.h>

#define CUDA_CHECK(call)                                                                  \
    do {                                                                                  \
        cudaError_t err_ = (call);                                                        \
        if (err_ != cudaSuccess) {                                                        \
            std::fprintf(stderr, "%s:%d: CUDA error %s: %s\n  in %s\n", __FILE__, __LINE__, \
                         cudaGetErrorName(err_), cudaGetErrorString(err_), #call);        \
            std::exit(1);                                                                 \
        }                                                                                 \
    } while (0)

#define CUBLAS_CHECK(call)                                                                       \
    do {                                                                                         \
        cublasStatus_t st_ = (call);                                                             \
        if (st_ != CUBLAS_STATUS_SUCCESS) {                                                      \
            std::fprintf(stderr, "%s:%d: cuBLAS error %d (%s)\n  in %s\n", __FILE__, __LINE__,   \
                         int(st_), cublasGetStatusString(st_), #call);                           \
            std::exit(1);                                                                        \
        }                                                                                        \
    } while (0)

// After every kernel launch: launch-configuration errors show up here, not at the launch.
#define CHECK_LAST_LAUNCH() CUDA_CHECK(cudaGetLastError())

enum class DType { fp32, fp16, bf16 };

inline const char* dtype_name(DType t) {
    return t == DType::fp32 ? "fp32" : t == DType::fp16 ? "fp16" : "bf16";
}
inline size_t dtype_bytes(DType t) { return t == DType::fp32 ? 4 : 2; }

// Element type <-> fp32. Conversions to 16-bit types round to nearest even, on host and device.
__host__ __device__ inline float to_float(float x) { return x; }
__host__ __device__ inline float to_float(__half x) { return __half2float(x); }
__host__ __device__ inline float to_float(__nv_bfloat16 x) { return __bfloat162float(x); }

template <typename T> __host__ __device__ inline T from_float(float x);
template <> __host__ __device__ inline float from_float<float>(float x) { return x; }
template <> __host__ __device__ inline __half from_float<__half>(float x) { return __float2half_rn(x); }
template <> __host__ __device__ inline __nv_bfloat16 from_float<__nv_bfloat16>(float x) {
    return __float2bfloat16_rn(x);
}

// One attention problem (forward, or the backward of that forward). Q, K, V, O: (B, H, N, d), row-major, element type `dtype`.
struct AttnProblem {
    int B = 1, H = 1, N = 128, d = 64;
    bool causal = false;
    DType dtype = DType::fp16;
    float dropout_p = 0.0f;  // dropout probability of the version (standard attention's); 0: none
    uint64_t seed = 1;       // input seed; also seeds the dropout mask Z (flashsim::kSeedZ)
    float scale() const;  // 1/sqrt(d)
    size_t heads() const { return size_t(B) * H; }
    size_t qkv_elems() const { return heads() * N * d; }
};
inline float AttnProblem::scale() const { return 1.0f / std::sqrt(float(d)); }

// The schedule a version runs with, after its plan() filled in defaults.
struct AttnConfig {
    int Br = 0, Bc = 0;    // 0 on input: the version's default
    int warps = 0;         // warps per CTA of the main kernel
    int stages = 1;        // K/V pipeline stages in SRAM
    size_t smem_bytes = 0; // dynamic shared memory of the main kernel
};

struct AttnBuffers {
    const void* Q = nullptr;  // (B, H, N, d)
    const void* K = nullptr;  // (B, H, N, d)
    const void* V = nullptr;  // (B, H, N, d)
    void* O = nullptr;        // (B, H, N, d)
    float* LSE = nullptr;     // (B, H, N) fp32, written by versions with writes_lse
    void* workspace = nullptr;  // version-specific (S and P for vanilla, l and m for FA1)
    // backward versions (pass bwd): read Q, K, V, O, LSE (from a forward run) and dO; write dQ, dK, dV
    const void* dO = nullptr;  // (B, H, N, d)
    void* dQ = nullptr;        // (B, H, N, d)
    void* dK = nullptr;        // (B, H, N, d)
    void* dV = nullptr;        // (B, H, N, d)
};

inline int ceil_div(int a, int b) { return (a + b - 1) / b; }

// Raise a kernel's dynamic shared-memory limit when it needs more than the 48 KiB default.
template <typename Kernel>
inline void allow_dynamic_smem(Kernel kernel, size_t bytes) {
    if (bytes > 48 * 1024)
        CUDA_CHECK(cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, int(bytes)));
}

inline std::string fmt_kib(size_t bytes) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f KiB", bytes / 1024.0);
    return buf;
}

// The plan of a version compiled for blocks Br x Bc at d = 64 and 128 (v5, v7): refuses another d,
// requested blocks other than the compiled ones and an SRAM need above the device's per-block
// limit (one line each, "" when it fits); fills c.
inline std::string plan_compiled_blocks(int version, const AttnProblem& p, AttnConfig& c, const cudaDeviceProp& dev, int Br,
                                        int Bc, int warps, int stages, size_t smem_bytes) {
    const std::string v = "version " + std::to_string(version);
    if (p.d != 64 && p.d != 128) return "d=" + std::to_string(p.d) + ": " + v + " is built for d = 64 and d = 128";
    if ((c.Br && c.Br != Br) || (c.Bc && c.Bc != Bc))
        return "Br=" + std::to_string(c.Br) + ", Bc=" + std::to_string(c.Bc) + ": " + v + " at d=" + std::to_string(p.d) +
               " is compiled for Br=" + std::to_string(Br) + ", Bc=" + std::to_string(Bc);
    c.Br = Br;
    c.Bc = Bc;
    c.warps = warps;
    c.stages = stages;
    c.smem_bytes = smem_bytes;
    if (c.smem_bytes > dev.sharedMemPerBlockOptin)
        return "Br=" + std::to_string(Br) + ", Bc=" + std::to_string(Bc) + ", d=" + std::to_string(p.d) + " need " +
               fmt_kib(c.smem_bytes) + " of SRAM; " + dev.name + " allows " + fmt_kib(dev.sharedMemPerBlockOptin);
    return "";
}

// Calls f(T{}) with T the storage type of `t`: float, __half or __nv_bfloat16.
template <typename F>
inline void dispatch_dtype(DType t, F&& f) {
    switch (t) {
        case DType::fp32: f(float{}); break;
        case DType::fp16: f(__half{}); break;
        case DType::bf16: f(__nv_bfloat16{}); break;
    }
}

// Block-wide reductions for blockDim.x a multiple of 32 (<= 1024). `scratch`: 32 floats of SRAM.
__device__ inline float warp_max(float v) {
    for (int o = 16; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, o));
    return v;
}
__device__ inline float warp_sum(float v) {
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
    return v;
}
__device__ inline float block_reduce(float v, float* scratch, bool is_max) {
    const int lane = threadIdx.x % 32, warp = threadIdx.x / 32, warps = blockDim.x / 32;
    v = is_max ? warp_max(v) : warp_sum(v);
    __syncthreads();  // scratch may still be read by a previous reduction
    if (lane == 0) scratch[warp] = v;
    __syncthreads();  // all partial results written before warp 0 reads them
    if (warp == 0) {
        float w = lane < warps ? scratch[lane] : (is_max ? -INFINITY : 0.0f);
        w = is_max ? warp_max(w) : warp_sum(w);
        if (lane == 0) scratch[0] = w;
    }
    __syncthreads();  // the result is written before every thread reads it
    return scratch[0];
}
