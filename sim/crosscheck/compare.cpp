// compare.cpp: runs the simulator on measured configurations and computes errors (see compare.h).
#include "sim/crosscheck/compare.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <tuple>

#include "sim/algorithms/algorithm.h"
#include "sim/core/errors.h"

namespace flashsim::crosscheck {

namespace {

// Unfused (vanilla-class) attention as the algorithm table says; a name it does not know is not.
bool is_unfused(const std::string& algo) {
    for (const AlgorithmInfo* a : all_algorithms())
        if (algo == a->name) return a->unfused;
    return false;
}

// A run's pass: schema 1 files record none, and every one of their versions is a forward.
std::string pass_of(const MeasuredRun& r) { return r.pass == "bwd" ? "bwd" : "fwd"; }

// Whether run r is of shape s (batch, heads, N, d, causal mask, dtype and pass).
bool of_shape(const MeasuredRun& r, const ShapeThroughput& s) {
    return r.B == s.B && r.H == s.H && r.N == s.N && r.d == s.d && r.causal == s.causal && r.dtype == s.dtype && pass_of(r) == s.pass;
}

}  // namespace

const char* metric_key(Metric m) {
    static const char* k[] = {"hbm_read", "hbm_write", "l2_traffic", "l2_requests", "time_ncu", "time_events", "cycles", "l2_reads"};
    return k[size_t(m)];
}

const char* metric_name(Metric m) {
    static const char* k[] = {"HBM read", "HBM write", "L2 traffic", "L2 requests", "time (ncu)", "time (events)",
                              "SM cycles", "L2 reads to SM"};
    return k[size_t(m)];
}

bool metric_is_time(Metric m) { return m == Metric::time_ncu || m == Metric::time_events; }

const char* metric_unit(Metric m) { return metric_is_time(m) ? "seconds" : m == Metric::cycles ? "cycles" : "bytes"; }

std::optional<double> MetricPair::rel_err() const {
    if (!measured || !simulated || *measured == 0) return std::nullopt;
    return (*simulated - *measured) / *measured;
}

SimOptions crosscheck_sim_options() {
    SimOptions o;
    o.paper_mode = false;
    o.timing = true;
    o.timeline = false;
    return o;
}

void fill_measured(Comparison& c, const MeasuredRun& run) {
    auto& M = c.metrics;
    if (run.ncu) {
        const NcuMetrics& n = *run.ncu;
        M[size_t(Metric::hbm_read)].measured = n.dram_read_bytes;
        M[size_t(Metric::hbm_write)].measured = n.dram_write_bytes;
        M[size_t(Metric::l2_traffic)].measured = n.lts_bytes;
        M[size_t(Metric::l2_requests)].measured = n.l2_request_bytes();
        if (n.gpu_time_ns) M[size_t(Metric::time_ncu)].measured = *n.gpu_time_ns * 1e-9;
        M[size_t(Metric::cycles)].measured = n.sm_cycles_max;
        if (n.xbar_read_sectors) M[size_t(Metric::l2_reads)].measured = 32.0 * *n.xbar_read_sectors;
    }
    if (run.time_ms_median) M[size_t(Metric::time_events)].measured = *run.time_ms_median * 1e-3;
}

SimOutcome simulate_config(const SimConfig& config, const GpuSpec& g, const SimOptions& o) {
    SimOutcome out;
    try {
        SimOptions so = o;
        so.intra_warpgroup_pipeline = config.intra_warpgroup_pipeline;
        out.result = simulate(config.problem, config.schedule, g, so);
    } catch (const ConfigError& e) {
        out.error = e.what();
    }
    return out;
}

void fill_simulated(Comparison& c, const SimOutcome& s, const GpuSpec& g) {
    if (!s.result) {
        c.sim_error = s.error;
        return;
    }
    auto& M = c.metrics;
    const RunResult& r = *s.result;
    c.sim_schedule = r.schedule.describe();
    c.sim_paper_mode = r.paper_mode;
    c.sim_engine = engine_mark(r.timing);
    // A memset between the kernels (KernelTrace::memset) is in no kernel ncu profiles: the
    // profiled sums leave it out; CUDA events around the launches include its time.
    Traffic profiled;
    for (const KernelCounts& k : r.kernels)
        if (!k.memset) profiled += k.counts.total;
    const Traffic& t = profiled;
    M[size_t(Metric::hbm_read)].simulated = double(t.hbm_read_bytes);
    // ncu's counts of a kernel include what the GPU writes meanwhile that is not the kernel's
    // (GpuSpec::background_hbm_write_bytes_per_s, background_l2_write_bytes_per_s): added over the
    // simulated time of the profiled kernels, where the timing layer ran (not in paper mode, which
    // counts as the papers do).
    double profiled_seconds = 0, profiled_cycles = 0;
    if (r.timing.valid)
        for (const KernelTiming& k : r.timing.kernels)
            if (!k.memset) profiled_seconds += k.seconds, profiled_cycles += k.cycles;
    const double background_seconds = r.paper_mode ? 0 : profiled_seconds;
    M[size_t(Metric::hbm_write)].simulated = double(t.hbm_write_bytes) + g.background_hbm_write_bytes_per_s * background_seconds;
    // ncu's L2 counters count a written sector 1.5 times on a GPU with two L2 partitions
    // (kernels/micro/l2_writeback: lts__t_sectors_op_write / sectors written = 1.50 at every
    // size from 1 to 256 MiB, H200): as if the half of the lines homed in the far partition
    // were counted in both. The model counts the bytes the SMs write; the comparison counts
    // them as ncu does, 1 + (partitions - 1) / partitions times.
    const double write_seen = r.paper_mode || g.l2_partitions <= 1 ? 1.0 : 1.0 + double(g.l2_partitions - 1) / double(g.l2_partitions);
    // The reads that cross between the partitions are looked up at the far partition's tags too
    // (l2_cache.h, the partition hop; ncu: lts__t_sectors_srcunit_ltcfabric).
    const double writes_seen = write_seen * double(t.global_write_bytes) + g.background_l2_write_bytes_per_s * background_seconds;
    const double l2_seen = double(t.global_read_bytes) + double(t.l2_hop_bytes) + writes_seen;
    M[size_t(Metric::l2_traffic)].simulated = l2_seen;
    M[size_t(Metric::l2_requests)].simulated = l2_seen;
    M[size_t(Metric::l2_reads)].simulated = double(t.global_read_bytes + t.l2_coalesced_bytes);
    c.sim_reads_to_tags = double(t.global_read_bytes);
    c.sim_hop = double(t.l2_hop_bytes);
    c.sim_writes_seen = writes_seen;
    if (!r.paper_mode) c.sim_dirty_bytes = double(r.l2_dirty_bytes_at_end);
    // mma.sync m16n8k16 (fp16, bf16): 2 x 16 x 8 x 16 = 4096 FLOPs per warp-instruction; one
    // MUFU.EX2 per exponential per lane.
    if (algorithm_info(r.schedule.algo).engine.mma == MmaIssue::warp_mma && r.schedule.matmul_unit == MatmulUnit::tensor &&
        (r.problem.dtype == Dtype::fp16 || r.problem.dtype == Dtype::bf16)) {
        c.sim_tensor_instructions = double(r.counts.matmul_flops) / (2.0 * 16 * 8 * 16);
        c.sim_xu_instructions = double(r.counts.exps) / 32;
    }
    if (r.timing.valid && r.timing.seconds > 0) {
        c.sim_timing = true;
        M[size_t(Metric::time_ncu)].simulated = profiled_seconds;
        M[size_t(Metric::time_events)].simulated = r.timing.seconds;
        M[size_t(Metric::cycles)].simulated = profiled_cycles;
        c.sim_bottleneck = r.timing.bottleneck;
        c.sim_tflops = double(r.useful_matmul_flops()) / r.timing.seconds / 1e12;
        double insts = 0;
        bool all = !r.timing.kernels.empty();
        for (const KernelTiming& k : r.timing.kernels) {
            if (k.memset) continue;
            c.sim_kernel_seconds.emplace_back(k.name, k.seconds);
            all = all && k.warp_instructions > 0;
            insts += k.warp_instructions;
        }
        if (all) c.sim_instructions = insts;
    }
}

Comparison compare_run(const std::string& label, const MeasuredRun& run, const GpuSpec& g, const SimOptions& o) {
    SimConfig config;
    try {
        config = sim_config_for(run);
    } catch (const ConfigError& e) {
        Comparison c;
        c.label = label;
        c.run = run;
        fill_measured(c, run);
        c.sim_error = e.what();
        return c;
    }
    return compare_run(label, run, config, g, o);
}

Comparison compare_run(const std::string& label, const MeasuredRun& run, const SimConfig& config, const GpuSpec& g,
                       const SimOptions& o) {
    Comparison c;
    c.label = label;
    c.run = run;
    fill_measured(c, run);
    c.config = config;
    fill_simulated(c, simulate_config(config, g, o), g);
    return c;
}

std::vector<Comparison> compare_runs(const MeasurementFile& f, const GpuSpec& g, const SimOptions& o, unsigned jobs) {
    return std::move(compare_runs({&f}, {g}, o, jobs).front());
}

std::vector<MetricSummary> summarize(const std::vector<Comparison>& cs) {
    std::vector<MetricSummary> out;
    std::set<int64_t> versions;
    for (const auto& c : cs) versions.insert(c.run.version);
    for (size_t mi = 0; mi < kMetricCount; ++mi) {
        const Metric m = Metric(mi);
        auto one = [&](const std::string& group, auto&& member) {
            std::vector<std::pair<double, std::string>> errs;
            for (const auto& c : cs)
                if (member(c))
                    if (auto e = c.at(m).rel_err()) errs.push_back({std::fabs(*e), c.label});
            if (errs.empty()) return;
            std::sort(errs.begin(), errs.end());
            const double median = sorted_median(errs, [](const auto& e) { return e.first; });
            out.push_back({m, group, int64_t(errs.size()), median, errs.back().first, errs.back().second});
        };
        for (int64_t v : versions)
            one(v == 0 ? std::string("csv") : "v" + std::to_string(v), [v](const Comparison& c) { return c.run.version == v; });
        if (versions.size() > 1) one("all", [](const Comparison&) { return true; });
    }
    return out;
}

std::string ShapeThroughput::label() const {
    return "B" + std::to_string(B) + " H" + std::to_string(H) + " N" + std::to_string(N) + " d" + std::to_string(d) +
           (causal ? " c" : "") + (pass == "bwd" ? " bwd" : "");
}

std::optional<double> ShapeThroughput::torch_rel_err() const {
    if (!torch_ms || !sim_torch_tiles_ms || !(*torch_ms > 0)) return std::nullopt;
    return (*sim_torch_tiles_ms - *torch_ms) / *torch_ms;
}

void add_torch_check(std::vector<ShapeThroughput>& ts, const std::vector<Comparison>& cs) {
    for (auto& t : ts) {
        if (!t.torch_ms) continue;
        const int64_t v = t.pass == "bwd" ? kTorchTilesBackward : kTorchTilesForward;
        for (const auto& c : cs)
            if (c.run.version == v && of_shape(c.run, t) && c.sim_timing)
                if (const auto& sim = c.at(Metric::time_events).simulated) t.sim_torch_tiles_ms = *sim * 1e3;
    }
}

std::vector<MetricSummary> summarize_torch(const std::vector<std::pair<std::string, const std::vector<ShapeThroughput>*>>& sets) {
    std::vector<MetricSummary> out;
    for (const std::string pass : {"fwd", "bwd"}) {
        std::vector<std::pair<double, std::string>> errs;  // |err|, label
        for (const auto& [prefix, ts] : sets)
            for (const auto& t : *ts)
                if (auto e = t.torch_rel_err(); e && t.pass == pass) errs.push_back({std::fabs(*e), prefix + "torch " + t.label()});
        if (errs.empty()) continue;
        std::sort(errs.begin(), errs.end());
        out.push_back({Metric::time_events, pass == "bwd" ? "torch bwd" : "torch", int64_t(errs.size()),
                       sorted_median(errs, [](const auto& e) { return e.first; }), errs.back().first, errs.back().second});
    }
    return out;
}

std::vector<ShapeThroughput> throughput_by_shape(const MeasurementFile& f) {
    std::vector<ShapeThroughput> out;
    auto find = [&](int64_t B, int64_t H, int64_t N, int64_t d, bool causal, const std::string& dtype,
                    const std::string& pass) -> ShapeThroughput& {
        for (auto& s : out)
            if (s.B == B && s.H == H && s.N == N && s.d == d && s.causal == causal && s.dtype == dtype && s.pass == pass)
                return s;
        ShapeThroughput s;
        s.B = B, s.H = H, s.N = N, s.d = d, s.causal = causal, s.dtype = dtype, s.pass = pass;
        out.push_back(s);
        return out.back();
    };
    for (const auto& r : f.runs)
        if (r.time_ms_median) find(r.B, r.H, r.N, r.d, r.causal, r.dtype, pass_of(r)).version_ms[r.version] = *r.time_ms_median;
    // the speed reference is PyTorch's flash attention; other references (GPT-2's eager attention in
    // the Figure 2 file) are the file's own record, not this column
    for (const auto& t : f.reference)
        if (t.time_ms_median && (t.impl.empty() || t.impl == "torch.sdpa.flash")) find(t.B, t.H, t.N, t.d, t.causal, t.dtype, t.pass).torch_ms = *t.time_ms_median;
    for (auto& s : out) {
        if (s.torch_ms && s.version_ms.count(5) && s.pass == "fwd") s.v5_over_torch = *s.torch_ms / s.version_ms.at(5);
        std::optional<double> vanilla, flash;
        for (const auto& r : f.runs) {
            if (!r.time_ms_median || r.algo.empty() || !of_shape(r, s)) continue;
            auto& best = is_unfused(r.algo) ? vanilla : flash;
            best = best ? std::min(*best, *r.time_ms_median) : *r.time_ms_median;
        }
        if (vanilla && flash) s.flash_over_vanilla = *vanilla / *flash;
        if (s.pass == "bwd" && s.torch_ms && flash) s.bwd_over_torch = *s.torch_ms / *flash;
    }
    std::stable_sort(out.begin(), out.end(), [](const ShapeThroughput& a, const ShapeThroughput& b) {
        const bool a_bwd = a.pass == "bwd", b_bwd = b.pass == "bwd";  // forward shapes first
        return std::tie(a_bwd, a.causal, a.d, a.N) < std::tie(b_bwd, b.causal, b.d, b.N);
    });
    return out;
}

std::vector<std::string> caveats(const MeasurementFile* f, const GpuSpec& g, const std::vector<Comparison>& cs) {
    std::vector<std::string> out;
    if (f) {
        const Provenance& p = f->provenance;
        if (p.sm_count && *p.sm_count != g.sm_count)
            out.push_back("the measured GPU has " + std::to_string(*p.sm_count) + " SMs; the " + g.name + " preset has " +
                          std::to_string(g.sm_count));
        if (p.l2_bytes && *p.l2_bytes != g.l2_bytes)
            out.push_back("the measured GPU has " + format_bytes(*p.l2_bytes) + " of L2; the " + g.name + " preset has " +
                          format_bytes(g.l2_bytes));
        if (!p.ncu_settings.empty() && p.ncu_settings.find("--cache-control all") == std::string::npos)
            out.push_back("ncu settings '" + p.ncu_settings + "': caches were not flushed per kernel, so L2 may start warm");
    }
    bool paper = false, untimed = false;
    for (const auto& c : cs) {
        if (!c.sim_error.empty()) continue;
        paper |= c.sim_paper_mode;
        untimed |= !c.sim_timing;
    }
    if (paper)
        out.push_back("the simulator counted in paper mode (no L2 model available): HBM bytes include every re-read "
                      "that a real L2 would serve");
    if (untimed) out.push_back("the simulator reported no time (timing layer not available): time columns show '-'");
    if (!paper && !untimed && !cs.empty())
        if (std::string note = background_note(g, f); !note.empty()) out.push_back(note);
    return out;
}

GpuSpec gpu_for_file(const GpuSpec& g, const MeasurementFile& f) {
    GpuSpec out = g;
    const Provenance& p = f.provenance;
    if (p.background_hbm_write_bytes_per_s) out.background_hbm_write_bytes_per_s = *p.background_hbm_write_bytes_per_s;
    if (p.background_l2_write_bytes_per_s) out.background_l2_write_bytes_per_s = *p.background_l2_write_bytes_per_s;
    return out;
}

std::string background_note(const GpuSpec& g, const MeasurementFile* f) {
    const bool own = f && f->provenance.background_hbm_write_bytes_per_s;
    const GpuSpec used = f ? gpu_for_file(g, *f) : g;
    if (!(used.background_hbm_write_bytes_per_s > 0) && !(used.background_l2_write_bytes_per_s > 0)) return "";
    const std::string source = own ? "measured in this file's own idle kernels, provenance.background"
                                   : "preset " + g.name + "; kernels/micro/l2_clean_order";
    char b[512];
    std::snprintf(b, sizeof b,
                  "the simulated HBM writes and L2 traffic include what ncu counts of every kernel that is not its own: "
                  "the GPU's background writes, %.1f MB/s to HBM and %.1f MB/s of L2 write sectors over each kernel's "
                  "simulated time (%s)",
                  used.background_hbm_write_bytes_per_s * 1e-6, used.background_l2_write_bytes_per_s * 1e-6, source.c_str());
    return b;
}

}  // namespace flashsim::crosscheck
