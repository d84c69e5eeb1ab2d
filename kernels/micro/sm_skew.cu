// sm_skew.cu: how far out of step CTAs on different SMs drift while they sweep the same tiles.
//
// Groups of G consecutive CTAs (as FlashAttention's query blocks of one head: blockIdx.x / G is
// the group) each read the same T tiles of TILE bytes in order, each tile into shared memory
// with loads that bypass L1 (ld.global.cg), then wait SPIN cycles (an iteration's compute), then
// the next tile. One wave: 2 CTAs per SM, all resident. Thread 0 of each CTA reads %globaltimer
// (the GPU's nanosecond timer, one clock for all SMs) before it issues each tile's loads. Per
// tile index j the output gives, over the groups, the median and 90th percentile of the spread of
// those stamps within a group (latest minus earliest CTA), in ns, and the median time an
// iteration took. Also printed: %globaltimer's step (the smallest nonzero difference between two
// reads in a tight loop), which bounds what a spread can resolve, and the SM clock. The L2 is
// flushed before each case (a 256 MiB write), so the first tiles miss as in a kernel's start.
//
// Then the same sweep with one CTA per SM (sweep_by_sm: the shared memory leaves room for one)
// whose SMs share tiles by %smid (SM s reads the tiles of group s / w, w = 1, 2, 4, 8, 16, 66;
// then pairs: SM s with SM s XOR D, D = 1, 2, ..., 128, printed as width -D):
// run under Nsight Compute (run_micro.sh), the read sectors the L2 tags see per sector asked for
// say which SMs' reads the coalescer merges.
//
// Last, several waves (2048 CTAs, two per SM, groups of G = 8 and 32 sweeping G tiles, as v5's
// forward at N = 1024 and 4096), with ld.global.cg, cp.async.cg, and cp.async.cg double-buffered
// as v5 loads its tiles, waiting 2500 and then 6500 cycles a tile (v5's own pace), then 6500 with
// two tiles a step from two regions (v5's Kj and Vj, cp.async only; the double-buffered ones also
// print every CTA's %smid and first and last stamps, "cta" lines): how far apart
// the readers of a tile are in the first wave and in the later ones, and (under ncu) the share of
// their reads the tags see.
//
// The question it answers: the L2 request coalescer merges reads of a sector that arrive close
// in time (kernels/micro/l2_merge: 0-250 cycles merge, 4000 never); FlashAttention's CTAs of one
// head read K_j, V_j "together", and the simulator's CTAs do so in exact step; how close in time
// are the GPU's, tile after tile, and whose reads does the coalescer merge?
#include "micro_common.cuh"

namespace {

constexpr int kThreads = 128;
constexpr int kTileBytes = 16384;  // a 128 x 64 fp16 tile (K_j or V_j of v5 at d = 64)

// mode 0: ld.global.cg into shared memory; 1: cp.async.cg (16 B), waited for at once; 2: cp.async.cg
// double-buffered as v5 loads K_j, V_j: tile j + 1 issued before tile j is waited for.
__device__ __forceinline__ void copy_async(int4* dst, const int4* src) {
    const unsigned d = unsigned(__cvta_generic_to_shared(dst));
    asm volatile("cp.async.cg.shared.global [%0], [%1], 16;" ::"r"(d), "l"(src) : "memory");
}

// pair: each step also reads tile j of a second region (as v5 reads Kj and Vj), into the dynamic
// shared memory (launch with 2 tiles of it or more).
__global__ void __launch_bounds__(kThreads) sweep(const int4* data, int tiles, int group, long long spin,
                                                  unsigned long long* stamps, int* smids, float* sink, int mode = 0,
                                                  int pair = 0) {
    __shared__ int4 buf[2][kTileBytes / 16];
    extern __shared__ int4 buf2[];  // [2][kTileBytes / 16] when pair
    const int g = blockIdx.x / group;
    const int4* base = data + size_t(g) * size_t(tiles) * (kTileBytes / 16);
    const int4* base2 = base + size_t(gridDim.x / group) * size_t(tiles) * (kTileBytes / 16);
    unsigned acc = 0;
    if (threadIdx.x == 0) {
        unsigned s;
        asm volatile("mov.u32 %0, %%smid;" : "=r"(s));
        smids[blockIdx.x] = int(s);
    }
    auto load = [&](const int4* src, int4* tile) {
#pragma unroll
        for (int k = 0; k < kTileBytes / 16 / kThreads; ++k) {
            const int i = threadIdx.x + k * kThreads;
            if (mode == 0) tile[i] = __ldcg(src + i);
            else copy_async(tile + i, src + i);
        }
    };
    auto issue = [&](int j) {
        load(base + size_t(j) * (kTileBytes / 16), buf[j & 1]);
        if (pair) load(base2 + size_t(j) * (kTileBytes / 16), buf2 + (j & 1) * (kTileBytes / 16));
        if (mode != 0) asm volatile("cp.async.commit_group;" ::: "memory");
    };
    if (mode == 2) issue(0);
    for (int j = 0; j < tiles; ++j) {
        if (threadIdx.x == 0) stamps[size_t(blockIdx.x) * tiles + j] = globaltimer_ns();
        if (mode == 2) {
            if (j + 1 < tiles) {
                issue(j + 1);
                asm volatile("cp.async.wait_group 1;" ::: "memory");
            } else {
                asm volatile("cp.async.wait_group 0;" ::: "memory");
            }
        } else {
            issue(j);
            if (mode == 1) asm volatile("cp.async.wait_group 0;" ::: "memory");
        }
        __syncthreads();
        acc = fold_bits(acc, buf[j & 1][(threadIdx.x * 7 + j) % (kTileBytes / 16)]);
        if (pair) acc = fold_bits(acc, buf2[(j & 1) * (kTileBytes / 16) + (threadIdx.x * 5 + j) % (kTileBytes / 16)]);
        const long long t0 = clock64();
        while (clock64() - t0 < spin) {
        }
        __syncthreads();
    }
    if (acc == 0x12345678u) sink[blockIdx.x] = float(acc);  // keeps the loads
}

// One CTA per SM (the dynamic shared memory leaves room for one): the CTA on SM s reads the
// tiles of group s / width, so the SMs that share tiles are set by %smid, not by block index.
// width < 0: pairs instead, SM s sharing with SM s XOR -width (when that SM exists; else alone).
__global__ void __launch_bounds__(kThreads) sweep_by_sm(const int4* data, int tiles, int width, long long spin, float* sink) {
    extern __shared__ int4 tile[];
    unsigned s;
    asm volatile("mov.u32 %0, %%smid;" : "=r"(s));
    unsigned group = width > 0 ? s / unsigned(width) : s;
    if (width < 0 && (s ^ unsigned(-width)) < gridDim.x) group = min(s, s ^ unsigned(-width));
    const int4* base = data + size_t(group) * size_t(tiles) * (kTileBytes / 16);
    unsigned acc = 0;
    for (int j = 0; j < tiles; ++j) {
        const int4* src = base + size_t(j) * (kTileBytes / 16);
#pragma unroll
        for (int k = 0; k < kTileBytes / 16 / kThreads; ++k) tile[threadIdx.x + k * kThreads] = __ldcg(src + threadIdx.x + k * kThreads);
        __syncthreads();
        acc = fold_bits(acc, tile[(threadIdx.x * 7 + j) % (kTileBytes / 16)]);
        const long long t0 = clock64();
        while (clock64() - t0 < spin) {
        }
        __syncthreads();
    }
    if (acc == 0x12345678u) sink[blockIdx.x] = float(acc);
}

__global__ void timer_step(unsigned long long* out) {
    unsigned long long last = globaltimer_ns(), least = ~0ull;
    for (int i = 0; i < 100000; ++i) {
        const unsigned long long t = globaltimer_ns();
        if (t != last && t - last < least) least = t - last;
        last = t;
    }
    *out = least;
}

__global__ void flush(int4* p, size_t n) {
    for (size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x; i < n; i += size_t(gridDim.x) * blockDim.x)
        p[i] = make_int4(int(i), 0, 0, 0);
}

double percentile(std::vector<double> v, double q) {
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, size_t(q * double(v.size())))];
}

}  // namespace

int main() {
    const cudaDeviceProp p = print_device();
    int clock_khz = 0;
    CHECK(cudaDeviceGetAttribute(&clock_khz, cudaDevAttrClockRate, 0));
    unsigned long long* step;
    CHECK(cudaMalloc(&step, sizeof(unsigned long long)));
    timer_step<<<1, 1>>>(step);
    unsigned long long step_ns = 0;
    CHECK(cudaMemcpy(&step_ns, step, sizeof(step_ns), cudaMemcpyDeviceToHost));
    std::printf("globaltimer step %llu ns; max SM clock %.0f MHz\n", step_ns, clock_khz / 1e3);

    const int ctas = 2 * p.multiProcessorCount, tiles = 128;
    const size_t data_bytes = size_t(ctas) * tiles * kTileBytes;  // enough for groups of 1
    const size_t flush_bytes = size_t(256) << 20;
    int4 *data, *junk;
    unsigned long long* stamps;
    int* smids;
    float* sink;
    CHECK(cudaMalloc(&data, data_bytes));
    CHECK(cudaMemset(data, 1, data_bytes));
    CHECK(cudaMalloc(&junk, flush_bytes));
    CHECK(cudaMalloc(&stamps, size_t(ctas) * tiles * sizeof(unsigned long long)));
    CHECK(cudaMalloc(&smids, ctas * sizeof(int)));
    CHECK(cudaMalloc(&sink, ctas * sizeof(float)));
    std::printf("ctas %d (2 per SM, one wave), tiles %d of %d bytes, %d threads\n", ctas, tiles, kTileBytes, kThreads);
    std::printf("case group spin_cycles j spread_median_ns spread_p90_ns iteration_median_ns groups\n");
    int c = 0;
    for (int group : {4, 8, 32}) {
        for (long long spin : {0LL, 2000LL, 8000LL}) {
            flush<<<4 * p.multiProcessorCount, 256>>>(junk, flush_bytes / 16);
            sweep<<<ctas, kThreads>>>(data, tiles, group, spin, stamps, smids, sink);
            CHECK(cudaGetLastError());
            CHECK(cudaDeviceSynchronize());
            std::vector<unsigned long long> h(size_t(ctas) * tiles);
            CHECK(cudaMemcpy(h.data(), stamps, h.size() * sizeof(h[0]), cudaMemcpyDeviceToHost));
            const int groups = ctas / group;
            for (int j : {0, 1, 2, 4, 8, 16, 32, 64, 96, 127}) {
                std::vector<double> spread, iter;
                for (int g = 0; g < groups; ++g) {
                    unsigned long long lo = ~0ull, hi = 0;
                    for (int b = g * group; b < (g + 1) * group; ++b) {
                        const unsigned long long t = h[size_t(b) * tiles + j];
                        lo = std::min(lo, t);
                        hi = std::max(hi, t);
                        if (j + 1 < tiles) iter.push_back(double(h[size_t(b) * tiles + j + 1] - t));
                    }
                    spread.push_back(double(hi - lo));
                }
                std::printf("%d %d %lld %d %.0f %.0f %.0f %d\n", c, group, spin, j, percentile(spread, 0.5), percentile(spread, 0.9),
                            iter.empty() ? 0.0 : percentile(iter, 0.5), groups);
            }
            ++c;
        }
    }
    // The same sweep with the sharing set by %smid, one CTA per SM: under Nsight Compute
    // (run_micro.sh), the read sectors the L2 tags see per sector asked for, by width.
    const int one_per_sm = int(p.sharedMemPerMultiprocessor) - 4096;
    CHECK(cudaFuncSetAttribute(sweep_by_sm, cudaFuncAttributeMaxDynamicSharedMemorySize, one_per_sm));
    std::printf("by smid: %d CTAs, %d bytes of shared memory each (one per SM), spin 2000 cycles; launches in order of width:", p.multiProcessorCount, one_per_sm);
    for (int width : {1, 2, 4, 8, 16, 66, -1, -2, -4, -8, -16, -32, -64, -128}) {
        flush<<<4 * p.multiProcessorCount, 256>>>(junk, flush_bytes / 16);
        sweep_by_sm<<<p.multiProcessorCount, kThreads, one_per_sm>>>(data, tiles, width, 2000, sink);
        CHECK(cudaGetLastError());
        CHECK(cudaDeviceSynchronize());
        std::printf(" %d", width);
    }
    std::printf("\n");
    std::vector<int> sm(static_cast<size_t>(ctas));
    CHECK(cudaMemcpy(sm.data(), smids, sm.size() * sizeof(int), cudaMemcpyDeviceToHost));
    std::printf("smid of the first 32 CTAs (last case):");
    for (int b = 0; b < 32; ++b) std::printf(" %d", sm[size_t(b)]);
    std::printf("\n");

    // Several waves, as FlashAttention's forward launches them: 2048 CTAs (7.76 waves of 2 per SM,
    // held to 2 by shared memory), groups of G consecutive CTAs sweeping the same T tiles (v5 at
    // N = 1024 and 4096 with 128-row tiles: G = T = 8 and 32), 2500 cycles a tile, then 6500 (v5's
    // time per tile at those shapes: 0.236 ms / 7.76 waves / 8 tiles and 0.883 / 7.76 / 32 at about
    // 1.76 GHz, kernels/measurements/nvidia-h200-2026-12-01-n1024-4096.json). Per group and
    // tile: the spread of its readers' stamps, and how many read within 256 ns of the earliest
    // (in step, for the coalescer) and on how many TPCs (smid / 2) those sit. Groups all of whose
    // CTAs are in the first wave (block index < 2 x SMs) apart from the later ones.
    const int wave_ctas = 2048;
    unsigned long long* wstamps;
    int* wsmids;
    CHECK(cudaMalloc(&wstamps, size_t(wave_ctas) * 32 * sizeof(unsigned long long)));
    CHECK(cudaMalloc(&wsmids, wave_ctas * sizeof(int)));
    const int two_per_sm = int(p.sharedMemPerMultiprocessor) / 2 - 2 * kTileBytes - 4096;
    CHECK(cudaFuncSetAttribute(sweep, cudaFuncAttributeMaxDynamicSharedMemorySize, two_per_sm));
    std::printf("waves: %d CTAs, %d bytes of dynamic shared memory each (two per SM), spin 2500 cycles a tile (the lines "
                "without a spin field), then 6500 (the lines ending in spin=6500), then 6500 with two tiles a step from two "
                "regions, as v5 reads Kj and Vj (spin=6500 pair; cp.async modes only)\n", wave_ctas, two_per_sm);
    std::printf("waves mode G T part groups spread_first_tile_median_ns spread_mid_tile_median_ns spread_last_tile_median_ns "
                "in_step_share_mid in_step_tpcs_mid (mode 0: ld.global.cg; 1: cp.async.cg; 2: cp.async.cg double-buffered; "
                "launches in this order)\n");
    for (int spin : {2500, 6500, -6500})  // -6500: 6500 cycles, two tiles a step (pair)
    for (int mode : {0, 1, 2})
    for (int g_t : {8, 32}) {
        if (spin < 0 && mode == 0) continue;
        const int group = g_t, tl = g_t, pair = spin < 0;
        flush<<<4 * p.multiProcessorCount, 256>>>(junk, flush_bytes / 16);
        sweep<<<wave_ctas, kThreads, two_per_sm>>>(data, tl, group, pair ? -spin : spin, wstamps, wsmids, sink, mode, pair);
        CHECK(cudaGetLastError());
        CHECK(cudaDeviceSynchronize());
        std::vector<unsigned long long> h(size_t(wave_ctas) * tl);
        std::vector<int> ws(static_cast<size_t>(wave_ctas));
        CHECK(cudaMemcpy(h.data(), wstamps, h.size() * sizeof(h[0]), cudaMemcpyDeviceToHost));
        CHECK(cudaMemcpy(ws.data(), wsmids, ws.size() * sizeof(int), cudaMemcpyDeviceToHost));
        if (pair && mode == 2) {  // every CTA's SM and stamps: where and when the GPU starts each CTA
            unsigned long long t_min = ~0ull;
            for (unsigned long long x : h) t_min = std::min(t_min, x);
            std::printf("cta G block smid first_tile_ns last_tile_ns (spin=6500 pair, mode 2; ns from the kernel's first stamp)\n");
            for (int b = 0; b < wave_ctas; ++b)
                std::printf("cta %d %d %d %llu %llu\n", group, b, ws[size_t(b)], h[size_t(b) * tl] - t_min,
                            h[size_t(b) * tl + tl - 1] - t_min);
        }
        for (int later = 0; later < 2; ++later) {
            std::vector<double> s0, sm_, sl, share, tpcs;
            int n = 0;
            for (int g = 0; g < wave_ctas / group; ++g) {
                const bool first = (g + 1) * group <= ctas;
                if (first == bool(later)) continue;
                ++n;
                auto spread = [&](int j) {
                    unsigned long long lo = ~0ull, hi = 0;
                    for (int b = g * group; b < (g + 1) * group; ++b) {
                        lo = std::min(lo, h[size_t(b) * tl + j]);
                        hi = std::max(hi, h[size_t(b) * tl + j]);
                    }
                    return std::make_pair(lo, hi);
                };
                s0.push_back(double(spread(0).second - spread(0).first));
                sl.push_back(double(spread(tl - 1).second - spread(tl - 1).first));
                const int jm = tl / 2;
                const auto [lo, hi] = spread(jm);
                sm_.push_back(double(hi - lo));
                int in_step = 0;
                std::vector<int> t;
                for (int b = g * group; b < (g + 1) * group; ++b)
                    if (h[size_t(b) * tl + jm] - lo <= 256) {
                        ++in_step;
                        t.push_back(ws[size_t(b)] / 2);
                    }
                std::sort(t.begin(), t.end());
                share.push_back(double(in_step) / group);
                tpcs.push_back(double(std::unique(t.begin(), t.end()) - t.begin()));
            }
            if (!n) continue;
            double mean_share = 0, mean_tpcs = 0;
            for (double x : share) mean_share += x / n;
            for (double x : tpcs) mean_tpcs += x / n;
            std::printf("waves %d %d %d %s %d %.0f %.0f %.0f %.3f %.2f%s\n", mode, group, tl, later ? "later" : "first", n,
                        percentile(s0, 0.5), percentile(sm_, 0.5), percentile(sl, 0.5), mean_share, mean_tpcs,
                        spin == 2500 ? "" : spin > 0 ? " spin=6500" : " spin=6500 pair");
        }
    }
    return 0;
}
