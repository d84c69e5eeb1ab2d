// bind_homework.cpp: the homework for Python: a student's problem set (to hand out as a notebook)
// and the grader itself (grade_submission), which a notebook's answers are handed to as the
// answer file the CLI grades; nothing of the student's is executed.
#include <pybind11/stl.h>

#include "python/src/bind.h"
#include "sim/lessons/homework.h"

namespace flashsim::python {

namespace {

const char* kind_name(AnswerKind k) {
    switch (k) {
        case AnswerKind::integer: return "integer";
        case AnswerKind::number: return "number";
        case AnswerKind::boolean: return "boolean";
        case AnswerKind::choice: return "choice";
    }
    return "number";
}

py::dict problem_set(uint64_t seed, const std::string& student) {
    const ProblemSet ps = make_problem_set(seed, student);
    py::dict d;
    d["seed"] = ps.seed;
    d["student"] = ps.student;
    d["model"] = ps.model;
    d["markdown"] = student_markdown(ps);
    d["template_json"] = answer_template(ps).dump();
    py::list qs;
    for (const auto& q : ps.questions) {
        py::dict qd;
        qd["id"] = q.id;
        qd["title"] = q.title;
        qd["text"] = q.text;
        py::list fs;
        for (const auto& f : q.fields) {
            py::dict fd;
            fd["key"] = f.key;
            fd["kind"] = kind_name(f.kind);
            fd["unit"] = f.unit;
            fd["tolerance"] = f.tolerance_text();
            fd["choices"] = f.choices;
            fd["points"] = f.points;
            fs.append(fd);
        }
        qd["fields"] = fs;
        qs.append(qd);
    }
    d["questions"] = qs;
    return d;
}

py::dict grade(const std::string& json_text, const std::string& origin) {
    const GradeReport r = grade_submission(json_text, origin);
    py::dict d;
    d["seed"] = r.seed;
    d["student"] = r.student;
    d["score"] = r.score;
    d["max_score"] = r.max_score;
    d["text"] = r.text();
    py::list fs;
    for (const auto& f : r.fields) {
        py::dict fd;
        fd["key"] = f.key;
        fd["points"] = f.points;
        fd["max_points"] = f.max_points;
        fd["correct"] = f.correct;
        fd["feedback"] = f.feedback;
        fs.append(fd);
    }
    d["fields"] = fs;
    return d;
}

}  // namespace

void bind_homework(py::module_& m) {
    m.def("problem_set", &problem_set, py::arg("seed"), py::arg("student"), "a student's problem set");
    m.def("grade", &grade, py::arg("json_text"), py::arg("origin"), "grade an answer file (JSON text)");
}

}  // namespace flashsim::python
