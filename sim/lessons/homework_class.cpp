// homework_class.cpp: a class's graded submissions side by side (homework.h, ClassSummary).
#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

#include "sim/lessons/homework.h"
#include "sim/lessons/homework_model.h"

namespace flashsim {

namespace {

// Points of one question (all its fields) in a report.
std::pair<double, double> question_points(const GradeReport& g, const std::string& q) {
    double p = 0, max = 0;
    for (const auto& f : g.fields)
        if (f.question == q) {
            p += f.points;
            max += f.max_points;
        }
    return {p, max};
}

std::string percent(double p, double max) { return std::to_string(std::lround(max > 0 ? 100 * p / max : 0)); }

std::string pad(const std::string& s, size_t w, bool right = true) {
    if (s.size() >= w) return s;
    return right ? std::string(w - s.size(), ' ') + s : s + std::string(w - s.size(), ' ');
}

}  // namespace

ClassSummary summarise_class(std::vector<GradeReport> reports, std::vector<std::string> refused) {
    ClassSummary c;
    std::sort(reports.begin(), reports.end(), [](const GradeReport& a, const GradeReport& b) { return a.student < b.student; });
    for (const auto& g : reports)
        for (const auto& f : g.fields)
            if (!f.question.empty() && std::find(c.questions.begin(), c.questions.end(), f.question) == c.questions.end())
                c.questions.push_back(f.question);
    c.students = std::move(reports);
    c.refused = std::move(refused);
    return c;
}

std::string ClassSummary::csv() const {
    std::ostringstream o;
    o << "student,seed";
    for (const auto& q : questions) o << "," << q << "_points," << q << "_max";
    o << ",score,max_score,percent\n";
    for (const auto& g : students) {
        o << g.student << "," << g.seed;
        for (const auto& q : questions) {
            const auto [p, max] = question_points(g, q);
            o << "," << num(p) << "," << num(max);
        }
        o << "," << num(g.score) << "," << num(g.max_score) << "," << percent(g.score, g.max_score) << "\n";
    }
    return o.str();
}

std::string ClassSummary::table() const {
    std::ostringstream o;
    o << "class summary: " << students.size() << " student" << (students.size() == 1 ? "" : "s") << " graded";
    if (!refused.empty()) o << ", " << refused.size() << " file" << (refused.size() == 1 ? "" : "s") << " refused";
    o << "; points per question (got/max)\n\n";
    size_t w = 8;
    for (const auto& g : students) w = std::max(w, g.student.size() + 2);
    o << pad("student", w, false);
    for (const auto& q : questions) o << pad(q, 7);
    o << pad("score", 10) << pad("%", 6) << "\n";
    const size_t width = w + 7 * questions.size() + 16;
    o << std::string(width, '-') << "\n";
    for (const auto& g : students) {
        o << pad(g.student, w, false);
        for (const auto& q : questions) {
            const auto [p, max] = question_points(g, q);
            o << pad(num(p) + "/" + num(max), 7);
        }
        o << pad(num(g.score) + "/" + num(g.max_score), 10) << pad(percent(g.score, g.max_score), 6) << "\n";
    }
    o << std::string(width, '-') << "\n";
    // How many students got each question fully right: where the class needs another explanation.
    o << pad("right", w, false);
    double total = 0, total_max = 0;
    for (const auto& q : questions) {
        int right = 0;
        for (const auto& g : students) {
            const auto [p, max] = question_points(g, q);
            right += max > 0 && p == max;
        }
        o << pad(std::to_string(right) + "/" + std::to_string(students.size()), 7);
    }
    for (const auto& g : students) {
        total += g.score;
        total_max += g.max_score;
    }
    o << pad("mean", 10) << pad(percent(total, total_max), 6) << "\n";
    o << "(right: students with every point of the question)\n";
    for (const auto& r : refused) o << "refused: " << r << "\n";
    return o.str();
}

}  // namespace flashsim
