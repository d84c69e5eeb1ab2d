// l2_stream.cu: the latency a load sees through the L2 under load. Every SM streams over a buffer
// that stays in the L2 (4 MiB, read once before timing), each thread with U loads of V bytes in
// flight (U = 1: each load waits for the one before, as the scalar kernels' tile loaders do),
// W warps per SM. Little's law gives the latency the loads saw:
//   latency = bytes in flight per SM / bytes per second per SM,
// bytes in flight = W x 32 threads x U x sizeof(V). Printed in ns and in cycles of the SM clock
// measured during the run (clock64() against %globaltimer in each CTA).
// Build: built by kernels/CMakeLists.txt (micro_l2_stream).
#include <algorithm>
#include <cstdio>
#include <vector>
#include <cuda_runtime.h>
#include "micro_common.cuh"

constexpr size_t kBufBytes = size_t(4) << 20;

template <typename V, int U>
__global__ void l2_stream_kernel(const V* __restrict__ a, size_t n_vec, int iters, unsigned* sink, double* clock_hz) {
    const size_t threads = size_t(gridDim.x) * blockDim.x;
    const size_t tid = size_t(blockIdx.x) * blockDim.x + threadIdx.x;
    const long long c0 = clock64();
    const uint64_t t0 = globaltimer_ns();
    unsigned acc = 0;
#pragma unroll 1  // exactly U loads in flight per thread
    for (int it = 0; it < iters; ++it) {
        V v[U];
#pragma unroll
        for (int u = 0; u < U; ++u) {
            const size_t i = ((size_t(it) * U + u) * threads + tid) & (n_vec - 1);  // n_vec: a power of two
            v[u] = __ldcg(a + i);  // L2, not L1
        }
#pragma unroll
        for (int u = 0; u < U; ++u) acc = fold_bits(acc, v[u]);
    }
    if (acc == 0x9e3779b9u) *sink = acc;  // practically never: keeps the loads alive
    if (threadIdx.x == 0) {
        const double dt = double(globaltimer_ns() - t0);
        clock_hz[blockIdx.x] = dt > 0 ? double(clock64() - c0) / dt * 1e9 : 0;
    }
}

template <typename V, int U>
void run(const char* width, const void* buf, int sms, int warps_per_sm, unsigned* sink, double* clk) {
    const int ctas_per_sm = warps_per_sm > 32 ? 2 : 1;
    const int threads = warps_per_sm * 32 / ctas_per_sm;
    const int ctas = sms * ctas_per_sm;
    const size_t per_iter = size_t(ctas) * threads * sizeof(V) * U;
    const int iters = int(std::max<size_t>(16, (size_t(1) << 30) / per_iter));  // about 1 GiB read
    const size_t n_vec = kBufBytes / sizeof(V);
    // the warm-up launch also brings the buffer into L2
    const auto launch = [&] { l2_stream_kernel<V, U><<<ctas, threads>>>(static_cast<const V*>(buf), n_vec, iters, sink, clk); };
    const double t_s = median_launch_ms(4, [](int) {}, launch) * 1e-3;
    std::vector<double> hz(static_cast<size_t>(ctas));
    CHECK(cudaMemcpy(hz.data(), clk, hz.size() * sizeof(double), cudaMemcpyDeviceToHost));
    double clock = 0;
    for (double h : hz) clock += h / double(ctas);
    const double bytes = double(per_iter) * iters;
    const double bps_sm = bytes / t_s / sms;
    const double in_flight = double(warps_per_sm) * 32 * U * sizeof(V);
    const double lat_ns = in_flight / bps_sm * 1e9;
    std::printf("l2 %-3s U=%d warps/SM %2d: %8.1f GB/s  %6.2f GB/s/SM  in flight/SM %6.0f B  latency %7.1f ns = %6.0f cycles"
                " at %.3f GHz\n",
                width, U, warps_per_sm, bytes / t_s / 1e9, bps_sm / 1e9, in_flight, lat_ns, lat_ns * clock * 1e-9,
                clock * 1e-9);
}

int main() {
    cudaDeviceProp p;
    CHECK(cudaGetDeviceProperties(&p, 0));
    const int sms = p.multiProcessorCount;
    std::printf("%s, %d SMs, L2 %d bytes, cc %d.%d; buffer %zu bytes (in L2), loads ld.global.cg\n", p.name, sms,
                p.l2CacheSize, p.major, p.minor, kBufBytes);
    void* buf;
    unsigned* sink;
    double* clk;
    CHECK(cudaMalloc(&buf, kBufBytes));
    CHECK(cudaMemset(buf, 0x5a, kBufBytes));
    CHECK(cudaMalloc(&sink, 4));
    CHECK(cudaMalloc(&clk, 2 * size_t(sms) * sizeof(double)));
    for (int u : {1, 4})
        for (int w : {1, 2, 4, 8, 16, 32, 64}) {
            if (u == 1) {
                run<unsigned short, 1>("2B", buf, sms, w, sink, clk);
                run<unsigned, 1>("4B", buf, sms, w, sink, clk);
                run<uint4, 1>("16B", buf, sms, w, sink, clk);
            } else {
                run<unsigned short, 4>("2B", buf, sms, w, sink, clk);
                run<unsigned, 4>("4B", buf, sms, w, sink, clk);
                run<uint4, 4>("16B", buf, sms, w, sink, clk);
            }
        }
    CHECK(cudaFree(buf));
    CHECK(cudaFree(sink));
    CHECK(cudaFree(clk));
    return 0;
}
