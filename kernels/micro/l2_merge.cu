// l2_merge.cu: do reads of the same bytes by several CTAs all reach the L2's lts__t counters?
//
// FlashAttention's CTAs of one head all read the same Kj, Vj. The L2 sees fewer read sectors than
// the kernels' loads ask for (docs/fidelity.md, sections 4 and 6). Two mechanisms can remove them:
//   - the SM's L1: an ld.global (.ca, the default) of a line another CTA of the same SM loaded is
//     an L1 hit and never reaches the L2;
//   - merging of identical requests in flight (from CTAs on different SMs) before the L2's tags.
// This program reads a region of `region_bytes` with k CTAs ("readers") that share it:
//   same_sm:  every CTA reads the region of the SM it runs on (%smid): the k CTAs resident on one SM
//             share a region (grid = SMs x k, small CTAs, k resident per SM);
//   cross_sm: one CTA per SM (a large dynamic SRAM request), readers of region g are the SMs
//             g, g + G, g + 2G, ... (G = SMs / k): k different SMs, far apart in %smid.
// The reader of rank r (its arrival order at its region, an atomic counter) first spins r x
// delay_cycles (clock64), so delay 0 reads in lockstep and larger delays spread the readers in time.
// Load kinds: ca (ld.global.ca.v4, through L1), cg (ld.global.cg.v4, L2 only), cp_async
// (cp.async.cg 16 B to SRAM, no L1), bulk (cp.async.bulk global -> SRAM on an mbarrier, the copy
// engine TMA uses). Each configuration is launched twice: once after an L2 flush (cold), once
// right after (warm: the region is in the L2). The program prints one line per launch of
// read_region (the launches Nsight Compute profiles, in order) with the bytes the loads ask for;
// kernels/micro/run_micro.sh runs it under ncu for lts__t_sectors_op_read and the L1's counters.
// First it prints where the block scheduler puts the CTAs of a 4096-CTA grid (2 or 1 per SM):
// which block indices share an SM at the same time.
//
// Build: built by kernels/CMakeLists.txt (micro_l2_merge), or
//        nvcc -O3 -arch=sm_90 -o l2_merge kernels/micro/l2_merge.cu
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>
#include <cuda_runtime.h>
#include "micro_common.cuh"

enum Kind { kCa = 0, kCg = 1, kCpAsync = 2, kBulk = 3 };
static const char* kKindName[] = {"ca", "cg", "cp_async", "bulk"};
constexpr int kThreads = 256;
constexpr int kRegionBytes = 32 * 1024;  // a Kj + Vj tile pair of v4 (d = 64: 2 x 64 x 64 x 4 B in SRAM, 16 KiB read)

__device__ __forceinline__ unsigned smid() {
    unsigned s;
    asm volatile("mov.u32 %0, %%smid;" : "=r"(s));
    return s;
}

// One CTA reads its group's region once, 16 B per thread per step, after rank x delay_cycles.
__global__ void __launch_bounds__(kThreads) read_region(const uint4* __restrict__ src, int kind, int cross_sm, int G,
                                                        long long delay_cycles, unsigned* rank_counter, unsigned* sink) {
    extern __shared__ __align__(128) unsigned char sram[];
    __shared__ unsigned rank;
    __shared__ __align__(8) uint64_t bar;
    const unsigned s = smid();
    const int g = cross_sm ? int(s % unsigned(G)) : int(s);
    if (cross_sm && int(s) >= G * (gridDim.x / G)) return;  // SMs past k x G read nothing
    if (threadIdx.x == 0) rank = atomicAdd(rank_counter + g, 1u);
    __syncthreads();
    const long long t0 = clock64();
    while (clock64() - t0 < rank * delay_cycles) {
    }
    const uint4* region = src + size_t(g) * (kRegionBytes / 16);
    const int n = kRegionBytes / 16;
    unsigned acc = 0;
    if (kind == kCa || kind == kCg) {
        for (int i = threadIdx.x; i < n; i += kThreads) {
            uint4 v;
            if (kind == kCa)
                asm volatile("ld.global.ca.v4.u32 {%0,%1,%2,%3}, [%4];" : "=r"(v.x), "=r"(v.y), "=r"(v.z), "=r"(v.w)
                             : "l"(region + i));
            else
                asm volatile("ld.global.cg.v4.u32 {%0,%1,%2,%3}, [%4];" : "=r"(v.x), "=r"(v.y), "=r"(v.z), "=r"(v.w)
                             : "l"(region + i));
            acc = fold_bits(acc, v);
        }
    } else if (kind == kCpAsync) {
        for (int i = threadIdx.x; i < n; i += kThreads) {
            const unsigned dst = unsigned(__cvta_generic_to_shared(sram + 16 * i));
            asm volatile("cp.async.cg.shared.global [%0], [%1], 16;" ::"r"(dst), "l"(region + i) : "memory");
        }
        asm volatile("cp.async.commit_group;\ncp.async.wait_group 0;" ::: "memory");
        __syncthreads();
        acc = reinterpret_cast<const unsigned*>(sram)[threadIdx.x];
    } else {  // bulk: one thread asks the copy engine for the whole region, all wait on the mbarrier
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
        const unsigned b = unsigned(__cvta_generic_to_shared(&bar));
        if (threadIdx.x == 0) {
            asm volatile("mbarrier.init.shared::cta.b64 [%0], 1;" ::"r"(b) : "memory");
            asm volatile("fence.mbarrier_init.release.cluster;\nfence.proxy.async.shared::cta;" ::: "memory");
        }
        __syncthreads();
        if (threadIdx.x == 0) {
            asm volatile("mbarrier.arrive.expect_tx.shared::cta.b64 _, [%0], %1;" ::"r"(b), "r"(kRegionBytes) : "memory");
            const unsigned dst = unsigned(__cvta_generic_to_shared(sram));
            asm volatile("cp.async.bulk.shared::cluster.global.mbarrier::complete_tx::bytes [%0], [%1], %2, [%3];"
                         ::"r"(dst), "l"(region), "r"(kRegionBytes), "r"(b) : "memory");
        }
        unsigned done = 0;
        while (!done)
            asm volatile("{\n.reg .pred p;\nmbarrier.try_wait.parity.shared::cta.b64 p, [%1], 0;\nselp.u32 %0, 1, 0, p;\n}"
                         : "=r"(done) : "r"(b) : "memory");
        acc = reinterpret_cast<const unsigned*>(sram)[threadIdx.x];
#else
        __trap();  // cp.async.bulk needs sm_90 (main() runs it only there)
#endif
    }
    if (acc == 0x9e3779b9u) sink[0] = acc;  // keeps the loads; the data never holds this value
}

// placement: which SM each CTA of a large grid runs on and when, for CTAs that each spin
// `spin_cycles` (the block scheduler's order: which block indices share an SM at the same time).
__global__ void placement(long long spin_cycles, unsigned* sm_of, unsigned long long* t_start, unsigned long long* t_end) {
    extern __shared__ unsigned char unused[];
    if (threadIdx.x != 0) return;
    t_start[blockIdx.x] = globaltimer_ns();
    const long long c0 = clock64();
    while (clock64() - c0 < spin_cycles) {
    }
    sm_of[blockIdx.x] = smid();
    t_end[blockIdx.x] = globaltimer_ns();
    if (unused[0] == 0x5a && spin_cycles < 0) sm_of[0] = 0;  // keeps the SRAM request
}

// For a grid of `ctas` CTAs of `smem` bytes each: how far apart in block index are the CTAs that
// run on one SM at the same time (a CTA and every other CTA of its SM whose run overlaps its start).
void print_placement(int ctas, int smem, long long spin) {
    unsigned* sm;
    unsigned long long *t0, *t1;
    CHECK(cudaMalloc(&sm, ctas * sizeof(unsigned)));
    CHECK(cudaMalloc(&t0, ctas * sizeof(unsigned long long)));
    CHECK(cudaMalloc(&t1, ctas * sizeof(unsigned long long)));
    CHECK(cudaFuncSetAttribute(placement, cudaFuncAttributeMaxDynamicSharedMemorySize, smem));
    placement<<<ctas, 32, smem>>>(spin, sm, t0, t1);
    CHECK(cudaGetLastError());
    CHECK(cudaDeviceSynchronize());
    std::vector<unsigned> s(ctas);
    std::vector<unsigned long long> a(ctas), b(ctas);
    CHECK(cudaMemcpy(s.data(), sm, ctas * sizeof(unsigned), cudaMemcpyDeviceToHost));
    CHECK(cudaMemcpy(a.data(), t0, ctas * sizeof(unsigned long long), cudaMemcpyDeviceToHost));
    CHECK(cudaMemcpy(b.data(), t1, ctas * sizeof(unsigned long long), cudaMemcpyDeviceToHost));
    long long d1 = 0, d_other = 0, pairs = 0;
    std::vector<long long> hist(8, 0);  // |i - j|: 1, 2-7, 8-63, 64-131, 132, 133-263, 264, more
    for (int i = 0; i < ctas; ++i)
        for (int j = std::max(0, i - 600); j < std::min(ctas, i + 600); ++j) {
            if (j == i || s[j] != s[i] || !(a[j] <= a[i] && a[i] < b[j])) continue;
            const int d = std::abs(i - j);
            ++pairs;
            (d == 1 ? d1 : d_other)++;
            hist[d == 1 ? 0 : d < 8 ? 1 : d < 64 ? 2 : d < 132 ? 3 : d == 132 ? 4 : d < 264 ? 5 : d == 264 ? 6 : 7]++;
        }
    std::printf("placement ctas %d smem %d spin %lld: co-resident pairs %lld, block distance 1: %lld, 2-7: %lld, 8-63: %lld, "
                "64-131: %lld, 132: %lld, 133-263: %lld, 264: %lld, more: %lld\n",
                ctas, smem, spin, pairs, hist[0], hist[1], hist[2], hist[3], hist[4], hist[5], hist[6], hist[7]);
    std::printf("placement first 300 blocks' SMs:");
    for (int i = 0; i < std::min(ctas, 300); ++i) std::printf(" %u", s[i]);
    std::printf("\n");
    CHECK(cudaFree(sm));
    CHECK(cudaFree(t0));
    CHECK(cudaFree(t1));
}

// Writes a buffer of twice the L2 (the flush before a cold launch; ncu profiles read_region alone).
__global__ void flush_l2(uint4* buf, size_t n) {
    for (size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x; i < n; i += size_t(gridDim.x) * blockDim.x)
        buf[i] = make_uint4(unsigned(i), 1, 2, 3);
}

int main() {
    const cudaDeviceProp p = print_device();
    const int sms = p.multiProcessorCount;
    const size_t flush_n = 2 * size_t(p.l2CacheSize) / 16;
    uint4 *src, *flush;
    unsigned *counter, *sink;
    CHECK(cudaMalloc(&src, size_t(sms) * kRegionBytes));
    CHECK(cudaMalloc(&flush, flush_n * 16));
    CHECK(cudaMalloc(&counter, sms * sizeof(unsigned)));
    CHECK(cudaMalloc(&sink, sizeof(unsigned)));
    std::vector<uint32_t> host(size_t(sms) * kRegionBytes / 4);
    for (size_t i = 0; i < host.size(); ++i) host[i] = uint32_t(i * 2654435761u + 1);
    CHECK(cudaMemcpy(src, host.data(), host.size() * 4, cudaMemcpyHostToDevice));
    // cross_sm: one CTA per SM (more than half the SM's SRAM); same_sm: the region as SRAM for cp.async/bulk
    // The block scheduler's placement: 2 CTAs per SM (80 KiB each, as v4 at d = 64 and v5) and 1 (120 KiB)
    for (int smem : {80 * 1024, 120 * 1024}) print_placement(4096, smem, 20000);
    const int big_smem = int(p.sharedMemPerMultiprocessor / 2 + 4096);
    CHECK(cudaFuncSetAttribute(read_region, cudaFuncAttributeMaxDynamicSharedMemorySize, big_smem));
    std::printf("launch mode kind k delay_cycles state ctas requested_bytes\n");
    int launch = 0;
    auto run = [&](int cross_sm, int kind, int k, long long delay) {
        const int G = cross_sm ? sms / k : sms;
        const int ctas = cross_sm ? sms : sms * k;
        const int smem = cross_sm ? big_smem : (kind >= kCpAsync ? kRegionBytes : 0);
        const int readers = cross_sm ? G * k : ctas;
        for (int warm = 0; warm < 2; ++warm) {
            if (!warm) flush_l2<<<4 * sms, 256>>>(flush, flush_n);
            CHECK(cudaMemset(counter, 0, sms * sizeof(unsigned)));
            read_region<<<ctas, kThreads, smem>>>(src, kind, cross_sm, G, delay, counter, sink);
            CHECK(cudaGetLastError());
            CHECK(cudaDeviceSynchronize());
            std::printf("%d %s %s %d %lld %s %d %lld\n", launch++, cross_sm ? "cross_sm" : "same_sm", kKindName[kind], k,
                        delay, warm ? "warm" : "cold", ctas, (long long)readers * kRegionBytes);
        }
    };
    const long long delays[] = {0, 250, 1000, 4000, 16000};
    for (int kind : {kCa, kCg, kCpAsync, kBulk})
        for (int k : {1, 2, 4, 8})
            for (long long delay : delays)
                if ((k > 1 || delay == 0) && (kind != kBulk || p.major >= 9)) run(1, kind, k, delay);
    for (int kind : {kCa, kCg, kCpAsync})
        for (int k : {1, 2, 4})
            for (long long delay : delays)
                if (k > 1 || delay == 0) run(0, kind, k, delay);
    CHECK(cudaFree(src));
    CHECK(cudaFree(flush));
    CHECK(cudaFree(counter));
    CHECK(cudaFree(sink));
    return 0;
}
