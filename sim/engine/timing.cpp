// timing.cpp: runs the kernels of a Trace one after another through kernel_sim, with the L2 model
// outside paper mode; returns the time and what the L2 model counted (simulate() merges it).
#include "sim/engine/timing.h"

#include <algorithm>
#include <chrono>

#include <spdlog/spdlog.h>

#include "sim/algorithms/algorithm.h"
#include "sim/core/errors.h"
#include "sim/engine/kernel_sim.h"

namespace flashsim {

namespace {

// Runs moving up to this many global bytes use line granules (the exact L2); larger ones track
// 8 lines together, which keeps N = 16k runs under a second (docs/timing.md says what it costs).
constexpr uint64_t kExactL2MaxGlobalBytes = uint64_t(256) << 20;
// The longest automatic granule: 8 lines (1 KiB).
constexpr int64_t kMaxGranuleLines = 8;

// The shortest contiguous run moved by the ops that carry the traffic (tiles of 4 KiB or more;
// row statistics such as li, mi, LSE are too small to matter). The first CTA of each kernel
// stands for the rest: every CTA moves tiles of the same shape.
uint64_t shortest_run_bytes(const Trace& t) {
    uint64_t shortest = ~uint64_t(0);
    std::vector<Op> buf(256);
    for (const auto& k : t.kernels) {
        auto st = k->stream(0);
        for (size_t n; (n = st->fill(buf.data(), buf.size())) != 0;)
            for (size_t i = 0; i < n; ++i) {
                const Op& op = buf[i];
                if (!op.moves_data() || op.bytes < 4096) continue;
                const TensorShape& sh = t.shapes[size_t(op.tensor)];
                const uint64_t run = int64_t(op.cols) == sh.cols ? op.bytes : uint64_t(op.cols) * uint64_t(sh.elem_bytes);
                shortest = std::min(shortest, run);
            }
    }
    return shortest;
}

// What a kernel's GEMMs run on, from its first CTA's ops (every CTA of a kernel is alike).
enum class KernelUnit : uint8_t { cuda_cores, tensor };
KernelUnit kernel_unit(const KernelTrace& k) {
    std::vector<Op> buf(256);
    auto st = k.stream(0);
    for (size_t n; (n = st->fill(buf.data(), buf.size())) != 0;)
        for (size_t i = 0; i < n; ++i)
            if (buf[i].kind == OpKind::matmul && !(buf[i].flags & kOpCudaCore)) return KernelUnit::tensor;
    return KernelUnit::cuda_cores;
}

// The clock a kernel whose GEMMs run on `unit` starts at (kernel_clock_hz).
double clock_for(KernelUnit unit, const EngineProps& e, const GpuSpec& g) {
    double hz = g.clock_hz_under_fma;
    if (unit == KernelUnit::tensor)
        hz = e.mma == MmaIssue::warp_mma || g.wgmma_clock_knee_duty > 0 ? g.clock_hz_under_mma_sync : g.clock_hz_under_wgmma;
    return hz > 0 ? hz : g.clock_hz;
}

// wgmma kernels: the clock their tensor duty cycle sets (GpuSpec::wgmma_clock_hz), from the
// duty the kernel had at the clock it was simulated at; the cycles stand, the seconds follow.
double duty_clock_hz(KernelUnit unit, const EngineProps& e, const GpuSpec& g, const KernelSimStats& s, double hz) {
    if (e.mma != MmaIssue::warpgroup_mma || !(g.wgmma_clock_knee_duty > 0) || unit != KernelUnit::tensor) return hz;
    const double duty = s.cycles > 0 ? s.tensor_busy_cycles / (s.cycles * double(g.sm_count)) : 0;
    return g.wgmma_clock_hz(duty);
}

}  // namespace

double kernel_clock_hz(const KernelTrace& k, const EngineProps& e, const GpuSpec& g) {
    return clock_for(kernel_unit(k), e, g);
}

int64_t l2_granule_for(const Trace& t, const GpuSpec& g, const SimOptions& o, uint64_t global_bytes) {
    if (o.l2_granule_bytes > 0) return o.l2_granule_bytes;
    if (global_bytes <= kExactL2MaxGlobalBytes) return g.l2_line_bytes;
    // A granule longer than the runs the trace moves would waste capacity on lines never used
    // (vanilla's 64-column tiles of S and P move 128-byte runs): stay at the line then.
    // (When no op moves 4 KiB, shortest_run_bytes is ~0 and the granule is the cap.)
    // The cap is 8 lines; SimOptions::l2_granule_cap_bytes sets another outside `exact`, for
    // studies: 2 and 4 KiB granules keep the time within 0.1% on fused runs but not their HBM
    // bytes within the fast path's 0.5% (docs/speed.md, `flashsim bench-fast --fused`).
    const int64_t max_granule = 128 * g.l2_sector_bytes / g.l2_line_bytes * g.l2_line_bytes;  // 128 sectors
    const int64_t cap = !o.exact && o.l2_granule_cap_bytes > 0 ? o.l2_granule_cap_bytes : kMaxGranuleLines * g.l2_line_bytes;
    const uint64_t run = shortest_run_bytes(t);
    int64_t granule = g.l2_line_bytes;
    while (granule * 2 <= std::min<int64_t>(cap, max_granule) && uint64_t(granule * 2) <= run) granule *= 2;
    return granule;
}

L2Plan plan_l2(const Trace& t, const GpuSpec& g, const SimOptions& o, const Counters& paper_total) {
    L2Plan plan;
    if (o.paper_mode || g.l2_bytes <= 0) return plan;
    plan.granule_bytes = l2_granule_for(t, g, o, paper_total.total.global_read_bytes + paper_total.total.global_write_bytes);
    // Kernels whose loads are latency-bound (elementwise, KernelIssue) time each round trip by the
    // share of a transfer that missed. Unfused attention (vanilla, standard) sampled stays within
    // the fast path's bounds at any row length (`flashsim bench-fast`, docs/speed.md) where one
    // N x N matrix of all heads is at least kMinSampledMatrixL2s times the L2: nearer the L2's
    // size, most of what a kernel writes stays in it, its HBM writes are the small remainder, and
    // whether a set keeps its share is all or nothing (vanilla's forward + backward at B = 4,
    // N = 727, d = 128 on the rtx4090, S 68 MB against a 72 MB L2: HBM writes 0.63% low at 1 in 4
    // sets, its own error estimate 0.12%). Those, and the scalar FA1 of kernels/v3, which
    // bench-fast does not draw, run exact unless sampling is asked for. So do traces with a
    // kernel whose loads go through the SMs' L1 (loads_through_l1: GEMMs on CUDA cores, kernels/v1),
    // whatever their matrices: which of its loads hit there goes with how the CTAs of an SM keep
    // in step, which each sampled transfer's estimate moves. Vanilla's forward with those GEMMs at
    // N = 10771, d = 64, 13 heads on the a100-40gb read 1.0% less from the L2 than --exact and ran
    // 1.7% fast at 1 in 8 sets, at N = 6897, 10 heads 0.54% less at 1 in 4 (K's L1 hits 16% high;
    // 0.50% less with the L1 itself looked up in every set: `bench-fast --long` seeds 6 and 31).
    bool latency_bound = false;
    for (const auto& k : t.kernels) latency_bound = latency_bound || k->issue.elementwise_loads();
    const double matrix_bytes = double(t.problem.heads()) * double(t.shapes[size_t(Tensor::S)].bytes());
    const bool unfused = algorithm_info(t.schedule.algo).unfused;
    const bool streamed = unfused && matrix_bytes >= kMinSampledMatrixL2s * double(g.l2_data_bytes());
    // (Asked only where it decides: loads_through_l1 walks one head's CTAs of each kernel.)
    const bool through_l1 = latency_bound && streamed && o.l2_set_sampling == 0 &&
                            std::any_of(t.kernels.begin(), t.kernels.end(), [&](const auto& k) { return loads_through_l1(*k, g); });
    // Unfused attention at 1 in 8 sets where a row of S spans kMinRowGranulesPerSample sampled
    // granules or more at that rate (memory_system.h).
    const TensorShape& S = t.shapes[size_t(Tensor::S)];
    const bool long_rows = plan.granule_bytes > 0 &&
                           S.cols * S.elem_bytes >= kMinRowGranulesPerSample * kMaxL2SetSamplingUnfused * plan.granule_bytes;
    plan.set_sampling = latency_bound && (!streamed || through_l1) && o.l2_set_sampling == 0
                            ? 1
                            : l2_set_sampling_for(g, t.shapes, t.problem.heads(), o, plan.granule_bytes, paper_total,
                                                  unfused && long_rows ? kMaxL2SetSamplingUnfused : kMaxL2SetSampling);
    return plan;
}

TimedRun run_timing(const Trace& t, const GpuSpec& g, const SimOptions& o, const Counters& paper_total) {
    TimedRun run;
    run.l2_modelled = !o.paper_mode && g.l2_bytes > 0;
    // FA1/FA2-style kernels issue warp-level mma.sync; FA3 issues wgmma, and vanilla's GEMMs stand
    // for cuBLAS, which uses wgmma on Hopper (the algorithm table's engine properties).
    run.tensor_flops_per_s = g.matmul_flops_per_s(t.problem.dtype, t.engine.mma == MmaIssue::warp_mma);
    if (!(run.tensor_flops_per_s > 0))
        throw ConfigError(std::string("dtype=") + to_string(t.problem.dtype) + " needs tensor cores for it; the " + g.name +
                          " preset has tensor_flops_per_s_" + to_string(t.problem.dtype) + "=0; allowed: another dtype or GPU");

    const L2Plan plan = plan_l2(t, g, o, paper_total);
    const int64_t granule = plan.granule_bytes, sampling = plan.set_sampling;
    MemorySystem mem(g, t.shapes, t.problem.heads(), run.l2_modelled, granule, sampling);

    Timing& tm = run.timing;
    spdlog::debug("L2 granule {} B, 1 in {} sets", granule, sampling);
    tm.valid = true;
    tm.l2_granule_bytes = granule;
    tm.l2_set_sampling = mem.l2_sample_every();
    run.l2_kernel_counts.assign(t.kernels.size(), Counters{});
    for (size_t i = 0; i < t.kernels.size(); ++i) {
        const KernelTrace& k = *t.kernels[i];
        KernelSimConfig cfg;
        const KernelUnit unit = kernel_unit(k);  // walks the first CTA's ops: once per kernel
        cfg.clock_hz = clock_for(unit, t.engine, g);
        mem.set_clock(cfg.clock_hz);
        cfg.stages = std::max<int64_t>(1, k.stages);  // its pass's stages
        cfg.warpgroups = t.engine.consumer_warpgroups;
        cfg.intra_warpgroup_pipeline = t.engine.intra_warpgroup_pipeline && o.intra_warpgroup_pipeline;
        cfg.tensor_flops_per_s = run.tensor_flops_per_s;
        cfg.kernel_index = uint32_t(i);
        cfg.steady_state_skip = o.steady_state_skip && !o.exact;
        cfg.uniform_loops = !t.problem.causal || k.dense_loops;
        if (o.timeline) {
            cfg.timeline = &tm.timeline;
            cfg.timeline_cap = o.timeline_max_events;
            cfg.timeline_truncated = &tm.timeline_truncated;
        }
        const auto host_start = std::chrono::steady_clock::now();
        KernelSimStats s = simulate_kernel(k, g, mem, cfg, run.l2_kernel_counts[i]);
        spdlog::debug("kernel {} {}: {} CTAs ({} skipped), {} iterations skipped; simulated in {:.0f} ms", i, k.name,
                      k.cta_count(), s.skipped_ctas, s.skipped_iterations,
                      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - host_start).count());
        // Dirty lines left when a profiled kernel ends are written back by the next flush, which
        // no kernel's dram__bytes_write sees.
        run.l2_dirty_bytes_at_end += mem.end_kernel(run.l2_kernel_counts[i], o.l2_flush_between_kernels);
        KernelTiming kt;
        kt.name = k.name;
        kt.memset = k.memset;
        kt.cycles = s.cycles;
        kt.clock_hz = duty_clock_hz(unit, t.engine, g, s, cfg.clock_hz);
        s.clock_hz = kt.clock_hz;
        kt.seconds = s.cycles / kt.clock_hz;
        kt.ctas = k.cta_count();
        kt.ctas_per_sm = s.occ.ctas_per_sm;
        kt.occupancy_limited_by = s.occ.limited_by;
        kt.waves = s.waves;
        kt.skipped_ctas = s.skipped_ctas;
        tm.skipped_ctas += s.skipped_ctas;
        kt.skipped_iterations = s.skipped_iterations;
        tm.skipped_iterations += s.skipped_iterations;
        if (k.issue.elementwise_loads()) kt.warp_instructions = s.warp_instructions;
        tm.kernels.push_back(kt);
        tm.cycles += s.cycles;
        tm.seconds += kt.seconds;
        run.stats.push_back(s);
    }
    if (run.l2_modelled && !o.l2_flush_between_kernels) run.l2_dirty_bytes_at_end = mem.dirty_bytes();
    if (sampling > 1) {
        const L2Cache::SamplingError e = mem.l2_sampling_error();
        tm.l2_sampling_error = std::max(e.hbm_read, e.hbm_write);
        if (tm.l2_sampling_error > kMaxSampledError && o.l2_set_sampling == 0) {
            spdlog::debug("L2 set sampling 1/{}: relative standard error {:.3f}% of HBM reads, {:.3f}% of write-backs; "
                          "running every set",
                          sampling, 100 * e.hbm_read, 100 * e.hbm_write);
            SimOptions every_set = o;
            every_set.l2_set_sampling = 1;
            return run_timing(t, g, every_set, paper_total);
        }
    }
    if (!run.l2_modelled) {
        run.l2_kernel_counts.clear();
        run.l2_dirty_bytes_at_end = 0;
    }
    return run;
}

}  // namespace flashsim
