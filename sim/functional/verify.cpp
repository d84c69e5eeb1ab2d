// verify.cpp: execute, then compare the output with the reference and the bytes with the counts.
#include "sim/functional/verify.h"

#include "sim/algorithms/algorithm.h"
#include "sim/core/errors.h"
#include "sim/engine/counting.h"
#include "sim/trace/trace.h"

namespace flashsim {

Verification verify_functional(const AttentionProblem& p, const Schedule& requested, const GpuSpec& g,
                               const FunctionalOptions& o) {
    check_functional_size(p, requested.algo);  // before any work
    if (const double drop = dropout_p(p, requested.algo); drop > 0)
        throw ConfigError("dropout=" + dropout_text(drop) +
                          ": the functional layer computes attention without dropout, so its output could not be checked; "
                          "allowed: --dropout 0 (the traces' bytes are the same with dropout)");
    Verification v;
    v.schedule = resolve_schedule(requested, p, g);
    v.functional = run_functional(p, v.schedule, g, o);
    v.counted = count_paper_mode(make_trace(p, v.schedule, g)).total;
    v.footprint = footprint(v.schedule, p, g);
    v.tolerance = functional_tolerance(p.dtype);
    v.output_matches = v.functional.max_rel_err <= v.tolerance;
    for (int t = 0; t < kTensorCount; ++t) {
        const Tensor tensor = Tensor(t);
        const bool stat = tensor == Tensor::l || tensor == Tensor::m || tensor == Tensor::LSE;
        if (o.naive_tiles && stat) continue;  // the naive variant keeps no statistics
        v.compared.push_back(tensor);
        const Traffic& a = v.functional.counts.per_tensor[size_t(t)];
        const Traffic& b = v.counted.per_tensor[size_t(t)];
        if (a.hbm_read_bytes != b.hbm_read_bytes || a.hbm_write_bytes != b.hbm_write_bytes ||
            a.global_read_bytes != b.global_read_bytes || a.global_write_bytes != b.global_write_bytes)
            v.differing.push_back(tensor);
    }
    v.bytes_equal = v.differing.empty();
    return v;
}

}  // namespace flashsim
