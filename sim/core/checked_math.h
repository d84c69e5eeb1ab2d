// checked_math.h: arithmetic on sizes that refuses to wrap.
//
// Contract: checked_mul/checked_add return nullopt when the exact result does not fit in
// int64_t (a derived size from hostile input: L2 line bytes x ways, B x H x N x d), so the
// caller can throw ConfigError naming the inputs instead of wrapping into a division by zero.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <optional>

namespace flashsim {

inline std::optional<int64_t> checked_mul(int64_t a, int64_t b) {
    int64_t r = 0;
    if (__builtin_mul_overflow(a, b, &r)) return std::nullopt;
    return r;
}

inline std::optional<int64_t> checked_add(int64_t a, int64_t b) {
    int64_t r = 0;
    if (__builtin_add_overflow(a, b, &r)) return std::nullopt;
    return r;
}

// The product of all factors, or nullopt when any partial product overflows.
inline std::optional<int64_t> checked_product(std::initializer_list<int64_t> factors) {
    int64_t r = 1;
    for (int64_t f : factors) {
        const auto p = checked_mul(r, f);
        if (!p) return std::nullopt;
        r = *p;
    }
    return r;
}

}  // namespace flashsim
