// Standard attention as PyTorch runs it (the FA paper's Figure 2 baseline): one kernel per
// operation, the dropout mask stored one byte per element. The closed forms (sim/analytic/
// standard.h) equal the traced counts, and each kernel moves what its listing line says.
#include <doctest/doctest.h>

#include <string>

#include "backward_helpers.h"
#include "sim/analytic/backward.h"
#include "sim/trace/op.h"

using namespace flashsim;
using namespace flashsim::test;

TEST_CASE("the closed forms of standard attention equal the simulated forward, backward and both, ideal and tiled") {
    const GpuSpec g = roomy_gpu();
    for (const auto& sh : kBwdShapes)
        for (bool causal : {false, true})
            for (GemmTiling gemm : {GemmTiling::ideal, GemmTiling::tiled})
                for (Pass pass : {Pass::fwd, Pass::bwd, Pass::fwdbwd}) {
                    const AttentionProblem p = bwd_problem(sh, causal, pass, 2);
                    Schedule s;
                    s.algo = Algorithm::standard;
                    s.Br = sh.Br, s.Bc = sh.Bc, s.vanilla_gemm = gemm;
                    if (pass == Pass::fwdbwd) s.bwd_Br = sh.Bc, s.bwd_Bc = sh.Br;  // the backward on other blocks
                    check_closed_form_matches_trace(p, s, g);
                }
}

TEST_CASE("standard attention stores the dropout mask as one byte per element and reads it once in the backward") {
    const BwdShape sh{300, 32, 64, 32, Dtype::bf16};
    for (bool causal : {false, true}) {
        const AttentionProblem p = bwd_problem(sh, causal, Pass::fwdbwd, 3);
        Schedule s;
        s.algo = Algorithm::standard;
        const GpuSpec g = roomy_gpu();
        const Trace t = make_trace(p, resolve_schedule(s, p, g), g);
        const CountResult r = count_paper_mode(t);
        const uint64_t NN = uint64_t(sh.N) * sh.N * p.heads(), es = uint64_t(p.es());
        const Traffic& Z = r.total.per_tensor[size_t(Tensor::Z)];
        CHECK(Z.hbm_write_bytes == NN * kMaskBytes);
        CHECK(Z.hbm_read_bytes == NN * kMaskBytes);
        // P is written by the softmax and read twice: by the dropout, and by the softmax's backward.
        const Traffic& P = r.total.per_tensor[size_t(Tensor::P)];
        CHECK(P.hbm_write_bytes == NN * es);
        CHECK(P.hbm_read_bytes == 2 * NN * es);
        // The mask kernels run only under a causal mask: 6 + 8 kernels, else 5 + 7.
        CHECK(t.kernels.size() == (causal ? 14u : 12u));
        bool has_mask = false;
        for (const auto& k : t.kernels) has_mask = has_mask || k->name.find("mask") != std::string::npos;
        CHECK(has_mask == causal);
    }
}
