// emit.h: what the trace generators share, so that each reads as its paper's listing:
//   - Emitter appends ops with their bytes computed from the tensor shapes;
//   - CtaProgram is a C++20 coroutine that runs one CTA's loops as the paper writes them
//     (`for j in Tc: load Kj, Vj; for i in Tr: ...`) and stays lazy: it suspends at
//     `co_await e.room()` when the batch being filled has no room for another step, and the
//     consumer (counting, timing, viewer) resumes it for the next batch. A step, the ops between
//     two `co_await e.room()`, emits at most Emitter::kMaxOpsPerStep ops.
#pragma once
#include <algorithm>
#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <utility>

#include "sim/trace/trace.h"

namespace flashsim {

// [begin, begin + size) of block k of size B over n elements: the last block may be partial.
struct BlockRange {
    int64_t begin, size;
};
inline BlockRange block(int64_t k, int64_t B, int64_t n) {
    const int64_t b = k * B;
    return {b, std::min(B, n - b)};
}

class Emitter {
public:
    static constexpr size_t kMaxOpsPerStep = 32;

    Emitter(const TensorShapes& shapes, uint32_t bh) : shapes_(shapes), bh_(bh) {}
    // The batch the next ops go to.
    void begin_batch(Op* out, size_t cap) {
        begin_ = cur_ = out;
        end_ = out + cap;
    }
    size_t count() const { return size_t(cur_ - begin_); }

    // `co_await e.room()`: go on when the batch has room for a step, otherwise suspend until the
    // consumer asks for the next batch.
    struct Room {
        const Emitter* e;
        bool await_ready() const noexcept { return e->end_ - e->cur_ >= std::ptrdiff_t(kMaxOpsPerStep); }
        void await_suspend(std::coroutine_handle<>) const noexcept {}
        void await_resume() const noexcept {}
    };
    Room room() const { return Room{this}; }

    void load(Tensor t, LineId line, int64_t row0, int64_t rows, int64_t col0, int64_t cols, uint8_t flags = 0) {
        move(OpKind::load, t, line, row0, rows, col0, cols, flags);
    }
    void store(Tensor t, LineId line, int64_t row0, int64_t rows, int64_t col0, int64_t cols) {
        move(OpKind::store, t, line, row0, rows, col0, cols, 0);
    }
    void atomic_add(Tensor t, LineId line, int64_t row0, int64_t rows, int64_t col0, int64_t cols) {
        move(OpKind::atomic_add, t, line, row0, rows, col0, cols, 0);
    }
    // Whole rows [row0, row0 + rows) of a tensor.
    void load_rows(Tensor t, LineId line, int64_t row0, int64_t rows, uint8_t flags = 0) {
        load(t, line, row0, rows, 0, shapes_[size_t(t)].cols, flags);
    }
    void store_rows(Tensor t, LineId line, int64_t row0, int64_t rows, uint8_t flags = 0) {
        move(OpKind::store, t, line, row0, rows, 0, shapes_[size_t(t)].cols, flags);
    }
    // C (M x N) += A (M x K) . B (K x N): 2MNK FLOPs, reading both operands from SRAM.
    void matmul(LineId line, int64_t M, int64_t N, int64_t K, int64_t operand_bytes, uint8_t flags = 0) {
        Op* __restrict o = next(OpKind::matmul, line);
        o->flags = flags;
        o->flops = uint64_t(2 * M * N * K);
        o->bytes = uint64_t(operand_bytes);
        o->rows = uint32_t(M);
        o->cols = uint32_t(N);
    }
    // The same GEMM with its warp tiling (kOpWarpGrid): warps_m split M and each reads all of B;
    // warps_n split N and each reads all of A (0: A in registers). operand_bytes as above.
    void matmul_warp_grid(LineId line, int64_t M, int64_t N, int64_t K, int64_t operand_bytes, int64_t warps_m,
                          int64_t warps_n, uint8_t flags = 0) {
        Op* __restrict o = cur_;  // the slot matmul() fills
        matmul(line, M, N, K, operand_bytes, uint8_t(flags | kOpWarpGrid));
        o->row0 = uint32_t(warps_m);
        o->col0 = uint32_t(warps_n);
    }
    // The same GEMM as scalar fp32 FMAs on CUDA cores, each thread holding an rm x rn block of C:
    // per step of K a thread loads rm elements of A and rn of B (fp32) from SRAM (schedule.h).
    void matmul_fma(LineId line, int64_t M, int64_t N, int64_t K, int64_t rm, int64_t rn, uint8_t flags = 0) {
        const int64_t fmas = M * N * K;
        matmul(line, M, N, K, 4 * (fmas / rn + fmas / rm), uint8_t(flags | kOpCudaCore));
    }
    void vector(LineId line, int64_t flops, int64_t exps, int64_t sram_bytes = 0, uint8_t flags = 0) {
        Op* __restrict o = next(OpKind::vector, line);
        o->flags = flags;
        o->flops = uint64_t(flops);
        o->exps = uint64_t(exps);
        o->bytes = uint64_t(sram_bytes);
    }
    void barrier(LineId line) { next(OpKind::barrier, line); }

private:
    // The next slot of the batch, cleared and stamped. Generators write ops through restrict
    // pointers: the batch aliases nothing the generator keeps, so its state stays in registers.
    Op* next(OpKind k, LineId line) {
        Op* __restrict o = cur_++;
        *o = Op{};
        o->kind = k;
        o->line = line.value;
        o->bh = bh_;
        return o;
    }
    void move(OpKind k, Tensor t, LineId line, int64_t row0, int64_t rows, int64_t col0, int64_t cols, uint8_t flags) {
        const int64_t bytes = rows * cols * shapes_[size_t(t)].elem_bytes;
        Op* __restrict o = next(k, line);
        o->tensor = t;
        o->flags = flags;
        o->row0 = uint32_t(row0);
        o->rows = uint32_t(rows);
        o->col0 = uint32_t(col0);
        o->cols = uint32_t(cols);
        o->bytes = uint64_t(bytes);
    }
    const TensorShapes& shapes_;
    uint32_t bh_;
    Op *begin_ = nullptr, *cur_ = nullptr, *end_ = nullptr;
};

// The coroutine of one CTA's ops. It starts suspended; each resume runs until the batch is full
// (a `co_await e.room()` that suspends) or the CTA is done.
class CtaProgram {
public:
    struct promise_type {
        CtaProgram get_return_object() { return CtaProgram(std::coroutine_handle<promise_type>::from_promise(*this)); }
        std::suspend_always initial_suspend() noexcept { return {}; }
        std::suspend_always final_suspend() noexcept { return {}; }
        void return_void() noexcept {}
        void unhandled_exception() { throw; }
    };
    CtaProgram(CtaProgram&& o) noexcept : h_(std::exchange(o.h_, {})) {}
    CtaProgram(const CtaProgram&) = delete;
    CtaProgram& operator=(const CtaProgram&) = delete;
    ~CtaProgram() {
        if (h_) h_.destroy();
    }
    bool done() const { return h_.done(); }
    void resume() { h_.resume(); }

private:
    explicit CtaProgram(std::coroutine_handle<promise_type> h) : h_(h) {}
    std::coroutine_handle<promise_type> h_;
};

// A CtaStream that runs a CtaProgram; `make(Emitter&)` starts the program with the stream's
// emitter (the program keeps a reference to it: the stream owns both and never moves).
template <class Make>
class ProgramStream final : public CtaStream {
public:
    ProgramStream(const TensorShapes& shapes, uint32_t bh, Make make)
        : shapes_(shapes), e_(shapes_, bh), program_(make(e_)) {}
    size_t fill(Op* out, size_t cap) override {
        e_.begin_batch(out, cap);
        if (!program_.done()) program_.resume();
        return e_.count();
    }

private:
    TensorShapes shapes_;  // a copy: streams may outlive a moved Trace
    Emitter e_;
    CtaProgram program_;
};

template <class Make>
std::unique_ptr<CtaStream> make_program_stream(const TensorShapes& shapes, uint32_t bh, Make make) {
    return std::make_unique<ProgramStream<Make>>(shapes, bh, std::move(make));
}

// A KernelTrace whose CTA c runs program(e, bh, block) with bh = c / ctas_per_head and
// block = c % ctas_per_head (the launch order of the real kernels: blocks of one head first).
template <class Program>
class ProgramKernel final : public KernelTrace {
public:
    ProgramKernel(TensorShapes shapes, Program program) : shapes_(shapes), program_(std::move(program)) {}
    std::unique_ptr<CtaStream> stream(int64_t cta) const override {
        const int64_t bh = cta / ctas_per_head, blk = cta % ctas_per_head;
        const Program& program = program_;
        return make_program_stream(shapes_, uint32_t(bh), [&program, blk](Emitter& e) { return program(e, blk); });
    }

private:
    TensorShapes shapes_;
    Program program_;
};

// Adds a kernel whose CTAs run `program(Emitter&, int64_t block) -> CtaProgram`, with
// `ctas_per_head` blocks per head; its ops name lines of the trace's last listing (the pass's).
// `program` should call a coroutine that takes its parameters by value (not be one itself), so
// the CTA's state lives in the coroutine frame whatever becomes of the kernel.
template <class Program>
void add_kernel(Trace& t, std::string name, int64_t ctas_per_head, int64_t warps, Footprint fp, Program program) {
    auto k = std::make_unique<ProgramKernel<Program>>(t.shapes, std::move(program));
    k->name = std::move(name);
    k->ctas_per_head = ctas_per_head;
    k->heads = t.problem.heads();
    k->warps = warps;
    k->footprint = std::move(fp);
    k->listing = t.listings.empty() ? 0 : t.listings.size() - 1;  // the pass's listing, appended first
    t.kernels.push_back(std::move(k));
}

// Causal masking helpers (query block rows [r0, r0 + rows), key block cols [c0, c0 + cols)).
// A block is skipped when every key is after every query; masked when some are.
inline bool block_fully_masked(int64_t r0, int64_t rows, int64_t c0) { return c0 > r0 + rows - 1; }
inline bool block_needs_mask(int64_t r0, int64_t c0, int64_t cols) { return c0 + cols - 1 > r0; }
// Query blocks i whose rows reach key block j under a causal mask: i >= first_query_block.
inline int64_t first_query_block(int64_t j, int64_t Br, int64_t Bc) { return (j * Bc) / Br; }
// Key blocks j that query block i (rows [r0, r0 + rows)) sees under a causal mask: j < end.
inline int64_t causal_key_block_end(int64_t r0, int64_t rows, int64_t Bc, int64_t Tc) {
    const int64_t last = (r0 + rows - 1) / Bc;
    return last + 1 < Tc ? last + 1 : Tc;
}

}  // namespace flashsim
