// run_binary.h: runs the real flashsim binary (FLASHSIM_BINARY) for the tests that drive the command
// line (lessons, homework, the backward and dropout options).
#pragma once
#include <array>
#include <cstdio>
#include <string>
#include <sys/wait.h>

namespace flashsim_test {

struct Ran {
    int status = -1;
    std::string output;  // stdout and stderr together (stdout alone with with_stderr = false)
};

// Runs `flashsim ARGS` with the shell in `cwd`; `env` is prefixed ("FLASHSIM_LESSONS_DIR=x").
inline Ran run_flashsim(const std::string& args, const std::string& cwd = FLASHSIM_SOURCE_DIR, const std::string& env = "",
                        bool with_stderr = true) {
    const std::string cmd = "cd '" + cwd + "' && " + env + (env.empty() ? "" : " ") + "'" + FLASHSIM_BINARY + "' " + args +
                            (with_stderr ? " 2>&1" : " 2>/dev/null");
    Ran r;
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) return r;
    std::array<char, 4096> buf;
    size_t n;
    while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.output.append(buf.data(), n);
    const int st = pclose(p);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return r;
}

}  // namespace flashsim_test
