// report.cpp: terminal tables of the cross-check (see report.h). JSON and CSV are in export.cpp.
#include "sim/crosscheck/report.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <sstream>
#include <utility>

namespace flashsim::crosscheck {

namespace {

std::string fmt(const char* f, double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, f, v);
    return buf;
}

std::string pad(const std::string& s, size_t w, bool right = true) {
    if (s.size() >= w) return s;
    return right ? std::string(w - s.size(), ' ') + s : s + std::string(w - s.size(), ' ');
}

// About four significant digits, for MB and ms columns.
std::string num(const std::optional<double>& v) {
    if (!v) return "-";
    const double a = std::fabs(*v);
    return fmt(a >= 1000 ? "%.0f" : a >= 100 ? "%.1f" : a >= 10 ? "%.2f" : a >= 1 ? "%.3f" : "%.4f", *v);
}

std::optional<double> scaled(const std::optional<double>& v, double k) {
    if (!v) return std::nullopt;
    return *v * k;
}

// `text` as lines of at most 100 columns: the first starts with `lead`, the rest are indented.
std::string wrap(const std::string& text, const std::string& lead = "  ") {
    const size_t width = 100;
    std::string out, line = lead;
    const std::string indent(lead.size() + 2, ' ');
    size_t i = 0;
    while (i < text.size()) {
        size_t j = text.find(' ', i);
        if (j == std::string::npos) j = text.size();
        std::string word = text.substr(i, j - i);
        while (line.size() + word.size() > width && word.size() > width - indent.size()) {  // an overlong word
            const size_t room = width - line.size();
            out += line + word.substr(0, room) + "\n";
            word = word.substr(room), line = indent;
        }
        if (line.size() + word.size() > width && line.size() > indent.size()) {
            line.erase(line.find_last_not_of(' ') + 1);
            out += line + "\n", line = indent;
        }
        line += word + (j < text.size() ? " " : "");
        i = j + 1;
    }
    return out + line + "\n";
}

std::string abs_pct(double e) { return e >= 10 ? fmt(">%.0f%%", 999.0) : fmt("%.1f%%", 100 * e); }

std::string run_key(const Comparison& c) {
    const MeasuredRun& r = c.run;
    if (r.version == 0) return pad("csv", 3, false) + pad(std::to_string(r.N), 7) + pad(std::to_string(r.d), 5) + (r.causal ? " c" : "  ");
    return pad("v" + std::to_string(r.version), 3, false) + pad(std::to_string(r.N), 7) + pad(std::to_string(r.d), 5) +
           (r.causal ? " c" : "  ");
}
const char* kKeyHead = "ver      N    d c";  // 17 columns, as run_key()

void bytes_table(std::ostringstream& o, const std::vector<Comparison>& cs) {
    o << "bytes, in MB (1e6); err = (sim - meas) / meas; dirty = simulated bytes still dirty in L2 at the end\n";
    o << pad("", 17) << pad("    HBM read", 24, false) << pad("    HBM write", 32, false) << "    L2 traffic\n";
    o << kKeyHead << "    meas     sim     err    meas     sim     err   dirty    meas     sim     err\n";
    for (const auto& c : cs) {
        o << run_key(c);
        for (Metric m : {Metric::hbm_read, Metric::hbm_write, Metric::l2_traffic}) {
            const MetricPair& p = c.at(m);
            o << pad(num(scaled(p.measured, 1e-6)), 8) << pad(num(scaled(p.simulated, 1e-6)), 8)
              << pad(format_rel_err(p.rel_err()), 8);
            if (m == Metric::hbm_write) o << pad(num(scaled(c.sim_dirty_bytes, 1e-6)), 8);
        }
        o << "\n";
    }
}

void time_table(std::ostringstream& o, const std::vector<Comparison>& cs) {
    o << "time, in ms: ncu = gpu__time_duration.sum, events = CUDA-event median; TF/s = useful FLOPs / time\n";
    o << kKeyHead << "     ncu     sim     err  events     err meas TF/s sim TF/s  sim bottleneck\n";
    for (const auto& c : cs) {
        const MetricPair& n = c.at(Metric::time_ncu);
        const MetricPair& e = c.at(Metric::time_events);
        std::string bn = !c.run.error.empty() ? "run failed (see notes)"
                         : c.sim_error.empty()  ? c.sim_bottleneck
                                                : "simulator refused (see notes)";
        if (bn.size() > 22) bn = bn.substr(0, 21) + "~";  // 100 columns in all
        o << run_key(c) << pad(num(scaled(n.measured, 1e3)), 8) << pad(num(scaled(n.simulated, 1e3)), 8)
          << pad(format_rel_err(n.rel_err()), 8) << pad(num(scaled(e.measured, 1e3)), 8)
          << pad(format_rel_err(e.rel_err()), 8) << pad(num(c.run.tflops), 10) << pad(num(c.sim_tflops), 9) << "  "
          << (bn.empty() ? "-" : bn) << "\n";
    }
}

// Runs of several kernels (vanilla's three, v7's three) whose file has each kernel's ncu time:
// each beside the simulated kernel in the same launch position.
void kernel_table(std::ostringstream& o, const std::vector<Comparison>& cs) {
    o << "per kernel, in ms (ncu gpu__time_duration.sum of each kernel beside the simulated kernel launched in its place)\n";
    o << kKeyHead << "  kernel (sim)        kernel (ncu)                        ncu      sim     err\n";
    for (const auto& c : cs) {
        if (!c.run.ncu || c.run.ncu->per_kernel.size() < 2) continue;
        const auto& meas = c.run.ncu->per_kernel;
        if (meas.size() != c.sim_kernel_seconds.size()) {
            o << run_key(c) << "  " << meas.size() << " kernels measured, " << c.sim_kernel_seconds.size() << " simulated\n";
            continue;
        }
        for (size_t i = 0; i < meas.size(); ++i) {
            const MetricPair p{meas[i].time_ns * 1e-9, c.sim_kernel_seconds[i].second};
            o << run_key(c) << "  " << pad(c.sim_kernel_seconds[i].first.substr(0, 18), 18, false) << "  "
              << pad(meas[i].name.substr(0, 32), 32, false) << pad(num(scaled(p.measured, 1e3)), 9)
              << pad(num(scaled(p.simulated, 1e3)), 9) << pad(format_rel_err(p.rel_err()), 8) << "\n";
        }
    }
}

// Measured by ncu (schema 2): the SM clock the kernel ran at, its cycles beside the simulated ones
// (each kernel's clock under load, GpuSpec::clock_hz_under_*), issue-slot use, tensor-pipe
// activity and occupancy.
void clock_table(std::ostringstream& o, const std::vector<Comparison>& cs) {
    o << "clock and cycles (ncu: sm__cycles_elapsed .avg.per_second and .max; sim: cycles at each kernel's clock under load);\n"
         "issue = issue slots used, tensor = tensor pipe active, warps = occupancy, % of peak while active\n";
    o << kKeyHead << "  ncu ms  meas GHz  meas Mcyc  sim Mcyc     err  sim GHz  issue%  tensor%  warps%\n";
    auto pct = [](const std::optional<double>& v) { return v ? fmt("%.1f", *v) : std::string("-"); };
    for (const auto& c : cs) {
        if (!c.run.ncu) continue;
        const NcuMetrics& n = *c.run.ncu;
        const MetricPair& cy = c.at(Metric::cycles);
        const std::optional<double>& sim_s = c.at(Metric::time_ncu).simulated;
        const std::string sim_ghz = cy.simulated && sim_s && *sim_s > 0 ? fmt("%.3f", *cy.simulated / *sim_s * 1e-9) : "-";
        o << run_key(c) << pad(num(scaled(n.gpu_time_ns, 1e-6)), 8) << pad(n.sm_clock_hz ? fmt("%.3f", *n.sm_clock_hz * 1e-9) : "-", 10)
          << pad(num(scaled(cy.measured, 1e-6)), 11) << pad(num(scaled(cy.simulated, 1e-6)), 10) << pad(format_rel_err(cy.rel_err()), 8)
          << pad(sim_ghz, 9) << pad(pct(n.issue_active_pct), 8) << pad(pct(n.tensor_active_pct), 9)
          << pad(pct(n.warps_active_pct), 8) << "\n";
    }
}

// One line per version: the median and worst of `errs` (|relative errors|), "<what>, median ...".
void version_medians(std::ostringstream& o, const char* what, std::map<int64_t, std::vector<double>>& errs) {
    for (auto& [v, e] : errs) {
        std::sort(e.begin(), e.end());
        const double median = sorted_median(e, [](double x) { return x; });
        o << "  v" << v << ": " << what << ", median |err| " << fmt("%.1f%%", 100 * median) << ", worst "
          << fmt("%.1f%%", 100 * e.back()) << " over " << e.size() << " runs\n";
    }
}

// Measured by ncu (schema 2): warp-instructions per pipe, in millions, and the total the
// simulator's issue model counts where it counts them all (kernels that issue everything on CUDA
// cores, KernelIssue from the kernels' SASS), with its error and each version's median.
void instruction_table(std::ostringstream& o, const std::vector<Comparison>& cs) {
    o << "instructions per pipe, measured (ncu smsp__inst_executed*, millions of warp-instructions;\n"
         "tensor = mma.sync and wgmma, xu = MUFU (ex2), shd ld = shared loads, ldsm = ldmatrix);\n"
         "sim = the warp-instructions the simulator issues, where it counts all of them (CUDA-core kernels)\n";
    o << kKeyHead << "    total      sim     err   tensor      fma      alu       xu      lsu   shd ld     ldsm   ldgsts\n";
    std::map<int64_t, std::vector<double>> errs;
    for (const auto& c : cs) {
        if (!c.run.ncu || !c.run.ncu->inst_executed) continue;
        const NcuMetrics& n = *c.run.ncu;
        const MetricPair p{n.inst_executed, c.sim_instructions};
        if (const auto e = p.rel_err()) errs[c.run.version].push_back(std::fabs(*e));
        o << run_key(c) << pad(num(scaled(n.inst_executed, 1e-6)), 9) << pad(num(scaled(c.sim_instructions, 1e-6)), 9)
          << pad(format_rel_err(p.rel_err()), 8);
        for (const auto& v : {n.inst_tensor, n.inst_fma, n.inst_alu, n.inst_xu, n.inst_lsu, n.inst_shared_ld, n.inst_ldsm,
                              n.inst_ldgsts})
            o << pad(num(scaled(v, 1e-6)), 9);
        o << "\n";
    }
    version_medians(o, "simulated instructions", errs);
}

// The tensor pipe's and the MUFU's warp-instructions that follow from the simulated counts
// (compare.h: kernels that issue mma.sync) beside ncu's, with each version's median error.
void pipe_table(std::ostringstream& o, const std::vector<Comparison>& cs) {
    bool any = false;
    const auto measured = [](const Comparison& c) { return c.run.ncu && (c.run.ncu->inst_tensor || c.run.ncu->inst_xu); };
    for (const auto& c : cs) any = any || (measured(c) && c.sim_tensor_instructions);
    if (!any) return;
    o << "\ntensor pipe and MUFU, simulated from the counts (mma.sync kernels: HMMA.16816 = matmul FLOPs / 4096,\n"
         "MUFU.EX2 = exponentials / 32) against ncu (smsp__inst_executed_pipe_tensor_op_hmma, _xu), millions\n";
    o << kKeyHead << "   tensor      sim     err       xu      sim     err\n";
    std::map<int64_t, std::vector<double>> tensor_errs, xu_errs;
    for (const auto& c : cs) {
        if (!measured(c) || !c.sim_tensor_instructions) continue;
        const NcuMetrics& n = *c.run.ncu;
        const MetricPair t{n.inst_tensor, c.sim_tensor_instructions}, x{n.inst_xu, c.sim_xu_instructions};
        if (const auto e = t.rel_err()) tensor_errs[c.run.version].push_back(std::fabs(*e));
        if (const auto e = x.rel_err()) xu_errs[c.run.version].push_back(std::fabs(*e));
        o << run_key(c) << pad(num(scaled(t.measured, 1e-6)), 9) << pad(num(scaled(t.simulated, 1e-6)), 9) << pad(format_rel_err(t.rel_err()), 8)
          << pad(num(scaled(x.measured, 1e-6)), 9) << pad(num(scaled(x.simulated, 1e-6)), 9) << pad(format_rel_err(x.rel_err()), 8) << "\n";
    }
    version_medians(o, "tensor instructions", tensor_errs);
    version_medians(o, "MUFU instructions", xu_errs);
}

// Files with ncu's read sectors by source: L2 traffic in its parts, measured and simulated, and
// each part's share of the L2 traffic's error. Measured: reads = the read sectors the SMs receive
// (l1tex__m_xbar2l1tex_read_sectors), tags = the share of them that reaches the L2's tags
// (lts__t_sectors_srcunit_tex_op_read; the request coalescer answers the rest), hop = the read
// sectors at the tags that are not the SMs' (op_read less tex: those crossing between the two L2
// partitions), writes = op_write + atom + red sectors, all x 32 bytes; other = lts__t_bytes less
// tags + hop + writes. Simulated: Metric::l2_reads, Comparison::sim_reads_to_tags, sim_hop,
// sim_writes_seen, no other. The points add up to the L2 traffic's error: (sim - meas) of each
// part in points of the measured L2 traffic.
void l2_parts_table(std::ostringstream& o, const std::vector<Comparison>& cs) {
    constexpr size_t kParts = 5;
    struct Parts {
        double reads, tags, hop, writes;    // measured, bytes
        double sim_reads, sim_tags;         // simulated, bytes
        std::array<double, kParts> points;  // reads, coalescing, hop, writes, other
    };
    auto parts = [](const Comparison& c) -> std::optional<Parts> {
        if (!c.run.ncu || !c.sim_reads_to_tags || !c.sim_writes_seen || !c.at(Metric::l2_reads).simulated) return std::nullopt;
        const NcuMetrics& n = *c.run.ncu;
        if (!n.xbar_read_sectors || !n.lts_tex_read_sectors || !n.lts_read_sectors || !n.lts_write_sectors || !n.lts_bytes ||
            !(*n.lts_bytes > 0))
            return std::nullopt;
        Parts p{};
        p.reads = 32 * *n.xbar_read_sectors, p.tags = 32 * *n.lts_tex_read_sectors;
        p.hop = 32 * (*n.lts_read_sectors - *n.lts_tex_read_sectors);
        p.writes = 32 * (*n.lts_write_sectors + n.lts_atom_sectors.value_or(0) + n.lts_red_sectors.value_or(0));
        p.sim_reads = *c.at(Metric::l2_reads).simulated, p.sim_tags = *c.sim_reads_to_tags;
        const double lts = *n.lts_bytes, other = lts - (p.tags + p.hop + p.writes);
        p.points = {100 * (p.sim_reads - p.reads) / lts, 100 * ((p.reads - p.tags) - (p.sim_reads - p.sim_tags)) / lts,
                    100 * (c.sim_hop.value_or(0) - p.hop) / lts, 100 * (*c.sim_writes_seen - p.writes) / lts, -100 * other / lts};
        return p;
    };
    std::vector<std::pair<const Comparison*, Parts>> rows;
    for (const auto& c : cs)
        if (const auto p = parts(c)) rows.emplace_back(&c, *p);
    if (rows.empty()) return;
    o << "\nL2 traffic in parts, MB: reads = read sectors the SMs receive (l1tex__m_xbar2l1tex_read_sectors),\n"
         "tags = the share of them that reaches the L2 tags (lts__t_sectors_srcunit_tex_op_read; the request\n"
         "coalescer answers the rest), hop = the other read sectors at the tags (op_read - tex: crossing\n"
         "between the two L2 partitions; sim: l2_hop_bytes), writes = write, atomic and reduction sectors,\n"
         "other = the rest of lts__t_bytes; then (sim - meas) of each part in points of the measured L2\n"
         "traffic, which add up to the L2 traffic's err: reads, coalescing, hop, writes, other\n";
    o << kKeyHead << "  reads    sim    err  tags  sim    hop    sim writes reads  coal   hop write other\n";
    std::map<int64_t, std::vector<double>> read_errs;
    std::map<int64_t, std::array<std::vector<double>, kParts>> pts;
    auto pt = [](double v) { return fmt("%+.1f", v); };
    auto share = [](double part, double whole) { return whole > 0 ? fmt("%.2f", part / whole) : std::string("-"); };
    for (const auto& [cp, p] : rows) {
        const Comparison& c = *cp;
        const MetricPair rp = c.at(Metric::l2_reads);
        if (const auto e = rp.rel_err()) read_errs[c.run.version].push_back(std::fabs(*e));
        for (size_t i = 0; i < kParts; ++i) pts[c.run.version][i].push_back(p.points[i]);
        o << run_key(c) << ' ' << pad(num(p.reads * 1e-6), 6) << ' ' << pad(num(p.sim_reads * 1e-6), 6) << ' '
          << pad(format_rel_err(rp.rel_err()), 6) << pad(share(p.tags, p.reads), 6) << pad(share(p.sim_tags, p.sim_reads), 5)
          << ' ' << pad(num(p.hop * 1e-6), 6) << ' ' << pad(num(scaled(c.sim_hop, 1e-6)), 6) << ' '
          << pad(num(p.writes * 1e-6), 6);
        for (double v : p.points) o << ' ' << pad(pt(v), 5);
        o << "\n";
    }
    version_medians(o, "reads to the SMs", read_errs);
    const char* names[kParts] = {"reads", "coalescing", "hop", "writes", "other"};
    for (auto& [v, each] : pts) {
        o << "  v" << v << ": median points,";
        for (size_t i = 0; i < kParts; ++i) {
            std::sort(each[i].begin(), each[i].end());
            o << (i ? ", " : " ") << names[i] << " " << pt(sorted_median(each[i], [](double x) { return x; }));
        }
        o << "\n";
    }
}

void wide_table(std::ostringstream& o, const std::vector<Comparison>& cs) {
    o << "bytes in MB (1e6), times in ms, cycles in millions; err = (sim - meas) / meas\n" << kKeyHead;
    for (size_t mi = 0; mi < kMetricCount; ++mi)
        o << "  " << pad(metric_key(Metric(mi)), 12) << pad("sim", 9) << pad("err", 8) << (Metric(mi) == Metric::hbm_write ? "   dirty" : "");
    o << "  sim schedule\n";
    for (const auto& c : cs) {
        o << run_key(c);
        for (size_t mi = 0; mi < kMetricCount; ++mi) {
            const Metric m = Metric(mi);
            const double k = metric_is_time(m) ? 1e3 : 1e-6;
            const MetricPair& p = c.at(m);
            o << pad(num(scaled(p.measured, k)), 14) << pad(num(scaled(p.simulated, k)), 9) << pad(format_rel_err(p.rel_err()), 8);
            if (m == Metric::hbm_write) o << pad(num(scaled(c.sim_dirty_bytes, 1e-6)), 8);
        }
        o << "  " << (c.sim_error.empty() ? c.sim_schedule : "refused") << (c.sim_bottleneck.empty() ? "" : "; " + c.sim_bottleneck)
          << (c.sim_engine.empty() ? "" : "; " + c.sim_engine) << "\n";
    }
}

}  // namespace

std::string format_summary(const std::vector<MetricSummary>& s) {
    std::ostringstream o;
    o << "metric         group      runs  median    worst  worst run\n";
    for (const auto& m : s)
        o << pad(metric_name(m.metric), 14, false) << " " << pad(m.group, 9, false) << pad(std::to_string(m.runs), 6)
          << pad(abs_pct(m.median_abs_rel_err), 8) << pad(abs_pct(m.worst_abs_rel_err), 9) << "  " << m.worst_label << "\n";
    return o.str();
}

namespace {

void throughput_table(std::ostringstream& o, const std::vector<ShapeThroughput>& ts) {
    std::set<int64_t> versions;
    for (const auto& t : ts)
        for (const auto& [v, ms] : t.version_ms) versions.insert(v);
    bool bwd = false;
    for (const auto& t : ts) bwd |= t.pass == "bwd";
    o << "measured times (the file's own numbers, CUDA-event medians in ms); v5/torch = torch ms / v5 ms;\n"
      << (bwd ? "bwd/torch (backward shapes, torch = PyTorch's flash backward) = torch ms / fastest fused backward ms;\n" : "")
      << "flash/vanilla = fastest vanilla ms / fastest flash ms\n";
    const size_t w = bwd ? 25 : 20;  // "B16 H16 N1024 d128 c bwd"
    o << pad("shape", w, false);
    for (int64_t v : versions) o << pad("v" + std::to_string(v), 8);
    o << pad("torch", 8) << pad("v5/torch", 9) << (bwd ? pad("bwd/torch", 10) : "") << pad("flash/vanilla", 14) << "\n";
    for (const auto& t : ts) {
        o << pad(t.label(), w, false);
        for (int64_t v : versions) {
            auto it = t.version_ms.find(v);
            o << pad(it == t.version_ms.end() ? "-" : num(it->second), 8);
        }
        o << pad(num(t.torch_ms), 8) << pad(t.v5_over_torch ? fmt("%.2fx", *t.v5_over_torch) : "-", 9)
          << (bwd ? pad(t.bwd_over_torch ? fmt("%.2fx", *t.bwd_over_torch) : "-", 10) : "")
          << pad(t.flash_over_vanilla ? fmt("%.1fx", *t.flash_over_vanilla) : "-", 14) << "\n";
    }
    // PyTorch's flash kernels, held out: the simulator on their tiles against their time.
    bool held_out = false;
    for (const auto& t : ts) held_out |= t.torch_rel_err().has_value();
    if (!held_out) return;
    o << "\nPyTorch's flash kernels, held out (no parameter comes from their times): the simulator on their\n"
      << "tiles (v" << kTorchTilesForward << "'s configuration forward, v" << kTorchTilesBackward
      << "'s backward) against torch's CUDA-event median, ms\n"
      << pad("shape", w, false) << pad("torch", 8) << pad("sim", 8) << pad("err", 8) << "\n";
    for (const auto& t : ts)
        if (const auto e = t.torch_rel_err())
            o << pad(t.label(), w, false) << pad(num(t.torch_ms), 8) << pad(num(t.sim_torch_tiles_ms), 8) << pad(format_rel_err(e), 8)
              << "\n";
}

void header_lines(std::ostringstream& o, const CrosscheckReport& r) {
    o << "flashsim crosscheck: " << r.source << "\n";
    if (r.file) {
        const Provenance& p = r.file->provenance;
        o << "measured on " << p.gpu;
        if (p.sm_count) o << " (" << *p.sm_count << " SMs" << (p.l2_bytes ? ", " + format_bytes(*p.l2_bytes) + " L2" : "") << ")";
        if (!p.driver.empty()) o << ", driver " << p.driver;
        if (!p.cuda_runtime.empty()) o << ", CUDA " << p.cuda_runtime;
        o << "\n";
        if (!p.ncu_version.empty() || !p.ncu_settings.empty()) o << "ncu: " << p.ncu_version << "  " << p.ncu_settings << "\n";
        if (!p.date.empty()) o << "date: " << p.date << "\n";
        int64_t unclean = 0;
        std::string which;
        for (const auto& s : r.file->sanitizer)
            if (!s.clean.value_or(false)) ++unclean, which += " v" + std::to_string(s.version) + ":" + s.tool;
        if (!r.file->sanitizer.empty())
            o << "sanitizer: " << r.file->sanitizer.size() << " checks, "
              << (unclean ? std::to_string(unclean) + " NOT clean:" + which : std::string("all clean")) << "\n";
        int64_t checked = 0, wrong = 0;
        std::string wrong_runs;
        for (const auto& run : r.file->runs)
            if (run.correct) {
                ++checked;
                if (!*run.correct) ++wrong, wrong_runs += " [" + run.label() + "]";
            }
        o << "correctness: " << checked << " of " << r.file->runs.size() << " runs checked against the CPU reference, "
          << (wrong ? std::to_string(wrong) + " WRONG:" + wrong_runs : std::string(checked ? "all correct" : "none")) << "\n";
    }
    o << "simulated on preset " << r.gpu.name << " (" << r.gpu.sm_count << " SMs, " << format_bytes(r.gpu.l2_bytes)
      << " L2), L2 model and timing asked for\n";
    // Which engine simulated the runs (engine_mark): the fast engine's estimates or every L2 set, CTA and iteration.
    size_t simulated = 0, fast = 0;
    for (const Comparison& c : r.comparisons)
        if (c.sim_error.empty()) ++simulated, fast += !c.sim_engine.empty();
    if (fast)
        o << "engine: the fast one for " << (fast == simulated ? "every run" : std::to_string(fast) + " of " + std::to_string(simulated) + " runs")
          << " (L2 sets sampled or work extrapolated: docs/speed.md; --exact for the reference)"
          << (fast == simulated ? "" : ", the exact one for the other " + std::to_string(simulated - fast)) << "\n";
}

// The header, each line wrapped to 100 columns.
void header(std::ostringstream& o, const CrosscheckReport& r) {
    std::ostringstream h;
    header_lines(h, r);
    std::istringstream in(h.str());
    for (std::string line; std::getline(in, line);) o << wrap(line, "");
    o << "\n";
}

}  // namespace

std::string format_rel_err(const std::optional<double>& e) {
    if (!e) return "-";
    const double pct = 100 * *e;
    if (std::fabs(pct) >= 99999.5) return pct > 0 ? ">+999x" : "<-999x";
    return fmt(std::fabs(pct) < 99.95 ? "%+.1f%%" : "%+.0f%%", pct);
}

CrosscheckReport build_report(const MeasurementFile& f, const GpuSpec& g, const SimOptions& o, unsigned jobs) {
    return build_report(f, g, compare_runs(f, g, o, jobs));
}

CrosscheckReport build_report(const MeasurementFile& f, const GpuSpec& g, std::vector<Comparison> cs) {
    CrosscheckReport r = build_report(f.origin, std::move(cs), g);
    r.file = &f;
    r.throughput = throughput_by_shape(f);
    add_torch_check(r.throughput, r.comparisons);
    for (const MetricSummary& t : summarize_torch({{"", &r.throughput}})) r.summary.push_back(t);
    r.outputs = check_outputs(f, g);
    r.caveats = caveats(&f, g, r.comparisons);
    return r;
}

CrosscheckReport build_report(const std::string& source, std::vector<Comparison> cs, const GpuSpec& g) {
    CrosscheckReport r;
    r.source = source;
    r.gpu = g;
    r.comparisons = std::move(cs);
    r.summary = summarize(r.comparisons);
    r.caveats = caveats(nullptr, g, r.comparisons);
    return r;
}

std::string format_text(const CrosscheckReport& r, bool wide) {
    std::ostringstream o;
    header(o, r);
    // forward runs, then backward runs (pass bwd) in tables of their own
    std::vector<Comparison> by_pass[2];
    for (const auto& c : r.comparisons) by_pass[c.run.pass == "bwd" ? 1 : 0].push_back(c);
    for (int pass = 0; pass < 2; ++pass) {
        const std::vector<Comparison>& cs = by_pass[pass];
        if (cs.empty()) continue;
        if (pass == 1)
            o << (by_pass[0].empty() ? "" : "\n")
              << "backward pass (runs of pass bwd; simulated as --pass bwd with the run's Br, Bc, warps, stages):\n\n";
        if (wide) {
            wide_table(o, cs);
            continue;
        }
        bytes_table(o, cs);
        o << "\n";
        time_table(o, cs);
        bool clock = false, inst = false, kernels = false;
        for (const auto& c : cs)
            if (c.run.ncu)
                clock |= c.run.ncu->sm_clock_hz.has_value(), inst |= c.run.ncu->inst_executed.has_value(),
                    kernels |= c.run.ncu->per_kernel.size() >= 2;
        if (kernels) {
            o << "\n";
            kernel_table(o, cs);
        }
        if (clock) {
            o << "\n";
            clock_table(o, cs);
        }
        if (inst) {
            o << "\n";
            instruction_table(o, cs);
        }
        pipe_table(o, cs);
        l2_parts_table(o, cs);
    }
    // Notes: what the simulator refused, what the mapping assumed, runs that failed or lacked ncu.
    std::set<std::string> assumed;
    std::vector<std::string> notes;
    for (const auto& c : r.comparisons) {
        if (!c.run.error.empty()) notes.push_back(c.label + ": the run failed on the GPU: " + c.run.error.substr(0, 120));
        else if (!c.sim_error.empty()) notes.push_back(c.label + ": simulator refused: " + c.sim_error);
        if (!c.run.ncu_error.empty()) notes.push_back(c.label + ": ncu failed: " + c.run.ncu_error.substr(0, 120));
        if (!r.file && c.run.ncu) {
            std::string names;
            for (size_t i = 0; i < c.run.ncu->kernels.size() && i < 6; ++i) names += (i ? ", " : "") + c.run.ncu->kernels[i];
            if (c.run.ncu->kernels.size() > 6) names += ", ...";
            notes.push_back(c.label + ", summed: " + names);
        }
        if (!c.config.note.empty()) assumed.insert("v" + std::to_string(c.run.version) + ": " + c.config.note);
    }
    for (const auto& a : assumed) notes.push_back(a);
    if (!notes.empty()) {
        o << "\nnotes:\n";
        for (const auto& n : notes) o << wrap(n);
    }
    o << "\n";
    o << "summary: |sim - meas| / meas over the runs with both values\n" << format_summary(r.summary);
    if (!r.throughput.empty()) {
        o << "\n";
        throughput_table(o, r.throughput);
    }
    if (r.file) {
        o << "\noutputs: ";
        if (r.file->outputs.empty()) {
            o << "none dumped in the file\n";
        } else if (!r.outputs.functional_available) {
            o << r.file->outputs.size() << " dumped; functional layer not available\n";
        } else {
            o << "kernel O vs the simulator's functional layer (max abs error)\n";
            for (const auto& c : r.outputs.checks)
                o << "  v" << c.version << " " << c.shape << ": "
                  << (c.max_abs_err ? fmt("%.3g", *c.max_abs_err) : c.note)
                  << (c.unwritten ? " (" + std::to_string(c.unwritten) + " elements unwritten)" : "") << "\n";
        }
    }
    if (!r.caveats.empty()) {
        o << "\ncaveats:\n";
        for (const auto& c : r.caveats) o << wrap(c);
    }
    return o.str();
}

}  // namespace flashsim::crosscheck
