// measurement.cpp: reading flashsim-measurement/1 files with nlohmann-json.
#include "viz/measurement.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "sim/core/errors.h"

namespace flashsim::viz {

namespace {

using nlohmann::json;

const json& field(const json& o, const char* key, const std::string& where) {
    auto it = o.find(key);
    if (it == o.end()) throw ConfigError(where + ": missing field '" + key + "'");
    return *it;
}

double number(const json& o, const char* key, const std::string& where) {
    const json& v = field(o, key, where);
    if (!v.is_number()) throw ConfigError(where + ": field '" + key + "' must be a number");
    return v.get<double>();
}

int64_t integer(const json& o, const char* key, const std::string& where) {
    const json& v = field(o, key, where);
    if (!v.is_number_integer()) throw ConfigError(where + ": field '" + key + "' must be an integer");
    return v.get<int64_t>();
}

std::string text(const json& o, const char* key, const std::string& where) {
    const json& v = field(o, key, where);
    if (v.is_string()) return v.get<std::string>();
    if (v.is_number()) return v.dump();
    throw ConfigError(where + ": field '" + key + "' must be a string");
}

}  // namespace

MeasurementFile parse_measurements(const std::string& body, const std::string& origin) {
    json doc;
    try {
        doc = json::parse(body);
    } catch (const json::parse_error& e) {
        throw ConfigError(origin + ": not valid JSON (" + std::string(e.what()) + ")");
    }
    if (!doc.is_object()) throw ConfigError(origin + ": the top level must be a JSON object");
    const std::string schema = doc.contains("schema") && doc["schema"].is_string() ? doc["schema"].get<std::string>() : "";
    if (schema != "flashsim-measurement/1")
        throw ConfigError(origin + ": schema='" + schema + "' is not supported; allowed: flashsim-measurement/1");
    MeasurementFile f;
    f.path = origin;
    if (doc.contains("provenance")) {
        if (!doc["provenance"].is_object()) throw ConfigError(origin + ": provenance must be an object");
        for (const auto& [k, v] : doc["provenance"].items()) f.provenance[k] = v.is_string() ? v.get<std::string>() : v.dump();
    }
    const json& runs = field(doc, "runs", origin);
    if (!runs.is_array()) throw ConfigError(origin + ": runs must be an array");
    for (size_t i = 0; i < runs.size(); ++i) {
        const std::string where = origin + ": runs[" + std::to_string(i) + "]";
        const json& r = runs[i];
        if (!r.is_object()) throw ConfigError(where + " must be an object");
        MeasuredRun m;
        m.version = text(r, "version", where);
        m.algo = text(r, "algo", where);
        m.dtype = text(r, "dtype", where);
        m.B = integer(r, "B", where);
        m.H = integer(r, "H", where);
        m.N = integer(r, "N", where);
        m.d = integer(r, "d", where);
        m.Br = integer(r, "Br", where);
        m.Bc = integer(r, "Bc", where);
        const json& causal = field(r, "causal", where);
        if (!causal.is_boolean()) throw ConfigError(where + ": field 'causal' must be true or false");
        m.causal = causal.get<bool>();
        m.time_ms_median = number(r, "time_ms_median", where);
        if (r.contains("ncu") && !r["ncu"].is_null()) {
            const json& n = r["ncu"];
            if (!n.is_object()) throw ConfigError(where + ": ncu must be an object");
            const std::string nw = where + ".ncu";
            m.dram_read_bytes = number(n, "dram__bytes_read.sum", nw);
            m.dram_write_bytes = number(n, "dram__bytes_write.sum", nw);
            m.l2_bytes = number(n, "lts__t_bytes.sum", nw);
            m.gpu_time_ns = number(n, "gpu__time_duration.sum", nw);
            m.has_ncu = true;
        }
        f.runs.push_back(m);
    }
    return f;
}

MeasurementFile load_measurements(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ConfigError("measurement file '" + path + "': cannot open the file");
    std::ostringstream s;
    s << in.rdbuf();
    return parse_measurements(s.str(), path);
}

const MeasuredRun* find_run(const MeasurementFile& f, const ViewerConfig& c, int64_t Br, int64_t Bc) {
    for (const auto& r : f.runs)
        if (r.algo == c.algo && r.dtype == c.dtype && r.N == c.N && r.d == c.d && r.causal == c.causal &&
            r.H == c.heads && r.B == c.batch && r.Br == Br && r.Bc == Bc)
            return &r;
    return nullptr;
}

}  // namespace flashsim::viz
