// launch_cost.cu: what a kernel launch and a CTA cost when the kernel does nothing.
//   back-to-back: 20000 launches of an empty kernel (1 CTA of 32 threads) queued on one stream,
//                 timed with CUDA events: time per launch as the GPU sees a stream of them;
//   launch+sync:  one launch followed by cudaStreamSynchronize, 2000 times, host clock: what a
//                 program that waits for each kernel pays;
//   per CTA:      one launch of an empty kernel with 1 ... 4096 CTAs per SM (128 and 384
//                 threads), CUDA events, median of 20: the slope over the CTAs is the fixed cost
//                 of a CTA (launch, scheduling, retirement) per SM.
// Build: built by kernels/CMakeLists.txt (micro_launch_cost), or
//        nvcc -O3 -arch=sm_90 -o launch_cost kernels/micro/launch_cost.cu
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>
#include <cuda_runtime.h>
#include "micro_common.cuh"


__global__ void empty_kernel(int* sink) {
    if (sink && threadIdx.x == 1023) *sink = 1;  // never (fewer threads): the kernel does nothing
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
}

int main() {
    cudaDeviceProp p;
    CHECK(cudaGetDeviceProperties(&p, 0));
    const int sms = p.multiProcessorCount;
    std::printf("%s, %d SMs, cc %d.%d\n", p.name, sms, p.major, p.minor);
    cudaStream_t s;
    CHECK(cudaStreamCreate(&s));
    cudaEvent_t e0, e1;
    CHECK(cudaEventCreate(&e0));
    CHECK(cudaEventCreate(&e1));
    for (int i = 0; i < 100; ++i) empty_kernel<<<1, 32, 0, s>>>(nullptr);  // warm-up
    CHECK(cudaStreamSynchronize(s));

    std::vector<double> per_launch;
    for (int rep = 0; rep < 5; ++rep) {
        const int n = 20000;
        CHECK(cudaEventRecord(e0, s));
        for (int i = 0; i < n; ++i) empty_kernel<<<1, 32, 0, s>>>(nullptr);
        CHECK(cudaEventRecord(e1, s));
        CHECK(cudaEventSynchronize(e1));
        CHECK(cudaGetLastError());
        float ms = 0;
        CHECK(cudaEventElapsedTime(&ms, e0, e1));
        per_launch.push_back(ms * 1e3 / n);
    }
    std::printf("back-to-back empty kernels (1 CTA x 32 thr), 20000 per rep, 5 reps: median %.3f us per launch "
                "(min %.3f, max %.3f)\n", median(per_launch), *std::min_element(per_launch.begin(), per_launch.end()),
                *std::max_element(per_launch.begin(), per_launch.end()));

    std::vector<double> sync_us;
    for (int i = 0; i < 2000; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        empty_kernel<<<1, 32, 0, s>>>(nullptr);
        CHECK(cudaStreamSynchronize(s));
        sync_us.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count());
    }
    std::printf("launch + cudaStreamSynchronize, 2000 times (host clock): median %.3f us (min %.3f)\n", median(sync_us),
                *std::min_element(sync_us.begin(), sync_us.end()));

    for (int threads : {128, 384}) {
        double first_us = 0, first_ctas = 0;
        for (int per_sm : {1, 4, 16, 64, 256, 1024, 4096}) {
            const int ctas = per_sm * sms;
            std::vector<double> us;
            for (int rep = 0; rep < 21; ++rep) {
                CHECK(cudaEventRecord(e0, s));
                empty_kernel<<<ctas, threads, 0, s>>>(nullptr);
                CHECK(cudaEventRecord(e1, s));
                CHECK(cudaEventSynchronize(e1));
                CHECK(cudaGetLastError());
                float ms = 0;
                CHECK(cudaEventElapsedTime(&ms, e0, e1));
                if (rep) us.push_back(ms * 1e3);
            }
            const double m = median(us);
            if (per_sm == 1) first_us = m, first_ctas = per_sm;
            const double slope_ns = per_sm > 1 ? (m - first_us) * 1e3 / (per_sm - first_ctas) : 0;
            std::printf("empty kernel %6d CTAs (%4d per SM) x %3d thr: median %9.3f us; per extra CTA per SM %7.1f ns\n",
                        ctas, per_sm, threads, m, slope_ns);
        }
    }
    CHECK(cudaEventDestroy(e0));
    CHECK(cudaEventDestroy(e1));
    CHECK(cudaStreamDestroy(s));
    return 0;
}
