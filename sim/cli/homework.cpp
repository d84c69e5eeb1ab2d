// homework.cpp: `flashsim homework generate | key | grade`, personalised problem sets and their
// grading. The grader only reads the submission (never runs or changes it).
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "sim/cli/commands.h"
#include "sim/cli/options.h"
#include "sim/core/errors.h"
#include "sim/core/input_file.h"
#include "sim/lessons/homework.h"

namespace flashsim::cli {

namespace {

// Read-only, a regular file of at most 1 MiB (an answer file is a few KiB).
std::string read_submission(const std::string& path) { return read_input_file(path, "submission", kMaxConfigFileBytes); }

// Grades every answers-*.json in `dir`; a file that cannot be graded is listed, not fatal.
int grade_class(const std::string& dir, const std::string& out_dir) {
    namespace fs = std::filesystem;
    std::vector<std::string> files;
    for (const auto& e : fs::directory_iterator(dir)) {
        const std::string name = e.path().filename().string();
        if (e.is_regular_file() && name.rfind("answers-", 0) == 0 && e.path().extension() == ".json") files.push_back(e.path().string());
    }
    std::sort(files.begin(), files.end());
    if (files.empty()) throw ConfigError("homework grade '" + dir + "': no answers-*.json files in the folder");
    check_output_path(out_dir + "/class-summary.csv");
    std::vector<GradeReport> graded;
    std::vector<std::string> refused;
    for (const auto& f : files) {
        try {
            graded.push_back(grade_submission(read_submission(f), f));
        } catch (const ConfigError& e) {
            refused.push_back(e.what());
        }
    }
    const ClassSummary c = summarise_class(graded, refused);
    for (const auto& g : c.students) write_output(out_dir + "/report-" + g.student + ".txt", g.text());
    write_output(out_dir + "/class-summary.csv", c.csv());
    write_output(out_dir + "/class-summary.txt", c.table());
    std::cout << c.table() << "\nwrote " << out_dir << "/class-summary.csv, " << out_dir << "/class-summary.txt and "
              << c.students.size() << " report-ID.txt files\n";
    for (const auto& r : refused) std::cerr << "flashsim: error: " << r << "\n";
    return refused.empty() ? 0 : 2;
}

}  // namespace

int cmd_homework(int argc, const char* const* argv) {
    std::string action, file, student, out_dir = ".", report, json_path;
    std::string seed_text;
    bool key = false;
    po::options_description desc("homework options");
    desc.add_options()("action", po::value(&action), "generate, key or grade")("file", po::value(&file), "grade: the answer file")(
        "seed", po::value(&seed_text), "generate/key: the class's seed, a whole number")("student", po::value(&student), "generate/key: the student's id")(
        "out", po::value(&out_dir)->default_value(out_dir),
        "generate: folder for homework-ID.md and answers-ID.json; grade DIR: folder for the class summary (default: DIR)")(
        "key", po::bool_switch(&key), "generate: also write key-ID.md and key-ID.json and print the key")(
        "json", po::value(&json_path), "key: write the filled answer file to FILE (- for stdout)")(
        "report", po::value(&report), "grade: also write the report to FILE");
    po::positional_options_description pos;
    pos.add("action", 1).add("file", 1);
    po::variables_map vm;
    if (!parse(argc, argv, desc, vm,
               "usage: flashsim homework generate --seed S --student ID [--out DIR] [--key]\n"
               "       flashsim homework key --seed S --student ID [--json FILE]\n"
               "       flashsim homework grade FILE [--report OUT]\n"
               "       flashsim homework grade DIR [--out DIR2]   every answers-*.json in DIR; writes class-summary.csv,\n"
               "                                                   class-summary.txt and report-ID.txt (one per student)",
               &pos))
        return 0;
    if (action == "grade") {
        if (file.empty()) throw ConfigError("flashsim homework grade needs the answer file or a folder of them: flashsim homework grade FILE|DIR");
        if (std::filesystem::is_directory(file)) return grade_class(file, vm.count("out") && !vm["out"].defaulted() ? out_dir : file);
        const GradeReport g = grade_submission(read_submission(file), file);
        std::cout << g.text();
        if (!report.empty()) write_output(report, g.text());
        return 0;
    }
    if (action != "generate" && action != "key")
        throw ConfigError("homework action '" + action + "' is unknown; allowed: generate, key, grade");
    if (!vm.count("seed")) throw ConfigError("flashsim homework " + action + " needs --seed S (a whole number)");
    if (!vm.count("student")) throw ConfigError("flashsim homework " + action + " needs --student ID");
    if (seed_text.empty() || seed_text.size() > 19 || seed_text.find_first_not_of("0123456789") != std::string::npos)
        throw ConfigError("--seed '" + seed_text + "' must be a whole number from 0 to 9999999999999999999");
    const ProblemSet ps = make_problem_set(std::stoull(seed_text), student);
    if (action == "key") {
        if (!json_path.empty()) write_output(json_path, answer_key(ps).dump(2) + "\n");
        if (json_path != "-") std::cout << key_markdown(ps);
        return 0;
    }
    const std::string base = out_dir + "/";
    write_output(base + "homework-" + student + ".md", student_markdown(ps));
    write_output(base + "answers-" + student + ".json", answer_template(ps).dump(2) + "\n");
    std::cout << "wrote " << base << "homework-" << student << ".md and " << base << "answers-" << student << ".json\n";
    if (key) {
        write_output(base + "key-" + student + ".md", key_markdown(ps));
        write_output(base + "key-" + student + ".json", answer_key(ps).dump(2) + "\n");
        std::cout << "wrote " << base << "key-" << student << ".md and " << base << "key-" << student << ".json\n\n"
                  << key_markdown(ps);
    }
    return 0;
}

}  // namespace flashsim::cli
