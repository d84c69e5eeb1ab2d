// write_stream.cu: how fast the GPU streams writes to HBM, beside reads and a read + write copy
// with the same code shape.
//
//   write: every thread stores B = 4, 8 or 16 bytes per store, 4 independent stores per loop trip,
//          grid-stride over a buffer of 32 times the L2, each byte written once;
//   read:  the same loop loading instead (the loads folded into one word kept alive);
//   copy:  the same loop loading one buffer and storing another (half the bytes each way).
// W warps per SM (one CTA of W x 32 threads per SM; 64 warps as two CTAs of 1024), the L2 emptied
// of the buffers' lines before each timed launch (a memset of twice the L2 elsewhere), the median
// of 4 launches after a warm-up. Reports bytes moved per second (read + written), whole GPU.
// What is left dirty in the L2 at a write's end (at most the L2's size, 1/32 of the buffer) is
// not written back within its time.
//
// Build: built by kernels/CMakeLists.txt (micro_write_stream), or
//        nvcc -O3 -arch=sm_90 -o write_stream kernels/micro/write_stream.cu
#include <cstdint>
#include <cstdio>
#include <cuda_runtime.h>
#include "micro_common.cuh"

namespace {

enum Variant { kWrite, kRead, kCopy };
const char* kNames[] = {"write", "read", "copy"};

template <typename V>
__device__ __forceinline__ V make_value(size_t i) {
    V v;
    unsigned* w = reinterpret_cast<unsigned*>(&v);
#pragma unroll
    for (int k = 0; k < int(sizeof(V) / 4); ++k) w[k] = unsigned(i) + k;
    return v;
}

template <typename V>
__global__ void stream_kernel(int variant, const V* __restrict__ src, V* __restrict__ dst, size_t n, unsigned* sink) {
    const size_t stride = size_t(gridDim.x) * blockDim.x;
    size_t i = size_t(blockIdx.x) * blockDim.x + threadIdx.x;
    unsigned acc = 0;
    for (; i + 3 * stride < n; i += 4 * stride) {
        if (variant == kWrite) {
#pragma unroll
            for (int u = 0; u < 4; ++u) dst[i + u * stride] = make_value<V>(i + u * stride);
        } else {
            V v[4];
#pragma unroll
            for (int u = 0; u < 4; ++u) v[u] = src[i + u * stride];
            if (variant == kRead) {
#pragma unroll
                for (int u = 0; u < 4; ++u) acc = fold_bits(acc, v[u]);
            } else {
#pragma unroll
                for (int u = 0; u < 4; ++u) dst[i + u * stride] = v[u];
            }
        }
    }
    if (variant == kRead && acc == 0x9e3779b9u) sink[threadIdx.x] = acc;  // keeps the loads
}

template <typename V>
void run(const char* width, int variant, void* a, void* b, size_t buf_bytes, void* flush, size_t flush_bytes, int sms, int warps,
         unsigned* sink) {
    const int ctas_per_sm = warps > 32 ? 2 : 1, threads = warps * 32 / ctas_per_sm;
    const size_t n = buf_bytes / sizeof(V);
    const auto flush_l2 = [&](int rep) { CHECK(cudaMemset(flush, rep, flush_bytes)); };
    const auto launch = [&] {
        stream_kernel<V><<<sms * ctas_per_sm, threads>>>(variant, static_cast<const V*>(a), static_cast<V*>(b), n, sink);
    };
    const double t_s = median_launch_ms(5, flush_l2, launch) * 1e-3;
    // Bytes the loop touches (n rounded down to whole trips of 4 strides).
    const size_t stride = size_t(sms) * ctas_per_sm * threads, trips = n / (4 * stride);
    const double elems = double(trips) * 4 * double(stride), bytes = elems * sizeof(V) * (variant == kCopy ? 2 : 1);
    std::printf("%-5s %-3s warps/SM %2d (%d CTA/SM x %4d thr): %8.1f GB/s  (%.3f ms, %.0f MB)\n", kNames[variant], width, warps,
                ctas_per_sm, threads, bytes / t_s * 1e-9, t_s * 1e3, bytes * 1e-6);
}

}  // namespace

int main() {
    const cudaDeviceProp p = print_device();
    const int sms = p.multiProcessorCount;
    const size_t l2 = size_t(p.l2CacheSize), buf_bytes = 32 * l2, flush_bytes = 2 * l2;
    void *a, *b, *flush;
    unsigned* sink;
    CHECK(cudaMalloc(&a, buf_bytes));
    CHECK(cudaMalloc(&b, buf_bytes));
    CHECK(cudaMalloc(&flush, flush_bytes));
    CHECK(cudaMalloc(&sink, 1024 * sizeof(unsigned)));
    CHECK(cudaMemset(a, 1, buf_bytes));
    CHECK(cudaMemset(b, 2, buf_bytes));
    std::printf("buffers %zu bytes each (32 x L2), 4 accesses in flight per thread and loop trip\n", buf_bytes);
    for (int variant : {kWrite, kRead, kCopy})
        for (int warps : {8, 16, 32, 64}) {
            run<unsigned>("4B", variant, a, b, buf_bytes, flush, flush_bytes, sms, warps, sink);
            run<uint2>("8B", variant, a, b, buf_bytes, flush, flush_bytes, sms, warps, sink);
            run<uint4>("16B", variant, a, b, buf_bytes, flush, flush_bytes, sms, warps, sink);
        }
    CHECK(cudaFree(a));
    CHECK(cudaFree(b));
    CHECK(cudaFree(flush));
    CHECK(cudaFree(sink));
    return 0;
}
