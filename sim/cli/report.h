// report.h: terminal tables (at most 100 columns) for the demo and `flashsim run`.
#pragma once
#include <string>
#include <vector>

#include "sim/cli/units.h"
#include "sim/result/run_result.h"

namespace flashsim::cli {

std::string human_bytes(double bytes);     // a size in the --units chosen: "12.0 MiB" (default), "12.6 MB", "12582912 B"
std::string human_rate(double bytes_per_s);  // a byte rate in the --units chosen: "1.56 TB/s" (default)
std::string human_count(double n);         // "4.29 G"
std::string human_seconds(double s);       // "81.2 us"

// The comparison table: one row per result, ratios against the first (vanilla) row.
std::string comparison_table(const std::vector<RunResult>& rows);
// The full report of one run: problem, schedule, footprint, counts per tensor, formula, time.
std::string run_report(const RunResult& r);

}  // namespace flashsim::cli
