// red_throughput.cu: what fp32 reductions to global memory (red.global.add.f32, atomicAdd whose result
// is unused) cost in the L2, beside plain stores: throughput vs the number of distinct lines and SMs,
// the latency of one atomic from each SM, and (under Nsight Compute) how many bytes reach HBM.
//
// A reduction is performed in the L2 slice that is the line's home (the data must be there to add to
// it), so a line updated by reductions from SMs of both L2 partitions may live in one partition only,
// unlike a line read from both sides. Cases, in the order printed:
//   stream OP F:  all SMs (4 CTAs x 256 threads each), thread t's k-th op at float (or float2) index
//                 (t + k T) mod n, T threads, n elements in F bytes: a warp's op covers 128 (OP x1) or
//                 256 (x2) contiguous bytes; every line is updated by many SMs. OP is st (st.global),
//                 red (red.global.add.f32) or red2 (red.global.add.v2.f32, atomicAdd on a float2 as
//                 sm_90 has it; the FA2 backward's dQ accumulation uses it).
//                 F from 128 bytes (one line: all SMs on one line) to 256 MiB.
//   rows OP F:    the FA2 backward's mma fragment pattern: lane (g, t) = (lane / 4, lane % 4) adds 2
//                 floats at row g, column 2t of a 32-byte sector, rows 64 floats apart: a warp's op
//                 touches 8 sectors of 8 lines.
//   sms S:        red2 stream over 16 MiB from S CTAs of 1024 threads (one per SM): the rate one SM
//                 can issue and the L2 can absorb.
//   latency:      one thread on SM s does dependent atom.global.add.f32 (the value returned feeds the
//                 next address) on one line, and dependent ld.global.cg on a line: cycles per op,
//                 every SM (the line's home slice is near some SMs and far from others).
// Usage: red_throughput          (timings with CUDA events and clock64)
//        red_throughput --ncu    (only the HBM cases, for ncu with --cache-control all: one pass of red2
//                                 or st over 8-128 MiB from all SMs, one kernel each (HBM read, write,
//                                 L2 sectors per op); then red2, two passes in one kernel, the second
//                                 pass's update of a line from another CTA than the first's)
// Build: built by kernels/CMakeLists.txt (micro_red_throughput).
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>
#include <cuda_runtime.h>
#include "micro_common.cuh"

enum Op { ST = 0, RED = 1, RED2 = 2 };
static const char* op_name(int op) { return op == ST ? "st" : op == RED ? "red" : "red2"; }

__device__ __forceinline__ unsigned smid() {
    unsigned s;
    asm volatile("mov.u32 %0, %%smid;" : "=r"(s));
    return s;
}

// red.global.add.v2.f32 where the architecture has it (sm_90: atomicAdd on a float2); older ones,
// built alongside, add the two floats one by one (the program's figures are the sm_90 code's).
__device__ __forceinline__ void red_add_f32x2(float2* dst, float2 v) {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
    atomicAdd(dst, v);
#else
    atomicAdd(&dst->x, v.x);
    atomicAdd(&dst->y, v.y);
#endif
}

// One op on element e (a float for ST/RED, a float2 for RED2).
template <int OP>
__device__ __forceinline__ void do_op(float* buf, size_t e, float v) {
    if constexpr (OP == ST) {
        buf[e] = v;
    } else if constexpr (OP == RED) {
        atomicAdd(buf + e, v);  // result unused: red.global.add.f32
    } else {
        red_add_f32x2(reinterpret_cast<float2*>(buf) + e, make_float2(v, v));  // red.global.add.v2.f32
    }
}

// stream: thread t's k-th op on element (t + k T + shift) mod n; shift rotates whole passes.
template <int OP>
__global__ void stream_kernel(float* buf, size_t n, int ops, size_t shift) {
    const size_t T = size_t(gridDim.x) * blockDim.x;
    const size_t t = size_t(blockIdx.x) * blockDim.x + threadIdx.x;
    size_t e = (t + shift) % n;
    const size_t step = T % n;
    for (int k = 0; k < ops; ++k) {
        do_op<OP>(buf, e, 1.0f);
        e += step;
        if (e >= n) e -= n;
    }
}

// rows: a warp-op u adds 2 floats per lane at row (u / 8) * 8 + lane / 4, sector u % 8, column
// 2 (lane % 4) of rows of 64 floats; u = (warp + k W) mod (n / 512).
template <int OP>
__global__ void rows_kernel(float* buf, size_t n, int ops) {
    const int lane = threadIdx.x & 31, g = lane >> 2, t = lane & 3;
    const size_t W = size_t(gridDim.x) * blockDim.x / 32;
    const size_t w = (size_t(blockIdx.x) * blockDim.x + threadIdx.x) / 32;
    const size_t U = n / 512;  // warp-ops per footprint (8 rows x 64 floats each)
    size_t u = w % U;
    for (int k = 0; k < ops; ++k) {
        const size_t row = (u / 8) * 8 + g, col = (u % 8) * 8 + 2 * t;
        if constexpr (OP == ST) {
            *reinterpret_cast<float2*>(buf + row * 64 + col) = make_float2(1.f, 1.f);
        } else {
            red_add_f32x2(reinterpret_cast<float2*>(buf + row * 64 + col), make_float2(1.f, 1.f));
        }
        u += W % U;
        if (u >= U) u -= U;
    }
}

// latency: on SM `sm` only, thread 0: `steps` dependent atomics (or cg loads) on one line.
__global__ void latency_kernel(unsigned* line, int steps, int atomic, unsigned sm, long long* cycles, unsigned* sink) {
    if (threadIdx.x != 0 || smid() != sm) return;
    unsigned off = 0, acc = 0;
    const long long c0 = clock64();
    for (int s = 0; s < steps; ++s) {
        unsigned v;
        if (atomic)
            asm volatile("atom.global.add.u32 %0, [%1], 1;" : "=r"(v) : "l"(line + off));
        else
            asm volatile("ld.global.cg.u32 %0, [%1];" : "=r"(v) : "l"(line + off));
        off = (v >> 31) & 1;  // 0 for the values here, unknown to the compiler: the next op waits
        acc += v;
    }
    const long long c1 = clock64();
    *cycles = c1 - c0;
    *sink = acc;
}

template <int OP>
void launch_stream(float* buf, size_t n, int ctas, int threads, int ops, size_t shift) {
    stream_kernel<OP><<<ctas, threads>>>(buf, n, ops, shift);
}
void launch_stream_op(int op, float* buf, size_t n, int ctas, int threads, int ops, size_t shift) {
    if (op == ST) launch_stream<ST>(buf, n, ctas, threads, ops, shift);
    else if (op == RED) launch_stream<RED>(buf, n, ctas, threads, ops, shift);
    else launch_stream<RED2>(buf, n, ctas, threads, ops, shift);
}

int main(int argc, char** argv) {
    const cudaDeviceProp p = print_device();
    const int sms = p.multiProcessorCount;
    const bool ncu_mode = argc > 1 && std::strcmp(argv[1], "--ncu") == 0;
    const size_t max_bytes = size_t(256) << 20;
    float* buf = nullptr;
    CHECK(cudaMalloc(&buf, max_bytes));
    CHECK(cudaMemset(buf, 0, max_bytes));
    const int ctas = 4 * sms, threads = 256;
    const size_t T = size_t(ctas) * threads;

    if (ncu_mode) {
        // One pass over F per kernel (ncu flushes the L2 before each): a red must read its line from
        // HBM first, a full-sector st need not; what is written back shows how much stays dirty.
        int id = 0;
        for (int op : {RED2, ST}) {
            for (size_t mib : {8, 16, 24, 32, 40, 48, 64, 128}) {
                const size_t bytes = mib << 20, esz = op == RED2 ? 8 : 4, n = bytes / esz;
                const int ops = int((n + T - 1) / T);
                std::printf("case %2d: %-4s %4zu MiB, one pass of %d ops per thread (all SMs)\n", id++, op_name(op), mib, ops);
                launch_stream_op(op, buf, n, ctas, threads, ops, 0);
                CHECK(cudaGetLastError());
                CHECK(cudaDeviceSynchronize());
            }
        }
        // the same pass twice in one kernel: is a line updated twice (from other SMs) written once?
        for (size_t mib : {16, 32, 48}) {
            const size_t bytes = mib << 20, n = bytes / 8;
            const int ops = int(2 * ((n + T - 1) / T));
            std::printf("case %2d: red2 %4zu MiB, two passes in one kernel, %d ops per thread\n", id++, mib, ops);
            launch_stream_op(RED2, buf, n, ctas, threads, ops, T / 2 + 1024);
            CHECK(cudaGetLastError());
            CHECK(cudaDeviceSynchronize());
        }
        CHECK(cudaFree(buf));
        return 0;
    }

    // ---- stream: throughput vs footprint ----
    std::printf("## stream: %d CTAs x %d threads, median of 5 launches (CUDA events), L2 warm from the launch before\n",
                ctas, threads);
    std::printf("%-5s %12s %8s %12s %12s %12s\n", "op", "footprint_B", "ops/thr", "us", "Gops/s", "GB/s");
    for (int op : {ST, RED, RED2}) {
        for (size_t bytes : {size_t(128), size_t(1) << 10, size_t(8) << 10, size_t(64) << 10, size_t(1) << 20,
                             size_t(4) << 20, size_t(16) << 20, size_t(32) << 20, size_t(64) << 20, size_t(256) << 20}) {
            const size_t esz = op == RED2 ? 8 : 4, n = bytes / esz;
            const int ops = std::max(64, int(2 * ((n + T - 1) / T)));
            const double ms = median_launch_ms(6, [](int) {}, [&] { launch_stream_op(op, buf, n, ctas, threads, ops, 0); });
            const double nops = double(T) * ops;
            std::printf("%-5s %12zu %8d %12.2f %12.2f %12.1f\n", op_name(op), bytes, ops, ms * 1e3, nops / ms * 1e-6,
                        nops * esz / ms * 1e-6);
        }
    }

    // ---- rows: the FA2 backward's fragment pattern ----
    std::printf("## rows: warp-op = 8 rows x 32 bytes (float2 per lane), rows of 64 floats, same grid\n");
    std::printf("%-5s %12s %8s %12s %12s %12s\n", "op", "footprint_B", "ops/thr", "us", "Gwarpops/s", "GB/s");
    for (int op : {ST, RED2}) {
        for (size_t bytes : {size_t(1) << 20, size_t(16) << 20, size_t(64) << 20, size_t(256) << 20}) {
            const size_t n = bytes / 4, U = n / 512;
            const int ops = std::max(64, int(2 * ((U + T / 32 - 1) / (T / 32))));
            const double ms = median_launch_ms(6, [](int) {}, [&] {
                if (op == ST) rows_kernel<ST><<<ctas, threads>>>(buf, n, ops);
                else rows_kernel<RED2><<<ctas, threads>>>(buf, n, ops);
            });
            const double wops = double(T / 32) * ops;
            std::printf("%-5s %12zu %8d %12.2f %12.3f %12.1f\n", op_name(op), bytes, ops, ms * 1e3, wops / ms * 1e-6,
                        wops * 256 / ms * 1e-6);
        }
    }

    // ---- sms: red2 throughput vs SMs used ----
    std::printf("## sms: red2 stream over 16 MiB from S CTAs of 1024 threads (one per SM)\n");
    std::printf("%6s %12s %12s %14s\n", "S", "us", "GB/s", "GB/s per SM");
    for (int s : {1, 2, 8, 33, 66, 132}) {
        if (s > sms) continue;
        const size_t n = (size_t(16) << 20) / 8, Ts = size_t(s) * 1024;
        const int ops = int(std::min<size_t>(4096, (n + Ts - 1) / Ts));
        const double ms = median_launch_ms(4, [](int) {}, [&] { launch_stream<RED2>(buf, n, s, 1024, ops, 0); });
        const double bytes = double(Ts) * ops * 8;
        std::printf("%6d %12.2f %12.1f %14.2f\n", s, ms * 1e3, bytes / ms * 1e-6, bytes / ms * 1e-6 / s);
    }

    // ---- latency: dependent atomics vs cg loads from every SM ----
    std::printf("## latency: one thread, 2048 dependent ops on one line (warmed in the L2), cycles per op, per SM\n");
    unsigned* line = reinterpret_cast<unsigned*>(buf);
    CHECK(cudaMemset(line, 0, 128));
    long long* cyc;
    unsigned* sink;
    CHECK(cudaMalloc(&cyc, 8));
    CHECK(cudaMalloc(&sink, 4));
    std::vector<double> at(static_cast<size_t>(sms)), ld(static_cast<size_t>(sms));
    for (int s = 0; s < sms; ++s) {
        for (int atomic : {0, 1}) {
            latency_kernel<<<sms, 32>>>(line, 64, atomic, unsigned(s), cyc, sink);  // warm
            latency_kernel<<<sms, 32>>>(line, 2048, atomic, unsigned(s), cyc, sink);
            CHECK(cudaGetLastError());
            CHECK(cudaDeviceSynchronize());
            long long c = 0;
            CHECK(cudaMemcpy(&c, cyc, 8, cudaMemcpyDeviceToHost));
            (atomic ? at : ld)[size_t(s)] = double(c) / 2048;
        }
        std::printf("SM %3d: atom.add %7.1f cycles/op, ld.cg %7.1f cycles/op\n", s, at[size_t(s)], ld[size_t(s)]);
    }
    auto summary = [](const char* what, std::vector<double> v) {
        std::sort(v.begin(), v.end());
        std::printf("%s over SMs: min %.1f, median %.1f, max %.1f cycles/op\n", what, v.front(), v[v.size() / 2], v.back());
    };
    summary("atom.add latency", at);
    summary("ld.cg latency", ld);
    CHECK(cudaFree(cyc));
    CHECK(cudaFree(sink));
    CHECK(cudaFree(buf));
    return 0;
}
