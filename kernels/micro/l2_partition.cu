// l2_partition.cu: the L2's two partitions as one SM sees them: the latency of an L2 hit when the
// line was brought in by the same SM, by another SM, and how it grows with the footprint.
//
// Hopper's (and Ampere's) L2 is two partitions joined by a crossbar; an SM is attached to one. The
// simulator halves the L2's data capacity for lines used on both sides (docs/timing.md, "L2
// partitions") but charges one hit latency. This program measures what a hit costs:
//   pair:      a random pointer chase over a footprint (128-byte lines, one thread, dependent 8-byte
//              ld.global.cg loads) walked first by SM `a` (which brings every line into the L2), then
//              timed on SM `b` (clock64 per load), for a = 0 and every b; lines warmed by an SM of the
//              other partition should cost the far latency on their first use from b.
//   again:     the same, b timed a second time right after (the line may now be held near b too).
//   footprint: SM 0 warms and times the same chase at footprints from 1 to 48 MiB.
// A CTA runs on the SM the grid's block index lands on; only the block whose %smid is the chosen SM
// works (one block per SM is launched, so every SM has one).
//
// Build: built by kernels/CMakeLists.txt (micro_l2_partition), or
//        nvcc -O3 -arch=sm_90 -o l2_partition kernels/micro/l2_partition.cu
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <numeric>
#include <random>
#include <vector>
#include <cuda_runtime.h>
#include "micro_common.cuh"

__device__ __forceinline__ unsigned smid() {
    unsigned s;
    asm volatile("mov.u32 %0, %%smid;" : "=r"(s));
    return s;
}

// On SM `sm` only (thread 0 of the block that runs there): `steps` dependent loads from `start`.
__global__ void chase_on_sm(const uint64_t* __restrict__ a, uint64_t start, int steps, unsigned sm, uint64_t* out,
                            long long* cycles, unsigned* ran) {
    if (threadIdx.x != 0 || smid() != sm) return;
    uint64_t j = start;
    const long long c0 = clock64();
    for (int s = 0; s < steps; ++s) {
        uint64_t next;
        asm volatile("ld.global.cg.u64 %0, [%1];" : "=l"(next) : "l"(a + j));
        j = next;
    }
    const long long c1 = clock64();
    *out = j;
    *cycles = c1 - c0;
    atomicAdd(ran, 1u);
}

struct Chain {
    uint64_t start;
    int lines;
};

Chain build_chain(uint64_t* dev, size_t footprint_bytes, uint64_t seed) {
    const size_t lines = footprint_bytes / 128, words_per_line = 16;
    std::vector<uint64_t> order(lines);
    std::iota(order.begin(), order.end(), 0);
    std::mt19937_64 rng(seed);
    std::shuffle(order.begin(), order.end(), rng);
    std::vector<uint64_t> host(lines * words_per_line, 0);
    for (size_t i = 0; i < lines; ++i) host[order[i] * words_per_line] = order[(i + 1) % lines] * words_per_line;
    CHECK(cudaMemcpy(dev, host.data(), host.size() * 8, cudaMemcpyHostToDevice));
    return {order[0] * words_per_line, int(lines)};
}

struct Runner {
    int sms;
    uint64_t* out;
    long long* cyc;
    unsigned* ran;
    // Cycles per load of `steps` loads on SM `sm`.
    double run(const uint64_t* dev, const Chain& c, int steps, unsigned sm) const {
        CHECK(cudaMemset(ran, 0, 4));
        chase_on_sm<<<sms, 32>>>(dev, c.start, steps, sm, out, cyc, ran);
        CHECK(cudaGetLastError());
        CHECK(cudaDeviceSynchronize());
        long long cycles = 0;
        unsigned r = 0;
        CHECK(cudaMemcpy(&cycles, cyc, 8, cudaMemcpyDeviceToHost));
        CHECK(cudaMemcpy(&r, ran, 4, cudaMemcpyDeviceToHost));
        if (r != 1) {
            std::fprintf(stderr, "SM %u ran the chase %u times (expected once)\n", sm, r);
            std::exit(1);
        }
        return double(cycles) / steps;
    }
};

int main() {
    const cudaDeviceProp p = print_device();
    const int sms = p.multiProcessorCount;
    const size_t l2 = size_t(p.l2CacheSize);
    const size_t buf_bytes = size_t(64) << 20;
    void* flush;
    uint64_t* buf;
    CHECK(cudaMalloc(&buf, buf_bytes));
    CHECK(cudaMalloc(&flush, 4 * l2));
    Runner r{sms, nullptr, nullptr, nullptr};
    CHECK(cudaMalloc(&r.out, 8));
    CHECK(cudaMalloc(&r.cyc, 8));
    CHECK(cudaMalloc(&r.ran, 4));
    const auto flush_l2 = [&] { CHECK(cudaMemset(flush, 0, 4 * l2)); CHECK(cudaDeviceSynchronize()); };

    // pair: 4 MiB (a few percent of one partition), warmed by SM 0, timed on every SM.
    const size_t pair_bytes = size_t(4) << 20;
    const Chain c = build_chain(buf, pair_bytes, 12345);
    std::printf("## pair: %zu-byte chase warmed by SM 0 (every line once), then timed on SM b over every line "
                "(first use from b), then again on b\n", pair_bytes);
    std::vector<double> first(static_cast<size_t>(sms)), again(static_cast<size_t>(sms));
    for (int b = 0; b < sms; ++b) {
        flush_l2();
        r.run(buf, c, c.lines, 0);
        first[size_t(b)] = r.run(buf, c, c.lines, unsigned(b));
        again[size_t(b)] = r.run(buf, c, c.lines, unsigned(b));
        std::printf("pair warm SM 0 -> time SM %3d: first %7.1f cycles/load, again %7.1f cycles/load\n", b,
                    first[size_t(b)], again[size_t(b)]);
    }
    std::vector<double> sorted = first;
    std::sort(sorted.begin(), sorted.end());
    std::printf("pair first-use latency over SMs: min %.1f, median %.1f, max %.1f cycles/load\n", sorted.front(),
                sorted[sorted.size() / 2], sorted.back());

    // footprint: SM 0 warms and times.
    std::printf("## footprint: chase warmed and timed on SM 0 (second walk timed)\n");
    for (size_t mib : {1, 2, 4, 8, 12, 16, 20, 24, 28, 32, 36, 40, 48}) {
        const size_t bytes = mib << 20;
        const Chain f = build_chain(buf, bytes, 777 + mib);
        flush_l2();
        r.run(buf, f, f.lines, 0);
        const double cyc = r.run(buf, f, std::min(f.lines, 1 << 17), 0);
        std::printf("footprint %3zu MiB (%.2f of the L2): %7.1f cycles/load\n", mib, double(bytes) / double(l2), cyc);
    }
    CHECK(cudaFree(buf));
    CHECK(cudaFree(flush));
    return 0;
}
