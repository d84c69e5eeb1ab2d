// main.cpp: flashsim-viz, the viewer. Interactive by default; --screenshot/--record render headless
// (under Xvfb) and exit; --bench prints frame rate and re-simulation latency. Every bad input
// (options, --config file, --measurements file) is one line on stderr and exit code 2.
#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>
#include <sstream>

#include "sim/algorithms/algorithm.h"
#include "sim/core/errors.h"
#include "viz/app.h"
#include "viz/headless.h"

namespace po = boost::program_options;
using namespace flashsim;
using namespace flashsim::viz;

namespace {

const char* kUsage =
    "usage: flashsim-viz [options]       (or: flashsim viz [options])\n\n"
    "The flashsim viewer: tiles moving through the memory hierarchy, live counters, compare,\n"
    "timeline and plots. Keys: space play/pause, arrows step, 1-4 views, P projector, C hide panels, H help.\n"
    "Headless (under xvfb-run): --screenshot FILE.png --steps N, --record DIR --steps N, or\n"
    "--shots DIR --sizes 1024x768,1920x1080 --views all --modes normal,projector.";

std::vector<std::string> split(const std::string& s) {
    std::vector<std::string> out;
    std::stringstream in(s);
    for (std::string item; std::getline(in, item, ',');)
        if (!item.empty()) out.push_back(item);
    if (out.empty()) throw ConfigError("an empty list: '" + s + "'");
    return out;
}

// "1024x768,1920x1080": each within the range --width/--height allow.
std::vector<std::pair<int, int>> parse_sizes(const std::string& s) {
    std::vector<std::pair<int, int>> out;
    for (const auto& item : split(s)) {
        int w = 0, h = 0;
        char x = 0, extra = 0;
        if (std::sscanf(item.c_str(), "%d%c%d%c", &w, &x, &h, &extra) != 3 || x != 'x' || w < 640 || h < 400 || w > 8192 ||
            h > 8192)
            throw ConfigError("--sizes '" + item + "' must be WIDTHxHEIGHT within 640x400 to 8192x8192");
        out.emplace_back(w, h);
    }
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    ViewerConfig a, b;
    std::string config_file, compare_config, view = "hierarchy", screenshot, record, measurements, compare_algo;
    std::string shots, sizes_arg, views_arg, modes_arg, tab;
    std::vector<std::pair<int, int>> sizes;
    std::vector<View> views;
    std::vector<bool> modes;
    std::vector<std::string> set;
    int64_t steps = 0;
    int width = 1600, height = 1000;
    bool projector = false, hide_panels = false, bench = false, no_png = false;
    po::options_description desc("options");
    // clang-format off
    desc.add_options()
        ("help,h", "show this help")
        ("config", po::value(&config_file), "a lesson's configuration (TOML: algo, N, d, Br, Bc, bwd_Br, bwd_Bc, block_order, heads, batch, dtype, causal, pass, gpu, [set])")
        ("algo", po::value(&a.algo), ("algorithm: " + algorithm_names() + " (overrides --config)").c_str())
        ("N", po::value(&a.N), "sequence length")
        ("d", po::value(&a.d), "head dimension")
        ("Br", po::value(&a.Br), "query rows per block; 0 = default")
        ("Bc", po::value(&a.Bc), "key columns per block; 0 = default")
        ("bwd-Br", po::value(&a.bwd_Br), "the backward's query rows per block (pass fwdbwd); 0 = its default")
        ("bwd-Bc", po::value(&a.bwd_Bc), "the backward's key columns per block (pass fwdbwd); 0 = its default")
        ("heads", po::value(&a.heads), "heads H")
        ("batch", po::value(&a.batch), "batch B")
        ("dtype", po::value(&a.dtype), "fp32, fp16, bf16, fp8")
        ("causal", po::bool_switch(), "causal mask")
        ("pass", po::value(&a.pass), "fwd, bwd or fwdbwd")
        ("gpu", po::value(&a.gpu), "GPU preset or .toml file")
        ("set", po::value(&set)->composing(), "override one GPU field, KEY=VALUE (repeatable)")
        ("paper", po::bool_switch(), "paper mode: no L2")
        ("compare-config", po::value(&compare_config), "configuration B of the compare view (TOML)")
        ("compare-algo", po::value(&compare_algo), "configuration B = A with this algorithm (default: vanilla, or fa2 when A is vanilla)")
        ("view", po::value(&view), "hierarchy, compare, timeline or plots")
        ("measurements", po::value(&measurements), "a measurement file (flashsim-measurement/1 JSON) to show beside the simulation")
        ("projector", po::bool_switch(&projector), "projector mode: large fonts, high contrast")
        ("hide-panels", po::bool_switch(&hide_panels), "start with the side panels hidden (key C): the view fills the window")
        ("screenshot", po::value(&screenshot), "headless: render after --steps steps, write this PNG (and FILE.json), exit")
        ("record", po::value(&record), "headless: write DIR/step_00000.png ... for steps 0..--steps, exit")
        ("shots", po::value(&shots), "headless: write DIR/VIEW[-projector]-WxH.png for every --sizes, --views and --modes, exit")
        ("sizes", po::value(&sizes_arg), "with --shots: window sizes, e.g. 1024x768,1920x1080 (default: --width x --height)")
        ("views", po::value(&views_arg), "with --shots: views, comma-separated, or all (default: --view)")
        ("modes", po::value(&modes_arg), "with --shots: normal, projector or both (normal,projector); default: as --projector")
        ("tab", po::value(&tab), "the left panel's tab when the window is narrow: controls, algorithm or counters")
        ("no-png", po::bool_switch(&no_png), "with --shots: write only the draw records (FILE.png.json), not the images")
        ("steps", po::value(&steps), "animation steps for --screenshot / --record")
        ("width", po::value(&width), "window width in pixels")
        ("height", po::value(&height), "window height in pixels")
        ("bench", po::bool_switch(&bench), "print frames per second at N=8192 with the animation running, and the time from a change to new totals");
    // clang-format on
    AppState app;
    try {
        po::variables_map vm;
        po::store(po::parse_command_line(argc, argv, desc), vm);
        if (vm.count("help")) {
            std::cout << kUsage << "\n\n" << desc << "\n";
            return 0;
        }
        // The file first, then the flags given on the command line over it.
        if (vm.count("config")) a = load_config_toml(vm["config"].as<std::string>());
        po::notify(vm);
        if (vm["causal"].as<bool>()) a.causal = true;
        if (vm["paper"].as<bool>()) a.paper_mode = true;
        for (const auto& kv : set) {
            const auto eq = kv.find('=');
            if (eq == std::string::npos) throw ConfigError("--set '" + kv + "' must be KEY=VALUE");
            a.set.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
        }
        a.to_problem();
        a.to_gpu();
        a.to_schedule();
        b = a;
        b.Br = b.Bc = b.bwd_Br = b.bwd_Bc = 0;
        b.algo = compare_algo.empty() ? (a.algo == "vanilla" ? "fa2" : "vanilla") : compare_algo;
        if (!compare_config.empty()) b = load_config_toml(compare_config, a);
        b.to_schedule();
        app.view = parse_view(view);
        if (steps < 0) throw ConfigError("--steps=" + std::to_string(steps) + " must be >= 0");
        if (width < 640 || height < 400 || width > 8192 || height > 8192)
            throw ConfigError("--width/--height " + std::to_string(width) + "x" + std::to_string(height) +
                              " out of range; allowed: 640x400 to 8192x8192");
        if (!shots.empty()) {
            sizes = parse_sizes(sizes_arg.empty() ? std::to_string(width) + "x" + std::to_string(height) : sizes_arg);
            for (const auto& v : split(views_arg.empty() ? view : views_arg))
                if (v == "all") views.insert(views.end(), {View::hierarchy, View::compare, View::timeline, View::plots});
                else views.push_back(parse_view(v));
            for (const auto& m : split(modes_arg.empty() ? (projector ? "projector" : "normal") : modes_arg)) {
                if (m != "normal" && m != "projector")
                    throw ConfigError("--modes '" + m + "' is unknown; allowed: normal, projector");
                modes.push_back(m == "projector");
            }
        }
        if (!tab.empty()) {
            if (tab == "controls") app.left_tab = AppState::LeftTab::controls;
            else if (tab == "algorithm") app.left_tab = AppState::LeftTab::algorithm;
            else if (tab == "counters") app.left_tab = AppState::LeftTab::counters;
            else throw ConfigError("--tab '" + tab + "' is unknown; allowed: controls, algorithm, counters");
            app.left_tab_requested = true;
        }
        if (!measurements.empty()) {
            app.load_measurement_file(measurements);
            if (!app.measurement_error.empty()) throw ConfigError(app.measurement_error);
        }
    } catch (const ConfigError& e) {
        std::cerr << "flashsim-viz: error: " << e.what() << "\n";
        return 2;
    } catch (const po::error& e) {
        std::cerr << "flashsim-viz: error: " << e.what() << " (see flashsim-viz --help)\n";
        return 2;
    }
    app.a.config = a;
    app.b.config = b;
    app.projector = projector;
    app.hide_panels = hide_panels;
    try {
        if (bench) return run_bench(app, width, height);
        if (!shots.empty()) return run_shots(app, shots, sizes, views, modes, steps, !no_png);
        if (!screenshot.empty() || !record.empty()) return run_headless(app, width, height, screenshot, record, steps);
        return run_interactive(app, width, height);
    } catch (const ConfigError& e) {
        std::cerr << "flashsim-viz: error: " << e.what() << "\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "flashsim-viz: error: " << e.what() << "\n";
        return 1;
    }
}
