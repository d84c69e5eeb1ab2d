// trace.cpp: tensor shapes, names, and the trace of a schedule from the algorithm table.
#include "sim/trace/trace.h"

#include <algorithm>
#include <utility>

#include "sim/algorithms/algorithm.h"
#include "sim/core/errors.h"

namespace flashsim {

namespace {

// FP8 training backward is not modelled (the problem's validate() rejects it), nor is a backward
// the table does not have: both are clear errors, never a silent forward-only result.
void check_backward_modelled(const AttentionProblem& p, const AlgorithmInfo& a) {
    if (p.dtype == Dtype::fp8)
        throw ConfigError(std::string("pass=") + to_string(p.pass) +
                          " with dtype=fp8: FP8 training backward is not modelled; allowed: fp32, fp16, bf16");
    if (a.backward.modelled()) return;
    std::string with;
    for (const AlgorithmInfo* b : all_algorithms())
        if (b->backward.modelled()) with += std::string(with.empty() ? "" : ", ") + b->name;
    const size_t last = with.rfind(", ");
    if (last != std::string::npos) with.replace(last, 2, " or ");
    throw ConfigError(std::string("pass=") + to_string(p.pass) + " with algo=" + a.name + ": " + a.no_backward_reason +
                      "; allowed: --pass fwd with " + a.name + ", or --algo " + with + " for bwd and fwdbwd");
}

}  // namespace

const char* to_string(Tensor t) {
    static const char* names[kTensorCount] = {"Q", "K", "V", "S", "P", "O", "l", "m",
                                              "LSE", "dO", "dQ", "dK", "dV", "dS", "dP", "D", "dQacc", "Pdrop", "Z"};
    return names[size_t(t)];
}

const char* to_string(OpKind k) {
    switch (k) {
        case OpKind::load: return "load";
        case OpKind::store: return "store";
        case OpKind::atomic_add: return "atomic_add";
        case OpKind::matmul: return "matmul";
        case OpKind::vector: return "vector";
        case OpKind::barrier: return "barrier";
    }
    return "?";
}

TensorShapes tensor_shapes(const AttentionProblem& p) {
    const int64_t N = p.N, Nk = p.Nk(), d = p.d, es = p.es(), st = kStatBytes;
    TensorShapes s{};
    auto set = [&](Tensor t, int64_t r, int64_t c, int64_t e) { s[size_t(t)] = {r, c, e}; };
    set(Tensor::Q, N, d, es);
    set(Tensor::K, Nk, d, es);
    set(Tensor::V, Nk, d, es);
    set(Tensor::S, N, Nk, es);
    set(Tensor::P, N, Nk, es);
    set(Tensor::O, N, d, es);
    set(Tensor::l, N, 1, st);
    set(Tensor::m, N, 1, st);
    set(Tensor::LSE, N, 1, st);
    set(Tensor::dO, N, d, es);
    set(Tensor::dQ, N, d, es);
    set(Tensor::dK, Nk, d, es);
    set(Tensor::dV, Nk, d, es);
    set(Tensor::dS, N, Nk, es);
    set(Tensor::dP, N, Nk, es);
    set(Tensor::D, N, 1, st);
    set(Tensor::dQacc, N, d, kAccumBytes);
    set(Tensor::Pdrop, N, Nk, es);
    set(Tensor::Z, N, Nk, kMaskBytes);
    return s;
}

Trace make_trace(const AttentionProblem& p, const Schedule& s, const GpuSpec& g) {
    const AlgorithmInfo& a = algorithm_info(s.algo);
    Trace t;
    t.problem = p;
    t.schedule = s;
    t.shapes = tensor_shapes(p);
    t.engine = a.engine;
    const bool fwd = p.pass == Pass::fwd || p.pass == Pass::fwdbwd;
    const bool bwd = p.pass == Pass::bwd || p.pass == Pass::fwdbwd;
    if (bwd) check_backward_modelled(p, a);
    // Each pass's generator reads its own knobs from t.schedule (the backward its view).
    const Schedule backward = s.backward();
    for (const auto& [pass, view] : {std::pair{fwd ? &a.forward : nullptr, &s}, {bwd ? &a.backward : nullptr, &backward}}) {
        if (!pass) continue;
        t.schedule = *view;
        t.listings.push_back(pass->listing());  // before the kernels, which name its lines
        const size_t first = t.kernels.size();
        pass->append(t, g);
        for (size_t k = first; k < t.kernels.size(); ++k)
            if (t.kernels[k]->stages == 0) t.kernels[k]->stages = std::max<int64_t>(1, view->stages);
    }
    t.schedule = s;
    return t;
}

}  // namespace flashsim
