// commands.h: the flashsim subcommands, one table used by both `flashsim --help` and the
// dispatcher so they cannot drift. Each command gets the arguments after its name.
#pragma once
#include <vector>

namespace flashsim::cli {

using CommandFn = int (*)(int argc, const char* const* argv);

struct Command {
    const char* name;
    const char* summary;
    CommandFn run;
};

const std::vector<Command>& commands();

int cmd_demo(int argc, const char* const* argv);
int cmd_run(int argc, const char* const* argv);
int cmd_sweep(int argc, const char* const* argv);
int cmd_presets(int argc, const char* const* argv);
int cmd_lesson(int argc, const char* const* argv);
int cmd_homework(int argc, const char* const* argv);
int cmd_verify(int argc, const char* const* argv);
int cmd_bench_counting(int argc, const char* const* argv);
int cmd_crosscheck(int argc, const char* const* argv);
int cmd_viz(int argc, const char* const* argv);
int cmd_bench_timing(int argc, const char* const* argv);
int cmd_bench_fast(int argc, const char* const* argv);

}  // namespace flashsim::cli
