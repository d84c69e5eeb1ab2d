// backward_tiled.cpp: the three backward algorithms executed tile by tile in fp32, each in the
// loop order and with the loads and stores of its trace generator (sim/trace/backward_*.cpp;
// the listing line numbers are in the comments), so the bytes they move can be compared.
#include <cmath>
#include <limits>

#include "sim/functional/backward.h"
#include "sim/trace/emit.h"
#include "sim/trace/generators.h"

namespace flashsim {

namespace {

using Eigen::MatrixXf;

// Scores masked under a causal mask (key column > query row) become -inf.
void mask_causal(MatrixXf& S, int64_t r0, int64_t c0) {
    for (int64_t r = 0; r < S.rows(); ++r)
        for (int64_t c = 0; c < S.cols(); ++c)
            if (c0 + c > r0 + r) S(r, c) = -std::numeric_limits<float>::infinity();
}

}  // namespace

void vanilla_backward_tiles(const AttentionProblem& p, const Schedule& s, BackwardMemory& mem) {
    const int64_t N = p.N, Nk = p.Nk(), d = p.d, Br = s.Br, Bc = s.Bc, Tr = s.Tr(p), Tc = s.Tc(p);
    const float tau = 1.0f / std::sqrt(float(d));
    for (int64_t bh = 0; bh < p.heads(); ++bh) {
        for (int64_t j = 0; j < Tc; ++j) {  // line 1: dVj = sum_i Pij^T dOi
            const BlockRange c = block(j, Bc, Nk);
            MatrixXf dVj = MatrixXf::Zero(c.size, d);
            for (int64_t i = 0; i < Tr; ++i) {
                const BlockRange r = block(i, Br, N);
                dVj += mem.load(Tensor::P, bh, r.begin, r.size, c.begin, c.size).transpose() *
                       mem.load_rows(Tensor::dO, bh, r.begin, r.size);
            }
            mem.store(Tensor::dV, bh, c.begin, 0, dVj);
        }
        for (int64_t i = 0; i < Tr; ++i)  // line 2: dPij = dOi Vj^T
            for (int64_t j = 0; j < Tc; ++j) {
                const BlockRange r = block(i, Br, N), c = block(j, Bc, Nk);
                const MatrixXf dOi = mem.load_rows(Tensor::dO, bh, r.begin, r.size);
                const MatrixXf Vj = mem.load_rows(Tensor::V, bh, c.begin, c.size);
                mem.store(Tensor::dP, bh, r.begin, c.begin, dOi * Vj.transpose());
            }
        for (int64_t n = 0; n < N; ++n) {  // line 3: dS_n = P_n o (dP_n - dO_n . O_n)
            const MatrixXf P = mem.load(Tensor::P, bh, n, 1, 0, Nk), dP = mem.load(Tensor::dP, bh, n, 1, 0, Nk);
            const MatrixXf dO = mem.load_rows(Tensor::dO, bh, n, 1), O = mem.load_rows(Tensor::O, bh, n, 1);
            const float D = dO.cwiseProduct(O).sum();
            mem.store(Tensor::dS, bh, n, 0, P.cwiseProduct((dP.array() - D).matrix()));
        }
        for (int64_t i = 0; i < Tr; ++i) {  // line 4: dQi = tau sum_j dSij Kj
            const BlockRange r = block(i, Br, N);
            MatrixXf dQi = MatrixXf::Zero(r.size, d);
            for (int64_t j = 0; j < Tc; ++j) {
                const BlockRange c = block(j, Bc, Nk);
                dQi += mem.load(Tensor::dS, bh, r.begin, r.size, c.begin, c.size) * mem.load_rows(Tensor::K, bh, c.begin, c.size);
            }
            mem.store(Tensor::dQ, bh, r.begin, 0, tau * dQi);
        }
        for (int64_t j = 0; j < Tc; ++j) {  // line 5: dKj = tau sum_i dSij^T Qi
            const BlockRange c = block(j, Bc, Nk);
            MatrixXf dKj = MatrixXf::Zero(c.size, d);
            for (int64_t i = 0; i < Tr; ++i) {
                const BlockRange r = block(i, Br, N);
                dKj += mem.load(Tensor::dS, bh, r.begin, r.size, c.begin, c.size).transpose() *
                       mem.load_rows(Tensor::Q, bh, r.begin, r.size);
            }
            mem.store(Tensor::dK, bh, c.begin, 0, tau * dKj);
        }
    }
}

void fa1_backward_tiles(const AttentionProblem& p, const Schedule& s, BackwardMemory& mem) {
    const int64_t N = p.N, Nk = p.Nk(), d = p.d, Br = s.Br, Bc = s.Bc, Tr = s.Tr(p), Tc = s.Tc(p);
    const float tau = 1.0f / std::sqrt(float(d));
    for (int64_t bh = 0; bh < p.heads(); ++bh)  // dQ, dK, dV start at zero in HBM (line 3, a memset)
        for (int64_t j = 0; j < Tc; ++j) {
            const BlockRange c = block(j, Bc, Nk);
            const MatrixXf Kj = mem.load_rows(Tensor::K, bh, c.begin, c.size);  // line 5
            const MatrixXf Vj = mem.load_rows(Tensor::V, bh, c.begin, c.size);
            MatrixXf dKj = MatrixXf::Zero(c.size, d), dVj = MatrixXf::Zero(c.size, d);  // line 6
            for (int64_t i = p.causal ? first_query_block(j, Br, Bc) : 0; i < Tr; ++i) {
                const BlockRange r = block(i, Br, N);
                const MatrixXf Qi = mem.load_rows(Tensor::Q, bh, r.begin, r.size);  // line 8
                const MatrixXf Oi = mem.load_rows(Tensor::O, bh, r.begin, r.size);
                const MatrixXf dOi = mem.load_rows(Tensor::dO, bh, r.begin, r.size);
                MatrixXf dQi = mem.load_rows(Tensor::dQ, bh, r.begin, r.size);
                const MatrixXf li = mem.load_rows(Tensor::l, bh, r.begin, r.size);
                const MatrixXf mi = mem.load_rows(Tensor::m, bh, r.begin, r.size);
                MatrixXf Sij = tau * Qi * Kj.transpose();  // line 9
                if (p.causal) mask_causal(Sij, r.begin, c.begin);
                MatrixXf Pij(r.size, c.size);  // line 10: Pij = diag(li)^-1 exp(Sij - mi)
                for (int64_t a = 0; a < r.size; ++a) Pij.row(a) = (Sij.row(a).array() - mi(a, 0)).exp() / li(a, 0);
                dVj += Pij.transpose() * dOi;                              // line 11
                const MatrixXf dPij = dOi * Vj.transpose();                // line 12
                const Eigen::VectorXf Di = dOi.cwiseProduct(Oi).rowwise().sum();  // line 13
                const MatrixXf dSij = Pij.cwiseProduct(dPij.colwise() - Di);       // line 14
                dQi += tau * dSij * Kj;                                    // line 15
                mem.store(Tensor::dQ, bh, r.begin, 0, dQi);
                dKj += dSij.transpose() * Qi;                              // line 16
            }
            mem.store(Tensor::dK, bh, c.begin, 0, tau * dKj);  // line 18
            mem.store(Tensor::dV, bh, c.begin, 0, dVj);
        }
}

void fa2_backward_tiles(const AttentionProblem& p, const Schedule& s, BackwardMemory& mem) {
    const int64_t N = p.N, Nk = p.Nk(), d = p.d, Br = s.Br, Bc = s.Bc, Tr = s.Tr(p), Tc = s.Tc(p);
    const float tau = 1.0f / std::sqrt(float(d));
    for (int64_t bh = 0; bh < p.heads(); ++bh)  // kernel 1: Di = rowsum(dOi o Oi), dQacc = 0
        for (int64_t i = 0; i < Tr; ++i) {
            const BlockRange r = block(i, Br, N);
            const MatrixXf Oi = mem.load_rows(Tensor::O, bh, r.begin, r.size);
            const MatrixXf dOi = mem.load_rows(Tensor::dO, bh, r.begin, r.size);
            mem.store(Tensor::D, bh, r.begin, 0, dOi.cwiseProduct(Oi).rowwise().sum());
            mem.store(Tensor::dQacc, bh, r.begin, 0, MatrixXf::Zero(r.size, d));
        }
    for (int64_t bh = 0; bh < p.heads(); ++bh)  // kernel 2: one CTA per key block j
        for (int64_t j = 0; j < Tc; ++j) {
            const BlockRange c = block(j, Bc, Nk);
            const MatrixXf Kj = mem.load_rows(Tensor::K, bh, c.begin, c.size);  // line 5
            const MatrixXf Vj = mem.load_rows(Tensor::V, bh, c.begin, c.size);
            MatrixXf dKj = MatrixXf::Zero(c.size, d), dVj = MatrixXf::Zero(c.size, d);
            for (int64_t i = p.causal ? first_query_block(j, Br, Bc) : 0; i < Tr; ++i) {
                const BlockRange r = block(i, Br, N);
                const MatrixXf Qi = mem.load_rows(Tensor::Q, bh, r.begin, r.size);  // line 8
                const MatrixXf dOi = mem.load_rows(Tensor::dO, bh, r.begin, r.size);
                const MatrixXf Li = mem.load_rows(Tensor::LSE, bh, r.begin, r.size);
                const MatrixXf Di = mem.load_rows(Tensor::D, bh, r.begin, r.size);
                MatrixXf Sij = Qi * Kj.transpose();  // line 9
                if (p.causal) mask_causal(Sij, r.begin, c.begin);
                MatrixXf Pij(r.size, c.size);  // line 10: Pij = exp(tau Sij - Li)
                for (int64_t a = 0; a < r.size; ++a) Pij.row(a) = (tau * Sij.row(a).array() - Li(a, 0)).exp();
                dVj += Pij.transpose() * dOi;                                            // line 11
                const MatrixXf dPij = dOi * Vj.transpose();                              // line 12
                const MatrixXf dSij = Pij.cwiseProduct(dPij.colwise() - Di.col(0));      // line 13
                mem.atomic_add(Tensor::dQacc, bh, r.begin, 0, dSij * Kj);                // line 14
                dKj += dSij.transpose() * Qi;                                            // line 15
            }
            mem.store(Tensor::dK, bh, c.begin, 0, tau * dKj);  // line 17
            mem.store(Tensor::dV, bh, c.begin, 0, dVj);
        }
    for (int64_t bh = 0; bh < p.heads(); ++bh)  // kernel 3: dQi = tau dQacc_i
        for (int64_t i = 0; i < Tr; ++i) {
            const BlockRange r = block(i, Br, N);
            mem.store(Tensor::dQ, bh, r.begin, 0, tau * mem.load_rows(Tensor::dQacc, bh, r.begin, r.size));
        }
}

}  // namespace flashsim
