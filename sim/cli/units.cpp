// units.cpp: printing bytes and byte rates in the units the user chose (units.h).
#include "sim/cli/units.h"

#include <cmath>
#include <cstdio>

#include "sim/core/errors.h"

namespace flashsim::cli {

namespace {

Units g_units = Units::readable;

std::string scaled(double v, const char* const* units, int n, double step) {
    int k = 0;
    while (std::fabs(v) >= step && k + 1 < n) {
        v /= step;
        ++k;
    }
    char buf[64];
    std::snprintf(buf, sizeof buf, std::fabs(v) >= 100 ? "%.0f %s" : std::fabs(v) >= 10 ? "%.1f %s" : "%.2f %s", v, units[k]);
    return buf;
}

std::string exact(double v, const char* unit) {
    char buf[64];
    if (std::fabs(v) < 9.0e15 && v == std::floor(v)) std::snprintf(buf, sizeof buf, "%.0f %s", v, unit);
    else std::snprintf(buf, sizeof buf, "%.6g %s", v, unit);
    return buf;
}

const char* const kSi[] = {"B", "kB", "MB", "GB", "TB", "PB"};
const char* const kIec[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
const char* const kSiRate[] = {"B/s", "kB/s", "MB/s", "GB/s", "TB/s", "PB/s"};
const char* const kIecRate[] = {"B/s", "KiB/s", "MiB/s", "GiB/s", "TiB/s", "PiB/s"};

}  // namespace

Units parse_units(const std::string& s) {
    if (s == "readable") return Units::readable;
    if (s == "si") return Units::si;
    if (s == "iec") return Units::iec;
    if (s == "exact") return Units::exact;
    throw ConfigError("--units " + s + ": unknown; allowed: readable (default), si, iec, exact");
}

void set_display_units(Units u) { g_units = u; }
Units display_units() { return g_units; }

std::string units_note() {
    switch (g_units) {
        case Units::readable: return "sizes in KiB/MiB (2^10, 2^20 B), rates in GB/s (10^9 B/s)";
        case Units::si: return "SI: kB/MB (10^3, 10^6 B), GB/s (10^9 B/s)";
        case Units::iec: return "IEC: KiB/MiB (2^10, 2^20 B), GiB/s (2^30 B/s)";
        case Units::exact: return "exact bytes (B) and bytes per second (B/s)";
    }
    return "";
}

std::string format_size(double bytes, Units u) {
    switch (u) {
        case Units::si: return scaled(bytes, kSi, 6, 1000);
        case Units::readable:
        case Units::iec: return scaled(bytes, kIec, 6, 1024);
        case Units::exact: return exact(bytes, "B");
    }
    return "";
}

std::string format_rate(double bytes_per_s, Units u) {
    switch (u) {
        case Units::readable:
        case Units::si: return scaled(bytes_per_s, kSiRate, 6, 1000);
        case Units::iec: return scaled(bytes_per_s, kIecRate, 6, 1024);
        case Units::exact: return exact(bytes_per_s, "B/s");
    }
    return "";
}

}  // namespace flashsim::cli
