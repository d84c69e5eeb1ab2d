// ncu_csv.h: reading a plain Nsight Compute CSV export, so a user can profile their own kernel
// (`ncu --csv --metrics dram__bytes_read.sum,... ./app > file.csv`) and compare it with the model.
//
// Two layouts are read, as ncu writes them:
//   details page (the default): one row per (kernel launch, metric), with the columns
//     "ID", ..., "Kernel Name", ..., "Metric Name", "Metric Unit", "Metric Value";
//   raw page (--page raw): one row per kernel launch, one column per metric, and a second row
//     holding the units (its "ID" cell is empty).
// Whatever the profiled program printed before the header ("==PROF==" lines, its own output) is
// skipped. Values may carry thousands separators ("53,261,312") and scaled units (byte, Kbyte,
// Mbyte, Gbyte; nsecond, usecond, msecond, second); all are converted to bytes and nanoseconds.
// "n/a" leaves a metric unset.
//
// Contract: parse_ncu_csv() throws ConfigError naming the file, the line and the problem (no
// header, an unparsable value, an unknown unit on a metric the cross-check uses).
#pragma once
#include <map>
#include <string>
#include <vector>

#include "sim/crosscheck/measurement.h"

namespace flashsim::crosscheck {

// One profiled kernel launch: its metrics in base units (bytes, sectors, nanoseconds).
struct NcuKernelRow {
    std::string id;
    std::string name;
    std::map<std::string, double> metrics;
};

struct NcuCsv {
    std::string origin;
    std::string layout;  // "details" or "raw"
    std::vector<NcuKernelRow> launches;
};

NcuCsv parse_ncu_csv(const std::string& text, const std::string& origin);  // throws ConfigError

// Sums the cross-check's metrics over the launches whose name matches `kernel_regex`
// (ECMAScript without back-references, at most 256 characters, searched anywhere in the name in
// time linear in its length; "" takes every launch). Throws ConfigError when the regex is
// invalid or matches no launch.
NcuMetrics sum_ncu_launches(const NcuCsv& csv, const std::string& kernel_regex);

// Scale of an ncu unit to the base unit (bytes, nanoseconds, or the count itself):
// "Kbyte" -> 1e3, "usecond" -> 1e3, "msecond" -> 1e6, "sector" -> 1. Throws ConfigError for a
// unit it does not know.
double ncu_unit_scale(const std::string& unit);

// "1,234,567.5" -> 1234567.5; throws ConfigError naming `what` when it is not a number.
double parse_ncu_number(const std::string& text, const std::string& what);

}  // namespace flashsim::crosscheck
