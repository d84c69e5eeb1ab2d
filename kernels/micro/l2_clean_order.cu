// l2_clean_order.cu: which dirty lines the L2 cleans while a kernel runs. l2_writeback shows the
// L2 writing dirty lines back to HBM slowly (about 20 MiB/s, in steps of 256 KiB) whatever the
// SMs do; a model of it needs which lines go: the oldest, the newest, or any. Each case, one kernel
// run under Nsight Compute (the program only launches; ncu measures HBM bytes per kernel):
//   1. writes region P (P MiB), spins 1 ms, writes region Q (Q MiB): P's lines are the older;
//   2. spins W ms (the cleaning: C MiB written back, l2_writeback's rate);
//   3. stores again over region R (P, Q or neither): its lines dirty again, cleaned or not;
//   4. reads Y MiB of another buffer once (ld.global.cg): evicts every dirty line (l2_writeback:
//      all of 16 MiB dirty go by Y = 64).
// The bytes written back during the kernel are then P + Q + C_R, where C_R is what the cleaning
// took of region R (a cleaned line rewritten is written back twice, one never rewritten once):
// rewriting the older region shows C_old, the newer C_new. Oldest first: C_old = C; newest first:
// C_new = C; lines taken whatever their age: C_old / C_new = P / Q. P and Q swap places in the
// buffer (low or high addresses) so that age and address part. A case without step 4 measures C
// alone; one whose step 4 reads region P instead shows whether cleaned lines stay in the L2 (no HBM
// reads) or leave it. Last, kernels that write nothing and only wait: the HBM traffic of the
// wait itself.
// Build: built by kernels/CMakeLists.txt (micro_l2_clean_order).
// Run:   ncu --metrics dram__bytes_write.sum,dram__bytes_read.sum,lts__t_sectors_op_write.sum,gpu__time_duration.sum
//            --cache-control all --clock-control none --csv ./micro_l2_clean_order   (run_micro.sh does it)
#include <cstdio>
#include <cuda_runtime.h>
#include "micro_common.cuh"

__device__ void spin_for(uint64_t ns) {
    const uint64_t end = globaltimer_ns() + ns;
    while (globaltimer_ns() < end) {
    }
}

// Stores 16-byte vectors over [first, first + n) of out, the grid striding over it.
__device__ void store_region(float4* out, size_t first, size_t n, float tag) {
    const size_t stride = size_t(gridDim.x) * blockDim.x;
    for (size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x; i < n; i += stride)
        out[first + i] = make_float4(float(i), tag, 2.f, 3.f);
}

// Regions are in float4s of buf. rewrite_n = 0: no step 3; read_n = 0: no step 4. sink is written
// only if the XOR of what was read is a value it never is.
__global__ void clean_order_kernel(float4* buf, size_t first_off, size_t first_n, size_t second_off, size_t second_n,
                                   uint64_t gap_ns, uint64_t wait_ns, size_t rewrite_off, size_t rewrite_n,
                                   const float4* in, size_t read_n, unsigned* sink) {
    store_region(buf, first_off, first_n, 1.f);
    spin_for(gap_ns);
    store_region(buf, second_off, second_n, 1.f);
    spin_for(wait_ns);
    if (rewrite_n) store_region(buf, rewrite_off, rewrite_n, 5.f);
    if (read_n) {
        __syncthreads();
        unsigned acc = 0;
        const size_t stride = size_t(gridDim.x) * blockDim.x;
        for (size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x; i < read_n; i += stride)
            acc = fold_bits(acc, __ldcg(in + i));
        if (acc == 0x9E3779B9u) sink[0] = acc;
    }
}

int main() {
    const cudaDeviceProp p = print_device();
    const size_t mib = size_t(1) << 20, vec_per_mib = mib / sizeof(float4);
    const size_t buf_bytes = 32 * mib, other_bytes = 256 * mib;
    float4 *buf = nullptr, *other = nullptr;
    unsigned* sink = nullptr;
    CHECK(cudaMalloc(&buf, buf_bytes));
    CHECK(cudaMalloc(&other, other_bytes));
    CHECK(cudaMemset(other, 0, other_bytes));
    CHECK(cudaMalloc(&sink, sizeof(unsigned)));
    const int ctas = 4 * p.multiProcessorCount, threads = 256;
    int id = 0;
    // The low region is [0, low_mb), the high one [low_mb, low_mb + high_mb) MiB of buf.
    // low_first: the low region is written first (the older). rewrite: "low", "high" or "none".
    // read: "other" (Y MiB of the other buffer), "low" (the low region again) or "none".
    auto run = [&](double low_mb, double high_mb, bool low_first, double wait_ms, const char* rewrite, const char* read,
                   double read_mb) {
        const size_t low_n = size_t(low_mb * double(vec_per_mib)), high_n = size_t(high_mb * double(vec_per_mib));
        const size_t first_off = low_first ? 0 : low_n, first_n = low_first ? low_n : high_n;
        const size_t second_off = low_first ? low_n : 0, second_n = low_first ? high_n : low_n;
        const bool rw_low = rewrite[0] == 'l', rw_high = rewrite[0] == 'h';
        const size_t rewrite_off = rw_high ? low_n : 0, rewrite_n = rw_low ? low_n : rw_high ? high_n : 0;
        const float4* in = read[0] == 'l' ? buf : other;
        const size_t read_n = read[0] == 'o' ? size_t(read_mb * double(vec_per_mib)) : read[0] == 'l' ? low_n : 0;
        std::printf("case %2d: low %5.1f MiB  high %5.1f MiB  first %-4s  wait %6.1f ms  rewrite %-4s (%s)  read %-5s %6.1f MiB\n",
                    id++, low_mb, high_mb, low_first ? "low" : "high", wait_ms, rewrite,
                    rewrite_n == 0 ? "-" : (rw_low == low_first ? "older" : "newer"), read,
                    double(read_n) / double(vec_per_mib));
        clean_order_kernel<<<ctas, threads>>>(buf, first_off, first_n, second_off, second_n, uint64_t(1e6),
                                              uint64_t(wait_ms * 1e6), rewrite_off, rewrite_n, in, read_n, sink);
        CHECK(cudaGetLastError());
        CHECK(cudaDeviceSynchronize());
    };
    for (int rep = 0; rep < 2; ++rep) {
        run(8, 8, true, 0, "low", "other", 128);     // no cleaning: P + Q
        run(8, 8, true, 200, "none", "other", 128);  // cleaned lines not rewritten: P + Q
        run(8, 8, true, 200, "none", "none", 0);     // C alone
        run(8, 8, true, 200, "low", "other", 128);   // + C of the older (low)
        run(8, 8, true, 200, "high", "other", 128);  // + C of the newer (high)
        run(8, 8, false, 200, "low", "other", 128);  // + C of the newer (low)
        run(8, 8, false, 200, "high", "other", 128); // + C of the older (high)
        run(4, 12, true, 200, "low", "other", 128);  // a quarter of the dirty bytes, the older
        run(4, 12, true, 200, "high", "other", 128);
        run(12, 4, false, 400, "high", "other", 128);  // a quarter, the older, at the high addresses
        run(12, 4, false, 400, "low", "other", 128);
        run(8, 8, true, 200, "none", "low", 0);      // cleaned lines read again: HBM reads?
    }
    // Nothing written: what reaches HBM while the SMs only wait (whether the bytes written back
    // during a wait are the L2's dirty lines at all).
    for (double wait : {20.0, 200.0, 400.0}) run(0, 0, true, wait, "none", "none", 0);
    for (double wait : {20.0, 200.0, 400.0}) run(0, 0, true, wait, "none", "none", 0);
    CHECK(cudaFree(sink));
    CHECK(cudaFree(other));
    CHECK(cudaFree(buf));
    return 0;
}
