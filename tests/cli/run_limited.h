// run_limited.h: runs the real flashsim binary with a wall-clock limit, stdout and stderr apart,
// and reports how it ended (exit code, or the signal that killed it), for the hostile-input table.
#pragma once
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace flashsim_test {

struct Limited {
    int rc = -1;          // exit code, -1 when killed by a signal
    int signal = 0;       // the signal, 0 when it exited
    bool timed_out = false;
    double seconds = 0;
    std::string out, err;
};

// Runs FLASHSIM_BINARY with `args` in `cwd`, `env` added ("NAME=value"), stdin from /dev/null;
// kills it (SIGKILL) after `limit_s` seconds. Output goes through files in `scratch`.
inline Limited run_limited(const std::vector<std::string>& args, const std::string& scratch, double limit_s,
                           const std::string& cwd = ".", const std::vector<std::string>& env = {}) {
    const std::string out_path = scratch + "/run.stdout", err_path = scratch + "/run.stderr";
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&fa, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    // The child runs in `cwd`: spawn a shell-free `cd` by changing ours around the spawn.
    std::vector<std::string> argv_s{FLASHSIM_BINARY};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<std::string> env_s;
    for (char** e = environ; *e; ++e) env_s.emplace_back(*e);
    env_s.insert(env_s.end(), env.begin(), env.end());
    std::vector<char*> envp;
    for (auto& e : env_s) envp.push_back(e.data());
    envp.push_back(nullptr);
    Limited r;
    char old_cwd[4096];
    if (!getcwd(old_cwd, sizeof old_cwd) || chdir(cwd.c_str()) != 0) return r;
    pid_t pid = 0;
    const auto t0 = std::chrono::steady_clock::now();
    const int spawned = posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), envp.data());
    if (chdir(old_cwd) != 0) return r;
    posix_spawn_file_actions_destroy(&fa);
    if (spawned != 0) return r;
    int status = 0;
    for (;;) {
        const pid_t w = waitpid(pid, &status, WNOHANG);
        r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (w == pid) break;
        if (r.seconds > limit_s && !r.timed_out) {
            r.timed_out = true;
            kill(pid, SIGKILL);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    if (WIFEXITED(status)) r.rc = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
    auto slurp = [](const std::string& p) {
        std::ifstream in(p, std::ios::binary);
        std::stringstream ss;
        ss << in.rdbuf();
        return ss.str();
    };
    r.out = slurp(out_path);
    r.err = slurp(err_path);
    return r;
}

}  // namespace flashsim_test
