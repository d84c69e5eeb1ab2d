// homework_grade.cpp: the student's Markdown, the answer file, the key, and the grader.
#include <cmath>
#include <sstream>

#include "sim/core/json_input.h"
#include "sim/core/errors.h"
#include "sim/lessons/homework.h"
#include "sim/lessons/homework_model.h"

namespace flashsim {

namespace {

constexpr int kFormat = 1;

const char* kind_text(AnswerKind k) {
    switch (k) {
        case AnswerKind::integer: return "a whole number";
        case AnswerKind::number: return "a number";
        case AnswerKind::boolean: return "true or false";
        case AnswerKind::choice: return "a string";
    }
    return "?";
}

nlohmann::ordered_json header(const ProblemSet& ps) {
    return {{"homework", "flashsim"}, {"format", kFormat}, {"seed", ps.seed}, {"student", ps.student}, {"model", ps.model}};
}

std::string value_text(const nlohmann::json& v) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_number_float()) return num(v.get<double>());
    return v.dump();
}

// Checks a present, non-null answer's type; throws ConfigError naming the field.
void check_type(const AnswerField& f, const nlohmann::json& v, const std::string& origin) {
    const std::string where = origin + ": answers." + f.key + ": expected " + kind_text(f.kind) +
                              (f.unit.empty() ? "" : " (" + f.unit + ")") + ", got " + v.dump();
    switch (f.kind) {
        case AnswerKind::integer:
            if (v.is_number_integer()) return;
            if (v.is_number_float() && std::isfinite(v.get<double>()) && v.get<double>() == std::floor(v.get<double>()) &&
                std::fabs(v.get<double>()) < 9e18)
                return;
            throw ConfigError(where);
        case AnswerKind::number:
            if (v.is_number() && std::isfinite(v.get<double>())) return;
            throw ConfigError(where);
        case AnswerKind::boolean:
            if (v.is_boolean()) return;
            throw ConfigError(where);
        case AnswerKind::choice:
            if (v.is_string())
                for (const auto& c : f.choices)
                    if (v.get<std::string>() == c) return;
            std::string allowed;
            for (const auto& c : f.choices) allowed += (allowed.empty() ? "" : ", ") + c;
            throw ConfigError(origin + ": answers." + f.key + ": expected one of " + allowed + ", got " + v.dump());
    }
}

bool matches(const AnswerField& f, const nlohmann::json& v) {
    switch (f.kind) {
        case AnswerKind::integer: return int64_t(std::llround(v.get<double>())) == f.answer.get<int64_t>();
        case AnswerKind::number: {
            const double key = f.answer.get<double>(), given = v.get<double>();
            return std::fabs(given - key) <= f.rel_tolerance * std::fabs(key) + 1e-12 * std::fabs(key);
        }
        case AnswerKind::boolean: return v.get<bool>() == f.answer.get<bool>();
        case AnswerKind::choice: return v.get<std::string>() == f.answer.get<std::string>();
    }
    return false;
}

// "by a factor of 2" when `given` is the key times a round factor (a unit or size slip).
std::string factor_text(double ratio) {
    const double r = ratio >= 1 ? ratio : 1 / ratio;
    for (double k : {2.0, 4.0, 8.0, 16.0, 1000.0, 1024.0, 1e6, 1048576.0})
        if (std::fabs(r / k - 1) < 0.005) return " by a factor of " + num(k);
    return "";
}

}  // namespace

std::string wrong_answer_feedback(const AnswerField& f, const nlohmann::json& given) {
    std::string s = "incorrect: you answered " + value_text(given) + (f.unit.empty() ? "" : " " + f.unit);
    if (f.kind == AnswerKind::integer || f.kind == AnswerKind::number) {
        const double key = f.answer.get<double>(), v = given.get<double>();
        if (key != 0 && v != 0 && (key > 0) == (v > 0)) s += std::string(", which is too ") + (std::fabs(v) > std::fabs(key) ? "large" : "small") + factor_text(v / key);
        s += f.kind == AnswerKind::integer ? " (an exact answer is expected)." : " (it must be " + f.tolerance_text() + " of the expected value).";
    } else {
        s += ".";
    }
    for (const auto& m : f.mistakes)
        if (m.value.type() == f.answer.type() || (m.value.is_number() && f.answer.is_number())) {
            AnswerField probe = f;
            probe.answer = m.value;
            if (probe.kind == AnswerKind::number && probe.rel_tolerance == 0) probe.rel_tolerance = 0.005;
            if (matches(probe, given)) return s + " " + m.why;
        }
    if (!f.hint.empty()) s += " Hint: " + f.hint;
    return s;
}

std::string AnswerField::tolerance_text() const {
    switch (kind) {
        case AnswerKind::integer: return "exact";
        case AnswerKind::boolean: return "exact";
        case AnswerKind::choice: {
            std::string s = "one of:";
            for (const auto& c : choices) s += " " + c;
            return s;
        }
        case AnswerKind::number: return rel_tolerance > 0 ? "within " + num(rel_tolerance * 100) + "%" : "exact";
    }
    return "";
}

std::string student_markdown(const ProblemSet& ps) {
    std::ostringstream o;
    o << "# flashsim homework: IO cost of attention\n\n"
      << "Student: `" << ps.student << "`, seed " << ps.seed << ". Your numbers are yours alone.\n\n"
      << "Fill in `answers-" << ps.student << ".json` (replace each `null`; numbers as plain JSON numbers, no units) "
      << "and hand it in. Grade it yourself before you do: `flashsim homework grade answers-" << ps.student << ".json`.\n"
      << "Do not change `seed`, `student` or `model`: the grader rebuilds your problems from them.\n\n"
      << "Conventions: sizes in bytes; fp16 and bf16 take 2 bytes, fp32 4; 1 KiB = 1024 bytes.\n";
    double total = 0;
    for (const auto& q : ps.questions)
        for (const auto& f : q.fields) total += f.points;
    int k = 0;
    for (const auto& q : ps.questions) {
        double pts = 0;
        for (const auto& f : q.fields) pts += f.points;
        o << "\n## Question " << ++k << ": " << q.title << " (" << num(pts) << (pts == 1 ? " point" : " points") << ")\n\n" << q.text << "\n\n";
        for (const auto& f : q.fields)
            o << "- `" << f.key << "`: " << kind_text(f.kind) << (f.unit.empty() ? "" : ", in " + f.unit) << "; "
              << (q.check_together ? "graded together with the other fields of this question" : f.tolerance_text())
              << " (" << num(f.points) << " point" << (f.points == 1 ? "" : "s") << ")\n";
    }
    o << "\nTotal: " << num(total) << " points.\n";
    return o.str();
}

nlohmann::ordered_json answer_template(const ProblemSet& ps) {
    nlohmann::ordered_json j = header(ps);
    j["answers"] = nlohmann::ordered_json::object();
    for (const auto& q : ps.questions)
        for (const auto& f : q.fields) j["answers"][f.key] = nullptr;
    return j;
}

nlohmann::ordered_json answer_key(const ProblemSet& ps) {
    nlohmann::ordered_json j = header(ps);
    j["answers"] = nlohmann::ordered_json::object();
    for (const auto& q : ps.questions)
        for (const auto& f : q.fields) j["answers"][f.key] = f.answer;
    return j;
}

std::string key_markdown(const ProblemSet& ps) {
    std::ostringstream o;
    o << "# Answer key: student `" << ps.student << "`, seed " << ps.seed << " (" << ps.model << ")\n";
    int k = 0;
    for (const auto& q : ps.questions) {
        o << "\n## Question " << ++k << ": " << q.title << "\n\n";
        for (const auto& f : q.fields)
            o << "- `" << f.key << "` = " << value_text(f.answer) << (f.unit.empty() ? "" : " " + f.unit) << " ("
              << f.tolerance_text() << ")\n";
        o << "\n" << q.explanation << "\n\nParameters: `" << q.params.dump() << "`\n";
    }
    return o.str();
}

GradeReport grade_submission(const std::string& text, const std::string& origin) {
    nlohmann::json j = parse_json_input(text, origin);
    if (!j.is_object()) throw ConfigError(origin + ": expected a JSON object with seed, student and answers");
    auto need = [&](const char* key, bool ok, const char* what) {
        if (!j.contains(key)) throw ConfigError(origin + ": missing field '" + key + "' (" + what + ")");
        if (!ok) throw ConfigError(origin + ": field '" + key + "' must be " + what + ", got " + j[key].dump());
    };
    need("homework", j.contains("homework") && j["homework"] == "flashsim", "the string \"flashsim\"");
    need("format", j.contains("format") && j["format"] == kFormat, "1");
    need("seed", j.contains("seed") && j["seed"].is_number_unsigned(), "a whole number >= 0");
    need("student", j.contains("student") && j["student"].is_string(), "a string");
    need("model", j.contains("model") && j["model"].is_string(), "a string");
    need("answers", j.contains("answers") && j["answers"].is_object(), "an object of answers");
    const ProblemSet ps = make_problem_set(j["seed"].get<uint64_t>(), j["student"].get<std::string>());
    if (j["model"].get<std::string>() != ps.model)
        throw ConfigError(origin + ": field 'model' is \"" + j["model"].get<std::string>() + "\" but this flashsim provides \"" +
                          ps.model + "\"; grade with the flashsim the problem set was generated with");
    const nlohmann::json& ans = j["answers"];
    GradeReport g;
    g.seed = ps.seed;
    g.student = ps.student;
    for (const auto& q : ps.questions) {
        // Types first, so one malformed answer rejects the file before anything is scored.
        for (const auto& f : q.fields)
            if (ans.contains(f.key) && !ans[f.key].is_null()) check_type(f, ans[f.key], origin);
        std::map<std::string, nlohmann::json> given;
        std::vector<FieldGrade> fg;
        for (const auto& f : q.fields) {
            FieldGrade x;
            x.key = f.key;
            x.max_points = f.points;
            if (!ans.contains(f.key)) x.feedback = "missing from the file: 0 points";
            else if (ans[f.key].is_null()) x.feedback = "not answered (null): 0 points";
            else {
                given[f.key] = ans[f.key];
                if (!q.check_together) {
                    x.correct = matches(f, ans[f.key]);
                    x.feedback = x.correct ? "correct (" + f.tolerance_text() + ")" : wrong_answer_feedback(f, ans[f.key]);
                }
            }
            fg.push_back(x);
        }
        if (q.check_together && given.size() == q.fields.size()) {
            std::string why;
            const bool ok = q.check_together(given, why);
            for (size_t i = 0; i < fg.size(); ++i) {
                fg[i].correct = ok;
                fg[i].feedback = (ok ? "correct: " : "incorrect: ") + why;
                if (!ok && !q.fields[i].hint.empty()) fg[i].feedback += ". Hint: " + q.fields[i].hint;
            }
        } else if (q.check_together) {
            for (auto& x : fg)
                if (x.feedback.empty()) x.feedback = "cannot be graded alone: answer every field of " + q.id;
        }
        for (auto& x : fg) {
            x.question = q.id;
            x.points = x.correct ? x.max_points : 0;
            g.score += x.points;
            g.max_score += x.max_points;
            g.fields.push_back(x);
        }
    }
    for (const auto& [k, v] : ans.items()) {
        bool known = false;
        for (const auto& f : g.fields) known = known || f.key == k;
        if (!known) g.fields.push_back({"", k, 0, 0, false, "not a question of this problem set: ignored"});
    }
    return g;
}

std::string GradeReport::text() const {
    std::ostringstream o;
    o << "flashsim homework grade: student " << student << ", seed " << seed << "\n\n";
    for (const auto& f : fields)
        o << "  " << f.key << std::string(f.key.size() < 16 ? 16 - f.key.size() : 1, ' ') << num(f.points) << "/"
          << num(f.max_points) << "  " << f.feedback << "\n";
    o << "\nscore: " << num(score) << " / " << num(max_score) << " (" << std::lround(max_score > 0 ? 100 * score / max_score : 0) << "%)\n";
    return o.str();
}

}  // namespace flashsim
