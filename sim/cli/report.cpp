// report.cpp: terminal tables for people.
#include "sim/cli/report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <string>

namespace flashsim::cli {

namespace {

std::string fmt(const char* f, double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, f, v);
    return buf;
}

std::string scaled(double v, const char* const* units, int n, double step) {
    int k = 0;
    while (std::fabs(v) >= step && k + 1 < n) {
        v /= step;
        ++k;
    }
    const char* f = std::fabs(v) >= 100 ? "%.0f" : std::fabs(v) >= 10 ? "%.1f" : "%.2f";
    return fmt(f, v) + " " + units[k];
}

std::string pad(const std::string& s, size_t w, bool right = true) {
    if (s.size() >= w) return s;
    return right ? std::string(w - s.size(), ' ') + s : s + std::string(w - s.size(), ' ');
}

std::string formula_mark(const RunResult& r) {
    if (!r.analytic.available || !r.paper_mode) return "";
    const bool ok = r.analytic.hbm_read_bytes == r.counts.total.hbm_read_bytes &&
                    r.analytic.hbm_write_bytes == r.counts.total.hbm_write_bytes;
    return ok ? "= formula" : "!= formula";
}

}  // namespace

std::string human_bytes(double b) { return format_size(b, display_units()); }
std::string human_rate(double b) { return format_rate(b, display_units()); }

std::string human_count(double n) {
    static const char* u[] = {"", "k", "M", "G", "T", "P"};
    return scaled(n, u, 6, 1000);
}

std::string human_seconds(double s) {
    if (std::fabs(s) < 5e-13) return "0 ns";  // rounding residue of a breakdown's sums, not a time
    if (s >= 1) return fmt(s >= 100 ? "%.0f s" : "%.2f s", s);
    if (s >= 1e-3) return fmt("%.3g ms", s * 1e3);
    if (s >= 1e-6) return fmt("%.3g us", s * 1e6);
    return fmt("%.3g ns", s * 1e9);
}

namespace {

// A row's name in a comparison: the algorithm, and what else tells two rows of it apart.
std::string row_label(const RunResult& r) {
    std::string s = to_string(r.schedule.algo);
    if (r.problem.causal) s += " causal";
    if (r.problem.dropout.value_or(0) > 0) s += " p=" + dropout_text(*r.problem.dropout);
    return s;
}

}  // namespace

std::string comparison_table(const std::vector<RunResult>& rows) {
    std::ostringstream o;
    const bool timed = !rows.empty() && rows.front().timing.valid;
    size_t w = 9;
    for (const auto& r : rows) w = std::max(w, row_label(r).size() + 1);
    const std::string base_name = rows.empty() ? "first" : row_label(rows.front());
    // At most 100 columns: 82 without time, 100 with it (plus what longer row names need).
    o << pad("algorithm", w, false) << pad("Br x Bc", 10) << pad("SRAM/CTA", 9) << pad("HBM read", 10)
      << pad("HBM write", 10) << pad("vs " + base_name, std::max<size_t>(11, base_name.size() + 4)) << pad("matmul", 8)
      << pad("non-mm", 8) << pad("exp", 7);
    if (timed) o << pad("time", 10) << pad("speedup", 8);
    const size_t width = (timed ? 100 : 82) + (w - 9) + (std::max<size_t>(11, base_name.size() + 4) - 11);
    o << "\n" << std::string(width, '-') << "\n";
    const double base = rows.empty() ? 1 : double(rows.front().counts.total.hbm_read_bytes + rows.front().counts.total.hbm_write_bytes);
    const double base_t = rows.empty() ? 1 : rows.front().timing.seconds;
    for (const auto& r : rows) {
        const double hbm = double(r.counts.total.hbm_read_bytes + r.counts.total.hbm_write_bytes);
        o << pad(row_label(r), w, false)
          << pad(std::to_string(r.schedule.Br) + " x " + std::to_string(r.schedule.Bc), 10)
          << pad(human_bytes(double(r.footprint.sram_bytes)), 9)
          << pad(human_bytes(double(r.counts.total.hbm_read_bytes)), 10)
          << pad(human_bytes(double(r.counts.total.hbm_write_bytes)), 10)
          << pad(fmt("%.3fx", hbm / base), std::max<size_t>(11, base_name.size() + 4))
          << pad(human_count(double(r.counts.matmul_flops)), 8) << pad(human_count(double(r.counts.vector_flops)), 8)
          << pad(human_count(double(r.counts.exps)), 7);
        if (timed) o << pad(human_seconds(r.timing.seconds), 10) << pad(fmt("%.2fx", base_t / r.timing.seconds), 8);
        o << "\n";
    }
    // Br x Bc above is the forward's; a backward runs its own blocks, listed here.
    std::string bwd_blocks;
    for (const auto& r : rows)
        if (r.problem.pass == Pass::fwdbwd)
            bwd_blocks += (bwd_blocks.empty() ? "" : ", ") + row_label(r) + " " + std::to_string(r.schedule.bwd_Br) + " x " +
                          std::to_string(r.schedule.bwd_Bc);
    if (!bwd_blocks.empty()) o << "the backward's own Br x Bc: " << bwd_blocks << "\n";
    o << "ratios against the first row (" << base_name << "); units: " << units_note() << "\n";
    return o.str();
}

std::string run_report(const RunResult& r) {
    std::ostringstream o;
    const auto& p = r.problem;
    const auto& c = r.counts;
    o << "problem   " << p.describe() << "\n";
    // Each pass has its own schedule: fwdbwd shows both, with their on-chip footprints.
    const bool both = p.pass == Pass::fwdbwd;
    Schedule fwd = r.schedule;
    fwd.bwd_Br = fwd.bwd_Bc = fwd.bwd_warps = fwd.bwd_stages = 0;
    const Schedule bwd = r.schedule.backward();
    const auto schedule_line = [&](const char* label, const Schedule& s) {
        o << label << s.describe() << "  (Tr=" << s.Tr(p) << ", Tc=" << s.Tc(p) << ")\n";
    };
    if (both) schedule_line("schedule  fwd ", fwd), schedule_line("          bwd ", bwd);
    else schedule_line("schedule  ", fwd);
    o << "gpu       " << r.gpu.description << (r.paper_mode ? "  [paper mode: no L2]" : "  [L2 modelled]") << "\n";
    o << "units     " << units_note() << "\n";
    const auto footprint_lines = [&](const char* pass, const Footprint& f) {
        o << "SRAM/CTA  " << pass << f.sram_arithmetic << "  (of " << human_bytes(double(r.gpu.sram_bytes_per_sm)) << ")\n";
        if (!f.register_arithmetic.empty()) o << "registers " << pass << f.register_arithmetic << "\n";
    };
    if (both) {
        footprint_lines("fwd ", forward_footprint(fwd, p, r.gpu));
        footprint_lines("bwd ", backward_footprint(bwd, p, r.gpu));
    } else {
        footprint_lines("", r.footprint);
    }
    o << "\n" << pad("tensor", 7, false) << pad("HBM read", 12) << pad("HBM write", 12) << pad("L2/global rd", 14)
      << pad("global wr", 12) << "\n";
    for (int i = 0; i < kTensorCount; ++i) {
        const Traffic& t = c.per_tensor[size_t(i)];
        if (!t.global_read_bytes && !t.global_write_bytes) continue;
        o << pad(to_string(Tensor(i)), 7, false) << pad(human_bytes(double(t.hbm_read_bytes)), 12)
          << pad(human_bytes(double(t.hbm_write_bytes)), 12) << pad(human_bytes(double(t.global_read_bytes)), 14)
          << pad(human_bytes(double(t.global_write_bytes)), 12) << "\n";
    }
    o << pad("total", 7, false) << pad(human_bytes(double(c.total.hbm_read_bytes)), 12)
      << pad(human_bytes(double(c.total.hbm_write_bytes)), 12) << pad(human_bytes(double(c.total.global_read_bytes)), 14)
      << pad(human_bytes(double(c.total.global_write_bytes)), 12) << "\n";
    if (r.l2_dirty_bytes_at_end) o << "dirty in L2 at the end (not yet written to HBM): " << human_bytes(double(r.l2_dirty_bytes_at_end)) << "\n";
    o << "\nFLOPs     matmul " << human_count(double(c.matmul_flops)) << "  non-matmul " << human_count(double(c.vector_flops))
      << "  exp " << human_count(double(c.exps)) << "  (papers' convention: " << human_count(double(r.useful_matmul_flops()))
      << ")\n";
    if (c.recompute_matmul_flops || c.recompute_exps)
        o << "recompute matmul " << human_count(double(c.recompute_matmul_flops)) << "  non-matmul "
          << human_count(double(c.recompute_vector_flops)) << "  exp " << human_count(double(c.recompute_exps))
          << "  (backward: S = QK^T and P again, included above)\n";
    if (r.analytic.available) {
        o << "formula   HBM read " << r.analytic.read_formula << " = " << human_bytes(double(r.analytic.hbm_read_bytes))
          << ",  write " << r.analytic.write_formula << " = " << human_bytes(double(r.analytic.hbm_write_bytes));
        const std::string mark = formula_mark(r);
        if (!mark.empty()) o << "  [simulated " << mark << "]";
        o << "\n";
        if (r.analytic.dropout_flops)
            o << "dropout   p = " << dropout_text(r.problem.dropout.value_or(0)) << ": " << r.analytic.dropout_formula << " = "
              << human_count(double(r.analytic.dropout_flops)) << " of the non-matmul FLOPs (Philox draw, compare, scale)\n";
    }
    o << "orders    standard Theta(" << r.theta_standard.expression << ") = " << human_count(r.theta_standard.elements)
      << " el,  flash Theta(" << r.theta_flash.expression << ") = " << human_count(r.theta_flash.elements) << " el\n";
    if (r.timing.valid) {
        const Timing& t = r.timing;
        o << "\ntime      " << human_seconds(t.seconds) << "  (" << human_count(t.cycles) << " cycles; " << t.ctas_per_sm
          << " CTAs/SM, " << fmt("%.2f", t.waves) << " waves)\n";
        o << "achieved  HBM " << human_rate(t.hbm_bytes_per_s) << ", L2 " << human_rate(t.l2_bytes_per_s) << ", tensor "
          << human_count(t.tensor_flops_per_s) << "FLOP/s\n";
        if (!t.bottleneck.empty()) o << "bound by  " << t.bottleneck << "\n";
        for (const auto& [k, v] : t.breakdown_seconds) o << "  " << pad(k, 24, false) << human_seconds(v) << "\n";
        if (const std::string e = engine_note(t); !e.empty()) o << "engine    " << e << "\n";
    }
    return o.str();
}

}  // namespace flashsim::cli
