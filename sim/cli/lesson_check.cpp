// lesson_check.cpp: evaluating the lessons' claims against their own commands (lesson_check.h).
#include "sim/cli/lesson_check.h"

#include <cstring>
#include <iostream>
#include <map>
#include <sstream>

#include "sim/cli/commands.h"
#include "sim/core/errors.h"
#include "sim/lessons/claims.h"

namespace flashsim::cli {

namespace {

// Restores std::cout's buffer however the command ends.
struct CaptureStdout {
    std::ostringstream text;
    std::streambuf* saved;
    CaptureStdout() : saved(std::cout.rdbuf(text.rdbuf())) {}
    ~CaptureStdout() { std::cout.rdbuf(saved); }
};

// Runs `flashsim run|sweep ...` in this process with its JSON on stdout. Output options of the
// lesson's command (--format, --plot, --csv, --json) are dropped: the claims read the JSON.
nlohmann::json run_command(const std::string& command) {
    std::istringstream in(command);
    std::vector<std::string> tok;
    for (std::string t; in >> t;) tok.push_back(t);
    const Command* cmd = nullptr;
    for (const auto& c : commands())
        if (tok.size() > 1 && tok[1] == c.name) cmd = &c;
    if (!cmd) throw ConfigError("'" + command + "' is not a flashsim command");
    std::vector<std::string> args = {"flashsim"};
    for (size_t i = 2; i < tok.size(); ++i) {
        if (tok[i] == "--format" || tok[i] == "--plot" || tok[i] == "--csv" || tok[i] == "--json") {
            ++i;
            continue;
        }
        args.push_back(tok[i]);
    }
    args.insert(args.end(), {"--json", "-"});
    if (tok[1] == "sweep") args.push_back("--no-progress");
    std::vector<const char*> argv;
    for (const auto& a : args) argv.push_back(a.c_str());
    std::string out;
    {
        CaptureStdout capture;
        const int rc = cmd->run(int(argv.size()), argv.data());
        out = capture.text.str();
        if (rc != 0) throw ConfigError("'" + command + "' exited with status " + std::to_string(rc));
    }
    try {
        return nlohmann::json::parse(out);
    } catch (const nlohmann::json::parse_error&) {
        throw ConfigError("'" + command + "' did not write JSON");
    }
}

}  // namespace

int lesson_check(const std::vector<Lesson>& lessons) {
    int failed = 0, held = 0;
    for (const auto& l : lessons) {
        const LessonClaims c = load_claims(l.dir);
        std::cout << "Lesson " << l.number << ": " << l.title << "  (" << c.claims.size() << " claims, " << c.origin << ")\n";
        std::map<std::string, nlohmann::json> results;
        std::map<std::string, std::string> run_errors;
        for (const auto& r : c.runs) {
            try {
                results[r.name] = run_command(r.command);
            } catch (const std::exception& e) {
                run_errors[r.name] = e.what();
            }
        }
        for (const auto& [name, why] : run_errors) std::cout << "  run " << name << " failed: " << why << "\n";
        for (const auto& cl : c.claims) {
            bool ok = true;
            std::vector<std::string> lines;
            for (const auto& check : cl.checks) {
                CheckResult r;
                try {
                    r = evaluate_check(check, results);
                } catch (const ConfigError& e) {
                    r = {false, e.what()};
                }
                ok = ok && r.ok;
                lines.push_back(r.shown);
            }
            (ok ? held : failed)++;
            std::cout << "  " << (ok ? "holds " : "FAILS ") << cl.says << "\n";
            for (const auto& s : lines) std::cout << "        " << s << "\n";
        }
        std::cout << "\n";
    }
    std::cout << held << " claims hold, " << failed << " fail\n";
    return failed ? 1 : 0;
}

}  // namespace flashsim::cli
