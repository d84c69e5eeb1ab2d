// outputs.cpp: the kernels' dumped O against the simulator's functional layer (see compare.h).
//
// The functional layer (sim/functional/functional.h) is optional: where it is not built, every
// output is reported as not checked, with the reason, rather than silently skipped.
#include <algorithm>
#include <cmath>

#include "sim/core/errors.h"
#include "sim/crosscheck/compare.h"

#if __has_include("sim/functional/functional.h")
#include "sim/functional/functional.h"
#define FLASHSIM_CROSSCHECK_HAS_FUNCTIONAL 1
#else
#define FLASHSIM_CROSSCHECK_HAS_FUNCTIONAL 0
#endif

namespace flashsim::crosscheck {

OutputsReport check_outputs(const MeasurementFile& f, const GpuSpec& g) {
    OutputsReport rep;
    rep.functional_available = FLASHSIM_CROSSCHECK_HAS_FUNCTIONAL;
    for (const auto& out : f.outputs) {
        OutputCheck c;
        c.version = out.version;
        c.shape = "B=" + std::to_string(out.B) + " H=" + std::to_string(out.H) + " N=" + std::to_string(out.N) +
                  " d=" + std::to_string(out.d) + " " + out.dtype + (out.causal ? " causal" : "") +
                  " seed=" + std::to_string(out.seed);
        for (float v : out.O) c.unwritten += std::isnan(v);
        // The run of the same version tells which algorithm and blocks the kernel used.
        MeasuredRun run;
        for (const auto& r : f.runs)
            if (r.version == out.version && !r.algo.empty()) run = r;
        run.version = out.version;
        run.B = out.B, run.H = out.H, run.N = out.N, run.d = out.d, run.dtype = out.dtype, run.causal = out.causal;
        if (run.algo.empty()) {
            c.note = "no run of this version says which algorithm it is";
            rep.checks.push_back(c);
            continue;
        }
        run.Br = std::min(run.Br, out.N), run.Bc = std::min(run.Bc, out.N);
#if FLASHSIM_CROSSCHECK_HAS_FUNCTIONAL
        try {
            const SimConfig cfg = sim_config_for(run);
            const Schedule s = resolve_schedule(cfg.schedule, cfg.problem, g);
            const FunctionalResult fr = run_functional(cfg.problem, s, g, out.seed);
            if (fr.O.size() != out.O.size()) {
                c.note = "the functional layer returned " + std::to_string(fr.O.size()) + " elements, the kernel " +
                         std::to_string(out.O.size());
            } else {
                double err = 0;
                for (size_t i = 0; i < out.O.size(); ++i)
                    if (!std::isnan(out.O[i])) err = std::max(err, std::fabs(double(fr.O[i]) - double(out.O[i])));
                c.max_abs_err = err;
            }
        } catch (const ConfigError& e) {
            c.note = e.what();
        }
#else
        (void)g;
        c.note = "functional layer not available";
#endif
        rep.checks.push_back(c);
    }
    return rep;
}

}  // namespace flashsim::crosscheck
