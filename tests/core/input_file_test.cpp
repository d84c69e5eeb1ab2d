// Reading user files: regular files only, a size cap, never a block on a FIFO; JSON with a
// nesting bound and numbers in range; sizes in checked arithmetic.
#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <limits>
#include <string>

#include "sim/core/checked_math.h"
#include "sim/core/errors.h"
#include "sim/core/input_file.h"
#include "sim/core/json_input.h"

using namespace flashsim;
namespace fs = std::filesystem;

namespace {

struct TempDir {
    fs::path path = fs::temp_directory_path() / ("flashsim_input_file_" + std::to_string(::getpid()));
    TempDir() { fs::create_directories(path); }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

}  // namespace

TEST_CASE("a regular file under the cap is read whole") {
    TempDir t;
    const std::string p = (t.path / "a.toml").string();
    std::ofstream(p, std::ios::binary) << std::string(1000, 'x') << '\0' << "tail";
    CHECK(read_input_file(p, "gpu file", 2000) == std::string(1000, 'x') + std::string(1, '\0') + "tail");
    CHECK(read_input_file(p, "gpu file", 1005) == std::string(1000, 'x') + std::string(1, '\0') + "tail");  // exactly the cap
}

TEST_CASE("what is not a regular file, or is over the cap, is refused naming it, unread") {
    TempDir t;
    const std::string big = (t.path / "big.json").string(), fifo = (t.path / "f").string();
    std::ofstream(big) << std::string(4096, ' ');
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);  // no writer: a blocking open or read would hang here
    CHECK_THROWS_WITH_AS(read_input_file(big, "measurement", 4095), doctest::Contains(("measurement '" + big + "' is 4096 bytes; allowed: at most 4095 bytes").c_str()),
                         ConfigError);
    CHECK_THROWS_WITH_AS(read_input_file(fifo, "submission", 1 << 20), doctest::Contains("' is a FIFO; allowed: a regular file"), ConfigError);
    CHECK_THROWS_WITH_AS(read_input_file(t.path.string(), "gpu file", 1 << 20), doctest::Contains("is a directory"), ConfigError);
    CHECK_THROWS_WITH_AS(read_input_file("/dev/zero", "gpu file", 1 << 20), doctest::Contains("is a character device"), ConfigError);
    CHECK_THROWS_WITH_AS(read_input_file("", "--config", 1 << 20), doctest::Contains("--config: the path is empty"), ConfigError);
    CHECK_THROWS_WITH_AS(read_input_file((t.path / "absent").string(), "gpu file", 1 << 20), doctest::Contains("cannot be read: No such file"),
                         ConfigError);
}

TEST_CASE("JSON nested deeper than the bound is refused before anything recurses over it") {
    const std::string ok = std::string(64, '[') + std::string(64, ']');
    CHECK_NOTHROW(parse_json_input(ok, "a.json", 64));
    const std::string deep = std::string(65, '[') + std::string(65, ']');
    CHECK_THROWS_WITH_AS(parse_json_input(deep, "a.json", 64), doctest::Contains("a.json: arrays/objects nested deeper than 64 levels"), ConfigError);
    const std::string very_deep = std::string(1000000, '[');  // unterminated, and a million deep
    CHECK_THROWS_AS(parse_json_input(very_deep, "b.json"), ConfigError);
}

TEST_CASE("a JSON number out of double's range is a ConfigError naming the file, not a library exception") {
    CHECK_THROWS_WITH_AS(parse_json_input("{\"x\": 1e400}", "answers.json"), doctest::Contains("answers.json: not valid JSON"), ConfigError);
    CHECK_THROWS_WITH_AS(parse_json_input("{\"x\": ", "answers.json"), doctest::Contains("answers.json: not valid JSON"), ConfigError);
}

TEST_CASE("checked arithmetic gives the exact product or nothing") {
    const int64_t max = std::numeric_limits<int64_t>::max();
    CHECK(checked_mul(int64_t(1) << 31, int64_t(1) << 31) == int64_t(1) << 62);
    CHECK_FALSE(checked_mul(int64_t(1) << 32, int64_t(1) << 31).has_value());
    CHECK(checked_add(max - 1, 1) == max);
    CHECK_FALSE(checked_add(max, 1).has_value());
    CHECK(checked_product({2, 3, 7}) == 42);
    CHECK_FALSE(checked_product({int64_t(1) << 32, int64_t(1) << 32, 1}).has_value());
}
