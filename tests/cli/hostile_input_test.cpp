// The hostile-input table: every class of bad input issue 16 lists, and its cousins, through the
// real binary. Each row expects what a careless user or an attacker must get: exit code 2, no
// signal, within a few seconds, exactly one line on stderr naming the file, field or value (the
// row's `names`), nothing on stdout that reads nan or inf, and nothing already there replaced.
// A few rows are the extreme values that are allowed: they must run to finite results.
#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "sim/gpu/gpu_spec.h"
#include "tests/cli/run_limited.h"

namespace fs = std::filesystem;

namespace {

struct Scratch {
    fs::path path = fs::temp_directory_path() / ("flashsim_hostile_" + std::to_string(::getpid()));
    Scratch() {
        fs::remove_all(path);
        fs::create_directories(path);
    }
    ~Scratch() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

const fs::path& dir() {
    static const Scratch s;
    return s.path;
}

std::string at(const std::string& name) { return (dir() / name).string(); }

void write(const std::string& name, const std::string& text) { std::ofstream(at(name), std::ios::binary) << text; }

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// The h100 preset with one line replaced (or added when `key` is not in it).
std::string h100_with(const std::string& key, const std::string& value) {
    std::istringstream in(flashsim::preset_toml("h100"));
    std::string out;
    bool found = false;
    for (std::string line; std::getline(in, line);) {
        if (line.rfind(key + " ", 0) == 0) line = key + " = " + value, found = true;
        out += line + "\n";
    }
    if (!found) out += key + " = " + value + "\n";
    return out;
}

std::string nested(char open, char close, int depth, const std::string& inner) {
    return std::string(size_t(depth), open) + inner + std::string(size_t(depth), close);
}

const char* kMeasurementHead = R"({"schema": "flashsim-measurement/1", "provenance": {"gpu": "NVIDIA H100 80GB HBM3"}, )";

std::string ncu_details(const std::string& name, const std::string& value) {
    return "\"ID\",\"Kernel Name\",\"Metric Name\",\"Metric Unit\",\"Metric Value\"\n"
           "\"0\",\"" + name + "\",\"dram__bytes_read.sum\",\"byte\",\"" + value + "\"\n";
}

struct Row {
    const char* name;                  // the class and the cousin
    std::function<void()> setup;       // files the row needs, under dir()
    std::vector<std::string> args;     // relative paths are relative to dir()
    std::string names;                 // the one line must contain this (file, field, value)
    int rc = 2;                        // 0: an extreme but allowed input, which must run finitely
    std::vector<std::string> env = {};
    std::string untouched = "";        // a path whose bytes must be the same afterwards
};

void none() {}

std::vector<Row> table() {
    const std::string lessons = "FLASHSIM_LESSONS_DIR=" + at("lessons");
    auto lesson_with = [](const std::string& toml) {
        return [toml] {
            fs::create_directories(dir() / "lessons" / "01-evil");
            write("lessons/01-evil/lesson.md", "# Lesson 1: evil\n");
            write("lessons/01-evil/evil.toml", toml);
        };
    };
    return {
        // Non-finite and absurd numbers in a GPU file, and on the command line.
        {"preset: nan", [] { write("nan.toml", h100_with("clock_hz", "nan")); }, {"run", "--gpu", "nan.toml"}, "clock_hz=nan is out of range"},
        {"preset: inf", [] { write("inf.toml", h100_with("hbm_bytes_per_s", "inf")); }, {"run", "--gpu", "inf.toml"}, "hbm_bytes_per_s=inf"},
        {"preset: -inf", [] { write("minf.toml", h100_with("l2_latency_cycles", "-inf")); }, {"run", "--gpu", "minf.toml"}, "l2_latency_cycles=-inf"},
        {"preset: negative latency", [] { write("neg.toml", h100_with("hbm_latency_cycles", "-1")); }, {"run", "--gpu", "neg.toml"}, "hbm_latency_cycles=-1"},
        {"preset: latency 1e308 cycles", [] { write("lat.toml", h100_with("hbm_latency_cycles", "1e308")); }, {"run", "--gpu", "lat.toml"}, "hbm_latency_cycles=1e+308"},
        {"preset: rate 1e-300", [] { write("rate.toml", h100_with("exp_per_s", "1e-300")); }, {"run", "--gpu", "rate.toml"}, "exp_per_s=1e-300"},
        {"preset: tiny rate where 0 means 'none'", [] { write("fp8.toml", h100_with("tensor_flops_per_s_fp8", "1e-300")); }, {"run", "--gpu", "fp8.toml"}, "tensor_flops_per_s_fp8=1e-300"},
        {"preset: line x ways wraps 64 bits", [] { write("wrap.toml", h100_with("l2_line_bytes", "4611686018427387904")); }, {"run", "--gpu", "wrap.toml"}, "l2_line_bytes=4611686018427387904"},
        {"preset: ways x line wraps 64 bits", [] { write("ways.toml", h100_with("l2_ways", "4611686018427387904")); }, {"run", "--gpu", "ways.toml"}, "l2_ways=4611686018427387904"},
        {"preset: int64 max SMs", [] { write("sms.toml", h100_with("sm_count", "9223372036854775807")); }, {"run", "--gpu", "sms.toml"}, "sm_count=9223372036854775807"},
        {"preset: 1 TiB of L2", [] { write("l2.toml", h100_with("l2_bytes", "1099511627776")); }, {"run", "--gpu", "l2.toml"}, "l2_bytes=1099511627776"},
        {"preset: the file names itself", [] { write("named.toml", h100_with("clock_hz", "nan")); }, {"run", "--gpu", "named.toml"}, "named.toml"},
        {"--set nan", none, {"run", "--set", "clock_hz=nan"}, "clock_hz=nan: not a number"},
        {"--set 1e308 cycles", none, {"run", "--set", "hbm_latency_cycles=1e308"}, "hbm_latency_cycles=1e+308 is out of range"},
        {"--set 1e-300 rate", none, {"run", "--set", "vector_flops_per_s=1e-300"}, "vector_flops_per_s=1e-300 is out of range"},
        {"--set 1e400", none, {"run", "--set", "clock_hz=1e400"}, "clock_hz=1e400: not a number"},
        {"--set ways 1e18", none, {"run", "--set", "l2_ways=1e18"}, "l2_ways=1000000000000000000 is out of range"},
        {"lesson file: nan in [set]", lesson_with("algo = \"fa2\"\n[set]\nclock_hz = nan\n"), {"lesson", "run", "1"}, "evil.toml", 2, {lessons}},
        {"lesson file: latency 1e308 in [set]", lesson_with("[set]\nhbm_latency_cycles = 1e308\n"), {"lesson", "run", "1"}, "hbm_latency_cycles=1e+308", 2, {lessons}},
        {"lesson file: gpu = /dev/zero", lesson_with("gpu = \"/dev/zero\"\n"), {"lesson", "run", "1"}, "/dev/zero' is a character device", 2, {lessons}},
        // Unbounded reads: devices, FIFOs, directories and oversized files are refused unread.
        {"--gpu /dev/zero", none, {"run", "--gpu", "/dev/zero"}, "gpu file '/dev/zero' is a character device"},
        {"--gpu FIFO", [] { ::mkfifo(at("fifo.toml").c_str(), 0600); }, {"run", "--gpu", "fifo.toml"}, "fifo.toml' is a FIFO"},
        {"--gpu directory", [] { fs::create_directories(dir() / "dir.toml"); }, {"run", "--gpu", "dir.toml"}, "dir.toml' is a directory"},
        {"--gpu 2 MiB file", [] { write("big.toml", std::string(2 << 20, '#')); }, {"run", "--gpu", "big.toml"}, "big.toml' is 2097152 bytes; allowed: at most 1 MiB"},
        {"crosscheck /dev/zero", none, {"crosscheck", "/dev/zero"}, "'/dev/zero' is a character device"},
        {"crosscheck FIFO", [] { ::mkfifo(at("fifo.json").c_str(), 0600); }, {"crosscheck", "fifo.json"}, "fifo.json' is a FIFO"},
        {"viz --config directory", [] { fs::create_directories(dir() / "config-dir"); }, {"viz", "--config", "config-dir"},
         fs::exists(fs::path(FLASHSIM_BINARY).parent_path() / "flashsim-viz") ? "--config 'config-dir' is a directory"
                                                                               : "the viewer is not built"},
        {"homework grade FIFO", [] { ::mkfifo(at("fifo-answers.json").c_str(), 0600); }, {"homework", "grade", "fifo-answers.json"}, "fifo-answers.json' is a FIFO"},
        {"homework grade /dev/zero", none, {"homework", "grade", "/dev/zero"}, "'/dev/zero' is a character device"},
        // Deep or long input: bounded recursion, no regex on unbounded text.
        {"answers nested 50000 deep", [] { write("deep.json", "{\"homework\": \"flashsim\", \"answers\": " + nested('[', ']', 50000, "1") + "}"); },
         {"homework", "grade", "deep.json"}, "deep.json: arrays/objects nested deeper than 64"},
        {"answers with 1e400", [] { write("big.json", R"({"homework": "flashsim", "format": 1, "seed": 1e400})"); }, {"homework", "grade", "big.json"}, "big.json: not valid JSON"},
        {"measurement nested 100000 deep", [] { write("deep-m.json", nested('{', '}', 1, "\"a\": " + nested('[', ']', 100000, ""))); },
         {"crosscheck", "deep-m.json"}, "deep-m.json': arrays/objects nested deeper than 64"},
        {"measurement with 1e400", [] { write("e400.json", std::string(kMeasurementHead) + R"("runs": [{"version": 1e400}]})"); }, {"crosscheck", "e400.json"}, "e400.json': not valid JSON"},
        {"measurement B*H*N*d overflows", [] {
             write("ovf.json", std::string(kMeasurementHead) +
                                   R"("runs": [], "outputs": [{"version": 1, "B": 4294967296, "H": 4294967296, "N": 4294967296, "d": 4294967296, "O": []}]})");
         }, {"crosscheck", "ovf.json"}, "outputs[0].O: B*H*N*d overflows 64 bits"},
        {"measurement time 1e-300 ms", [] {
             write("t.json", std::string(kMeasurementHead) +
                                 R"("runs": [{"version": 5, "B": 1, "H": 1, "N": 128, "d": 64, "causal": false, "algo": "fa2", "time_ms_median": 1e-300}]})");
         }, {"crosscheck", "t.json"}, "runs[0].time_ms_median: must be >= 1e-9 ms"},
        {"measurement 1e300 bytes", [] {
             write("m.json", std::string(kMeasurementHead) +
                                 R"("runs": [{"version": 5, "B": 1, "H": 1, "N": 128, "d": 64, "causal": false, "algo": "fa2", "ncu": {"dram__bytes_read.sum": 1e300}}]})");
         }, {"crosscheck", "m.json"}, "runs[0].ncu.dram__bytes_read.sum: 1e+300 is out of range"},
        {"ncu CSV: 100000-character kernel name", [] { write("long.csv", ncu_details(std::string(100000, 'k'), "1")); }, {"crosscheck", "long.csv", "--gpu", "h100"}, "a kernel name of 100000 characters"},
        {"ncu CSV: negative value", [] { write("neg.csv", ncu_details("fa2", "-5")); }, {"crosscheck", "neg.csv", "--gpu", "h100"}, "value '-5' is not a number"},
        {"ncu CSV: inf", [] { write("inf.csv", ncu_details("fa2", "inf")); }, {"crosscheck", "inf.csv", "--gpu", "h100"}, "value 'inf' is not a number"},
        {"ncu CSV: nan", [] { write("nan.csv", ncu_details("fa2", "nan")); }, {"crosscheck", "nan.csv", "--gpu", "h100"}, "value 'nan' is not a number"},
        {"ncu CSV: hex float", [] { write("hex.csv", ncu_details("fa2", "0x1p20")); }, {"crosscheck", "hex.csv", "--gpu", "h100"}, "value '0x1p20' is not a number"},
        {"ncu CSV: 1e400", [] { write("e400.csv", ncu_details("fa2", "1e400")); }, {"crosscheck", "e400.csv", "--gpu", "h100"}, "value '1e400' is not a number"},
        {"ncu CSV: 1e29 Gbyte", [] {
             write("scale.csv", "\"ID\",\"Kernel Name\",\"Metric Name\",\"Metric Unit\",\"Metric Value\"\n"
                                "\"0\",\"fa2\",\"dram__bytes_read.sum\",\"Gbyte\",\"1e29\"\n");
         }, {"crosscheck", "scale.csv", "--gpu", "h100"}, "dram__bytes_read.sum: 1e29 Gbyte is out of range"},
        {"ncu CSV: a backtracking pattern on a 4096-character name", [] { write("bt.csv", ncu_details(std::string(4096, 'a'), "1")); },
         {"crosscheck", "bt.csv", "--gpu", "h100", "--kernel-regex", "(a*)*b"}, "'(a*)*b' matches none of the 1 kernels"},
        {"ncu CSV: a back-reference", [] { write("br.csv", ncu_details("fa2", "1")); },
         {"crosscheck", "br.csv", "--gpu", "h100", "--kernel-regex", "(a)\\1"}, "is not a valid regular expression"},
        {"ncu CSV: 300-character pattern", [] { write("ok.csv", ncu_details("fa2", "1")); },
         {"crosscheck", "ok.csv", "--gpu", "h100", "--kernel-regex", std::string(300, 'a')}, "--kernel-regex is 300 characters long"},
        // Work without bounds: refused (with the estimate) before it starts.
        {"--stages 1000000", none, {"run", "--stages", "1000000"}, "stages=1000000 is out of range; allowed: 1 to 8"},
        {"--warps 1000000", none, {"run", "--warps", "1000000"}, "warps=1000000 is out of range"},
        {"N = 2^24, 16 heads", none, {"run", "--N", "16777216"}, "would overflow 64 bits"},
        {"N = 2^24, one head", none, {"run", "--N", "16777216", "--heads", "1"}, "Tr=131072 x Tc=131072"},
        {"N = 2^24, one head, counting only", none, {"run", "--N", "16777216", "--heads", "1", "--no-timing"}, "1 head (counting only)"},
        {"Br = Bc = 1", none, {"run", "--N", "65536", "--Br", "1", "--Bc", "1"}, "Tr=65536 x Tc=65536"},
        {"sweep up to N = 2^24", none, {"sweep", "--heads", "1", "--vary", "N=4096:16777216"}, "tile steps"},
        {"sweep of a million one-tile points with the L2 model", none,
         {"sweep", "--N", "64", "--heads", "1", "--gpu", "h100", "--vary", "d=1:1000:+1", "--vary", "batch=1:1000:+1"}, "more than 100000 points"},
        // Hours by the walk's estimate too (vanilla at N = 16384 over up to 2048 x 16 heads), not only
        // by the closed form's (FA2 at N = 65536 over 210 heads, refused so until 2026-12-07, runs in
        // seconds).
        {"sweep of many slow points", none,
         {"sweep", "--algo", "vanilla", "--N", "16384", "--d", "128", "--gpu", "h100", "--vary", "batch=64:2048"}, "minutes in all"},
        // Output paths: never replaced unless a regular file; stray and empty arguments refused.
        {"--json symlink", [] {
             write("target.txt", "keep me\n");
             fs::create_symlink(at("target.txt"), at("link.json"));
         }, {"run", "--json", "link.json"}, "link.json' is a symbolic link", 2, {}, "target.txt"},
        {"--csv FIFO", [] { ::mkfifo(at("out.fifo").c_str(), 0600); }, {"run", "--csv", "out.fifo"}, "out.fifo' is a FIFO, device or socket"},
        // (A link to /dev/null, never /dev/null itself: run as root, a binary with this bug
        // would replace the machine's /dev/null; here it could only replace the link.)
        {"--json link to /dev/null", [] { fs::create_symlink("/dev/null", at("null.json")); }, {"run", "--json", "null.json"}, "null.json' is a symbolic link"},
        {"--json directory", [] { fs::create_directories(dir() / "outdir"); }, {"run", "--json", "outdir"}, "'outdir' is a directory"},
        {"--json in a missing directory", none, {"run", "--json", "no/such/dir/out.json"}, "directory 'no/such/dir' does not exist"},
        {"--json ''", none, {"run", "--json", ""}, "--json='': an empty value"},
        {"--gpu ''", none, {"run", "--gpu", ""}, "--gpu='': an empty value"},
        {"run extra", none, {"run", "extra"}, "unexpected argument 'extra'"},
        // A switch takes no value: -v / --verbose is not "an empty value" (main() reads it for the log level).
        {"-v", none, {"run", "--N", "256", "--no-timing", "-v"}, "", 0},
        {"--verbose", none, {"sweep", "--vary", "N=256", "--no-timing", "--verbose"}, "", 0},
        {"sweep extra", none, {"sweep", "--vary", "N=512", "extra"}, "unexpected argument 'extra'"},
        {"crosscheck two files, the first missing", none, {"crosscheck", "a.json", "b.json"}, "file 'a.json' cannot be read"},
        {"homework grade two files", none, {"homework", "grade", "a.json", "b.json"}, "unexpected argument 'b.json'"},
        {"presets list extra", none, {"presets", "list", "extra"}, "presets: expected 'list', 'show NAME', NAME or 'fields'"},
        // Extreme values that are allowed: they run, and every number they print is finite.
        {"slowest allowed GPU", none,
         {"run", "--N", "256", "--set", "clock_hz=1e6", "--set", "hbm_latency_cycles=1e7", "--set", "hbm_bytes_per_s=1e6",
          "--set", "exp_per_s=1e6", "--set", "vector_flops_per_s=1e6"}, "", 0},
        {"fastest allowed GPU", none,
         {"run", "--N", "256", "--set", "clock_hz=1e11", "--set", "hbm_bytes_per_s=1e16", "--set", "l2_bytes_per_s=1e16",
          "--set", "tensor_flops_per_s_fp16=1e18", "--set", "hbm_latency_cycles=0", "--set", "l2_latency_cycles=0"}, "", 0},
        {"N = 1, d = 1", none, {"run", "--N", "1", "--d", "1", "--heads", "1"}, "", 0},
    };
}

}  // namespace

TEST_CASE("hostile input: one line naming the problem, exit 2, no signal, no hang, no nan or inf") {
    const std::vector<Row> rows = table();
    int passed = 0;
    for (const Row& row : rows) {
        const std::string name = row.name;
        CAPTURE(name);
        row.setup();
        const std::string before = row.untouched.empty() ? "" : slurp(at(row.untouched));
        const flashsim_test::Limited r = flashsim_test::run_limited(row.args, dir().string(), 10.0, dir().string(), row.env);
        CAPTURE(r.err);
        CHECK_FALSE(r.timed_out);
        CHECK(r.signal == 0);
        CHECK(r.rc == row.rc);
        CHECK(r.seconds < 10.0);
        static const std::regex nonfinite(R"((^|[^A-Za-z])(-?nan|-?inf)([^A-Za-z]|$))", std::regex::icase);
        CHECK_FALSE(std::regex_search(r.out, nonfinite));
        if (row.rc == 2) {
            CHECK(r.err.find(row.names) != std::string::npos);
            CHECK((r.err.rfind("flashsim: error: ", 0) == 0 || r.err.rfind("flashsim-viz: error: ", 0) == 0));
            CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
        } else {
            CHECK(r.err.empty());
        }
        if (!row.untouched.empty()) CHECK(slurp(at(row.untouched)) == before);
        passed += !r.timed_out && r.signal == 0 && r.rc == row.rc;
    }
    MESSAGE(passed << " of " << rows.size() << " hostile-input rows end as expected");
    CHECK(rows.size() >= 50);
}
