// `flashsim crosscheck` as a user runs it: bad input gives one error line and exit 2; --json and
// --csv write files; an ncu CSV export needs --gpu.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sys/wait.h>
#include <unistd.h>

#include "sim/crosscheck/measurement.h"

namespace fs = std::filesystem;

namespace {

struct Result {
    int rc = -1;
    std::string out, err;
};

const std::string kFixtures = std::string(FLASHSIM_SOURCE_DIR) + "/tests/crosscheck/fixtures/";

fs::path temp_dir() {
    const fs::path d = fs::temp_directory_path() / ("flashsim_crosscheck_cli_" + std::to_string(::getpid()));
    fs::create_directories(d);
    return d;
}

Result run(const std::string& args) {
    const fs::path err = temp_dir() / "stderr.txt";
    const std::string cmd = std::string(FLASHSIM_BINARY) + " crosscheck " + args + " 2>" + err.string();
    Result r;
    FILE* p = ::popen(cmd.c_str(), "r");
    REQUIRE(p);
    char buf[4096];
    for (size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) r.out.append(buf, n);
    const int status = ::pclose(p);
    r.rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.err = flashsim::crosscheck::read_text_file(err.string());
    return r;
}

std::string write_temp(const std::string& name, const std::string& text) {
    const fs::path p = temp_dir() / name;
    std::ofstream(p) << text;
    return p.string();
}

}  // namespace

TEST_CASE("the cross-check of the synthetic fixture prints both tables and the summary") {
    const Result r = run(kFixtures + "synthetic_measurement.json");
    CHECK(r.rc == 0);
    CHECK(r.out.find("HBM read") != std::string::npos);
    CHECK(r.out.find("summary:") != std::string::npos);
    CHECK(r.out.find("simulated on preset h100") != std::string::npos);
    CHECK(r.out.find("functional layer") != std::string::npos);
}

TEST_CASE("a malformed measurement file gives one error line naming the field and exit 2") {
    nlohmann::json doc = nlohmann::json::parse(flashsim::crosscheck::read_text_file(kFixtures + "synthetic_measurement.json"));
    doc["runs"][1]["d"] = "sixty-four";
    const Result r = run(write_temp("bad.json", doc.dump()));
    CHECK(r.rc == 2);
    CHECK(r.err.find("runs[1].d: expected an integer") != std::string::npos);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    CHECK(r.out.empty());
}

TEST_CASE("an unknown GPU asks for --gpu, and --gpu overrides the provenance") {
    nlohmann::json doc = nlohmann::json::parse(flashsim::crosscheck::read_text_file(kFixtures + "synthetic_measurement.json"));
    doc["provenance"]["gpu"] = "Imaginary GPU 9000";
    const std::string path = write_temp("unknown_gpu.json", doc.dump());
    const Result bad = run(path);
    CHECK(bad.rc == 2);
    CHECK(bad.err.find("matches no preset") != std::string::npos);
    const Result ok = run(path + " --gpu h200");
    CHECK(ok.rc == 0);
    CHECK(ok.out.find("simulated on preset h200") != std::string::npos);
}

TEST_CASE("--json and --csv write the comparison to files") {
    const std::string json_path = (temp_dir() / "out.json").string(), csv_path = (temp_dir() / "out.csv").string();
    const Result r = run(kFixtures + "synthetic_measurement.json --json " + json_path + " --csv " + csv_path);
    REQUIRE(r.rc == 0);
    const auto j = nlohmann::json::parse(flashsim::crosscheck::read_text_file(json_path));
    CHECK(j["comparisons"].size() == 6);
    // The simulated L2 traffic is its parts: the reads that reach the tags, the reads that cross
    // between the two partitions, the writes as ncu counts them (background writes aside: the
    // fixture records none).
    int with_parts = 0;
    for (const auto& c : j["comparisons"]) {
        if (c["metrics"]["l2_traffic"]["simulated"].is_null()) continue;
        const double parts = c["sim_l2_reads_to_tags_bytes"].get<double>() + c["sim_l2_hop_bytes"].get<double>() +
                             c["sim_l2_writes_seen_bytes"].get<double>();
        CHECK(parts == doctest::Approx(c["metrics"]["l2_traffic"]["simulated"].get<double>()).epsilon(1e-12));
        CHECK(c["sim_l2_hop_bytes"].get<double>() > 0);
        ++with_parts;
    }
    CHECK(with_parts == 5);
    const std::string csv = flashsim::crosscheck::read_text_file(csv_path);
    CHECK(csv.rfind("label,version,kernel", 0) == 0);
}

TEST_CASE("an ncu CSV export takes its configuration from the options and needs --gpu") {
    const std::string csv = kFixtures + "synthetic_ncu_details.csv";
    const Result no_gpu = run(csv);
    CHECK(no_gpu.rc == 2);
    CHECK(no_gpu.err.find("pass --gpu") != std::string::npos);
    const Result ok = run(csv + " --gpu h100 --algo fa2 --N 512 --d 64 --heads 4 --batch 2 --kernel-regex my_attention");
    CHECK(ok.rc == 0);
    CHECK(ok.out.find("ncu details: 1 kernels ~ /my_attention/") != std::string::npos);
    const Result none = run(csv + " --gpu h100 --kernel-regex nothing_matches");
    CHECK(none.rc == 2);
    CHECK(none.err.find("matches none") != std::string::npos);
    // Problem options make no sense for a measurement file, which describes its own runs.
    const Result mixed = run(kFixtures + "synthetic_measurement.json --N 4096");
    CHECK(mixed.rc == 2);
    CHECK(mixed.err.find("--N applies to ncu CSV exports only") != std::string::npos);
}

TEST_CASE("several measurement files give one report each and a combined summary over all their runs") {
    const std::string f = kFixtures + "synthetic_measurement.json";
    const std::string copy = write_temp("second.json", flashsim::crosscheck::read_text_file(f));
    const Result r = run(f + " " + copy);
    REQUIRE(r.rc == 0);
    CHECK(r.out.find("flashsim crosscheck: " + f) != std::string::npos);
    CHECK(r.out.find("flashsim crosscheck: " + copy) != std::string::npos);
    const size_t combined = r.out.find("combined summary of 2 files");
    REQUIRE(combined != std::string::npos);
    // The same runs twice: every group of the combined summary holds twice the runs of one file.
    const auto one = nlohmann::json::parse(run(f + " --json -").out);
    const auto both = nlohmann::json::parse(run(f + " " + copy + " --json -").out);
    CHECK(both["schema"] == "flashsim-crosscheck-set/1");
    REQUIRE(both["reports"].size() == 2);
    CHECK(both["reports"][1]["comparisons"] == one["comparisons"]);
    REQUIRE(both["summary"].size() == one["summary"].size());
    for (size_t i = 0; i < one["summary"].size(); ++i) {
        CHECK(both["summary"][i]["runs"] == 2 * one["summary"][i]["runs"].get<int>());
        CHECK(both["summary"][i]["worst_abs_rel_err"] == one["summary"][i]["worst_abs_rel_err"]);
    }
    const std::string csv = run(f + " " + copy + " --csv -").out;
    CHECK(csv.rfind("source,label,version", 0) == 0);
    const size_t rows = size_t(std::count(csv.begin(), csv.end(), '\n')) - 1;
    CHECK(rows == 2 * one["comparisons"].size());
    // --markdown is one file's table; an ncu CSV export is compared alone.
    CHECK(run(f + " " + copy + " --markdown " + (temp_dir() / "t.md").string()).rc == 2);
    CHECK(run(f + " " + kFixtures + "synthetic_ncu_details.csv").rc == 2);
}

TEST_CASE("the cross-check prints the same bytes on one thread as on several") {
    const std::string f = kFixtures + "synthetic_measurement.json";
    const std::string copy = write_temp("third.json", flashsim::crosscheck::read_text_file(f));
    const Result one = run(f + " " + copy + " --jobs 1");
    const Result many = run(f + " " + copy + " --jobs 5");
    REQUIRE(one.rc == 0);
    CHECK(one.out == many.out);
    CHECK(run(f + " --jobs 1 --json -").out == run(f + " --jobs 3 --json -").out);
}
