// GPU presets: every shipped preset loads and validates, the teaching preset is the classroom
// model, and malformed, incomplete or unknown input is rejected naming the key.
#include <doctest/doctest.h>

#include <string>

#include "sim/core/errors.h"
#include "sim/gpu/gpu_spec.h"

using namespace flashsim;

namespace {

// The teaching preset's TOML with the line that sets `key` removed.
std::string teaching_without(const std::string& key) {
    const std::string text = preset_toml("teaching");
    const size_t at = text.find("\n" + key + " ");
    REQUIRE(at != std::string::npos);
    const size_t end = text.find('\n', at + 1);
    return text.substr(0, at) + text.substr(end);
}

}  // namespace

TEST_CASE("every shipped preset loads and validates") {
    REQUIRE(preset_names().size() >= 6);
    for (const auto& n : preset_names()) {
        CAPTURE(n);
        GpuSpec g;
        CHECK_NOTHROW(g = load_gpu(n));
        CHECK(g.name == n);
        CHECK_NOTHROW(g.validate());
        CHECK(!g.description.empty());
    }
}

TEST_CASE("the teaching preset is the classroom model: 64 KiB local memory, 1-cycle SRAM, no L2") {
    const GpuSpec g = load_gpu("teaching");
    CHECK(g.sram_bytes_per_sm == 64 * 1024);
    CHECK(g.sram_latency_cycles == 1);
    CHECK(g.sram_bytes_per_cycle_per_sm == 0);  // a transfer costs its latency only
    CHECK(g.l2_bytes == 0);
    CHECK(g.register_bytes_per_sm == 0);  // every tile lives in the 64 KiB
}

TEST_CASE("--set overrides exactly one field") {
    const GpuSpec before = load_gpu("h100");
    GpuSpec after = before;
    apply_override(after, "sram_bytes_per_sm=65536");
    CHECK(after.sram_bytes_per_sm == 65536);
    for (const auto& f : gpu_fields())
        if (std::string(f.key) != "sram_bytes_per_sm") CHECK(after.get(f.key) == before.get(f.key));
    apply_override(after, "hbm_bytes_per_s=1.5e12");
    CHECK(after.hbm_bytes_per_s == 1.5e12);
}

TEST_CASE("--set of an unknown field, a non-number or a value out of range is rejected") {
    GpuSpec g = load_gpu("h100");
    CHECK_THROWS_WITH_AS(apply_override(g, "warp_size=32"), doctest::Contains("unknown GPU field"), ConfigError);
    CHECK_THROWS_WITH_AS(apply_override(g, "clock_hz=fast"), doctest::Contains("clock_hz=fast: not a number (Hz)"), ConfigError);
    CHECK_THROWS_WITH_AS(apply_override(g, "sm_count=1.5"), doctest::Contains("not a whole number"), ConfigError);
    CHECK_THROWS_WITH_AS(apply_override(g, "sm_count"), doctest::Contains("expected KEY=VALUE"), ConfigError);
    CHECK_THROWS_WITH_AS(apply_override(g, "sm_count=0"), doctest::Contains("sm_count=0 is out of range"), ConfigError);
}

TEST_CASE("an unknown preset name is rejected with the list of presets") {
    CHECK_THROWS_WITH_AS(load_gpu("h900"), doctest::Contains("presets: a100-40gb"), ConfigError);
    CHECK_THROWS_WITH_AS(preset_toml("h900"), doctest::Contains("h900"), ConfigError);
    CHECK_THROWS_WITH_AS(load_gpu("/nonexistent/gpu.toml"), doctest::Contains("cannot be read"), ConfigError);
}

TEST_CASE("malformed TOML is rejected with its file, line and column") {
    const std::string text = "name = \"x\"\ndescription = \"y\"\nsm_count = = 3\n";
    CHECK_THROWS_WITH_AS(parse_gpu_toml(text, "bad.toml"), doctest::Contains("bad.toml:3:"), ConfigError);
    CHECK_THROWS_WITH_AS(parse_gpu_toml(text, "bad.toml"), doctest::Contains("malformed TOML"), ConfigError);
}

TEST_CASE("an incomplete preset names the missing key") {
    for (const char* key : {"hbm_bytes_per_s", "sram_bytes_per_sm", "exp_per_s"})
        CHECK_THROWS_WITH_AS(parse_gpu_toml(teaching_without(key), "mine.toml"),
                             doctest::Contains((std::string("missing key '") + key + "'").c_str()), ConfigError);
    const std::string no_name = preset_toml("teaching").replace(preset_toml("teaching").find("name = "), 4, "nick");
    CHECK_THROWS_WITH_AS(parse_gpu_toml(no_name, "mine.toml"), doctest::Contains("missing key 'name'"), ConfigError);
}

TEST_CASE("an unknown key or a value of the wrong type is rejected naming the key") {
    const std::string text = preset_toml("teaching");
    CHECK_THROWS_WITH_AS(parse_gpu_toml(text + "warp_size = 32\n", "mine.toml"), doctest::Contains("unknown key 'warp_size'"),
                         ConfigError);
    std::string wrong = teaching_without("sm_count") + "sm_count = 8.5\n";
    CHECK_THROWS_WITH_AS(parse_gpu_toml(wrong, "mine.toml"), doctest::Contains("'sm_count' must be a whole number"), ConfigError);
    wrong = teaching_without("clock_hz") + "clock_hz = \"fast\"\n";
    CHECK_THROWS_WITH_AS(parse_gpu_toml(wrong, "mine.toml"), doctest::Contains("'clock_hz' must be a number"), ConfigError);
}
