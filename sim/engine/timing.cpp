// timing.cpp: runs the kernels of a Trace one after another through kernel_sim, with the L2 model
// outside paper mode, and fills RunResult::timing (and the L2-mode counts).
#include "sim/engine/timing.h"

#include <algorithm>

#include "sim/core/errors.h"
#include "sim/engine/counting.h"
#include "sim/engine/kernel_sim.h"
#include "sim/engine/timing_report.h"

namespace flashsim {

namespace {

// Runs moving up to this many global bytes use line granules (the exact L2); larger ones track
// 8 lines together, which keeps N = 16k runs under a second (docs/timing.md says what it costs).
constexpr uint64_t kExactL2MaxGlobalBytes = uint64_t(256) << 20;

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

}  // namespace

int64_t l2_granule_for(const Trace& t, const GpuSpec& g, const SimOptions& o, uint64_t global_bytes) {
    if (o.l2_granule_bytes > 0) return o.l2_granule_bytes;
    if (global_bytes <= kExactL2MaxGlobalBytes) return g.l2_line_bytes;
    // A granule longer than the runs the trace moves would waste capacity on lines never used
    // (vanilla's 64-column tiles of S and P move 128-byte runs): stay at the line then.
    // (When no op moves 4 KiB, shortest_run_bytes is ~0 and the granule is 8 lines.)
    const int64_t max_granule = 128 * g.l2_sector_bytes / g.l2_line_bytes * g.l2_line_bytes;  // 128 sectors
    const uint64_t run = shortest_run_bytes(t);
    int64_t granule = g.l2_line_bytes;
    while (granule * 2 <= std::min<int64_t>(8 * g.l2_line_bytes, max_granule) && uint64_t(granule * 2) <= run) granule *= 2;
    return granule;
}

namespace {

void finish_totals(Counters& c) {
    c.total = Traffic{};
    for (const auto& t : c.per_tensor) c.total += t;
}

// Paper-mode counts with the HBM columns replaced by what the L2 model saw.
Counters merge_l2_counts(const Counters& paper, const Counters& l2) {
    Counters c = paper;
    for (size_t i = 0; i < c.per_tensor.size(); ++i) {
        c.per_tensor[i].hbm_read_bytes = l2.per_tensor[i].hbm_read_bytes;
        c.per_tensor[i].hbm_write_bytes = l2.per_tensor[i].hbm_write_bytes;
        // The requests L2 saw: the trace's bytes, a quarter-sector store's 4x (kOpQuarterSectors).
        c.per_tensor[i].global_read_bytes = l2.per_tensor[i].global_read_bytes;
        c.per_tensor[i].global_write_bytes = l2.per_tensor[i].global_write_bytes;
    }
    finish_totals(c);
    return c;
}

}  // namespace

void run_timing(const Trace& t, const GpuSpec& g, const SimOptions& o, RunResult& r) {
    const bool with_l2 = !o.paper_mode && g.l2_bytes > 0;
    // FA1/FA2-style kernels issue warp-level mma.sync; FA3 issues wgmma, and vanilla's GEMMs stand
    // for cuBLAS, which uses wgmma on Hopper.
    const bool fa3 = t.schedule.algo == Algorithm::fa3;
    const bool warp_mma = t.schedule.algo == Algorithm::fa1 || t.schedule.algo == Algorithm::fa2;
    const double tensor_rate = g.matmul_flops_per_s(t.problem.dtype, warp_mma);
    if (!(tensor_rate > 0))
        throw ConfigError(std::string("dtype=") + to_string(t.problem.dtype) + " needs tensor cores for it; the " + g.name +
                          " preset has tensor_flops_per_s_" + to_string(t.problem.dtype) + "=0; allowed: another dtype or GPU");

    CountResult paper;
    if (r.counts.ops == 0 || with_l2) {
        paper = count_paper_mode(t);
    } else {
        paper.total = r.counts;
        paper.kernels = r.kernels;
    }
    const int64_t granule =
        with_l2 ? l2_granule_for(t, g, o, paper.total.total.global_read_bytes + paper.total.total.global_write_bytes) : 0;
    MemorySystem mem(g, t.shapes, t.problem.heads(), with_l2, granule);

    Timing& tm = r.timing;
    tm = Timing{};
    tm.valid = true;
    tm.l2_granule_bytes = granule;
    std::vector<KernelSimStats> stats;
    std::vector<Counters> l2_counts(t.kernels.size());
    uint64_t dirty_at_end = 0;
    for (size_t i = 0; i < t.kernels.size(); ++i) {
        const KernelTrace& k = *t.kernels[i];
        KernelSimConfig cfg;
        cfg.stages = std::max<int64_t>(1, t.schedule.stages);
        cfg.warpgroups = fa3 ? 2 : 1;
        cfg.tensor_flops_per_s = tensor_rate;
        cfg.kernel_index = uint32_t(i);
        if (o.timeline) {
            cfg.timeline = &tm.timeline;
            cfg.timeline_cap = o.timeline_max_events;
            cfg.timeline_truncated = &tm.timeline_truncated;
        }
        KernelSimStats s = simulate_kernel(k, g, mem, cfg, l2_counts[i]);
        // Dirty lines left when a profiled kernel ends are written back by the next flush, which
        // no kernel's dram__bytes_write sees.
        dirty_at_end += mem.end_kernel(l2_counts[i], o.l2_flush_between_kernels);
        KernelTiming kt;
        kt.name = k.name;
        kt.cycles = s.cycles;
        kt.seconds = s.cycles / g.clock_hz;
        kt.ctas = k.cta_count();
        kt.ctas_per_sm = s.occ.ctas_per_sm;
        kt.occupancy_limited_by = s.occ.limited_by;
        kt.waves = s.waves;
        tm.kernels.push_back(kt);
        tm.cycles += s.cycles;
        stats.push_back(s);
    }
    if (with_l2 && !o.l2_flush_between_kernels) dirty_at_end = mem.dirty_bytes();

    if (with_l2) {
        r.kernels.clear();
        Counters total;
        for (size_t i = 0; i < t.kernels.size(); ++i) {
            KernelCounts kc = paper.kernels[i];
            kc.counts = merge_l2_counts(paper.kernels[i].counts, l2_counts[i]);
            total += kc.counts;
            r.kernels.push_back(kc);
        }
        r.counts = total;
        r.l2_dirty_bytes_at_end = dirty_at_end;
        r.paper_mode = false;
    } else if (r.counts.ops == 0) {
        r.counts = paper.total;
        r.kernels = paper.kernels;
    }
    tm.seconds = tm.cycles / g.clock_hz;
    fill_timing_report(r, stats, tensor_rate);
}

}  // namespace flashsim
