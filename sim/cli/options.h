// options.h: the one option parser every flashsim subcommand shares (Boost.Program_options).
// Options are named as the papers write them: --algo, --N, --d, --Br, --Bc, --heads, --batch,
// --dtype, --causal, --dropout, --pass, --gpu, --set KEY=VALUE, --paper.
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

// Parsing also refuses, in one line naming it, an argument no option or positional takes
// ("flashsim run extra") and an option given an empty value ("--json ''").

// Throws ConfigError when `path` cannot be an output file: its directory does not exist, or it
// names something other than a regular file (a directory, a symbolic link, a FIFO, a device, a
// socket). Links are refused rather than followed, so `--json /dev/null` or a link planted
// where an output goes is never replaced or written through. A command calls it for every
// output before doing any work, so nothing is written when one is bad. "-" and "" pass.
void check_output_path(const std::string& path);

// Writes `text` to `path` atomically (a temporary file in the same directory, renamed into
// place, so a reader sees the old file or the new one, never half of it), or to stdout for "-".
// Checks `path` as check_output_path() does first.
void write_output(const std::string& path, const std::string& text);

}  // namespace flashsim::cli
