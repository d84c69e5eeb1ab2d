// element_types.cpp: fp32 -> fp16/bf16 through Eigen's types, fp8 E4M3 by hand.
#include "sim/functional/element_types.h"

#include <Eigen/Core>
#include <cmath>
#include <limits>

#include "sim/core/problem.h"

namespace flashsim {

namespace {
constexpr float kE4m3Max = 448.0f;  // 1.110b x 2^8; 1.111b x 2^8 is the NaN pattern
constexpr int kE4m3MinNormalExp = -6;
constexpr int kE4m3MantissaBits = 3;
}  // namespace

float round_fp8_e4m3(float x) {
    if (std::isnan(x)) return x;
    if (x == 0.0f) return x;
    const float a = std::fabs(x);
    if (a >= kE4m3Max) return std::copysign(kE4m3Max, x);  // saturate (no infinities in E4M3)
    // a = f * 2^e2 with f in [0.5, 1): the leading bit is worth 2^(e2 - 1).
    int e2 = 0;
    std::frexp(a, &e2);
    const int exponent = std::max(e2 - 1, kE4m3MinNormalExp);  // subnormals share 2^-6's spacing
    const float quantum = std::ldexp(1.0f, exponent - kE4m3MantissaBits);
    // a / quantum is exact (a power of two); nearbyint rounds half to even in the default mode.
    const float r = std::nearbyint(a / quantum) * quantum;
    return std::copysign(std::min(r, kE4m3Max), x);
}

float round_to_dtype(float x, Dtype t) {
    switch (t) {
        case Dtype::fp32: return x;
        case Dtype::fp16: return float(Eigen::half(x));
        case Dtype::bf16: return float(Eigen::bfloat16(x));
        case Dtype::fp8: return round_fp8_e4m3(x);
    }
    return x;
}

float decode_fp8_e4m3(uint8_t bits) {
    const float sign = (bits & 0x80) ? -1.0f : 1.0f;
    const int e = (bits >> 3) & 0xF, m = bits & 0x7;
    if (e == 0xF && m == 0x7) return std::numeric_limits<float>::quiet_NaN();
    if (e == 0) return sign * std::ldexp(float(m), -6 - 3);              // subnormal: m/8 x 2^-6
    return sign * std::ldexp(1.0f + float(m) / 8.0f, e - 7);             // normal: 1.m x 2^(e-7)
}

}  // namespace flashsim
