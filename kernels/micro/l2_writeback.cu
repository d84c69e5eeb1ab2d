// l2_writeback.cu: how many of the bytes a kernel writes reach HBM before the kernel ends.
// A write-back L2 keeps dirty lines; what a profiler's dram__bytes_write counts for one kernel is
// what the L2 wrote back while the kernel ran. Run under Nsight Compute (the program only
// launches; ncu measures), one kernel per case, in the order printed:
//   write  X MB:        every thread stores 16-byte vectors to a buffer of X MB (streaming
//                        writes of a tile kernel's output), all SMs, no reads;
//   write+wait X MB T:  the same, then every CTA spins T microseconds (%globaltimer) before it
//                        exits: whether the L2 goes on cleaning dirty lines while the SMs idle;
//   trickle X MB T:     X MB written in 16 rounds spread over T microseconds (an output tile
//                        written now and then, as an attention kernel writes O).
// Build: built by kernels/CMakeLists.txt (micro_l2_writeback).
// Run:   ncu --metrics dram__bytes_write.sum,lts__t_sectors_op_write.sum,gpu__time_duration.sum
//            --cache-control all --clock-control none --csv ./micro_l2_writeback
#include <cstdio>
#include <cuda_runtime.h>
#include "micro_common.cuh"

__device__ void spin_until(uint64_t t_end_ns) {
    while (globaltimer_ns() < t_end_ns) {
    }
}

// rounds: the buffer is written in `rounds` equal parts, part r at r * period_ns after start.
__global__ void write_kernel(float4* out, size_t n_vec, int rounds, uint64_t period_ns, uint64_t wait_ns) {
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
}

int main() {
    const cudaDeviceProp p = print_device();
    const size_t max_bytes = size_t(256) << 20;
    float4* buf = nullptr;
    CHECK(cudaMalloc(&buf, max_bytes));
    const int ctas = 4 * p.multiProcessorCount, threads = 256;
    int id = 0;
    auto run = [&](const char* what, double mb, int rounds, double period_us, double wait_us) {
        const size_t bytes = size_t(mb * (1 << 20));
        std::printf("case %2d: %-10s %7.1f MiB  rounds %2d  period %7.1f us  wait %7.1f us\n", id++, what, mb, rounds,
                    period_us, wait_us);
        write_kernel<<<ctas, threads>>>(buf, bytes / sizeof(float4), rounds, uint64_t(period_us * 1e3),
                                        uint64_t(wait_us * 1e3));
        CHECK(cudaGetLastError());
        CHECK(cudaDeviceSynchronize());
    };
    for (double mb : {1.0, 2.0, 4.0, 8.0, 16.0, 24.0, 32.0, 48.0, 64.0, 128.0, 256.0}) run("write", mb, 1, 0, 0);
    for (double wait : {20.0, 100.0, 500.0}) run("write+wait", 16.0, 1, 0, wait);
    for (double mb : {4.0, 16.0, 32.0}) run("trickle", mb, 16, 20.0, 0);
    for (double mb : {16.0, 32.0}) run("trickle", mb, 16, 60.0, 0);
    CHECK(cudaFree(buf));
    return 0;
}
