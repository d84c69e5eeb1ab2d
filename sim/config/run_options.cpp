// run_options.cpp: the shared run options converted into a problem, a schedule, a GPU and options.
#include "sim/config/run_options.h"

#include <string>

#include "sim/core/errors.h"

namespace flashsim {

AttentionProblem RunOptions::problem() const {
    AttentionProblem p;
    p.B = batch;
    p.H = heads;
    p.N = N;
    p.N_kv = N_kv;
    p.d = d;
    p.dtype = parse_dtype(dtype);
    p.causal = causal;
    p.dropout = dropout;
    p.pass = parse_pass(pass);
    p.validate();
    return p;
}

Schedule RunOptions::schedule() const {
    Schedule s;
    s.algo = parse_algorithm(algo);
    s.Br = Br;
    s.Bc = Bc;
    s.warps = warps;
    s.stages = stages;
    s.bwd_Br = bwd_Br;
    s.bwd_Bc = bwd_Bc;
    s.bwd_warps = bwd_warps;
    s.bwd_stages = bwd_stages;
    s.vanilla_gemm = parse_gemm_tiling(vanilla_gemm);
    s.matmul_unit = parse_matmul_unit(matmul_unit);
    s.block_order = parse_block_order(block_order);
    return s;
}

GpuSpec RunOptions::gpu_spec() const {
    GpuSpec g = gpu_toml.empty() ? load_gpu(gpu) : parse_gpu_toml(gpu_toml, gpu);
    for (const auto& kv : set) apply_override(g, kv);
    return g;
}

SimOptions RunOptions::sim_options() const {
    SimOptions o;
    o.paper_mode = paper;
    o.timing = !no_timing;
    o.exact = exact;
    if (l2_set_sampling < 0)
        throw ConfigError("l2-set-sampling=" + std::to_string(l2_set_sampling) +
                          " is out of range; allowed: 0 (automatic) or a power of two dividing the L2's sets");
    o.l2_set_sampling = l2_set_sampling;
    o.steady_state_skip = !no_skip;
    return o;
}

}  // namespace flashsim
