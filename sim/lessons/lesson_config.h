// lesson_config.h: the configuration file a lesson loads (and the viewer takes with --config).
//
// A small TOML file naming one simulation:
//   algo = "fa1"   N = 1024   d = 64   Br = 0   Bc = 0   heads = 1   batch = 1
//   dtype = "fp16" causal = false   pass = "fwd"   gpu = "teaching"   paper = true
//   bwd_Br = 0   bwd_Bc = 0   bwd_warps = 0   bwd_stages = 0   (the backward's own; 0 = its defaults)
//   block_order = "index"      (or "heaviest-first": fa2, fa3)
//   [set]                      # optional: GPU fields overridden as --set KEY=VALUE would
//   sram_bytes_per_sm = 65536
// Every key is optional (missing keys take the CLI's defaults); an unknown key or a wrong type
// throws ConfigError naming the file and the key. The viewer accepts exactly these keys too.
//
// Contract: to_flags() gives the equivalent `flashsim run` options, so a lesson can print the
// command a student would type; load then to_flags then parsing by the CLI gives the same run.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "sim/core/problem.h"
#include "sim/core/schedule.h"
#include "sim/engine/simulate.h"
#include "sim/gpu/gpu_spec.h"

namespace flashsim {

struct LessonConfig {
    std::string origin;  // file path, for messages
    AttentionProblem problem;  // see default_lesson_config() for the defaults
    Schedule schedule;   // unresolved: 0 knobs mean "default"
    std::string gpu = "a100-40gb";
    std::vector<std::pair<std::string, std::string>> set;  // GPU field overrides, in file order
    bool paper = false;

    GpuSpec gpu_spec() const;      // preset or file, with [set] applied
    SimOptions sim_options() const;
    std::vector<std::string> to_flags() const;  // {"--algo", "fa1", "--N", "1024", ...}
    std::string command_line() const;           // "flashsim run --algo fa1 --N 1024 ..."
};

// The CLI's defaults (sim/cli/options.h): what a key missing from a file means.
LessonConfig default_lesson_config();

// Keys missing from the file keep `base`'s values (the viewer layers a file over its state).
LessonConfig parse_lesson_config(const std::string& text, const std::string& origin,
                                 const LessonConfig& base = default_lesson_config());  // throws ConfigError
LessonConfig load_lesson_config(const std::string& path,
                                const LessonConfig& base = default_lesson_config());   // throws ConfigError

}  // namespace flashsim
