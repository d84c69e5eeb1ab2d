// report.h: terminal tables (at most 100 columns) for the demo and `flashsim run`.
#pragma once
#include <string>
#include <vector>

#include "sim/result/run_result.h"

namespace flashsim::cli {

std::string human_bytes(double bytes);     // "12.6 MB" (decimal, as bandwidths are quoted)
std::string human_count(double n);         // "4.29 G"
std::string human_seconds(double s);       // "81.2 us"

// The comparison table: one row per result, ratios against the first (vanilla) row.
std::string comparison_table(const std::vector<RunResult>& rows);
// The full report of one run: problem, schedule, footprint, counts per tensor, formula, time.
std::string run_report(const RunResult& r);

}  // namespace flashsim::cli
