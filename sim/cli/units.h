// units.h: how the CLI prints bytes and byte rates, chosen once per command with --units.
//   readable (default): sizes in IEC units (KiB, MiB: tiles and tensors are powers of two),
//                       rates in SI units (GB/s, as vendors quote bandwidths);
//   si:    everything in powers of 1000 (kB, MB, GB/s);
//   iec:   everything in powers of 1024 (KiB, MiB, GiB/s);
//   exact: bytes as integers ("2097152 B"), rates in B/s.
// Every table printed with these units says which (units_note()).
#pragma once
#include <string>

namespace flashsim::cli {

enum class Units { readable, si, iec, exact };

Units parse_units(const std::string& s);  // throws ConfigError naming the allowed values
void set_display_units(Units u);
Units display_units();
// "sizes in KiB/MiB (2^10, 2^20 B), rates in GB/s (10^9 B/s)"
std::string units_note();

std::string format_size(double bytes, Units u);             // "2.00 MiB", "2.10 MB", "2097152 B"
std::string format_rate(double bytes_per_s, Units u);       // "1.56 TB/s", "1.42 TiB/s"

}  // namespace flashsim::cli
