// errors.h: the one exception type for bad configuration and bad input.
//
// Contract: every message names the key, the value and what is allowed, in one line, so the
// CLI can print it as it is ("Br=256, Bc=256, d=128 need 288 KiB of SRAM; ...") and exit 2.
#pragma once
#include <stdexcept>
#include <string>

namespace flashsim {

struct ConfigError : std::runtime_error {
    explicit ConfigError(const std::string& what) : std::runtime_error(what) {}
};

}  // namespace flashsim
