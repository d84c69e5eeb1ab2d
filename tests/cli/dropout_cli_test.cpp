// --dropout on the command line: refused out of range in one line with exit 2 (run and sweep), and
// written to the JSON and CSV outputs; a sweep varies it like any problem key.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/lessons/run_binary.h"

namespace {

using flashsim_test::Ran;

Ran run(const std::string& args, bool with_stderr = true) {
    return flashsim_test::run_flashsim(args, FLASHSIM_SOURCE_DIR, "", with_stderr);
}

}  // namespace

TEST_CASE("flashsim refuses a dropout outside 0 <= p < 1, on vanilla, or in verify, in one line with exit 2") {
    for (const char* bad : {"1", "1.5", "-0.1", "nan", "abc", "inf"}) {
        CAPTURE(bad);
        const Ran r = run(std::string("run --no-timing --N 64 --dropout=") + bad);
        CHECK(r.status == 2);
        CHECK(std::count(r.output.begin(), r.output.end(), '\n') == 1);
        CHECK(r.output.find("dropout") != std::string::npos);
    }
    const Ran vanilla = run("run --no-timing --N 64 --algo vanilla --dropout 0.1");
    CHECK(vanilla.status == 2);
    CHECK(vanilla.output.find("vanilla models no dropout") != std::string::npos);
    const Ran verify = run("verify --N 64 --algo fa2 --dropout 0.1");
    CHECK(verify.status == 2);
    CHECK(verify.output.find("without dropout") != std::string::npos);
    const Ran sweep = run("sweep --no-timing --N 64 --vary dropout=0,1");
    CHECK(sweep.status == 2);
    CHECK(sweep.output.find("--vary dropout: 1 is out of range") != std::string::npos);
}

TEST_CASE("the JSON and CSV outputs carry the dropout the run used, the algorithm's default when not given") {
    const auto dropout_of = [](const std::string& args) {
        const Ran r = run("run --no-timing --paper --N 64 --json - " + args, false);
        REQUIRE(r.status == 0);
        return nlohmann::json::parse(r.output)["problem"]["dropout"].get<double>();
    };
    CHECK(dropout_of("--algo fa2") == 0);
    CHECK(dropout_of("--algo standard") == doctest::Approx(0.1));  // GPT-2's attn_pdrop
    CHECK(dropout_of("--algo standard --dropout 0") == 0);
    CHECK(dropout_of("--algo fa1 --dropout 0.25") == doctest::Approx(0.25));
    const Ran csv = run("run --no-timing --paper --N 64 --algo fa2 --dropout 0.25 --csv -", false);
    REQUIRE(csv.status == 0);
    const std::string header = csv.output.substr(0, csv.output.find('\n'));
    CHECK(header.find(",causal,dropout,") != std::string::npos);
    CHECK(csv.output.find(",0,0.25,") != std::string::npos);  // causal 0, dropout 0.25
}

TEST_CASE("a sweep varies dropout: FlashAttention's HBM bytes stay, standard's grow by its dropout kernels") {
    const Ran r = run("sweep --no-timing --paper --N 128 --heads 1 --algos fa2 standard --vary dropout=0,0.1 --json -", false);
    REQUIRE(r.status == 0);
    const auto rows = nlohmann::json::parse(r.output);
    REQUIRE(rows.size() == 4);  // dropout 0: fa2, standard; dropout 0.1: fa2, standard
    const auto hbm = [&](size_t i) {
        const auto& t = rows[i]["counts"]["total"];
        return t["hbm_read_bytes"].get<uint64_t>() + t["hbm_write_bytes"].get<uint64_t>();
    };
    CHECK(rows[2]["problem"]["dropout"].get<double>() == doctest::Approx(0.1));
    CHECK(hbm(2) == hbm(0));
    CHECK(hbm(3) > hbm(1));
    CHECK(rows[2]["counts"]["vector_flops"].get<uint64_t>() > rows[0]["counts"]["vector_flops"].get<uint64_t>());
}
