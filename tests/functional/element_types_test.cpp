// Rounding to the element types: fp16 and bf16 through Eigen (ties to even), fp8 E4M3 written by
// hand and checked against the format's own definition (decode every bit pattern).
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "sim/core/problem.h"
#include "sim/functional/element_types.h"

using namespace flashsim;

TEST_CASE("fp16 and bf16 round to nearest with ties to even") {
    // fp16 spacing at 1 is 2^-10: 1 + 2^-11 ties between 1 (even) and 1 + 2^-10 (odd).
    CHECK(round_to_dtype(1.0f + std::ldexp(1.0f, -11), Dtype::fp16) == 1.0f);
    CHECK(round_to_dtype(1.0f + 3 * std::ldexp(1.0f, -11), Dtype::fp16) == 1.0f + std::ldexp(1.0f, -9));
    // bf16 spacing at 1 is 2^-7.
    CHECK(round_to_dtype(1.0f + std::ldexp(1.0f, -8), Dtype::bf16) == 1.0f);
    CHECK(round_to_dtype(1.0f + 3 * std::ldexp(1.0f, -8), Dtype::bf16) == 1.0f + std::ldexp(1.0f, -6));
    CHECK(round_to_dtype(0.1f, Dtype::fp32) == 0.1f);
}

TEST_CASE("every finite E4M3 value rounds to itself and midpoints go to the even neighbour") {
    std::vector<float> positives;  // 0 .. 448 in increasing order: bit patterns 0x00 .. 0x7E
    for (int bits = 0; bits <= 0x7E; ++bits) positives.push_back(decode_fp8_e4m3(uint8_t(bits)));
    CHECK(positives.back() == 448.0f);
    CHECK(positives[1] == std::ldexp(1.0f, -9));  // smallest subnormal
    CHECK(std::isnan(decode_fp8_e4m3(0x7F)));
    for (size_t k = 0; k < positives.size(); ++k) {
        CHECK(round_fp8_e4m3(positives[k]) == positives[k]);
        CHECK(round_fp8_e4m3(-positives[k]) == -positives[k]);
        if (k + 1 == positives.size()) break;
        const float lo = positives[k], hi = positives[k + 1], mid = 0.5f * (lo + hi);
        CAPTURE(lo);
        CAPTURE(hi);
        CHECK(round_fp8_e4m3(mid) == ((k % 2 == 0) ? lo : hi));  // even significand: even bit pattern
        CHECK(round_fp8_e4m3(std::nextafter(mid, lo)) == lo);
        CHECK(round_fp8_e4m3(std::nextafter(mid, hi)) == hi);
    }
}

TEST_CASE("E4M3 saturates beyond 448 and keeps NaN") {
    CHECK(round_fp8_e4m3(1000.0f) == 448.0f);
    CHECK(round_fp8_e4m3(-470.0f) == -448.0f);
    CHECK(round_fp8_e4m3(INFINITY) == 448.0f);
    CHECK(std::isnan(round_fp8_e4m3(NAN)));
    CHECK(round_fp8_e4m3(std::ldexp(1.0f, -11)) == 0.0f);  // a quarter of the smallest subnormal
}
