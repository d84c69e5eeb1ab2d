// run.cpp: `flashsim run`, one configuration (`flashsim sweep`, a grid of them: sweep.cpp).
#include <iostream>
#include <nlohmann/json.hpp>

#include "sim/cli/commands.h"
#include "sim/cli/options.h"
#include "sim/cli/report.h"
#include "sim/core/errors.h"

namespace flashsim::cli {

int cmd_run(int argc, const char* const* argv) {
    CommonOptions o;
    std::string json_path, csv_path;
    po::options_description desc("run options");
    add_common_options(desc, o);
    desc.add_options()("json", po::value(&json_path), "write the result as JSON to FILE (- for stdout)")(
        "csv", po::value(&csv_path), "write the result as one CSV row (with header) to FILE (- for stdout)");
    po::variables_map vm;
    if (!parse(argc, argv, desc, vm, "usage: flashsim run [options]\n\nSimulates one configuration and prints a report."))
        return 0;
    check_output_path(json_path);  // refuse before writing either file
    check_output_path(csv_path);
    const RunResult r = simulate(o.problem(), o.schedule(), o.gpu_spec(), o.sim_options());
    if (!json_path.empty()) write_output(json_path, to_json(r).dump(2) + "\n");
    if (!csv_path.empty()) write_output(csv_path, csv_header() + "\n" + csv_row(r) + "\n");
    if (json_path != "-" && csv_path != "-") std::cout << run_report(r);
    return 0;
}

}  // namespace flashsim::cli
