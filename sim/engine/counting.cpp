// counting.cpp: the paper-mode counting walk.
#include "sim/engine/counting.h"

#include <vector>

namespace flashsim {

Counters& Counters::operator+=(const Counters& o) {
    for (size_t i = 0; i < per_tensor.size(); ++i) per_tensor[i] += o.per_tensor[i];
    total += o.total;
    sram_read_bytes += o.sram_read_bytes;
    sram_write_bytes += o.sram_write_bytes;
    matmul_flops += o.matmul_flops;
    vector_flops += o.vector_flops;
    exps += o.exps;
    recompute_matmul_flops += o.recompute_matmul_flops;
    recompute_vector_flops += o.recompute_vector_flops;
    recompute_exps += o.recompute_exps;
    ops += o.ops;
    ctas += o.ctas;
    loads += o.loads;
    stores += o.stores;
    return *this;
}

Counters Counters::scaled(uint64_t k) const {
    Counters c;
    for (size_t i = 0; i < per_tensor.size(); ++i) c.per_tensor[i] = per_tensor[i].scaled(k);
    c.total = total.scaled(k);
    c.sram_read_bytes = sram_read_bytes * k;
    c.sram_write_bytes = sram_write_bytes * k;
    c.matmul_flops = matmul_flops * k;
    c.vector_flops = vector_flops * k;
    c.exps = exps * k;
    c.recompute_matmul_flops = recompute_matmul_flops * k;
    c.recompute_vector_flops = recompute_vector_flops * k;
    c.recompute_exps = recompute_exps * k;
    c.ops = ops * k;
    c.ctas = ctas * k;
    c.loads = loads * k;
    c.stores = stores * k;
    return c;
}

void count_op_paper_mode(const Op& op, Counters& c) {
    Traffic& t = c.per_tensor[size_t(op.tensor)];
    switch (op.kind) {
        case OpKind::load:
            t.global_read_bytes += op.bytes;
            if (!(op.flags & kOpReuse)) t.hbm_read_bytes += op.bytes;
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

CountResult count_paper_mode(const Trace& t, bool all_heads) {
    CountResult r;
    std::vector<Op> buf(1024);
    for (const auto& k : t.kernels) {
        KernelCounts kc;
        kc.name = k->name;
        kc.ctas = k->cta_count();
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
