// memory.cpp: tile copies between the HBM arrays and on-chip buffers, with their byte counts,
// and the capacity-limited on-chip arena.
#include "sim/functional/memory.h"

#include <algorithm>
#include <cmath>

#include "sim/core/errors.h"
#include "sim/core/schedule.h"
#include "sim/functional/element_types.h"

namespace flashsim {

GlobalMemory::GlobalMemory(const AttentionProblem& p) : p_(p), shapes_(tensor_shapes(p)) {}

Dtype GlobalMemory::element_type(Tensor t) const {
    // Row statistics are fp32 (kStatBytes); every matrix is of the problem's element type.
    const bool stat = t == Tensor::l || t == Tensor::m || t == Tensor::LSE || t == Tensor::D;
    return stat ? Dtype::fp32 : p_.dtype;
}

std::vector<float>& GlobalMemory::array(Tensor t, float fill) {
    auto& v = data_[size_t(t)];
    if (v.empty()) v.assign(size_t(p_.heads() * shapes_[size_t(t)].rows * shapes_[size_t(t)].cols), fill);
    return v;
}

void GlobalMemory::begin_kernel(bool reuse_on_chip) {
    reuse_on_chip_ = reuse_on_chip;
    for (auto& r : read_in_kernel_) r.clear();
}

int64_t GlobalMemory::offset(Tensor t, int64_t bh, int64_t row, int64_t col) const {
    const TensorShape& s = shapes_[size_t(t)];
    return (bh * s.rows + row) * s.cols + col;
}

void GlobalMemory::load_hbm_to_sram(Tensor t, int64_t bh, int64_t row0, int64_t rows, int64_t col0, int64_t cols,
                                    float* dst, int64_t ld) {
    const TensorShape& s = shapes_[size_t(t)];
    const std::vector<float>& src = array(t);
    Traffic& tr = counts.per_tensor[size_t(t)];
    std::vector<uint8_t>* seen = nullptr;
    if (reuse_on_chip_) {
        seen = &read_in_kernel_[size_t(t)];
        if (seen->empty()) seen->assign(src.size(), 0);
    }
    uint64_t hbm_elems = 0;
    for (int64_t r = 0; r < rows; ++r) {
        const int64_t at = offset(t, bh, row0 + r, col0);
        std::copy_n(src.begin() + at, cols, dst + r * ld);
        if (!seen) continue;
        for (int64_t c = 0; c < cols; ++c) {
            uint8_t& f = (*seen)[size_t(at + c)];
            hbm_elems += f ? 0 : 1;
            f = 1;
        }
    }
    const uint64_t bytes = uint64_t(rows * cols * s.elem_bytes);
    tr.global_read_bytes += bytes;
    tr.hbm_read_bytes += seen ? hbm_elems * uint64_t(s.elem_bytes) : bytes;
    counts.sram_write_bytes += bytes;
    ++counts.loads;
}

void GlobalMemory::store_sram_to_hbm(Tensor t, int64_t bh, int64_t row0, int64_t rows, int64_t col0, int64_t cols,
                                     const float* src, int64_t ld) {
    const TensorShape& s = shapes_[size_t(t)];
    std::vector<float>& dst = array(t);
    const Dtype type = element_type(t);
    for (int64_t r = 0; r < rows; ++r) {
        const int64_t at = offset(t, bh, row0 + r, col0);
        for (int64_t c = 0; c < cols; ++c) dst[size_t(at + c)] = round_to_dtype(src[r * ld + c], type);
    }
    const uint64_t bytes = uint64_t(rows * cols * s.elem_bytes);
    Traffic& tr = counts.per_tensor[size_t(t)];
    tr.global_write_bytes += bytes;
    tr.hbm_write_bytes += bytes;
    counts.sram_read_bytes += bytes;
    ++counts.stores;
}

OnChipArena::OnChipArena(std::string level, int64_t capacity_bytes, std::string owner)
    : level_(std::move(level)), owner_(std::move(owner)), capacity_bytes_(capacity_bytes) {}

int OnChipArena::declare(const std::string& name, int64_t rows, int64_t cols, int64_t elem_bytes) {
    decls_.push_back({name, rows, cols, elem_bytes, floats_});
    bytes_ += rows * cols * elem_bytes;
    floats_ += rows * cols;
    return int(decls_.size()) - 1;
}

std::string OnChipArena::arithmetic() const {
    std::string s;
    for (const auto& d : decls_)
        s += (s.empty() ? "" : " + ") + d.name + " " + std::to_string(d.rows) + "x" + std::to_string(d.cols) + "x" +
             std::to_string(d.elem_bytes) + " B";
    return s + " = " + std::to_string(bytes_) + " B";
}

void OnChipArena::commit(const std::string& context) {
    if (bytes_ > capacity_bytes_)
        throw ConfigError(context + ": the tiles do not fit in " + level_ + ": " + arithmetic() + " = " +
                          format_bytes(bytes_) + " > the " + owner_ + " preset's " + format_bytes(capacity_bytes_) +
                          " (" + std::to_string(capacity_bytes_) + " B) of " + level_ + " per SM");
    storage_.assign(size_t(floats_), 0.0f);
}

Tile OnChipArena::tile(int id) {
    const Decl& d = decls_[size_t(id)];
    return Tile(storage_.data() + d.offset, d.rows, d.cols);
}

}  // namespace flashsim
