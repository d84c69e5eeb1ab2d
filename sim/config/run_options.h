// run_options.h: one run as a person asks for it, by the names the CLI's options and the Python
// module's keyword arguments share (algo, N, d, Br, Bc, bwd_Br, bwd_Bc, heads, dtype, pass, gpu,
// set, paper, dropout, ...),
// and their conversion into the model's objects. The CLI (sim/cli/options.h) and the Python
// module both build their runs here, so the same words give the same run.
//
// Contract: the defaults below are the CLI's documented defaults; problem() validates and the
// parsers it calls throw ConfigError naming the bad value; gpu_spec() loads the preset, a .toml
// file or, when gpu_toml is set, that TOML text, then applies `set` ("KEY=VALUE") in order.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/core/problem.h"
#include "sim/core/schedule.h"
#include "sim/engine/simulate.h"
#include "sim/gpu/gpu_spec.h"

namespace flashsim {

struct RunOptions {
    std::string algo = "fa2";
    int64_t N = 1024, N_kv = 0, d = 64, heads = 16, batch = 1;
    int64_t Br = 0, Bc = 0, warps = 0, stages = 0;
    int64_t bwd_Br = 0, bwd_Bc = 0, bwd_warps = 0, bwd_stages = 0;  // the backward's; 0 = its default
    std::string dtype = "fp16", pass = "fwd", gpu = "a100-40gb", vanilla_gemm = "ideal", matmul_unit = "tensor";
    std::string block_order = "index";  // Schedule::block_order
    bool causal = false, paper = false, no_timing = false, exact = false, no_skip = false;
    std::optional<double> dropout;  // AttentionProblem::dropout; unset = the algorithm's default
    int64_t l2_set_sampling = 0;  // SimOptions::l2_set_sampling
    std::vector<std::string> set;  // GPU field overrides, "KEY=VALUE"
    std::string gpu_toml;          // a GPU given as TOML text (then `gpu` only names it in messages)

    AttentionProblem problem() const;
    Schedule schedule() const;      // unresolved: 0 knobs mean "default"
    GpuSpec gpu_spec() const;       // preset, file or gpu_toml, with `set` applied
    SimOptions sim_options() const;
};

}  // namespace flashsim
