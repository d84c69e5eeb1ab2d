// kernels.h (functional layer, internal): the tiled forward algorithms executed for real, each
// in its listing's loop order with the trace generators' block sizes and partial tiles, but
// written from the listings (sim/trace/ is not consulted).
//
// Contract: each run_* reads Q, K, V from ctx.hbm, leaves O (and l, m or LSE) there, counts every
// tile it moves in ctx.hbm.counts and the GEMM FLOPs in counts.matmul_flops, and raises
// ctx's on-chip peaks. Tiles live in OnChip arenas declared once per kernel (throwing
// ConfigError when they do not fit); row statistics (mi, li and their updates, Br fp32 values
// each) live in registers and are not counted, as footprint() does not count them.
#pragma once
#include <cmath>
#include <limits>
#include <string>

#include "sim/core/problem.h"
#include "sim/core/schedule.h"
#include "sim/functional/memory.h"
#include "sim/gpu/gpu_spec.h"

namespace flashsim {

struct FunctionalContext {
    const AttentionProblem& p;
    const Schedule& s;
    const GpuSpec& g;
    GlobalMemory& hbm;
    bool naive_tiles = false;
    int64_t sram_peak_bytes = 0;
    int64_t register_peak_bytes = 0;
};

// The on-chip tiles of one kernel: element-type tiles in SRAM; fp32 accumulators in registers
// where the GPU models them, otherwise in SRAM at the element size (as footprint() accounts).
class OnChip {
public:
    OnChip(FunctionalContext& cx, const std::string& kernel);
    int sram(const std::string& name, int64_t rows, int64_t cols);
    int acc(const std::string& name, int64_t rows, int64_t cols);
    void commit();  // throws ConfigError naming the tiles when they do not fit
    Tile operator[](int id);

private:
    FunctionalContext& cx_;
    std::string kernel_;
    OnChipArena sram_, regs_;
    std::vector<std::pair<bool, int>> ids_;  // (in registers, id in that arena)
};

// The online softmax's helpers (FA1 and FA2).
using Vec = Eigen::Matrix<float, Eigen::Dynamic, 1>;
constexpr float kMinusInf = -std::numeric_limits<float>::infinity();
// e^(a - b), 0 when a is -inf (a row that has seen no unmasked key yet).
inline float exp_diff(float a, float b) { return a == kMinusInf ? 0.0f : std::exp(a - b); }

// Causal mask of a tile: entries whose key column is after the query row become -inf.
void apply_causal_mask(Tile& Sij, int64_t r0, int64_t rows, int64_t c0, int64_t cols);

void run_vanilla(FunctionalContext& cx);
void run_fa1(FunctionalContext& cx);
void run_fa2(FunctionalContext& cx);  // also FA3 forward: the same tiles move

}  // namespace flashsim
