// Homework: generation is deterministic, the key agrees with the simulator and the closed forms,
// a key graded is full marks, wrong or missing answers lose marks, malformed files are refused
// naming the field, and the grader never changes the submission.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "sim/analytic/analytic.h"
#include "sim/core/errors.h"
#include "sim/engine/simulate.h"
#include "sim/lessons/homework.h"
#include "tests/lessons/run_binary.h"

using namespace flashsim;
using flashsim_test::run_flashsim;

namespace {

const Question& question(const ProblemSet& ps, const std::string& id) {
    for (const auto& q : ps.questions)
        if (q.id == id) return q;
    FAIL("no question " << id);
    throw;
}

std::string grade_error(const std::string& text) {
    try {
        grade_submission(text, "sub.json");
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "no error";
}

RunResult sim(const nlohmann::json& p, bool paper, bool timing) {
    AttentionProblem pr;
    pr.N = p["N"];
    pr.d = p["d"];
    pr.H = p["heads"];
    pr.dtype = parse_dtype(p["dtype"]);
    Schedule s;
    s.algo = parse_algorithm(p["algo"]);
    s.Br = p["Br"];
    s.Bc = p["Bc"];
    GpuSpec g = load_gpu(p["gpu"]);
    for (const auto& kv : p["set"]) apply_override(g, kv.get<std::string>());
    SimOptions o;
    o.paper_mode = paper;
    o.timing = timing;
    return simulate(pr, s, g, o);
}

std::string read_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace

TEST_CASE("the same seed and student give the same problem set, other students get other numbers") {
    const auto a = answer_key(make_problem_set(2024, "ada")), b = answer_key(make_problem_set(2024, "ada"));
    CHECK(a == b);
    CHECK(student_markdown(make_problem_set(2024, "ada")) == student_markdown(make_problem_set(2024, "ada")));
    int differ = 0;
    for (const char* id : {"alan", "grace", "edsger", "barbara"}) differ += answer_key(make_problem_set(2024, id))["answers"] != a["answers"];
    CHECK(differ >= 3);
    CHECK(answer_key(make_problem_set(2025, "ada"))["answers"] != a["answers"]);
}

TEST_CASE("the key agrees with the simulator and the closed forms") {
    for (uint64_t seed : {1u, 7u, 99u}) {
        const ProblemSet ps = make_problem_set(seed, "student" + std::to_string(seed));
        const auto key = answer_key(ps)["answers"];
        CAPTURE(seed);
        {  // q1: S is N x N elements; Q, K and S together are 2Nd + N^2.
            const auto& p = question(ps, "q1").params;
            const int64_t N = p["N"], d = p["d"], es = dtype_bytes(parse_dtype(p["dtype"]));
            CHECK(key["q1_s_bytes"].get<int64_t>() == N * N * es);
            CHECK(key["q1_qks_bytes"].get<int64_t>() == (2 * N * d + N * N) * es);
        }
        {  // q2: the lecture's constraint, Br Bc + d Br + d Bc + d Bc + d Br elements of 2 bytes.
            const auto& p = question(ps, "q2").params;
            const int64_t d = p["d"], Br = p["Br"], Bc = p["Bc"];
            const int64_t bytes = 2 * (Br * Bc + 2 * d * Br + 2 * d * Bc);
            CHECK(key["q2_sram_bytes"].get<int64_t>() == bytes);
            CHECK(key["q2_fits"].get<bool>() == (bytes <= load_gpu("teaching").sram_bytes_per_sm));
        }
        {  // q3: Tr = ceil(N / Br), Tc = ceil(N / Bc).
            const auto& p = question(ps, "q3").params;
            const int64_t N = p["N"], Br = p["Br"], Bc = p["Bc"];
            CHECK(key["q3_Tr"].get<int64_t>() == (N + Br - 1) / Br);
            CHECK(key["q3_Tc"].get<int64_t>() == (N + Bc - 1) / Bc);
        }
        {  // q4: simulate() in paper mode and the closed form both give the key.
            const RunResult r = sim(question(ps, "q4").params, true, false);
            CHECK(key["q4_hbm_bytes"].get<uint64_t>() == r.counts.total.hbm_read_bytes + r.counts.total.hbm_write_bytes);
            CHECK(key["q4_hbm_bytes"].get<uint64_t>() == r.analytic.hbm_read_bytes + r.analytic.hbm_write_bytes);
        }
        {  // q7: vanilla over fa2, paper mode.
            nlohmann::json p = question(ps, "q7").params;
            const RunResult f = sim(p, true, false);
            p["algo"] = "vanilla";
            const RunResult v = sim(p, true, false);
            const double ratio = double(v.counts.total.hbm_read_bytes + v.counts.total.hbm_write_bytes) /
                                 double(f.counts.total.hbm_read_bytes + f.counts.total.hbm_write_bytes);
            CHECK(key["q7_io_ratio"].get<double>() == doctest::Approx(ratio).epsilon(1e-12));
        }
        {  // q5: the time of fa2 on the teaching GPU: the timing layer, or the classroom formula.
            const RunResult r = sim(question(ps, "q5").params, false, true);
            const GpuSpec& g = r.gpu;
            const double formula_cycles = double(r.counts.loads + r.counts.stores) * g.hbm_latency_cycles +
                                          double(r.counts.total.hbm_read_bytes + r.counts.total.hbm_write_bytes) /
                                              (g.hbm_bytes_per_s / g.clock_hz);
            const double seconds = r.timing.valid ? r.timing.seconds : formula_cycles / g.clock_hz;
            CHECK(key["q5_fa2_us"].get<double>() == doctest::Approx(seconds * 1e6).epsilon(1e-12));
        }
    }
}

TEST_CASE("the key's best block sizes fit, and no fitting pair moves fewer bytes") {
    for (uint64_t seed : {3u, 4u, 5u}) {
        const ProblemSet ps = make_problem_set(seed, "bb");
        const auto& q = question(ps, "q6");
        nlohmann::json p = q.params;
        const int64_t M = std::stoll(p["set"][0].get<std::string>().substr(std::string("sram_bytes_per_sm=").size()));
        p["Br"] = q.fields[0].answer;
        p["Bc"] = q.fields[1].answer;
        const RunResult best = sim(p, true, false);
        CHECK(best.footprint.sram_bytes <= M);
        const uint64_t best_bytes = best.counts.total.hbm_read_bytes + best.counts.total.hbm_write_bytes;
        for (int64_t Br : {16, 32, 64, 128, 256})
            for (int64_t Bc : {16, 32, 64, 128, 256}) {
                p["Br"] = Br;
                p["Bc"] = Bc;
                RunResult r;
                try {
                    r = sim(p, true, false);
                } catch (const ConfigError&) {
                    continue;  // does not fit
                }
                CHECK(r.counts.total.hbm_read_bytes + r.counts.total.hbm_write_bytes >= best_bytes);
            }
    }
}

TEST_CASE("a key graded gets full marks, wrong answers lose exactly their points, tolerances hold") {
    const ProblemSet ps = make_problem_set(11, "ada");
    auto sub = answer_key(ps);
    const GradeReport full = grade_submission(sub.dump(), "key.json");
    CHECK(full.max_score > 0);
    CHECK(full.score == full.max_score);

    auto wrong = sub;
    wrong["answers"]["q1_s_bytes"] = sub["answers"]["q1_s_bytes"].get<int64_t>() + 1;
    wrong["answers"]["q2_fits"] = !sub["answers"]["q2_fits"].get<bool>();
    wrong["answers"]["q4_hbm_bytes"] = sub["answers"]["q4_hbm_bytes"].get<double>() * 1.05;  // outside 1%
    const GradeReport w = grade_submission(wrong.dump(), "wrong.json");
    CHECK(w.score == full.max_score - 1 - 1 - 2);
    for (const auto& f : w.fields)
        if (f.key == "q4_hbm_bytes") CHECK(f.feedback.find("within 1%") != std::string::npos);

    auto close = sub;
    close["answers"]["q4_hbm_bytes"] = sub["answers"]["q4_hbm_bytes"].get<double>() * 1.005;  // inside 1%
    close["answers"]["q5_fa2_us"] = sub["answers"]["q5_fa2_us"].get<double>() * 0.98;       // inside 3%
    CHECK(grade_submission(close.dump(), "close.json").score == full.max_score);

    auto pair = sub;  // q6: a pair that does not fit loses both of its points
    pair["answers"]["q6_Br"] = 256;
    pair["answers"]["q6_Bc"] = 256;
    CHECK(grade_submission(pair.dump(), "pair.json").score == full.max_score - 2);
}

TEST_CASE("missing and null answers score zero with feedback naming the field") {
    const ProblemSet ps = make_problem_set(5, "bob");
    auto sub = answer_template(ps);
    sub["answers"].erase("q3_Tc");
    const GradeReport g = grade_submission(sub.dump(), "blank.json");
    CHECK(g.score == 0);
    CHECK(g.max_score > 0);
    bool saw_missing = false, saw_null = false;
    for (const auto& f : g.fields) {
        saw_missing = saw_missing || (f.key == "q3_Tc" && f.feedback.find("missing") != std::string::npos);
        saw_null = saw_null || (f.key == "q1_s_bytes" && f.feedback.find("not answered") != std::string::npos);
    }
    CHECK(saw_missing);
    CHECK(saw_null);
    CHECK(g.text().find("q3_Tc") != std::string::npos);
}

TEST_CASE("a malformed submission is refused with one message naming the field") {
    const ProblemSet ps = make_problem_set(5, "bob");
    auto sub = answer_key(ps);
    CHECK(grade_error("{ not json").find("not valid JSON") != std::string::npos);
    CHECK(grade_error("[1, 2]").find("JSON object") != std::string::npos);
    auto s1 = sub;
    s1.erase("seed");
    CHECK(grade_error(s1.dump()).find("'seed'") != std::string::npos);
    auto s2 = sub;
    s2["answers"]["q3_Tr"] = "twelve";
    CHECK(grade_error(s2.dump()).find("answers.q3_Tr") != std::string::npos);
    auto s3 = sub;
    s3["answers"]["q2_fits"] = 1;
    CHECK(grade_error(s3.dump()).find("answers.q2_fits") != std::string::npos);
    auto s4 = sub;
    s4["answers"] = 3;
    CHECK(grade_error(s4.dump()).find("'answers'") != std::string::npos);
    auto s5 = sub;
    s5["student"] = "../../etc";
    CHECK(grade_error(s5.dump()).find("student") != std::string::npos);
    auto s6 = sub;
    s6["model"] = "timing=other l2=other";
    CHECK(grade_error(s6.dump()).find("'model'") != std::string::npos);
}

TEST_CASE("flashsim homework: generate, fill with the key, grade = full marks, the submission is not changed") {
    namespace fs = std::filesystem;
    const fs::path dir = fs::temp_directory_path() / ("flashsim_hw_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const auto gen = run_flashsim("homework generate --seed 42 --student ada --key --out '" + dir.string() + "'");
    REQUIRE(gen.status == 0);
    CHECK(fs::exists(dir / "homework-ada.md"));
    CHECK(fs::exists(dir / "answers-ada.json"));
    const std::string key_path = (dir / "key-ada.json").string();
    const std::string before = read_bytes(key_path);
    const auto graded = run_flashsim("homework grade '" + key_path + "' --report '" + (dir / "report.txt").string() + "'");
    CHECK(graded.status == 0);
    const GradeReport expect = grade_submission(before, key_path);
    CHECK(graded.output.find("score: " + std::to_string(int(expect.max_score)) + " / " + std::to_string(int(expect.max_score))) !=
          std::string::npos);
    CHECK(read_bytes(key_path) == before);
    CHECK(read_bytes((dir / "report.txt").string()) == expect.text());

    const auto key = run_flashsim("homework key --seed 42 --student ada --json -");
    CHECK(key.status == 0);
    CHECK(nlohmann::json::parse(key.output) == nlohmann::json::parse(before));

    std::ofstream((dir / "bad.json").string()) << R"({"homework": "flashsim", "format": 1, "seed": 42})";
    const std::string bad_before = read_bytes((dir / "bad.json").string());
    const auto bad = run_flashsim("homework grade '" + (dir / "bad.json").string() + "'");
    CHECK(bad.status == 2);
    CHECK(bad.output.find("'student'") != std::string::npos);
    CHECK(std::count(bad.output.begin(), bad.output.end(), '\n') == 1);
    CHECK(read_bytes((dir / "bad.json").string()) == bad_before);
    fs::remove_all(dir);
}
