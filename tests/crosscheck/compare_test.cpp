// Mapping measured runs to the simulator, errors, summaries and the throughput table.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <nlohmann/json.hpp>

#include "sim/core/errors.h"
#include "sim/crosscheck/kernel_properties.h"
#include "sim/crosscheck/report.h"

using namespace flashsim;
using namespace flashsim::crosscheck;

namespace {

const std::string kFixture = std::string(FLASHSIM_SOURCE_DIR) + "/tests/crosscheck/fixtures/synthetic_measurement.json";

// A run of schema 2: its version declares algo, pass and matmul unit.
MeasuredRun run_of(int64_t version, const char* algo, const char* matmul_unit = "mma_sync") {
    MeasuredRun r;
    r.version = version;
    r.algo = algo;
    r.pass = "fwd";
    r.matmul_unit = matmul_unit;
    r.B = 2, r.H = 3, r.N = 512, r.d = 64, r.causal = true;
    r.Br = 64, r.Bc = 32, r.warps = 4, r.stages = 2;
    return r;
}

Comparison with_error(const std::string& label, int64_t version, Metric m, double measured, double simulated) {
    Comparison c;
    c.label = label;
    c.run.version = version;
    c.metrics[size_t(m)] = {measured, simulated};
    return c;
}

// PyTorch's flash forward and backward timed at `shape`'s shape.
std::vector<ReferenceRun> torch_references(const MeasuredRun& shape, double fwd_ms, double bwd_ms) {
    ReferenceRun tf, tb;
    for (ReferenceRun* t : {&tf, &tb})
        t->B = shape.B, t->H = shape.H, t->N = shape.N, t->d = shape.d, t->causal = shape.causal, t->dtype = shape.dtype;
    tf.time_ms_median = fwd_ms;
    tb.pass = "bwd";
    tb.time_ms_median = bwd_ms;
    return {tf, tb};
}

}  // namespace

TEST_CASE("a cuBLAS kernel's name gives its tile, and the GEMM kernels' names give vanilla's tiles kernel by kernel") {
    const auto tile = cublas_tile("nvjet_sm90_hsh_256x128_64x4_1x2_h_bz_coopA_TNT");
    REQUIRE(tile.has_value());
    CHECK(tile->m == 256);
    CHECK(tile->n == 128);
    CHECK(tile->k == 64);
    CHECK(tile->stages == 4);
    CHECK(tile->cluster_m == 1);
    CHECK(tile->cluster_n == 2);
    // Row-major: C's rows are cuBLAS's N, its columns M; the cluster pairs C's row blocks.
    const GemmTile g = gemm_tile_of(*tile);
    CHECK(g.rows == 128);
    CHECK(g.cols == 256);
    CHECK(g.k_step == 64);
    CHECK(g.stages == 4);
    CHECK(g.cluster == 2);
    CHECK(gemm_tile_of(*cublas_tile("nvjet_sm90_hsh_128x256_64x4_2x1_v_bz_coopA_TNN")).cluster == 1);  // along M: not modelled
    const auto xmma = cublas_tile("sm90_xmma_gemm_f16f16_f16f32_f32_tn_n_tilesize128x256x64_warpgroupsize1x1x1_execute_segment_k_off");
    REQUIRE(xmma.has_value());
    CHECK(xmma->m == 128);
    CHECK(xmma->n == 256);
    CHECK(xmma->k == 64);
    CHECK(xmma->stages == 1);
    CHECK(xmma->cluster_n == 1);
    CHECK_FALSE(cublas_tile("void qk_gemm_kernel<__half>(const T1 *, const T1 *, T1 *, int, int, float)").has_value());
    // Names that only look like tiles, and hostile ones, state none.
    for (const std::string k : {"nvjet_sm90_hsh_0x0_64x4", "nvjet_sm90_hsh_12345x128_64x4", "nvjet_sm90_hsh_128x128_", "x_tilesize128x",
                                "nvjet_", "tilesize", "nvjet_sm90_hsh_1x2_64x4_1x2"})
        CHECK_FALSE(cublas_tile(k).has_value());
    CHECK_FALSE(cublas_tile("nvjet_sm90_hsh_" + std::string(1 << 20, '7') + "x128_").has_value());
    CHECK_FALSE(cublas_tile(std::string(1 << 20, 'x')).has_value());
    CHECK(cublas_tiles({"void v1_vanilla_tiled::row_softmax_kernel<__half>(const T1 *, T1 *, int, bool)",
                        "nvjet_sm90_hsh_64x512_64x2_1x2_h_bz_coopB_NNT"})
              .size() == 1);
    CHECK(cublas_tiles({}).empty());

    MeasuredRun r = run_of(2, "vanilla", "cublas");
    r.N = 1024;
    NcuMetrics n;
    n.kernels = {"nvjet_sm90_hsh_256x128_64x4_1x2_h_bz_coopA_TNT", "void v1_vanilla_tiled::row_softmax_kernel<__half>(const T1 *)",
                 "nvjet_sm90_hsh_64x512_64x2_1x2_h_bz_coopB_NNT"};
    r.ncu = n;
    const SimConfig fwd = sim_config_for(r);
    REQUIRE(fwd.schedule.gemm_tiles.size() == 2);
    CHECK(fwd.schedule.gemm_tiles[1].rows == 512);  // O = P V: 512 query rows a CTA, all of d
    CHECK(fwd.schedule.gemm_tiles[1].cols == 64);
    CHECK(fwd.schedule.gemm_tiles[1].stages == 2);
    CHECK(fwd.schedule.Br == 128);  // the first GEMM's: S's rows
    CHECK(fwd.schedule.Bc == 256);
    CHECK(fwd.note.find("128x256 (K step 64, 4 stages, clusters of 2), 512x64 (K step 64, 2 stages, clusters of 2)") != std::string::npos);
    r.N = 100;  // a tile never exceeds its matrix
    CHECK(sim_config_for(r).schedule.Br == 100);
    r.N = 1024;
    r.pass = "bwd";  // four GEMM kernels asked, two named: the assumed tile for all
    const SimConfig bwd = sim_config_for(r);
    CHECK(bwd.schedule.gemm_tiles.empty());
    CHECK(bwd.schedule.Br == kCublasTileAssumed);
    CHECK(bwd.schedule.Bc == kCublasTileAssumed);
    CHECK(bwd.note.find("assumed") != std::string::npos);
}

TEST_CASE("GPU names map to presets, and an unknown GPU asks for --gpu") {
    CHECK(preset_for_gpu("NVIDIA H100 80GB HBM3") == "h100");
    CHECK(preset_for_gpu("NVIDIA H100 PCIe") == "h100");
    CHECK(preset_for_gpu("NVIDIA H200") == "h200");
    CHECK(preset_for_gpu("NVIDIA A100-SXM4-80GB") == "a100-80gb");
    CHECK(preset_for_gpu("NVIDIA A100-SXM4-40GB") == "a100-40gb");
    CHECK(preset_for_gpu("NVIDIA A100 80GB PCIe") == "a100-80gb");
    CHECK(preset_for_gpu("NVIDIA GeForce RTX 4090") == "rtx4090");
    CHECK_THROWS_WITH_AS(preset_for_gpu("NVIDIA A100"), doctest::Contains("--gpu a100-40gb or --gpu a100-80gb"), ConfigError);
    CHECK_THROWS_WITH_AS(preset_for_gpu("NVIDIA Tesla V100-SXM2-16GB"), doctest::Contains("matches no preset"), ConfigError);
    // Every preset it names exists.
    for (const char* n : {"NVIDIA H100", "NVIDIA H200", "A100-80GB", "A100-40GB", "RTX 4090"})
        CHECK_NOTHROW(load_gpu(preset_for_gpu(n)));
}

TEST_CASE("each kernel version maps to the simulator's algorithm with the run's own knobs") {
    const SimConfig v1 = sim_config_for(run_of(1, "vanilla", "fma"));
    CHECK(v1.schedule.algo == Algorithm::vanilla);
    CHECK(v1.schedule.vanilla_gemm == GemmTiling::tiled);
    CHECK(v1.schedule.matmul_unit == MatmulUnit::fma);
    CHECK(v1.schedule.Br == 64);
    CHECK(v1.schedule.Bc == 32);
    CHECK(v1.note.empty());

    const SimConfig v2 = sim_config_for(run_of(2, "vanilla", "cublas"));
    CHECK(v2.schedule.vanilla_gemm == GemmTiling::tiled);
    CHECK(v2.schedule.matmul_unit == MatmulUnit::tensor);
    CHECK(v2.schedule.Br == kCublasTileAssumed);
    CHECK(v2.schedule.Bc == kCublasTileAssumed);
    CHECK(v2.note.find("cuBLAS") != std::string::npos);

    const SimConfig v5 = sim_config_for(run_of(5, "fa2"));
    CHECK(v5.schedule.algo == Algorithm::fa2);
    CHECK(v5.schedule.matmul_unit == MatmulUnit::tensor);
    CHECK(v5.schedule.Br == 64);
    CHECK(v5.schedule.warps == 4);
    CHECK(v5.schedule.stages == 2);
    CHECK(v5.problem.B == 2);
    CHECK(v5.problem.H == 3);
    CHECK(v5.problem.causal);
    CHECK(v5.problem.pass == Pass::fwd);

    CHECK(sim_config_for(run_of(3, "fa1", "fma")).schedule.algo == Algorithm::fa1);
    CHECK(sim_config_for(run_of(3, "fa1", "fma")).schedule.matmul_unit == MatmulUnit::fma);
    CHECK(sim_config_for(run_of(6, "fa3", "wgmma")).schedule.matmul_unit == MatmulUnit::tensor);
    CHECK_THROWS_WITH_AS(sim_config_for(run_of(9, "")), doctest::Contains("records no algorithm"), ConfigError);
    CHECK_THROWS_WITH_AS(sim_config_for(run_of(9, "fa9")), doctest::Contains("algo='fa9'"), ConfigError);
    CHECK_THROWS_WITH_AS(sim_config_for(run_of(9, "vanilla", "magic")), doctest::Contains("matmul_unit='magic'"),
                         ConfigError);
    CHECK_THROWS_WITH_AS(sim_config_for(run_of(9, "fa2", "cublas")), doctest::Contains("vanilla only"), ConfigError);
}

TEST_CASE("a new kernel name maps by its declared properties, not by its name") {
    MeasuredRun r = run_of(7, "fa2", "fma");
    r.kernel = "fa2_scalar_v2";  // a name no table knows
    CHECK(sim_config_for(r).schedule.matmul_unit == MatmulUnit::fma);
    r.matmul_unit = "wgmma";
    CHECK(sim_config_for(r).schedule.matmul_unit == MatmulUnit::tensor);
}

TEST_CASE("files before schema 2 take their properties from the legacy table, by version and kernel") {
    struct Row { int64_t version; const char* kernel; const char* algo; const char* unit; MatmulUnit sim; };
    for (const Row& row : {Row{1, "vanilla_tiled", "vanilla", "fma", MatmulUnit::fma},
                           Row{2, "vanilla_cublas", "vanilla", "cublas", MatmulUnit::tensor},
                           Row{3, "fa1", "fa1", "fma", MatmulUnit::fma}, Row{4, "fa2_scalar", "fa2", "fma", MatmulUnit::fma},
                           Row{5, "fa2_tc", "fa2", "mma_sync", MatmulUnit::tensor},
                           Row{6, "fa3_hopper", "fa3", "wgmma", MatmulUnit::tensor}}) {
        INFO("v" << row.version << " " << row.kernel);
        MeasuredRun r = run_of(row.version, row.algo, "");
        r.pass = "";
        r.kernel = row.kernel;
        const KernelProperties k = declared_properties(r);
        CHECK(k.algo == row.algo);
        CHECK(k.pass == "fwd");
        CHECK(k.matmul_unit == row.unit);
        CHECK(sim_config_for(r).schedule.matmul_unit == row.sim);
    }
    MeasuredRun unknown = run_of(4, "fa2", "");
    unknown.kernel = "fa2_scalar_v2";
    CHECK_THROWS_WITH_AS(sim_config_for(unknown), doctest::Contains("declares no matmul unit"), ConfigError);
    MeasuredRun mismatch = run_of(5, "fa1", "");
    mismatch.kernel = "fa2_tc";
    CHECK_THROWS_WITH_AS(sim_config_for(mismatch), doctest::Contains("records algo='fa1'"), ConfigError);
}

TEST_CASE("a run's block order is its declared one, else its version's as the files before were written") {
    // Versions 5 and 6 launch causal query blocks heaviest first (kernels/v5_fa2_tc.cu,
    // v6_fa3_hopper.cu); a file that declares no block_order gets that from the table.
    struct Row { int64_t version; const char* kernel; const char* algo; const char* unit; BlockOrder order; };
    for (const Row& row : {Row{4, "fa2_scalar", "fa2", "fma", BlockOrder::index},
                           Row{5, "fa2_tc", "fa2", "mma_sync", BlockOrder::heaviest_first},
                           Row{6, "fa3_hopper", "fa3", "wgmma", BlockOrder::heaviest_first}}) {
        INFO("v" << row.version << " " << row.kernel);
        MeasuredRun r = run_of(row.version, row.algo, row.unit);
        r.kernel = row.kernel;
        CHECK(declared_block_order(r) == row.order);
        CHECK(sim_config_for(r).schedule.block_order == row.order);
        r.block_order = "index";  // declared: the file's word wins
        CHECK(sim_config_for(r).schedule.block_order == BlockOrder::index);
        r.block_order = "heaviest-first";
        CHECK(sim_config_for(r).schedule.block_order == BlockOrder::heaviest_first);
    }
    MeasuredRun renamed = run_of(5, "fa2");
    renamed.kernel = "fa2_tc_v2";  // not a version the files before were written with
    CHECK(declared_block_order(renamed) == BlockOrder::index);
    renamed.block_order = "sideways";
    CHECK_THROWS_WITH_AS(sim_config_for(renamed), doctest::Contains("block-order='sideways'"), ConfigError);
    // Unfused versions have no query-block forward: their schedule keeps index.
    MeasuredRun v2 = run_of(2, "vanilla", "cublas");
    v2.block_order = "heaviest-first";
    CHECK(sim_config_for(v2).schedule.block_order == BlockOrder::index);
}

TEST_CASE("the relative error is (sim - meas) / meas, and missing when either side is") {
    const MetricPair p{200.0, 150.0};
    CHECK(*p.rel_err() == doctest::Approx((150.0 - 200.0) / 200.0));
    CHECK_FALSE(MetricPair{std::nullopt, 1.0}.rel_err().has_value());
    CHECK_FALSE(MetricPair{1.0, std::nullopt}.rel_err().has_value());
    CHECK_FALSE(MetricPair{0.0, 1.0}.rel_err().has_value());
    CHECK(format_rel_err(0.123) == "+12.3%");
    CHECK(format_rel_err(-0.5) == "-50.0%");
    CHECK(format_rel_err(14.0) == "+1400%");
    CHECK(format_rel_err(std::nullopt) == "-");
}

TEST_CASE("the summary gives the median and worst absolute error per version and overall") {
    const Metric m = Metric::hbm_read;
    const std::vector<Comparison> cs = {with_error("a", 5, m, 100, 110), with_error("b", 5, m, 100, 70),
                                        with_error("c", 5, m, 100, 120), with_error("d", 1, m, 100, 500)};
    const std::vector<MetricSummary> s = summarize(cs);
    REQUIRE(s.size() == 3);  // v1, v5, all
    CHECK(s[0].group == "v1");
    CHECK(s[0].worst_abs_rel_err == doctest::Approx(4.0));
    CHECK(s[1].group == "v5");
    CHECK(s[1].runs == 3);
    CHECK(s[1].median_abs_rel_err == doctest::Approx(0.2));   // of 0.1, 0.3, 0.2
    CHECK(s[1].worst_abs_rel_err == doctest::Approx(0.3));
    CHECK(s[1].worst_label == "b");
    CHECK(s[2].group == "all");
    CHECK(s[2].median_abs_rel_err == doctest::Approx(0.5 * (0.2 + 0.3)));  // of 0.1, 0.2, 0.3, 4.0
    CHECK(s[2].worst_label == "d");
}

TEST_CASE("a compared run carries exactly the simulator's counts for its mapped configuration") {
    const MeasurementFile f = load_measurement(kFixture);
    const GpuSpec g = load_gpu(preset_for_gpu(f.provenance.gpu));
    const SimOptions o = crosscheck_sim_options();
    CHECK_FALSE(o.paper_mode);
    CHECK(o.timing);
    const std::vector<Comparison> cs = compare_runs(f, g, o);
    REQUIRE(cs.size() == f.runs.size());
    for (size_t i = 0; i < cs.size(); ++i) {
        const Comparison& c = cs[i];
        if (!f.runs[i].error.empty()) {  // a failed run is shown, not simulated
            CHECK_FALSE(c.sim_error.empty());
            CHECK_FALSE(c.at(Metric::hbm_read).simulated.has_value());
            continue;
        }
        REQUIRE(c.sim_error.empty());
        const SimConfig cfg = sim_config_for(f.runs[i]);
        const RunResult r = simulate(cfg.problem, cfg.schedule, g, o);
        Traffic profiled;  // the kernels ncu profiles: every one but a memset between them
        for (const KernelCounts& k : r.kernels)
            if (!k.memset) profiled += k.counts.total;
        // ... and what the GPU writes meanwhile that is not the kernels' (GpuSpec::background_*),
        // over their simulated time
        double seconds = 0;
        for (const KernelTiming& k : r.timing.kernels)
            if (!k.memset) seconds += k.seconds;
        CHECK(*c.at(Metric::hbm_read).simulated == double(profiled.hbm_read_bytes));
        CHECK(*c.at(Metric::hbm_write).simulated ==
              doctest::Approx(double(profiled.hbm_write_bytes) + g.background_hbm_write_bytes_per_s * seconds));
        // ncu counts a written sector 1.5 times with two L2 partitions (kernels/micro/l2_writeback)
        REQUIRE(g.l2_partitions <= 2);
        const double write_seen = g.l2_partitions == 2 ? 1.5 : 1.0;
        CHECK(*c.at(Metric::l2_traffic).simulated ==
              doctest::Approx(double(profiled.global_read_bytes) + double(profiled.l2_hop_bytes) +
                              write_seen * double(profiled.global_write_bytes) + g.background_l2_write_bytes_per_s * seconds));
        CHECK(c.sim_timing == (r.timing.valid && r.timing.seconds > 0));
        CHECK(c.at(Metric::hbm_read).measured.has_value() == f.runs[i].ncu.has_value());
        if (f.runs[i].ncu) CHECK(*c.at(Metric::hbm_read).measured == *f.runs[i].ncu->dram_read_bytes);
        CHECK(*c.at(Metric::time_events).measured == doctest::Approx(*f.runs[i].time_ms_median * 1e-3));
    }
}

TEST_CASE("the HBM writes and L2 traffic compared with ncu's add the GPU's background writes over the simulated kernel time") {
    MeasuredRun r = run_of(5, "fa2");
    r.N = 1024, r.Br = 128, r.Bc = 64;
    GpuSpec quiet = load_gpu("h200");
    apply_override(quiet, "background_hbm_write_bytes_per_s=0");
    apply_override(quiet, "background_l2_write_bytes_per_s=0");
    GpuSpec busy = quiet;
    apply_override(busy, "background_hbm_write_bytes_per_s=2e9");  // 2 GB/s
    apply_override(busy, "background_l2_write_bytes_per_s=3e9");
    const Comparison q = compare_run(r.label(), r, quiet, crosscheck_sim_options());
    const Comparison b = compare_run(r.label(), r, busy, crosscheck_sim_options());
    REQUIRE(q.sim_error.empty());
    REQUIRE(b.sim_error.empty());
    const double seconds = *b.at(Metric::time_ncu).simulated;
    REQUIRE(seconds > 0);
    CHECK(*b.at(Metric::time_ncu).simulated == *q.at(Metric::time_ncu).simulated);  // the run itself is the same
    CHECK(*b.at(Metric::hbm_read).simulated == *q.at(Metric::hbm_read).simulated);
    CHECK(*b.at(Metric::hbm_write).simulated - *q.at(Metric::hbm_write).simulated == doctest::Approx(2e9 * seconds));
    CHECK(*b.at(Metric::l2_traffic).simulated - *q.at(Metric::l2_traffic).simulated == doctest::Approx(3e9 * seconds));
    // Paper mode counts as the papers do: nothing added.
    SimOptions paper = crosscheck_sim_options();
    paper.paper_mode = true;
    const Comparison pq = compare_run(r.label(), r, quiet, paper), pb = compare_run(r.label(), r, busy, paper);
    REQUIRE(pb.sim_error.empty());
    CHECK(*pb.at(Metric::hbm_write).simulated == *pq.at(Metric::hbm_write).simulated);
    CHECK(*pb.at(Metric::l2_traffic).simulated == *pq.at(Metric::l2_traffic).simulated);
}

TEST_CASE("a cross-check whose preset has background writes says so among its caveats, with the preset's rates") {
    MeasuredRun r = run_of(5, "fa2");
    r.N = 1024, r.Br = 128, r.Bc = 64;
    const auto mentions_background = [](const std::vector<std::string>& notes) {
        return std::any_of(notes.begin(), notes.end(), [](const std::string& n) { return n.find("background writes") != std::string::npos; });
    };
    GpuSpec g = load_gpu("h200");
    REQUIRE(g.background_hbm_write_bytes_per_s > 0);
    const Comparison c = compare_run(r.label(), r, g, crosscheck_sim_options());
    CHECK(mentions_background(caveats(nullptr, g, {c})));
    char rate[32];
    std::snprintf(rate, sizeof rate, "%.1f MB/s", g.background_hbm_write_bytes_per_s * 1e-6);
    CHECK(background_note(g).find(rate) != std::string::npos);
    apply_override(g, "background_hbm_write_bytes_per_s=0");
    apply_override(g, "background_l2_write_bytes_per_s=0");
    const Comparison q = compare_run(r.label(), r, g, crosscheck_sim_options());
    CHECK(background_note(g).empty());
    CHECK_FALSE(mentions_background(caveats(nullptr, g, {q})));
}

TEST_CASE("a file's own background rates replace the preset's in what is compared, and the caveat says whose they are") {
    MeasurementFile f = load_measurement(kFixture);
    const GpuSpec g = load_gpu(preset_for_gpu(f.provenance.gpu));
    const SimOptions o = crosscheck_sim_options();
    const std::vector<Comparison> preset = compare_runs(f, g, o);
    const auto says = [](const std::vector<std::string>& notes, const char* what) {
        return std::any_of(notes.begin(), notes.end(), [&](const std::string& n) { return n.find(what) != std::string::npos; });
    };
    CHECK_FALSE(says(caveats(&f, g, preset), "this file's own idle kernels"));
    f.provenance.background_hbm_write_bytes_per_s = g.background_hbm_write_bytes_per_s + 1e9;
    f.provenance.background_l2_write_bytes_per_s = g.background_l2_write_bytes_per_s + 2e9;
    const std::vector<Comparison> own = compare_runs(f, g, o);
    REQUIRE(own.size() == preset.size());
    int compared = 0;
    for (size_t i = 0; i < own.size(); ++i) {
        const auto seconds = own[i].at(Metric::time_ncu).simulated;
        if (!seconds) continue;
        ++compared;
        CHECK(*own[i].at(Metric::hbm_read).simulated == *preset[i].at(Metric::hbm_read).simulated);
        CHECK(*own[i].at(Metric::time_ncu).simulated == *preset[i].at(Metric::time_ncu).simulated);
        CHECK(*own[i].at(Metric::hbm_write).simulated - *preset[i].at(Metric::hbm_write).simulated == doctest::Approx(1e9 * *seconds));
        CHECK(*own[i].at(Metric::l2_traffic).simulated - *preset[i].at(Metric::l2_traffic).simulated ==
              doctest::Approx(2e9 * *seconds));
    }
    CHECK(compared > 0);
    CHECK(says(caveats(&f, g, own), "this file's own idle kernels"));
}

TEST_CASE("the L2 traffic compared with ncu's counts a written byte 1 + (partitions - 1) / partitions times, and the reads that cross twice") {
    MeasuredRun r = run_of(5, "fa2");
    r.N = 1024, r.Br = 128, r.Bc = 64;
    for (const int64_t partitions : {int64_t(1), int64_t(2)}) {
        GpuSpec g = load_gpu("h200");
        apply_override(g, "l2_partitions=" + std::to_string(partitions));
        apply_override(g, "background_l2_write_bytes_per_s=0");  // its own test above
        const Comparison c = compare_run(r.label(), r, g, crosscheck_sim_options());
        REQUIRE(c.sim_error.empty());
        const SimConfig cfg = sim_config_for(r);
        const RunResult x = simulate(cfg.problem, cfg.schedule, g, crosscheck_sim_options());
        const double rd = double(x.counts.total.global_read_bytes), wr = double(x.counts.total.global_write_bytes),
                     hop = double(x.counts.total.l2_hop_bytes);
        REQUIRE(wr > 0);
        CHECK((hop > 0) == (partitions == 2));  // reads crossing between the partitions, seen at both
        CHECK(*c.at(Metric::l2_traffic).simulated == doctest::Approx(rd + hop + (partitions == 2 ? 1.5 : 1.0) * wr));
        CHECK(*c.at(Metric::l2_requests).simulated == *c.at(Metric::l2_traffic).simulated);
    }
}

TEST_CASE("the L2 traffic's parts: what the SMs receive, what reaches the tags, the hop, and points that add up to the error") {
    MeasuredRun r = run_of(5, "fa2");
    r.B = 1, r.H = 1, r.N = 16384, r.Br = 64, r.Bc = 64, r.causal = false;  // 256 CTAs of one head: two on an SM share K, V
    GpuSpec g = load_gpu("h200");
    apply_override(g, "l2_coalesce_window_ns=505");  // so that some reads are answered by the coalescer
    const SimConfig cfg = sim_config_for(r);
    const RunResult x = simulate(cfg.problem, cfg.schedule, g, crosscheck_sim_options());
    const double rd = double(x.counts.total.global_read_bytes), co = double(x.counts.total.l2_coalesced_bytes);
    REQUIRE(co > 0);
    // Measured parts in sectors: received, to tags, read and write sectors at the tags, and
    // lts__t_bytes with 3200 bytes of another kind.
    NcuMetrics n;
    n.xbar_read_sectors = 30e6, n.lts_tex_read_sectors = 21e6, n.lts_read_sectors = 24e6, n.lts_write_sectors = 1.5e6;
    n.lts_atom_sectors = 0, n.lts_red_sectors = 0;
    n.lts_bytes = 32 * (24e6 + 1.5e6) + 3.2e6;
    r.ncu = n;
    const Comparison c = compare_run(r.label(), r, g, crosscheck_sim_options());
    REQUIRE(c.sim_error.empty());
    CHECK(*c.at(Metric::l2_reads).measured == 32 * 30e6);
    CHECK(*c.at(Metric::l2_reads).simulated == rd + co);
    CHECK(*c.sim_reads_to_tags == rd);
    const double hop = double(x.counts.total.l2_hop_bytes);
    CHECK(*c.sim_hop == hop);
    CHECK(*c.sim_reads_to_tags + hop + *c.sim_writes_seen == doctest::Approx(*c.at(Metric::l2_traffic).simulated));
    // The report's row: five points (reads, coalescing, hop, writes, other) whose sum is the L2
    // traffic's error, each from the parts above.
    const std::string text = format_text(build_report("test", {c}, g), false);
    const size_t at = text.find("L2 traffic in parts");
    REQUIRE(at != std::string::npos);
    const size_t row = text.find("\nv5 ", at);
    REQUIRE(row != std::string::npos);
    std::istringstream in(text.substr(row + 1, text.find('\n', row + 1) - row - 1));
    std::vector<std::string> f;
    for (std::string w; in >> w;) f.push_back(w);
    INFO(text.substr(row + 1, 120));
    REQUIRE(f.size() == 16);  // v5 N d, 3 reads columns, 2 shares, hop and its sim, writes, 5 points
    const double lts = *n.lts_bytes;
    const double want[5] = {100 * (rd + co - 960e6) / lts, 100 * ((960e6 - 672e6) - co) / lts, 100 * (hop - 96e6) / lts,
                            100 * (*c.sim_writes_seen - 48e6) / lts, -100 * 3.2e6 / lts};
    double sum = 0;
    for (int i = 0; i < 5; ++i) {
        const double got = std::stod(f[size_t(11 + i)]);
        CHECK(std::fabs(got - want[i]) <= 0.05 + 1e-9);  // printed to 0.1 point
        sum += got;
    }
    CHECK(std::fabs(sum - 100 * *c.at(Metric::l2_traffic).rel_err()) <= 5 * 0.05 + 1e-9);
    CHECK(f[6] == "0.70");                                        // measured share to the tags
    CHECK(std::stod(f[9]) == doctest::Approx(hop * 1e-6).epsilon(0.001));  // simulated hop, MB
    CHECK(std::stod(f[7]) == doctest::Approx(rd / (rd + co)).epsilon(0.01));
}

TEST_CASE("a configuration the simulator refuses is recorded with its reason, not thrown") {
    MeasuredRun r = run_of(5, "fa2");
    r.Br = 4096;  // larger than N
    const Comparison c = compare_run(r.label(), r, load_gpu("h100"), crosscheck_sim_options());
    CHECK(c.sim_error.find("Br=4096") != std::string::npos);
    CHECK_FALSE(c.at(Metric::hbm_read).simulated.has_value());
}

TEST_CASE("a run of several kernels pairs each kernel's ncu time with the simulated kernel launched in its place") {
    MeasuredRun r = run_of(1, "vanilla", "fma");
    r.causal = false, r.Br = 64, r.Bc = 64, r.warps = 8, r.stages = 1;
    NcuMetrics n;
    n.gpu_time_ns = 3e6;
    n.per_kernel = {{"qk_gemm_kernel", 1e6}, {"row_softmax_kernel", 0.5e6}, {"pv_gemm_kernel", 1.5e6}};
    r.ncu = n;
    const GpuSpec g = load_gpu("h200");
    const Comparison c = compare_run(r.label(), r, g, crosscheck_sim_options());
    REQUIRE(c.sim_error.empty());
    REQUIRE(c.sim_kernel_seconds.size() == 3);
    CHECK(c.sim_kernel_seconds[0].first == "vanilla_qk");
    CHECK(c.sim_kernel_seconds[1].first == "vanilla_softmax");
    CHECK(c.sim_kernel_seconds[2].first == "vanilla_pv");
    double sum = 0;
    for (const auto& [name, s] : c.sim_kernel_seconds) sum += s;
    CHECK(sum == doctest::Approx(*c.at(Metric::time_ncu).simulated));
    const std::string text = format_text(build_report("t.json", {c}, g), false);
    CHECK(text.find("per kernel") != std::string::npos);
    CHECK(text.find("row_softmax_kernel") != std::string::npos);
    // the softmax's error as printed: (sim - 0.5 ms) / 0.5 ms
    CHECK(text.find(format_rel_err((c.sim_kernel_seconds[1].second - 0.5e-3) / 0.5e-3)) != std::string::npos);
    // One kernel: no table.
    r.ncu->per_kernel.resize(1);
    CHECK(format_text(build_report("t.json", {compare_run(r.label(), r, g, crosscheck_sim_options())}, g), false).find("per kernel") ==
          std::string::npos);
}

TEST_CASE("cycles pair ncu's elapsed SM cycles with the simulated cycles at the kernel's clock under load") {
    MeasuredRun r = run_of(5, "fa2");
    r.N = 1024, r.Br = 128, r.Bc = 64;
    NcuMetrics n;
    n.gpu_time_ns = 240000;
    n.sm_clock_hz = 1.75e9;
    n.sm_cycles_max = 420000;
    n.issue_active_pct = 44.9;
    n.tensor_active_pct = 47.6;
    n.inst_executed = 94855168;
    n.inst_xu = 8683520;
    r.ncu = n;
    const GpuSpec g = load_gpu("h200");
    const Comparison c = compare_run(r.label(), r, g, crosscheck_sim_options());
    REQUIRE(c.sim_error.empty());
    CHECK(*c.at(Metric::cycles).measured == *n.sm_cycles_max);
    REQUIRE(c.at(Metric::cycles).simulated.has_value());
    // v5 issues mma.sync: its cycles count at the preset's clock under mma.sync load.
    CHECK(*c.at(Metric::cycles).simulated == doctest::Approx(*c.at(Metric::time_ncu).simulated * g.clock_hz_under_mma_sync));
    CHECK(std::string(metric_unit(Metric::cycles)) == "cycles");
    const std::string text = format_text(build_report("t.json", {c}, g), false);
    CHECK(text.find("clock and cycles") != std::string::npos);
    CHECK(text.find("1.750") != std::string::npos);  // the measured clock in GHz
    CHECK(text.find("instructions per pipe") != std::string::npos);
    // A run of schema 1 (no clock) shows neither table.
    MeasuredRun old = r;
    old.ncu = NcuMetrics{};
    old.ncu->gpu_time_ns = 240000;
    const std::string text1 = format_text(build_report("t.json", {compare_run(old.label(), old, g, crosscheck_sim_options())}, g), false);
    CHECK(text1.find("clock and cycles") == std::string::npos);
    CHECK(text1.find("instructions per pipe") == std::string::npos);
}

TEST_CASE("throughput per shape comes from the file's own times") {
    const MeasurementFile f = load_measurement(kFixture);
    const std::vector<ShapeThroughput> ts = throughput_by_shape(f);
    const ShapeThroughput* causal = nullptr;
    const ShapeThroughput* full = nullptr;
    for (const auto& t : ts) {
        if (t.d == 64 && t.causal) causal = &t;
        if (t.d == 64 && !t.causal) full = &t;
    }
    REQUIRE(causal);
    REQUIRE(full);
    // v5 and torch ran the causal shape: torch ms / v5 ms.
    double v5_ms = 0, torch_ms = *f.reference[0].time_ms_median;
    double vanilla = 1e30, flash = 1e30;
    for (const auto& r : f.runs) {
        if (r.version == 5 && r.causal && r.d == 64) v5_ms = *r.time_ms_median;
        if (r.causal || !r.time_ms_median) continue;
        double& best = r.algo == "vanilla" ? vanilla : flash;
        best = std::min(best, *r.time_ms_median);
    }
    CHECK(*causal->v5_over_torch == doctest::Approx(torch_ms / v5_ms));
    CHECK_FALSE(causal->flash_over_vanilla.has_value());  // no vanilla run of the causal shape
    CHECK(*full->flash_over_vanilla == doctest::Approx(vanilla / flash));
    CHECK_FALSE(full->v5_over_torch.has_value());
}

TEST_CASE("the JSON and CSV exports hold one entry per measured run") {
    const MeasurementFile f = load_measurement(kFixture);
    const GpuSpec g = load_gpu("h100");
    const CrosscheckReport r = build_report(f, g, crosscheck_sim_options());
    const nlohmann::json j = to_json(r);
    CHECK(j["schema"] == "flashsim-crosscheck/1");
    CHECK(j["gpu_preset"] == "h100");
    REQUIRE(j["comparisons"].size() == f.runs.size());
    const auto& m = j["comparisons"][0]["metrics"]["hbm_read"];
    CHECK(m["measured"].get<double>() == *r.comparisons[0].at(Metric::hbm_read).measured);
    CHECK(m["rel_err"].get<double>() == *r.comparisons[0].at(Metric::hbm_read).rel_err());
    CHECK(j["comparisons"][3]["metrics"]["hbm_read"]["measured"].is_null());  // the run without ncu
    const std::string csv = to_csv(r);
    CHECK(std::count(csv.begin(), csv.end(), '\n') == long(f.runs.size() + 1));
    const std::string md = to_markdown(r);
    size_t md_rows = 0;
    for (size_t at = md.find("\n| v"); at != std::string::npos; at = md.find("\n| v", at + 1)) ++md_rows;
    CHECK(md_rows == f.runs.size());
    const std::string text = format_text(r, false);
    size_t widest = 0, start = 0;
    for (size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1) widest = std::max(widest, nl - start);
    CHECK(widest <= 100);
}

TEST_CASE("a backward run maps to the simulator's backward with its own blocks, and its shape is its own row") {
    MeasuredRun bwd = run_of(7, "fa2");
    bwd.pass = "bwd";
    bwd.Br = 128, bwd.Bc = 128, bwd.warps = 8;
    bwd.time_ms_median = 3.0;
    const SimConfig c = sim_config_for(bwd);
    CHECK(c.problem.pass == Pass::bwd);
    CHECK(c.schedule.algo == Algorithm::fa2);
    CHECK(c.schedule.Br == 128);
    CHECK(c.schedule.Bc == 128);
    CHECK(c.schedule.warps == 8);

    // the same shape forward (v5) and backward (v7), each with its torch reference
    MeasurementFile f;
    MeasuredRun fwd = run_of(5, "fa2");
    fwd.time_ms_median = 1.0;
    f.runs = {fwd, bwd};
    f.reference = torch_references(fwd, 1.1, 2.4);
    const std::vector<ShapeThroughput> ts = throughput_by_shape(f);
    REQUIRE(ts.size() == 2);
    CHECK(ts[0].pass == "fwd");  // forward shapes first
    CHECK(*ts[0].v5_over_torch == doctest::Approx(1.1 / 1.0));
    CHECK_FALSE(ts[0].bwd_over_torch.has_value());
    CHECK(ts[0].version_ms.count(7) == 0);
    CHECK(ts[1].pass == "bwd");
    CHECK(ts[1].label().find(" bwd") != std::string::npos);
    CHECK(*ts[1].bwd_over_torch == doctest::Approx(2.4 / 3.0));
    CHECK_FALSE(ts[1].v5_over_torch.has_value());
    CHECK(ts[1].version_ms.at(7) == 3.0);
}

TEST_CASE("PyTorch's flash kernels are a held-out check: the simulated time of the version on their tiles against torch's") {
    // One shape forward and backward, each with torch's time, and the simulated times of v5 (the
    // forward on PyTorch's tiles), v6 (not) and v7 (the backward on them).
    MeasurementFile f;
    MeasuredRun fwd = run_of(kTorchTilesForward, "fa2"), other = run_of(6, "fa3"), bwd = run_of(kTorchTilesBackward, "fa2");
    bwd.pass = "bwd";
    fwd.time_ms_median = 1.0, other.time_ms_median = 0.8, bwd.time_ms_median = 3.0;
    f.runs = {fwd, other, bwd};
    f.reference = torch_references(fwd, 1.25, 2.5);
    auto simulated = [](const MeasuredRun& r, double seconds) {
        Comparison c;
        c.run = r;
        c.sim_timing = true;
        c.metrics[size_t(Metric::time_events)] = {*r.time_ms_median * 1e-3, seconds};
        return c;
    };
    const std::vector<Comparison> cs = {simulated(fwd, 1.0e-3), simulated(other, 0.5e-3), simulated(bwd, 2.0e-3)};
    std::vector<ShapeThroughput> ts = throughput_by_shape(f);
    add_torch_check(ts, cs);
    REQUIRE(ts.size() == 2);
    REQUIRE(ts[0].pass == "fwd");
    CHECK(*ts[0].sim_torch_tiles_ms == doctest::Approx(1.0));  // v5's, not v6's
    CHECK(*ts[0].torch_rel_err() == doctest::Approx((1.0 - 1.25) / 1.25));
    CHECK(*ts[1].sim_torch_tiles_ms == doctest::Approx(2.0));
    CHECK(*ts[1].torch_rel_err() == doctest::Approx((2.0 - 2.5) / 2.5));
    const std::vector<MetricSummary> rows = summarize_torch({{"f: ", &ts}});
    REQUIRE(rows.size() == 2);
    for (size_t i = 0; i < 2; ++i) {
        const MetricSummary& s = rows[i];
        CHECK(s.group == (i == 0 ? "torch" : "torch bwd"));
        CHECK(s.metric == Metric::time_events);
        CHECK(s.runs == 1);
        CHECK(s.median_abs_rel_err == doctest::Approx(0.2));
        CHECK(s.worst_label.rfind("f: torch ", 0) == 0);
    }
    // Without a simulated time of the version on PyTorch's tiles there is no check.
    std::vector<ShapeThroughput> none = throughput_by_shape(f);
    add_torch_check(none, {simulated(other, 0.5e-3)});
    CHECK_FALSE(none[0].torch_rel_err().has_value());
    CHECK(summarize_torch({{"", &none}}).empty());
}

TEST_CASE("a memset between the kernels (FA2 backward's dQacc zeroing) is in no profiled sum, but in the events' time") {
    MeasuredRun r = run_of(7, "fa2");
    r.pass = "bwd";
    r.causal = false, r.Br = 64, r.Bc = 128, r.warps = 8, r.stages = 2;
    GpuSpec g = load_gpu("h200");
    apply_override(g, "background_hbm_write_bytes_per_s=0");  // the profiled kernels' own writes only
    const Comparison c = compare_run(r.label(), r, g, crosscheck_sim_options());
    REQUIRE(c.sim_error.empty());
    const SimConfig cfg = sim_config_for(r);
    const RunResult x = simulate(cfg.problem, cfg.schedule, g, crosscheck_sim_options());
    REQUIRE(x.kernels.size() == 4);
    REQUIRE(x.timing.kernels.size() == 4);
    const KernelCounts& m = x.kernels[0];
    CHECK(m.memset);
    CHECK(x.timing.kernels[0].memset);
    CHECK(m.name == "fa2_bwd_memset_dqacc");
    // It writes dQacc (fp32, B H N d) and reads nothing.
    CHECK(m.counts.total.global_write_bytes == uint64_t(r.B * r.H * r.N * r.d * 4));
    CHECK(m.counts.total.global_read_bytes == 0);
    for (size_t k = 1; k < x.kernels.size(); ++k) CHECK_FALSE(x.kernels[k].memset);
    CHECK(*c.at(Metric::hbm_write).simulated == double(x.counts.total.hbm_write_bytes - m.counts.total.hbm_write_bytes));
    CHECK(*c.at(Metric::time_ncu).simulated == doctest::Approx(x.timing.seconds - x.timing.kernels[0].seconds));
    CHECK(*c.at(Metric::time_events).simulated == doctest::Approx(x.timing.seconds));
    REQUIRE(c.sim_kernel_seconds.size() == 3);
    CHECK(c.sim_kernel_seconds[0].first == "fa2_bwd_dot_do_o");
}

TEST_CASE("mma.sync kernels compare their tensor-pipe and MUFU instructions with the counts: FLOPs / 4096, exponentials / 32") {
    const GpuSpec g = load_gpu("h200");
    MeasuredRun r = run_of(5, "fa2");
    r.N = 1024, r.Br = 128, r.Bc = 64;
    for (const bool causal : {false, true}) {
        r.causal = causal;
        NcuMetrics n;
        n.inst_tensor = 1e6;
        n.inst_xu = 2e6;
        r.ncu = n;
        const Comparison c = compare_run(r.label(), r, g, crosscheck_sim_options());
        REQUIRE(c.sim_error.empty());
        const SimConfig cfg = sim_config_for(r);
        const RunResult x = simulate(cfg.problem, cfg.schedule, g, crosscheck_sim_options());
        REQUIRE(c.sim_tensor_instructions.has_value());
        // m16n8k16: 2 x 16 x 8 x 16 FLOPs per warp-instruction; one MUFU.EX2 per exponential per lane.
        CHECK(*c.sim_tensor_instructions == doctest::Approx(double(x.counts.matmul_flops) / 4096));
        CHECK(*c.sim_xu_instructions == doctest::Approx(double(x.counts.exps) / 32));
        // Without masking, the four GEMMs' FLOPs of the forward: 4 B H N^2 d.
        if (!causal) CHECK(*c.sim_tensor_instructions == doctest::Approx(4.0 * double(r.B * r.H) * 1024 * 1024 * double(r.d) / 4096));
        const std::string text = format_text(build_report("t.json", {c}, g), false);
        CHECK(text.find("tensor pipe and MUFU") != std::string::npos);
        CHECK(text.find(format_rel_err((*c.sim_xu_instructions - 2e6) / 2e6)) != std::string::npos);
    }
    // CUDA-core GEMMs (kernels/v3) and wgmma (v6, cuBLAS) have no such figures.
    struct Kernel {
        int64_t version;
        const char *algo, *unit;
    };
    for (const Kernel& k : {Kernel{3, "fa1", "fma"}, Kernel{6, "fa3", "wgmma"}}) {
        MeasuredRun o = run_of(k.version, k.algo, k.unit);
        o.N = 1024, o.causal = false;
        if (k.version == 3) o.Br = o.Bc = 32, o.stages = 1;
        else o.Br = 128, o.Bc = 128, o.warps = 12;
        const Comparison c = compare_run(o.label(), o, g, crosscheck_sim_options());
        INFO(k.algo);
        CHECK_FALSE(c.sim_tensor_instructions.has_value());
    }
}

TEST_CASE("the report says for how many runs the fast engine estimated the simulated side, and each run's JSON which engine") {
    const MeasuredRun r = run_of(5, "fa2");
    const GpuSpec g = load_gpu("h200");
    const Comparison exact = compare_run(r.label(), r, g, crosscheck_sim_options());
    REQUIRE(exact.sim_error.empty());
    const SimConfig cfg = sim_config_for(r);
    // A small run: every L2 set, CTA and iteration simulated, so no mark.
    CHECK(exact.sim_engine == engine_mark(simulate(cfg.problem, cfg.schedule, g, crosscheck_sim_options()).timing));
    CHECK(exact.sim_engine.empty());
    Timing sampled;
    sampled.valid = true;
    sampled.l2_granule_bytes = 128;
    sampled.l2_set_sampling = 4;
    Comparison fast = exact;
    fast.sim_engine = engine_mark(sampled);
    REQUIRE(fast.sim_engine == "fast: 1 in 4 L2 sets");
    CHECK(format_text(build_report("t.json", {exact}, g), false).find("engine:") == std::string::npos);
    CHECK(format_text(build_report("t.json", {fast}, g), false).find("engine: the fast one for every run") != std::string::npos);
    const std::string both = format_text(build_report("t.json", {exact, fast}, g), false);
    CHECK(both.find("engine: the fast one for 1 of 2 runs") != std::string::npos);
    CHECK(both.find("the exact one for the other 1") != std::string::npos);
    const nlohmann::json j = to_json(build_report("t.json", {exact, fast}, g));
    CHECK(j["comparisons"][0]["sim_engine"] == "");
    CHECK(j["comparisons"][1]["sim_engine"] == "fast: 1 in 4 L2 sets");
}
