// hand_trace.h: traces written op by op for the timing tests, so expected times can be computed by
// hand from the model's symbols.
#pragma once
#include <vector>

#include "sim/algorithms/algorithm.h"
#include "sim/engine/simulate.h"
#include "sim/engine/timing.h"
#include "sim/trace/trace.h"

namespace flashsim::test {

class VectorStream final : public CtaStream {
public:
    explicit VectorStream(std::vector<Op> ops) : ops_(std::move(ops)) {}
    size_t fill(Op* out, size_t cap) override {
        size_t n = 0;
        while (pos_ < ops_.size() && n < cap) out[n++] = ops_[pos_++];
        return n;
    }

private:
    std::vector<Op> ops_;
    size_t pos_ = 0;
};

// Every CTA runs the same ops (its bh field set to the CTA's head).
class HandKernel final : public KernelTrace {
public:
    std::vector<Op> ops;
    std::unique_ptr<CtaStream> stream(int64_t cta) const override {
        std::vector<Op> v = ops;
        for (Op& o : v) o.bh = uint32_t(cta / ctas_per_head);
        return std::make_unique<VectorStream>(v);
    }
};

// Op builders; tiles are whole rows of a problem with N = 4096, d = 64, fp16.
inline Op load_rows(Tensor t, uint32_t row0, uint32_t rows, const TensorShapes& s) {
    Op o;
    o.kind = OpKind::load;
    o.tensor = t;
    o.row0 = row0;
    o.rows = rows;
    o.cols = uint32_t(s[size_t(t)].cols);
    o.bytes = uint64_t(rows) * o.cols * uint64_t(s[size_t(t)].elem_bytes);
    return o;
}
inline Op store_rows(Tensor t, uint32_t row0, uint32_t rows, const TensorShapes& s) {
    Op o = load_rows(t, row0, rows, s);
    o.kind = OpKind::store;
    return o;
}
inline Op matmul(uint64_t flops, uint64_t operand_bytes) {
    Op o;
    o.kind = OpKind::matmul;
    o.flops = flops;
    o.bytes = operand_bytes;
    return o;
}

struct HandTrace {
    Trace trace;
    HandKernel* kernel = nullptr;
};

inline HandTrace hand_trace(int64_t ctas, std::vector<Op> ops, int64_t sram_bytes = 1024) {
    HandTrace h;
    h.trace.problem.N = 4096;
    h.trace.problem.d = 64;
    h.trace.problem.H = ctas;
    h.trace.schedule.algo = Algorithm::fa2;
    h.trace.schedule.stages = 1;
    h.trace.engine = algorithm_info(Algorithm::fa2).engine;
    h.trace.shapes = tensor_shapes(h.trace.problem);
    auto k = std::make_unique<HandKernel>();
    k->name = "hand";
    k->ctas_per_head = 1;
    k->heads = ctas;
    k->warps = 4;
    k->footprint.sram_bytes = sram_bytes;
    k->ops = std::move(ops);
    h.kernel = k.get();
    h.trace.kernels.push_back(std::move(k));
    return h;
}

// One CTA that loads two tiles of 64 whole rows, of Q and of K.
inline HandTrace two_tile_loads() {
    HandTrace h = hand_trace(1, {});
    h.kernel->ops = {load_rows(Tensor::Q, 0, 64, h.trace.shapes), load_rows(Tensor::K, 0, 64, h.trace.shapes)};
    return h;
}

inline RunResult time_trace(const Trace& t, const GpuSpec& g, SimOptions o = {}) {
    RunResult r;
    r.problem = t.problem;
    r.schedule = t.schedule;
    r.gpu = g;
    simulate_trace(t, g, o, r);
    return r;
}

}  // namespace flashsim::test
