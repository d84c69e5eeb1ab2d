// CI replay: every stored measurement (kernels/measurements/*.json) is compared with the model
// again, so a change that makes fidelity worse than tests/crosscheck/fidelity_bounds.h fails
// here, without a GPU.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <deque>
#include <filesystem>

#include "sim/crosscheck/report.h"
#include "tests/crosscheck/fidelity_bounds.h"

using namespace flashsim;
using namespace flashsim::crosscheck;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> stored_measurements() {
    std::vector<std::string> out;
    const fs::path dir = fs::path(FLASHSIM_SOURCE_DIR) / "kernels" / "measurements";
    if (!fs::is_directory(dir)) return out;
    for (const auto& e : fs::directory_iterator(dir)) {
        const std::string name = e.path().filename().string();
        const auto& subsets = testing::replay_subsets();
        const bool left_out = std::any_of(subsets.begin(), subsets.end(),
                                          [&](const testing::ReplaySubset& s) { return name == s.file && s.max_N == 0; });
        if (e.is_regular_file() && e.path().extension() == ".json" && !left_out) out.push_back(e.path().string());
    }
    std::sort(out.begin(), out.end());
    return out;
}

const testing::FidelityBound* bound_for(const std::string& file, int64_t version, Metric m, const std::string& model) {
    for (const auto& b : testing::fidelity_bounds())
        if (file == b.file && b.version == version && b.metric == m && model == b.model) return &b;
    return nullptr;
}

const char* metric_enum(Metric m) {
    static const char* k[] = {"hbm_read", "hbm_write", "l2_traffic", "l2_requests", "time_ncu", "time_events", "cycles", "l2_reads"};
    return k[size_t(m)];
}

// Checks one file's report: every run that ran on the GPU was simulated, and every bounded
// (version, metric) stays within its bound. Returns how many bounds were checked.
int replay(const std::string& path, const CrosscheckReport& r, std::string& unbounded) {
    for (const auto& c : r.comparisons) {
        if (!c.run.error.empty()) continue;  // failed on the GPU: nothing to compare
        INFO(path << ": " << c.label << ": " << c.sim_error);
        CHECK(c.sim_error.empty());
    }
    // The counting layer the simulator ran: paper mode until the L2 model is on main.
    bool paper = true;
    for (const auto& c : r.comparisons)
        if (c.sim_error.empty()) paper = c.sim_paper_mode;
    const std::string model = paper ? "paper" : "l2";
    int checked = 0;
    for (const auto& s : r.summary) {
        if (s.group == "all" || s.group.rfind("torch", 0) == 0) continue;  // torch: PyTorch's kernels, held out
        const int64_t v = std::stoll(s.group.substr(1));
        if (const testing::FidelityBound* b = bound_for(fs::path(path).filename().string(), v, s.metric, model)) {
            INFO(path << ": v" << v << " " << std::string(metric_name(s.metric)) << " worst |err| " << s.worst_abs_rel_err << " ("
                      << s.worst_label << ") exceeds the bound " << b->max_worst_abs_rel_err << " (" << std::string(b->model) << " counts)");
            CHECK(s.worst_abs_rel_err <= b->max_worst_abs_rel_err);
            ++checked;
        } else {
            char line[256];
            std::snprintf(line, sizeof line,
                          "        {\"%s\", %lld, Metric::%s, \"%s\", %.2f},  // median %.3f, worst %.3f\n",
                          fs::path(path).filename().c_str(), (long long)v, metric_enum(s.metric), model.c_str(),
                          std::ceil(s.worst_abs_rel_err * 1.1 * 100) / 100, s.median_abs_rel_err, s.worst_abs_rel_err);
            unbounded += line;
        }
    }
    return checked;
}

}  // namespace

TEST_CASE("the stored measurements replay within the fidelity bounds") {
    const std::vector<std::string> files = stored_measurements();
    if (files.empty()) {
        // Not a pass on real data: say so, and still run the whole pipeline on the synthetic
        // fixture (hand-written test input, not a measurement) so a broken pipeline fails here.
        MESSAGE("no measurement file in kernels/measurements/ yet: the replay ran on the synthetic fixture "
                "tests/crosscheck/fixtures/synthetic_measurement.json only, which is test input, not a "
                "measurement; no fidelity bound was checked");
        const std::string path = std::string(FLASHSIM_SOURCE_DIR) + "/tests/crosscheck/fixtures/synthetic_measurement.json";
        const MeasurementFile f = load_measurement(path);
        const CrosscheckReport r = build_report(f, load_gpu(preset_for_gpu(f.provenance.gpu)), crosscheck_sim_options());
        std::string unbounded;
        replay(path, r, unbounded);
        CHECK_FALSE(r.summary.empty());
        return;
    }
    // Every file is loaded first (a malformed stored file fails here, by name); then the runs of
    // all files share one pool of threads.
    std::deque<MeasurementFile> loaded;
    std::vector<const MeasurementFile*> ptrs;
    std::vector<GpuSpec> gpus;
    for (const auto& path : files) {
        INFO("loading " << path);
        loaded.push_back(load_measurement(path));
        for (const auto& s : testing::replay_subsets()) {  // the runs the replay keeps of a costly file
            if (fs::path(path).filename() != s.file) continue;
            auto& runs = loaded.back().runs;
            runs.erase(std::remove_if(runs.begin(), runs.end(), [&](const MeasuredRun& r) { return r.N > s.max_N; }),
                       runs.end());
        }
        ptrs.push_back(&loaded.back());
        gpus.push_back(load_gpu(preset_for_gpu(loaded.back().provenance.gpu)));
    }
    const std::vector<CrosscheckReport> reports = build_reports(ptrs, gpus, crosscheck_sim_options());
    int checked = 0;
    std::string unbounded;
    for (size_t i = 0; i < files.size(); ++i) {
        INFO("replaying " << files[i]);
        CHECK_FALSE(reports[i].comparisons.empty());
        checked += replay(files[i], reports[i], unbounded);
    }
    MESSAGE("replayed " << files.size() << " measurement file(s); " << checked << " fidelity bound(s) checked");
    if (!unbounded.empty())
        MESSAGE("(file, version, metric, counting layer) with no bound yet; to bound them at what the model achieves now (+10%), add to "
                "tests/crosscheck/fidelity_bounds.h:\n"
                << unbounded);
}
