// cta_placement.cu: where the GPU starts the CTAs of a partial last wave. A grid of k CTAs per SM
// (set by dynamic shared memory) times the SMs, plus `extra` CTAs more, each CTA spinning for the
// same number of SM cycles (optionally stretched by a per-CTA jitter of up to +-j), records its SM
// (%smid) and its start and end (%globaltimer). The CTAs that start after the first CTA has ended
// are the late ones. Printed per configuration: how many SMs the late CTAs land on and the most on
// one SM, and how many of them start on the SM of the CTA whose end came just before their start
// in order (the i-th late CTA on the SM of the i-th CTA to end: "the slot that freed first takes
// the next CTA"), against what an even spread would give (ceil(extra / SMs) at most per SM).
#include "micro_common.cuh"

struct Rec {
    unsigned sm;
    unsigned long long t0, t1;
};

__global__ void spin(unsigned long long cycles, const float* jitter, Rec* out) {
    extern __shared__ unsigned char smem[];
    unsigned sm;
    asm volatile("mov.u32 %0, %%smid;" : "=r"(sm));
    const unsigned long long t0 = globaltimer_ns();
    const unsigned long long c0 = clock64();
    const unsigned long long want = (unsigned long long)(double(cycles) * (1.0 + jitter[blockIdx.x]));
    if (threadIdx.x == 0) smem[0] = 1;  // the shared memory is the CTA's, used or not
    while ((unsigned long long)(clock64() - c0) < want) {
    }
    __syncthreads();
    if (threadIdx.x == 0) out[blockIdx.x] = Rec{sm, t0, globaltimer_ns()};
}

int main() {
    const cudaDeviceProp p = print_device();
    const int sms = p.multiProcessorCount, threads = 128;
    const unsigned long long cycles = 200000;  // about 100 us at 2 GHz
    const size_t smem_max = p.sharedMemPerMultiprocessor;
    CHECK(cudaFuncSetAttribute(spin, cudaFuncAttributeMaxDynamicSharedMemorySize, int(p.sharedMemPerBlockOptin)));
    std::printf("CTAs spin %llu cycles each, %d threads; late CTAs: those starting after the first CTA ended\n", cycles, threads);
    std::printf("%8s %8s %7s %7s %9s %9s %11s %13s %13s %10s\n", "CTAs/SM", "extra", "jitter", "late", "SMs used", "max/SM",
                "even max", "freed-first", "wave1 end us", "kernel us");
    for (int k : {1, 2, 4, 7, 8}) {
        // Dynamic shared memory that lets k CTAs fit on an SM (and not k + 1).
        size_t smem = std::min<size_t>(p.sharedMemPerBlockOptin, smem_max / size_t(k) - 1024);
        int fit = 0;
        CHECK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&fit, spin, threads, smem));
        if (fit != k) {
            std::printf("%8d: %d CTAs fit with %zu B of shared memory, not %d; skipped\n", k, fit, smem, k);
            continue;
        }
        for (double share : {0.2, 0.5}) {
            for (double j : {0.0, 0.01}) {
                const int slots = k * sms, extra = int(share * slots), n = slots + extra;
                std::vector<float> jit(size_t(n), 0.f);
                std::mt19937 rng(7);
                std::uniform_real_distribution<float> u(-float(j), float(j));
                for (auto& x : jit) x = u(rng);
                float* djit;
                Rec* drec;
                CHECK(cudaMalloc(&djit, sizeof(float) * size_t(n)));
                CHECK(cudaMalloc(&drec, sizeof(Rec) * size_t(n)));
                CHECK(cudaMemcpy(djit, jit.data(), sizeof(float) * size_t(n), cudaMemcpyHostToDevice));
                spin<<<n, threads, smem>>>(cycles, djit, drec);  // warm-up
                CHECK(cudaDeviceSynchronize());
                spin<<<n, threads, smem>>>(cycles, djit, drec);
                CHECK(cudaGetLastError());
                CHECK(cudaDeviceSynchronize());
                std::vector<Rec> r(static_cast<size_t>(n));
                CHECK(cudaMemcpy(r.data(), drec, sizeof(Rec) * size_t(n), cudaMemcpyDeviceToHost));
                CHECK(cudaFree(djit));
                CHECK(cudaFree(drec));
                unsigned long long first_end = ~0ull, t_start = ~0ull, t_end = 0;
                for (const Rec& x : r) {
                    first_end = std::min(first_end, x.t1);
                    t_start = std::min(t_start, x.t0);
                    t_end = std::max(t_end, x.t1);
                }
                std::vector<const Rec*> late, early;
                for (const Rec& x : r) (x.t0 > first_end ? late : early).push_back(&x);
                std::sort(late.begin(), late.end(), [](const Rec* a, const Rec* b) { return a->t0 < b->t0; });
                std::sort(early.begin(), early.end(), [](const Rec* a, const Rec* b) { return a->t1 < b->t1; });
                std::vector<int> per_sm(size_t(sms), 0);
                for (const Rec* x : late) per_sm[x->sm]++;
                int used = 0, most = 0;
                for (int c : per_sm) {
                    used += c > 0;
                    most = std::max(most, c);
                }
                int freed_first = 0;
                for (size_t i = 0; i < late.size() && i < early.size(); ++i) freed_first += late[i]->sm == early[i]->sm;
                unsigned long long wave1_end = 0;
                for (size_t i = 0; i < early.size(); ++i) wave1_end = std::max(wave1_end, early[i]->t1);
                const int even = late.empty() ? 0 : int((late.size() + size_t(sms) - 1) / size_t(sms));
                std::printf("%8d %8d %6.1f%% %7zu %9d %9d %11d %6d of %4zu %13.1f %10.1f\n", k, extra, 100 * j, late.size(), used, most,
                            even, freed_first, late.size(), double(wave1_end - t_start) / 1e3, double(t_end - t_start) / 1e3);
            }
        }
    }
    return 0;
}
