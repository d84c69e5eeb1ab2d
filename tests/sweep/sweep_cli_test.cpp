// The sweep, units and presets commands as people use them: a table that keeps the points that do
// not run, a plot drawn by gnuplot, units every table names, and output paths that are devices.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/lessons/run_binary.h"

using flashsim_test::run_flashsim;
namespace fs = std::filesystem;

namespace {

std::string read_text(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

fs::path temp_dir(const char* name) {
    const fs::path d = fs::temp_directory_path() / (std::string(name) + std::to_string(::getpid()));
    fs::create_directories(d);
    return d;
}

const char* kBcSweep = "sweep --algos fa1 --vary Bc=64,256 --Br 64 --N 1024 --d 64 --heads 1 --gpu teaching --paper --no-timing";

}  // namespace

TEST_CASE("sweep --format table shows exact bytes and readable units, says which, and keeps a point that does not run") {
    const auto r = run_flashsim(std::string(kBcSweep) + " --format table");
    CAPTURE(r.output);
    CHECK(r.status == 0);
    // Bc = 64: FA1 reads 2Nd es + Tc (2Nd es + 8N) and writes Tc (Nd es + 8N), Tc = 16.
    const long N = 1024, d = 64, es = 2, Tc = 16;
    const long bytes = 2 * N * d * es + Tc * (2 * N * d * es + 8 * N) + Tc * (N * d * es + 8 * N);
    CHECK(r.output.find(" " + std::to_string(bytes) + " ") != std::string::npos);
    CHECK(r.output.find("6.50 MiB") != std::string::npos);
    CHECK(r.output.find("units: KiB, MiB = 2^10, 2^20 B") != std::string::npos);
    CHECK(r.output.find("does not run: fa1 Br=64 Bc=256") != std::string::npos);
    CHECK(r.output.find("2 points, 1 do not run") != std::string::npos);
    const auto si = run_flashsim(std::string(kBcSweep) + " --format table --units si");
    CHECK(si.output.find("6.82 MB") != std::string::npos);
    CHECK(si.output.find("units: SI") != std::string::npos);
}

TEST_CASE("sweep --format table marks the points the fast engine estimated, and --exact runs none") {
    // Vanilla at N = 2047, 16 heads on the h100: S and P large enough for 1 in 4 L2 sets
    // (l2_sampling_test.cpp); the other three points run every set, CTA and iteration.
    const std::string cmd = "sweep --algos vanilla fa2 --vary N=512,2047 --d 64 --heads 16 --gpu h100 --format table";
    const auto r = run_flashsim(cmd);
    CAPTURE(r.output);
    CHECK(r.status == 0);
    const size_t row = r.output.find("2047  vanilla");
    REQUIRE(row != std::string::npos);
    CHECK(r.output.substr(row, r.output.find('\n', row) - row).find("fast: 1 in 4 L2 sets") != std::string::npos);
    CHECK(r.output.find("4 points, 1 estimated by the fast engine") != std::string::npos);
    const auto e = run_flashsim(cmd + " --exact");
    CAPTURE(e.output);
    CHECK(e.output.find("fast:") == std::string::npos);
    CHECK(e.output.find("4 points\n") != std::string::npos);
}

TEST_CASE("run reports print bytes in the units asked for and name them") {
    const std::string cmd = "run --algo vanilla --N 1024 --d 64 --heads 1 --gpu teaching --paper --no-timing";
    CHECK(run_flashsim(cmd).output.find("2.00 MiB") != std::string::npos);           // S: N^2 fp16
    CHECK(run_flashsim(cmd + " --units si").output.find("2.10 MB") != std::string::npos);
    CHECK(run_flashsim(cmd + " --units exact").output.find("2097152 B") != std::string::npos);
    const auto bad = run_flashsim(cmd + " --units metric");
    CHECK(bad.status == 2);
    CHECK(bad.output.find("--units metric: unknown; allowed: readable (default), si, iec, exact") != std::string::npos);
}

TEST_CASE("sweep --plot draws a PNG or an SVG with gnuplot, and refuses other files before any work") {
    const fs::path dir = temp_dir("flashsim_plot_");
    if (std::system("gnuplot --version >/dev/null 2>&1") != 0) {
        MESSAGE("gnuplot not installed (Debian package gnuplot-nox): plots not drawn");
        CHECK(run_flashsim(std::string(kBcSweep) + " --plot '" + (dir / "a.png").string() + "'").status == 2);
    } else {
        const auto png = run_flashsim(std::string(kBcSweep) + " --log --csv '" + (dir / "a.csv").string() + "' --plot '" +
                                      (dir / "a.png").string() + "'");
        CAPTURE(png.output);
        CHECK(png.status == 0);
        CHECK(read_text(dir / "a.png").rfind("\x89PNG", 0) == 0);
        CHECK(read_text(dir / "a.csv").find(",0,\"fa1 Br=64 Bc=256") != std::string::npos);
        const auto svg = run_flashsim(std::string(kBcSweep) + " --plot-y hbm-read --plot '" + (dir / "a.svg").string() + "'");
        CHECK(svg.status == 0);
        CHECK(read_text(dir / "a.svg").find("<svg") != std::string::npos);
        CHECK(read_text(dir / "a.svg").find("closed form") != std::string::npos);
    }
    const auto jpg = run_flashsim(std::string(kBcSweep) + " --plot '" + (dir / "a.jpg").string() + "'");
    CHECK(jpg.status == 2);
    CHECK(jpg.output.find("FILE.png or FILE.svg") != std::string::npos);
    CHECK(run_flashsim(std::string(kBcSweep) + " --plot x.png --plot-y flops").status == 2);
    CHECK(run_flashsim(std::string(kBcSweep) + " --plot x.png --plot-x N").status == 2);
    CHECK_FALSE(fs::exists(fs::path(FLASHSIM_SOURCE_DIR) / "x.png"));
    fs::remove_all(dir);
}

TEST_CASE("an output path that is a pipe is refused, never replaced") {
    const fs::path dir = temp_dir("flashsim_fifo_");
    const fs::path fifo = dir / "out.csv";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    // Refused before any point runs (docs/robustness.md: outputs are regular files or new paths);
    // `timeout`: had the sweep opened the pipe, it would wait for a reader for ever.
    const auto r = run_flashsim(std::string(kBcSweep) + " --csv '" + fifo.string() + "'", FLASHSIM_SOURCE_DIR, "timeout 20");
    CAPTURE(r.output);
    CHECK(r.status == 2);
    CHECK(r.output.find("is a FIFO, device or socket") != std::string::npos);
    CHECK(fs::is_fifo(fifo));
    fs::remove_all(dir);
}

TEST_CASE("flashsim presets NAME prints what presets show NAME prints") {
    const auto a = run_flashsim("presets teaching"), b = run_flashsim("presets show teaching");
    CHECK(a.status == 0);
    CHECK(a.output == b.output);
    CHECK(a.output.find("sram_bytes_per_sm") != std::string::npos);
    CHECK(run_flashsim("presets nosuchgpu").status == 2);
}
