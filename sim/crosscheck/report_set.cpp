// report_set.cpp: the cross-check of several measurement files in one call (see report.h): one
// pool of threads for every run, one report per file, and a summary over all of them.
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "sim/crosscheck/report.h"

namespace flashsim::crosscheck {

std::vector<CrosscheckReport> build_reports(const std::vector<const MeasurementFile*>& files, const std::vector<GpuSpec>& gpus,
                                            const SimOptions& o, unsigned jobs) {
    std::vector<std::vector<Comparison>> cs = compare_runs(files, gpus, o, jobs);
    std::vector<CrosscheckReport> out;
    for (size_t i = 0; i < files.size(); ++i) out.push_back(build_report(*files[i], gpus[i], std::move(cs[i])));
    return out;
}

std::vector<MetricSummary> combined_summary(const std::vector<CrosscheckReport>& rs) {
    std::vector<Comparison> all;
    for (const auto& r : rs)
        for (Comparison c : r.comparisons) {
            c.label = std::filesystem::path(r.source).filename().string() + ": " + c.label;
            all.push_back(std::move(c));
        }
    std::vector<MetricSummary> out = summarize(all);
    // PyTorch's kernels, held out: one row over every file's shapes.
    std::vector<std::pair<std::string, const std::vector<ShapeThroughput>*>> sets;
    for (const auto& r : rs) sets.push_back({std::filesystem::path(r.source).filename().string() + ": ", &r.throughput});
    for (const MetricSummary& t : summarize_torch(sets)) out.push_back(t);
    return out;
}

std::string format_combined_summary(const std::vector<CrosscheckReport>& rs) {
    std::ostringstream o;
    size_t runs = 0;
    for (const auto& r : rs) runs += r.comparisons.size();
    o << "combined summary of " << rs.size() << " files (" << runs << " runs): |sim - meas| / meas over the runs with both values\n";
    for (const auto& r : rs)
        o << "  " << r.source << ": " << r.comparisons.size() << " runs on preset " << r.gpu.name << "\n";
    o << format_summary(combined_summary(rs));
    return o.str();
}

nlohmann::json to_json(const std::vector<CrosscheckReport>& rs) {
    nlohmann::json j = {{"schema", "flashsim-crosscheck-set/1"}, {"reports", nlohmann::json::array()}};
    for (const auto& r : rs) j["reports"].push_back(to_json(r));
    j["summary"] = to_json(combined_summary(rs));
    return j;
}

}  // namespace flashsim::crosscheck
