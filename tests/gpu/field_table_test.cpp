// The GPU field table: defaults a preset may leave out, and one range check for every source
// (TOML, --set, lesson [set], a GpuSpec the viewer edits), finite and plausible.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <sstream>
#include <string>

#include "sim/core/errors.h"
#include "sim/gpu/gpu_spec.h"

using namespace flashsim;

namespace {

// `preset`'s TOML without the lines of the fields that have a default.
std::string without_defaulted_fields(const std::string& preset) {
    std::istringstream in(preset_toml(preset));
    std::string out;
    for (std::string line; std::getline(in, line);) {
        bool defaulted = false;
        for (const auto& f : gpu_fields()) defaulted = defaulted || (f.has_default && line.rfind(std::string(f.key) + " ", 0) == 0);
        if (!defaulted) out += line + "\n";
    }
    return out;
}

double field_value(const GpuSpec& g, const GpuField& f) { return std::stod(g.get(f.key)); }

}  // namespace

TEST_CASE("a field with a default may be left out of a preset and takes the table's default") {
    size_t defaulted = 0;
    for (const auto& f : gpu_fields()) defaulted += f.has_default;
    CHECK(defaulted >= 6);  // registers, SRAM rate, L2 geometry, fp8 and warp-mma rates
    const GpuSpec g = parse_gpu_toml(without_defaulted_fields("teaching"), "lean.toml");
    for (const auto& f : gpu_fields()) {
        CAPTURE(f.key);
        if (f.has_default) CHECK(field_value(g, f) == f.default_value);
    }
}

TEST_CASE("dropping the lines of a preset that state a field's default changes nothing") {
    for (const std::string& n : preset_names()) {
        CAPTURE(n);
        const GpuSpec full = load_gpu(n);
        std::istringstream in(preset_toml(n));
        std::string lean_text;
        size_t dropped = 0;
        for (std::string line; std::getline(in, line);) {
            bool drop = false;
            for (const auto& f : gpu_fields())
                drop = drop || (f.has_default && line.rfind(std::string(f.key) + " ", 0) == 0 && field_value(full, f) == f.default_value);
            dropped += drop;
            if (!drop) lean_text += line + "\n";
        }
        const GpuSpec lean = parse_gpu_toml(lean_text, "lean.toml");
        for (const auto& f : gpu_fields()) {
            CAPTURE(f.key);
            CHECK(full.get(f.key) == lean.get(f.key));
        }
        if (n == "teaching") CHECK(dropped >= 6);  // no registers, unlimited SRAM rate, no L2, ...
    }
}

TEST_CASE("a field without a default is required") {
    for (const auto& f : gpu_fields()) {
        if (f.has_default) continue;
        CAPTURE(f.key);
        std::istringstream in(preset_toml("h100"));
        std::string text;
        for (std::string line; std::getline(in, line);)
            if (line.rfind(std::string(f.key) + " ", 0) != 0) text += line + "\n";
        CHECK_THROWS_WITH_AS(parse_gpu_toml(text, "mine.toml"), doctest::Contains((std::string("missing key '") + f.key + "'").c_str()),
                             ConfigError);
    }
}

TEST_CASE("every field's range is finite, holds every preset, and its ends are allowed") {
    for (const auto& f : gpu_fields()) {
        CAPTURE(f.key);
        CHECK(std::isfinite(f.min));
        CHECK(std::isfinite(f.max));
        CHECK(f.min <= f.max);
        CHECK(f.min >= 0);  // nothing the model holds is negative
        for (const std::string& n : preset_names()) {
            const double v = field_value(load_gpu(n), f);
            CHECK(((v == 0 && f.zero) || (v >= f.min && v <= f.max)));
        }
    }
    // The ends of a range are allowed (the l2 geometry aside, which has its own cross-field rules).
    for (const char* key : {"clock_hz", "hbm_bytes_per_s", "exp_per_s", "hbm_latency_cycles"}) {
        for (const auto& f : gpu_fields()) {
            if (std::string(f.key) != key) continue;
            for (const double v : {f.min, f.max}) {
                GpuSpec g = load_gpu("h100");
                std::ostringstream s;
                s.precision(17);
                s << v;
                CAPTURE(s.str());
                CHECK_NOTHROW(apply_override(g, std::string(key) + "=" + s.str()));
            }
        }
    }
}

TEST_CASE("nan, inf and values outside a field's range are refused whatever set them, naming the field and the range") {
    const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
    for (const auto& f : gpu_fields()) {
        CAPTURE(f.key);
        const std::string key = f.key;
        // The viewer and any caller that edits a GpuSpec: validate() is the one check.
        GpuSpec g = load_gpu("h100");
        if (f.integer) continue;
        for (const double bad : {nan, inf, -inf, -1.0, f.max * 10}) {
            std::ostringstream toml;
            toml << key << " = " << (std::isnan(bad) ? "nan" : std::isinf(bad) ? (bad > 0 ? "inf" : "-inf") : std::to_string(bad));
            std::string text;
            bool replaced = false;
            std::istringstream in(preset_toml("h100"));
            for (std::string line; std::getline(in, line);) {
                const bool here = line.rfind(key + " ", 0) == 0;
                replaced = replaced || here;
                text += (here ? toml.str() : line) + "\n";
            }
            if (!replaced) text += toml.str() + "\n";  // a field the preset leaves to its default
            CHECK_THROWS_WITH_AS(parse_gpu_toml(text, "mine.toml"), doctest::Contains(("mine.toml: gpu 'h100': " + key + "=").c_str()),
                                 ConfigError);
            CHECK_THROWS_WITH_AS(parse_gpu_toml(text, "mine.toml"), doctest::Contains(("allowed: " + f.allowed()).c_str()), ConfigError);
        }
    }
}

TEST_CASE("a product of fields that would wrap 64 bits is refused, not divided by") {
    GpuSpec g = load_gpu("h100");
    g.l2_line_bytes = int64_t(1) << 62;
    g.l2_ways = 4;  // line * ways = 2^64
    CHECK_THROWS_WITH_AS(g.validate(), doctest::Contains("l2_line_bytes=4611686018427387904 is out of range"), ConfigError);
    g = load_gpu("h100");
    g.l2_ways = int64_t(1) << 40;
    CHECK_THROWS_WITH_AS(g.validate(), doctest::Contains("l2_ways=1099511627776 is out of range"), ConfigError);
}

TEST_CASE("the L2 geometry is checked across fields") {
    GpuSpec g = load_gpu("h100");
    g.l2_line_bytes = 8192;  // 256 sectors of 32 bytes: more than the cache model's 128-sector masks
    CHECK_THROWS_WITH_AS(g.validate(), doctest::Contains("holding at most 128 sectors"), ConfigError);
    g = load_gpu("h100");
    g.l2_bytes = g.l2_line_bytes * g.l2_ways - 128;  // less than one set
    CHECK_THROWS_WITH_AS(g.validate(), doctest::Contains("a multiple of l2_line_bytes * l2_ways"), ConfigError);
    g = load_gpu("teaching");  // no L2: its geometry is not used, and not checked across fields
    g.l2_line_bytes = 96;
    CHECK_NOTHROW(g.validate());
}
