// bench_fast.cpp: `flashsim bench-fast`, the randomised check of the fast engine against the
// exact one (docs/speed.md). Draws configurations (every algorithm and pass, causal or not, N
// not a multiple of the blocks, every preset with an L2), sized so that most are large enough
// for L2 set sampling, runs each with the default (fast) engine and with --exact, and prints the
// errors and the CPU time of both. Exit status 1 when a case is outside the bounds the fast path
// is default under: HBM and L2 bytes within 0.5%, time within 1%. Runs outside ctest: its exact
// runs take seconds each. `--fused` draws the fused algorithms' shapes that move over 256 MiB
// (where the fast engine takes L2 granules as long as the trace's tiles, docs/speed.md).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <iterator>
#include <random>

#include "sim/algorithms/algorithm.h"
#include "sim/cli/commands.h"
#include "sim/cli/options.h"
#include "sim/core/errors.h"
#include "sim/core/parallel.h"
#include "sim/engine/memory_system.h"
#include "sim/engine/simulate.h"

namespace flashsim::cli {

namespace {

constexpr double kMaxBytesRelErr = 0.005, kMaxTimeRelErr = 0.01;

double thread_cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

struct Case {
    AttentionProblem p;
    Schedule s;
    std::string preset;
    // Results.
    std::string refused;
    int64_t sampling = 1, granule_bytes = 0, exact_granule_bytes = 0;
    double skipped = 0;  // the share of CTAs the steady-state skip did not simulate
    int64_t skipped_iterations = 0;  // CTA iterations the iteration skip did not simulate
    double err_hbm_read = 0, err_hbm_write = 0, err_l2 = 0, err_time = 0, exact_s = 0, fast_s = 0;
    // For a case whose time is out of bounds: how far the exact engine itself moves, at most,
    // when HBM's latency moves by one of kNudges of itself (a kernel of a partial last wave can
    // move by several per cent: which SMs its last CTAs land on turns on cycles, docs/speed.md),
    // and by one of kShifts (what a preset's latency, measured to a per cent or so, leaves
    // open); < 0 when not run.
    double exact_spread = -1, exact_shift_spread = -1;
};

// The relative changes of the preset's HBM latency for Case::exact_spread (700 cycles: 699.93 to
// 700.07; either way, as one direction can leave the CTAs' order as it was).
constexpr double kNudges[] = {-1e-4, -1e-5, 1e-5, 1e-4};
// Half a per cent and one per cent either way: vanilla's causal backward at B = 1, N = 5009,
// d = 128 on the rtx4090 moves by 0.001% under kNudges, and its dV GEMM (3.29 waves, three CTAs
// an SM) by 7.1% with the latency 0.995 times as long, where the sampled run lands.
constexpr double kShifts[] = {-1e-2, -5e-3, 5e-3, 1e-2};

// The presets with an L2, which the fast path applies to.
const char* const kPresetsWithL2[] = {"a100-40gb", "a100-80gb", "h100", "h200", "rtx4090"};

double rel(double a, double b) { return b == 0 ? (a == 0 ? 0 : 1) : std::fabs(a - b) / b; }

// A uniform draw in [0, n).
int64_t pick(std::mt19937_64& rng, int64_t n) { return int64_t(rng() % uint64_t(n)); }

// What every draw picks first, in this order (a seed draws the same cases): an algorithm of the
// table, a preset with an L2, a pass (any, or with `modelled_passes` only those the table models),
// causal or not, d = 64 or 128; fp16.
Case draw_common(std::mt19937_64& rng, const AlgorithmInfo*& a, bool modelled_passes) {
    const std::vector<const AlgorithmInfo*>& algos = all_algorithms();
    Case c;
    a = algos[size_t(pick(rng, int64_t(algos.size())))];
    c.s.algo = parse_algorithm(a->name);
    c.preset = kPresetsWithL2[pick(rng, int64_t(std::size(kPresetsWithL2)))];
    c.p.pass = !modelled_passes || a->unfused || a->backward.modelled() ? Pass(pick(rng, 3)) : Pass::fwd;
    c.p.causal = pick(rng, 2) == 1;
    c.p.d = pick(rng, 2) ? 128 : 64;
    c.p.dtype = Dtype::fp16;
    return c;
}

// A random configuration whose footprint is about `factor` x 2^19 L2 granules, so that the
// automatic sampling takes about 1 set in `factor` (the unfused algorithms' S and P at line
// granules; the fused ones' Q, K, V, O at 1 KiB granules). The unfused algorithms' rows have 513
// to 8191 keys: their element-wise kernels are latency-bound, and short rows were where sampling
// once timed them outside the bound (docs/speed.md).
Case draw(std::mt19937_64& rng) {
    const AlgorithmInfo* algo = nullptr;
    Case c = draw_common(rng, algo, false);
    const AlgorithmInfo& a = *algo;
    const double factor = double(int64_t(1) << (1 + pick(rng, 5)));  // 2 .. 32
    const double es = 2;
    if (a.unfused) {
        c.p.N = 512 + pick(rng, 7680) | 1;  // odd: a partial last tile
        const double per_head = 2 * double(c.p.N) * double(c.p.N) * es;
        c.p.H = 16;
        c.p.B = std::max<int64_t>(1, int64_t(std::ceil(factor * double(1 << 19) * 128 / per_head / 16)));
    } else {
        c.p.N = 4096 + pick(rng, 12288) | 1;
        const double per_head = 4 * double(c.p.N) * double(c.p.d) * es;
        c.p.H = 16;
        c.p.B = std::max<int64_t>(1, int64_t(std::ceil(factor * double(1 << 19) * 1024 / per_head / 16)));
    }
    c.p.B = std::min<int64_t>(c.p.B, 64);  // B*H <= 1024
    return c;
}

// Many waves of CTAs, what the steady-state skip applies to (docs/speed.md): every algorithm and
// pass of the table, causal or not, odd N (partial tiles), every preset with an L2, B = 8 to 64 at
// H = 16 (unfused: N = 513 .. 2047 and B <= 16, so their exact runs take under a minute; fused:
// N = 513 .. 4095).
Case draw_waves(std::mt19937_64& rng) {
    const AlgorithmInfo* algo = nullptr;
    Case c = draw_common(rng, algo, true);
    const AlgorithmInfo& a = *algo;
    c.p.H = 16;
    c.p.N = (a.unfused ? 512 + pick(rng, 1536) : 512 + pick(rng, 3584)) | 1;
    c.p.B = a.unfused ? 8 + pick(rng, 9) : 8 + pick(rng, 57);
    return c;
}

// A fused algorithm of the table, a preset with an L2 and a pass the algorithm models, into `c`.
void draw_fused_algorithm(std::mt19937_64& rng, Case& c) {
    std::vector<const AlgorithmInfo*> fused;
    for (const AlgorithmInfo* a : all_algorithms())
        if (!a->unfused) fused.push_back(a);
    const AlgorithmInfo& a = *fused[size_t(pick(rng, int64_t(fused.size())))];
    c.s.algo = parse_algorithm(a.name);
    c.preset = kPresetsWithL2[pick(rng, int64_t(std::size(kPresetsWithL2)))];
    c.p.pass = a.backward.modelled() ? Pass(pick(rng, 3)) : Pass::fwd;  // every pass the table models
}

// A fused algorithm (every one of the table, every pass it models, causal or not, odd N so the last tile is
// partial, every preset with an L2) at N = 1025 .. 16383, with the batch chosen so the run moves
// 1.5 to 12 times the 256 MiB above which the L2 model takes granules longer than a line: its K
// and V are read about N / 128 times per head, 4 N d bytes each time.
Case draw_fused(std::mt19937_64& rng) {
    Case c;
    draw_fused_algorithm(rng, c);
    c.p.causal = pick(rng, 2) == 1;
    c.p.d = pick(rng, 2) ? 128 : 64;
    c.p.dtype = Dtype::fp16;
    c.p.N = 1024 + pick(rng, 15360) | 1;
    c.p.H = 16;
    const double factor = 1.5 * double(int64_t(1) << pick(rng, 4));  // 1.5 .. 12
    const double per_batch = double(c.p.H) * 4 * double(c.p.N) * double(c.p.d) * double(c.p.N) / 128;
    c.p.B = std::clamp<int64_t>(int64_t(std::ceil(factor * double(uint64_t(256) << 20) / per_batch)), 1, 64);
    return c;
}

// Few CTAs of many iterations, what the iteration skip applies to (docs/speed.md): every algorithm
// and pass of the table, causal or not, odd N (partial tiles), every preset with an L2, one to 16
// heads at N = 2049 .. 16383, GEMMs on tensor cores or as scalar FMAs (FA1's one CTA per head,
// vanilla's P V GEMM: as versions 1 and 3 of the kernels).
Case draw_long(std::mt19937_64& rng) {
    const AlgorithmInfo* algo = nullptr;
    Case c = draw_common(rng, algo, true);
    c.p.N = 2048 + pick(rng, 14336) | 1;
    c.p.H = 1 + pick(rng, 16);
    c.p.B = 1;
    if (pick(rng, 2)) c.s.matmul_unit = MatmulUnit::fma;
    return c;
}

// Waves of fused CTAs long enough for the iteration skip to cut them (docs/speed.md, "The
// iteration skip warms the L2 in the last wave too"): every fused algorithm and pass of the table without a
// causal mask (a mask keeps the skip off), every preset with an L2, 2 to 16 heads, B = 1 or 2,
// N = 4097 .. 40959 (odd: partial tiles), d = 64 or 128.
Case draw_long_fused(std::mt19937_64& rng) {
    Case c;
    draw_fused_algorithm(rng, c);
    c.p.d = pick(rng, 2) ? 128 : 64;
    c.p.dtype = Dtype::fp16;
    c.p.N = 4096 + pick(rng, 36864) | 1;
    c.p.H = 2 + pick(rng, 15);
    c.p.B = 1 + pick(rng, 2);
    return c;
}

void run_case(Case& c, int64_t granule_cap, bool paper) {
    try {
        const GpuSpec g = load_gpu(c.preset);
        SimOptions fast, exact;
        fast.l2_granule_cap_bytes = granule_cap;
        exact.exact = true;
        fast.paper_mode = exact.paper_mode = paper;
        double t0 = thread_cpu_seconds();
        const RunResult f = simulate(c.p, c.s, g, fast);
        c.fast_s = thread_cpu_seconds() - t0;
        t0 = thread_cpu_seconds();
        const RunResult e = simulate(c.p, c.s, g, exact);
        c.exact_s = thread_cpu_seconds() - t0;
        c.sampling = f.timing.l2_set_sampling;
        c.granule_bytes = f.timing.l2_granule_bytes;
        c.exact_granule_bytes = e.timing.l2_granule_bytes;
        double ctas = 0;
        for (const KernelTiming& k : f.timing.kernels) ctas += double(k.ctas);
        c.skipped = ctas > 0 ? double(f.timing.skipped_ctas) / ctas : 0;
        c.skipped_iterations = f.timing.skipped_iterations;
        const Traffic &ft = f.counts.total, &et = e.counts.total;
        c.err_hbm_read = rel(double(ft.hbm_read_bytes), double(et.hbm_read_bytes));
        c.err_hbm_write = rel(double(ft.hbm_write_bytes), double(et.hbm_write_bytes));
        // L2 traffic: the requests (the trace's, never sampled) and the reads that cross between the
        // partitions (sampled like the misses).
        c.err_l2 = rel(double(ft.global_read_bytes + ft.global_write_bytes + ft.l2_hop_bytes),
                       double(et.global_read_bytes + et.global_write_bytes + et.l2_hop_bytes));
        c.err_time = rel(f.timing.seconds, e.timing.seconds);
        if (c.err_time > kMaxTimeRelErr) {
            const auto spread = [&](const auto& changes) {
                double most = 0;
                for (const double change : changes) {
                    GpuSpec moved = g;
                    moved.hbm_latency_cycles *= 1 + change;
                    most = std::max(most, rel(simulate(c.p, c.s, moved, exact).timing.seconds, e.timing.seconds));
                }
                return most;
            };
            c.exact_spread = spread(kNudges);
            c.exact_shift_spread = spread(kShifts);
        }
    } catch (const ConfigError& e) {
        c.refused = e.what();
    }
}

}  // namespace

int cmd_bench_fast(int argc, const char* const* argv) {
    int64_t cases = 12;
    uint64_t seed = 1;
    unsigned jobs = 0;
    bool fused = false, waves = false, long_ctas = false, long_fused = false, paper = false;
    int64_t granule_cap = 0;
    po::options_description desc("bench-fast options");
    desc.add_options()("cases", po::value(&cases)->default_value(cases), "random configurations")(
        "seed", po::value(&seed)->default_value(seed), "random seed (the same seed draws the same cases)")(
        "jobs,j", po::value(&jobs)->default_value(jobs), "cases run at once; 0 = every core")(
        "fused", po::bool_switch(&fused), "draw the fused algorithms' shapes over 256 MiB of traffic (long L2 granules)")(
        "waves", po::bool_switch(&waves), "draw every algorithm at B = 8-64, N <= 4095: many waves (the steady-state skip)")(
        "long", po::bool_switch(&long_ctas), "draw every algorithm at B = 1, H = 1-16, N = 2049-16383: long CTAs (the iteration skip)")(
        "long-fused", po::bool_switch(&long_fused),
        "draw the fused algorithms without a causal mask at B = 1-2, H = 2-16, N = 4097-40959: long waves (the iteration skip)")(
        "granule-cap", po::value(&granule_cap)->default_value(granule_cap),
        "the fast engine's longest L2 granule in bytes (SimOptions::l2_granule_cap_bytes); 0 = its default")(
        "paper", po::bool_switch(&paper), "both engines in paper mode (no L2 model: the skips' time alone; bytes are the counting layer's)");
    po::variables_map vm;
    if (!parse(argc, argv, desc, vm,
               "usage: flashsim bench-fast [--cases N] [--seed S] [--jobs N] [--fused | --waves | --long | --long-fused] [--granule-cap BYTES] [--paper]\n\n"
               "Runs random configurations with the fast engine (the default) and with --exact, and prints\n"
               "the errors and CPU seconds of both. Exit 1 when HBM or L2 bytes differ by more than 0.5%\n"
               "or time by more than 1%. A case out of the time bound runs --exact four times more with\n"
               "HBM's latency 0.9999-1.0001 times as long, and four with it 0.99-1.01 times, and prints how far\n"
               "each moves the exact engine.\n"
               "Each exact run takes seconds: this is not a test for ctest."))
        return 0;
    if (cases < 1 || cases > 1000) throw ConfigError("cases=" + std::to_string(cases) + " is out of range; allowed: 1 to 1000");
    std::mt19937_64 rng(seed);
    std::vector<Case> cs;
    if (int(fused) + int(waves) + int(long_ctas) + int(long_fused) > 1)
        throw ConfigError("--fused, --waves, --long and --long-fused draw different shapes; allowed: one of them");
    for (int64_t i = 0; i < cases; ++i)
        cs.push_back(fused        ? draw_fused(rng)
                     : waves      ? draw_waves(rng)
                     : long_ctas  ? draw_long(rng)
                     : long_fused ? draw_long_fused(rng)
                                  : draw(rng));
    parallel_for(cs.size(), jobs, [&](size_t i) { run_case(cs[i], granule_cap, paper); });

    std::printf("bench-fast: %lld random %sconfigurations (seed %llu), fast engine vs --exact%s; errors are |fast - exact| / exact\n",
                (long long)cases, fused ? "fused " : waves ? "many-wave " : long_ctas ? "long-CTA " : long_fused ? "long-wave fused " : "", (unsigned long long)seed,
                paper ? ", both in paper mode" : "");
    std::printf("%-58s %-9s %4s %11s %7s %9s %8s %8s %8s %8s %9s %8s %7s\n", "configuration", "preset", "1/S", "granule B", "skipped", "iters",
                "HBM rd", "HBM wr", "L2", "time", "exact s", "fast s", "speedup");
    double worst_bytes = 0, worst_time = 0, exact_total = 0, fast_total = 0;
    int sampled = 0, longer = 0, skipped = 0, skipped_iterations = 0;
    for (const Case& c : cs) {
        // The GEMMs' unit where not the default: CUDA-core tiles (kernels/v1, v3) load element by element.
        std::string what = c.p.describe() + ", " + to_string(c.s.algo) + (c.s.matmul_unit == MatmulUnit::fma ? ", fma" : "");
        if (!c.refused.empty()) {
            std::printf("%-58s %-9s refused: %s\n", what.c_str(), c.preset.c_str(), c.refused.substr(0, 60).c_str());
            continue;
        }
        const std::string granule = std::to_string(c.granule_bytes) + "/" + std::to_string(c.exact_granule_bytes);
        std::printf("%-58s %-9s %4lld %11s %6.1f%% %9lld %7.3f%% %7.3f%% %7.3f%% %7.3f%% %9.2f %8.2f %6.1fx\n", what.c_str(), c.preset.c_str(),
                    (long long)c.sampling, granule.c_str(), 100 * c.skipped, (long long)c.skipped_iterations, 100 * c.err_hbm_read, 100 * c.err_hbm_write, 100 * c.err_l2, 100 * c.err_time,
                    c.exact_s, c.fast_s, c.exact_s / std::max(c.fast_s, 1e-9));
        worst_bytes = std::max({worst_bytes, c.err_hbm_read, c.err_hbm_write, c.err_l2});
        worst_time = std::max(worst_time, c.err_time);
        if (c.exact_spread >= 0)
            std::printf("%-58s %-9s   time out of bounds; the exact engine itself moves up to %.3f%% with HBM's latency %g-%g times as long, "
                        "up to %.3f%% with it %g-%g times\n",
                        "", "", 100 * c.exact_spread, 1 + kNudges[0], 1 + kNudges[std::size(kNudges) - 1], 100 * c.exact_shift_spread,
                        1 + kShifts[0], 1 + kShifts[std::size(kShifts) - 1]);
        exact_total += c.exact_s, fast_total += c.fast_s;
        sampled += c.sampling > 1;
        longer += c.granule_bytes > c.exact_granule_bytes;
        skipped += c.skipped > 0;
        skipped_iterations += c.skipped_iterations > 0;
    }
    const bool ok = worst_bytes <= kMaxBytesRelErr && worst_time <= kMaxTimeRelErr;
    std::printf("%d of %lld cases sampled, %d skipped CTAs, %d skipped iterations, %d with longer granules than --exact; worst bytes error %.3f%% (bound 0.5%%), worst time error %.3f%% (bound 1%%): %s\n",
                sampled, (long long)cases, skipped, skipped_iterations, longer, 100 * worst_bytes, 100 * worst_time, ok ? "within bounds" : "OUT OF BOUNDS");
    std::printf("CPU seconds: exact %.1f, fast %.1f (%.1fx)\n", exact_total, fast_total, exact_total / std::max(fast_total, 1e-9));
    return ok ? 0 : 1;
}

}  // namespace flashsim::cli
