// ncu_report.cpp: an ncu CSV export of one's own kernel, its configuration given by the caller,
// compared with the simulator (`flashsim crosscheck FILE.csv --algo ... --gpu ...`).
#include "sim/core/errors.h"
#include "sim/crosscheck/report.h"

namespace flashsim::crosscheck {

CrosscheckReport build_ncu_report(const std::string& source, const NcuCsv& ncu, const std::string& kernel_regex,
                                  const RunOptions& o) {
    if (o.gpu.empty() && o.gpu_toml.empty())
        throw ConfigError("an ncu CSV export names no GPU; pass --gpu PRESET (see `flashsim presets`)");
    const GpuSpec g = o.gpu_spec();
    MeasuredRun run;
    const AttentionProblem p = o.problem();
    run.algo = o.algo;
    run.B = p.B, run.H = p.H, run.N = p.N, run.d = p.d, run.dtype = o.dtype, run.causal = p.causal;
    run.Br = o.Br, run.Bc = o.Bc, run.warps = o.warps, run.stages = o.stages;
    run.ncu = sum_ncu_launches(ncu, kernel_regex);
    run.kernel = std::to_string(run.ncu->kernels.size()) + " kernels";
    const SimConfig cfg{p, o.schedule(), ""};
    const std::string label = "ncu " + ncu.layout + ": " + run.kernel + (kernel_regex.empty() ? "" : " ~ /" + kernel_regex + "/");
    return build_report(source, {compare_run(label, run, cfg, g, o.sim_options())}, g);
}

}  // namespace flashsim::crosscheck
