// element_types.h: rounding fp32 values to the element types the simulator models, as the
// functional layer stores them in its "HBM" arrays.
//
// Contract: round_to_dtype(x, t) returns the value of type t nearest to x, as an fp32 (every
// fp16, bf16 and fp8 value is exact in fp32); ties go to the even significand.
//   fp32: x itself;  fp16: Eigen::half;  bf16: Eigen::bfloat16;
//   fp8:  OCP E4M3 ("e4m3fn": 4 exponent bits, bias 7, 3 mantissa bits, no infinities, largest
//         finite 448, subnormals down to 2^-9), saturating: |x| > 448 gives +-448, as CUDA's
//         __nv_cvt_float_to_fp8(x, __NV_SATFINITE, __NV_E4M3) does; NaN stays NaN.
#pragma once
#include <cstdint>

namespace flashsim {

enum class Dtype : uint8_t;

float round_fp8_e4m3(float x);
float round_to_dtype(float x, Dtype t);

// Value of the E4M3 bit pattern `bits` (0..255), decoded from the format's definition; NaN for
// the two NaN patterns (S.1111.111). For tests and teaching.
float decode_fp8_e4m3(uint8_t bits);

}  // namespace flashsim
