// config.h: one configuration the viewer shows (problem, schedule, GPU and its overrides), as
// the controls edit it and as a lesson's TOML file (--config) gives it.
//
// Contract: the fields are the CLI's (algo, N, d, Br, Bc, bwd_Br, bwd_Bc, heads, batch, dtype, causal, block_order,
// dropout, pass, gpu, [set]); to_problem/to_schedule/to_gpu throw ConfigError naming the bad key, and so does
// load_config_toml for a malformed file, an unknown key or a wrong type.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sim/core/problem.h"
#include "sim/core/schedule.h"
#include "sim/engine/simulate.h"
#include "sim/gpu/gpu_spec.h"

namespace flashsim::viz {

struct ViewerConfig {
    std::string algo = "fa2";
    int64_t N = 1024, d = 64, Br = 0, Bc = 0, heads = 16, batch = 1;
    // The backward's blocks, used with pass fwdbwd (with pass bwd, Br and Bc are the backward's).
    int64_t bwd_Br = 0, bwd_Bc = 0;
    std::string dtype = "fp16", pass = "fwd", gpu = "a100-40gb";
    bool causal = false;
    std::string block_order = "index";  // Schedule::block_order: "index" or "heaviest-first" (fa2, fa3)
    std::optional<double> dropout;  // unset = the algorithm's default (AttentionProblem::dropout)
    bool paper_mode = false;
    std::vector<std::pair<std::string, std::string>> set;  // GPU field overrides, in order

    AttentionProblem to_problem() const;   // validated
    Schedule to_schedule() const;          // unresolved (0 = default)
    GpuSpec to_gpu() const;                // preset with overrides applied
    SimOptions to_options(bool timeline) const;
    std::string describe() const;          // "fa2 N=1024 d=64 Br=128 Bc=128 fp16 a100-40gb"
    bool operator==(const ViewerConfig& o) const;
    bool operator!=(const ViewerConfig& o) const { return !(*this == o); }
};

// Reads a lesson's configuration. Keys absent from the file keep `base`'s values.
ViewerConfig load_config_toml(const std::string& path, const ViewerConfig& base = {});
ViewerConfig parse_config_toml(const std::string& text, const std::string& origin, const ViewerConfig& base = {});

}  // namespace flashsim::viz
