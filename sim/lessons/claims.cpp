// claims.cpp: reading a lesson's claims.toml and evaluating each check against the results of
// its commands (claims.h).
#include "sim/lessons/claims.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <toml++/toml.h>

#include "sim/core/errors.h"

namespace flashsim {

namespace {

// A check that refers to something the results do not hold (not a malformed check).
struct MissingValue {
    std::string why;
};

std::string number_text(double v) {
    char buf[64];
    if (std::fabs(v) < 1e15 && v == std::floor(v)) std::snprintf(buf, sizeof buf, "%.0f", v);
    else std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
}

const nlohmann::json* at_path(const nlohmann::json& j, const std::string& dotted) {
    const nlohmann::json* cur = &j;
    std::stringstream ss(dotted);
    for (std::string part; std::getline(ss, part, '.');) {
        if (!cur->is_object() || !cur->contains(part)) return nullptr;
        cur = &(*cur)[part];
    }
    return cur;
}

double field_value(const nlohmann::json& r, const std::string& field, const std::string& ref) {
    for (const auto& [name, paths] : claim_fields())
        if (name == field) {
            double sum = 0;
            std::stringstream ss(paths);
            for (std::string p; std::getline(ss, p, '+');) {
                while (!p.empty() && p.front() == ' ') p.erase(p.begin());
                while (!p.empty() && p.back() == ' ') p.pop_back();
                const nlohmann::json* v = at_path(r, p);
                if (!v || !(v->is_number() || v->is_boolean())) throw MissingValue{ref + ": the result has no " + p};
                sum += v->is_boolean() ? double(v->get<bool>()) : v->get<double>();
            }
            return sum;
        }
    const nlohmann::json* v = at_path(r, field);
    if (!v || !(v->is_number() || v->is_boolean())) throw MissingValue{ref + ": the result has no number at " + field};
    return v->is_boolean() ? double(v->get<bool>()) : v->get<double>();
}

// Recursive descent over one check (grammar in claims.h).
class Parser {
public:
    Parser(const std::string& text, const std::map<std::string, nlohmann::json>& results) : s_(text), results_(results) {}

    CheckResult check() {
        const size_t lhs_at = skip();
        const double lhs = sum();
        const std::string lhs_text = trimmed(s_.substr(lhs_at, pos_ - lhs_at));
        skip();
        CheckResult r;
        if (word("in")) {
            expect('[');
            const double lo = sum();
            expect(',');
            const double hi = sum();
            expect(']');
            end();
            r.ok = lo <= lhs && lhs <= hi;
            r.shown = lhs_text + " = " + number_text(lhs) + (r.ok ? " in " : " NOT in ") + "[" + number_text(lo) + ", " +
                      number_text(hi) + "]";
            return r;
        }
        std::string op;
        for (const char* o : {"<=", ">=", "==", "!=", "<", ">"})
            if (s_.compare(pos_, std::string(o).size(), o) == 0) {
                op = o;
                break;
            }
        if (op.empty()) fail("expected a comparison (< <= > >= == !=) or 'in [LO, HI]'");
        pos_ += op.size();
        const size_t rhs_at = skip();
        const double rhs = sum();
        const std::string rhs_text = trimmed(s_.substr(rhs_at, pos_ - rhs_at));
        end();
        r.ok = op == "<" ? lhs < rhs : op == "<=" ? lhs <= rhs : op == ">" ? lhs > rhs : op == ">=" ? lhs >= rhs
             : op == "==" ? lhs == rhs : lhs != rhs;
        r.shown = lhs_text + " = " + number_text(lhs) + (r.ok ? " " : " NOT ") + op + " " + number_text(rhs);
        if (rhs_text != number_text(rhs)) r.shown += " = " + rhs_text;
        return r;
    }

private:
    const std::string& s_;
    const std::map<std::string, nlohmann::json>& results_;
    size_t pos_ = 0;

    [[noreturn]] void fail(const std::string& what) const {
        throw ConfigError("check '" + s_ + "': " + what + " at column " + std::to_string(pos_ + 1));
    }
    static std::string trimmed(std::string t) {
        while (!t.empty() && std::isspace(static_cast<unsigned char>(t.back()))) t.pop_back();
        return t;
    }
    size_t skip() {
        while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
        return pos_;
    }
    bool accept(char c) {
        skip();
        if (pos_ < s_.size() && s_[pos_] == c) {
            ++pos_;
            return true;
        }
        return false;
    }
    void expect(char c) {
        if (!accept(c)) fail(std::string("expected '") + c + "'");
    }
    bool word(const char* w) {
        const size_t n = std::string(w).size();
        if (s_.compare(pos_, n, w) == 0 && (pos_ + n >= s_.size() || !std::isalnum(static_cast<unsigned char>(s_[pos_ + n])))) {
            pos_ += n;
            return true;
        }
        return false;
    }
    void end() {
        skip();
        if (pos_ != s_.size()) fail("unexpected '" + s_.substr(pos_) + "'");
    }
    static bool ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

    double sum() {
        double v = product();
        while (true) {
            if (accept('+')) v += product();
            else if (accept('-')) v -= product();
            else return v;
        }
    }
    double product() {
        double v = unary();
        while (true) {
            if (accept('*')) v *= unary();
            else if (accept('/')) {
                const double d = unary();
                if (d == 0) throw MissingValue{"division by zero in '" + s_ + "'"};
                v /= d;
            } else return v;
        }
    }
    double unary() {
        if (accept('-')) return -unary();
        return primary();
    }
    double primary() {
        skip();
        if (accept('(')) {
            const double v = sum();
            expect(')');
            return v;
        }
        if (pos_ < s_.size() && (std::isdigit(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '.')) {
            const char* begin = s_.c_str() + pos_;
            char* stop = nullptr;
            const double v = std::strtod(begin, &stop);
            if (stop == begin) fail("expected a number");
            pos_ += size_t(stop - begin);
            return v;
        }
        if (pos_ < s_.size() && std::isalpha(static_cast<unsigned char>(s_[pos_]))) return reference();
        fail("expected a number, a NAME.FIELD or '('");
    }
    double reference() {
        const size_t at = pos_;
        while (pos_ < s_.size() && ident_char(s_[pos_])) ++pos_;
        const std::string name = s_.substr(at, pos_ - at);
        const auto it = results_.find(name);
        if (it == results_.end()) fail("'" + name + "' is not a run of [runs]");
        const nlohmann::json* r = &it->second;
        std::string ref = name;
        if (pos_ < s_.size() && s_[pos_] == '[') {
            ++pos_;
            const size_t num_at = pos_;
            while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) ++pos_;
            if (num_at == pos_ || pos_ >= s_.size() || s_[pos_] != ']') fail("expected NAME[INDEX]");
            const size_t i = std::stoul(s_.substr(num_at, pos_ - num_at));
            ++pos_;
            ref += "[" + std::to_string(i) + "]";
            if (!r->is_array() || i >= r->size()) throw MissingValue{ref + ": no such row"};
            r = &(*r)[i];
        }
        if (pos_ >= s_.size() || s_[pos_] != '.') fail("expected NAME.FIELD");
        ++pos_;
        const size_t f_at = pos_;
        while (pos_ < s_.size() && (ident_char(s_[pos_]) || s_[pos_] == '.')) ++pos_;
        const std::string field = s_.substr(f_at, pos_ - f_at);
        if (field.empty()) fail("expected a FIELD after '.'");
        if (field == "size" && r->is_array()) return double(r->size());
        if (r->is_array()) throw MissingValue{ref + " is a sweep: pick a row, " + ref + "[i]." + field};
        return field_value(*r, field, ref + "." + field);
    }
};

}  // namespace

const std::vector<std::pair<std::string, std::string>>& claim_fields() {
    static const std::vector<std::pair<std::string, std::string>> f = {
        {"hbm_bytes", "counts.total.hbm_read_bytes + counts.total.hbm_write_bytes"},
        {"hbm_read_bytes", "counts.total.hbm_read_bytes"},
        {"hbm_write_bytes", "counts.total.hbm_write_bytes"},
        {"global_bytes", "counts.total.global_read_bytes + counts.total.global_write_bytes"},
        {"formula_hbm_bytes", "analytic.hbm_read_bytes + analytic.hbm_write_bytes"},
        {"sram_bytes", "footprint.sram_bytes"},
        {"matmul_flops", "counts.matmul_flops"},
        {"exps", "counts.exps"},
        {"ctas", "counts.ctas"},
        {"Br", "schedule.Br"},
        {"Bc", "schedule.Bc"},
        {"Tr", "schedule.Tr"},
        {"Tc", "schedule.Tc"},
        {"bwd_Br", "schedule.bwd.Br"},
        {"bwd_Bc", "schedule.bwd.Bc"},
        {"bwd_Tc", "schedule.bwd.Tc"},
        {"N", "problem.N"},
        {"seconds", "timing.seconds"},
        {"cycles", "timing.cycles"},
        {"ctas_per_sm", "timing.ctas_per_sm"},
        {"waves", "timing.waves"},
        {"l2_dirty_bytes", "l2_dirty_bytes_at_end"},
        {"ok", "ok"},
    };
    return f;
}

LessonClaims parse_claims(const std::string& text, const std::string& origin) {
    toml::table t;
    try {
        t = toml::parse(text, origin);
    } catch (const toml::parse_error& e) {
        throw ConfigError(origin + ": malformed TOML: " + std::string(e.description()));
    }
    LessonClaims c;
    c.origin = origin;
    for (const auto& [k, v] : t)
        if (k.str() != "runs" && k.str() != "claim")
            throw ConfigError(origin + ": unknown key '" + std::string(k.str()) + "'; allowed: [runs], [[claim]]");
    if (const auto* runs = t["runs"].as_table())
        for (const auto& [k, v] : *runs) {
            const auto* s = v.as_string();
            if (!s) throw ConfigError(origin + ": runs." + std::string(k.str()) + " must be a string (a flashsim command)");
            const std::string cmd = s->get();
            if (cmd.rfind("flashsim run ", 0) != 0 && cmd.rfind("flashsim sweep ", 0) != 0)
                throw ConfigError(origin + ": runs." + std::string(k.str()) + " = '" + cmd +
                                  "': allowed: a `flashsim run ...` or `flashsim sweep ...` command");
            c.runs.push_back({std::string(k.str()), cmd});
        }
    std::map<std::string, nlohmann::json> none;
    if (const auto* arr = t["claim"].as_array())
        for (size_t i = 0; i < arr->size(); ++i) {
            const std::string at = origin + ": claim " + std::to_string(i + 1);
            const auto* ct = (*arr)[i].as_table();
            if (!ct) throw ConfigError(at + ": expected a [[claim]] table");
            Claim cl;
            for (const auto& [k, v] : *ct)
                if (k.str() != "says" && k.str() != "check")
                    throw ConfigError(at + ": unknown key '" + std::string(k.str()) + "'; allowed: says, check");
            const auto says = (*ct)["says"].value<std::string>();
            if (!says || says->empty()) throw ConfigError(at + ": 'says' (the lesson's sentence) is missing");
            cl.says = *says;
            if (const auto s = (*ct)["check"].value<std::string>()) cl.checks.push_back(*s);
            else if (const auto* a = (*ct)["check"].as_array())
                for (const auto& e : *a) {
                    const auto s2 = e.value<std::string>();
                    if (!s2) throw ConfigError(at + ": 'check' must hold strings");
                    cl.checks.push_back(*s2);
                }
            if (cl.checks.empty()) throw ConfigError(at + ": 'check' is missing");
            c.claims.push_back(cl);
        }
    return c;
}

LessonClaims load_claims(const std::string& lesson_dir) {
    const std::filesystem::path p = std::filesystem::path(lesson_dir) / "claims.toml";
    if (!std::filesystem::exists(p)) return {p.string(), {}, {}};
    std::ifstream in(p, std::ios::binary);
    if (!in) throw ConfigError("claims file '" + p.string() + "' cannot be read");
    std::stringstream ss;
    ss << in.rdbuf();
    return parse_claims(ss.str(), p.string());
}

CheckResult evaluate_check(const std::string& check, const std::map<std::string, nlohmann::json>& results) {
    try {
        return Parser(check, results).check();
    } catch (const MissingValue& m) {
        return {false, check + ": " + m.why};
    }
}

}  // namespace flashsim
