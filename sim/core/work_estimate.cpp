// work_estimate.cpp: the tile-step estimate of a run (see work_estimate.h).
#include "sim/core/work_estimate.h"

#include <algorithm>
#include <cstdio>

#include "sim/analytic/analytic.h"
#include "sim/core/errors.h"

namespace flashsim {

namespace {

std::string num(double v) {
    char b[32];
    std::snprintf(b, sizeof b, v < 1e13 ? "%.0f" : "%.3g", v);
    return b;
}

std::string duration(double s) {
    char b[48];
    if (s < 120) std::snprintf(b, sizeof b, "%.0f s", s);
    else if (s < 7200) std::snprintf(b, sizeof b, "%.0f minutes", s / 60);
    else if (s < 3 * 86400) std::snprintf(b, sizeof b, "%.0f hours", s / 3600);
    else std::snprintf(b, sizeof b, "%.3g days", s / 86400);
    return b;
}

}  // namespace

WorkEstimate estimate_work(const AttentionProblem& p, const Schedule& s, bool timing, bool l2_model) {
    // Kernels walked per head: the forward pass, the backward pass's dK/dV and dQ walks.
    const double passes = p.pass == Pass::fwd ? 1 : p.pass == Pass::bwd ? 2 : 3;
    const double all = double(p.B) * double(p.H), heads = timing ? all : 1.0;
    const double Tr = double(s.Tr(p)), Tc = double(s.Tc(p));
    WorkEstimate w;
    w.tile_steps = heads * Tr * Tc * passes;
    if (timing && l2_model) {
        // Global bytes through the L2 model: the paper-mode bytes of the algorithm table's closed
        // forms (every head, every pass) stand for them; an order of magnitude is all it needs.
        const AnalyticCounts a = exact_counts(p, s);
        if (a.available) w.l2_model_bytes = double(a.hbm_read_bytes) + double(a.hbm_write_bytes);
    }
    w.seconds = w.tile_steps / kTileStepsPerSecond + w.l2_model_bytes / kL2ModelBytesPerSecond +
                (timing && l2_model ? kRunSecondsWithL2Model : kRunSecondsWithoutL2Model);
    w.arithmetic = num(heads) + (timing ? (heads == 1 ? " head" : " heads") : " head (counting only)") + " x Tr=" + num(Tr) + " x Tc=" + num(Tc) +
                   " x " + num(passes) + (passes == 1 ? " pass" : " passes") + " = " + num(w.tile_steps) + " tile steps";
    if (w.l2_model_bytes > 0) w.arithmetic += " and " + num(w.l2_model_bytes) + " bytes through the L2 model";
    w.arithmetic += ", about " + duration(w.seconds);
    return w;
}

WorkEstimate estimate_walk(const EngineWork& e) {
    WorkEstimate w;
    const bool l2 = e.granule_bytes > 0;
    double lookups = 0, per_lookup = 0;
    if (l2) {
        const double S = std::max(1.0, e.set_sampling);
        lookups = e.global_bytes / e.granule_bytes + e.transfers;
        const double full = e.model_host_bytes <= kHostCacheBytes ? kSecondsPerLookupInHostCache : kSecondsPerLookupOutOfHostCache;
        per_lookup = full / S + kSecondsPerSkippedGranule * (1 - 1 / S);
        w.l2_model_bytes = e.global_bytes;
    }
    w.seconds = e.ops * kSecondsPerOp + lookups * per_lookup + (l2 ? kRunSecondsWithL2Model : kRunSecondsWithoutL2Model);
    w.arithmetic = num(e.ops) + " ops";
    if (l2) {
        w.arithmetic += " and " + num(lookups) + " L2 lookups of " + num(e.granule_bytes) + " B granules";
        if (e.set_sampling > 1) w.arithmetic += " (1 in " + num(e.set_sampling) + " sets in full)";
    }
    w.arithmetic += ", about " + duration(w.seconds);
    return w;
}

WorkEstimate refuse_over_bound(const AttentionProblem& p, const Schedule& s, const WorkEstimate& w) {
    if (w.seconds > kMaxWorkSeconds)
        throw ConfigError(p.describe() + ", " + s.describe() + ": " + w.arithmetic +
                          "; allowed: runs estimated under 1 hour (larger Br/Bc, a smaller N, fewer heads, --paper, or "
                          "--no-timing to count one head)");
    return w;
}

}  // namespace flashsim
