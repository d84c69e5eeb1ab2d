// onchip.cpp: OnChip, the per-kernel split of tiles between SRAM and registers, and the mask.
#include <limits>

#include "sim/functional/kernels.h"

namespace flashsim {

OnChip::OnChip(FunctionalContext& cx, const std::string& kernel)
    : cx_(cx),
      kernel_(kernel),
      sram_("SRAM", cx.g.sram_bytes_per_sm, cx.g.name),
      regs_("registers", cx.g.register_bytes_per_sm, cx.g.name) {}

int OnChip::sram(const std::string& name, int64_t rows, int64_t cols) {
    ids_.push_back({false, sram_.declare(name, rows, cols, cx_.p.es())});
    return int(ids_.size()) - 1;
}

int OnChip::acc(const std::string& name, int64_t rows, int64_t cols) {
    if (cx_.g.register_bytes_per_sm > 0) {
        ids_.push_back({true, regs_.declare(name, rows, cols, 4)});
        return int(ids_.size()) - 1;
    }
    return sram(name, rows, cols);
}

void OnChip::commit() {
    const std::string context = kernel_ + " (" + cx_.s.describe() + ", d=" + std::to_string(cx_.p.d) + " " +
                                to_string(cx_.p.dtype) + ")";
    sram_.commit(context);
    regs_.commit(context);
    cx_.sram_peak_bytes = std::max(cx_.sram_peak_bytes, sram_.bytes());
    cx_.register_peak_bytes = std::max(cx_.register_peak_bytes, regs_.bytes());
}

Tile OnChip::operator[](int id) {
    const auto& [in_regs, k] = ids_[size_t(id)];
    return in_regs ? regs_.tile(k) : sram_.tile(k);
}

void apply_causal_mask(Tile& Sij, int64_t r0, int64_t rows, int64_t c0, int64_t cols) {
    const float minus_inf = -std::numeric_limits<float>::infinity();
    for (int64_t a = 0; a < rows; ++a)
        for (int64_t b = 0; b < cols; ++b)
            if (c0 + b > r0 + a) Sij(a, b) = minus_inf;
}

}  // namespace flashsim
