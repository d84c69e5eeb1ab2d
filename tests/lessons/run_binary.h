// run_binary.h: runs the real flashsim binary (FLASHSIM_BINARY) for the lesson and homework tests.
#pragma once
#include <array>
#include <cstdio>
#include <string>
#include <sys/wait.h>

namespace flashsim_test {

struct Ran {
    int status = -1;
    std::string output;  // stdout and stderr together
};

// Runs `flashsim ARGS` with the shell in `cwd`; `env` is prefixed ("FLASHSIM_LESSONS_DIR=x").
inline Ran run_flashsim(const std::string& args, const std::string& cwd = FLASHSIM_SOURCE_DIR, const std::string& env = "") {
    const std::string cmd = "cd '" + cwd + "' && " + env + (env.empty() ? "" : " ") + "'" + FLASHSIM_BINARY + "' " + args + " 2>&1";
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
