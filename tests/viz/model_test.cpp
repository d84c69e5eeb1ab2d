// model_test.cpp: the viewer's model without a window: lesson files, measurement files, the
// playback over the trace's op streams, and the command line's exit code 2 for bad files.
#include <doctest/doctest.h>

#include "sim/core/errors.h"
#include "sim/engine/simulate.h"
#include "support.h"
#include "viz/config.h"
#include "viz/measurement.h"
#include "viz/playback.h"
#include "viz/sim_job.h"

using namespace flashsim;
using namespace flashsim::viz;

TEST_SUITE("model") {

TEST_CASE("a lesson file sets the configuration and its GPU overrides") {
    const ViewerConfig c = parse_config_toml(
        "algo = \"fa1\"\nN = 2048\nd = 128\nBr = 32\nBc = 64\ncausal = true\ndtype = \"bf16\"\ngpu = \"h100\"\n"
        "[set]\nsram_bytes_per_sm = 65536\nhbm_bytes_per_s = 2.0e12\n",
        "lesson.toml");
    CHECK(c.algo == "fa1");
    CHECK(c.N == 2048);
    CHECK(c.d == 128);
    CHECK(c.Br == 32);
    CHECK(c.Bc == 64);
    CHECK(c.causal);
    CHECK(c.dtype == "bf16");
    const GpuSpec g = c.to_gpu();
    CHECK(g.sram_bytes_per_sm == 65536);
    CHECK(g.hbm_bytes_per_s == doctest::Approx(2.0e12));
    // The block order: a lesson's key, the viewer's field, the schedule's knob.
    const ViewerConfig h = parse_config_toml("algo = \"fa2\"\ncausal = true\nblock_order = \"heaviest-first\"\n", "h.toml");
    CHECK(h.block_order == "heaviest-first");
    CHECK(h.to_schedule().block_order == BlockOrder::heaviest_first);
    CHECK(h != parse_config_toml("algo = \"fa2\"\ncausal = true\n", "i.toml"));
    CHECK(h.describe().find("heaviest-first") != std::string::npos);
}

TEST_CASE("a malformed lesson file is refused with the file, the key and what is allowed") {
    CHECK_THROWS_WITH_AS(parse_config_toml("N = \"big\"\n", "x.toml"), doctest::Contains("x.toml: key 'N' must be a whole number"), ConfigError);
    CHECK_THROWS_WITH_AS(parse_config_toml("Nq = 3\n", "x.toml"), doctest::Contains("unknown key 'Nq'"), ConfigError);
    CHECK_THROWS_WITH_AS(parse_config_toml("algo = \"fa9\"\n", "x.toml"), doctest::Contains("fa9"), ConfigError);
    CHECK_THROWS_WITH_AS(parse_config_toml("N = [1,\n", "x.toml"), doctest::Contains("malformed TOML"), ConfigError);
    CHECK_THROWS_WITH_AS(parse_config_toml("[set]\nwarp_speed = 9\n", "x.toml"), doctest::Contains("warp_speed"), ConfigError);
}

const char* kMeasurement = R"({"schema":"flashsim-measurement/1","provenance":{"gpu":"H100"},
 "runs":[{"version":5,"algo":"fa2","dtype":"fp16","B":1,"H":16,"N":1024,"d":64,"causal":false,
          "Br":128,"Bc":128,"time_ms_median":0.05,
          "ncu":{"dram__bytes_read.sum":4.0e6,"dram__bytes_write.sum":2.0e6,"lts__t_bytes.sum":3.0e7,
                 "gpu__time_duration.sum":50000}}]})";

TEST_CASE("a measurement file is read and its run matched to the configuration") {
    const MeasurementFile f = parse_measurements(kMeasurement, "m.json");
    REQUIRE(f.runs.size() == 1);
    CHECK(f.provenance.at("gpu") == "H100");
    ViewerConfig c;  // fa2 fp16 N=1024 d=64 H=16 B=1
    const MeasuredRun* r = find_run(f, c, 128, 128);
    REQUIRE(r != nullptr);
    CHECK(r->dram_read_bytes == 4.0e6);
    CHECK(r->time_ms_median == 0.05);
    CHECK(find_run(f, c, 64, 64) == nullptr);
    c.N = 2048;
    CHECK(find_run(f, c, 128, 128) == nullptr);
}

TEST_CASE("picking a measured run sets the configuration to it, its block order as the cross-check takes it") {
    // Version 5 (fa2_tc) launches a causal head's query blocks heaviest first (files before the
    // runs declared it: the cross-check's legacy table); version 4 (fa2_fp32) by index; fa1 has no
    // order of query blocks.
    const MeasurementFile f = parse_measurements(R"({"schema":"flashsim-measurement/1","provenance":{"gpu":"H200"},
 "runs":[{"version":5,"kernel":"fa2_tc","algo":"fa2","dtype":"fp16","B":4,"H":16,"N":4096,"d":128,"causal":true,
          "Br":128,"Bc":64,"time_ms_median":1.0},
         {"version":4,"kernel":"fa2_fp32","algo":"fa2","dtype":"fp16","B":4,"H":16,"N":4096,"d":64,"causal":true,
          "Br":64,"Bc":64,"time_ms_median":2.0},
         {"version":3,"kernel":"fa1_fp32","algo":"fa1","dtype":"fp16","B":4,"H":16,"N":4096,"d":64,"causal":false,
          "Br":32,"Bc":32,"time_ms_median":3.0}]})",
                                                 "m.json");
    REQUIRE(f.runs.size() == 3);
    CHECK(f.runs[0].block_order == "heaviest-first");
    CHECK(f.runs[1].block_order == "index");
    CHECK(f.runs[2].block_order == "index");
    ViewerConfig c;
    apply_run(c, f.runs[0]);
    CHECK(c.algo == "fa2");
    CHECK(c.N == 4096);
    CHECK(c.d == 128);
    CHECK(c.batch == 4);
    CHECK(c.causal);
    CHECK(c.Br == 128);
    CHECK(c.Bc == 64);
    CHECK(c.block_order == "heaviest-first");
    CHECK(c.to_schedule().block_order == BlockOrder::heaviest_first);
    CHECK(find_run(f, c, 128, 64) == &f.runs[0]);
    apply_run(c, f.runs[2]);
    CHECK(c.algo == "fa1");
    CHECK(c.block_order == "index");
}

TEST_CASE("a malformed measurement file is refused with one line naming the problem") {
    CHECK_THROWS_WITH_AS(parse_measurements("{not json", "m.json"), doctest::Contains("not valid JSON"), ConfigError);
    CHECK_THROWS_WITH_AS(parse_measurements("{\"schema\":\"other/2\",\"runs\":[]}", "m.json"),
                         doctest::Contains("'other/2' is not supported"), ConfigError);
    std::string missing = kMeasurement;
    missing.replace(missing.find("\"N\":1024,"), 9, "");
    CHECK_THROWS_WITH_AS(parse_measurements(missing, "m.json"), doctest::Contains("runs[0].N"), ConfigError);
    std::string wrong = kMeasurement;
    wrong.replace(wrong.find("\"causal\":false"), 14, "\"causal\":\"no\"");
    CHECK_THROWS_WITH_AS(parse_measurements(wrong, "m.json"), doctest::Contains("runs[0].causal"), ConfigError);
}

TEST_CASE("playback steps through the drawn CTAs' op streams, forward and back, as the trace emits them") {
    ViewerConfig c;
    c.N = 1000;  // a partial last block
    c.Br = 128;
    c.Bc = 64;
    const AttentionProblem p = c.to_problem();
    const GpuSpec g = c.to_gpu();
    const Schedule s = resolve_schedule(c.to_schedule(), p, g);
    auto t = std::make_shared<Trace>(make_trace(p, s, g));
    const int sms = 4;
    PlaybackPlan plan = make_plan(*t, sms);
    REQUIRE(plan.kernels.size() == 1);
    std::vector<std::vector<Op>> ops;
    int64_t longest = 0;
    for (int c_ = 0; c_ < sms; ++c_) {
        ops.push_back(vizt::cta_ops(*t->kernels[0], c_));
        longest = std::max<int64_t>(longest, int64_t(ops.back().size()));
    }
    CHECK(plan.total_steps == longest);
    Playback pb;
    pb.reset(t, plan);
    for (int64_t k : {int64_t(0), int64_t(37), int64_t(5), longest - 1, int64_t(36)}) {
        pb.seek(k);
        for (int c_ = 0; c_ < sms; ++c_) {
            const SmView& v = pb.sms()[size_t(c_)];
            REQUIRE(v.has_op);
            const Op& want = ops[size_t(c_)][size_t(k)];
            CHECK(int(v.op.kind) == int(want.kind));
            CHECK(v.op.row0 == want.row0);
            CHECK(v.op.bytes == want.bytes);
            CHECK(v.ops_done == k + 1);
        }
    }
    // At the last step the drawn CTAs have read, per FA2's listing, Qi once and every Kj, Vj once:
    // es * (Br d + 2 N d) bytes each, and written Oi (es * Br d) and LSEi (4 * Br).
    pb.seek(longest - 1);
    const int64_t es = p.es(), d = p.d, Br = s.Br, N = p.N;
    CHECK(pb.so_far().total.hbm_read_bytes == uint64_t(sms * es * (Br * d + 2 * N * d)));
    CHECK(pb.so_far().total.hbm_write_bytes == uint64_t(sms * (es * Br * d + kStatBytes * Br)));
}

TEST_CASE("the resident tiles are the last tile each tensor loaded") {
    ViewerConfig c;
    c.Br = 128;
    c.Bc = 128;
    const AttentionProblem p = c.to_problem();
    const GpuSpec g = c.to_gpu();
    auto t = std::make_shared<Trace>(make_trace(p, resolve_schedule(c.to_schedule(), p, g), g));
    Playback pb;
    pb.reset(t, make_plan(*t, 2));
    const auto ops = vizt::cta_ops(*t->kernels[0], 1);
    const int64_t k = 30;
    pb.seek(k);
    Op last_k{};
    for (int64_t i = 0; i <= k; ++i)
        if (ops[size_t(i)].kind == OpKind::load && ops[size_t(i)].tensor == Tensor::K) last_k = ops[size_t(i)];
    const Resident& r = pb.sms()[1].resident[size_t(Tensor::K)];
    REQUIRE(r.present);
    CHECK(r.row0 == last_k.row0);
    CHECK(r.bytes == last_k.bytes);
    CHECK(pb.sms()[1].resident[size_t(Tensor::Q)].row0 == uint32_t(c.Br));  // CTA 1 holds Q block 1
}

TEST_CASE("a schedule that does not fit is an error with the SRAM arithmetic, not a crash") {
    ViewerConfig c;
    c.d = 256;
    c.Br = 256;
    c.Bc = 256;
    const SimOutcome o = run_simulation(c, 4, false);
    CHECK(o.result == nullptr);
    CHECK(o.error.find("SRAM") != std::string::npos);
    REQUIRE(o.has_footprint);
    CHECK(o.footprint.sram_bytes > o.sram_bytes_per_sm);
    CHECK(o.footprint.sram_bytes == footprint(c.to_schedule(), c.to_problem(), c.to_gpu()).sram_bytes);
}

TEST_CASE("the viewer exits with code 2 and one line for a malformed lesson or measurement file") {
    const auto dir = vizt::temp_dir("bad_files");
    {
        std::ofstream(dir / "bad.toml") << "algo = \"fa2\"\nN = \"many\"\n";
        const vizt::RunOut r = vizt::run_viewer("--config '" + (dir / "bad.toml").string() + "' --screenshot '" +
                                                    (dir / "x.png").string() + "'", false, dir);
        CHECK(r.code == 2);
        CHECK(vizt::count_lines(r.err) == 1);
        CHECK(r.err.find("bad.toml: key 'N' must be a whole number") != std::string::npos);
        CHECK(!std::filesystem::exists(dir / "x.png"));
    }
    {
        std::ofstream(dir / "bad.json")
            << "{\"schema\": \"flashsim-measurement/1\", \"provenance\": {\"gpu\": \"H100\"}, \"runs\": [{\"algo\": 3}]}";
        const vizt::RunOut r = vizt::run_viewer("--measurements '" + (dir / "bad.json").string() + "' --screenshot '" +
                                                    (dir / "x.png").string() + "'", false, dir);
        CHECK(r.code == 2);
        CHECK(vizt::count_lines(r.err) == 1);
        CHECK(r.err.find("bad.json") != std::string::npos);
        CHECK(r.err.find("runs[0]") != std::string::npos);
    }
    {
        const vizt::RunOut r = vizt::run_viewer("--view sideways --screenshot x.png", false, dir);
        CHECK(r.code == 2);
        CHECK(r.err.find("--view 'sideways' is unknown") != std::string::npos);
    }
}

}  // TEST_SUITE
