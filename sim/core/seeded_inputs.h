// seeded_inputs.h: the one input generator shared by the simulator (C++) and the CUDA kernels.
//
// Same seed, tensor and shape give bit-identical values on the CPU and on the GPU: each element
// is a pure function of (seed, tensor id, flat index), a counter-based hash (SplitMix64), so no
// generator state has to be carried and any thread can make any element.
//
// Contract:
//   - tensors are laid out (B, H, N, d) row-major; index = ((b*H + h)*N + n)*d + c
//   - value = r / 2^23 - 1 with r the top 24 bits of the hash: uniform in [-1, 1), and exact
//     in fp32 (24 significant bits), so fp32 inputs agree to the bit; fp16/bf16 inputs are the
//     fp32 value rounded to nearest even, which both sides do identically.
//   - header-only, no dependencies: nvcc and any C++17 compiler take it as it is.
#pragma once
#include <cstdint>

#if defined(__CUDACC__)
#define FS_HOST_DEVICE __host__ __device__
#else
#define FS_HOST_DEVICE
#endif

namespace flashsim {

// Tensor ids of the generator. Keep these numbers: stored measurements depend on them.
// kSeedZ: the uniform numbers of standard attention's dropout mask, index = ((b*H + h)*N + n)*N + j.
enum SeededTensor : uint32_t { kSeedQ = 0, kSeedK = 1, kSeedV = 2, kSeeddO = 3, kSeedZ = 4 };

FS_HOST_DEVICE inline uint64_t splitmix64(uint64_t x) {
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

// Element `index` of tensor `tensor` for `seed`: uniform in [-1, 1), 2^-23 resolution.
FS_HOST_DEVICE inline float seeded_value(uint64_t seed, uint32_t tensor, uint64_t index) {
    const uint64_t h = splitmix64(splitmix64(seed ^ (uint64_t(tensor) << 56)) ^ index);
    const uint32_t r = uint32_t(h >> 40);               // 24 bits: exact as a float
    return float(r) * (1.0f / 8388608.0f) - 1.0f;        // r / 2^23 - 1
}

}  // namespace flashsim
