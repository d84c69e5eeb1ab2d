// The cross-check simulates each distinct configuration once: runs whose simulated inputs are
// identical share one simulation, and their comparisons are exactly what each gets alone.
#include <doctest/doctest.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "sim/core/errors.h"
#include "sim/crosscheck/report.h"

using namespace flashsim;
using namespace flashsim::crosscheck;

namespace {

const std::string kFixture = std::string(FLASHSIM_SOURCE_DIR) + "/tests/crosscheck/fixtures/synthetic_measurement.json";

// The runs of `f` that map to a simulator configuration (a run that records no algorithm does not).
size_t mapped_runs(const MeasurementFile& f) {
    size_t n = 0;
    for (const auto& r : f.runs) try {
            sim_config_for(r);
            ++n;
        } catch (const ConfigError&) {
        }
    return n;
}

}  // namespace

TEST_CASE("identical runs in a cross-check share one simulation and report what separate ones do") {
    const MeasurementFile f = load_measurement(kFixture);
    const GpuSpec g = load_gpu(preset_for_gpu(f.provenance.gpu));
    const SimOptions o = crosscheck_sim_options();
    // The fixture's mapped runs are pairwise different configurations (each version its own
    // algorithm or matmul unit).
    const size_t distinct = mapped_runs(f);
    REQUIRE(distinct >= 4);
    for (size_t i = 0; i < f.runs.size(); ++i)
        for (size_t j = i + 1; j < f.runs.size(); ++j)
            if (!f.runs[i].algo.empty() && !f.runs[j].algo.empty())
                CHECK(simulation_key(sim_config_for(f.runs[i]), g, o) != simulation_key(sim_config_for(f.runs[j]), g, o));

    // A second file with the same runs measured again (other measured values, same configurations).
    MeasurementFile again = f;
    again.origin = "again.json";
    for (auto& r : again.runs)
        if (r.time_ms_median) *r.time_ms_median *= 2;

    size_t sims = 0;
    const auto shared = compare_runs({&f, &again}, {g, g}, o, 2, &sims);
    CHECK(sims == distinct);
    REQUIRE(shared.size() == 2);
    for (size_t fi = 0; fi < 2; ++fi) {
        const MeasurementFile& file = fi == 0 ? f : again;
        REQUIRE(shared[fi].size() == file.runs.size());
        // Each comparison alone: its own simulation.
        std::vector<Comparison> alone;
        for (const auto& r : file.runs) alone.push_back(compare_run(r.label(), r, g, o));
        CHECK(to_json(build_report(file, g, shared[fi])).dump() == to_json(build_report(file, g, alone)).dump());
        for (size_t i = 0; i < alone.size(); ++i) {
            CHECK(shared[fi][i].sim_error == alone[i].sim_error);
            CHECK(shared[fi][i].sim_kernel_seconds == alone[i].sim_kernel_seconds);
        }
    }
    // The measured side stays each run's own.
    const Comparison& a = shared[0][0];
    const Comparison& b = shared[1][0];
    REQUIRE(a.at(Metric::time_events).measured);
    CHECK(*b.at(Metric::time_events).measured == 2 * *a.at(Metric::time_events).measured);
    CHECK(*b.at(Metric::time_events).simulated == *a.at(Metric::time_events).simulated);

    // The same runs on a GPU that differs in one field are simulated again.
    GpuSpec other = g;
    apply_override(other, "hbm_latency_cycles=" + std::to_string(g.hbm_latency_cycles + 1));
    compare_runs({&f, &again}, {g, other}, o, 2, &sims);
    CHECK(sims == 2 * distinct);
}

TEST_CASE("the simulation key changes with every input of the simulation") {
    const MeasurementFile f = load_measurement(kFixture);
    const GpuSpec g = load_gpu(preset_for_gpu(f.provenance.gpu));
    const SimOptions o = crosscheck_sim_options();
    const SimConfig c = sim_config_for(f.runs[3]);
    const std::string k = simulation_key(c, g, o);
    CHECK(simulation_key(c, g, o) == k);
    // Every field of the GPU's table, the name and the description; a real field changed in its
    // 13th digit (below what `get` prints) still changes the key.
    for (const GpuField& field : gpu_fields()) {
        GpuSpec y = g;
        y.set(field.key, g.get(field.key));  // as printed
        const double v = std::stod(y.get(field.key));
        char text[64];
        std::snprintf(text, sizeof text, "%.17g", field.integer ? v + 1 : v == 0 ? 1.0 : v * (1 + 1e-13));
        GpuSpec x = y;
        x.set(field.key, text);
        INFO(field.key << " = " << text);
        CHECK(simulation_key(c, x, o) != simulation_key(c, y, o));
    }
    GpuSpec named = g;
    named.description += " (copy)";
    CHECK(simulation_key(c, named, o) != k);
    // The problem, the schedule and the options.
    auto differs = [&](auto&& change) {
        SimConfig x = c;
        SimOptions y = o;
        change(x, y);
        return simulation_key(x, g, y) != k;
    };
    CHECK(differs([](SimConfig& x, SimOptions&) { x.problem.dropout = 0.0; }));
    CHECK(differs([](SimConfig& x, SimOptions&) { x.problem.N_kv = x.problem.N; }));
    CHECK(differs([](SimConfig& x, SimOptions&) { x.problem.causal = !x.problem.causal; }));
    CHECK(differs([](SimConfig& x, SimOptions&) { x.schedule.bwd_stages = 3; }));
    CHECK(differs([](SimConfig& x, SimOptions&) { x.schedule.vanilla_gemm = GemmTiling::tiled; }));
    CHECK(differs([](SimConfig& x, SimOptions&) { x.schedule.block_order = BlockOrder::heaviest_first; }));
    CHECK(differs([](SimConfig& x, SimOptions&) { x.intra_warpgroup_pipeline = !x.intra_warpgroup_pipeline; }));
    CHECK(differs([](SimConfig&, SimOptions& y) { y.exact = true; }));
    CHECK(differs([](SimConfig&, SimOptions& y) { y.l2_set_sampling = 2; }));
    CHECK(differs([](SimConfig&, SimOptions& y) { y.steady_state_skip = false; }));
    CHECK(differs([](SimConfig&, SimOptions& y) { y.l2_granule_bytes = 256; }));
    CHECK(differs([](SimConfig&, SimOptions& y) { y.l2_granule_cap_bytes = 2048; }));
    CHECK(differs([](SimConfig&, SimOptions& y) { y.timeline_max_events = 7; }));
    CHECK_FALSE(differs([](SimConfig& x, SimOptions&) { x.note = "a note is not an input"; }));
}
