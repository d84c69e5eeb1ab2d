// backward.h: the backward pass executed for real, tile by tile, with Eigen, on seeded inputs.
// Each algorithm (vanilla, fa1, fa2) runs in the same loop order, on the same tiles, as its trace
// generator (sim/trace/backward_*.cpp), through a BackwardMemory that counts every byte loaded,
// stored or atomically added, so tests can check that the gradients are right and that the bytes
// the correct answer needed are the bytes the trace counts.
//
// Contract:
//   - inputs Q, K, V, dO come from seeded_value (kSeedQ, kSeedK, kSeedV, kSeeddO) with index
//     ((b*H + h)*rows + n)*d + c; the forward's saved outputs (O; P for vanilla; l, m for fa1;
//     LSE for fa2) are computed exactly (double) and placed in global memory uncounted, as the
//     bwd pass finds them in HBM;
//   - tiles are computed in fp32 whatever the element type (bytes are counted at the element
//     type's size): a deviation from fp16 kernels, which round P and dS to fp16 on chip;
//   - the reference is the textbook gradient in double: with S = tau Q K^T (masked if causal),
//     P = softmax(S), O = PV and the loss L = sum(dO o O): dV = P^T dO, dP = dO V^T,
//     dS = P o (dP - rowsum(dO o O)), dQ = tau dS K, dK = tau dS^T Q, tau = 1/sqrt(d);
//   - finite differences check the reference itself: dL/dx ~ (L(x + h) - L(x - h)) / 2h.
#pragma once
#include <Eigen/Dense>
#include <array>
#include <cstdint>
#include <vector>

#include "sim/core/problem.h"
#include "sim/core/schedule.h"
#include "sim/engine/counters.h"
#include "sim/trace/trace.h"

namespace flashsim {

// One matrix per head bh = b*H + h.
using HeadMatrices = std::vector<Eigen::MatrixXd>;

struct BackwardInputs {
    HeadMatrices Q, K, V, dO;  // Q, dO: N x d; K, V: N_kv x d
};
BackwardInputs seeded_backward_inputs(const AttentionProblem& p, uint64_t seed);

struct Gradients {
    HeadMatrices dQ, dK, dV;
};

// The textbook gradients in double precision.
Gradients reference_gradients(const AttentionProblem& p, const BackwardInputs& in);
// Central differences of L = sum(dO o O) with step h (for tiny sizes: 2 forwards per element).
Gradients finite_difference_gradients(const AttentionProblem& p, const BackwardInputs& in, double h);
// max over heads and elements of |a - b| / (atol + rtol |b|): <= 1 means within tolerance.
double gradient_error(const Gradients& a, const Gradients& b, double atol, double rtol);

// Global memory of the functional backward: one fp32 matrix per tensor and head, and the bytes
// moved per tensor, counted as the paper-mode trace counts its global traffic.
class BackwardMemory {
public:
    explicit BackwardMemory(const AttentionProblem& p);
    Eigen::MatrixXf& raw(Tensor t, int64_t bh);  // set-up and read-out: not counted
    Eigen::MatrixXf load(Tensor t, int64_t bh, int64_t r0, int64_t rows, int64_t c0, int64_t cols);
    Eigen::MatrixXf load_rows(Tensor t, int64_t bh, int64_t r0, int64_t rows);
    void store(Tensor t, int64_t bh, int64_t r0, int64_t c0, const Eigen::MatrixXf& tile);
    void atomic_add(Tensor t, int64_t bh, int64_t r0, int64_t c0, const Eigen::MatrixXf& tile);
    const std::array<Traffic, kTensorCount>& traffic() const { return traffic_; }

private:
    TensorShapes shapes_;
    int64_t heads_;
    std::vector<Eigen::MatrixXf> data_;  // [tensor * heads + bh], allocated on first use
    std::array<Traffic, kTensorCount> traffic_{};
};

struct FunctionalBackward {
    Gradients grads;
    std::array<Traffic, kTensorCount> traffic{};  // global bytes read, written, atomically added
};

// Runs the backward of `resolved` (vanilla, fa1 or fa2; a resolved schedule has been checked to
// fit SRAM) on `in`. Throws ConfigError for fa3.
FunctionalBackward run_backward_functional(const AttentionProblem& p, const Schedule& resolved,
                                           const BackwardInputs& in);

// Internal: the three tiled algorithms (backward_tiled.cpp), on a memory holding the inputs and
// the forward's saved outputs.
void vanilla_backward_tiles(const AttentionProblem& p, const Schedule& s, BackwardMemory& mem);
void fa1_backward_tiles(const AttentionProblem& p, const Schedule& s, BackwardMemory& mem);
void fa2_backward_tiles(const AttentionProblem& p, const Schedule& s, BackwardMemory& mem);

}  // namespace flashsim
