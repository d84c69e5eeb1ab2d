// lesson.cpp: `flashsim lesson list | show N [--reveal] | run N [--viz] | check [N]`, the classroom lessons.
#include <algorithm>
#include <cstring>
#include <iostream>

#include "sim/algorithms/algorithm.h"
#include "sim/cli/commands.h"
#include "sim/cli/lesson_check.h"
#include "sim/cli/options.h"
#include "sim/cli/report.h"
#include "sim/core/errors.h"
#include "sim/lessons/lesson_config.h"
#include "sim/lessons/lessons.h"

namespace flashsim::cli {

namespace {

int lesson_list() {
    const std::string dir = lessons_dir();
    for (const auto& l : list_lessons(dir)) std::cout << l.title << "   (" << l.slug << ")\n";
    std::cout << "\n`flashsim lesson show N` prints a lesson; `flashsim lesson run N` runs its demo.\n";
    return 0;
}

const Command* find_command(const char* name) {
    for (const auto& c : commands())
        if (!std::strcmp(c.name, name)) return &c;
    return nullptr;
}

int lesson_run(const Lesson& l, const std::string& only, bool viz, const std::string& screenshot) {
    std::vector<std::string> files;
    for (const auto& f : l.config_files)
        if (only.empty() || f.size() >= only.size() + 5 && f.compare(f.size() - only.size() - 5, only.size() + 5, only + ".toml") == 0 &&
                                (f.size() == only.size() + 5 || f[f.size() - only.size() - 6] == '/'))
            files.push_back(f);
    if (files.empty())
        throw ConfigError(only.empty() ? "lesson " + std::to_string(l.number) + " has no configuration file; its commands are in " + l.dir + "/commands.txt"
                                       : "lesson " + std::to_string(l.number) + " has no configuration '" + only + ".toml'");
    if (viz) {
        const Command* v = find_command("viz");
        if (!v)
            throw ConfigError("this flashsim was built without the viewer; configure with -DFLASHSIM_BUILD_VIZ=ON "
                              "(needs libglfw3-dev, libgl-dev, libimgui-dev)");
        std::vector<const char*> args = {"flashsim viz", "--config", files.front().c_str()};
        if (!screenshot.empty()) args.insert(args.end(), {"--screenshot", screenshot.c_str()});
        std::cout << "flashsim viz --config " << files.front() << (screenshot.empty() ? "" : " --screenshot " + screenshot) << std::endl;
        return v->run(int(args.size()), args.data());
    }
    std::cout << "Lesson " << l.number << ": " << l.title << "\n";
    std::vector<RunResult> rows;
    for (const auto& f : files) {
        const LessonConfig c = load_lesson_config(f);
        std::cout << "\n== " << f.substr(f.find_last_of('/') + 1) << "\n$ " << c.command_line() << "\n\n";
        rows.push_back(simulate(c.problem, c.schedule, c.gpu_spec(), c.sim_options()));
        std::cout << run_report(rows.back());
    }
    // The table's ratios are against its first row: vanilla first when the lesson has one.
    std::stable_partition(rows.begin(), rows.end(), [](const RunResult& r) { return algorithm_info(r.schedule.algo).unfused; });
    if (rows.size() > 1) std::cout << "\n== side by side\n" << comparison_table(rows);
    return 0;
}

}  // namespace

int cmd_lesson(int argc, const char* const* argv) {
    std::string action, which, only, screenshot;
    bool reveal = false, viz = false;
    po::options_description desc("lesson options");
    desc.add_options()("action", po::value(&action), "list, show, run or check")("lesson", po::value(&which), "lesson number, e.g. 5")(
        "reveal", po::bool_switch(&reveal), "show: include the answers to the predict-then-reveal questions")(
        "viz", po::bool_switch(&viz), "run: open the viewer on the lesson's configuration")(
        "config", po::value(&only), "run: only this configuration of the lesson (file name without .toml)")(
        "screenshot", po::value(&screenshot), "run --viz: render headless to this PNG and exit (for slides)");
    po::positional_options_description pos;
    pos.add("action", 1).add("lesson", 1);
    po::variables_map vm;
    if (!parse(argc, argv, desc, vm,
               "usage: flashsim lesson list\n       flashsim lesson show N [--reveal]\n       flashsim lesson run N [--viz] [--config NAME]\n"
               "       flashsim lesson check [N]     every claim of the lesson (all lessons) against its commands' results\n\n"
               "The classroom lessons (lessons/ in the source tree, or $FLASHSIM_LESSONS_DIR).",
               &pos))
        return 0;
    if (action.empty() || action == "list") return lesson_list();
    if (action == "check") return lesson_check(which.empty() ? list_lessons(lessons_dir()) : std::vector<Lesson>{find_lesson(lessons_dir(), which)});
    if (action != "show" && action != "run")
        throw ConfigError("lesson action '" + action + "' is unknown; allowed: list, show, run, check");
    if (which.empty()) throw ConfigError("flashsim lesson " + action + " needs a lesson number; see `flashsim lesson list`");
    const Lesson l = find_lesson(lessons_dir(), which);
    if (action == "show") {
        std::cout << lesson_text(l, reveal);
        return 0;
    }
    if (!screenshot.empty() && !viz) throw ConfigError("--screenshot needs --viz (it is the viewer's picture)");
    return lesson_run(l, only, viz, screenshot);
}

}  // namespace flashsim::cli
