// demo.cpp: `flashsim` with no arguments. The classroom comparison on an embedded default:
// N = 1024, d = 64, 16 heads, fp16, A100 preset: vanilla vs FlashAttention-1 vs -2, in the
// papers' IO model (paper mode) and, when the preset has an L2, with the L2 and timing models.
#include <iostream>
#include <sstream>

#include "sim/algorithms/algorithm.h"
#include "sim/cli/backward_report.h"
#include "sim/cli/commands.h"
#include "sim/cli/options.h"
#include "sim/cli/report.h"

namespace flashsim::cli {

int cmd_demo(int argc, const char* const* argv) {
    CommonOptions o;
    po::options_description desc("demo options");
    add_common_options(desc, o);
    po::variables_map vm;
    if (!parse(argc, argv, desc, vm, "usage: flashsim [demo] [options]\n\nThe classroom comparison of vanilla, fa1 and fa2 (--algo is ignored)."))
        return 0;
    const AttentionProblem p = o.problem();
    const GpuSpec g = o.gpu_spec();

    std::vector<RunResult> paper, modelled;
    for (Algorithm a : {Algorithm::vanilla, Algorithm::fa1, Algorithm::fa2}) {
        Schedule s = o.schedule();
        s.algo = a;
        if (algorithm_info(a).unfused) s.Br = s.Bc = 0;  // vanilla keeps its GEMM tiles
        SimOptions po_ = o.sim_options();
        po_.paper_mode = true;
        paper.push_back(simulate(p, s, g, po_));
        if (g.l2_bytes > 0 && !o.paper) {
            SimOptions lo = o.sim_options();
            lo.paper_mode = false;
            modelled.push_back(simulate(p, s, g, lo));
        }
    }

    // With a backward (--pass bwd or fwdbwd) the table splits FLOPs by pass, recompute apart.
    const bool training = p.pass != Pass::fwd;
    auto table = [&](const std::vector<RunResult>& rows) { return training ? training_table(rows) : comparison_table(rows); };
    std::ostringstream out;
    out << "flashsim: attention " << (p.pass == Pass::fwd ? "forward" : p.pass == Pass::bwd ? "backward" : "forward+backward") << ", " << p.describe() << ", on the " << g.name << " preset\n";
    out << g.description << "\n";
    out << "SRAM per SM " << human_bytes(double(g.sram_bytes_per_sm)) << " = M of " << g.sram_bytes_per_sm / p.es() << " "
        << to_string(p.dtype) << " elements\n\n";
    out << "1) The papers' IO model (no L2: every global access is an HBM access)\n";
    // Rows the fast engine estimated, under their table.
    auto engine_lines = [&](const std::vector<RunResult>& rows) {
        for (const auto& r : rows)
            if (fast_engine(r.timing))
                out << "  " << to_string(r.schedule.algo) << ": the fast engine's estimate (" << engine_estimates(r.timing)
                    << "; --exact for the reference)\n";
    };
    out << table(paper);
    engine_lines(paper);
    out << "\nformula vs simulated HBM bytes (exact counts from the listings):\n";
    for (const auto& r : paper) {
        const bool ok = r.analytic.available && r.analytic.hbm_read_bytes == r.counts.total.hbm_read_bytes &&
                        r.analytic.hbm_write_bytes == r.counts.total.hbm_write_bytes;
        out << "  " << to_string(r.schedule.algo) << std::string(9 - std::string(to_string(r.schedule.algo)).size(), ' ')
            << "read  " << r.analytic.read_formula << "\n           write " << r.analytic.write_formula << "  "
            << (ok ? "= simulated" : "!= simulated") << "\n";
    }
    out << "  orders of growth (FA1 paper, Theorem 2): standard Theta(" << paper[0].theta_standard.expression << ") = "
        << human_count(paper[0].theta_standard.elements) << " el,\n    FlashAttention Theta(" << paper[0].theta_flash.expression
        << ") = " << human_count(paper[0].theta_flash.elements) << " el\n";
    if (!modelled.empty() && !modelled.front().paper_mode) {
        out << "\n2) With the " << human_bytes(double(g.l2_bytes)) << " L2 and the timing model\n";
        out << table(modelled);
        for (const auto& r : modelled)
            if (r.l2_dirty_bytes_at_end)
                out << "  " << to_string(r.schedule.algo) << ": " << human_bytes(double(r.l2_dirty_bytes_at_end))
                    << " written but still dirty in L2 at the end (not yet an HBM write, as ncu sees it)\n";
        engine_lines(modelled);
    }
    if (training) {
        out << "\n" << training_reading();
        std::cout << out.str();
        return 0;
    }
    out << "\nReading it: vanilla writes the N x N scores S and probabilities P to HBM and reads them\n"
           "back; FlashAttention keeps each Br x Bc tile of S and P in SRAM and never stores them.\n"
           "FA1 re-reads and re-writes O, l, m once per key block (Tc times); FA2 keeps Oi on chip\n"
           "and writes it once, so its traffic is Q once plus K and V once per query block (Tr).\n";
    if (modelled.size() == 3 && modelled[1].timing.valid) {
        // Time: FA1 has one CTA per (batch, head); FA2 one per (query block, batch, head).
        const int64_t fa1_ctas = p.heads(), fa2_ctas = p.heads() * modelled[2].schedule.Tr(p);
        out << "Time: FA1 runs one CTA per (batch, head): " << fa1_ctas << " CTAs for " << g.sm_count
            << " SMs here, so most SMs idle;\nFA2 also splits the queries into Tr blocks (" << fa2_ctas
            << " CTAs) and fills the GPU (FA2 paper, section 3.2).\n";
    }
    out << "Try: flashsim run --algo fa2 --N 4096 --Br 64 --Bc 64   or   flashsim sweep --help\n";
    std::cout << out.str();
    return 0;
}

}  // namespace flashsim::cli
