// cta_retire.cu: does a CTA hold its slot on the SM until its global stores have landed, or only
// until they are issued? Each CTA of 256 threads moves one "row" of 2 KiB (8 bytes per thread,
// the shape of an element-wise row kernel at N = 1024 in fp16) between buffers far larger than
// the L2 (512 MiB each), in four variants:
//   load:   read the row, store nothing (a store guarded by a value the data never has);
//   store:  write the row (a constant), read nothing;
//   copy:   read the row from one buffer, write it to another;
//   inplace: read the row and write it back (x = 2x, the scale kernel's pattern).
// Occupancy is set with dynamic shared memory (1, 2, 4 and 8 CTAs per SM; 8 is the thread limit).
// Printed per variant and occupancy: the kernel's median time (CUDA events, 11 launches, the L2
// flushed by a 256 MiB write before each) and the time per CTA per slot, t x slots / CTAs per SM:
// the life of one CTA, launch to retirement, when nothing else limits. If a CTA were freed when its
// stores issue, copy's life would be load's plus the issue of a store; if it waits for them to land,
// copy's life is about load's plus a store's latency (store's own life).
// Build: built by kernels/CMakeLists.txt (micro_cta_retire), or
//        nvcc -O3 -arch=sm_90 -o cta_retire kernels/micro/cta_retire.cu
#include <algorithm>
#include <cstdio>
#include <vector>
#include <cuda_runtime.h>
#include "micro_common.cuh"

namespace {

constexpr int kThreads = 256;
constexpr int kRowBytes = kThreads * 8;
constexpr size_t kRows = size_t(1) << 18;  // 262144 rows of 2 KiB: 512 MiB per buffer

enum Variant { kLoad, kStore, kCopy, kInplace };
const char* kNames[] = {"load", "store", "copy", "inplace"};

__global__ void __launch_bounds__(kThreads) row_kernel(int variant, const uint2* src, uint2* dst, uint2* sink) {
    // Dynamic shared memory (unused) only sets how many CTAs share an SM.
    const size_t i = size_t(blockIdx.x) * kThreads + threadIdx.x;
    if (variant == kStore) {
        dst[i] = make_uint2(i, 1);
        return;
    }
    uint2 v = src[i];
    if (variant == kLoad) {
        if (v.x == 0xdeadbeefu && v.y == 0xfeedfaceu) sink[threadIdx.x] = v;  // never: the data is small integers
        return;
    }
    v.x *= 2;
    v.y *= 2;
    if (variant == kCopy) dst[i] = v;
    else const_cast<uint2*>(src)[i] = v;  // inplace
}

__global__ void fill(uint2* x, size_t n) {
    for (size_t i = size_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += size_t(gridDim.x) * blockDim.x)
        x[i] = make_uint2(unsigned(i & 0xffff), 1);
}

}  // namespace

int main() {
    const cudaDeviceProp p = print_device();
    const int sms = p.multiProcessorCount;
    const size_t n = kRows * kThreads;
    uint2 *a, *b, *sink, *flush;
    const size_t flush_n = (size_t(256) << 20) / sizeof(uint2);
    CHECK(cudaMalloc(&a, n * sizeof(uint2)));
    CHECK(cudaMalloc(&b, n * sizeof(uint2)));
    CHECK(cudaMalloc(&sink, kThreads * sizeof(uint2)));
    CHECK(cudaMalloc(&flush, flush_n * sizeof(uint2)));
    fill<<<4 * sms, 256>>>(a, n);
    fill<<<4 * sms, 256>>>(b, n);
    CHECK(cudaDeviceSynchronize());
    CHECK(cudaFuncSetAttribute(row_kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, int(p.sharedMemPerBlockOptin)));
    std::printf("rows (CTAs) %zu of %d bytes, %d threads each; buffers %zu MiB; per SM %.1f CTAs\n", kRows, kRowBytes,
                kThreads, n * sizeof(uint2) >> 20, double(kRows) / sms);
    std::printf("%-8s %10s %12s %12s %14s %12s\n", "variant", "CTAs/SM", "kernel us", "GB/s moved", "ns per CTA",
                "smem/CTA B");
    for (int slots : {1, 2, 4, 8}) {
        // Dynamic SRAM that lets `slots` CTAs share an SM (the reserved 1 KiB per CTA included).
        const size_t per_sm = p.sharedMemPerMultiprocessor;
        size_t smem = slots == 8 ? 0 : per_sm / slots - 1024 - 16;
        smem = std::min(smem, size_t(p.sharedMemPerBlockOptin));
        int occ = 0;
        CHECK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&occ, row_kernel, kThreads, smem));
        for (int v : {kLoad, kStore, kCopy, kInplace}) {
            const double ms = median_launch_ms(
                11, [&](int) { fill<<<4 * sms, 256>>>(flush, flush_n); },
                [&] { row_kernel<<<unsigned(kRows), kThreads, smem>>>(v, a, b, sink); });
            const double moved = double(kRows) * kRowBytes * (v == kCopy || v == kInplace ? 2 : 1);
            const double ns_per_cta = ms * 1e6 * occ / (double(kRows) / sms);
            std::printf("%-8s %10d %12.2f %12.1f %14.1f %12zu\n", kNames[v], occ, ms * 1e3, moved / (ms * 1e6), ns_per_cta,
                        smem);
        }
    }
    CHECK(cudaFree(a));
    CHECK(cudaFree(b));
    CHECK(cudaFree(sink));
    CHECK(cudaFree(flush));
    return 0;
}
