// counters.h: what the counting layer measures, per tensor and in total.
//
// Levels and directions (the names say which way bytes move):
//   global_read_bytes      loads issued to global memory (SRAM <- L2/HBM): the L2's read traffic
//   global_write_bytes     stores and atomics issued to global memory (SRAM -> L2/HBM)
//   hbm_read_bytes         bytes read from HBM (paper mode: global reads less ideal-GEMM reuse;
//                          with the L2 model: L2 misses)
//   hbm_write_bytes        bytes written to HBM (paper mode: every global write)
//   sram_write_bytes       bytes written into SRAM (tile loads)
//   sram_read_bytes        bytes read out of SRAM (tile stores and GEMM/vector operands)
#pragma once
#include <array>
#include <cstdint>

#include "sim/trace/op.h"

namespace flashsim {

struct Traffic {
    uint64_t global_read_bytes = 0;
    uint64_t global_write_bytes = 0;
    uint64_t hbm_read_bytes = 0;
    uint64_t hbm_write_bytes = 0;
    uint64_t atomic_bytes = 0;  // part of global_write_bytes done as read-modify-write at L2
    uint64_t l1_hit_bytes = 0;  // loads served by an SM's L1 (sim/engine/l1_cache.h): not in global_read_bytes
    uint64_t l2_coalesced_bytes = 0;  // loads coalesced before the L2's tags (l2_coalescer.h): not in global_read_bytes
    // Read sectors that cross between the L2's two partitions (l2_cache.h, the partition hop): a
    // second lookup at the far partition's tags, beside global_read_bytes, not in it.
    uint64_t l2_hop_bytes = 0;

    // Every field, once: += and scaled() (and anything else that treats all fields alike) use it.
    static constexpr auto kFields = std::to_array<uint64_t Traffic::*>({
        &Traffic::global_read_bytes, &Traffic::global_write_bytes, &Traffic::hbm_read_bytes, &Traffic::hbm_write_bytes,
        &Traffic::atomic_bytes, &Traffic::l1_hit_bytes, &Traffic::l2_coalesced_bytes, &Traffic::l2_hop_bytes});

    Traffic& operator+=(const Traffic& o) {
        for (auto f : kFields) this->*f += o.*f;
        return *this;
    }
    Traffic scaled(uint64_t k) const {
        Traffic t = *this;
        for (auto f : kFields) t.*f *= k;
        return t;
    }
};

struct Counters {
    std::array<Traffic, kTensorCount> per_tensor{};
    Traffic total;
    uint64_t sram_read_bytes = 0;
    uint64_t sram_write_bytes = 0;
    uint64_t matmul_flops = 0;
    uint64_t vector_flops = 0;
    uint64_t exps = 0;
    // The part of matmul_flops, vector_flops and exps that a backward pass spends recomputing S
    // and P (ops flagged kOpRecompute): FA2 paper's 5 backward GEMMs are 4 + this 1.
    uint64_t recompute_matmul_flops = 0;
    uint64_t recompute_vector_flops = 0;
    uint64_t recompute_exps = 0;
    uint64_t ops = 0;    // trace ops generated (all heads)
    uint64_t ctas = 0;
    uint64_t loads = 0;
    uint64_t stores = 0;  // stores and atomics

    // Every scalar field, once: += and scaled() use it (with per_tensor and total).
    static constexpr auto kFields = std::to_array<uint64_t Counters::*>({
        &Counters::sram_read_bytes, &Counters::sram_write_bytes, &Counters::matmul_flops, &Counters::vector_flops,
        &Counters::exps, &Counters::recompute_matmul_flops, &Counters::recompute_vector_flops, &Counters::recompute_exps,
        &Counters::ops, &Counters::ctas, &Counters::loads, &Counters::stores});

    Counters& operator+=(const Counters& o);
    Counters scaled(uint64_t k) const;
    uint64_t flops() const { return matmul_flops + vector_flops; }
};
// A field added to Traffic or Counters but not to its kFields would be lost by += and scaled().
static_assert(sizeof(Traffic) == Traffic::kFields.size() * sizeof(uint64_t), "Traffic::kFields lists every field");
static_assert(sizeof(Counters) == sizeof(Counters::per_tensor) + sizeof(Traffic) + Counters::kFields.size() * sizeof(uint64_t),
              "Counters::kFields lists every scalar field");

}  // namespace flashsim
