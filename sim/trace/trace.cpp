// trace.cpp: tensor shapes, names, and the dispatch from (algorithm, pass) to generators.
#include "sim/trace/trace.h"

#include "sim/core/errors.h"
#include "sim/gpu/gpu_spec.h"
#include "sim/trace/generators.h"

namespace flashsim {

const char* to_string(Tensor t) {
    static const char* names[kTensorCount] = {"Q", "K", "V", "S", "P", "O", "l", "m",
                                              "LSE", "dO", "dQ", "dK", "dV", "dS", "dP", "D", "dQacc"};
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
    return s;
}

Trace make_trace(const AttentionProblem& p, const Schedule& s, const GpuSpec& g) {
    Trace t;
    t.problem = p;
    t.schedule = s;
    t.shapes = tensor_shapes(p);
    const bool fwd = p.pass == Pass::fwd || p.pass == Pass::fwdbwd;
    const bool bwd = p.pass == Pass::bwd || p.pass == Pass::fwdbwd;
    if (fwd) {
        switch (s.algo) {
            case Algorithm::vanilla: append_vanilla_forward(t, g); t.listings.push_back(vanilla_listing()); break;
            case Algorithm::fa1: append_fa1_forward(t, g); t.listings.push_back(fa1_listing()); break;
            case Algorithm::fa2: append_fa2_forward(t, g); t.listings.push_back(fa2_listing()); break;
            case Algorithm::fa3: append_fa2_forward(t, g); t.listings.push_back(fa3_listing()); break;
        }
    }
    if (bwd) append_backward(t, g);
    return t;
}

}  // namespace flashsim
