// sweep.cpp: `flashsim sweep`, a grid of configurations (the library's sim/sweep), written as
// CSV, JSON or a table for people, with a progress bar and an optional gnuplot plot.
#include <chrono>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "sim/cli/commands.h"
#include "sim/cli/options.h"
#include "sim/cli/sweep_view.h"
#include "sim/core/errors.h"
#include "sim/sweep/sweep_options.h"

namespace flashsim::cli {

namespace {

// A progress bar on stderr, redrawn at most ten times a second.
class ProgressBar {
public:
    void operator()(size_t done, size_t total) {
        const auto now = std::chrono::steady_clock::now();
        if (done != total && now - last_ < std::chrono::milliseconds(100)) return;
        last_ = now;
        const int width = 40, filled = int(double(width) * double(done) / double(total));
        std::fprintf(stderr, "\rsweep [%s%s] %zu/%zu points", std::string(size_t(filled), '#').c_str(),
                     std::string(size_t(width - filled), '.').c_str(), done, total);
        if (done == total) std::fprintf(stderr, "\n");
        std::fflush(stderr);
    }

private:
    std::chrono::steady_clock::time_point last_{};
};

}  // namespace

int cmd_sweep(int argc, const char* const* argv) {
    CommonOptions o;
    std::vector<std::string> vary, algos;
    std::string json_path, csv_path = "-", format = "csv";
    PlotOptions plot;
    unsigned threads = 0;
    bool no_progress = false;
    po::options_description desc("sweep options");
    add_common_options(desc, o);
    // clang-format off
    desc.add_options()
        ("vary", po::value(&vary)->composing(),
            "KEY=START:STOP (doubling), KEY=START:STOP:+STEP, KEY=START:STOP:*FACTOR or KEY=V1,V2; "
            "KEY is N, N-kv, d, Br, Bc, heads, batch, warps, stages, bwd-Br, bwd-Bc, bwd-warps, bwd-stages, dropout or a GPU "
            "field (repeatable: a grid)")
        ("algos", po::value(&algos)->multitoken(), "algorithms to run at every point (default: --algo)")
        ("format", po::value(&format)->default_value(format),
            "what goes to stdout: csv, json or table (a table for people: exact bytes and readable units)")
        ("json", po::value(&json_path), "write a JSON array to FILE (- for stdout)")
        ("csv", po::value(&csv_path), "write CSV rows to FILE (default: - for stdout with --format csv)")
        ("plot", po::value(&plot.path), "draw FILE.png or FILE.svg with gnuplot")
        ("plot-y", po::value(&plot.y)->default_value(plot.y),
            "what the plot shows: hbm (read + write bytes), hbm-read, hbm-write or time")
        ("plot-x", po::value(&plot.x), "the varied key on the x axis (default: the first --vary)")
        ("log", po::bool_switch(&plot.log), "log-log axes")
        ("jobs,j", po::value(&threads)->default_value(threads), "points simulated at once; 0 = every core")
        ("threads", po::value(&threads), "the same as --jobs")
        ("no-progress", po::bool_switch(&no_progress), "no progress bar (it is drawn only when stderr is a terminal)");
    // clang-format on
    po::variables_map vm;
    if (!parse(argc, argv, desc, vm,
               "usage: flashsim sweep --vary KEY=RANGE [--vary ...] [options]\n\n"
               "A point that does not fit (SRAM, ranges) is kept as a row with its reason.\n"
               "examples:\n"
               "  flashsim sweep --algos vanilla fa2 --vary N=512:8192 --paper --no-timing\n"
               "  flashsim sweep --algos vanilla fa1 fa2 --vary N=256:8192 --format table --plot hbm.png --log"))
        return 0;
    if (format != "csv" && format != "json" && format != "table")
        throw ConfigError("--format " + format + ": unknown; allowed: csv, json, table");
    // stdout gets one thing: the --format, unless --csv - or --json - asks for it explicitly.
    const bool csv_given = vm.count("csv") && !vm["csv"].defaulted(), json_given = vm.count("json") > 0;
    if (!json_given && format == "json") json_path = "-";
    if (!csv_given) csv_path = format == "csv" && json_path != "-" ? "-" : "";
    const int to_stdout = (csv_path == "-") + (json_path == "-") + (format == "table");
    if (to_stdout > 1) throw ConfigError("--format " + format + ", --csv - and --json - ask for stdout together; give the others a FILE");
    check_output_path(json_path);
    check_output_path(csv_path);
    if (!plot.path.empty()) check_plot_options(plot, vary);
    if (vary.empty()) throw ConfigError("sweep needs at least one --vary KEY=RANGE (see flashsim sweep --help)");

    const SweepSpec spec = make_sweep_spec(o, algos, vary, threads);  // refuses a bad axis before any work

    ProgressBar bar;
    SweepProgress progress;
    if (!no_progress && ::isatty(STDERR_FILENO)) progress = std::ref(bar);
    const std::vector<SweepRow> rows = run_sweep(spec, progress);

    if (!json_path.empty()) write_output(json_path, sweep_json(spec, rows).dump(2) + "\n");
    if (!csv_path.empty()) write_output(csv_path, sweep_csv(spec, rows));
    if (format == "table") std::cout << sweep_table(spec, rows);
    if (!plot.path.empty()) {
        draw_sweep_plot(spec, rows, plot);
        std::cerr << "flashsim: plot written to " << plot.path << "\n";
    }
    return 0;
}

}  // namespace flashsim::cli
