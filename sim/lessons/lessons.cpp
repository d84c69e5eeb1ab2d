// lessons.cpp: locating lessons/ on disk and reading a lesson's folder.
#include "sim/lessons/lessons.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "sim/core/errors.h"
#include "sim/core/input_file.h"

#ifndef FLASHSIM_LESSONS_DEFAULT_DIR
#define FLASHSIM_LESSONS_DEFAULT_DIR ""
#endif

namespace flashsim {

namespace fs = std::filesystem;

namespace {

std::string read_file(const fs::path& p) { return read_input_file(p.string(), "lesson file", kMaxConfigFileBytes); }

std::string trim(const std::string& s) {
    const auto a = s.find_first_not_of(" \t\r");
    if (a == std::string::npos) return "";
    return s.substr(a, s.find_last_not_of(" \t\r") - a + 1);
}

std::vector<LessonCommand> parse_commands(const std::string& text, const std::string& origin) {
    std::vector<LessonCommand> out;
    std::istringstream in(text);
    int line_no = 0;
    for (std::string line; std::getline(in, line);) {
        ++line_no;
        line = trim(line);
        if (line.empty() || line[0] == '#') continue;
        LessonCommand c;
        const std::string at = origin + ":" + std::to_string(line_no) + ": ";
        while (!line.empty() && line[0] == '[') {  // tags: [needs FEATURE], [exit N]
            const auto close = line.find(']');
            if (close == std::string::npos) throw ConfigError(at + "'[' without ']'");
            const std::string tag = line.substr(1, close - 1);
            if (tag.rfind("needs ", 0) == 0) c.needs = trim(tag.substr(6));
            else if (tag.rfind("exit ", 0) == 0 && tag.size() > 5 && tag.find_first_not_of("0123456789", 5) == std::string::npos &&
                     tag.size() < 9)
                c.exit_code = std::stoi(tag.substr(5));
            else throw ConfigError(at + "unknown tag '[" + tag + "]'; allowed: [needs FEATURE], [exit N]");
            line = trim(line.substr(close + 1));
        }
        if (line.rfind("flashsim ", 0) != 0 && line != "flashsim")
            throw ConfigError(origin + ":" + std::to_string(line_no) + ": a command must start with 'flashsim'; got '" + line + "'");
        c.command = line;
        out.push_back(c);
    }
    return out;
}

Lesson read_lesson(const fs::path& dir) {
    Lesson l;
    l.slug = dir.filename().string();
    l.dir = dir.string();
    l.number = std::stoi(l.slug.substr(0, 2));
    l.text = read_file(dir / "lesson.md");
    std::istringstream in(l.text);
    for (std::string line; std::getline(in, line);)
        if (line.rfind("# ", 0) == 0) {
            l.title = trim(line.substr(2));
            break;
        }
    for (const auto& e : fs::directory_iterator(dir))
        if (e.is_regular_file() && e.path().extension() == ".toml" && e.path().filename() != "claims.toml")
            l.config_files.push_back(e.path().string());
    std::sort(l.config_files.begin(), l.config_files.end());
    const fs::path cmds = dir / "commands.txt";
    if (fs::exists(cmds)) l.commands = parse_commands(read_file(cmds), cmds.string());
    return l;
}

bool is_lesson_dir(const fs::directory_entry& e) {
    const std::string n = e.path().filename().string();
    return e.is_directory() && n.size() > 3 && std::isdigit(static_cast<unsigned char>(n[0])) &&
           std::isdigit(static_cast<unsigned char>(n[1])) && n[2] == '-' && fs::exists(e.path() / "lesson.md");
}

}  // namespace

std::string lessons_dir() {
    const char* env = std::getenv("FLASHSIM_LESSONS_DIR");
    if (env && *env) {
        if (!fs::is_directory(env))
            throw ConfigError(std::string("FLASHSIM_LESSONS_DIR='") + env + "' is not a directory; point it at the lessons/ folder");
        return env;
    }
    const std::string built_in = FLASHSIM_LESSONS_DEFAULT_DIR;
    if (!built_in.empty() && fs::is_directory(built_in)) return built_in;
    throw ConfigError("the lessons folder was not found at '" + built_in +
                      "' (the source tree this flashsim was built from); set FLASHSIM_LESSONS_DIR to the lessons/ folder");
}

std::vector<Lesson> list_lessons(const std::string& dir) {
    std::vector<fs::path> dirs;
    for (const auto& e : fs::directory_iterator(dir))
        if (is_lesson_dir(e)) dirs.push_back(e.path());
    std::sort(dirs.begin(), dirs.end());
    std::vector<Lesson> out;
    for (const auto& d : dirs) out.push_back(read_lesson(d));
    return out;
}

Lesson find_lesson(const std::string& dir, const std::string& which) {
    const auto all = list_lessons(dir);
    std::string known;
    for (const auto& l : all) {
        known += (known.empty() ? "" : ", ") + std::to_string(l.number);
        bool match = which == l.slug;
        if (!match && !which.empty() && which.find_first_not_of("0123456789") == std::string::npos && which.size() < 4)
            match = std::stoi(which) == l.number;
        if (match) return l;
    }
    throw ConfigError("lesson '" + which + "' does not exist; lessons: " + (known.empty() ? "none in " + dir : known));
}

std::string lesson_text(const Lesson& l, bool reveal) {
    static const std::string open = "<details><summary>Reveal</summary>", close = "</details>";
    std::istringstream in(l.text);
    std::string out;
    bool hidden = false;
    for (std::string line; std::getline(in, line);) {
        const std::string t = trim(line);
        if (t == open) {
            hidden = true;
            if (!reveal) out += "> (answer hidden until the reveal in class)\n";
            continue;
        }
        if (hidden && t == close) {
            hidden = false;
            continue;
        }
        if (!hidden || reveal) out += line + "\n";
    }
    return out;
}

std::vector<std::string> commands_in_markdown(const std::string& md) {
    std::vector<std::string> out;
    std::istringstream in(md);
    bool fenced = false;
    for (std::string line; std::getline(in, line);) {
        const std::string t = trim(line);
        if (t.rfind("```", 0) == 0) {
            fenced = !fenced;
            continue;
        }
        if (fenced && t.rfind("flashsim ", 0) == 0) out.push_back(t);
    }
    return out;
}

}  // namespace flashsim
