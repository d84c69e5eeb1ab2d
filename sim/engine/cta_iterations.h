// cta_iterations.h: a CTA's op stream cut into iterations, as the timing engine's event loop
// (kernel_sim.cpp) runs them: an iteration is its loads, then the compute and stores up to the next
// load. Cta holds one CTA's stream, the ring of its iterations cut so far and their timing; the
// steady-state skip goes on with another head's stream (restream), the iteration skip drops
// iterations (drop), and the skips' walks over a CTA cut a stream of their own (Cta::of).
// Internal to sim/engine.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <vector>

#include "sim/engine/counters.h"
#include "sim/engine/memory_system.h"
#include "sim/trace/trace.h"

namespace flashsim::engine {

constexpr int kMaxPositions = 16;  // compute ops per iteration tracked for the FA3 pipeline

// Adds what `op` sends to the L2 (its request bytes, to its tensor's) and the trace bytes it moves.
inline void add_requests(const Op& op, std::array<Traffic, kTensorCount>& requests, double& moved) {
    if (!op.moves_data()) return;
    moved += double(op.bytes);
    Traffic& t = requests[size_t(op.tensor)];
    if (op.kind == OpKind::load && (op.flags & kOpMulticast)) t.l2_coalesced_bytes += op.bytes;  // MemorySystem::transfer
    else (op.kind == OpKind::load ? t.global_read_bytes : t.global_write_bytes) += l2_request_bytes(op);
    if (op.kind == OpKind::atomic_add) t.atomic_bytes += op.bytes;
}

struct Iteration {
    std::vector<Op> loads, compute, stores;
    double loads_issue = 0, loads_done = 0, loads_latency = 0;
    void clear() {
        loads.clear();
        compute.clear();
        stores.clear();
        loads_issue = loads_done = loads_latency = 0;
    }
};

// Ops a CTA's stream fills at a time: small enough that the buffers of all resident CTAs stay
// in the host's cache between their events (256 made reading them a host-memory miss per op).
constexpr size_t kCtaOpBuffer = 32;

struct Cta {
    int64_t index = -1, sm = 0;
    std::unique_ptr<CtaStream> stream;
    std::vector<Op> buf;
    size_t n = 0, pos = 0;
    bool eof = false;
    std::vector<Iteration> ring;
    int64_t parsed = 0, next_compute = 0, next_issue = 0;
    int64_t dropped = 0;  // iterations the iteration skip dropped (drop): parsed does not count them
    double hold = 0;      // cycles its next event waits: the iteration skip's cut to the cycle (iteration_skip.cpp)
    double start = 0, ready = 0, real_end = 0, stores_done = 0;
    std::array<std::array<double, kMaxPositions>, 2> pos_end{};

    // A CTA that only cuts `s` into iterations, one at a time (not one the event loop runs).
    static Cta of(std::unique_ptr<CtaStream> s) {
        Cta c;
        c.stream = std::move(s);
        c.buf.resize(kCtaOpBuffer);
        c.ring.resize(1);
        return c;
    }
    Iteration& it(int64_t k) { return ring[size_t(k % int64_t(ring.size()))]; }
    const Op* peek() {
        if (pos == n && !eof) {
            n = stream->fill(buf.data(), buf.size());
            pos = 0;
            eof = n == 0;
        }
        return pos < n ? &buf[pos] : nullptr;
    }
    // Walks the next iteration in the stream, calling each(op) for its ops in order: its loads,
    // then the compute and stores up to the next load; false at the end. (parse and drop: the one
    // place that says where an iteration ends.)
    template <class F>
    bool walk_iteration(F&& each) {
        bool after_loads = false, any = false;
        for (const Op* op; (op = peek()) != nullptr; ++pos) {
            if (op->kind == OpKind::load && after_loads) break;
            any = true;
            if (op->kind != OpKind::load && op->kind != OpKind::barrier) after_loads = true;
            each(*op);
        }
        return any;
    }
    // Cuts the next iteration out of the stream; false at the end.
    bool parse(Iteration& out) {
        out.clear();
        return walk_iteration([&out](const Op& op) {
            switch (op.kind) {
                case OpKind::load: out.loads.push_back(op); break;
                case OpKind::store:
                case OpKind::atomic_add: out.stores.push_back(op); break;
                case OpKind::matmul:
                case OpKind::vector: out.compute.push_back(op); break;
                case OpKind::barrier: break;
            }
        });
    }
    // Goes on as CTA `new_index` (the steady-state skip: the same block of another head, whose ops
    // differ only in the head): the iterations already cut are cut again from its stream, keeping
    // their timing.
    void restream(int64_t new_index, std::unique_ptr<CtaStream> s) {
        index = new_index;
        stream = std::move(s);
        n = pos = 0;
        eof = false;
        std::vector<std::array<double, 3>> times;
        for (const Iteration& i : ring) times.push_back({i.loads_issue, i.loads_done, i.loads_latency});
        for (int64_t k = 0; k < parsed; ++k)
            if (!parse(it(k))) throw std::logic_error("steady-state skip: a CTA of another head has fewer iterations");
        for (size_t i = 0; i < ring.size(); ++i) {
            ring[i].loads_issue = times[i][0];
            ring[i].loads_done = times[i][1];
            ring[i].loads_latency = times[i][2];
        }
    }
    // Cuts the next n iterations out of the stream and drops them (the iteration skip): the ones
    // after them keep the numbers the dropped ones had. Adds the L2 requests of their loads and
    // stores (per tensor) and the trace bytes they move.
    // The ops of the last `keep` iterations dropped go to `tail` with their iteration's number
    // among the dropped (0 .. n - 1), when given.
    struct DroppedOp {
        Op op;
        int64_t k;
    };
    void drop(int64_t n, std::array<Traffic, kTensorCount>& requests, double& moved, std::vector<DroppedOp>* tail = nullptr,
              int64_t keep = 0) {
        // Walked in the stream's buffer, without copying its ops.
        for (int64_t i = 0; i < n; ++i) {
            const bool kept = tail && i >= n - keep;
            const size_t tail_before = kept ? tail->size() : 0;
            const bool any = walk_iteration([&](const Op& op) {
                if (!op.moves_data()) return;
                add_requests(op, requests, moved);
                if (kept) tail->push_back({op, i});
            });
            if (!any) throw std::logic_error("iteration skip: a CTA has fewer iterations than counted");
            // Room for the rest of the tail at this iteration's ops, after its first.
            if (kept && i + 1 < n && tail->capacity() - tail->size() < tail->size() - tail_before)
                tail->reserve(tail->size() + size_t(n - 1 - i) * (tail->size() - tail_before));
            ++dropped;
        }
    }
    // Makes iteration k available (k <= parsed); false when the stream has fewer iterations.
    // The common case (already cut) inline, the cutting apart: the event loop asks several times an
    // iteration.
    bool have(int64_t k) { return k < parsed || cut_until(k); }
    bool cut_until(int64_t k) {
        while (parsed <= k) {
            if (!parse(it(parsed))) return false;
            ++parsed;
        }
        return true;
    }
};

}  // namespace flashsim::engine
