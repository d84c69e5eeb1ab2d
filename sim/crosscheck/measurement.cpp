// measurement.cpp: strict reading of "flashsim-measurement/1" files (see measurement.h).
#include "sim/crosscheck/measurement.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>

#include "sim/core/checked_math.h"
#include "sim/core/errors.h"
#include "sim/core/input_file.h"
#include "sim/core/json_input.h"

namespace flashsim::crosscheck {

using nlohmann::json;

namespace {

// A view of one JSON object with its path in the file, so every error names the field.
struct Obj {
    const json& j;
    std::string where;    // "runs[3]" ("" for the top level)
    const std::string& origin;

    std::string field(const char* key) const { return where.empty() ? key : where + "." + key; }

    [[noreturn]] void fail(const char* key, const std::string& what) const {
        throw ConfigError("measurement '" + origin + "': " + field(key) + ": " + what);
    }

    // The value of `key`, or nullptr when absent or null; `required` makes absence an error.
    const json* find(const char* key, bool required) const {
        auto it = j.find(key);
        if (it == j.end() || it->is_null()) {
            if (required) fail(key, it == j.end() ? "required field is missing" : "required field is null");
            return nullptr;
        }
        return &*it;
    }

    static std::string type_of(const json& v) {
        if (v.is_string()) return "string \"" + v.get<std::string>().substr(0, 40) + "\"";
        return v.type_name();
    }

    std::optional<int64_t> integer(const char* key, bool required = false) const {
        const json* v = find(key, required);
        if (!v) return std::nullopt;
        if (v->is_number_integer()) return v->get<int64_t>();
        if (v->is_number_float()) {  // 1024.0 is an integer written by a float formatter
            const double x = v->get<double>();
            if (std::isfinite(x) && x == std::floor(x) && std::fabs(x) < 9e15) return int64_t(x);
        }
        fail(key, "expected an integer, got " + type_of(*v));
    }
    std::optional<double> number(const char* key, bool required = false) const {
        const json* v = find(key, required);
        if (!v) return std::nullopt;
        // Measured bytes, counts and times: finite and below 1e30, so every ratio a report
        // prints stays finite.
        if (v->is_number() && std::fabs(v->get<double>()) <= 1e30) return v->get<double>();
        if (v->is_number()) fail(key, v->dump() + " is out of range; allowed: |x| <= 1e30");
        fail(key, "expected a number, got " + type_of(*v));
    }
    std::optional<bool> boolean(const char* key, bool required = false) const {
        const json* v = find(key, required);
        if (!v) return std::nullopt;
        if (v->is_boolean()) return v->get<bool>();
        if (v->is_number_integer() && (v->get<int64_t>() == 0 || v->get<int64_t>() == 1)) return v->get<int64_t>() == 1;
        fail(key, "expected true or false, got " + type_of(*v));
    }
    std::string string(const char* key, bool required = false) const {
        const json* v = find(key, required);
        if (!v) return "";
        if (v->is_string()) return v->get<std::string>();
        fail(key, "expected a string, got " + type_of(*v));
    }
    // An array (empty when absent); `required` makes absence an error.
    const json* array(const char* key, bool required = false) const {
        const json* v = find(key, required);
        if (v && !v->is_array()) fail(key, "expected an array, got " + type_of(*v));
        return v;
    }
    const json* object(const char* key, bool required = false) const {
        const json* v = find(key, required);
        if (v && !v->is_object()) fail(key, "expected an object, got " + type_of(*v));
        return v;
    }
};

Obj element(const json& arr, size_t i, const std::string& name, const std::string& origin) {
    const std::string where = name + "[" + std::to_string(i) + "]";
    if (!arr[i].is_object())
        throw ConfigError("measurement '" + origin + "': " + where + ": expected an object, got " + Obj::type_of(arr[i]));
    return Obj{arr[i], where, origin};
}

// A measured time below a picosecond is not a measurement (and would make ratios overflow).
constexpr double kMinTimeMs = 1e-9;

int64_t positive(const Obj& o, const char* key) {
    const int64_t v = *o.integer(key, true);
    if (v < 1) o.fail(key, std::to_string(v) + " is not allowed; must be >= 1");
    return v;
}

NcuMetrics parse_ncu(const Obj& o) {
    NcuMetrics m;
    if (const json* k = o.array("kernels")) {
        for (size_t i = 0; i < k->size(); ++i) {
            if (!(*k)[i].is_string()) o.fail("kernels", "element " + std::to_string(i) + " is not a string");
            m.kernels.push_back((*k)[i].get<std::string>());
        }
    }
    for (const auto& f : ncu_metric_fields())
        if (auto v = o.number(f.name)) {
            if (*v < 0) o.fail(f.name, "negative value " + std::to_string(*v));
            m.*(f.field) = *v;
        }
    // Each kernel's own figures (files of schema 2 for runs of several kernels): name and time.
    // A kernel ncu gave no time (null: "n/a") leaves the run without per-kernel times.
    if (const json* k = o.array("per_kernel")) {
        bool complete = true;
        for (size_t i = 0; i < k->size(); ++i) {
            const Obj e = element(*k, i, o.field("per_kernel"), o.origin);
            NcuKernelTime t;
            t.name = e.string("name", true);
            const auto ns = e.number("gpu__time_duration.sum");
            if (!ns) {
                complete = false;
                continue;
            }
            if (*ns < 0) e.fail("gpu__time_duration.sum", "negative value " + std::to_string(*ns));
            t.time_ns = *ns;
            m.per_kernel.push_back(t);
        }
        if (!complete) m.per_kernel.clear();
    }
    return m;
}

// The problem shape every run, reference run and dumped output records: B, H, N, d (each >= 1).
template <class Record>
void parse_shape(const Obj& o, Record& x) {
    x.B = positive(o, "B");
    x.H = positive(o, "H");
    x.N = positive(o, "N");
    x.d = positive(o, "d");
}

MeasuredRun parse_run(const Obj& o, bool schema2) {
    MeasuredRun r;
    r.version = positive(o, "version");
    parse_shape(o, r);
    r.causal = *o.boolean("causal", true);
    r.error = o.string("error");
    r.kernel = o.string("kernel");
    r.algo = o.string("algo", r.error.empty());  // a failed run may stop before planning
    r.vanilla_gemm = o.string("vanilla_gemm");
    // Schema 2: the version's declared properties, on every run that got as far as planning.
    r.pass = o.string("pass", schema2 && r.error.empty());
    r.matmul_unit = o.string("matmul_unit", schema2 && r.error.empty());
    r.intra_warpgroup_pipeline = o.boolean("intra_warpgroup_pipeline");
    r.block_order = o.string("block_order");
    if (auto dt = o.string("dtype"); !dt.empty()) r.dtype = dt;
    r.Br = o.integer("Br").value_or(0);
    r.Bc = o.integer("Bc").value_or(0);
    r.warps = o.integer("warps").value_or(0);
    r.stages = o.integer("stages").value_or(0);
    for (const char* k : {"Br", "Bc", "warps", "stages"})
        if (o.integer(k).value_or(0) < 0) o.fail(k, "negative value");
    r.correct = o.boolean("correct");
    r.max_abs_err = o.number("max_abs_err");
    r.checked = o.string("checked");
    r.time_ms_median = o.number("time_ms_median");
    r.time_ms_min = o.number("time_ms_min");
    r.repeats = o.integer("repeats");
    r.tflops = o.number("tflops");
    for (const auto* t : {&r.time_ms_median, &r.time_ms_min})
        if (*t && !(**t >= kMinTimeMs)) o.fail(t == &r.time_ms_median ? "time_ms_median" : "time_ms_min", "must be >= 1e-9 ms");
    if (const json* n = o.object("ncu")) {
        const Obj no{*n, o.field("ncu"), o.origin};
        r.ncu_error = no.string("error");
        if (r.ncu_error.empty()) r.ncu = parse_ncu(no);
    }
    return r;
}

}  // namespace

std::string MeasuredRun::label() const {
    return "v" + std::to_string(version) + " N=" + std::to_string(N) + " d=" + std::to_string(d) +
           (causal ? " causal" : "");
}

MeasurementFile parse_measurement(const std::string& text, const std::string& origin) {
    const json doc = parse_json_input(text, "measurement '" + origin + "'");
    if (!doc.is_object()) throw ConfigError("measurement '" + origin + "': expected a JSON object at the top level");
    MeasurementFile f;
    f.origin = origin;
    const Obj top{doc, "", f.origin};
    f.schema = top.string("schema", true);
    if (f.schema != kMeasurementSchema && f.schema != kMeasurementSchemaV1)
        top.fail("schema", "'" + f.schema + "' is not supported; expected '" + kMeasurementSchema + "' or '" +
                               kMeasurementSchemaV1 + "'");
    const bool schema2 = f.schema == kMeasurementSchema;

    const Obj pv{*top.object("provenance", true), "provenance", f.origin};
    Provenance& p = f.provenance;
    p.gpu = pv.string("gpu", true);
    if (p.gpu.empty()) pv.fail("gpu", "is empty");
    p.sm_count = pv.integer("sm_count");
    p.l2_bytes = pv.integer("l2_bytes");
    p.driver = pv.string("driver");
    p.cuda_runtime = pv.string("cuda_runtime");
    p.nvcc = pv.string("nvcc");
    p.ncu_version = pv.string("ncu_version");
    p.ncu_settings = pv.string("ncu_settings");
    p.torch = pv.string("torch");
    p.date = pv.string("date");
    p.command = pv.string("command");
    p.notes = pv.string("notes");
    if (const json* b = pv.object("background")) {
        const Obj bo{*b, "provenance.background", f.origin};
        // profile.py records {"error": ...} when its idle kernels could not be profiled: no rates.
        if (bo.string("error").empty()) {
            const auto rate = [&](const char* key) {
                const std::optional<double> x = bo.number(key, true);
                if (!(*x >= 0 && *x <= 1e12)) bo.fail(key, std::to_string(*x) + " is out of range; allowed: 0 to 1e12 bytes/s");
                return x;
            };
            p.background_hbm_write_bytes_per_s = rate("hbm_write_bytes_per_s");
            p.background_l2_write_bytes_per_s = rate("l2_write_bytes_per_s");
        }
    }

    if (const json* a = top.array("sanitizer"))
        for (size_t i = 0; i < a->size(); ++i) {
            const Obj o = element(*a, i, "sanitizer", f.origin);
            f.sanitizer.push_back({o.integer("version").value_or(0), o.string("tool"), o.string("shape"), o.boolean("clean")});
        }
    const json* runs = top.array("runs", true);
    for (size_t i = 0; i < runs->size(); ++i) f.runs.push_back(parse_run(element(*runs, i, "runs", f.origin), schema2));

    if (const json* a = top.array("reference"))
        for (size_t i = 0; i < a->size(); ++i) {
            const Obj o = element(*a, i, "reference", f.origin);
            ReferenceRun r;
            r.impl = o.string("impl");
            if (auto ps = o.string("pass"); !ps.empty()) {
                if (ps != "fwd" && ps != "bwd") o.fail("pass", "expected fwd or bwd, got '" + ps + "'");
                r.pass = ps;
            }
            if (auto dt = o.string("dtype"); !dt.empty()) r.dtype = dt;
            parse_shape(o, r);
            r.causal = *o.boolean("causal", true);
            r.time_ms_median = o.number("time_ms_median");
            if (r.time_ms_median && !(*r.time_ms_median >= kMinTimeMs)) o.fail("time_ms_median", "must be >= 1e-9 ms");
            r.tflops = o.number("tflops");
            f.reference.push_back(r);
        }

    if (const json* a = top.array("outputs"))
        for (size_t i = 0; i < a->size(); ++i) {
            const Obj o = element(*a, i, "outputs", f.origin);
            DumpedOutput d;
            d.version = positive(o, "version");
            parse_shape(o, d);
            if (auto dt = o.string("dtype"); !dt.empty()) d.dtype = dt;
            d.causal = o.boolean("causal").value_or(false);
            d.seed = uint64_t(o.integer("seed").value_or(0));
            const json* O = o.array("O", true);
            const auto expect = checked_product({d.B, d.H, d.N, d.d});
            if (!expect) o.fail("O", "B*H*N*d overflows 64 bits; B, H, N and d cannot all be that large");
            if (O->size() != uint64_t(*expect))
                o.fail("O", "has " + std::to_string(O->size()) + " elements; B*H*N*d = " + std::to_string(*expect));
            d.O.reserve(O->size());
            for (size_t k = 0; k < O->size(); ++k) {
                const json& v = (*O)[k];
                if (v.is_null()) d.O.push_back(std::numeric_limits<float>::quiet_NaN());
                else if (v.is_number() && std::fabs(v.get<double>()) <= std::numeric_limits<float>::max())
                    d.O.push_back(float(v.get<double>()));
                else o.fail("O", "element " + std::to_string(k) + " is " + Obj::type_of(v) + ", not a number in float's range or null");
            }
            f.outputs.push_back(std::move(d));
        }
    return f;
}

std::string read_text_file(const std::string& path) { return read_input_file(path, "file", kMaxMeasurementFileBytes); }

MeasurementFile load_measurement(const std::string& path) { return parse_measurement(read_text_file(path), path); }

bool looks_like_measurement(const std::string& text) {
    const auto p = text.find_first_not_of(" \t\r\n");
    return p != std::string::npos && text[p] == '{';
}

void keep_versions(MeasurementFile& m, const std::set<int64_t>& versions) {
    auto drop = [&](const auto& x) { return !versions.count(x.version); };
    m.runs.erase(std::remove_if(m.runs.begin(), m.runs.end(), drop), m.runs.end());
    m.outputs.erase(std::remove_if(m.outputs.begin(), m.outputs.end(), drop), m.outputs.end());
    if (m.runs.empty()) throw ConfigError("--versions: the file has no runs of those versions");
}

}  // namespace flashsim::crosscheck
