// lessons.h: finding, listing and reading the classroom lessons (lessons/NN-name/).
//
// A lesson is a folder lessons/NN-name/ holding
//   lesson.md     the text: goal, idea, live demo, predict-then-reveal questions, exercises;
//                 each answer sits in a <details><summary>Reveal</summary> ... </details> block
//   *.toml        the configuration(s) the demo loads (see lesson_config.h)
//   claims.toml   the lesson's quantitative claims as checks on its commands' results (claims.h)
//   commands.txt  every flashsim command the lesson uses, one a line, which the tests run;
//                 "# ..." is a comment; "[needs FEATURE] flashsim ..." marks a command that
//                 needs an optional part (the viewer, a subcommand) and is skipped without it;
//                 "[exit 2] flashsim ..." a command that must be refused (a schedule too big).
//
// Contract: lessons_dir() finds the folder from $FLASHSIM_LESSONS_DIR, else the source tree's
// lessons/ compiled in by CMake, and throws ConfigError saying both places when neither exists.
#pragma once
#include <string>
#include <vector>

namespace flashsim {

struct LessonCommand {
    std::string needs;    // "" or the feature in "[needs viz]"
    std::string command;  // "flashsim lesson run 5"
    int exit_code = 0;    // "[exit 2]": the command must be refused with this status
};

struct Lesson {
    int number = 0;                         // 5 for "05-flashattention-1"
    std::string slug;                       // "05-flashattention-1"
    std::string dir;                        // its folder
    std::string title;                      // the first "# " heading of lesson.md
    std::string text;                       // lesson.md, answers included
    std::vector<std::string> config_files;  // *.toml in the folder but claims.toml, sorted by name
    std::vector<LessonCommand> commands;    // commands.txt
};

std::string lessons_dir();  // throws ConfigError
std::vector<Lesson> list_lessons(const std::string& dir);
// "5", "05" or a slug ("05-flashattention-1"); throws ConfigError listing the lessons there are.
Lesson find_lesson(const std::string& dir, const std::string& which);

// The lesson text with each Reveal block replaced by a one-line note, unless `reveal`. The
// students' copy does not say how to reveal the answers.
std::string lesson_text(const Lesson& l, bool reveal);
// Every line of a fenced code block in `markdown` that starts with "flashsim ".
std::vector<std::string> commands_in_markdown(const std::string& markdown);

}  // namespace flashsim
