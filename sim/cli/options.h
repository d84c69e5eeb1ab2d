// options.h: the one option parser every flashsim subcommand shares (Boost.Program_options).
// Options are named as the papers write them: --algo, --N, --d, --Br, --Bc, --heads, --batch,
// --dtype, --causal, --pass, --gpu, --set KEY=VALUE, --paper.
#pragma once
#include <boost/program_options.hpp>
#include <string>
#include <vector>

#include "sim/config/run_options.h"

namespace flashsim::cli {

namespace po = boost::program_options;

// The shared options; their conversion to model objects lives in the library (run_options.h).
using CommonOptions = RunOptions;

// Adds the shared options to `desc`, bound to `o`.
void add_common_options(po::options_description& desc, CommonOptions& o);

// Parses argv (after the subcommand) into `vm`; `--help` prints `desc` and returns false.
bool parse(int argc, const char* const* argv, const po::options_description& desc, po::variables_map& vm,
           const char* usage, const po::positional_options_description* pos = nullptr);

// Throws ConfigError when `path` cannot be an output file (its directory does not exist), so a
// command can refuse before doing any work or writing any other file. "-" and "" always pass.
void check_output_path(const std::string& path);

// Writes `text` to `path` atomically (a temporary file renamed into place), or to stdout for "-".
// A path that is a device or a pipe (/dev/null, a FIFO) is written into, never replaced.
void write_output(const std::string& path, const std::string& text);

}  // namespace flashsim::cli
