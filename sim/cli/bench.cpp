// bench.cpp: the bench commands' shared option parsing (see bench.h).
#include "sim/cli/bench.h"

#include "sim/core/errors.h"

namespace flashsim::cli {

bool parse_bench_options(int argc, const char* const* argv, const char* name, const char* usage, CommonOptions& o,
                         int64_t& repeats, const po::options_description* extra) {
    po::options_description desc(std::string(name) + " options");
    add_common_options(desc, o);
    desc.add_options()("repeats", po::value(&repeats)->default_value(repeats), "runs timed; the fastest is reported");
    if (extra) desc.add(*extra);
    po::variables_map vm;
    if (!parse(argc, argv, desc, vm, usage)) return false;
    if (repeats < 1 || repeats > 100) throw ConfigError("repeats=" + std::to_string(repeats) + " is out of range; allowed: 1 to 100");
    return true;
}

}  // namespace flashsim::cli
