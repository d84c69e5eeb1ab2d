// bind_crosscheck.cpp: measured kernels vs the simulator for Python: a stored measurement file
// compared as `flashsim crosscheck FILE` does, returned as the library's JSON, CSV and text.
#include <pybind11/stl.h>

#include <nlohmann/json.hpp>

#include "python/src/bind.h"
#include "sim/crosscheck/mapping.h"
#include "sim/crosscheck/measurement.h"
#include "sim/crosscheck/report.h"

namespace flashsim::python {

namespace {

// {"json": ..., "csv": ..., "text": ...}. gpu "" = the preset named by the file's provenance.
py::dict crosscheck(const std::string& path, const py::dict& kwargs, const std::vector<int64_t>& versions, bool wide) {
    using namespace flashsim::crosscheck;
    RunOptions o = options_from_dict(kwargs);
    crosscheck::MeasurementFile m = parse_measurement(read_text_file(path), path);
    if (!versions.empty()) keep_versions(m, std::set<int64_t>(versions.begin(), versions.end()));
    if (!kwargs.contains("gpu")) o.gpu = preset_for_gpu(m.provenance.gpu);
    const GpuSpec g = o.gpu_spec();
    const SimOptions so = o.sim_options();
    CrosscheckReport r;
    {
        py::gil_scoped_release release;
        r = build_report(m, g, so);
    }
    py::dict d;
    d["json"] = to_json(r).dump();
    d["csv"] = to_csv(r);
    d["text"] = format_text(r, wide);
    return d;
}

}  // namespace

void bind_crosscheck(py::module_& m) {
    m.def("crosscheck", &crosscheck, py::arg("path"), py::arg("kwargs"), py::arg("versions") = std::vector<int64_t>{},
          py::arg("wide") = false, "compare a measurement file with the simulator");
}

}  // namespace flashsim::python
