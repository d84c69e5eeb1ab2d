// fuzz_cli.cpp: the command line. The input is split at whitespace into arguments and parsed
// with the options every simulating command shares (plus run's outputs), then converted into a
// problem, a schedule (resolved) and a GPU, and the work estimated, as `flashsim run` does
// before it simulates. Nothing is simulated or written (an output path is only checked).
#include <sstream>
#include <vector>

#include "sim/cli/options.h"
#include "sim/core/work_estimate.h"
#include "tests/fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace flashsim;
    std::istringstream in(fuzz::as_text(data, size));
    std::vector<std::string> args{"flashsim"};
    for (std::string a; in >> a;) {
        if (a == "--help" || a == "-h") return 0;  // prints the usage; nothing to parse
        args.push_back(a);
    }
    if (args.size() > 1 && args[1] == "run") args.erase(args.begin() + 1);
    std::vector<const char*> argv;
    for (const auto& a : args) argv.push_back(a.c_str());
    fuzz::expect_config_error_or_success([&] {
        try {
            cli::CommonOptions o;
            std::string json_path, csv_path;
            cli::po::options_description desc("run options");
            cli::add_common_options(desc, o);
            desc.add_options()("json", cli::po::value(&json_path), "")("csv", cli::po::value(&csv_path), "");
            cli::po::variables_map vm;
            if (!cli::parse(int(argv.size()), argv.data(), desc, vm, "usage")) return;
            cli::check_output_path(json_path);
            cli::check_output_path(csv_path);
            const AttentionProblem p = o.problem();
            const GpuSpec g = o.gpu_spec();
            const Schedule s = resolve_schedule(o.schedule(), p, g);
            const SimOptions so = o.sim_options();
            const WorkEstimate w = estimate_work(p, s, so.timing, so.timing && !so.paper_mode && g.l2_bytes > 0);
            fuzz::require_finite(w.seconds);
        } catch (const cli::po::error&) {  // a malformed option: main prints it in one line
        }
    });
    return 0;
}
