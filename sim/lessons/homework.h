// homework.h: personalised problem sets, their answer keys, and the grader.
//
// A problem set is drawn deterministically from (seed, student id): the same pair always gives
// the same questions, so an answer file that records both is enough for the grader to rebuild
// the problems and the key itself. Every answer comes from the simulator (simulate()) or the
// model's own functions (footprint(), Schedule::Tr/Tc, tensor_shapes()); none is written down.
//
// Answer file (JSON), as generated, every answer null:
//   {"homework": "flashsim", "format": 1, "seed": 7, "student": "ada", "model": "...",
//    "answers": {"q1_s_bytes": null, ...}}
// "model" names the parts of the simulator the answers depend on (timing layer, L2 model);
// grading with a flashsim whose model differs is refused, since the key would differ.
//
// Contract: grade_submission() never executes or writes anything; a malformed file (not JSON,
// a missing or mistyped header field, an answer of the wrong type) throws ConfigError naming
// the field; a missing or null answer scores zero with feedback.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace flashsim {

enum class AnswerKind { integer, number, boolean, choice };

struct AnswerField {
    std::string key;          // "q1_s_bytes"
    AnswerKind kind = AnswerKind::number;
    std::string unit;         // "bytes", "microseconds", ""
    double rel_tolerance = 0; // accepted |given - key| <= rel_tolerance * |key|; 0 = exact
    std::vector<std::string> choices;  // for AnswerKind::choice
    nlohmann::json answer;    // the key
    double points = 1;
    // Feedback for a wrong answer: the concept the field tests, as a hint that does not give the
    // answer away, and known wrong answers with what each one suggests the student did
    // (values computed from the model, like the key: forgetting the bytes per element, rounding
    // a partial block down, answering one head instead of all).
    std::string hint;
    struct Mistake {
        nlohmann::json value;
        std::string why;
    };
    std::vector<Mistake> mistakes;
    std::string tolerance_text() const;  // "exact", "within 1%", "one of: more, fewer, same"
};

struct Question {
    std::string id;           // "q1"
    std::string title;
    std::string text;         // Markdown for the student
    std::string explanation;  // how the key was obtained (for the instructor's key)
    std::vector<AnswerField> fields;
    nlohmann::json params;    // the drawn parameters ({"algo": "fa2", "N": 1024, ...}), shown in the key
    // Optional: grades all fields together (e.g. any block pair that reaches the optimum).
    // Gets the student's values by key; returns true when correct and sets the feedback.
    std::function<bool(const std::map<std::string, nlohmann::json>&, std::string&)> check_together;
};

struct ProblemSet {
    uint64_t seed = 0;
    std::string student;
    std::string model;  // "timing=simulator l2=modelled", recorded in the answer file
    std::vector<Question> questions;
};

// Throws ConfigError for a student id outside [A-Za-z0-9_.-]{1,64} (it names files).
ProblemSet make_problem_set(uint64_t seed, const std::string& student);
std::string current_model();  // what this build's simulator provides

std::string student_markdown(const ProblemSet& ps);
nlohmann::ordered_json answer_template(const ProblemSet& ps);  // answers null, in question order
nlohmann::ordered_json answer_key(const ProblemSet& ps);       // answers filled with the key
std::string key_markdown(const ProblemSet& ps);

struct FieldGrade {
    std::string question;  // "q1"
    std::string key;
    double points = 0, max_points = 0;
    bool correct = false;
    std::string feedback;
};

struct GradeReport {
    uint64_t seed = 0;
    std::string student;
    std::vector<FieldGrade> fields;
    double score = 0, max_score = 0;
    std::string text() const;  // per-field feedback and the score, for people
};

// `json_text` is the submission's bytes; `origin` names it in messages. Throws ConfigError.
GradeReport grade_submission(const std::string& json_text, const std::string& origin);

// The feedback on a wrong answer `given` (of the right type): what was answered, in which
// direction it is off, and the hint or the known mistake it matches.
std::string wrong_answer_feedback(const AnswerField& f, const nlohmann::json& given);

// A class's graded submissions side by side: points per student and question, and how many
// students got each question right.
struct ClassSummary {
    std::vector<std::string> questions;  // "q1", "q2", ... in problem-set order
    std::vector<GradeReport> students;   // sorted by student id
    std::vector<std::string> refused;    // "FILE: why" for files that could not be graded
    std::string csv() const;             // student,q1,...,score,max_score,percent (points per question)
    std::string table() const;           // the same for people, with a per-question line
};
ClassSummary summarise_class(std::vector<GradeReport> reports, std::vector<std::string> refused);

}  // namespace flashsim
