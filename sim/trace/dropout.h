// dropout.h: what dropout costs per element of P, counted from the algorithm of its random number
// generator, and the elements a tile applies it to. Shared by the trace generators and the closed
// forms (sim/analytic/), so both count in the same symbols.
//
// The RNG is Philox-4x32-10 (Salmon, Moraes, Dror, Shaw, "Parallel random numbers: as easy as 1, 2,
// 3", SC'11), which curand and PyTorch's dropout and flash kernels use. One call turns a 128-bit
// counter (the element's offset) and a 64-bit key (the seed) into four 32-bit numbers by 10 rounds;
// each round is two 32x32 -> 64-bit multiplies (a low and a high half each: 4 integer
// instructions) and four xors (each high half with a counter word and a key word), and between
// rounds the key is bumped by two 32-bit constants (2 adds, 9 times). Counting one instruction per
// 32-bit operation as the reference implementation writes it (no fusing of three-input xors):
//   10 rounds x (4 multiply halves + 4 xors) + 9 key bumps x 2 adds + 2 (the 64-bit counter
//   offset, add with carry) = 100 integer instructions per call of 4 numbers = 25 per element.
// Applying the mask to an element is a compare of its number with the threshold p and the masked
// scale (times 1/(1 - p) where kept, 0 where dropped): 2 more. These are vector-unit work in the
// trace (integer and fp32 alike counted as the vector op's FLOPs).
// Known deviation: the released FlashAttention-2 kernels compare 8-bit slices of each number with
// p in 8 bits (16 elements per call), a quarter of the RNG work counted here; PyTorch's dropout
// kernel draws one 32-bit number per element (curand_uniform4), as counted here.
#pragma once
#include <algorithm>
#include <cstdint>

namespace flashsim {

constexpr int64_t kPhiloxRounds = 10;
constexpr int64_t kPhiloxInstructionsPerRound = 4 + 4;  // two 32x32 -> 64 multiplies (lo, hi), four xors
constexpr int64_t kPhiloxInstructionsPerCall = kPhiloxRounds * kPhiloxInstructionsPerRound +
                                               (kPhiloxRounds - 1) * 2 + 2;  // key bumps, counter offset
constexpr int64_t kPhiloxNumbersPerCall = 4;
static_assert(kPhiloxInstructionsPerCall % kPhiloxNumbersPerCall == 0);
// Drawing one element's random number.
constexpr int64_t kDropoutRngOpsPerElement = kPhiloxInstructionsPerCall / kPhiloxNumbersPerCall;  // 25
constexpr int64_t kDropoutCompareOps = 1;  // number < p: the element is dropped
constexpr int64_t kDropoutScaleOps = 1;    // x Z / (1 - p): the kept element scaled, the dropped zeroed

// Per element where dropout is drawn and applied (standard's dropout kernel; FA's forward, where
// P~ij is formed, before P~ij Vj): draw, compare, scale.
constexpr int64_t kDropoutForwardOpsPerElement = kDropoutRngOpsPerElement + kDropoutCompareOps + kDropoutScaleOps;
// Per element of FA's backward: the mask redrawn from the seed and offset (draw, compare), then
// used twice: Pij o Zij / (1 - p) for dVj, and dPij o Zij / (1 - p) before dSij.
constexpr int64_t kDropoutBackwardOpsPerElement = kDropoutRngOpsPerElement + kDropoutCompareOps + 2 * kDropoutScaleOps;
// Per element of standard's dropout backward kernel: the stored byte of Z tested, dP o Z / (1 - p)
// (no draw).
constexpr int64_t kDropoutStoredMaskOpsPerElement = kDropoutCompareOps + kDropoutScaleOps;

// Elements of the tile rows [r0, r0 + rows) x columns [c0, c0 + cols) that a causal mask keeps
// (column <= row); every element without a mask. Dropout is counted on these.
// Row r keeps min(max(r - c0 + 1, 0), cols): 1..cols on rows c0..c0+cols-1, cols below them.
inline int64_t unmasked_elements(bool causal, int64_t r0, int64_t rows, int64_t c0, int64_t cols) {
    if (!causal) return rows * cols;
    const auto tri = [](int64_t n) { return n * (n + 1) / 2; };  // 1 + 2 + ... + n
    const int64_t a = std::max(r0, c0), b = std::min(r0 + rows, c0 + cols);
    const int64_t partial = b > a ? tri(b - c0) - tri(a - c0) : 0;
    const int64_t full_rows = std::max<int64_t>(0, r0 + rows - std::max(r0, c0 + cols));
    return partial + full_rows * cols;
}

}  // namespace flashsim
