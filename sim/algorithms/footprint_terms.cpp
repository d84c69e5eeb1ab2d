// footprint_terms.cpp: sums the tiles of a footprint and writes their arithmetic.
#include "sim/algorithms/footprint_terms.h"

namespace flashsim {

namespace {

// Sums terms and writes "Qi 64x64 + Kj 128x64 = 12288 el x 2 B = 24 KiB".
int64_t sum_terms(const std::vector<FootprintTerm>& terms, std::string* text) {
    int64_t bytes = 0;
    std::string s;
    bool same_size = true;
    int64_t elems = 0;
    for (const auto& t : terms) {
        const int64_t cols = t.cols + t.pad_cols;
        bytes += t.rows * cols * t.elem_bytes;
        elems += t.rows * cols;
        same_size = same_size && t.elem_bytes == terms.front().elem_bytes;
        if (!s.empty()) s += " + ";
        s += std::string(t.name) + " " + std::to_string(t.rows) + "x" +
             (t.pad_cols ? "(" + std::to_string(t.cols) + "+" + std::to_string(t.pad_cols) + ")" : std::to_string(t.cols));
        if (!same_size || t.elem_bytes != terms.front().elem_bytes) s += "x" + std::to_string(t.elem_bytes) + "B";
    }
    if (same_size && !terms.empty())
        s += " = " + std::to_string(elems) + " el x " + std::to_string(terms.front().elem_bytes) + " B";
    s += " = " + format_bytes(bytes);
    *text = s;
    return bytes;
}

}  // namespace

Footprint FootprintBuilder::build() const {
    Footprint f;
    f.sram_bytes = sum_terms(sram_, &f.sram_arithmetic);
    if (!reg_.empty()) f.register_bytes = sum_terms(reg_, &f.register_arithmetic);
    return f;
}

}  // namespace flashsim
