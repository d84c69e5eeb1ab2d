// backward_report.cpp: the forward+backward table of the demo.
#include "sim/cli/backward_report.h"

#include <cstdio>
#include <sstream>

#include "sim/cli/report.h"

namespace flashsim::cli {

namespace {

std::string pad(const std::string& s, size_t w, bool right = true) {
    if (s.size() >= w) return s;
    return right ? std::string(w - s.size(), ' ') + s : s + std::string(w - s.size(), ' ');
}

std::string fixed(const char* f, double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, f, v);
    return buf;
}

}  // namespace

bool is_backward_kernel(const std::string& name) { return name.find("_bwd") != std::string::npos; }

PassFlops matmul_flops_by_pass(const RunResult& r) {
    PassFlops f;
    for (const auto& k : r.kernels) (is_backward_kernel(k.name) ? f.bwd : f.fwd) += double(k.counts.matmul_flops);
    return f;
}

std::string training_table(const std::vector<RunResult>& rows) {
    std::ostringstream o;
    const bool timed = !rows.empty() && rows.front().timing.valid;
    o << pad("algorithm", 9, false) << pad("Br x Bc", 11) << pad("fwd GFLOP", 10) << pad("bwd GFLOP", 10)
      << pad("recompute", 10) << pad("HBM read", 10) << pad("HBM write", 10) << pad("vs vanilla", 11);
    if (timed) o << pad("time", 10) << pad("speedup", 8);
    o << "\n" << std::string(timed ? 99 : 81, '-') << "\n";
    auto hbm = [](const RunResult& r) { return double(r.counts.total.hbm_read_bytes + r.counts.total.hbm_write_bytes); };
    const double base = rows.empty() ? 1 : hbm(rows.front());
    const double base_t = rows.empty() ? 1 : rows.front().timing.seconds;
    for (const auto& r : rows) {
        const PassFlops f = matmul_flops_by_pass(r);
        o << pad(to_string(r.schedule.algo), 9, false)
          << pad(std::to_string(r.schedule.Br) + " x " + std::to_string(r.schedule.Bc), 11)
          << pad(r.problem.pass == Pass::bwd ? "-" : fixed("%.1f", f.fwd / 1e9), 10) << pad(fixed("%.1f", f.bwd / 1e9), 10)
          << pad("+" + fixed("%.1f", double(r.counts.recompute_matmul_flops) / 1e9), 10)
          << pad(human_bytes(double(r.counts.total.hbm_read_bytes)), 10)
          << pad(human_bytes(double(r.counts.total.hbm_write_bytes)), 10) << pad(fixed("%.3fx", hbm(r) / base), 11);
        if (timed) o << pad(human_seconds(r.timing.seconds), 10) << pad(fixed("%.2fx", base_t / r.timing.seconds), 8);
        o << "\n";
    }
    // Br x Bc is the first pass's; with fwdbwd the backward runs its own blocks.
    std::string bwd_blocks;
    for (const auto& r : rows)
        if (r.problem.pass == Pass::fwdbwd)
            bwd_blocks += (bwd_blocks.empty() ? "" : ", ") + std::string(to_string(r.schedule.algo)) + " " +
                          std::to_string(r.schedule.bwd_Br) + " x " + std::to_string(r.schedule.bwd_Bc);
    if (!bwd_blocks.empty()) o << "Br x Bc is the forward's; the backward's own: " << bwd_blocks << "\n";
    return o.str();
}

std::string training_reading() {
    return "Reading it: GFLOP are matmul FLOPs as the trace runs them. The backward's are 2x the\n"
           "forward's for vanilla (dV, dP, dQ, dK from the stored P) and 2.5x for FlashAttention\n"
           "(FA2 paper's 5 GEMMs), the extra 0.5x being S = QK^T recomputed from the saved statistics,\n"
           "shown as 'recompute' (included in bwd GFLOP). Vanilla pays instead in HBM: it stores P\n"
           "and moves dP and dS, N x N each, through HBM. FA1 reads and writes dQi for every pair of\n"
           "blocks; FA2 adds dQ into an fp32 accumulator with atomics (read-modify-writes at L2,\n"
           "counted as HBM read and write in the papers' model) and converts it at the end.\n";
}

}  // namespace flashsim::cli
