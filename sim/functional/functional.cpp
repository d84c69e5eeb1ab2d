// functional.cpp: inputs, the double reference, the size limits and the dispatch.
#include "sim/functional/functional.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "sim/algorithms/algorithm.h"
#include "sim/core/errors.h"
#include "sim/core/seeded_inputs.h"
#include "sim/functional/element_types.h"
#include "sim/functional/kernels.h"

namespace flashsim {

std::vector<float> seeded_tensor(const AttentionProblem& p, uint32_t tensor, uint64_t seed) {
    const int64_t rows = tensor == kSeedQ || tensor == kSeeddO ? p.N : p.Nk();
    std::vector<float> v(size_t(p.heads() * rows * p.d));
    for (size_t i = 0; i < v.size(); ++i) v[i] = round_to_dtype(seeded_value(seed, tensor, uint64_t(i)), p.dtype);
    return v;
}

Reference reference_attention(const AttentionProblem& p, const std::vector<float>& Q, const std::vector<float>& K,
                              const std::vector<float>& V) {
    const int64_t N = p.N, Nk = p.Nk(), d = p.d;
    const double tau = 1.0 / std::sqrt(double(d));
    Reference r;
    r.O.assign(size_t(p.heads() * N * d), 0.0);
    r.LSE.assign(size_t(p.heads() * N), 0.0);
    std::vector<double> s(static_cast<size_t>(Nk));
    for (int64_t bh = 0; bh < p.heads(); ++bh) {
        const float* q = Q.data() + bh * N * d;
        const float* k = K.data() + bh * Nk * d;
        const float* v = V.data() + bh * Nk * d;
        for (int64_t n = 0; n < N; ++n) {
            const int64_t keys = p.causal ? n + 1 : Nk;  // causal: key n' <= query n
            double mx = -std::numeric_limits<double>::infinity();
            for (int64_t kk = 0; kk < keys; ++kk) {
                double dot = 0;
                for (int64_t c = 0; c < d; ++c) dot += double(q[n * d + c]) * double(k[kk * d + c]);
                s[size_t(kk)] = dot * tau;
                mx = std::max(mx, s[size_t(kk)]);
            }
            double sum = 0;
            for (int64_t kk = 0; kk < keys; ++kk) sum += (s[size_t(kk)] = std::exp(s[size_t(kk)] - mx));
            double* o = r.O.data() + (bh * N + n) * d;
            for (int64_t kk = 0; kk < keys; ++kk) {
                const double w = s[size_t(kk)] / sum;
                for (int64_t c = 0; c < d; ++c) o[c] += w * double(v[kk * d + c]);
            }
            r.LSE[size_t(bh * N + n)] = mx + std::log(sum);
        }
    }
    return r;
}

double functional_tolerance(Dtype t) {
    switch (t) {
        case Dtype::fp32: return 1e-5;
        case Dtype::fp16: return 2e-3;
        case Dtype::bf16: return 1.6e-2;
        case Dtype::fp8: return 0.25;
    }
    return 0;
}

void check_functional_size(const AttentionProblem& p, Algorithm algo) {
    const double work = double(p.heads()) * double(p.N) * double(p.Nk()) * double(p.d);
    const double limit = double(int64_t(1) << 32);
    if (work > limit)
        throw ConfigError("functional run of " + p.describe() + ": B*H*N*N_kv*d = " + std::to_string(int64_t(work)) +
                          " is too large to execute; allowed: at most 2^32 = 4294967296 (try a smaller N, d or H)");
    const double scores = double(p.heads()) * double(p.N) * double(p.Nk());
    if (algorithm_info(algo).unfused && scores > double(int64_t(1) << 26))
        throw ConfigError("functional run of " + std::string(to_string(algo)) + ", " + p.describe() + ": B*H*N*N_kv = " +
                          std::to_string(int64_t(scores)) + " elements of S and P; allowed: at most 2^26 = 67108864");
}

namespace {

// The algorithms the functional layer executes: "vanilla, fa1, fa2, fa3".
std::string functional_algorithms() {
    std::string names;
    for (const AlgorithmInfo* b : all_algorithms())
        if (b->run_functional) names += std::string(names.empty() ? "" : ", ") + b->name;
    return names;
}

// "naive tiles apply to the tiled algorithms; allowed with --algo fa1, fa2 or fa3, not vanilla"
std::string naive_tiles_error(const AlgorithmInfo& a) {
    std::string tiled;
    for (const AlgorithmInfo* b : all_algorithms())
        if (!b->unfused) tiled += std::string(tiled.empty() ? "" : ", ") + b->name;
    const size_t last = tiled.rfind(", ");
    if (last != std::string::npos) tiled.replace(last, 2, " or ");
    return "naive tiles apply to the tiled algorithms; allowed with --algo " + tiled + ", not " + a.name;
}

}  // namespace

FunctionalResult run_functional(const AttentionProblem& p, const Schedule& resolved, const GpuSpec& g, uint64_t seed) {
    FunctionalOptions o;
    o.seed = seed;
    return run_functional(p, resolved, g, o);
}

FunctionalResult run_functional(const AttentionProblem& p, const Schedule& s, const GpuSpec& g,
                                const FunctionalOptions& o) {
    p.validate();
    if (p.pass != Pass::fwd)
        throw ConfigError(std::string("functional run: pass=") + to_string(p.pass) + " is not executed yet; allowed: fwd");
    if (s.Br < 1 || s.Br > p.N)
        throw ConfigError("functional run: Br=" + std::to_string(s.Br) + " is out of range; allowed: 1 to N=" + std::to_string(p.N));
    if (s.Bc < 1 || s.Bc > p.Nk())
        throw ConfigError("functional run: Bc=" + std::to_string(s.Bc) + " is out of range; allowed: 1 to N_kv=" +
                          std::to_string(p.Nk()));
    const AlgorithmInfo& a = algorithm_info(s.algo);
    if (!a.run_functional)
        throw ConfigError(std::string("functional run: algo=") + a.name + " has no functional implementation; allowed: " +
                          functional_algorithms());
    if (o.naive_tiles && a.unfused) throw ConfigError(naive_tiles_error(a));
    check_functional_size(p, s.algo);

    GlobalMemory hbm(p);
    hbm.array(Tensor::Q) = seeded_tensor(p, kSeedQ, o.seed);
    hbm.array(Tensor::K) = seeded_tensor(p, kSeedK, o.seed);
    hbm.array(Tensor::V) = seeded_tensor(p, kSeedV, o.seed);
    FunctionalContext cx{p, s, g, hbm, o.naive_tiles};
    a.run_functional(cx);

    FunctionalResult r;
    r.O = hbm.array(Tensor::O);
    if (!o.naive_tiles && a.saved == SavedStatistics::row_max_sum) {
        const auto& l = hbm.array(Tensor::l);
        const auto& m = hbm.array(Tensor::m);
        r.LSE.resize(l.size());
        for (size_t n = 0; n < l.size(); ++n) r.LSE[n] = m[n] + std::log(l[n]);
    } else if (!o.naive_tiles && a.saved == SavedStatistics::logsumexp) {
        r.LSE = hbm.array(Tensor::LSE);
    }
    hbm.counts.total = Traffic{};
    for (const auto& t : hbm.counts.per_tensor) hbm.counts.total += t;
    r.counts = hbm.counts;
    r.sram_peak_bytes = cx.sram_peak_bytes;
    r.register_peak_bytes = cx.register_peak_bytes;

    const Reference ref = reference_attention(p, hbm.array(Tensor::Q), hbm.array(Tensor::K), hbm.array(Tensor::V));
    double max_ref = 0;
    for (size_t e = 0; e < ref.O.size(); ++e) {
        r.max_abs_err = std::max(r.max_abs_err, std::fabs(double(r.O[e]) - ref.O[e]));
        max_ref = std::max(max_ref, std::fabs(ref.O[e]));
        if (std::isnan(r.O[e])) r.max_abs_err = std::numeric_limits<double>::infinity();
    }
    r.max_rel_err = max_ref > 0 ? r.max_abs_err / max_ref : r.max_abs_err;
    for (size_t n = 0; n < r.LSE.size(); ++n)
        r.lse_max_abs_err = std::max(r.lse_max_abs_err, std::fabs(double(r.LSE[n]) - ref.LSE[n]));
    return r;
}

}  // namespace flashsim
