// Homework feedback and classes: a wrong answer gets words and a hint tied to the concept (a
// known slip gets its own explanation) without the answer; students of one class get different
// problems; `homework grade DIR` writes a class summary that agrees with grading each file.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <unistd.h>

#include "sim/lessons/homework.h"
#include "tests/lessons/run_binary.h"

using namespace flashsim;
using flashsim_test::run_flashsim;

namespace {

const AnswerField& field(const ProblemSet& ps, const std::string& key) {
    for (const auto& q : ps.questions)
        for (const auto& f : q.fields)
            if (f.key == key) return f;
    FAIL("no field " << key);
    throw;
}

std::string feedback_for(const ProblemSet& ps, const std::string& key, const nlohmann::json& given) {
    auto sub = answer_key(ps);
    sub["answers"][key] = given;
    for (const auto& f : grade_submission(sub.dump(), "sub.json").fields)
        if (f.key == key) return f.feedback;
    return "";
}

std::string read_text(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace

TEST_CASE("every field of every question carries a hint tied to its concept") {
    for (uint64_t seed : {1u, 2u, 3u}) {
        const ProblemSet ps = make_problem_set(seed, "s" + std::to_string(seed));
        for (const auto& q : ps.questions)
            for (const auto& f : q.fields) {
                CAPTURE(f.key);
                CHECK(f.hint.size() > 20);
            }
    }
}

TEST_CASE("a wrong number is answered in words: what was given, which way it is off, and the hint, never the key") {
    const ProblemSet ps = make_problem_set(11, "ada");
    const AnswerField& f = field(ps, "q1_s_bytes");
    const int64_t key = f.answer.get<int64_t>();
    const std::string fb = feedback_for(ps, "q1_s_bytes", key * 3);
    CHECK(fb.find("you answered " + std::to_string(key * 3)) != std::string::npos);
    CHECK(fb.find("too large") != std::string::npos);
    CHECK(fb.find("Hint: " + f.hint) != std::string::npos);
    CHECK(fb.find(std::to_string(key) + " ") == std::string::npos);  // the answer is not given away
    const std::string half = feedback_for(ps, "q1_s_bytes", key / 2);
    CHECK(half.find("too small by a factor of 2") != std::string::npos);
}

TEST_CASE("a known slip gets its own explanation: elements for bytes, a partial block rounded down, the inverse ratio") {
    const ProblemSet ps = make_problem_set(11, "ada");
    const auto& q1 = field(ps, "q1_s_bytes");
    CHECK(feedback_for(ps, "q1_s_bytes", q1.mistakes.front().value).find("number of elements") != std::string::npos);
    const auto& ratio = field(ps, "q7_io_ratio");
    CHECK(feedback_for(ps, "q7_io_ratio", 1 / ratio.answer.get<double>()).find("inverse") != std::string::npos);
    // Tr rounded down: find a student whose N is not a multiple of Br.
    bool tested = false;
    for (int s = 0; s < 50 && !tested; ++s) {
        const ProblemSet p = make_problem_set(3, "st" + std::to_string(s));
        const auto& tr = field(p, "q3_Tr");
        if (tr.mistakes.empty()) continue;
        CHECK(tr.mistakes.front().value.get<int64_t>() == tr.answer.get<int64_t>() - 1);
        const std::string fb = feedback_for(p, "q3_Tr", tr.mistakes.front().value);
        CHECK(fb.find("partial") != std::string::npos);
        CHECK(fb.find("rounded down") != std::string::npos);
        tested = true;
    }
    CHECK(tested);
}

TEST_CASE("students of one class get different problems") {
    std::set<std::string> sets;
    std::map<std::string, std::set<std::string>> per_question;
    const int n = 30;
    for (int s = 0; s < n; ++s) {
        const ProblemSet ps = make_problem_set(2024, "student" + std::to_string(s));
        std::string all;
        for (const auto& q : ps.questions) {
            per_question[q.id].insert(q.params.dump());
            all += q.params.dump();
        }
        sets.insert(all);
    }
    CHECK(sets.size() == size_t(n));  // no two students share a problem set
    for (const char* q : {"q1", "q2", "q3", "q4"}) {
        CAPTURE(q);
        CHECK(per_question[q].size() >= 20);  // most students have their own numbers on each question
    }
}

TEST_CASE("homework grade DIR grades a class: a summary per student and question, CSV and table, and each student's report") {
    namespace fs = std::filesystem;
    const fs::path dir = fs::temp_directory_path() / ("flashsim_class_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    for (const char* s : {"ada", "alan", "grace"})
        REQUIRE(run_flashsim("homework generate --seed 7 --student " + std::string(s) + " --out '" + dir.string() + "'").status == 0);
    // ada hands in the key, alan gets two questions wrong, grace hands in the blank template.
    auto ada = answer_key(make_problem_set(7, "ada"));
    auto alan = answer_key(make_problem_set(7, "alan"));
    alan["answers"]["q3_Tr"] = alan["answers"]["q3_Tr"].get<int64_t>() + 1;
    alan["answers"]["q7_io_ratio"] = 1.0;
    std::ofstream(dir / "answers-ada.json") << ada.dump(2);
    std::ofstream(dir / "answers-alan.json") << alan.dump(2);
    const auto r = run_flashsim("homework grade '" + dir.string() + "'");
    CAPTURE(r.output);
    REQUIRE(r.status == 0);
    std::vector<GradeReport> expect;
    for (const char* s : {"ada", "alan", "grace"})
        expect.push_back(grade_submission(read_text(dir / ("answers-" + std::string(s) + ".json")), s));
    const ClassSummary c = summarise_class(expect, {});
    CHECK(read_text(dir / "class-summary.csv") == c.csv());
    CHECK(read_text(dir / "class-summary.txt") == c.table());
    CHECK(r.output.find(c.table()) != std::string::npos);
    CHECK(read_text(dir / "report-alan.txt") == expect[1].text());
    // The CSV: a header and one row per student; ada full marks, grace none, alan in between.
    std::stringstream csv(c.csv());
    std::vector<std::string> lines;
    for (std::string l; std::getline(csv, l);) lines.push_back(l);
    REQUIRE(lines.size() == 4);
    CHECK(lines[0].rfind("student,seed,q1_points,q1_max,", 0) == 0);
    CHECK(lines[1].rfind("ada,7,", 0) == 0);
    CHECK(lines[1].substr(lines[1].size() - 4) == ",100");
    CHECK(lines[3].substr(lines[3].size() - 2) == ",0");
    CHECK(expect[1].score == expect[0].max_score - 1 - 1);
    CHECK(c.table().find("right") != std::string::npos);

    std::ofstream(dir / "answers-broken.json") << "{ not json";
    const auto bad = run_flashsim("homework grade '" + dir.string() + "'");
    CHECK(bad.status == 2);
    CHECK(bad.output.find("answers-broken.json") != std::string::npos);
    CHECK(bad.output.find("3 students graded, 1 file refused") != std::string::npos);
    fs::remove_all(dir);
}
