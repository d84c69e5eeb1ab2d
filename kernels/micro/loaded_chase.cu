// loaded_chase.cu: the HBM latency one dependent load sees while the other SMs load HBM.
//
// One kernel, one CTA per SM (each asks for more than half an SM's shared memory, so no two share
// an SM). CTA 0's thread 0 follows a random cyclic permutation of 128-byte lines over a footprint
// of 4x the L2 (ld.global.cg, as mem_latency_bw's HBM chase) and times its loads with %globaltimer
// and clock64(). The other CTAs stream over a buffer of 16x the L2 (loads of B bytes, U in flight
// per thread, W warps: mem_latency_bw's stream loop) until the chase is done, and count the bytes
// they loaded while it ran. Prints, per background: the background's bytes/s during the chase
// (whole GPU, and over the datasheet bandwidth when given) and the chase's ns and cycles per load.
// Then one SM streams alone (one CTA of W warps, B bytes per thread in flight): its bandwidth and
// the latency that implies by Little's law, the loading SM's own part without the others' load.
// The latency under load is then measured directly, not inferred by Little's law from a stream's
// own bandwidth (kernels/micro/loaded_latency.py compares the two).
//
// usage: loaded_chase [DATASHEET_GBS]   (H200: 4800)
// Build: built by kernels/CMakeLists.txt (micro_loaded_chase), or
//        nvcc -O3 -arch=sm_90 -o loaded_chase kernels/micro/loaded_chase.cu
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>
#include <cuda_runtime.h>
#include "micro_common.cuh"

struct Shared {
    int started, done;               // set by the chase
    unsigned long long bytes;        // loaded by the background while the chase ran
    unsigned long long chase_ns;     // the chase's loads, %globaltimer
    long long chase_cycles;          // and clock64()
    uint64_t sink;
};

constexpr int kCheckEvery = 32;  // background iterations between looks at the flags

template <typename V, int U>
__global__ void loaded_chase(const uint64_t* __restrict__ lines, uint64_t start, int steps, const V* __restrict__ buf,
                             size_t n_vec, Shared* s) {
    extern __shared__ char keep_sm_alone[];  // sized by the launch: one CTA per SM
    if (blockIdx.x == 0) {
        if (threadIdx.x != 0) return;
        // Let the background reach its steady state first (about 50 us).
        const uint64_t w0 = globaltimer_ns();
        while (globaltimer_ns() - w0 < 50000) {
        }
        atomicExch(&s->started, 1);
        __threadfence();
        uint64_t j = start;
        const long long c0 = clock64();
        const uint64_t t0 = globaltimer_ns();
        for (int k = 0; k < steps; ++k) {
            uint64_t next;
            asm volatile("ld.global.cg.u64 %0, [%1];" : "=l"(next) : "l"(lines + j));
            j = next;
        }
        const long long c1 = clock64();
        const uint64_t t1 = globaltimer_ns();
        s->chase_cycles = c1 - c0;
        s->chase_ns = t1 - t0;
        s->sink = j;
        __threadfence();
        atomicExch(&s->done, 1);
        keep_sm_alone[0] = char(j);
        return;
    }
    const size_t threads = size_t(gridDim.x - 1) * blockDim.x;
    const size_t tid = size_t(blockIdx.x - 1) * blockDim.x + threadIdx.x;
    const size_t per_iter = threads * U;
    unsigned acc = 0;
    unsigned long long counted = 0;
    size_t base = 0;
    for (;;) {
        const int started = *(volatile int*)&s->started, done = *(volatile int*)&s->done;
        if (done) break;
#pragma unroll 1
        for (int it = 0; it < kCheckEvery; ++it) {
            V v[U];
#pragma unroll
            for (int u = 0; u < U; ++u) {
                size_t i = base + size_t(u) * threads + tid;
                v[u] = buf[i < n_vec ? i : i % n_vec];
            }
#pragma unroll
            for (int u = 0; u < U; ++u) acc = fold_bits(acc, v[u]);
            base += per_iter;
            if (base >= n_vec) base = 0;
        }
        if (started) counted += kCheckEvery * U * sizeof(V);
    }
    atomicAdd(&s->bytes, counted);
    if (acc == 0x9e3779b9u) s->sink = acc;  // practically never: keeps the loads alive
}

struct Ushort { unsigned short x; };

// One CTA alone on the GPU streams `iters` x threads x U loads of V (mem_latency_bw's loop).
template <typename V, int U>
__global__ void lone_stream(const V* __restrict__ a, int iters, unsigned* sink) {
    unsigned acc = 0;
#pragma unroll 1
    for (int it = 0; it < iters; ++it) {
        V v[U];
#pragma unroll
        for (int u = 0; u < U; ++u) v[u] = a[(size_t(it) * U + u) * blockDim.x + threadIdx.x];
#pragma unroll
        for (int u = 0; u < U; ++u) acc = fold_bits(acc, v[u]);
    }
    if (acc == 0x9e3779b9u) *sink = acc;  // practically never: keeps the loads alive
}

// The bandwidth one SM reaches alone with `warps` x 32 threads x B bytes in flight, and the latency
// that implies by Little's law (bytes in flight / bandwidth).
template <typename V>
void lone(const char* width, int warps, const void* buf, size_t buf_bytes, void* flush, size_t flush_bytes, unsigned* sink,
          double datasheet_gbs, int sms) {
    const int threads = warps * 32;
    const size_t per_iter = size_t(threads) * sizeof(V);
    const int iters = int(std::min<size_t>(buf_bytes / per_iter, (size_t(64) << 20) / per_iter));  // 64 MiB
    const auto flush_l2 = [&](int rep) { CHECK(cudaMemset(flush, rep, flush_bytes)); };
    const auto launch = [&] { lone_stream<V, 1><<<1, threads>>>(static_cast<const V*>(buf), iters, sink); };
    const double t_s = median_launch_ms(4, flush_l2, launch) * 1e-3;
    const double bps = double(per_iter) * iters / t_s, in_flight = double(per_iter);
    std::printf("lone stream %-3s U=1 warps %2d (in flight %6.0f B): %7.2f GB/s", width, warps, in_flight, bps / 1e9);
    if (datasheet_gbs > 0) std::printf(" (rho %.4f, rho_sm %.2f)", bps / 1e9 / datasheet_gbs, bps / 1e9 * sms / datasheet_gbs);
    std::printf("  latency %6.1f ns\n", in_flight / bps * 1e9);
}

template <typename V, int U>
void run(const char* width, int warps, const uint64_t* lines, uint64_t start, int steps, const void* buf, size_t buf_bytes,
         void* flush, size_t flush_bytes, int sms, size_t smem, double datasheet_gbs) {
    Shared* s;
    CHECK(cudaMalloc(&s, sizeof(Shared)));
    CHECK(cudaFuncSetAttribute(loaded_chase<V, U>, cudaFuncAttributeMaxDynamicSharedMemorySize, int(smem)));
    std::vector<double> ns, cyc, gbs;
    for (int rep = 0; rep < 4; ++rep) {
        CHECK(cudaMemset(s, 0, sizeof(Shared)));
        CHECK(cudaMemset(flush, rep, flush_bytes));  // the chase's lines and the stream start cold
        // warps = 0: the chase alone (the other CTAs of one warp return at once: done before started).
        const int threads = std::max(32, warps * 32);
        if (warps == 0) {
            loaded_chase<V, U><<<1, 32, smem>>>(lines, start, steps, static_cast<const V*>(buf), buf_bytes / sizeof(V), s);
        } else {
            loaded_chase<V, U><<<sms, threads, smem>>>(lines, start, steps, static_cast<const V*>(buf), buf_bytes / sizeof(V), s);
        }
        CHECK(cudaGetLastError());
        CHECK(cudaDeviceSynchronize());
        Shared h;
        CHECK(cudaMemcpy(&h, s, sizeof(Shared), cudaMemcpyDeviceToHost));
        if (rep == 0) continue;  // warm-up
        ns.push_back(double(h.chase_ns) / steps);
        cyc.push_back(double(h.chase_cycles) / steps);
        gbs.push_back(double(h.bytes) / double(h.chase_ns));  // bytes per ns = GB/s
    }
    CHECK(cudaFree(s));
    auto med = [](std::vector<double> v) { std::sort(v.begin(), v.end()); return v[v.size() / 2]; };
    std::printf("loaded chase: background %-3s U=%d warps/SM %2d on %d SMs: %8.1f GB/s", width, U, warps, warps ? sms - 1 : 0,
                med(gbs));
    if (datasheet_gbs > 0) std::printf(" (rho %.2f)", med(gbs) / datasheet_gbs);
    std::printf("  chase %6.1f ns/load  %6.1f cycles/load\n", med(ns), med(cyc));
}

int main(int argc, char** argv) {
    const double datasheet_gbs = argc > 1 ? std::atof(argv[1]) : 0;
    const cudaDeviceProp p = print_device();
    const int sms = p.multiProcessorCount;
    const size_t l2 = size_t(p.l2CacheSize);
    // The chase's lines: 4x the L2, a random cyclic permutation of 128-byte lines.
    const size_t footprint = 4 * l2;
    uint64_t* lines;
    CHECK(cudaMalloc(&lines, footprint));
    const uint64_t start = write_chase(lines, footprint);
    const size_t buf_bytes = 16 * l2, flush_bytes = 2 * l2;
    void *buf, *flush;
    CHECK(cudaMalloc(&buf, buf_bytes));
    CHECK(cudaMemset(buf, 0x5a, buf_bytes));
    CHECK(cudaMalloc(&flush, flush_bytes));
    const size_t smem = size_t(p.sharedMemPerMultiprocessor) / 2 + 1024;  // more than half: one CTA per SM
    const int steps = 8192;                                                // about 3 ms at idle
    std::printf("## one thread chases 128-byte lines over %zu B (ld.cg) while %d SMs stream; median of 3 runs\n", footprint,
                sms - 1);
    run<uint4, 1>("-", 0, lines, start, steps, buf, buf_bytes, flush, flush_bytes, sms, smem, datasheet_gbs);
    for (int w : {1, 2, 4, 8, 16, 24, 32})
        run<uint4, 1>("16B", w, lines, start, steps, buf, buf_bytes, flush, flush_bytes, sms, smem, datasheet_gbs);
    for (int w : {4, 8, 16, 32})
        run<uint4, 4>("16B", w, lines, start, steps, buf, buf_bytes, flush, flush_bytes, sms, smem, datasheet_gbs);
    for (int w : {8, 16, 32})
        run<unsigned, 1>("4B", w, lines, start, steps, buf, buf_bytes, flush, flush_bytes, sms, smem, datasheet_gbs);
    std::printf("## one SM streams alone (1 CTA, one load in flight per thread, 64 MiB): its latency by Little's law\n");
    unsigned* sink;
    CHECK(cudaMalloc(&sink, 4));
    for (int w : {1, 2, 4, 8, 16, 32}) {
        lone<unsigned>("4B", w, buf, buf_bytes, flush, flush_bytes, sink, datasheet_gbs, sms);
        lone<uint4>("16B", w, buf, buf_bytes, flush, flush_bytes, sink, datasheet_gbs, sms);
    }
    CHECK(cudaFree(sink));
    CHECK(cudaFree(lines));
    CHECK(cudaFree(buf));
    CHECK(cudaFree(flush));
    return 0;
}
