// backward.cpp: backward-pass dispatch from the algorithm to its generator (backward_*.cpp).
// FA3's backward is not modelled and FP8 training backward is not modelled (the problem's
// validate() rejects it); both are clear errors, never a silent forward-only result.
#include "sim/core/errors.h"
#include "sim/gpu/gpu_spec.h"
#include "sim/trace/backward.h"
#include "sim/trace/generators.h"

namespace flashsim {

void append_backward(Trace& t, const GpuSpec& g) {
    const AttentionProblem& p = t.problem;
    if (p.dtype == Dtype::fp8)
        throw ConfigError(std::string("pass=") + to_string(p.pass) +
                          " with dtype=fp8: FP8 training backward is not modelled; allowed: fp32, fp16, bf16");
    // The forward kernels of a fwdbwd trace were built with the pass's footprint, which is the
    // backward's (the larger); give them the forward's own, which is what they hold on chip.
    if (p.pass == Pass::fwdbwd) {
        AttentionProblem fwd = p;
        fwd.pass = Pass::fwd;
        const Footprint f = forward_footprint(t.schedule, fwd, g);
        for (auto& k : t.kernels) k->footprint = f;
    }
    switch (t.schedule.algo) {
        case Algorithm::vanilla: append_vanilla_backward(t, g); t.listings.push_back(vanilla_backward_listing()); return;
        case Algorithm::fa1: append_fa1_backward(t, g); t.listings.push_back(fa1_backward_listing()); return;
        case Algorithm::fa2: append_fa2_backward(t, g); t.listings.push_back(fa2_backward_listing()); return;
        case Algorithm::fa3: break;
    }
    throw ConfigError(std::string("pass=") + to_string(p.pass) + " with algo=" + to_string(t.schedule.algo) +
                      ": the FlashAttention-3 backward is not modelled; allowed: --pass fwd with fa3, or "
                      "--algo vanilla, fa1 or fa2 for bwd and fwdbwd");
}

}  // namespace flashsim
