// fuzz_gpu_toml.cpp: GPU presets (TOML) as `--gpu FILE` reads them. A preset that loads must
// simulate a small problem to finite counts and times (checked arithmetic, ranges).
#include "sim/engine/simulate.h"
#include "sim/gpu/gpu_spec.h"
#include "tests/fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace flashsim;
    fuzz::expect_config_error_or_success([&] {
        const GpuSpec g = parse_gpu_toml(fuzz::as_text(data, size), "fuzz.toml");
        AttentionProblem p;
        p.N = 256, p.d = 32, p.H = 1, p.B = 1;
        Schedule s;
        s.algo = Algorithm::fa2;
        SimOptions o;
        o.paper_mode = g.l2_bytes > (int64_t(8) << 20);  // keep one run fast: no huge L2 model
        const RunResult r = simulate(p, s, g, o);
        fuzz::require_finite(r.timing.seconds);
        fuzz::require_finite(r.timing.cycles);
    });
    return 0;
}
