// report.h: the cross-check as people and programs read it: terminal tables (100 columns, or
// --wide), JSON ("flashsim-crosscheck/1") and CSV (one row per measured run).
//
// Contract: missing values print as "-" in tables, null in JSON and an empty cell in CSV.
// Relative errors are signed, (sim - meas) / meas, in percent in tables and as fractions in
// JSON and CSV. docs/fidelity.md describes every column.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "sim/config/run_options.h"
#include "sim/crosscheck/compare.h"
#include "sim/crosscheck/ncu_csv.h"

namespace flashsim::crosscheck {

struct CrosscheckReport {
    std::string source;                       // the file compared
    const MeasurementFile* file = nullptr;    // null for an ncu CSV export
    GpuSpec gpu;
    std::vector<Comparison> comparisons;
    std::vector<MetricSummary> summary;
    std::vector<ShapeThroughput> throughput;  // empty for an ncu CSV export
    OutputsReport outputs;
    std::vector<std::string> caveats;
};

// Runs everything for a measurement file (or, with file == nullptr, for given comparisons).
// The runs are simulated on `jobs` threads (0 = every core); the report is the same for any number.
CrosscheckReport build_report(const MeasurementFile& f, const GpuSpec& g, const SimOptions& o, unsigned jobs = 0);
CrosscheckReport build_report(const MeasurementFile& f, const GpuSpec& g, std::vector<Comparison> cs);
CrosscheckReport build_report(const std::string& source, std::vector<Comparison> cs, const GpuSpec& g);

// An `ncu --csv` export of one's own kernel against the simulator: the configuration (algo, N, d,
// heads, batch, dtype, causal, Br, Bc, warps, stages) and the GPU come from `o`, which must name a
// GPU (o.gpu or o.gpu_toml); metrics are summed over the kernels whose name matches kernel_regex
// ("" = all). Throws ConfigError.
CrosscheckReport build_ncu_report(const std::string& source, const NcuCsv& ncu, const std::string& kernel_regex,
                                  const RunOptions& o);

std::string format_text(const CrosscheckReport& r, bool wide);
// The summary table (metric, group, runs, median and worst |err|, worst run), without a title.
std::string format_summary(const std::vector<MetricSummary>& s);

// Several measurement files at once (`flashsim crosscheck kernels/measurements/*.json`): their
// runs share one pool of `jobs` threads; reports[i] is files[i]'s, on gpus[i].
std::vector<CrosscheckReport> build_reports(const std::vector<const MeasurementFile*>& files, const std::vector<GpuSpec>& gpus,
                                            const SimOptions& o, unsigned jobs = 0);
// The summary over every run of every report, per kernel version and "all"; a run's label is
// prefixed with its file's name.
std::vector<MetricSummary> combined_summary(const std::vector<CrosscheckReport>& rs);
std::string format_combined_summary(const std::vector<CrosscheckReport>& rs);
// {"schema": "flashsim-crosscheck-set/1", "reports": [to_json(r)...], "summary": [...]}.
nlohmann::json to_json(const std::vector<CrosscheckReport>& rs);
nlohmann::json to_json(const std::vector<MetricSummary>& summary);
// One header; each row of to_csv(r) preceded by a `source` column (the file compared).
std::string to_csv(const std::vector<CrosscheckReport>& rs);
nlohmann::json to_json(const CrosscheckReport& r);
std::string to_csv(const CrosscheckReport& r);
// The fidelity table of docs/fidelity.md: one Markdown row per run, generated, never hand-edited.
std::string to_markdown(const CrosscheckReport& r);

// Table cells: "+12.3%", "-99.0%", "+1400%", "-" when missing.
std::string format_rel_err(const std::optional<double>& e);

}  // namespace flashsim::crosscheck
