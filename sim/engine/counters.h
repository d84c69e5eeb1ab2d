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

    Traffic& operator+=(const Traffic& o) {
        global_read_bytes += o.global_read_bytes;
        global_write_bytes += o.global_write_bytes;
        hbm_read_bytes += o.hbm_read_bytes;
        hbm_write_bytes += o.hbm_write_bytes;
        atomic_bytes += o.atomic_bytes;
        return *this;
    }
    Traffic scaled(uint64_t k) const {
        return {global_read_bytes * k, global_write_bytes * k, hbm_read_bytes * k, hbm_write_bytes * k, atomic_bytes * k};
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

    Counters& operator+=(const Counters& o);
    Counters scaled(uint64_t k) const;
    uint64_t flops() const { return matmul_flops + vector_flops; }
};

}  // namespace flashsim
