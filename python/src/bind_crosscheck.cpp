// bind_crosscheck.cpp: measured kernels vs the simulator for Python: a stored measurement file or
// an ncu CSV export compared as `flashsim crosscheck FILE` does, returned as the library's JSON,
// CSV and text.
#include <pybind11/stl.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "python/src/bind.h"
#include "sim/core/errors.h"
#include "sim/crosscheck/mapping.h"
#include "sim/crosscheck/measurement.h"
#include "sim/crosscheck/report.h"

namespace flashsim::python {

namespace {

// {"json": ..., "csv": ..., "text": ...} for a stored measurement (JSON; gpu: the preset its
// provenance names unless given) or an ncu CSV export (its configuration and gpu from kwargs).
py::dict crosscheck(const std::string& path, const py::dict& kwargs, const std::vector<int64_t>& versions,
                    const std::string& kernel_regex, bool wide) {
    using namespace flashsim::crosscheck;
    RunOptions o = options_from_dict(kwargs);
    if (!kwargs.contains("gpu") && !kwargs.contains("gpu_toml")) o.gpu = "";
    const std::string text = read_text_file(path);
    MeasurementFile m;
    std::optional<NcuCsv> ncu;
    CrosscheckReport r;
    if (looks_like_measurement(text)) {
        for (const char* k : {"algo", "N", "N_kv", "d", "heads", "batch", "causal", "Br", "Bc", "dtype"})
            if (kwargs.contains(k))
                throw ConfigError(std::string(k) + " applies to ncu CSV exports only; '" + path +
                                  "' is a measurement file, which describes its own runs");
        if (!kernel_regex.empty())
            throw ConfigError("kernel_regex applies to ncu CSV exports only; '" + path + "' is a measurement file");
        m = parse_measurement(text, path);
        if (!versions.empty()) keep_versions(m, std::set<int64_t>(versions.begin(), versions.end()));
        if (o.gpu.empty() && o.gpu_toml.empty()) o.gpu = preset_for_gpu(m.provenance.gpu);
        const GpuSpec g = o.gpu_spec();
        py::gil_scoped_release release;
        r = build_report(m, g, o.sim_options());
    } else {
        if (!versions.empty()) throw ConfigError("versions applies to measurement files only; '" + path + "' is an ncu CSV export");
        ncu = parse_ncu_csv(text, path);
        py::gil_scoped_release release;
        r = build_ncu_report(path, *ncu, kernel_regex, o);
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
          py::arg("kernel_regex") = "", py::arg("wide") = false,
          "compare a measurement file or an ncu CSV export with the simulator");
}

}  // namespace flashsim::python
