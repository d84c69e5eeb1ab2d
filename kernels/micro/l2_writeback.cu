// l2_writeback.cu: how many of the bytes a kernel writes reach HBM before the kernel ends.
// A write-back L2 keeps dirty lines; what a profiler's dram__bytes_write counts for one kernel is
// what the L2 wrote back while the kernel ran. Run under Nsight Compute (the program only
// launches; ncu measures), one kernel per case, in the order printed:
//   write  X MB:        every thread stores 16-byte vectors to a buffer of X MB (streaming
//                        writes of a tile kernel's output), all SMs, no reads;
//   write+wait X MB T:  the same, then every CTA spins T microseconds (%globaltimer) before it
//                        exits: whether the L2 goes on cleaning dirty lines while the SMs idle;
//   trickle X MB T:     X MB written in 16 rounds spread over T microseconds (an output tile
//                        written now and then, as an attention kernel writes O);
//   write+read X MB Y:  X MB written, then Y MB of another buffer read once (ld.global.cg), each
//                        line by one thread of the whole grid: how much reading evicts what is dirty;
//   write+reread X MB Y: X MB written, then every CTA reads the same Y MB (as every CTA of an
//                        attention head reads its K and V): lines read by the SMs of both halves of
//                        the GPU, which a two-partition L2 may keep in each partition.
//   write+busy X MB Y T: X MB written, then every CTA reads the same Y MB over and over for T
//                        microseconds (lines the L2 holds: the L2 busy, nothing evicted).
// The long waits (2-200 ms) ask whether dirty lines are cleaned over the time a slow kernel runs,
// and write+busy whether that goes on while the L2 serves requests.
// Build: built by kernels/CMakeLists.txt (micro_l2_writeback).
// Run:   ncu --metrics dram__bytes_write.sum,dram__bytes_read.sum,lts__t_sectors_op_write.sum,gpu__time_duration.sum
//            --cache-control all --clock-control none --csv ./micro_l2_writeback
#include <cstdio>
#include <cuda_runtime.h>
#include "micro_common.cuh"

__device__ void spin_until(uint64_t t_end_ns) {
    while (globaltimer_ns() < t_end_ns) {
    }
}

// rounds: the buffer is written in `rounds` equal parts, part r at r * period_ns after start.
// read_vec: the float4s of `in` read after the writes; shared: every CTA reads all of them (else the
// grid reads each once). sink is written only if the XOR of what was read is a value it never is.
// busy_ns: with shared, the reads of `in` repeat until that long after they began.
__global__ void write_kernel(float4* out, size_t n_vec, int rounds, uint64_t period_ns, uint64_t wait_ns,
                             const float4* in, size_t read_vec, int shared, unsigned* sink, uint64_t busy_ns) {
    const uint64_t t0 = globaltimer_ns();
    const size_t per_round = (n_vec + rounds - 1) / rounds;
    const size_t stride = size_t(gridDim.x) * blockDim.x;
    for (int r = 0; r < rounds; ++r) {
        if (period_ns) spin_until(t0 + r * period_ns);
        const size_t end = min(n_vec, (r + 1) * per_round);
        for (size_t i = r * per_round + blockIdx.x * size_t(blockDim.x) + threadIdx.x; i < end; i += stride)
            out[i] = make_float4(float(i), 1.f, 2.f, 3.f);
    }
    if (wait_ns) spin_until(globaltimer_ns() + wait_ns);
    if (read_vec) {
        __syncthreads();  // this CTA's writes issued before its reads
        unsigned acc = 0;
        const size_t first = shared ? threadIdx.x : blockIdx.x * size_t(blockDim.x) + threadIdx.x;
        const size_t step = shared ? blockDim.x : stride;
        const uint64_t t_busy = globaltimer_ns() + busy_ns;
        do {
            for (size_t i = first; i < read_vec; i += step) acc = fold_bits(acc, __ldcg(in + i));
        } while (busy_ns && globaltimer_ns() < t_busy);
        if (acc == 0x9E3779B9u) sink[0] = acc;
    }
}

int main() {
    const cudaDeviceProp p = print_device();
    const size_t max_bytes = size_t(256) << 20;
    float4 *buf = nullptr, *other = nullptr;
    unsigned* sink = nullptr;
    CHECK(cudaMalloc(&buf, max_bytes));
    CHECK(cudaMalloc(&other, max_bytes));
    CHECK(cudaMemset(other, 0, max_bytes));
    CHECK(cudaMalloc(&sink, sizeof(unsigned)));
    const int ctas = 4 * p.multiProcessorCount, threads = 256;
    int id = 0;
    auto run = [&](const char* what, double mb, int rounds, double period_us, double wait_us, double read_mb = 0,
                   int shared = 0, double busy_us = 0) {
        const size_t bytes = size_t(mb * (1 << 20)), read_bytes = size_t(read_mb * (1 << 20));
        std::printf("case %2d: %-10s %7.1f MiB  rounds %2d  period %7.1f us  wait %7.1f us", id++, what, mb, rounds,
                    period_us, wait_us);
        if (read_mb > 0) std::printf("  then %s %7.1f MiB", shared ? "every CTA reads" : "the grid reads", read_mb);
        if (busy_us > 0) std::printf(" again and again for %.0f us", busy_us);
        std::printf("\n");
        write_kernel<<<ctas, threads>>>(buf, bytes / sizeof(float4), rounds, uint64_t(period_us * 1e3),
                                        uint64_t(wait_us * 1e3), other, read_bytes / sizeof(float4), shared, sink,
                                        uint64_t(busy_us * 1e3));
        CHECK(cudaGetLastError());
        CHECK(cudaDeviceSynchronize());
    };
    for (double mb : {1.0, 2.0, 4.0, 8.0, 16.0, 24.0, 32.0, 48.0, 64.0, 128.0, 256.0}) run("write", mb, 1, 0, 0);
    for (double wait : {20.0, 100.0, 500.0}) run("write+wait", 16.0, 1, 0, wait);
    for (double mb : {4.0, 16.0, 32.0}) run("trickle", mb, 16, 20.0, 0);
    for (double mb : {16.0, 32.0}) run("trickle", mb, 16, 60.0, 0);
    // Added 2026-12-04 (the cases above keep their numbers).
    for (double wait : {2000.0, 10000.0, 50000.0}) run("write+wait", 16.0, 1, 0, wait);
    for (double y : {4.0, 8.0, 16.0, 24.0, 32.0, 48.0, 64.0, 128.0}) run("write+read", 16.0, 1, 0, 0, y, 0);
    for (double y : {1.0, 2.0, 4.0, 8.0, 12.0, 16.0}) run("write+reread", 16.0, 1, 0, 0, y, 1);
    // Whether the cleaning while the SMs wait goes by time or by the dirty bytes, and where reads
    // start to evict with more or less dirty data.
    for (double mb : {4.0, 16.0, 28.0})
        for (double wait : {5000.0, 20000.0, 100000.0, 200000.0}) run("write+wait", mb, 1, 0, wait);
    for (double y : {16.0, 24.0, 32.0, 40.0, 48.0, 56.0}) run("write+read", 8.0, 1, 0, 0, y, 0);
    for (double y : {4.0, 8.0, 16.0, 24.0, 32.0, 48.0}) run("write+read", 28.0, 1, 0, 0, y, 0);
    for (double y : {4.0, 8.0, 12.0, 16.0, 24.0}) run("write+reread", 8.0, 1, 0, 0, y, 1);
    for (double busy : {20000.0, 100000.0, 200000.0}) run("write+busy", 16.0, 1, 0, 0, 1.0, 1, busy);
    for (double busy : {20000.0, 100000.0, 200000.0}) run("write+busy", 16.0, 1, 0, 0, 8.0, 1, busy);
    CHECK(cudaFree(sink));
    CHECK(cudaFree(other));
    CHECK(cudaFree(buf));
    return 0;
}
