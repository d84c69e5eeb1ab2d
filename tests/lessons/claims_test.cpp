// Lesson claims: every quantitative claim a lesson makes is a check beside its commands, every
// check is evaluated against what those commands write, and a false claim fails.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "sim/core/errors.h"
#include "sim/lessons/claims.h"
#include "sim/lessons/lessons.h"
#include "tests/lessons/run_binary.h"

using namespace flashsim;
using flashsim_test::run_flashsim;

namespace {

const std::string kLessons = std::string(FLASHSIM_SOURCE_DIR) + "/lessons";

std::map<std::string, nlohmann::json> two_runs() {
    nlohmann::json a, b;
    a["counts"]["total"] = {{"hbm_read_bytes", 300}, {"hbm_write_bytes", 100}};
    a["timing"]["seconds"] = 2e-6;
    b["counts"]["total"] = {{"hbm_read_bytes", 700}, {"hbm_write_bytes", 100}};
    b["counts"]["per_tensor"]["S"]["hbm_write_bytes"] = 64;
    nlohmann::json sweep = nlohmann::json::array({a, {{"ok", false}, {"reason", "does not fit"}}});
    return {{"fa", a}, {"van", b}, {"sw", sweep}};
}

}  // namespace

TEST_CASE("a check compares expressions over the runs' results, or places one in a range") {
    const auto r = two_runs();
    CHECK(evaluate_check("fa.hbm_bytes < van.hbm_bytes", r).ok);
    CHECK_FALSE(evaluate_check("fa.hbm_bytes > van.hbm_bytes", r).ok);
    CHECK(evaluate_check("fa.hbm_bytes == 400", r).ok);
    CHECK(evaluate_check("fa.hbm_bytes / van.hbm_bytes in [0.49, 0.51]", r).ok);
    CHECK_FALSE(evaluate_check("fa.hbm_bytes / van.hbm_bytes in [0.6, 0.7]", r).ok);
    CHECK(evaluate_check("(van.hbm_read_bytes - fa.hbm_read_bytes) * 2 == 800", r).ok);
    CHECK(evaluate_check("van.counts.per_tensor.S.hbm_write_bytes == 64", r).ok);
    CHECK(evaluate_check("fa.seconds * 1e6 <= 2", r).ok);
    CHECK(evaluate_check("sw[0].hbm_bytes == 400", r).ok);
    CHECK(evaluate_check("sw[1].ok == 0", r).ok);
    CHECK(evaluate_check("sw.size == 2", r).ok);
    const CheckResult shown = evaluate_check("fa.hbm_bytes < van.hbm_bytes", r);
    CHECK(shown.shown.find("400") != std::string::npos);
    CHECK(shown.shown.find("800") != std::string::npos);
}

TEST_CASE("a check on something the results do not hold fails with the reason, and a malformed check is refused") {
    const auto r = two_runs();
    const CheckResult missing = evaluate_check("van.seconds < 1", r);
    CHECK_FALSE(missing.ok);
    CHECK(missing.shown.find("timing.seconds") != std::string::npos);
    CHECK_FALSE(evaluate_check("sw[5].hbm_bytes > 0", r).ok);
    CHECK_FALSE(evaluate_check("sw.hbm_bytes > 0", r).ok);
    CHECK_THROWS_WITH_AS(evaluate_check("nope.hbm_bytes < 1", r), doctest::Contains("'nope'"), ConfigError);
    CHECK_THROWS_AS(evaluate_check("fa.hbm_bytes", r), ConfigError);
    CHECK_THROWS_AS(evaluate_check("fa.hbm_bytes < ", r), ConfigError);
    CHECK_THROWS_AS(evaluate_check("fa.hbm_bytes in [1, 2", r), ConfigError);
    CHECK_THROWS_AS(parse_claims("[runs]\nx = \"ls -l\"\n", "c.toml"), ConfigError);
    CHECK_THROWS_WITH_AS(parse_claims("[[claim]]\nsays = \"x\"\n", "c.toml"), doctest::Contains("check"), ConfigError);
    CHECK_THROWS_WITH_AS(parse_claims("[[claim]]\ncheck = \"1 < 2\"\n", "c.toml"), doctest::Contains("says"), ConfigError);
}

TEST_CASE("every lesson states its claims beside its commands, and every claimed run is a command of the lesson") {
    for (const auto& l : list_lessons(kLessons)) {
        CAPTURE(l.slug);
        const LessonClaims c = load_claims(l.dir);
        CHECK(c.claims.size() >= 2);
        std::vector<std::string> listed;
        for (const auto& cmd : l.commands) listed.push_back(cmd.command);
        for (const auto& r : c.runs) {
            CAPTURE(r.command);
            CHECK(std::find(listed.begin(), listed.end(), r.command) != std::end(listed));
        }
    }
}

TEST_CASE("every claim of every lesson holds against what its commands write") {
    const auto r = run_flashsim("lesson check");
    CAPTURE(r.output);
    CHECK(r.status == 0);
    CHECK(r.output.find(" 0 fail") != std::string::npos);
    CHECK(r.output.find("FAILS") == std::string::npos);
}

TEST_CASE("a false claim makes flashsim lesson check fail and say which") {
    namespace fs = std::filesystem;
    const fs::path dir = fs::temp_directory_path() / ("flashsim_claims_" + std::to_string(::getpid()));
    const fs::path lesson = dir / "01-test";
    fs::create_directories(lesson);
    std::ofstream(lesson / "lesson.md") << "# Test lesson\n";
    std::ofstream(lesson / "claims.toml")
        << "[runs]\nv = \"flashsim run --algo vanilla --N 256 --d 64 --heads 1 --gpu teaching --paper --no-timing\"\n"
           "f = \"flashsim run --algo fa2 --N 256 --d 64 --heads 1 --gpu teaching --paper --no-timing\"\n"
           "[[claim]]\nsays = \"FA2 moves more bytes than vanilla\"\ncheck = \"f.hbm_bytes > v.hbm_bytes\"\n"
           "[[claim]]\nsays = \"FA2 moves fewer bytes than vanilla\"\ncheck = \"f.hbm_bytes < v.hbm_bytes\"\n";
    const auto r = run_flashsim("lesson check 1", FLASHSIM_SOURCE_DIR, "FLASHSIM_LESSONS_DIR='" + dir.string() + "'");
    CAPTURE(r.output);
    CHECK(r.status == 1);
    CHECK(r.output.find("FAILS FA2 moves more bytes than vanilla") != std::string::npos);
    CHECK(r.output.find("holds FA2 moves fewer bytes than vanilla") != std::string::npos);
    CHECK(r.output.find("1 claims hold, 1 fail") != std::string::npos);
    fs::remove_all(dir);
}
