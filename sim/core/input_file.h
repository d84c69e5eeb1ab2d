// input_file.h: reading a file a user names (a GPU preset, a lesson or viewer configuration, a
// homework answer file, a measurement, an ncu CSV) without trusting it.
//
// Contract: read_input_file() returns the whole file, or throws ConfigError in one line naming
// `what` and the path when the path is empty, missing, unreadable, not a regular file (a
// directory, FIFO, socket or device: reading one could block or never end) or larger than
// `max_bytes`. It never blocks on a FIFO (opened non-blocking, checked with fstat on the open
// descriptor, so a path swapped after a check is still refused) and never reads past the cap.
#pragma once
#include <cstdint>
#include <string>

namespace flashsim {

inline constexpr std::uintmax_t kMaxConfigFileBytes = std::uintmax_t(1) << 20;       // TOML, answer files
inline constexpr std::uintmax_t kMaxMeasurementFileBytes = std::uintmax_t(256) << 20;  // JSON with outputs, ncu CSV

std::string read_input_file(const std::string& path, const std::string& what, std::uintmax_t max_bytes);

// "1 MiB", "256 MiB", "12345 bytes": a size for messages.
std::string describe_bytes(std::uintmax_t bytes);

}  // namespace flashsim
