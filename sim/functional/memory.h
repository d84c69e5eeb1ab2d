// memory.h: the two memories the functional layer really moves data between.
//
//   GlobalMemory  the "HBM" arrays of every tensor, all heads, (B, H, rows, cols) row-major,
//                 holding values of the tensor's element type (Q, K, V, S, P, O: the problem's
//                 dtype; l, m, LSE: fp32). load_hbm_to_sram / store_sram_to_hbm copy a tile and
//                 count its bytes in paper mode (no L2): global and HBM bytes per tensor, SRAM
//                 bytes written by loads and read by stores, loads and stores.
//                 With on-chip reuse on (vanilla's ideal GEMM accounting) an element read again
//                 in the same kernel is a global read served on chip: it costs no HBM bytes.
//   OnChipArena   a capacity-limited buffer of one on-chip level (SRAM, or registers where the
//                 GPU models them). A kernel declares its tiles as a CUDA kernel declares its
//                 shared memory; commit() fails with ConfigError naming every tile and the sum
//                 when they exceed the capacity. Tiles are accounted at their element size but
//                 hold fp32 values (the functional layer computes in fp32).
#pragma once
#include <Eigen/Core>
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/core/problem.h"
#include "sim/engine/counters.h"
#include "sim/trace/trace.h"

namespace flashsim {

using TileMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using Tile = Eigen::Map<TileMatrix>;

class GlobalMemory {
public:
    explicit GlobalMemory(const AttentionProblem& p);

    // The array of tensor t (allocated on first use, filled with `fill`).
    std::vector<float>& array(Tensor t, float fill = 0.0f);
    const TensorShape& shape(Tensor t) const { return shapes_[size_t(t)]; }
    Dtype element_type(Tensor t) const;

    // Starts a kernel: forgets what earlier kernels read. `reuse_on_chip`: re-reads within this
    // kernel cost no HBM bytes (ideal GEMM accounting).
    void begin_kernel(bool reuse_on_chip);

    // Tile rows [row0, row0 + rows) x cols [col0, col0 + cols) of head bh, to/from a row-major
    // on-chip buffer with leading dimension ld.
    void load_hbm_to_sram(Tensor t, int64_t bh, int64_t row0, int64_t rows, int64_t col0, int64_t cols, float* dst,
                          int64_t ld);
    void store_sram_to_hbm(Tensor t, int64_t bh, int64_t row0, int64_t rows, int64_t col0, int64_t cols,
                           const float* src, int64_t ld);

    Counters counts;  // paper mode; matmul_flops are added by the kernels

private:
    int64_t offset(Tensor t, int64_t bh, int64_t row, int64_t col) const;
    AttentionProblem p_;
    TensorShapes shapes_;
    std::array<std::vector<float>, kTensorCount> data_;
    std::array<std::vector<uint8_t>, kTensorCount> read_in_kernel_;  // element already read (reuse)
    bool reuse_on_chip_ = false;
};

class OnChipArena {
public:
    // level: "SRAM" or "registers"; owner: the preset name, for messages.
    OnChipArena(std::string level, int64_t capacity_bytes, std::string owner);
    // Declares a tile; returns its id. Nothing is allocated before commit().
    int declare(const std::string& name, int64_t rows, int64_t cols, int64_t elem_bytes);
    // Lays the tiles out in one buffer; throws ConfigError when they do not fit.
    void commit(const std::string& context);
    Tile tile(int id);
    int64_t bytes() const { return bytes_; }
    std::string arithmetic() const;  // "Qi 64x64x2 B + Kj 64x64x2 B = 16384 B"

private:
    struct Decl {
        std::string name;
        int64_t rows, cols, elem_bytes, offset;
    };
    std::string level_, owner_;
    int64_t capacity_bytes_;
    int64_t bytes_ = 0, floats_ = 0;
    std::vector<Decl> decls_;
    std::vector<float> storage_;
};

}  // namespace flashsim
