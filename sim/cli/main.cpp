// main.cpp: the flashsim command. Dispatches to a subcommand (default: the classroom demo) and
// turns every error into one clear line on stderr and a non-zero exit.
#include <algorithm>
#include <boost/program_options.hpp>
#include <cstring>
#include <iostream>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "sim/cli/commands.h"
#include "sim/core/errors.h"

namespace {

void usage() {
    std::cout << "flashsim: an educational GPU memory-hierarchy simulator for attention\n\n"
                 "usage: flashsim [COMMAND] [options]     (no command: the classroom demo)\n\ncommands:\n";
    for (const auto& c : flashsim::cli::commands())
        std::cout << "  " << c.name << std::string(size_t(std::max(2, 16 - int(std::strlen(c.name)))), ' ') << c.summary << "\n";
    std::cout << "\n`flashsim COMMAND --help` shows every option of a command with its default.\n";
}

}  // namespace

int main(int argc, char** argv) {
    // Log lines go to stderr: stdout carries results (`--json -` must stay parseable).
    spdlog::set_default_logger(spdlog::stderr_logger_mt("flashsim"));
    spdlog::set_pattern("flashsim: %l: %v");
    spdlog::set_level(spdlog::level::warn);
    for (int i = 1; i < argc; ++i)
        if (!std::strcmp(argv[i], "-v") || !std::strcmp(argv[i], "--verbose")) spdlog::set_level(spdlog::level::debug);
    const char* const* args = argv + 1;
    int n = argc - 1;
    const flashsim::cli::Command* cmd = &flashsim::cli::commands().front();  // demo
    if (n > 0 && argv[1][0] != '-') {
        cmd = nullptr;
        for (const auto& c : flashsim::cli::commands())
            if (!std::strcmp(argv[1], c.name)) cmd = &c;
        if (!cmd) {
            std::cerr << "flashsim: error: unknown command '" << argv[1] << "'; run `flashsim --help`\n";
            return 2;
        }
        ++args;
        --n;
    } else if (n == 1 && (!std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h"))) {
        usage();
        return 0;
    }
    try {
        // Program_options expects argv[0] to be the program name.
        std::vector<const char*> v{argv[0]};
        v.insert(v.end(), args, args + n);
        return cmd->run(int(v.size()), v.data());
    } catch (const flashsim::ConfigError& e) {
        std::cerr << "flashsim: error: " << e.what() << "\n";
    } catch (const boost::program_options::error& e) {
        std::cerr << "flashsim: error: " << e.what() << " (see `flashsim " << cmd->name << " --help`)\n";
    } catch (const std::bad_alloc&) {
        std::cerr << "flashsim: error: out of memory; try a smaller problem\n";
    } catch (const std::exception& e) {
        std::cerr << "flashsim: error: " << e.what() << "\n";
    }
    return 2;
}
