// support.h: helpers of the viewer's tests: run the viewer and capture its exit code and stderr,
// read a PNG, and walk the ops of one CTA of a trace.
#pragma once
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <vector>

#include "sim/trace/trace.h"
#include "tests/trace/cta_ops.h"

namespace vizt {

struct RunOut {
    int code = -1;
    std::string out, err;
};

inline std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

inline std::filesystem::path temp_dir(const std::string& name) {
    auto d = std::filesystem::temp_directory_path() / ("flashsim_viz_test_" + name);
    std::filesystem::remove_all(d);
    std::filesystem::create_directories(d);
    return d;
}

// Runs the viewer with `args` (under xvfb-run when `xvfb`, on an X screen of `screen` pixels).
inline RunOut run_viewer(const std::string& args, bool xvfb, const std::filesystem::path& dir,
                         const std::string& screen = "1600x1000") {
    const std::string out = (dir / "stdout.txt").string(), err = (dir / "stderr.txt").string();
    std::string cmd = std::string(xvfb ? "xvfb-run -a -s '-screen 0 " + screen + "x24' " : "") + "'" FLASHSIM_VIEWER "' " + args +
                      " >'" + out + "' 2>'" + err + "'";
    const int st = std::system(cmd.c_str());
    RunOut r;
    r.code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    r.out = slurp(out);
    r.err = slurp(err);
    return r;
}

using flashsim::test::cta_ops;

inline int64_t count_lines(const std::string& s) {
    int64_t n = 0;
    for (char c : s) n += c == '\n';
    return n;
}

}  // namespace vizt
