// fuzz_common.h: what every libFuzzer harness shares. A harness feeds the bytes to one reader of
// user files; ConfigError (one clear line) is the expected answer to bad input, anything else
// that escapes (another exception, a crash, a sanitizer report, a hang) is a finding. Results
// that pass must be finite: require_finite() traps on nan or inf, so "nonsense" is a finding too.
#pragma once
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>

#include "sim/core/errors.h"

namespace flashsim::fuzz {

inline std::string as_text(const uint8_t* data, size_t size) { return std::string(reinterpret_cast<const char*>(data), size); }

inline void require_finite(double v) {
    if (!std::isfinite(v)) __builtin_trap();
}

// Runs `f`; a ConfigError is a correct refusal, every other exception escapes to libFuzzer.
template <class F>
void expect_config_error_or_success(F&& f) {
    try {
        f();
    } catch (const ConfigError&) {
    }
}

}  // namespace flashsim::fuzz
