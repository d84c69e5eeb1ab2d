// footprint_terms.h: builds a Footprint from the tiles a CTA holds, with its arithmetic
// ("Qi 64x64 + Kj 128x64 = 12288 el x 2 B = 24 KiB"). Element-type tiles sit in SRAM; fp32
// accumulators in registers where the GPU models registers, otherwise in SRAM at the element
// size (the lecture's constraint Br*Bc + d*Br + d*Bc + d*Bc + d*Br <= M).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "sim/core/schedule.h"
#include "sim/gpu/gpu_spec.h"

namespace flashsim {

struct FootprintTerm {
    const char* name;
    int64_t rows, cols, elem_bytes;
    int64_t pad_cols = 0;  // columns a kernel adds to each row (bank-conflict padding)
};

class FootprintBuilder {
public:
    FootprintBuilder(const AttentionProblem& p, const GpuSpec& g)
        : es_(p.es()), regs_(g.register_bytes_per_sm > 0) {}
    bool registers_modelled() const { return regs_; }
    int64_t es() const { return es_; }
    void sram(const char* name, int64_t rows, int64_t cols) { sram_.push_back({name, rows, cols, es_}); }
    // CUDA-core (MatmulUnit::fma) kernels convert their tiles to fp32 as they store them in SRAM
    // and pad each row against bank conflicts (kernels/scalar_tiles.cuh: d + 4 floats for the
    // d-wide tiles, Bc + 1 for Sij); scalar_sram(name, rows, cols, pad) adds such a tile.
    void scalar_sram(const char* name, int64_t rows, int64_t cols, int64_t pad) { sram_.push_back({name, rows, cols, 4, pad}); }
    void sram(FootprintTerm t) { sram_.push_back(t); }
    void reg(FootprintTerm t) { reg_.push_back(t); }
    // An fp32 accumulator: registers when modelled, else an element-type tile in SRAM.
    void acc(const char* name, int64_t rows, int64_t cols) {
        if (regs_) reg_.push_back({name, rows, cols, 4});
        else sram_.push_back({name, rows, cols, es_});
    }
    Footprint build() const;

private:
    int64_t es_;
    bool regs_;
    std::vector<FootprintTerm> sram_, reg_;
};

}  // namespace flashsim
