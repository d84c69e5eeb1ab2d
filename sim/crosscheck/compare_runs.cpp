// compare_runs.cpp: the runs of several measurement files on a pool of threads, each distinct
// configuration simulated once (see compare.h).
#include <algorithm>
#include <cstdio>
#include <map>

#include "sim/core/errors.h"
#include "sim/core/parallel.h"
#include "sim/crosscheck/compare.h"

namespace flashsim::crosscheck {

namespace {

// A field added to these structs must join simulation_key (a new field left out would let two
// different configurations share one result). The sizes are the tripwire.
static_assert(sizeof(AttentionProblem) == 64, "AttentionProblem changed: add the new field to simulation_key");
static_assert(sizeof(Schedule) == 104, "Schedule changed: add the new field to simulation_key");
static_assert(sizeof(SimOptions) == 56, "SimOptions changed: add the new field to simulation_key");

std::string hex(double v) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%a", v);
    return buf;
}

}  // namespace

std::string simulation_key(const SimConfig& config, const GpuSpec& g, const SimOptions& o) {
    const AttentionProblem& p = config.problem;
    const Schedule& s = config.schedule;
    std::string k;
    auto add = [&](const char* name, const std::string& v) { k += std::string(name) + '=' + v + ';'; };
    auto num = [&](const char* name, int64_t v) { add(name, std::to_string(v)); };
    num("B", p.B), num("H", p.H), num("N", p.N), num("N_kv", p.N_kv), num("d", p.d);
    num("dtype", int64_t(p.dtype)), num("causal", p.causal), num("pass", int64_t(p.pass));
    add("dropout", p.dropout ? hex(*p.dropout) : "unset");
    num("algo", int64_t(s.algo)), num("Br", s.Br), num("Bc", s.Bc), num("warps", s.warps), num("stages", s.stages);
    num("bwd_Br", s.bwd_Br), num("bwd_Bc", s.bwd_Bc), num("bwd_warps", s.bwd_warps), num("bwd_stages", s.bwd_stages);
    num("vanilla_gemm", int64_t(s.vanilla_gemm)), num("matmul_unit", int64_t(s.matmul_unit)),
        num("block_order", int64_t(s.block_order));
    add("gemm_tiles", s.gemm_tiles_text());  // every field of each GemmTile
    num("config.intra_warpgroup_pipeline", config.intra_warpgroup_pipeline);
    num("paper_mode", o.paper_mode), num("timing", o.timing), num("timeline", o.timeline);
    num("l2_flush_between_kernels", o.l2_flush_between_kernels), num("l2_granule_bytes", o.l2_granule_bytes);
    num("l2_granule_cap_bytes", o.l2_granule_cap_bytes);
    num("timeline_max_events", int64_t(o.timeline_max_events)), num("intra_warpgroup_pipeline", o.intra_warpgroup_pipeline);
    num("exact", o.exact), num("l2_set_sampling", o.l2_set_sampling), num("steady_state_skip", o.steady_state_skip);
    return k + "\n" + g.exact_text();
}

std::vector<std::vector<Comparison>> compare_runs(const std::vector<const MeasurementFile*>& files,
                                                  const std::vector<GpuSpec>& gpus, const SimOptions& o, unsigned jobs,
                                                  size_t* simulations) {
    // Each run's configuration, and one simulation per distinct key.
    struct Sim {
        SimConfig config;
        size_t gpu = 0;
        double work = 0;  // B*H*N^2*d: longest first, so no thread is left with a long run at the end
        SimOutcome outcome;
    };
    std::vector<Sim> sims;
    std::map<std::string, size_t> by_key;
    std::vector<std::vector<Comparison>> out(files.size());
    std::vector<std::vector<size_t>> sim_of(files.size());  // SIZE_MAX: the run does not map
    for (size_t fi = 0; fi < files.size(); ++fi) {
        const auto& runs = files[fi]->runs;
        out[fi].resize(runs.size());
        sim_of[fi].assign(runs.size(), SIZE_MAX);
        for (size_t ri = 0; ri < runs.size(); ++ri) {
            const MeasuredRun& run = runs[ri];
            Comparison& c = out[fi][ri];
            c.label = run.label();
            c.run = run;
            fill_measured(c, run);
            try {
                c.config = sim_config_for(run);
            } catch (const ConfigError& e) {
                c.sim_error = e.what();
                continue;
            }
            const auto [it, added] = by_key.emplace(simulation_key(c.config, gpus[fi], o), sims.size());
            if (added)
                sims.push_back({c.config, fi, double(run.B) * double(run.H) * double(run.N) * double(run.N) * double(run.d), {}});
            sim_of[fi][ri] = it->second;
        }
    }
    std::vector<size_t> order(sims.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return sims[a].work > sims[b].work; });
    // Each simulation writes its own slot, so the output is the same whatever the number of threads.
    parallel_for(order.size(), jobs, [&](size_t i) {
        Sim& s = sims[order[i]];
        s.outcome = simulate_config(s.config, gpus[s.gpu], o);
    });
    for (size_t fi = 0; fi < files.size(); ++fi) {
        const GpuSpec compared = gpu_for_file(gpus[fi], *files[fi]);  // the file's own background rates
        for (size_t ri = 0; ri < out[fi].size(); ++ri)
            if (sim_of[fi][ri] != SIZE_MAX) fill_simulated(out[fi][ri], sims[sim_of[fi][ri]].outcome, compared);
    }
    if (simulations) *simulations = sims.size();
    return out;
}

}  // namespace flashsim::crosscheck
