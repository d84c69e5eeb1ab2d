// bind_presets.cpp: the GPU presets for Python: names, their TOML (with every source comment),
// a GPU's fields as a dict, and a custom GPU from a dict of fields or a base preset with changes.
// Every GPU is loaded and checked by the library's parser (parse_gpu_toml, GpuSpec::set).
#include <pybind11/stl.h>

#include <sstream>
#include <toml++/toml.h>

#include "python/src/bind.h"
#include "sim/core/errors.h"
#include "sim/gpu/gpu_spec.h"

namespace flashsim::python {

namespace {

GpuSpec load(const std::string& toml_text, const std::string& origin, const std::vector<std::string>& overrides) {
    GpuSpec g = parse_gpu_toml(toml_text, origin);
    for (const auto& kv : overrides) apply_override(g, kv);
    return g;
}

// {"name", "description", field: value, ...} in the field table's order.
py::dict spec_dict(const GpuSpec& g) {
    py::dict d;
    d["name"] = g.name;
    d["description"] = g.description;
    for (const auto& f : gpu_fields()) {
        const std::string v = g.get(f.key);
        if (f.integer) d[f.key] = std::stoll(v);
        else d[f.key] = std::stod(v);
    }
    return d;
}

// The spec as a TOML file the library reads back to the same spec (toml++ writes it).
std::string spec_toml(const GpuSpec& g) {
    toml::table t;
    t.insert("name", g.name);
    t.insert("description", g.description);
    for (const auto& f : gpu_fields()) {
        const std::string v = g.get(f.key);
        if (f.integer) t.insert(f.key, int64_t(std::stoll(v)));
        else t.insert(f.key, std::stod(v));
    }
    std::ostringstream s;
    s << t << "\n";
    return s.str();
}

std::string value_text(const py::handle& v, const std::string& key) {
    if (py::isinstance<py::bool_>(v) || !(py::isinstance<py::int_>(v) || py::isinstance<py::float_>(v)))
        throw py::type_error("GPU field " + key + " must be a number, got " + std::string(py::repr(v)));
    if (py::isinstance<py::int_>(v)) return std::to_string(v.cast<int64_t>());
    std::ostringstream s;
    s.precision(17);
    s << v.cast<double>();
    return s.str();
}

// A GPU from `fields` alone (every field required, as in a preset file), or from `base_toml` with
// `fields` changed. "name" and "description" are strings; every other key is a GPU field.
std::string custom_toml(const py::dict& fields, const std::string& base_toml, const std::string& base_origin) {
    if (base_toml.empty()) {
        toml::table t;
        for (const auto& [kh, v] : fields) {
            const std::string key = py::str(kh);
            if (key == "name" || key == "description") {
                if (!py::isinstance<py::str>(v)) throw py::type_error(key + " must be a string, got " + std::string(py::repr(v)));
                t.insert(key, v.cast<std::string>());
            } else if (py::isinstance<py::int_>(v) && !py::isinstance<py::bool_>(v)) {
                t.insert(key, v.cast<int64_t>());
            } else if (py::isinstance<py::float_>(v)) {
                t.insert(key, v.cast<double>());
            } else {
                throw py::type_error("GPU field " + key + " must be a number, got " + std::string(py::repr(v)));
            }
        }
        std::ostringstream s;
        s << t << "\n";
        return spec_toml(parse_gpu_toml(s.str(), "custom GPU"));  // checks every field, names what is missing
    }
    GpuSpec g = parse_gpu_toml(base_toml, base_origin);
    for (const auto& [kh, v] : fields) {
        const std::string key = py::str(kh);
        if (key == "name" || key == "description") {
            if (!py::isinstance<py::str>(v)) throw py::type_error(key + " must be a string, got " + std::string(py::repr(v)));
            (key == "name" ? g.name : g.description) = v.cast<std::string>();
        } else {
            g.set(key, value_text(v, key));
        }
    }
    return spec_toml(g);
}

py::list field_table() {
    py::list l;
    for (const auto& f : gpu_fields()) {
        py::dict d;
        d["key"] = f.key;
        d["integer"] = f.integer;
        d["unit"] = f.unit;
        d["help"] = f.help;
        l.append(d);
    }
    return l;
}

}  // namespace

void bind_presets(py::module_& m) {
    m.def("preset_names", &preset_names, "the GPU presets shipped with flashsim");
    m.def("preset_toml", &preset_toml, py::arg("name"), "a preset's TOML, with its sources");
    m.def("gpu_toml_of", [](const std::string& name_or_file) { return spec_toml(load_gpu(name_or_file)); },
          py::arg("name_or_file"), "a preset name or .toml file, loaded and written back as TOML");
    m.def("gpu_spec", [](const std::string& toml_text, const std::string& origin, const std::vector<std::string>& overrides) {
              return spec_dict(load(toml_text, origin, overrides));
          },
          py::arg("toml_text"), py::arg("origin"), py::arg("overrides") = std::vector<std::string>{},
          "a GPU's fields (the TOML checked by the library, then the KEY=VALUE overrides)");
    m.def("custom_gpu_toml", &custom_toml, py::arg("fields"), py::arg("base_toml") = "", py::arg("base_origin") = "",
          "a custom GPU as TOML: every field given, or a base GPU with some changed");
    m.def("gpu_fields", &field_table, "the GPU fields: key, integer, unit, help");
}

}  // namespace flashsim::python
