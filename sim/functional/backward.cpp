// backward.cpp: inputs, the double-precision reference and finite differences, the counted
// global memory, and run_backward_functional (the tiled algorithms are in backward_tiled.cpp).
#include "sim/functional/backward.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "sim/algorithms/algorithm.h"
#include "sim/core/errors.h"
#include "sim/core/seeded_inputs.h"

namespace flashsim {

namespace {

using Eigen::MatrixXd;

HeadMatrices seeded(const AttentionProblem& p, uint32_t tensor, int64_t rows, uint64_t seed) {
    HeadMatrices out;
    for (int64_t bh = 0; bh < p.heads(); ++bh) {
        MatrixXd m(rows, p.d);
        for (int64_t n = 0; n < rows; ++n)
            for (int64_t c = 0; c < p.d; ++c) m(n, c) = seeded_value(seed, tensor, uint64_t((bh * rows + n) * p.d + c));
        out.push_back(m);
    }
    return out;
}

// The forward of one head in double: P = softmax(tau Q K^T, masked), also the row max m and
// sum l of the scaled scores (FA1's statistics); LSE = m + log l.
struct ForwardState {
    MatrixXd P, O;
    Eigen::VectorXd m, l;
};

ForwardState forward_head(const AttentionProblem& p, const MatrixXd& Q, const MatrixXd& K, const MatrixXd& V) {
    const double tau = 1.0 / std::sqrt(double(p.d));
    MatrixXd S = tau * Q * K.transpose();
    ForwardState f;
    f.m.resize(p.N);
    f.l.resize(p.N);
    f.P.resize(p.N, p.Nk());
    for (int64_t n = 0; n < p.N; ++n) {
        double mx = -std::numeric_limits<double>::infinity();
        for (int64_t k = 0; k < p.Nk(); ++k)
            if (!(p.causal && k > n)) mx = std::max(mx, S(n, k));
        double sum = 0;
        for (int64_t k = 0; k < p.Nk(); ++k) {
            const double e = (p.causal && k > n) ? 0.0 : std::exp(S(n, k) - mx);
            f.P(n, k) = e;
            sum += e;
        }
        f.P.row(n) /= sum;
        f.m(n) = mx;
        f.l(n) = sum;
    }
    f.O = f.P * V;
    return f;
}

double loss(const AttentionProblem& p, const BackwardInputs& in) {
    double L = 0;
    for (int64_t bh = 0; bh < p.heads(); ++bh)
        L += in.dO[size_t(bh)].cwiseProduct(forward_head(p, in.Q[size_t(bh)], in.K[size_t(bh)], in.V[size_t(bh)]).O).sum();
    return L;
}

}  // namespace

BackwardInputs seeded_backward_inputs(const AttentionProblem& p, uint64_t seed) {
    return {seeded(p, kSeedQ, p.N, seed), seeded(p, kSeedK, p.Nk(), seed), seeded(p, kSeedV, p.Nk(), seed),
            seeded(p, kSeeddO, p.N, seed)};
}

Gradients reference_gradients(const AttentionProblem& p, const BackwardInputs& in) {
    const double tau = 1.0 / std::sqrt(double(p.d));
    Gradients g;
    for (size_t bh = 0; bh < size_t(p.heads()); ++bh) {
        const ForwardState f = forward_head(p, in.Q[bh], in.K[bh], in.V[bh]);
        const MatrixXd dP = in.dO[bh] * in.V[bh].transpose();
        const Eigen::VectorXd D = in.dO[bh].cwiseProduct(f.O).rowwise().sum();
        const MatrixXd dS = f.P.cwiseProduct(dP.colwise() - D);
        g.dV.push_back(f.P.transpose() * in.dO[bh]);
        g.dQ.push_back(tau * dS * in.K[bh]);
        g.dK.push_back(tau * dS.transpose() * in.Q[bh]);
    }
    return g;
}

Gradients finite_difference_gradients(const AttentionProblem& p, const BackwardInputs& in, double h) {
    Gradients g;
    BackwardInputs x = in;
    auto diff = [&](HeadMatrices& X, HeadMatrices& out) {
        for (size_t bh = 0; bh < X.size(); ++bh) {
            MatrixXd grad(X[bh].rows(), X[bh].cols());
            for (int64_t r = 0; r < X[bh].rows(); ++r)
                for (int64_t c = 0; c < X[bh].cols(); ++c) {
                    const double v = X[bh](r, c);
                    X[bh](r, c) = v + h;
                    const double up = loss(p, x);
                    X[bh](r, c) = v - h;
                    const double down = loss(p, x);
                    X[bh](r, c) = v;
                    grad(r, c) = (up - down) / (2 * h);
                }
            out.push_back(grad);
        }
    };
    diff(x.Q, g.dQ);
    diff(x.K, g.dK);
    diff(x.V, g.dV);
    return g;
}

double gradient_error(const Gradients& a, const Gradients& b, double atol, double rtol) {
    double worst = 0;
    auto cmp = [&](const HeadMatrices& x, const HeadMatrices& ref) {
        if (x.size() != ref.size()) throw ConfigError("gradient_error: head counts differ");
        for (size_t bh = 0; bh < x.size(); ++bh)
            worst = std::max(worst, ((x[bh] - ref[bh]).cwiseAbs().array() / (atol + rtol * ref[bh].cwiseAbs().array())).maxCoeff());
    };
    cmp(a.dQ, b.dQ);
    cmp(a.dK, b.dK);
    cmp(a.dV, b.dV);
    return worst;
}

BackwardMemory::BackwardMemory(const AttentionProblem& p)
    : shapes_(tensor_shapes(p)), heads_(p.heads()), data_(size_t(kTensorCount * p.heads())) {}

Eigen::MatrixXf& BackwardMemory::raw(Tensor t, int64_t bh) {
    Eigen::MatrixXf& m = data_[size_t(int64_t(t) * heads_ + bh)];
    const TensorShape& sh = shapes_[size_t(t)];
    if (m.size() == 0) m = Eigen::MatrixXf::Zero(sh.rows, sh.cols);
    return m;
}

Eigen::MatrixXf BackwardMemory::load(Tensor t, int64_t bh, int64_t r0, int64_t rows, int64_t c0, int64_t cols) {
    traffic_[size_t(t)].global_read_bytes += uint64_t(rows * cols * shapes_[size_t(t)].elem_bytes);
    return raw(t, bh).block(r0, c0, rows, cols);
}

Eigen::MatrixXf BackwardMemory::load_rows(Tensor t, int64_t bh, int64_t r0, int64_t rows) {
    return load(t, bh, r0, rows, 0, shapes_[size_t(t)].cols);
}

void BackwardMemory::store(Tensor t, int64_t bh, int64_t r0, int64_t c0, const Eigen::MatrixXf& tile) {
    traffic_[size_t(t)].global_write_bytes += uint64_t(tile.size() * shapes_[size_t(t)].elem_bytes);
    raw(t, bh).block(r0, c0, tile.rows(), tile.cols()) = tile;
}

void BackwardMemory::atomic_add(Tensor t, int64_t bh, int64_t r0, int64_t c0, const Eigen::MatrixXf& tile) {
    const uint64_t bytes = uint64_t(tile.size() * shapes_[size_t(t)].elem_bytes);
    traffic_[size_t(t)].global_write_bytes += bytes;
    traffic_[size_t(t)].atomic_bytes += bytes;
    raw(t, bh).block(r0, c0, tile.rows(), tile.cols()) += tile;
}

FunctionalBackward run_backward_functional(const AttentionProblem& p, const Schedule& s, const BackwardInputs& in) {
    const AlgorithmInfo& a = algorithm_info(s.algo);
    if (!a.run_functional_backward) {
        std::string with;
        for (const AlgorithmInfo* b : all_algorithms())
            if (b->run_functional_backward) with += std::string(with.empty() ? "" : ", ") + b->name;
        throw ConfigError(std::string("algo=") + a.name + ": " + a.no_backward_reason + "; allowed: " + with);
    }
    BackwardMemory mem(p);
    for (int64_t bh = 0; bh < p.heads(); ++bh) {
        const size_t h = size_t(bh);
        const ForwardState f = forward_head(p, in.Q[h], in.K[h], in.V[h]);
        mem.raw(Tensor::Q, bh) = in.Q[h].cast<float>();
        mem.raw(Tensor::K, bh) = in.K[h].cast<float>();
        mem.raw(Tensor::V, bh) = in.V[h].cast<float>();
        mem.raw(Tensor::dO, bh) = in.dO[h].cast<float>();
        mem.raw(Tensor::O, bh) = f.O.cast<float>();
        switch (a.saved) {  // what the forward left in HBM
            case SavedStatistics::probabilities: mem.raw(Tensor::P, bh) = f.P.cast<float>(); break;
            case SavedStatistics::row_max_sum:
                mem.raw(Tensor::m, bh) = f.m.cast<float>();
                mem.raw(Tensor::l, bh) = f.l.cast<float>();
                break;
            case SavedStatistics::logsumexp:
                mem.raw(Tensor::LSE, bh) = (f.m.array() + f.l.array().log()).matrix().cast<float>();
                break;
        }
    }
    a.run_functional_backward(p, s, mem);
    FunctionalBackward r;
    r.traffic = mem.traffic();
    for (int64_t bh = 0; bh < p.heads(); ++bh) {
        r.grads.dQ.push_back(mem.raw(Tensor::dQ, bh).cast<double>());
        r.grads.dK.push_back(mem.raw(Tensor::dK, bh).cast<double>());
        r.grads.dV.push_back(mem.raw(Tensor::dV, bh).cast<double>());
    }
    return r;
}

}  // namespace flashsim
