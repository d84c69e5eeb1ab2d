// fast_mod.h: h mod d for a divisor fixed at construction, without a division.
//
// Lemire, Kaser and Kurz, "Faster remainder by direct computation" (2019): a 128-bit reciprocal
// gives the exact remainder of any 64-bit h for divisors below 2^32. A 64-bit division costs more
// than the rest of a cache lookup that hits in the host's caches; the L2 and L1 models take their
// set of a granule this way.
#pragma once
#include <cstdint>

namespace flashsim {

class FastMod {
public:
    FastMod() = default;
    // d in [1, 2^32): the caller checks (the caches' set counts).
    explicit FastMod(uint64_t d) : d_(d), reciprocal_(~__uint128_t(0) / __uint128_t(d) + 1) {}
    uint64_t operator()(uint64_t h) const {
        const __uint128_t low = reciprocal_ * h;
        const __uint128_t bottom = __uint128_t(uint64_t(low)) * d_;
        const __uint128_t top = __uint128_t(uint64_t(low >> 64)) * d_;
        return uint64_t((top + (bottom >> 64)) >> 64);
    }
    uint64_t divisor() const { return d_; }

private:
    uint64_t d_ = 1;
    __uint128_t reciprocal_ = 0;  // d = 1: every remainder is 0
};

}  // namespace flashsim
