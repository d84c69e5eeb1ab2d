// The real flashsim binary (FLASHSIM_BINARY) on bad input: one line on stderr naming the problem,
// exit code 2, never a crash; files are left intact. And the verify, bench-counting and demo
// commands on good input.
#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "sim/gpu/gpu_spec.h"

namespace fs = std::filesystem;

namespace {

struct Outcome {
    int rc = -1;  // exit code; -1 when the process died of a signal
    std::string out, err;
};

// A scratch directory for this process, removed when the tests end.
struct ScratchDir {
    fs::path path = fs::temp_directory_path() / ("flashsim_cli_test_" + std::to_string(::getpid()));
    ScratchDir() { fs::create_directories(path); }
    ~ScratchDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

fs::path scratch_dir() {
    static const ScratchDir dir;
    return dir.path;
}

std::string slurp(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void write_file(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }

Outcome run_binary(const std::string& args) {
    const fs::path out = scratch_dir() / "stdout.txt", err = scratch_dir() / "stderr.txt";
    const std::string cmd = std::string(FLASHSIM_BINARY) + " " + args + " >" + out.string() + " 2>" + err.string();
    const int status = std::system(cmd.c_str());
    Outcome o;
    o.rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    o.out = slurp(out);
    o.err = slurp(err);
    return o;
}

// One clear line on stderr containing `what`, exit code 2.
void check_rejected(const std::string& args, const std::string& what) {
    const Outcome o = run_binary(args);
    CAPTURE(args);
    CAPTURE(o.err);
    CHECK(o.rc == 2);
    CHECK(o.err.rfind("flashsim: error: ", 0) == 0);
    CHECK(std::count(o.err.begin(), o.err.end(), '\n') == 1);
    CHECK(o.err.find(what) != std::string::npos);
}

std::string teaching_without(const std::string& key) {
    const std::string text = flashsim::preset_toml("teaching");
    const size_t at = text.find("\n" + key + " ");
    const size_t end = text.find('\n', at + 1);
    return text.substr(0, at) + text.substr(end);
}

}  // namespace

TEST_CASE("the binary rejects zero or negative sizes with one line and exit code 2") {
    check_rejected("run --N 0", "N=0 is out of range");
    check_rejected("run --N=-5", "N=-5 is out of range");
    check_rejected("run --d 0", "d=0 is out of range");
    check_rejected("run --heads -1", "H=-1 is out of range");
    check_rejected("run --batch 0", "B=0 is out of range");
    check_rejected("run --N abc", "('abc') for option '--N' is invalid");
    check_rejected("run --Br -3", "Br=-3 is out of range");
    check_rejected("run --l2-set-sampling -4", "l2-set-sampling=-4 is out of range");
    check_rejected("run --l2-set-sampling 3", "set sampling 1/3 must be a power of two");
}

TEST_CASE("the binary rejects block sizes larger than N or not fitting SRAM, showing the arithmetic") {
    check_rejected("run --N 1024 --Br 2048 --Bc 64", "Br=2048 is larger than N=1024");
    // fa1 256 x 256, d = 128, fp16: (256*256 + 4*256*128) * 2 B = 384 KiB; h100 has 228 KiB.
    const int64_t kib = (256 * 256 + 4 * 256 * 128) * 2 / 1024;
    check_rejected("run --algo fa1 --Br 256 --Bc 256 --d 128 --gpu h100",
                   "needs " + std::to_string(kib) + " KiB of SRAM (Sij 256x256 + Qi 256x128 + Kj 256x128 + Vj 256x128 + Oi 256x128");
    check_rejected("run --algo fa1 --Br 256 --Bc 256 --d 128 --gpu h100", "the h100 preset has 228 KiB per SM");
    // Each pass is checked against its own footprint, and the error names the pass.
    check_rejected("run --algo fa2 --d 128 --pass fwdbwd --bwd-Br 128 --bwd-Bc 128 --gpu a100-40gb",
                   "the backward (pass=fwdbwd): fa2 Br=128 Bc=128 warps=8");
    check_rejected("run --pass fwd --bwd-Br 64", "bwd-Br=64 with pass=fwd");
    check_rejected("run --pass bwd --Br 64 --bwd-Br 32", "Br=64 and bwd-Br=32 with pass=bwd");
}

TEST_CASE("the binary rejects unknown algorithms, presets, commands and element types") {
    check_rejected("run --algo fa4", "algo='fa4' is unknown; allowed: vanilla, fa1, fa2, fa3");
    check_rejected("run --gpu h900", "gpu='h900' is neither a preset nor a .toml file");
    check_rejected("frobnicate", "unknown command 'frobnicate'");
    check_rejected("run --dtype fp64", "dtype='fp64' is unknown");
    check_rejected("presets show h900", "h900");
}

TEST_CASE("the binary rejects malformed, incomplete and unknown-key preset files naming the key") {
    const fs::path bad = scratch_dir() / "malformed.toml", part = scratch_dir() / "incomplete.toml",
                   extra = scratch_dir() / "extra.toml";
    write_file(bad, "name = \"x\"\ndescription = \"y\"\nsm_count = = 3\n");
    write_file(part, teaching_without("hbm_latency_cycles"));
    write_file(extra, flashsim::preset_toml("teaching") + "warp_size = 32\n");
    check_rejected("run --gpu " + bad.string(), "malformed.toml:3:");
    check_rejected("run --gpu " + part.string(), "missing key 'hbm_latency_cycles'");
    check_rejected("run --gpu " + extra.string(), "unknown key 'warp_size'");
    check_rejected("run --gpu " + (scratch_dir() / "absent.toml").string(), "cannot be read");
}

TEST_CASE("the binary rejects --set of an unknown field or a non-number") {
    check_rejected("run --set warp_size=32", "--set warp_size: unknown GPU field");
    check_rejected("run --set sram_bytes_per_sm=abc", "--set sram_bytes_per_sm=abc: not a whole number (bytes)");
    check_rejected("run --set clock_hz=fast", "not a number (Hz)");
    check_rejected("run --set clock_hz", "expected KEY=VALUE");
}

TEST_CASE("the binary rejects sweeps with a bad range") {
    check_rejected("sweep --vary N=8:2", "the range does not advance from START to STOP");
    check_rejected("sweep --vary N=0:8", "needs START > 0");
    check_rejected("sweep --vary N=a:b", "'a' is not a number");
    check_rejected("sweep --vary N=64:128:+0", "does not advance");
    check_rejected("sweep --vary N=1.5,2", "1.500000 is not a whole number");
    check_rejected("sweep --vary N=1e30:1e31", "out of range");
    check_rejected("sweep --vary foo=1:4", "unknown GPU field");
    check_rejected("sweep", "needs at least one --vary");
}

TEST_CASE("output to a directory that does not exist is refused and existing files stay intact") {
    check_rejected("run --json /nonexistent_dir/x.json", "directory '/nonexistent_dir' does not exist");
    check_rejected("sweep --vary N=64:128 --csv /nonexistent_dir/x.csv", "does not exist");
    const fs::path keep = scratch_dir() / "keep.json";
    write_file(keep, "keep me\n");
    // A bad problem, and a good one whose second output cannot be written: neither touches keep.json.
    check_rejected("run --N 0 --json " + keep.string(), "N=0");
    check_rejected("run --no-timing --json " + keep.string() + " --csv /nonexistent_dir/x.csv", "does not exist");
    check_rejected("verify --N 64 --dump-output /nonexistent_dir/o.json", "does not exist");
    CHECK(slurp(keep) == "keep me\n");
}

TEST_CASE("verify refuses sizes that would take too long and naive tiles on vanilla") {
    check_rejected("verify --N 100000 --d 64 --heads 2", "allowed: at most 2^32");
    check_rejected("verify --algo vanilla --naive-tiles --N 64", "naive tiles apply to the tiled algorithms");
    check_rejected("verify --pass bwd --N 64", "pass=bwd is not executed yet; allowed: fwd");
}

TEST_CASE("verify reports a match and equal bytes, and dumps O as JSON") {
    const fs::path dump = scratch_dir() / "o.json";
    const Outcome o = run_binary("verify --algo fa2 --N 96 --d 16 --heads 2 --batch 2 --causal --Br 32 --Bc 24 --gpu teaching "
                               "--seed 5 --dump-output " + dump.string());
    CAPTURE(o.out);
    CAPTURE(o.err);
    CHECK(o.rc == 0);
    CHECK(o.out.find("matches the reference") != std::string::npos);
    CHECK(o.out.find("functional == counted") != std::string::npos);
    const auto j = nlohmann::json::parse(slurp(dump));
    CHECK(j["B"] == 2);
    CHECK(j["H"] == 2);
    CHECK(j["N"] == 96);
    CHECK(j["d"] == 16);
    CHECK(j["dtype"] == "fp16");
    CHECK(j["causal"] == true);
    CHECK(j["seed"] == 5);
    CHECK(j["O"].size() == size_t(2 * 2 * 96 * 16));
    const Outcome naive = run_binary("verify --algo fa2 --N 96 --d 16 --Br 32 --Bc 24 --gpu teaching --naive-tiles");
    CHECK(naive.rc == 0);
    CHECK(naive.out.find("does NOT match the reference") != std::string::npos);
}

TEST_CASE("bench-fast draws one kind of shapes at a time and refuses a count of cases out of range") {
    check_rejected("bench-fast --long --long-fused", "--long and --long-fused draw different shapes");
    check_rejected("bench-fast --waves --fused", "draw different shapes");
    check_rejected("bench-fast --cases 0", "cases=0 is out of range");
}

TEST_CASE("bench-counting runs and prints trace ops per second") {
    const Outcome o = run_binary("bench-counting --N 2048 --heads 2");
    CAPTURE(o.err);
    CHECK(o.rc == 0);
    CHECK(o.out.find("million trace ops/s") != std::string::npos);
    CHECK(o.out.find("head-symmetric counts equal the all-heads walk") != std::string::npos);
}

TEST_CASE("the demo names the rows the fast engine estimated, and none of the classroom default's") {
    // Vanilla at N = 2047, 16 heads on the h100: S and P large enough for 1 in 4 L2 sets
    // (tests/engine/l2_sampling_test.cpp); FA1 and FA2 there run every set.
    const Outcome big = run_binary("demo --N 2047 --d 64 --heads 16 --gpu h100");
    CAPTURE(big.err);
    CHECK(big.rc == 0);
    CHECK(big.out.find("vanilla: the fast engine's estimate (1 in 4 L2 sets") != std::string::npos);
    CHECK(big.out.find("fa2: the fast engine's estimate") == std::string::npos);
    const Outcome dflt = run_binary("demo");
    CHECK(dflt.rc == 0);
    CHECK(dflt.out.find("the fast engine's estimate") == std::string::npos);
}
