// emit.h: helpers the trace generators share: an Emitter that appends ops with their bytes
// computed from the tensor shapes, and StepStream, a CtaStream made of numbered steps (each step
// one iteration of the algorithm's loop, at most kMaxOpsPerStep ops), so a generator is a
// function of the step index and keeps no state but its loop counters.
#pragma once
#include <algorithm>
#include <cstdint>
#include <utility>

#include "sim/trace/trace.h"

namespace flashsim {

// [begin, end) of block k of size B over n elements: the last block may be partial.
struct BlockRange {
    int64_t begin, size;
};
inline BlockRange block(int64_t k, int64_t B, int64_t n) {
    const int64_t b = k * B;
    return {b, std::min(B, n - b)};
}

class Emitter {
public:
    Emitter(Op* out, const TensorShapes& shapes, uint32_t bh) : out_(out), shapes_(shapes), bh_(bh) {}
    size_t count() const { return n_; }

    void load(Tensor t, uint8_t line, int64_t row0, int64_t rows, int64_t col0, int64_t cols, uint8_t flags = 0) {
        move(OpKind::load, t, line, row0, rows, col0, cols, flags);
    }
    void store(Tensor t, uint8_t line, int64_t row0, int64_t rows, int64_t col0, int64_t cols) {
        move(OpKind::store, t, line, row0, rows, col0, cols, 0);
    }
    void atomic_add(Tensor t, uint8_t line, int64_t row0, int64_t rows, int64_t col0, int64_t cols) {
        move(OpKind::atomic_add, t, line, row0, rows, col0, cols, 0);
    }
    // Whole rows [row0, row0 + rows) of a tensor.
    void load_rows(Tensor t, uint8_t line, int64_t row0, int64_t rows, uint8_t flags = 0) {
        load(t, line, row0, rows, 0, shapes_[size_t(t)].cols, flags);
    }
    void store_rows(Tensor t, uint8_t line, int64_t row0, int64_t rows, uint8_t flags = 0) {
        move(OpKind::store, t, line, row0, rows, 0, shapes_[size_t(t)].cols, flags);
    }
    // C (M x N) += A (M x K) . B (K x N): 2MNK FLOPs, reading both operands from SRAM.
    void matmul(uint8_t line, int64_t M, int64_t N, int64_t K, int64_t operand_bytes, uint8_t flags = 0) {
        Op& o = next(OpKind::matmul, line);
        o.flags = flags;
        o.flops = uint64_t(2 * M * N * K);
        o.bytes = uint64_t(operand_bytes);
        o.rows = uint32_t(M);
        o.cols = uint32_t(N);
    }
    // The same GEMM as scalar fp32 FMAs on CUDA cores, each thread holding an rm x rn block of C:
    // per step of K a thread loads rm elements of A and rn of B (fp32) from SRAM (schedule.h).
    void matmul_fma(uint8_t line, int64_t M, int64_t N, int64_t K, int64_t rm, int64_t rn, uint8_t flags = 0) {
        const int64_t fmas = M * N * K;
        matmul(line, M, N, K, 4 * (fmas / rn + fmas / rm), uint8_t(flags | kOpCudaCore));
    }
    void vector(uint8_t line, int64_t flops, int64_t exps, int64_t sram_bytes = 0, uint8_t flags = 0) {
        Op& o = next(OpKind::vector, line);
        o.flags = flags;
        o.flops = uint64_t(flops);
        o.exps = uint64_t(exps);
        o.bytes = uint64_t(sram_bytes);
    }
    void barrier(uint8_t line) { next(OpKind::barrier, line); }

private:
    Op& next(OpKind k, uint8_t line) {
        Op& o = out_[n_++];
        o = Op{};
        o.kind = k;
        o.line = line;
        o.bh = bh_;
        return o;
    }
    void move(OpKind k, Tensor t, uint8_t line, int64_t row0, int64_t rows, int64_t col0, int64_t cols, uint8_t flags) {
        Op& o = next(k, line);
        o.tensor = t;
        o.flags = flags;
        o.row0 = uint32_t(row0);
        o.rows = uint32_t(rows);
        o.col0 = uint32_t(col0);
        o.cols = uint32_t(cols);
        o.bytes = uint64_t(rows * cols * shapes_[size_t(t)].elem_bytes);
    }
    Op* out_;
    const TensorShapes& shapes_;
    uint32_t bh_;
    size_t n_ = 0;
};

// A CtaStream of `steps` steps; Step is a callable (int64_t step, Emitter&).
template <class Step>
class StepStream final : public CtaStream {
public:
    static constexpr size_t kMaxOpsPerStep = 32;
    StepStream(const TensorShapes& shapes, uint32_t bh, int64_t steps, Step step)
        : shapes_(shapes), bh_(bh), steps_(steps), step_(std::move(step)) {}
    size_t fill(Op* out, size_t cap) override {
        Emitter e(out, shapes_, bh_);
        while (next_ < steps_ && e.count() + kMaxOpsPerStep <= cap) step_(next_++, e);
        return e.count();
    }

private:
    TensorShapes shapes_;  // a copy: streams may outlive a moved Trace
    uint32_t bh_;
    int64_t steps_;
    int64_t next_ = 0;
    Step step_;
};

template <class Step>
std::unique_ptr<CtaStream> make_step_stream(const TensorShapes& shapes, uint32_t bh, int64_t steps, Step step) {
    return std::make_unique<StepStream<Step>>(shapes, bh, steps, step);
}

// A KernelTrace whose streams come from a factory (int64_t bh, int64_t block) -> CtaStream.
template <class Factory>
class LambdaKernel final : public KernelTrace {
public:
    explicit LambdaKernel(Factory f) : factory_(f) {}
    std::unique_ptr<CtaStream> stream(int64_t cta) const override {
        return factory_(cta / ctas_per_head, cta % ctas_per_head);
    }

private:
    Factory factory_;
};

template <class Factory>
std::unique_ptr<KernelTrace> make_kernel(std::string name, int64_t ctas_per_head, int64_t heads, int64_t warps,
                                         Footprint fp, Factory f) {
    auto k = std::make_unique<LambdaKernel<Factory>>(f);
    k->name = std::move(name);
    k->ctas_per_head = ctas_per_head;
    k->heads = heads;
    k->warps = warps;
    k->footprint = std::move(fp);
    return k;
}

// Causal masking helpers (query block rows [r0, r0 + rows), key block cols [c0, c0 + cols)).
// A block is skipped when every key is after every query; masked when some are.
inline bool block_fully_masked(int64_t r0, int64_t rows, int64_t c0) { return c0 > r0 + rows - 1; }
inline bool block_needs_mask(int64_t r0, int64_t c0, int64_t cols) { return c0 + cols - 1 > r0; }

}  // namespace flashsim

namespace flashsim {

// A CtaStream for two nested loops: for o in [0, outer): prologue(o); for in in range(o):
// body(o, in); epilogue(o). `range(o)` returns {begin, end} of the inner loop (causal masking
// shortens it). Each callback emits at most StepStream's kMaxOpsPerStep ops.
template <class Range, class Pro, class Body, class Epi>
class NestedStream final : public CtaStream {
public:
    static constexpr size_t kMaxOpsPerStep = 32;
    NestedStream(const TensorShapes& shapes, uint32_t bh, int64_t outer, Range range, Pro pro, Body body, Epi epi)
        : shapes_(shapes), bh_(bh), outer_(outer), range_(range), pro_(pro), body_(body), epi_(epi) {}
    size_t fill(Op* out, size_t cap) override {
        Emitter e(out, shapes_, bh_);
        while (o_ < outer_ && e.count() + kMaxOpsPerStep <= cap) {
            if (state_ == 0) {  // prologue of outer iteration o_
                auto r = range_(o_);
                in_ = r.first;
                end_ = r.second;
                pro_(o_, e);
                state_ = 1;
            } else if (in_ < end_) {
                body_(o_, in_++, e);
            } else {
                epi_(o_, e);
                state_ = 0;
                ++o_;
            }
        }
        return e.count();
    }

private:
    TensorShapes shapes_;
    uint32_t bh_;
    int64_t outer_;
    Range range_;
    Pro pro_;
    Body body_;
    Epi epi_;
    int64_t o_ = 0, in_ = 0, end_ = 0;
    int state_ = 0;
};

template <class Range, class Pro, class Body, class Epi>
std::unique_ptr<CtaStream> make_nested_stream(const TensorShapes& shapes, uint32_t bh, int64_t outer, Range range,
                                              Pro pro, Body body, Epi epi) {
    return std::make_unique<NestedStream<Range, Pro, Body, Epi>>(shapes, bh, outer, range, pro, body, epi);
}

}  // namespace flashsim
