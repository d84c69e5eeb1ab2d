// json_input.h: parsing JSON a user supplies (measurements, homework answer files) without
// trusting it.
//
// Contract: parse_json_input() returns the document, or throws ConfigError in one line,
// prefixed with `origin` (e.g. "measurement 'x.json'"), when the text is not JSON, holds a
// number out of double's range (1e400), or nests deeper than `max_depth` arrays/objects, so
// nothing downstream (dump(), the destructor, a report) recurses without bound.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

namespace flashsim {

inline constexpr int kMaxJsonDepth = 64;

nlohmann::json parse_json_input(const std::string& text, const std::string& origin, int max_depth = kMaxJsonDepth);

}  // namespace flashsim
