// Reading `ncu --csv` exports: both layouts, scaled units, thousands separators, "n/a", the
// kernel filter, and one clear error for what cannot be read.
#include <doctest/doctest.h>

#include "sim/core/errors.h"
#include "sim/crosscheck/ncu_csv.h"

using namespace flashsim;
using namespace flashsim::crosscheck;

namespace {

NcuCsv fixture(const char* name) {
    const std::string path = std::string(FLASHSIM_SOURCE_DIR) + "/tests/crosscheck/fixtures/" + name;
    return parse_ncu_csv(read_text_file(path), path);
}

const std::string kHeader =
    "\"ID\",\"Process ID\",\"Process Name\",\"Host Name\",\"Kernel Name\",\"Context\",\"Stream\",\"Block Size\","
    "\"Grid Size\",\"Device\",\"CC\",\"Section Name\",\"Metric Name\",\"Metric Unit\",\"Metric Value\"\n";

std::string row(const char* id, const char* kernel, const char* metric, const char* unit, const char* value) {
    return std::string("\"") + id + "\",\"1\",\"app\",\"h\",\"" + kernel + "\",\"1\",\"7\",\"(1, 1, 1)\",\"(1, 1, 1)\",\"0\",\"9.0\",\"s\",\"" +
           metric + "\",\"" + unit + "\",\"" + value + "\"\n";
}

}  // namespace

TEST_CASE("ncu units scale to bytes and nanoseconds") {
    CHECK(ncu_unit_scale("byte") == 1);
    CHECK(ncu_unit_scale("Kbyte") == 1e3);
    CHECK(ncu_unit_scale("Mbyte") == 1e6);
    CHECK(ncu_unit_scale("Gbyte") == 1e9);
    CHECK(ncu_unit_scale("Kibyte") == 1024);
    CHECK(ncu_unit_scale("nsecond") == 1);
    CHECK(ncu_unit_scale("usecond") == 1e3);
    CHECK(ncu_unit_scale("msecond") == 1e6);
    CHECK(ncu_unit_scale("second") == 1e9);
    CHECK(ncu_unit_scale("Msector") == 1e6);
    CHECK_THROWS_WITH_AS(ncu_unit_scale("furlong"), doctest::Contains("unknown unit 'furlong'"), ConfigError);
}

TEST_CASE("numbers with thousands separators parse, and text that is not a number fails") {
    CHECK(parse_ncu_number("1,234,567.5", "m") == 1234567.5);
    CHECK(parse_ncu_number(" 42 ", "m") == 42);
    CHECK(parse_ncu_number("4.0e-05", "m") == 4.0e-05);
    CHECK_THROWS_WITH_AS(parse_ncu_number("12 MB", "dram__bytes_read.sum"), doctest::Contains("dram__bytes_read.sum"),
                         ConfigError);
}

TEST_CASE("the details page is summed over kernels with each value scaled by its own unit") {
    const NcuCsv csv = fixture("synthetic_ncu_details.csv");
    CHECK(csv.layout == "details");
    REQUIRE(csv.launches.size() == 2);
    const NcuMetrics m = sum_ncu_launches(csv, "");
    CHECK(m.kernels.size() == 2);
    // Values as the fixture writes them, times their units.
    CHECK(*m.dram_read_bytes == doctest::Approx(1.50 * 1e6 + 1000));
    CHECK(*m.dram_write_bytes == doctest::Approx(524.29 * 1e3));  // the second kernel's is n/a
    CHECK(*m.lts_bytes == doctest::Approx(2097152 + 0.001 * 1e9));
    CHECK(*m.gpu_time_ns == doctest::Approx(12.50 * 1e3 + 1500));
    CHECK_FALSE(m.lts_read_sectors.has_value());  // not in the export
    CHECK_FALSE(m.l2_request_bytes().has_value());
}

TEST_CASE("the raw page reads its units from the row under the header") {
    const NcuCsv csv = fixture("synthetic_ncu_raw.csv");
    CHECK(csv.layout == "raw");
    REQUIRE(csv.launches.size() == 2);
    const NcuMetrics m = sum_ncu_launches(csv, "");
    CHECK(*m.dram_read_bytes == doctest::Approx((2.5 + 0.5) * 1e6));
    CHECK(*m.dram_write_bytes == doctest::Approx(1048576 + 2048));
    CHECK(*m.gpu_time_ns == doctest::Approx((0.02 + 0.01) * 1e6));
    CHECK(*m.lts_bytes == doctest::Approx((3000 + 1000.5) * 1e3));
}

TEST_CASE("the kernel filter keeps only the kernels whose name matches") {
    const NcuCsv csv = fixture("synthetic_ncu_details.csv");
    const NcuMetrics m = sum_ncu_launches(csv, "^my_attention");
    REQUIRE(m.kernels.size() == 1);
    CHECK(*m.dram_read_bytes == doctest::Approx(1.50 * 1e6));
    CHECK(*m.gpu_time_ns == doctest::Approx(12.50 * 1e3));
    CHECK_THROWS_WITH_AS(sum_ncu_launches(csv, "softmax"), doctest::Contains("matches none of the 2 kernels"), ConfigError);
    CHECK_THROWS_WITH_AS(sum_ncu_launches(csv, "(unclosed"), doctest::Contains("not a valid regular expression"),
                         ConfigError);
}

TEST_CASE("a quoted kernel name with commas stays one cell") {
    const std::string text = kHeader + row("0", "void f<int, 4>(float *, int)", "dram__bytes_read.sum", "byte", "1,024");
    const NcuCsv csv = parse_ncu_csv(text, "t.csv");
    REQUIRE(csv.launches.size() == 1);
    CHECK(csv.launches[0].name == "void f<int, 4>(float *, int)");
    CHECK(csv.launches[0].metrics.at("dram__bytes_read.sum") == 1024);
}

TEST_CASE("an export that cannot be read fails with the file, the line and the problem") {
    CHECK_THROWS_WITH_AS(parse_ncu_csv("my app printed this\nand nothing else\n", "a.csv"),
                         doctest::Contains("no ncu CSV header"), ConfigError);
    CHECK_THROWS_WITH_AS(parse_ncu_csv(kHeader, "b.csv"), doctest::Contains("no kernel was profiled"), ConfigError);
    CHECK_THROWS_WITH_AS(parse_ncu_csv(kHeader + "\"0\",\"1\",\"short row\"\n", "c.csv"),
                         doctest::Contains("c.csv', line 2: has 3 cells; the header has 15"), ConfigError);
    CHECK_THROWS_WITH_AS(parse_ncu_csv(kHeader + row("0", "k", "dram__bytes_read.sum", "furlong", "3"), "d.csv"),
                         doctest::Contains("dram__bytes_read.sum: unknown unit 'furlong'"), ConfigError);
    CHECK_THROWS_WITH_AS(parse_ncu_csv(kHeader + row("0", "k", "gpu__time_duration.sum", "nsecond", "fast"), "e.csv"),
                         doctest::Contains("value 'fast' is not a number"), ConfigError);
    // A metric the cross-check does not use may carry any unit and value.
    CHECK_NOTHROW(parse_ncu_csv(kHeader + row("0", "k", "sm__warps_active.avg", "furlong", "n/a"), "f.csv"));
}
