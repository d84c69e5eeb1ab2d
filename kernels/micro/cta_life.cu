// cta_life.cu: how long identical CTAs live, side by side and wave after wave, and where the block
// scheduler starts the later waves' CTAs. A grid of 8 waves of k CTAs per SM (k = 1, 2, 3, set by
// dynamic shared memory), every CTA doing the same work, records its SM (%smid) and its start and
// end (%globaltimer, thread 0, before the work and after the CTA's last __syncthreads). Three
// kinds of work, 128 threads a CTA:
//   compute: each thread a dependent chain of FMAs (about 60 us);
//   latency: each thread a pointer chase through 4 MiB (L2-resident after the warm-up launch) of
//            128-byte lines, one dependent load after the other (ld.global.cg);
//   tiles:   groups of G = 16 consecutive CTAs (as a head's query blocks) each read the same 32
//            tiles of 16 KiB into shared memory (ld.global.cg, 16 bytes a thread a load), one tile
//            after the other with 2000 cycles of waiting after each (an iteration's compute);
//            the groups' regions add up to 1.5 times the L2 (the first readers of a tile miss).
// Printed per work and k: the CTAs' life (end - start) in the first wave and in the later ones
// (mean, standard deviation in % of the mean, 5th and 95th percentiles); the first wave's ends
// (the spread over all CTAs; for k >= 2 the difference between the CTAs of one SM: whether an
// SM's CTAs progress together or one after the other); and, for the later waves, where their CTAs
// land: the block-index distance between CTAs resident on one SM at once (k >= 2), how many
// consecutive CTAs land on one SM and on one TPC (%smid / 2), and how many of the later CTAs, in
// order of start, land on the SM whose slot freed in the same position of the order of ends
// ("freed first"). For the tiles work and k = 2 every CTA's record follows ("cta" lines).
//
// The question it answers: the simulator's event loop serves an SM's CTAs one after the other at
// each pipe and gives a CTA's freed slot to the next CTA in order; its CTAs of one wave end within
// a few hundred cycles of each other, an SM's second CTA some thousands later, so its later waves
// keep an SM's CTAs a wave apart (docs/fidelity.md, section 4). kernels/micro/sm_skew measured the
// GPU's for one kind of work and k = 2; this one measures how that depends on the work and on k.
#include <cmath>

#include "micro_common.cuh"

struct Rec {
    unsigned sm;
    unsigned long long t0, t1;
};

enum Work { kCompute = 0, kLatency = 1, kTiles = 2 };
constexpr int kThreads = 128, kGroup = 16, kTilesPerCta = 32, kTileBytes = 16384;
constexpr int kFmaIters = 30000, kChaseSteps = 400, kTileSpin = 2000;

__global__ void work(int kind, const uint64_t* chase, uint64_t chase_words, const uint4* tiles, int regions,
                     unsigned* sink, Rec* out) {
    extern __shared__ uint4 smem[];
    unsigned sm;
    asm volatile("mov.u32 %0, %%smid;" : "=r"(sm));
    __syncthreads();
    const unsigned long long t0 = globaltimer_ns();
    unsigned acc = 0;
    if (kind == kCompute) {
        float x = float(threadIdx.x) * 1e-3f, a = 0.999f, b = 1e-4f;
        for (int i = 0; i < kFmaIters; ++i) x = fmaf(x, a, b);
        acc = __float_as_uint(x);
    } else if (kind == kLatency) {
        // Each thread starts at its own line of the cycle (the cycle visits every line).
        uint64_t w = (uint64_t(blockIdx.x) * kThreads + threadIdx.x) * 16 % chase_words;
        w -= w % 16;
        for (int i = 0; i < kChaseSteps; ++i) {
            uint64_t next;
            asm volatile("ld.global.cg.u64 %0, [%1];" : "=l"(next) : "l"(chase + w));
            w = next;
        }
        acc = unsigned(w);
    } else {
        const int group = int(blockIdx.x) / kGroup;
        const uint4* region = tiles + size_t(group % regions) * (size_t(kTilesPerCta) * kTileBytes / 16);
        for (int t = 0; t < kTilesPerCta; ++t) {
            const uint4* tile = region + size_t(t) * (kTileBytes / 16);
            for (int i = threadIdx.x; i < kTileBytes / 16; i += kThreads) {
                uint4 v;
                asm volatile("ld.global.cg.v4.u32 {%0, %1, %2, %3}, [%4];"
                             : "=r"(v.x), "=r"(v.y), "=r"(v.z), "=r"(v.w)
                             : "l"(tile + i));
                smem[i] = v;
            }
            __syncthreads();
            acc = fold_bits(acc, smem[(threadIdx.x * 7 + t) % (kTileBytes / 16)]);
            const unsigned long long c0 = clock64();
            while ((unsigned long long)(clock64() - c0) < (unsigned long long)kTileSpin) {
            }
            __syncthreads();
        }
    }
    if (acc == 0x9e3779b9u) sink[0] = acc;  // keeps the work; never true in practice
    __syncthreads();
    if (threadIdx.x == 0) out[blockIdx.x] = Rec{sm, t0, globaltimer_ns()};
}

namespace {

double pct(std::vector<double> v, double q) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[size_t(q * double(v.size() - 1) + 0.5)];
}

}  // namespace

int main() {
    const cudaDeviceProp p = print_device();
    const int sms = p.multiProcessorCount, waves = 8;
    CHECK(cudaFuncSetAttribute(work, cudaFuncAttributeMaxDynamicSharedMemorySize, int(p.sharedMemPerBlockOptin)));
    // The pointer chase (4 MiB) and the tiles (1.5 L2s of regions of 32 tiles).
    const size_t chase_bytes = size_t(4) << 20;
    uint64_t* chase;
    CHECK(cudaMalloc(&chase, chase_bytes));
    write_chase(chase, chase_bytes);
    const size_t region_bytes = size_t(kTilesPerCta) * kTileBytes;
    const int regions = int((size_t(p.l2CacheSize) * 3 / 2 + region_bytes - 1) / region_bytes);
    uint4* tiles;
    CHECK(cudaMalloc(&tiles, region_bytes * size_t(regions)));
    CHECK(cudaMemset(tiles, 1, region_bytes * size_t(regions)));
    unsigned* sink;
    CHECK(cudaMalloc(&sink, sizeof(unsigned)));
    std::printf("%d waves of k CTAs per SM, %d threads each; tiles: groups of %d CTAs, %d tiles of %d bytes, %d cycles a "
                "tile, %d regions; chase %zu bytes, %d steps; fma %d iterations\n",
                waves, kThreads, kGroup, kTilesPerCta, kTileBytes, kTileSpin, regions, chase_bytes, kChaseSteps, kFmaIters);
    std::printf("work k | life first: mean_us sd%% p5_us p95_us | life later: mean_us sd%% p5_us p95_us | first-wave ends: "
                "spread_us, one SM's CTAs apart median_ns p90_ns | later: co-resident distance median p90, consecutive "
                "same SM, same TPC, of; freed first, of\n");
    const char* names[] = {"compute", "latency", "tiles"};
    for (int kind : {kCompute, kLatency, kTiles})
        for (int k : {1, 2, 3}) {
            // Dynamic shared memory that lets k CTAs fit on an SM (and not k + 1), at least a tile.
            const size_t smem = std::max<size_t>(kTileBytes, std::min<size_t>(p.sharedMemPerBlockOptin,
                                                                                p.sharedMemPerMultiprocessor / size_t(k) - 1024));
            int fit = 0;
            CHECK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&fit, work, kThreads, smem));
            if (fit != k) {
                std::printf("%s %d: %d CTAs fit with %zu B of shared memory, not %d; skipped\n", names[kind], k, fit, smem, k);
                continue;
            }
            const int slots = k * sms, n = waves * slots;
            Rec* drec;
            CHECK(cudaMalloc(&drec, sizeof(Rec) * size_t(n)));
            for (int rep = 0; rep < 2; ++rep) {  // the first launch warms the L2 and the clocks
                work<<<n, kThreads, smem>>>(kind, chase, chase_bytes / 8, tiles, regions, sink, drec);
                CHECK(cudaGetLastError());
                CHECK(cudaDeviceSynchronize());
            }
            std::vector<Rec> r(static_cast<size_t>(n));
            CHECK(cudaMemcpy(r.data(), drec, sizeof(Rec) * size_t(n), cudaMemcpyDeviceToHost));
            CHECK(cudaFree(drec));
            unsigned long long t_start = ~0ull;
            for (const Rec& x : r) t_start = std::min(t_start, x.t0);
            // The first wave: the CTAs that started before any CTA ended.
            unsigned long long first_end = ~0ull;
            for (const Rec& x : r) first_end = std::min(first_end, x.t1);
            std::vector<double> life_first, life_later, ends_first;
            std::vector<std::vector<std::pair<unsigned long long, int>>> ends_by_sm(static_cast<size_t>(sms));
            for (int i = 0; i < n; ++i) {
                const Rec& x = r[size_t(i)];
                const bool first = x.t0 < first_end;
                (first ? life_first : life_later).push_back(double(x.t1 - x.t0) / 1e3);
                if (first) {
                    ends_first.push_back(double(x.t1 - t_start));
                    ends_by_sm[x.sm].push_back({x.t1, i});
                }
            }
            std::vector<double> apart;
            for (auto& v : ends_by_sm)
                if (v.size() >= 2) {
                    std::sort(v.begin(), v.end());
                    apart.push_back(double(v.back().first - v.front().first));
                }
            auto mean = [](const std::vector<double>& v) {
                double s = 0;
                for (double x : v) s += x;
                return v.empty() ? 0.0 : s / double(v.size());
            };
            auto sd_pct = [&](const std::vector<double>& v) {
                const double m = mean(v);
                double s = 0;
                for (double x : v) s += (x - m) * (x - m);
                return v.size() > 1 && m > 0 ? 100 * std::sqrt(s / double(v.size())) / m : 0.0;
            };
            // The later CTAs: co-resident distance (other CTAs of the same SM alive at its start).
            std::vector<double> dist;
            int same_sm = 0, same_tpc = 0, pairs = 0;
            for (int i = 0; i < n; ++i) {
                const Rec& x = r[size_t(i)];
                if (x.t0 < first_end) continue;
                for (int j = 0; j < n; ++j)
                    if (j != i && r[size_t(j)].sm == x.sm && r[size_t(j)].t0 <= x.t0 && r[size_t(j)].t1 > x.t0)
                        dist.push_back(double(std::abs(i - j)));
                if (i + 1 < n && r[size_t(i) + 1].t0 >= first_end) {
                    ++pairs;
                    same_sm += r[size_t(i) + 1].sm == x.sm;
                    same_tpc += r[size_t(i) + 1].sm / 2 == x.sm / 2;
                }
            }
            // Freed first: the i-th later CTA by start on the SM of the i-th CTA by end.
            std::vector<const Rec*> by_end, later;
            for (const Rec& x : r) {
                by_end.push_back(&x);
                if (x.t0 >= first_end) later.push_back(&x);
            }
            std::sort(by_end.begin(), by_end.end(), [](const Rec* a, const Rec* b) { return a->t1 < b->t1; });
            std::sort(later.begin(), later.end(), [](const Rec* a, const Rec* b) { return a->t0 < b->t0; });
            int freed_first = 0;
            for (size_t i = 0; i < later.size(); ++i) freed_first += later[i]->sm == by_end[i]->sm;
            std::printf("%s %d | %.2f %.2f %.2f %.2f | %.2f %.2f %.2f %.2f | %.2f %.0f %.0f | %.0f %.0f %d %d %d %d %zu\n", names[kind],
                        k, mean(life_first), sd_pct(life_first), pct(life_first, 0.05), pct(life_first, 0.95), mean(life_later),
                        sd_pct(life_later), pct(life_later, 0.05), pct(life_later, 0.95),
                        (pct(ends_first, 1.0) - pct(ends_first, 0.0)) / 1e3, pct(apart, 0.5), pct(apart, 0.9), pct(dist, 0.5),
                        pct(dist, 0.9), same_sm, same_tpc, pairs, freed_first, later.size());
            if (kind == kTiles && k == 2)
                for (int i = 0; i < n; ++i)
                    std::printf("cta %d %u %llu %llu\n", i, r[size_t(i)].sm, r[size_t(i)].t0 - t_start, r[size_t(i)].t1 - t_start);
        }
    std::printf("(cta lines: block smid start_ns end_ns, ns from the kernel's first start)\n");
    CHECK(cudaFree(chase));
    CHECK(cudaFree(tiles));
    CHECK(cudaFree(sink));
    return 0;
}
