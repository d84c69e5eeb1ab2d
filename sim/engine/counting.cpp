// counting.cpp: the paper-mode counting walk.
#include "sim/engine/counting.h"

#include <vector>

namespace flashsim {

Counters& Counters::operator+=(const Counters& o) {
    for (size_t i = 0; i < per_tensor.size(); ++i) per_tensor[i] += o.per_tensor[i];
    total += o.total;
    for (auto f : kFields) this->*f += o.*f;
    return *this;
}

Counters Counters::scaled(uint64_t k) const {
    Counters c = *this;
    for (size_t i = 0; i < per_tensor.size(); ++i) c.per_tensor[i] = per_tensor[i].scaled(k);
    c.total = total.scaled(k);
    for (auto f : kFields) c.*f *= k;
    return c;
}

void count_op_paper_mode(const Op& op, Counters& c) {
    Traffic& t = c.per_tensor[size_t(op.tensor)];
    switch (op.kind) {
        case OpKind::load:
            if (op.flags & kOpMulticast) {  // the partner's request brought it (MemorySystem::transfer)
                t.l2_coalesced_bytes += op.bytes;
            } else {
                t.global_read_bytes += op.bytes;
                if (!(op.flags & kOpReuse)) t.hbm_read_bytes += op.bytes;
            }
            c.sram_write_bytes += op.bytes;
            ++c.loads;
            break;
        case OpKind::store:
            t.global_write_bytes += op.bytes;
            t.hbm_write_bytes += op.bytes;
            c.sram_read_bytes += op.bytes;
            ++c.stores;
            break;
        case OpKind::atomic_add:
            // Read-modify-write: the old value is read and the sum written back.
            t.global_write_bytes += op.bytes;
            t.atomic_bytes += op.bytes;
            t.hbm_read_bytes += op.bytes;
            t.hbm_write_bytes += op.bytes;
            c.sram_read_bytes += op.bytes;
            ++c.stores;
            break;
        case OpKind::matmul:
            c.matmul_flops += op.flops;
            if (op.flags & kOpRecompute) c.recompute_matmul_flops += op.flops;
            c.sram_read_bytes += op.bytes;
            break;
        case OpKind::vector:
            c.vector_flops += op.flops;
            c.exps += op.exps;
            if (op.flags & kOpRecompute) {
                c.recompute_vector_flops += op.flops;
                c.recompute_exps += op.exps;
            }
            c.sram_read_bytes += op.bytes;
            break;
        case OpKind::barrier: break;
    }
    ++c.ops;
}

namespace {

void finish_totals(Counters& c) {
    c.total = Traffic{};
    for (const auto& t : c.per_tensor) c.total += t;
}

}  // namespace

CountResult merge_l2_counts(const CountResult& paper, const std::vector<Counters>& l2_kernel_counts) {
    CountResult r;
    for (size_t k = 0; k < paper.kernels.size(); ++k) {
        KernelCounts kc = paper.kernels[k];
        const Counters& l2 = l2_kernel_counts[k];
        for (size_t i = 0; i < kc.counts.per_tensor.size(); ++i) {
            Traffic& t = kc.counts.per_tensor[i];
            t.hbm_read_bytes = l2.per_tensor[i].hbm_read_bytes;
            t.hbm_write_bytes = l2.per_tensor[i].hbm_write_bytes;
            // The requests L2 saw: the trace's bytes, a quarter-sector store's 4x (kOpQuarterSectors),
            // a half-sector store's 2x (kOpHalfSectors).
            t.global_read_bytes = l2.per_tensor[i].global_read_bytes;
            t.global_write_bytes = l2.per_tensor[i].global_write_bytes;
            // Loads that never reached the L2's tags (an SM's L1, the request coalescer).
            t.l1_hit_bytes = l2.per_tensor[i].l1_hit_bytes;
            t.l2_coalesced_bytes = l2.per_tensor[i].l2_coalesced_bytes;
            t.l2_hop_bytes = l2.per_tensor[i].l2_hop_bytes;
        }
        finish_totals(kc.counts);
        r.total += kc.counts;
        r.kernels.push_back(std::move(kc));
    }
    return r;
}

CountResult count_paper_mode(const Trace& t, bool all_heads) {
    CountResult r;
    std::vector<Op> buf(1024);
    for (const auto& k : t.kernels) {
        KernelCounts kc;
        kc.name = k->name;
        kc.ctas = k->cta_count();
        kc.memset = k->memset;
        const int64_t ctas = all_heads ? k->cta_count() : k->ctas_per_head;
        for (int64_t c = 0; c < ctas; ++c) {
            auto s = k->stream(c);
            for (size_t n; (n = s->fill(buf.data(), buf.size())) != 0;)
                for (size_t i = 0; i < n; ++i) count_op_paper_mode(buf[i], kc.counts);
            ++kc.counts.ctas;
        }
        if (!all_heads) kc.counts = kc.counts.scaled(uint64_t(k->heads));
        finish_totals(kc.counts);
        r.total += kc.counts;
        r.kernels.push_back(std::move(kc));
    }
    return r;
}

}  // namespace flashsim
