// KernelTrace::dense_loops: a kernel that says its loops ignore the causal mask issues the same ops
// with and without it (the iteration skip takes such a kernel in a causal run), and every kernel
// whose ops change with the mask says otherwise.
#include <doctest/doctest.h>

#include <string>
#include <tuple>

#include "backward_helpers.h"
#include "cta_ops.h"
#include "sim/trace/op.h"

using namespace flashsim;
using namespace flashsim::test;

namespace {

bool same_ops(const KernelTrace& a, const KernelTrace& b, int64_t cta) {
    const auto x = cta_ops(a, cta), y = cta_ops(b, cta);
    if (x.size() != y.size()) return false;
    const auto fields = [](const Op& o) {
        return std::tuple(o.kind, o.tensor, o.line, o.flags, o.bh, o.row0, o.rows, o.col0, o.cols, o.bytes, o.flops, o.exps);
    };
    for (size_t i = 0; i < x.size(); ++i)
        if (fields(x[i]) != fields(y[i])) return false;
    return true;
}

}  // namespace

TEST_CASE("kernels whose loops ignore the causal mask issue the same ops with it, and only they say so") {
    const GpuSpec g = roomy_gpu();
    for (Algorithm a : {Algorithm::vanilla, Algorithm::standard, Algorithm::fa1, Algorithm::fa2, Algorithm::fa3})
        for (const BwdShape& sh : {BwdShape{1000, 64, 64, 128, Dtype::fp16}, BwdShape{513, 128, 128, 64, Dtype::bf16}})
            for (MatmulUnit unit : {MatmulUnit::tensor, MatmulUnit::fma}) {
                if (a == Algorithm::fa3 && unit == MatmulUnit::fma) continue;
                const Pass pass = a == Algorithm::fa3 ? Pass::fwd : Pass::fwdbwd;
                Schedule s;
                s.algo = a;
                s.matmul_unit = unit;
                const AttentionProblem open = bwd_problem(sh, false, pass, 2), masked = bwd_problem(sh, true, pass, 2);
                const Trace t0 = make_trace(open, resolve_schedule(s, open, g), g);
                const Trace t1 = make_trace(masked, resolve_schedule(s, masked, g), g);
                int dense = 0;
                for (const auto& k : t1.kernels) {
                    INFO(std::string(to_string(a)), " ", k->name, " N = ", sh.N);
                    const KernelTrace* twin = nullptr;
                    for (const auto& o : t0.kernels)
                        if (o->name == k->name) twin = o.get();
                    if (!k->dense_loops) {
                        // A fused kernel's loops follow the mask: some CTA's ops differ (its
                        // element-wise helpers, which say nothing, may not).
                        bool gemms = false;
                        for (const Op& op : cta_ops(*k, 0)) gemms = gemms || op.kind == OpKind::matmul;
                        if (twin && gemms) {
                            bool differ = false;
                            for (int64_t c = 0; c < k->cta_count() && !differ; ++c) differ = !same_ops(*k, *twin, c);
                            CHECK(differ);
                        }
                        continue;
                    }
                    ++dense;
                    REQUIRE(twin != nullptr);
                    REQUIRE(twin->dense_loops);
                    REQUIRE(k->cta_count() == twin->cta_count());
                    for (int64_t c = 0; c < k->cta_count(); ++c) CHECK(same_ops(*k, *twin, c));
                }
                // Vanilla and standard attention: every GEMM, two of the forward's and four of the
                // backward's (dV, dP, dQ, dK).
                if (a == Algorithm::vanilla || a == Algorithm::standard) CHECK(dense == 6);
                else CHECK(dense == 0);
            }
}
