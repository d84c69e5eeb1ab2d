// crosscheck.cpp: `flashsim crosscheck FILE...`: measured kernels vs the simulator, side by side.
//
// Several measurement files (kernels/measurements/*.json) are compared in one call: one report
// per file, then a combined summary; their runs share one pool of --jobs threads.
// FILE is a stored measurement ("flashsim-measurement/1", kernels/measurements/*.json), which
// describes its own runs and GPU, or a plain `ncu --csv` export of any program, whose
// configuration comes from the common options (--algo, --N, --d, --heads, --batch, --causal,
// --Br, --Bc, --dtype) and whose GPU comes from --gpu.
#include <algorithm>
#include <deque>
#include <set>
#include <sstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "sim/cli/commands.h"
#include "sim/cli/options.h"
#include "sim/core/errors.h"
#include "sim/crosscheck/ncu_csv.h"
#include "sim/crosscheck/report.h"

namespace flashsim::cli {

namespace {

using namespace flashsim::crosscheck;

// "5,6" -> {5, 6}.
std::set<int64_t> parse_versions(const std::string& list) {
    std::set<int64_t> v;
    std::stringstream ss(list);
    for (std::string t; std::getline(ss, t, ',');) {
        try {
            size_t used = 0;
            const long long x = std::stoll(t, &used);
            if (used != t.size() || x < 1) throw std::invalid_argument(t);
            v.insert(x);
        } catch (const std::logic_error&) {
            throw ConfigError("--versions '" + list + "': '" + t + "' is not a kernel version (1, 2, ...)");
        }
    }
    if (v.empty()) throw ConfigError("--versions '" + list + "': no versions");
    return v;
}

// Problem options make no sense for a measurement file, which describes its own runs.
void refuse_problem_options(const po::variables_map& vm, const std::string& file) {
    for (const char* k : {"algo", "N", "N-kv", "d", "heads", "batch", "causal", "Br", "Bc", "dtype", "kernel-regex"})
        if (vm.count(k) && !vm[k].defaulted())
            throw ConfigError(std::string("--") + k + " applies to ncu CSV exports only; '" + file +
                              "' is a measurement file, which describes its own runs");
}

// Several measurement files: every file is read and checked before any simulation starts.
int crosscheck_files(const std::vector<std::string>& files, const po::variables_map& vm, const CommonOptions& o,
                     const std::string& versions, const std::string& json_path, const std::string& csv_path,
                     const std::string& markdown_path, bool wide, unsigned jobs) {
    if (!markdown_path.empty())
        throw ConfigError("--markdown writes the fidelity table of one file; give one measurement file with it, not " +
                          std::to_string(files.size()));
    std::deque<MeasurementFile> ms;  // the reports point into it
    std::vector<const MeasurementFile*> ptrs;
    std::vector<GpuSpec> gpus;
    for (const auto& file : files) {
        const std::string text = read_text_file(file);
        if (!looks_like_measurement(text))
            throw ConfigError("'" + file + "' is not a measurement file; an ncu CSV export is compared alone, one per call");
        refuse_problem_options(vm, file);
        ms.push_back(parse_measurement(text, file));
        if (!versions.empty()) keep_versions(ms.back(), parse_versions(versions));
        CommonOptions fo = o;
        if (fo.gpu.empty()) fo.gpu = preset_for_gpu(ms.back().provenance.gpu);
        gpus.push_back(fo.gpu_spec());
        ptrs.push_back(&ms.back());
    }
    const std::vector<CrosscheckReport> reports = build_reports(ptrs, gpus, o.sim_options(), jobs);
    if (!json_path.empty()) write_output(json_path, to_json(reports).dump(2) + "\n");
    if (!csv_path.empty()) write_output(csv_path, to_csv(reports));
    if (json_path == "-" || csv_path == "-") return 0;
    for (const auto& r : reports) std::cout << format_text(r, wide) << "\n" << std::string(100, '=') << "\n\n";
    std::cout << format_combined_summary(reports);
    return 0;
}

}  // namespace

int cmd_crosscheck(int argc, const char* const* argv) {
    CommonOptions o;
    o.gpu = "";  // default: from the measurement's provenance
    std::vector<std::string> files;
    std::string json_path, csv_path, markdown_path, kernel_regex, versions;
    bool wide = false;
    unsigned jobs = 0;
    po::options_description desc("crosscheck options");
    add_common_options(desc, o);
    desc.add_options()("file", po::value(&files), "measurement JSONs or one ncu CSV export (positional)")(
        "json", po::value(&json_path), "write the comparison as JSON to FILE (- for stdout)")(
        "csv", po::value(&csv_path), "write the comparison as CSV, one row per run, to FILE (- for stdout)")(
        "markdown", po::value(&markdown_path), "write the fidelity table (docs/fidelity.md) as Markdown to FILE")(
        "kernel-regex", po::value(&kernel_regex), "ncu CSV only: sum only the kernels whose name matches")(
        "versions", po::value(&versions), "measurement only: compare only these kernel versions, e.g. 5,6")(
        "wide", po::bool_switch(&wide), "one wide table with every metric instead of two 100-column tables")(
        "jobs,j", po::value(&jobs)->default_value(jobs), "runs simulated at once; 0 = every core");
    po::positional_options_description pos;
    pos.add("file", -1);
    po::variables_map vm;
    if (!parse(argc, argv, desc, vm,
               "usage: flashsim crosscheck FILE... [--json OUT] [--csv OUT] [--gpu PRESET] [--wide] [--jobs N]\n\n"
               "Compares measured kernels with the simulator (L2 model and timing on).\n"
               "FILE: a measurement (kernels/measurements/*.json, written by kernels/profile.py): the GPU\n"
               "      preset comes from its provenance unless --gpu is given;\n"
               "  or: an `ncu --csv` export (details page or --page raw) of your own kernel: give its\n"
               "      configuration with --algo --N --d --heads --batch --causal --Br --Bc --dtype, and\n"
               "      --gpu; metrics are summed over the kernels in the file (--kernel-regex filters).\n"
               "Several measurement files give one report each, then a combined summary (--json: one\n"
               "document with every report; --csv: one table with a source column).\n"
               "example: flashsim crosscheck kernels/measurements/nvidia-h200-2026-11-21.json\n"
               "         flashsim crosscheck kernels/measurements/*.json",
               &pos))
        return 0;
    if (files.empty()) throw ConfigError("crosscheck needs FILE: a measurement JSON or an ncu CSV export");
    for (const auto* out : {&json_path, &csv_path, &markdown_path}) check_output_path(*out);
    if (files.size() > 1) return crosscheck_files(files, vm, o, versions, json_path, csv_path, markdown_path, wide, jobs);
    const std::string& file = files.front();
    const std::string text = read_text_file(file);

    MeasurementFile m;
    std::optional<NcuCsv> ncu;
    CrosscheckReport report;
    if (looks_like_measurement(text)) {
        refuse_problem_options(vm, file);
        m = parse_measurement(text, file);
        if (!versions.empty()) keep_versions(m, parse_versions(versions));
        if (o.gpu.empty()) o.gpu = preset_for_gpu(m.provenance.gpu);
        report = build_report(m, o.gpu_spec(), o.sim_options(), jobs);
    } else {
        if (!versions.empty()) throw ConfigError("--versions applies to measurement files only; '" + file + "' is an ncu CSV export");
        ncu = parse_ncu_csv(text, file);
        report = build_ncu_report(file, *ncu, kernel_regex, o);
    }
    if (!json_path.empty()) write_output(json_path, to_json(report).dump(2) + "\n");
    if (!csv_path.empty()) write_output(csv_path, to_csv(report));
    if (!markdown_path.empty()) write_output(markdown_path, to_markdown(report));
    if (json_path != "-" && csv_path != "-" && markdown_path != "-") std::cout << format_text(report, wide);
    return 0;
}

}  // namespace flashsim::cli
