// The backward algorithms executed for real (Eigen, fp32 tiles) give the textbook gradients,
// the textbook gradients agree with finite differences, and the bytes the execution loads,
// stores and adds atomically equal the paper-mode trace's global traffic, tensor by tensor.
//
// Tolerances: fp32 tiles against a double reference, inputs in [-1, 1), N <= 100, d <= 32:
// |err| <= 2e-5 + 1e-3 |ref| (fp32 epsilon 6e-8 times sums of ~N*d terms, with margin).
// Finite differences, central, h = 1e-5, in double: truncation ~h^2 and rounding ~1e-16/h, so
// |err| <= 1e-7 + 1e-6 |ref| between reference and differences.
#include <doctest/doctest.h>

#include "sim/core/errors.h"
#include "sim/engine/counting.h"
#include "sim/functional/backward.h"
#include "sim/gpu/gpu_spec.h"

using namespace flashsim;

namespace {

struct Case {
    int64_t B, H, N, d, Br, Bc;
};

// N not a multiple of Br or Bc, Br != Bc both ways, one block, a single row.
const Case kCases[] = {{1, 2, 100, 32, 32, 24}, {2, 1, 37, 16, 8, 16}, {1, 1, 64, 8, 64, 64}, {1, 1, 1, 4, 1, 1}};

AttentionProblem problem(const Case& k, bool causal) {
    AttentionProblem p;
    p.B = k.B;
    p.H = k.H;
    p.N = k.N;
    p.d = k.d;
    p.causal = causal;
    p.pass = Pass::bwd;
    return p;
}

Schedule resolved(Algorithm a, const Case& k, const AttentionProblem& p) {
    Schedule s;
    s.algo = a;
    s.Br = k.Br;
    s.Bc = k.Bc;
    GpuSpec g = load_gpu("h100");
    g.sram_bytes_per_sm = int64_t(1) << 30;
    return resolve_schedule(s, p, g);
}

}  // namespace

TEST_CASE("the tiled backward of vanilla, fa1 and fa2 gives the reference gradients, causal and not") {
    for (const Case& k : kCases)
        for (bool causal : {false, true}) {
            const AttentionProblem p = problem(k, causal);
            const BackwardInputs in = seeded_backward_inputs(p, 42);
            const Gradients ref = reference_gradients(p, in);
            for (Algorithm a : {Algorithm::vanilla, Algorithm::fa1, Algorithm::fa2}) {
                CAPTURE(to_string(a));
                CAPTURE(p.describe());
                const FunctionalBackward f = run_backward_functional(p, resolved(a, k, p), in);
                CHECK(gradient_error(f.grads, ref, 2e-5, 1e-3) <= 1.0);
            }
        }
}

TEST_CASE("the reference gradients agree with finite differences of sum(dO o O)") {
    for (bool causal : {false, true}) {
        AttentionProblem p;
        p.B = 1;
        p.H = 2;
        p.N = 7;
        p.d = 4;
        p.causal = causal;
        p.pass = Pass::bwd;
        const BackwardInputs in = seeded_backward_inputs(p, 7);
        const Gradients ref = reference_gradients(p, in);
        CHECK(gradient_error(ref, finite_difference_gradients(p, in, 1e-5), 1e-7, 1e-6) <= 1.0);
        // and the tiled algorithms, at fp32 tolerance, against the differences directly
        const Case k{1, 2, 7, 4, 3, 2};
        for (Algorithm a : {Algorithm::vanilla, Algorithm::fa1, Algorithm::fa2}) {
            const FunctionalBackward f = run_backward_functional(p, resolved(a, k, p), in);
            CHECK(gradient_error(f.grads, finite_difference_gradients(p, in, 1e-5), 2e-5, 1e-3) <= 1.0);
        }
    }
}

TEST_CASE("a wrong gradient is caught: the check fails when dK is perturbed") {
    const Case k{1, 1, 20, 8, 8, 8};
    const AttentionProblem p = problem(k, false);
    const BackwardInputs in = seeded_backward_inputs(p, 3);
    FunctionalBackward f = run_backward_functional(p, resolved(Algorithm::fa2, k, p), in);
    f.grads.dK[0](3, 2) += 1e-2;
    CHECK(gradient_error(f.grads, reference_gradients(p, in), 2e-5, 1e-3) > 1.0);
}

TEST_CASE("the bytes the functional backward moves equal the trace's global traffic per tensor") {
    for (const Case& k : kCases)
        for (bool causal : {false, true})
            for (Algorithm a : {Algorithm::vanilla, Algorithm::fa1, Algorithm::fa2}) {
                const AttentionProblem p = problem(k, causal);
                const Schedule s = resolved(a, k, p);
                const FunctionalBackward f = run_backward_functional(p, s, seeded_backward_inputs(p, 1));
                const Counters c = count_paper_mode(make_trace(p, s, load_gpu("h100")), true).total;
                CAPTURE(to_string(a));
                CAPTURE(p.describe());
                for (int t = 0; t < kTensorCount; ++t) {
                    CAPTURE(to_string(Tensor(t)));
                    CHECK(f.traffic[size_t(t)].global_read_bytes == c.per_tensor[size_t(t)].global_read_bytes);
                    CHECK(f.traffic[size_t(t)].global_write_bytes == c.per_tensor[size_t(t)].global_write_bytes);
                    CHECK(f.traffic[size_t(t)].atomic_bytes == c.per_tensor[size_t(t)].atomic_bytes);
                }
                CHECK(c.total.global_read_bytes > 0);
            }
}

TEST_CASE("the functional backward refuses fa3") {
    const Case k{1, 1, 16, 8, 8, 8};
    const AttentionProblem p = problem(k, false);
    Schedule s;
    s.algo = Algorithm::fa3;
    s.Br = s.Bc = 8;
    CHECK_THROWS_AS(run_backward_functional(p, s, seeded_backward_inputs(p, 1)), ConfigError);
}
