// Reading "flashsim-measurement/1" and "/2" files: the synthetic fixture parses field by field; malformed
// files, missing required fields and wrong types fail with one line naming the field.
#include <doctest/doctest.h>

#include <cmath>
#include <memory>
#include <set>
#include <nlohmann/json.hpp>

#include "sim/core/errors.h"
#include "sim/crosscheck/measurement.h"

using namespace flashsim;
using namespace flashsim::crosscheck;
using nlohmann::json;

namespace {

const std::string kFixture = std::string(FLASHSIM_SOURCE_DIR) + "/tests/crosscheck/fixtures/synthetic_measurement.json";

json fixture() { return json::parse(read_text_file(kFixture)); }

// The message of the ConfigError that parsing `doc` throws ("" when it does not throw).
std::string error_of(const json& doc) {
    try {
        parse_measurement(doc.dump(), "test.json");
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "";
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("the synthetic fixture parses with every field where the file puts it") {
    const json doc = fixture();
    const MeasurementFile f = load_measurement(kFixture);
    CHECK(f.schema == kMeasurementSchemaV1);
    CHECK(f.provenance.gpu == doc["provenance"]["gpu"].get<std::string>());
    CHECK(f.provenance.sm_count == doc["provenance"]["sm_count"].get<int64_t>());
    REQUIRE(f.runs.size() == doc["runs"].size());
    for (size_t i = 0; i < f.runs.size(); ++i) {
        const json& jr = doc["runs"][i];
        const MeasuredRun& r = f.runs[i];
        CHECK(r.version == jr["version"].get<int64_t>());
        CHECK(r.N == jr["N"].get<int64_t>());
        CHECK(r.causal == jr["causal"].get<bool>());
        CHECK(r.ncu.has_value() == (jr.contains("ncu") && !jr.contains("error")));
        if (r.ncu) {
            CHECK(*r.ncu->dram_read_bytes == jr["ncu"]["dram__bytes_read.sum"].get<double>());
            CHECK(*r.ncu->gpu_time_ns == jr["ncu"]["gpu__time_duration.sum"].get<double>());
            const json& n = jr["ncu"];
            CHECK(*r.ncu->l2_request_bytes() ==
                  32.0 * (n["lts__t_sectors_op_read.sum"].get<double>() + n["lts__t_sectors_op_write.sum"].get<double>() +
                          n["lts__t_sectors_op_atom.sum"].get<double>() + n["lts__t_sectors_op_red.sum"].get<double>()));
        }
        CHECK(r.error.empty() == !jr.contains("error"));
    }
    REQUIRE(f.reference.size() == 1);
    CHECK(*f.reference[0].time_ms_median == doc["reference"][0]["time_ms_median"].get<double>());
    REQUIRE(f.outputs.size() == 1);
    REQUIRE(f.outputs[0].O.size() == 4);
    CHECK(f.outputs[0].O[0] == 0.5f);
    CHECK(std::isnan(f.outputs[0].O[2]));  // null: an element the kernel never wrote
}

TEST_CASE("schema 2 requires each run's declared pass and matmul unit and reads the timing evidence") {
    json doc = fixture();
    doc["schema"] = kMeasurementSchema;
    CHECK(contains(error_of(doc), "runs[0].pass: required field is missing"));
    for (auto& r : doc["runs"])
        if (!r.contains("error")) r["pass"] = "fwd", r["matmul_unit"] = "mma_sync";
    doc["runs"][0].erase("matmul_unit");
    CHECK(contains(error_of(doc), "runs[0].matmul_unit: required field is missing"));
    doc["runs"][0]["matmul_unit"] = "fma";
    json& n = doc["runs"][0]["ncu"];
    n["sm__cycles_elapsed.avg.per_second"] = 1.75e9;
    n["sm__cycles_elapsed.max"] = 420000;
    n["smsp__issue_active.avg.pct_of_peak_sustained_active"] = 44.9;
    n["smsp__inst_executed_pipe_xu.sum"] = 8683520;
    n["sm__pipe_tensor_cycles_active.avg.pct_of_peak_sustained_active"] = 47.6;
    const MeasurementFile f = parse_measurement(doc.dump(), "v2.json");
    const MeasuredRun& r = f.runs[0];
    CHECK(r.pass == "fwd");
    CHECK(r.matmul_unit == "fma");
    REQUIRE(r.ncu.has_value());
    CHECK(*r.ncu->sm_clock_hz == 1.75e9);
    CHECK(*r.ncu->sm_cycles_max == 420000);
    CHECK(*r.ncu->issue_active_pct == 44.9);
    CHECK(*r.ncu->inst_xu == 8683520);
    CHECK(*r.ncu->tensor_active_pct == 47.6);
    CHECK_FALSE(r.ncu->inst_alu.has_value());  // absent: not recorded
    n["sm__cycles_elapsed.max"] = -1;
    CHECK(contains(error_of(doc), "runs[0].ncu.sm__cycles_elapsed.max: negative value"));
}

TEST_CASE("a run's per-kernel ncu times are read in launch order, each with its name") {
    json doc = fixture();
    json& n = doc["runs"][0]["ncu"];
    n["per_kernel"] = json::array({{{"name", "qk"}, {"gpu__time_duration.sum", 1500.0}},
                                   {{"name", "softmax"}, {"gpu__time_duration.sum", 800.0}, {"dram__bytes_read.sum", 1.0}}});
    const MeasurementFile f = parse_measurement(doc.dump(), "k.json");
    REQUIRE(f.runs[0].ncu.has_value());
    const auto& k = f.runs[0].ncu->per_kernel;
    REQUIRE(k.size() == 2);
    CHECK(k[0].name == "qk");
    CHECK(k[0].time_ns == 1500.0);
    CHECK(k[1].name == "softmax");
    CHECK(k[1].time_ns == 800.0);
    n["per_kernel"][1]["gpu__time_duration.sum"] = -3;
    CHECK(contains(error_of(doc), "runs[0].ncu.per_kernel[1].gpu__time_duration.sum: negative value"));
    n["per_kernel"][1] = "softmax";
    CHECK(contains(error_of(doc), "runs[0].ncu.per_kernel[1]: expected an object, got"));
    n["per_kernel"] = json::array({{{"gpu__time_duration.sum", 1.0}}});
    CHECK(contains(error_of(doc), "runs[0].ncu.per_kernel[0].name: required field is missing"));
    // a kernel without a time (ncu's n/a, written as null): the run keeps no per-kernel times
    n["per_kernel"] = json::array({{{"name", "qk"}, {"gpu__time_duration.sum", 1500.0}},
                                   {{"name", "softmax"}, {"gpu__time_duration.sum", nullptr}}});
    CHECK(parse_measurement(doc.dump(), "k.json").runs[0].ncu->per_kernel.empty());
}

TEST_CASE("every ncu metric of the table fills its own field") {
    std::set<std::string> names;
    for (const auto& f : ncu_metric_fields()) {
        INFO(f.name);
        CHECK(names.insert(f.name).second);  // each name once
        NcuMetrics m;
        CHECK(set_ncu_metric(m, f.name, 7.0));
        CHECK(m.*(f.field) == 7.0);
        int set = 0;
        for (const auto& g : ncu_metric_fields()) set += (m.*(g.field)).has_value();
        CHECK(set == 1);  // and no other
    }
    CHECK_FALSE(set_ncu_metric(*std::make_unique<NcuMetrics>(), "sm__not_a_metric.sum", 1.0));
}

TEST_CASE("a file that is not JSON fails with one line naming the file") {
    std::string msg;
    try {
        parse_measurement("{\"schema\": \"flashsim-measurement/1\", \"runs\": [", "broken.json");
    } catch (const ConfigError& e) {
        msg = e.what();
    }
    CHECK(contains(msg, "broken.json"));
    CHECK(contains(msg, "not valid JSON"));
    CHECK(msg.find('\n') == std::string::npos);
}

TEST_CASE("a wrong schema or a top level that is not an object is refused") {
    json doc = fixture();
    doc["schema"] = "flashsim-measurement/9";
    CHECK(contains(error_of(doc), "schema: 'flashsim-measurement/9' is not supported"));
    CHECK(contains(error_of(json::array()), "expected a JSON object"));
}

TEST_CASE("a missing required field is named with its path") {
    json doc = fixture();
    doc["runs"][2].erase("N");
    CHECK(contains(error_of(doc), "runs[2].N: required field is missing"));
    doc = fixture();
    doc["provenance"].erase("gpu");
    CHECK(contains(error_of(doc), "provenance.gpu: required field is missing"));
    doc = fixture();
    doc.erase("runs");
    CHECK(contains(error_of(doc), "runs: required field is missing"));
    doc = fixture();
    doc["runs"][0].erase("algo");  // only a failed run may lack its algorithm
    CHECK(contains(error_of(doc), "runs[0].algo: required field is missing"));
    doc = fixture();
    doc["runs"][1]["causal"] = nullptr;
    CHECK(contains(error_of(doc), "runs[1].causal: required field is null"));
}

TEST_CASE("a field of the wrong type is named with what was expected and what was found") {
    json doc = fixture();
    doc["runs"][0]["N"] = "1024";
    CHECK(contains(error_of(doc), "runs[0].N: expected an integer, got string \"1024\""));
    doc = fixture();
    doc["runs"][0]["ncu"]["dram__bytes_read.sum"] = "4 MB";
    CHECK(contains(error_of(doc), "runs[0].ncu.dram__bytes_read.sum: expected a number"));
    doc = fixture();
    doc["runs"][0]["causal"] = "yes";
    CHECK(contains(error_of(doc), "runs[0].causal: expected true or false"));
    doc = fixture();
    doc["runs"] = json::object();
    CHECK(contains(error_of(doc), "runs: expected an array"));
    doc = fixture();
    doc["runs"][3] = 5;
    CHECK(contains(error_of(doc), "runs[3]: expected an object"));
    doc = fixture();
    doc["runs"][0]["N"] = 0;
    CHECK(contains(error_of(doc), "runs[0].N: 0 is not allowed"));
    doc = fixture();
    doc["outputs"][0]["O"].push_back(1.0);
    CHECK(contains(error_of(doc), "outputs[0].O: has 5 elements; B*H*N*d = 4"));
}

TEST_CASE("optional fields may be absent or null and are then left empty") {
    json doc = fixture();
    json& r = doc["runs"][0];
    for (const char* k : {"ncu", "time_ms_median", "tflops", "correct", "Br", "Bc", "warps", "stages", "kernel"}) r.erase(k);
    r["max_abs_err"] = nullptr;
    doc["runs"][1]["ncu"].erase("lts__t_bytes.sum");
    doc["runs"][2]["ncu"] = {{"error", "ncu: ERR_NVGPUCTRPERM"}};
    doc.erase("reference");
    doc.erase("outputs");
    const MeasurementFile f = parse_measurement(doc.dump(), "t.json");
    CHECK_FALSE(f.runs[0].ncu.has_value());
    CHECK_FALSE(f.runs[0].time_ms_median.has_value());
    CHECK_FALSE(f.runs[0].max_abs_err.has_value());
    CHECK(f.runs[0].Br == 0);
    CHECK_FALSE(f.runs[1].ncu->lts_bytes.has_value());
    CHECK(f.runs[1].ncu->dram_read_bytes.has_value());
    CHECK_FALSE(f.runs[2].ncu.has_value());
    CHECK(f.runs[2].ncu_error == "ncu: ERR_NVGPUCTRPERM");
    CHECK(f.reference.empty());
}

TEST_CASE("a measurement file that does not exist fails naming the path") {
    CHECK_THROWS_WITH_AS(load_measurement("/nonexistent/m.json"), doctest::Contains("/nonexistent/m.json"), ConfigError);
}

TEST_CASE("a reference entry's pass is read (fwd when absent) and anything but fwd or bwd is refused") {
    json doc = fixture();
    REQUIRE_FALSE(doc["reference"].empty());
    CHECK(parse_measurement(doc.dump(), "a.json").reference[0].pass == "fwd");
    doc["reference"][0]["pass"] = "bwd";
    CHECK(parse_measurement(doc.dump(), "b.json").reference[0].pass == "bwd");
    doc["reference"][0]["pass"] = "sideways";
    CHECK(contains(error_of(doc), "reference[0].pass: expected fwd or bwd, got 'sideways'"));
}

TEST_CASE("the background rates profile.py measured are read from provenance.background, and bad ones refused") {
    json doc = fixture();
    CHECK_FALSE(parse_measurement(doc.dump(), "b.json").provenance.background_hbm_write_bytes_per_s.has_value());
    doc["provenance"]["background"] = {{"hbm_write_bytes_per_s", 1.85e7}, {"l2_write_bytes_per_s", 2.98e7}, {"kernels", json::array()}};
    const Provenance p = parse_measurement(doc.dump(), "b.json").provenance;
    REQUIRE(p.background_hbm_write_bytes_per_s.has_value());
    CHECK(*p.background_hbm_write_bytes_per_s == 1.85e7);
    CHECK(*p.background_l2_write_bytes_per_s == 2.98e7);
    // A failed background phase records its error and no rates: none are read.
    doc["provenance"]["background"] = {{"error", "no ncu CSV header in output"}};
    CHECK_FALSE(parse_measurement(doc.dump(), "b.json").provenance.background_l2_write_bytes_per_s.has_value());
    // Rates missing, negative, absurd or of the wrong type: one line naming the field.
    doc["provenance"]["background"] = {{"hbm_write_bytes_per_s", 1e7}};
    CHECK(contains(error_of(doc), "provenance.background.l2_write_bytes_per_s: required field is missing"));
    doc["provenance"]["background"] = {{"hbm_write_bytes_per_s", -1.0}, {"l2_write_bytes_per_s", 1e7}};
    CHECK(contains(error_of(doc), "provenance.background.hbm_write_bytes_per_s: -1"));
    doc["provenance"]["background"] = {{"hbm_write_bytes_per_s", 1e7}, {"l2_write_bytes_per_s", 1e13}};
    CHECK(contains(error_of(doc), "l2_write_bytes_per_s: 10000000000000"));
    doc["provenance"]["background"] = {{"hbm_write_bytes_per_s", "fast"}, {"l2_write_bytes_per_s", 1e7}};
    CHECK(contains(error_of(doc), "expected a number"));
    doc["provenance"]["background"] = 3;
    CHECK(contains(error_of(doc), "provenance.background: expected an object"));
}
