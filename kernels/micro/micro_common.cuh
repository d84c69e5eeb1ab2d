// micro_common.cuh: what the microbenchmarks share: a CUDA call check that names the file and line,
// the GPU's nanosecond timer (%globaltimer), read beside clock64() to get the SM clock, and the two
// ways they time a kernel (CUDA events around repeated launches; clock64() inside each CTA).
#pragma once
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <numeric>
#include <random>
#include <vector>
#include <cuda_runtime.h>

#define CHECK(x)                                                                                   \
    do {                                                                                           \
        cudaError_t e_ = (x);                                                                      \
        if (e_ != cudaSuccess) {                                                                   \
            std::fprintf(stderr, "%s:%d: CUDA error %s\n", __FILE__, __LINE__, cudaGetErrorString(e_)); \
            std::exit(1);                                                                          \
        }                                                                                          \
    } while (0)

// Device 0's properties, after printing the line every raw output starts with: name, SMs, L2, cc.
inline cudaDeviceProp print_device() {
    cudaDeviceProp p;
    CHECK(cudaGetDeviceProperties(&p, 0));
    std::printf("%s, %d SMs, L2 %d bytes, cc %d.%d\n", p.name, p.multiProcessorCount, p.l2CacheSize, p.major, p.minor);
    return p;
}

// Folds a loaded value of 2, 4, 8 or 16 bytes into acc by XOR (the streams' way to keep their loads
// alive without other work).
template <typename V>
__device__ __forceinline__ unsigned fold_bits(unsigned acc, const V& v) {
    if constexpr (sizeof(V) >= 4) {
        const unsigned* w = reinterpret_cast<const unsigned*>(&v);
#pragma unroll
        for (int k = 0; k < int(sizeof(V) / 4); ++k) acc ^= w[k];
    } else {
        acc ^= *reinterpret_cast<const unsigned short*>(&v);
    }
    return acc;
}

// Writes the pointer chase of mem_latency_bw and loaded_chase into dev (footprint_bytes): a random
// cyclic permutation (seed 12345) of its 128-byte lines, the first 8-byte word of each holding the
// word index of the next. Returns the word index to start from.
inline uint64_t write_chase(uint64_t* dev, size_t footprint_bytes) {
    const size_t lines = footprint_bytes / 128, words_per_line = 16;
    std::vector<uint64_t> order(lines);
    std::iota(order.begin(), order.end(), 0);
    std::mt19937_64 rng(12345);
    std::shuffle(order.begin(), order.end(), rng);
    std::vector<uint64_t> host(lines * words_per_line, 0);
    for (size_t i = 0; i < lines; ++i) host[order[i] * words_per_line] = order[(i + 1) % lines] * words_per_line;
    CHECK(cudaMemcpy(dev, host.data(), host.size() * 8, cudaMemcpyHostToDevice));
    return order[0] * words_per_line;
}

__device__ __forceinline__ uint64_t globaltimer_ns() {
    uint64_t t;
    asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t));
    return t;
}

// The median milliseconds of launch() timed with CUDA events, over reps - 1 launches after a first
// one that warms up; before(rep) runs untimed before each launch (an L2 flush, say).
template <class Before, class Launch>
double median_launch_ms(int reps, Before before, Launch launch) {
    cudaEvent_t e0, e1;
    CHECK(cudaEventCreate(&e0));
    CHECK(cudaEventCreate(&e1));
    std::vector<double> ms;
    for (int rep = 0; rep < reps; ++rep) {
        before(rep);
        CHECK(cudaEventRecord(e0));
        launch();
        CHECK(cudaEventRecord(e1));
        CHECK(cudaEventSynchronize(e1));
        CHECK(cudaGetLastError());
        float m = 0;
        CHECK(cudaEventElapsedTime(&m, e0, e1));
        if (rep) ms.push_back(m);  // rep 0 is the warm-up
    }
    CHECK(cudaEventDestroy(e0));
    CHECK(cudaEventDestroy(e1));
    std::sort(ms.begin(), ms.end());
    return ms[ms.size() / 2];
}

// k<<<ctas, threads>>>(out, cycles) launched once to warm up and once measured: the mean over the
// CTAs of the cycles each wrote to cycles[blockIdx.x].
template <class Kernel>
double mean_cta_cycles(Kernel k, int ctas, int threads, float* out, long long* cycles) {
    k<<<ctas, threads>>>(out, cycles);
    CHECK(cudaDeviceSynchronize());
    k<<<ctas, threads>>>(out, cycles);
    CHECK(cudaGetLastError());
    CHECK(cudaDeviceSynchronize());
    std::vector<long long> host(static_cast<size_t>(ctas));
    CHECK(cudaMemcpy(host.data(), cycles, host.size() * sizeof(long long), cudaMemcpyDeviceToHost));
    double mean = 0;
    for (long long c : host) mean += double(c) / ctas;
    return mean;
}
