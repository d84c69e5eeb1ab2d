// Lessons: every command a lesson lists runs through the real binary with the status it promises,
// every command in a lesson's text is listed, every configuration loads, and the lessons folder
// is found from any directory (or refused clearly).
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>

#include "sim/core/errors.h"
#include "sim/lessons/lesson_config.h"
#include "sim/lessons/lessons.h"
#include "tests/lessons/run_binary.h"

using namespace flashsim;
using flashsim_test::run_flashsim;

namespace {

const std::string kLessons = std::string(FLASHSIM_SOURCE_DIR) + "/lessons";

// Whether this build has an optional part a command needs ([needs FEATURE]).
bool has_feature(const std::string& feature) {
    static std::map<std::string, bool> cache;
    auto it = cache.find(feature);
    if (it != cache.end()) return it->second;
    bool yes;
    if (feature == "viz") {
        // The viewer binary sits next to flashsim; it needs a display (Xvfb will do).
        const auto viewer = std::filesystem::path(FLASHSIM_BINARY).parent_path() / "flashsim-viz";
        const char* display = std::getenv("DISPLAY");
        yes = std::filesystem::exists(viewer) && display && *display;
    } else if (feature == "bwd")
        yes = run_flashsim("run --pass fwdbwd --N 128 --d 64 --heads 1 --gpu teaching --paper --no-timing").status == 0;
    else
        yes = run_flashsim("--help").output.find("\n  " + feature + " ") != std::string::npos;
    return cache[feature] = yes;
}

}  // namespace

TEST_CASE("there are at least nine lessons, numbered in order, each with a title, a demo and commands") {
    const auto all = list_lessons(kLessons);
    REQUIRE(all.size() >= 9);
    for (size_t i = 0; i < all.size(); ++i) {
        CAPTURE(all[i].slug);
        CHECK(all[i].number == int(i + 1));
        CHECK(!all[i].title.empty());
        CHECK(!all[i].commands.empty());
        CHECK(!all[i].config_files.empty());
        CHECK(all[i].text.find("## Live demo") != std::string::npos);
        CHECK(all[i].text.find("<details><summary>Reveal</summary>") != std::string::npos);
        CHECK(all[i].text.find("## Exercises") != std::string::npos);
    }
}

TEST_CASE("every command in a lesson's text is in its commands.txt, so the tests run it") {
    for (const auto& l : list_lessons(kLessons)) {
        std::vector<std::string> listed;
        for (const auto& c : l.commands) listed.push_back(c.command);
        for (const auto& c : commands_in_markdown(l.text)) {
            CAPTURE(l.slug);
            CAPTURE(c);
            CHECK(std::find(listed.begin(), listed.end(), c) != listed.end());
        }
    }
}

TEST_CASE("every lesson configuration loads and names a valid problem, schedule and GPU") {
    for (const auto& l : list_lessons(kLessons))
        for (const auto& f : l.config_files) {
            CAPTURE(f);
            const LessonConfig c = load_lesson_config(f);
            CHECK(c.command_line().rfind("flashsim run --algo ", 0) == 0);
            CHECK_NOTHROW(c.gpu_spec());
        }
}

TEST_CASE("a lesson configuration and the flags it prints describe the same run") {
    const LessonConfig c = parse_lesson_config(
        "algo = \"fa1\"\nN = 777\nd = 32\nBr = 16\nBc = 48\nheads = 3\nbatch = 2\ndtype = \"bf16\"\ncausal = true\n"
        "pass = \"fwd\"\ngpu = \"teaching\"\npaper = true\n[set]\nsram_bytes_per_sm = 32768\n",
        "inline.toml");
    CHECK(c.problem.N == 777);
    CHECK(c.problem.B == 2);
    CHECK(c.problem.H == 3);
    CHECK(c.problem.dtype == Dtype::bf16);
    CHECK(c.schedule.Bc == 48);
    CHECK(c.gpu_spec().sram_bytes_per_sm == 32768);
    CHECK(c.command_line() ==
          "flashsim run --algo fa1 --N 777 --d 32 --heads 3 --batch 2 --Br 16 --Bc 48 --dtype bf16 --causal --gpu teaching "
          "--set sram_bytes_per_sm=32768 --paper");
    const LessonConfig h = parse_lesson_config("algo = \"fa3\"\ncausal = true\nblock_order = \"heaviest-first\"\ngpu = \"h100\"\n", "fa3.toml");
    CHECK(h.schedule.block_order == BlockOrder::heaviest_first);
    CHECK(h.command_line() == "flashsim run --algo fa3 --N 1024 --d 64 --heads 16 --block-order heaviest-first --causal --gpu h100");
}

TEST_CASE("a bad lesson configuration is refused naming the key") {
    auto message = [](const std::string& text) {
        try {
            parse_lesson_config(text, "bad.toml");
        } catch (const ConfigError& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    CHECK(message("algo = \"fa9\"\n").find("algo") != std::string::npos);
    CHECK(message("Nq = 10\n").find("unknown key 'Nq'") != std::string::npos);
    CHECK(message("N = \"big\"\n").find("'N'") != std::string::npos);
    CHECK(message("[set]\nsram_bytes = 1\n").find("sram_bytes") != std::string::npos);
    CHECK(message("N = [\n").find("malformed TOML") != std::string::npos);
    CHECK(message("block_order = \"sideways\"\n").find("block-order='sideways'") != std::string::npos);
}

TEST_CASE("show hides the answers unless --reveal is given, and the students' copy does not print the reveal command") {
    const Lesson l = find_lesson(kLessons, "2");
    const std::string hidden = lesson_text(l, false), shown = lesson_text(l, true);
    CHECK(hidden.find("2,097,152") == std::string::npos);  // the answer to Q1 of lesson 2
    CHECK(shown.find("2,097,152") != std::string::npos);
    CHECK(hidden.find("answer hidden") != std::string::npos);
    CHECK(hidden.find("--reveal") == std::string::npos);  // the students' copy does not say how to reveal
}

TEST_CASE("every command of every lesson runs through the flashsim binary with the status it promises") {
    int ran = 0, skipped = 0;
    for (const auto& l : list_lessons(kLessons))
        for (const auto& c : l.commands) {
            if (!c.needs.empty() && !has_feature(c.needs)) {
                MESSAGE("skipped (this build has no '" << c.needs << "'): " << c.command);
                ++skipped;
                continue;
            }
            std::string args = c.command.substr(std::string("flashsim").size());
            if (c.needs == "viz")  // headless: one picture, then exit
                args += " --screenshot '" + (std::filesystem::temp_directory_path() / "flashsim_lesson_viz.png").string() + "'";
            const auto r = run_flashsim(args);
            CAPTURE(l.slug);
            CAPTURE(c.command);
            CAPTURE(r.output);
            CHECK(r.status == c.exit_code);
            if (c.exit_code == 2) CHECK(r.output.find("flashsim: error: ") != std::string::npos);
            ++ran;
        }
    MESSAGE(ran << " lesson commands ran, " << skipped << " skipped");
    CHECK(ran >= 40);
}

TEST_CASE("flashsim lesson finds the lessons from any directory, and says where to look when it cannot") {
    const auto tmp = std::filesystem::temp_directory_path().string();
    const auto listed = run_flashsim("lesson list", tmp);
    CHECK(listed.status == 0);
    CHECK(listed.output.find("FlashAttention-1") != std::string::npos);
    const auto run = run_flashsim("lesson run 5 --config fa1", tmp);
    CHECK(run.status == 0);
    const auto env = run_flashsim("lesson list", tmp, "FLASHSIM_LESSONS_DIR='" + kLessons + "'");
    CHECK(env.status == 0);
    const auto missing = run_flashsim("lesson list", tmp, "FLASHSIM_LESSONS_DIR=/nonexistent/lessons");
    CHECK(missing.status == 2);
    CHECK(missing.output.find("FLASHSIM_LESSONS_DIR") != std::string::npos);
    const auto unknown = run_flashsim("lesson show 99");
    CHECK(unknown.status == 2);
    CHECK(unknown.output.find("lesson '99' does not exist") != std::string::npos);
}
