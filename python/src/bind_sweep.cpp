// bind_sweep.cpp: flashsim.sweep for Python: the library's sweep (sim/sweep/) on every core, its
// rows as `flashsim sweep --csv` writes them, with progress reported to a Python callback.
#include <pybind11/stl.h>

#include "python/src/bind.h"
#include "sim/sweep/sweep_options.h"

namespace flashsim::python {

namespace {

// kwargs: run()'s options (the base configuration); algos: names ([] = kwargs' algo); axes:
// "KEY=RANGE" as --vary takes them; progress(done, total) is called with the GIL held.
std::string sweep_csv_text(const py::dict& kwargs, const std::vector<std::string>& algos,
                           const std::vector<std::string>& axes, unsigned threads, const py::object& progress) {
    const SweepSpec spec = make_sweep_spec(options_from_dict(kwargs), algos, axes, threads);
    std::vector<SweepRow> rows;
    {
        py::gil_scoped_release release;
        SweepProgress report;
        if (!progress.is_none())
            report = [&progress](size_t done, size_t total) {
                py::gil_scoped_acquire acquire;
                progress(done, total);
            };
        rows = run_sweep(spec, report);
    }
    return sweep_csv(spec, rows);
}

}  // namespace

void bind_sweep(py::module_& m) {
    m.def("sweep_csv", &sweep_csv_text, py::arg("kwargs"), py::arg("algos"), py::arg("axes"), py::arg("threads") = 0,
          py::arg("progress") = py::none(), "a grid of runs on every core, as `flashsim sweep --csv` writes it");
}

}  // namespace flashsim::python
