// ncu_csv.cpp: the two CSV layouts of `ncu --csv` (see ncu_csv.h).
#include "sim/crosscheck/ncu_csv.h"

#include <charconv>
#include <cmath>
#include <regex>
#include <set>

#include "sim/core/errors.h"

namespace flashsim::crosscheck {

namespace {

// Bounds that keep every later step finite and bounded: values (after unit scaling), kernel
// names and the pattern matched against them.
constexpr double kMaxNcuValue = 1e30;
constexpr size_t kMaxKernelNameBytes = 4096;
constexpr size_t kMaxKernelRegexBytes = 256;

// RFC 4180 records: fields in double quotes may hold commas, newlines and "" for a quote.
struct Record {
    size_t line = 0;  // 1-based line where the record starts
    std::vector<std::string> fields;
};

std::vector<Record> read_records(const std::string& text, size_t first_line, size_t offset) {
    std::vector<Record> out;
    Record cur{first_line, {}};
    std::string field;
    bool quoted = false, any = false;
    size_t line = first_line;
    for (size_t i = offset; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') field += '"', ++i;
            else if (c == '"') quoted = false;
            else field += c, line += c == '\n';
        } else if (c == '"') {
            quoted = any = true;
        } else if (c == ',') {
            cur.fields.push_back(field), field.clear(), any = true;
        } else if (c == '\n' || c == '\r') {
            if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
            if (any || !field.empty()) cur.fields.push_back(field), out.push_back(cur);
            cur = Record{++line, {}}, field.clear(), any = false;
        } else {
            field += c, any = true;
        }
    }
    if (any || !field.empty()) cur.fields.push_back(field), out.push_back(cur);
    return out;
}

std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t");
    if (b == std::string::npos) return "";
    return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

bool used_metric(const std::string& name) {
    for (const auto& m : ncu_metric_names())
        if (m == name) return true;
    return false;
}

[[noreturn]] void fail(const std::string& origin, size_t line, const std::string& what) {
    throw ConfigError("ncu CSV '" + origin + "', line " + std::to_string(line) + ": " + what);
}

// Converts one value cell; "n/a" and "" leave the metric unset (returns false).
bool convert(const std::string& origin, size_t line, const std::string& metric, const std::string& unit,
             const std::string& cell, double& out) {
    const std::string v = trim(cell);
    if (v.empty() || v == "n/a" || v == "N/A") return false;
    double scale = 1;
    try {
        scale = ncu_unit_scale(trim(unit));
    } catch (const ConfigError& e) {
        fail(origin, line, metric + ": " + e.what());
    }
    try {
        out = parse_ncu_number(v, metric) * scale;
    } catch (const ConfigError& e) {
        fail(origin, line, e.what());
    }
    if (!(out <= kMaxNcuValue)) fail(origin, line, metric + ": " + v + " " + trim(unit) + " is out of range; allowed: at most 1e30 base units");
    return true;
}

}  // namespace

double parse_ncu_number(const std::string& text, const std::string& what) {
    // A measured count or time: plain decimal digits, an optional fraction and exponent. No sign
    // (nothing ncu counts is negative), no hex floats, no inf or nan.
    std::string s;
    for (char c : trim(text))
        if (c != ',') s += c;  // thousands separators
    const bool decimal = !s.empty() && s.size() <= 64 && (std::isdigit((unsigned char)s[0]) || s[0] == '.') &&
                         s.find_first_not_of("0123456789.eE+-") == std::string::npos;
    double v = 0;
    if (decimal) {
        const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v, std::chars_format::general);
        if (ec == std::errc() && end == s.data() + s.size() && std::isfinite(v) && v <= kMaxNcuValue) return v;
    }
    const std::string shown = text.size() > 40 ? text.substr(0, 40) + "..." : text;
    throw ConfigError(what + ": value '" + shown + "' is not a number; allowed: a decimal count or time from 0 to 1e30");
}

double ncu_unit_scale(const std::string& unit) {
    static const std::map<std::string, double> exact = {
        {"", 1},          {"nsecond", 1},   {"ns", 1},    {"usecond", 1e3}, {"us", 1e3},
        {"msecond", 1e6}, {"ms", 1e6},      {"second", 1e9}, {"s", 1e9},    {"B", 1},
        {"KB", 1e3},      {"MB", 1e6},      {"GB", 1e9},  {"TB", 1e12},     {"KiB", 1024.0},
        {"MiB", 1048576.0}, {"GiB", 1073741824.0}};
    if (auto it = exact.find(unit); it != exact.end()) return it->second;
    // Counted things, with an optional decimal (K, M, G, T) or binary (Ki, Mi, Gi) prefix.
    static const std::set<std::string> counted = {"byte", "sector", "cycle", "inst", "request", "wavefront",
                                                  "warp", "thread", "block", "transaction"};
    if (counted.count(unit)) return 1;
    const std::string prefixes = "KMGT";
    const auto p = prefixes.find(unit.empty() ? ' ' : unit[0]);
    if (p != std::string::npos) {
        const bool binary = unit.size() > 1 && unit[1] == 'i';
        const std::string base = unit.substr(binary ? 2 : 1);
        if (counted.count(base)) return std::pow(binary ? 1024.0 : 1000.0, double(p + 1));
    }
    throw ConfigError("unknown unit '" + unit +
                      "' (known: byte, Kbyte, Mbyte, Gbyte, Kibyte, ...; nsecond, usecond, msecond, second; sector, ...)");
}

NcuCsv parse_ncu_csv(const std::string& text, const std::string& origin) {
    // The header is the first line whose first cell is "ID"; what the program printed comes before.
    size_t pos = 0, line = 1, header_at = std::string::npos, header_line = 0;
    while (pos < text.size()) {
        size_t start = pos;
        if (line == 1 && text.compare(0, 3, "\xEF\xBB\xBF") == 0) start += 3;  // UTF-8 BOM
        if (text.compare(start, 5, "\"ID\",") == 0 || text.compare(start, 3, "ID,") == 0) {
            header_at = start, header_line = line;
            break;
        }
        const size_t nl = text.find('\n', pos);
        if (nl == std::string::npos) break;
        pos = nl + 1, ++line;
    }
    if (header_at == std::string::npos)
        throw ConfigError("ncu CSV '" + origin + "': no ncu CSV header (a line starting with \"ID\",) found; "
                          "export with `ncu --csv ...` (details page or --page raw)");
    const std::vector<Record> recs = read_records(text, header_line, header_at);
    const std::vector<std::string>& head = recs.front().fields;
    auto col = [&](const char* name) -> long {
        for (size_t i = 0; i < head.size(); ++i)
            if (head[i] == name) return long(i);
        return -1;
    };
    const long c_id = col("ID"), c_name = col("Kernel Name");
    const long c_mname = col("Metric Name"), c_munit = col("Metric Unit"), c_mval = col("Metric Value");
    if (c_name < 0) fail(origin, header_line, "the header has no \"Kernel Name\" column");

    NcuCsv out;
    out.origin = origin;
    std::map<std::string, size_t> by_id;
    auto launch = [&](const std::string& id, const std::string& name) -> NcuKernelRow& {
        auto it = by_id.find(id);
        if (it != by_id.end()) return out.launches[it->second];
        by_id[id] = out.launches.size();
        out.launches.push_back({id, name, {}});
        return out.launches.back();
    };
    const bool details = c_mname >= 0 && c_mval >= 0;
    out.layout = details ? "details" : "raw";
    std::vector<std::string> units(head.size());
    for (size_t r = 1; r < recs.size(); ++r) {
        const Record& rec = recs[r];
        const auto& f = rec.fields;
        if (!f.empty() && f[0].rfind("==", 0) == 0) continue;  // "==PROF==" / "==WARNING==" lines
        if (f.size() != head.size())
            fail(origin, rec.line, "has " + std::to_string(f.size()) + " cells; the header has " + std::to_string(head.size()));
        const std::string id = trim(f[size_t(c_id)]);
        if (f[size_t(c_name)].size() > kMaxKernelNameBytes)
            fail(origin, rec.line, "a kernel name of " + std::to_string(f[size_t(c_name)].size()) + " characters; allowed: at most " +
                                       std::to_string(kMaxKernelNameBytes));
        if (details) {
            const std::string metric = trim(f[size_t(c_mname)]);
            NcuKernelRow& k = launch(id, f[size_t(c_name)]);
            double v = 0;
            if (used_metric(metric) &&
                convert(origin, rec.line, metric, c_munit >= 0 ? f[size_t(c_munit)] : "", f[size_t(c_mval)], v))
                k.metrics[metric] = v;
        } else if (id.empty()) {  // the units row of the raw page
            units = f;
        } else {
            NcuKernelRow& k = launch(id, f[size_t(c_name)]);
            for (size_t c = 0; c < head.size(); ++c) {
                double v = 0;
                if (used_metric(head[c]) && convert(origin, rec.line, head[c], units[c], f[c], v)) k.metrics[head[c]] = v;
            }
        }
    }
    if (out.launches.empty()) throw ConfigError("ncu CSV '" + origin + "': the header is there but no kernel was profiled");
    return out;
}

NcuMetrics sum_ncu_launches(const NcuCsv& csv, const std::string& kernel_regex) {
    if (kernel_regex.size() > kMaxKernelRegexBytes)
        throw ConfigError("--kernel-regex is " + std::to_string(kernel_regex.size()) + " characters long; allowed: at most " +
                          std::to_string(kMaxKernelRegexBytes));
    // The matcher must stay linear in the name: libstdc++'s default (depth-first) executor
    // backtracks, so '(a*)*b' on a long name runs for hours, and recurses once per character.
    // Its breadth-first executor (the __polynomial option) is O(name x pattern) and iterative,
    // for one match; regex_search would restart it at every position (quadratic), so the
    // search is one regex_match of "anything, the pattern, anything". No back-references,
    // which kernel names do not need.
#if defined(__GLIBCXX__)
    constexpr auto kLinearTime = std::regex_constants::__polynomial;
#else
    constexpr auto kLinearTime = std::regex_constants::syntax_option_type{};
#endif
    std::regex re;
    try {
        re = std::regex("[\\s\\S]*(?:" + kernel_regex + ")[\\s\\S]*",
                        std::regex::ECMAScript | kLinearTime);
        std::regex(kernel_regex, std::regex::ECMAScript);  // the pattern alone must be valid too ("a)(b")
    } catch (const std::regex_error& e) {
        throw ConfigError("--kernel-regex '" + kernel_regex + "' is not a valid regular expression (" + e.what() + ")");
    }
    NcuMetrics m;
    std::map<std::string, double> sum;
    for (const auto& k : csv.launches) {
        bool match = false;
        try {
            match = std::regex_match(k.name, re);
        } catch (const std::regex_error& e) {
            throw ConfigError("--kernel-regex '" + kernel_regex + "' cannot be matched (" + e.what() +
                              "); allowed: a regular expression without back-references");
        }
        if (!match) continue;
        m.kernels.push_back(k.name);
        for (const auto& [name, v] : k.metrics) sum[name] += v;
    }
    if (m.kernels.empty()) {
        const auto shown = [](const std::string& n) { return n.size() > 60 ? n.substr(0, 57) + "..." : n; };
        std::string names;
        for (size_t i = 0; i < csv.launches.size() && i < 4; ++i) names += (i ? ", " : "") + shown(csv.launches[i].name);
        throw ConfigError("--kernel-regex '" + kernel_regex + "' matches none of the " +
                          std::to_string(csv.launches.size()) + " kernels in '" + csv.origin + "' (" + names +
                          (csv.launches.size() > 4 ? ", ..." : "") + ")");
    }
    for (const auto& [name, v] : sum) set_ncu_metric(m, name, v);
    return m;
}

}  // namespace flashsim::crosscheck
