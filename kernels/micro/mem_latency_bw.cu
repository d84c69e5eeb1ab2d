// mem_latency_bw.cu: the memory system as a single load sees it and as many loads see it.
//
//   chase:  one thread follows a random cyclic permutation of 128-byte lines inside a footprint
//           (so neither coalescing nor a stride predictor helps): cycles per dependent load, for
//           footprints that live in L1 (ld.global.ca), in L2 (ld.global.cg, which skips L1) and in
//           HBM (footprints of several times the L2). Cycles are clock64(); ns come from
//           %globaltimer over the same loop.
//   stream: every SM runs W warps (1 ... 64 per SM, in one or two CTAs per SM so that all are
//           resident at once); each thread loads B = 2, 4, 8 or 16 bytes per load, U = 1 or 4
//           independent loads per loop iteration (the loop is not unrolled further, so U is the
//           loads a thread has in flight), grid-stride over a buffer several times the L2
//           (flushed before each run), each byte read once. Reports achieved bytes/s (whole GPU
//           and per SM) and, by Little's law, the bytes in flight per SM that the rate implies
//           at the HBM latency measured by the chase: in_flight = bytes_per_s_per_sm * latency_s.
//
// Build: built by kernels/CMakeLists.txt (micro_mem_latency_bw), or
//        nvcc -O3 -arch=sm_90 -o mem_latency_bw kernels/micro/mem_latency_bw.cu
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <vector>
#include <cuda_runtime.h>
#include "micro_common.cuh"


// One thread: `steps` dependent loads; line i holds the index of the next line (in 8-byte words).
template <bool kL1>
__global__ void chase_kernel(const uint64_t* __restrict__ a, uint64_t start, int steps, uint64_t* out, long long* cycles,
                             unsigned long long* ns) {
    uint64_t j = start;
    const long long c0 = clock64();
    const uint64_t t0 = globaltimer_ns();
    for (int s = 0; s < steps; ++s) {
        uint64_t next;
        if (kL1) asm volatile("ld.global.ca.u64 %0, [%1];" : "=l"(next) : "l"(a + j));
        else asm volatile("ld.global.cg.u64 %0, [%1];" : "=l"(next) : "l"(a + j));
        j = next;
    }
    const long long c1 = clock64();
    const uint64_t t1 = globaltimer_ns();
    *out = j;
    *cycles = c1 - c0;
    *ns = t1 - t0;
}

struct ChaseResult { double cycles_per_load, ns_per_load; };

ChaseResult chase(uint64_t* dev, size_t footprint_bytes, bool l1, int steps) {
    const size_t lines = footprint_bytes / 128;
    const uint64_t start = write_chase(dev, footprint_bytes);
    uint64_t* out;
    long long* cyc;
    unsigned long long* ns;
    CHECK(cudaMalloc(&out, 8));
    CHECK(cudaMalloc(&cyc, 8));
    CHECK(cudaMalloc(&ns, 8));
    auto run = [&](int n) {
        if (l1) chase_kernel<true><<<1, 1>>>(dev, start, n, out, cyc, ns);
        else chase_kernel<false><<<1, 1>>>(dev, start, n, out, cyc, ns);
        CHECK(cudaGetLastError());
        CHECK(cudaDeviceSynchronize());
    };
    run(int(std::min<size_t>(lines, 1 << 20)));  // warm: every line of the footprint touched once
    run(steps);
    long long c = 0;
    unsigned long long t = 0;
    CHECK(cudaMemcpy(&c, cyc, 8, cudaMemcpyDeviceToHost));
    CHECK(cudaMemcpy(&t, ns, 8, cudaMemcpyDeviceToHost));
    CHECK(cudaFree(out));
    CHECK(cudaFree(cyc));
    CHECK(cudaFree(ns));
    return {double(c) / steps, double(t) / steps};
}

// Each thread: iterations of U independent loads of V (2, 4, 8 or 16 bytes), grid-stride.
template <typename V, int U>
__global__ void stream_kernel(const V* __restrict__ a, size_t n_vec, int iters, unsigned* sink) {
    const size_t threads = size_t(gridDim.x) * blockDim.x;
    const size_t tid = size_t(blockIdx.x) * blockDim.x + threadIdx.x;
    unsigned acc = 0;
#pragma unroll 1  // exactly U loads in flight per thread: the compiler must not batch iterations
    for (int it = 0; it < iters; ++it) {
        V v[U];
#pragma unroll
        for (int u = 0; u < U; ++u) {
            const size_t i = (size_t(it) * U + u) * threads + tid;
            v[u] = a[i < n_vec ? i : 0];
        }
#pragma unroll
        for (int u = 0; u < U; ++u) acc = fold_bits(acc, v[u]);
    }
    if (acc == 0x9e3779b9u) *sink = acc;  // practically never: keeps the loads alive
}

struct Ushort { unsigned short x; };

template <typename V, int U>
void stream(const char* width, const void* buf, size_t buf_bytes, void* flush, size_t flush_bytes, int sms,
            int warps_per_sm, double hbm_latency_ns, unsigned* sink) {
    const int ctas_per_sm = warps_per_sm > 32 ? 2 : 1;
    const int threads = warps_per_sm * 32 / ctas_per_sm;
    const int ctas = sms * ctas_per_sm;
    const size_t total_threads = size_t(ctas) * threads;
    // about 1 GiB per run (at least 8 iterations), never past the buffer
    const size_t per_iter = total_threads * sizeof(V) * U;
    const int iters = int(std::max<size_t>(8, std::min<size_t>((size_t(1) << 30) / per_iter, buf_bytes / per_iter)));
    const size_t n_vec = buf_bytes / sizeof(V);
    const auto flush_l2 = [&](int rep) { CHECK(cudaMemset(flush, rep, flush_bytes)); };
    const auto launch = [&] { stream_kernel<V, U><<<ctas, threads>>>(static_cast<const V*>(buf), n_vec, iters, sink); };
    const double t_s = median_launch_ms(4, flush_l2, launch) * 1e-3;
    const double bytes = double(per_iter) * iters;
    const double bps = bytes / t_s, bps_sm = bps / sms;
    std::printf("stream %-3s U=%d warps/SM %2d (%d CTA/SM x %4d thr): %8.1f GB/s  %6.2f GB/s/SM  in flight/SM %7.0f B"
                "  (%.3f ms, %.0f MB)\n",
                width, U, warps_per_sm, ctas_per_sm, threads, bps / 1e9, bps_sm / 1e9, bps_sm * hbm_latency_ns * 1e-9,
                t_s * 1e3, bytes / 1e6);
}

int main() {
    const cudaDeviceProp p = print_device();
    const int sms = p.multiProcessorCount;
    const size_t l2 = size_t(p.l2CacheSize);
    const size_t buf_bytes = std::max<size_t>(size_t(2) << 30, 16 * l2);
    void* buf;
    CHECK(cudaMalloc(&buf, buf_bytes));
    CHECK(cudaMemset(buf, 0x5a, buf_bytes));

    std::printf("## chase: random cyclic permutation of 128-byte lines, one thread, dependent 8-byte loads\n");
    const int steps = 1 << 16;
    struct { size_t bytes; bool l1; const char* where; } cases[] = {
        {16 << 10, true, "L1 (ld.ca)"},  {64 << 10, true, "L1 (ld.ca)"},  {128 << 10, true, "L1 (ld.ca)"},
        {16 << 10, false, "L2 (ld.cg)"}, {1 << 20, false, "L2 (ld.cg)"},  {8 << 20, false, "L2 (ld.cg)"},
        {l2 / 2, false, "L2 (ld.cg)"},   {4 * l2, false, "HBM (ld.cg)"}, {16 * l2, false, "HBM (ld.cg)"},
    };
    double hbm_ns = 0;
    for (const auto& c : cases) {
        const ChaseResult r = chase(static_cast<uint64_t*>(buf), c.bytes, c.l1, steps);
        std::printf("chase %-12s footprint %10zu B: %7.1f cycles/load  %7.1f ns/load  (clock %.3f GHz)\n", c.where,
                    c.bytes, r.cycles_per_load, r.ns_per_load, r.cycles_per_load / r.ns_per_load);
        if (c.bytes == 4 * l2) hbm_ns = r.ns_per_load;
    }
    std::printf("## stream: Little's law with the HBM latency of the chase at 4x L2 (%.1f ns)\n", hbm_ns);
    CHECK(cudaMemset(buf, 0x5a, buf_bytes));
    const size_t flush_bytes = 2 * l2;
    void* flush;
    unsigned* sink;
    CHECK(cudaMalloc(&flush, flush_bytes));
    CHECK(cudaMalloc(&sink, 4));
    for (int u : {1, 4})
        for (int w : {1, 2, 4, 8, 16, 32, 64}) {
            if (u == 1) {
                stream<Ushort, 1>("2B", buf, buf_bytes, flush, flush_bytes, sms, w, hbm_ns, sink);
                stream<unsigned, 1>("4B", buf, buf_bytes, flush, flush_bytes, sms, w, hbm_ns, sink);
                stream<uint2, 1>("8B", buf, buf_bytes, flush, flush_bytes, sms, w, hbm_ns, sink);
                stream<uint4, 1>("16B", buf, buf_bytes, flush, flush_bytes, sms, w, hbm_ns, sink);
            } else {
                stream<Ushort, 4>("2B", buf, buf_bytes, flush, flush_bytes, sms, w, hbm_ns, sink);
                stream<unsigned, 4>("4B", buf, buf_bytes, flush, flush_bytes, sms, w, hbm_ns, sink);
                stream<uint2, 4>("8B", buf, buf_bytes, flush, flush_bytes, sms, w, hbm_ns, sink);
                stream<uint4, 4>("16B", buf, buf_bytes, flush, flush_bytes, sms, w, hbm_ns, sink);
            }
        }
    CHECK(cudaFree(buf));
    CHECK(cudaFree(flush));
    CHECK(cudaFree(sink));
    return 0;
}
