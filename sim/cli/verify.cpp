// verify.cpp: `flashsim verify`. Executes one configuration for real with the functional layer
// (seeded inputs, tiles copied into a capacity-limited SRAM arena) and prints the output's
// error against the double-precision reference and whether the bytes the execution moved equal
// the bytes the counting layer counted, per tensor. --dump-output writes O as JSON.
// Exit status: 0, or 1 when the functional bytes differ from the counted ones (a model bug).
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "sim/cli/commands.h"
#include "sim/cli/options.h"
#include "sim/cli/report.h"
#include "sim/core/errors.h"
#include "sim/functional/verify.h"

namespace flashsim::cli {

namespace {

std::string sci(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3g", v);
    return buf;
}

}  // namespace

int cmd_verify(int argc, const char* const* argv) {
    CommonOptions o;
    o.N = 256;
    o.heads = 2;
    uint64_t seed = 1;
    bool naive = false;
    std::string dump_path;
    po::options_description desc("verify options");
    add_common_options(desc, o);
    desc.add_options()("seed", po::value(&seed)->default_value(seed), "seed of the inputs Q, K, V")(
        "naive-tiles", po::bool_switch(&naive), "the teaching mistake: softmax of each tile alone, outputs summed")(
        "dump-output", po::value(&dump_path), "write {B, H, N, d, dtype, causal, seed, O} as JSON to FILE");
    po::variables_map vm;
    if (!parse(argc, argv, desc, vm,
               "usage: flashsim verify [options] [--seed S] [--naive-tiles] [--dump-output FILE]\n\n"
               "Runs the tiles for real on seeded inputs (small sizes: B*H*N*N*d <= 2^32) and checks the\n"
               "output against softmax(QK^T/sqrt(d))V in double and the bytes moved against the counts."))
        return 0;
    const AttentionProblem p = o.problem();
    const Schedule requested = o.schedule();
    check_functional_size(p, requested.algo);  // before any work
    check_output_path(dump_path);
    const GpuSpec g = o.gpu_spec();
    FunctionalOptions fo;
    fo.seed = seed;
    fo.naive_tiles = naive;
    const Verification v = verify_functional(p, requested, g, fo);
    const Schedule& s = v.schedule;
    const FunctionalResult& r = v.functional;
    const Counters& counted = v.counted;
    const Footprint& fp = v.footprint;

    std::ostringstream out;
    out << "verify    " << p.describe() << ", " << s.describe() << ", " << g.name << " preset, seed " << seed
        << (naive ? ", NAIVE TILES" : "") << "\n";
    out << "SRAM      peak " << human_bytes(double(r.sram_peak_bytes)) << " of " << human_bytes(double(g.sram_bytes_per_sm))
        << " per SM (footprint model: " << fp.sram_arithmetic << ")\n";
    if (g.register_bytes_per_sm > 0)
        out << "registers peak " << human_bytes(double(r.register_peak_bytes)) << " of " << human_bytes(double(g.register_bytes_per_sm))
            << "\n";
    out << "output    max abs err " << sci(r.max_abs_err) << ", max rel err " << sci(r.max_rel_err)
        << " (vs softmax(QK^T/sqrt(d))V in double on the same " << to_string(p.dtype) << " inputs; rel = abs / max|O_ref|)";
    if (!r.LSE.empty()) out << "; LSE max abs err " << sci(r.lse_max_abs_err);
    out << "\n";
    const double tol = v.tolerance;
    out << "          " << (v.output_matches ? "matches" : "does NOT match") << " the reference (" << to_string(p.dtype)
        << " tolerance: max rel err <= " << sci(tol) << ")\n";

    // Bytes: the functional execution against the counting layer, per tensor.
    const bool equal = v.bytes_equal;
    std::string diffs;
    for (const Tensor tensor : v.differing) {
        const Traffic& a = r.counts.per_tensor[size_t(tensor)];
        const Traffic& b = counted.per_tensor[size_t(tensor)];
        diffs += std::string(" ") + to_string(tensor) + ": functional " + std::to_string(a.hbm_read_bytes) + " rd " +
                 std::to_string(a.hbm_write_bytes) + " wr, counted " + std::to_string(b.hbm_read_bytes) + " rd " +
                 std::to_string(b.hbm_write_bytes) + " wr;";
    }
    out << "bytes     functional " << (equal ? "==" : "!=") << " counted (paper mode, per tensor"
        << (naive ? ", statistics l, m, LSE left out" : "") << "): HBM read "
        << human_bytes(double(r.counts.total.hbm_read_bytes)) << ", write " << human_bytes(double(r.counts.total.hbm_write_bytes))
        << (equal ? "" : ";" + diffs) << "\n";
    std::cout << out.str();

    if (!dump_path.empty()) {
        nlohmann::json j = {{"B", p.B},          {"H", p.H},           {"N", p.N},       {"d", p.d},
                            {"dtype", to_string(p.dtype)}, {"causal", p.causal}, {"seed", seed}, {"algo", to_string(s.algo)},
                            {"O", r.O}};
        write_output(dump_path, j.dump() + "\n");
    }
    return equal ? 0 : 1;
}

}  // namespace flashsim::cli
