// layout_test.cpp: the viewer is legible from 1024x768 to 4K. Every view, in normal and projector
// mode, is rendered headless at the sizes classrooms use; in each frame no text item is cut by
// its clip rectangle or overlaps another (layout_check.h). Also: fonts grow with the window, the
// timeline has a lane for every SM with the idle ones counted, the counters follow paper mode and
// explain output still dirty in the L2.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "layout_check.h"
#include "sim/engine/simulate.h"
#include "support.h"
#include "viz/config.h"

using namespace flashsim;
using nlohmann::json;

namespace {

const char* kSizes = "1024x768,1280x720,1280x800,1600x1000,1920x1080";
const char* kViews[] = {"hierarchy", "compare", "timeline", "plots"};
const char* kSizeList[] = {"1024x768", "1280x720", "1280x800", "1600x1000", "1920x1080"};

json frame_of(const std::filesystem::path& dir, const std::string& view, bool projector, const std::string& size) {
    const auto f = dir / (view + (projector ? "-projector-" : "-") + size + ".png.json");
    CHECK_FALSE(std::filesystem::exists(dir / (view + (projector ? "-projector-" : "-") + size + ".png")));  // --no-png
    REQUIRE_MESSAGE(std::filesystem::exists(f), f.string() << " missing");
    return json::parse(vizt::slurp(f.string()));
}

bool has_text(const json& frame, const std::string& part) {
    for (const auto& t : frame["texts"])
        if (t["text"].get<std::string>().find(part) != std::string::npos) return true;
    return false;
}

void check_layout(const std::filesystem::path& dir, const std::vector<std::string>& sizes, bool both_modes) {
    for (const auto& size : sizes)
        for (bool projector : {false, true}) {
            if (projector && !both_modes) continue;
            for (const std::string v : kViews) {
                const json f = frame_of(dir, v, projector, size);
                CAPTURE(v);
                CAPTURE(size);
                CAPTURE(projector);
                CHECK(f["texts"].size() > 10);
                const auto problems = vizt::layout_problems(f);
                for (size_t i = 0; i < problems.size() && i < 5; ++i) MESSAGE(problems[i]);
                CHECK(problems.empty());
            }
        }
}

}  // namespace

TEST_SUITE("model") {

TEST_CASE("the layout check finds a clipped text and two overlapping texts") {
    // Built by hand: the check must be able to fail.
    json f;
    auto text = [](const char* s, json rect, json clip, bool scrolls) {
        return json{{"text", s}, {"window", "w"}, {"rect", rect}, {"clip", clip}, {"scrolls", scrolls}, {"elided", false}};
    };
    f["texts"] = json::array({text("fits", {10, 10, 50, 26}, {0, 0, 100, 100}, false),
                              text("cut on the right", {60, 40, 140, 56}, {0, 0, 100, 100}, false),
                              text("below the fold of a scrolling panel", {10, 95, 50, 111}, {0, 0, 100, 100}, true)});
    CHECK(vizt::layout_problems(f).size() == 1);
    f["texts"].push_back(text("on top of 'fits'", {30, 20, 80, 36}, {0, 0, 100, 100}, false));
    CHECK(vizt::layout_problems(f).size() == 2);
    f["texts"].push_back(text("cut below, no scrolling", {60, 95, 90, 111}, {0, 0, 100, 100}, false));
    CHECK(vizt::layout_problems(f).size() == 3);
}

}  // TEST_SUITE

TEST_SUITE("render") {

TEST_CASE("one head on the teaching GPU: every view at every classroom size, normal and projector, lays out cleanly") {
    // FA1 with one head is one CTA: the other SMs are idle, which the timeline must show.
    viz::ViewerConfig c;
    c.algo = "fa1", c.gpu = "teaching", c.N = 1024, c.heads = 1, c.paper_mode = true;
    const auto dir = vizt::temp_dir("layout_teaching");
    const vizt::RunOut r = vizt::run_viewer(std::string("--algo fa1 --gpu teaching --N 1024 --heads 1 --paper --steps 5 --shots '") +
                                                (dir / "shots").string() + "' --sizes " + kSizes + " --views all --modes normal,projector --no-png",
                                            true, dir, "1920x1080");
    REQUIRE_MESSAGE(r.code == 0, r.err);
    check_layout(dir / "shots", {std::begin(kSizeList), std::end(kSizeList)}, true);

    // Fonts grow with the window and in projector mode.
    const float f_small = frame_of(dir / "shots", "hierarchy", false, "1024x768")["font_px"];
    const float f_large = frame_of(dir / "shots", "hierarchy", false, "1920x1080")["font_px"];
    const float f_proj = frame_of(dir / "shots", "hierarchy", true, "1920x1080")["font_px"];
    CHECK(f_small >= 13);
    CHECK(f_large > f_small);
    CHECK(f_proj > f_large);

    // Every SM has a lane; all but one are idle.
    const int64_t sms = c.to_gpu().sm_count;
    const json tl = frame_of(dir / "shots", "timeline", false, "1600x1000");
    CHECK(has_text(tl, "1 of " + std::to_string(sms) + " SMs busy, " + std::to_string(sms - 1) + " idle"));
    CHECK(has_text(tl, "SM " + std::to_string(sms - 1)));
    // At 1024x768 the listing and counters are tabs of the left panel: they lay out cleanly too.
    const AttentionProblem p = c.to_problem();
    const GpuSpec g = c.to_gpu();
    const std::string title = make_trace(p, resolve_schedule(c.to_schedule(), p, g), g).listings.at(0).title;
    for (const char* tab : {"algorithm", "counters"}) {
        const auto tab_dir = dir / tab;
        const vizt::RunOut rt = vizt::run_viewer(std::string("--algo fa1 --gpu teaching --N 1024 --heads 1 --paper --steps 5 --shots '") +
                                                     tab_dir.string() + "' --sizes 1024x768 --views hierarchy --modes normal,projector --no-png --tab " + tab,
                                                 true, dir, "1024x768");
        REQUIRE_MESSAGE(rt.code == 0, rt.err);
        for (bool projector : {false, true}) {
            const json f = frame_of(tab_dir, "hierarchy", projector, "1024x768");
            CAPTURE(tab);
            CAPTURE(projector);
            const auto problems = vizt::layout_problems(f);
            for (size_t i = 0; i < problems.size() && i < 5; ++i) MESSAGE(problems[i]);
            CHECK(problems.empty());
            CHECK(has_text(f, std::string(tab) == "counters" ? "HBM <-> SRAM (no L2)" : title));
        }
    }
    // Paper mode: no L2 level anywhere in the counters.
    const json h = frame_of(dir / "shots", "hierarchy", false, "1600x1000");
    CHECK(has_text(h, "HBM <-> SRAM (no L2)"));
    CHECK_FALSE(has_text(h, "L2 <-> SRAM"));
}

TEST_CASE("with the L2 model on the H100 preset, at 1600x1000 and at 4K, the layout is clean and the counters explain dirty output") {
    viz::ViewerConfig c;
    c.algo = "fa2", c.gpu = "h100", c.N = 2048, c.heads = 16;
    const RunResult want = simulate(c.to_problem(), c.to_schedule(), c.to_gpu(), c.to_options(false));
    const auto dir = vizt::temp_dir("layout_h100");
    const vizt::RunOut r = vizt::run_viewer(std::string("--algo fa2 --gpu h100 --N 2048 --heads 16 --steps 5 --shots '") +
                                                (dir / "shots").string() + "' --sizes 1600x1000,3840x2160 --views all --no-png",
                                            true, dir, "3840x2160");
    REQUIRE_MESSAGE(r.code == 0, r.err);
    check_layout(dir / "shots", {"1600x1000", "3840x2160"}, false);
    const json h = frame_of(dir / "shots", "hierarchy", false, "1600x1000");
    CHECK(has_text(h, "L2 <-> SRAM"));
    CHECK(has_text(h, "HBM <-> L2"));
    REQUIRE(want.l2_dirty_bytes_at_end > 0);  // O (4 MiB) fits the 50 MB L2: it is still there at the end
    CHECK(has_text(h, "still dirty in the L2"));
    CHECK_FALSE(has_text(h, "(differs)"));
    CHECK(float(frame_of(dir / "shots", "hierarchy", false, "3840x2160")["font_px"]) >= 2 * float(h["font_px"]) - 4);
}


TEST_CASE("the compare view on a 1280x720 projector: short labels where the boxes are narrow, and C gives the view the window") {
    const auto dir = vizt::temp_dir("layout_compare_projector");
    auto shot = [&](const std::string& sub, const std::string& extra) {
        const vizt::RunOut r = vizt::run_viewer("--algo fa2 --N 1024 --steps 19 --shots '" + (dir / sub).string() +
                                                    "' --sizes 1280x720 --views compare --modes projector --no-png" + extra,
                                                true, dir, "1280x720");
        REQUIRE_MESSAGE(r.code == 0, r.err);
        return frame_of(dir / sub, "compare", true, "1280x720");
    };
    auto elided = [](const json& f) {
        int n = 0;
        for (const auto& t : f["texts"]) n += t["elided"].get<bool>();
        return n;
    };
    const json shown = shot("shown", ""), hidden = shot("hidden", " --hide-panels");
    for (const json* f : {&shown, &hidden}) {
        const auto problems = vizt::layout_problems(*f);
        for (size_t i = 0; i < problems.size() && i < 5; ++i) MESSAGE(problems[i]);
        CHECK(problems.empty());
        // FlashAttention's S and P say where they are, in full or short, never cut to "...".
        CHECK((has_text(*f, "never in HBM:") || has_text(*f, "in HBM")));
    }
    // At 1920x1080 with the panels shown the HBM box is narrowest against the font: S and P stack
    // so that their labels fit, the SM boxes name their SM; with four N x N matrices (vanilla's
    // backward) the hatched ones drop a label that would be cut and the legend explains the
    // hatching. Nothing drawn is cut to "...".
    for (const char* what : {"--algo fa2 --N 8192", "--algo vanilla --pass bwd --N 2048"}) {
        CAPTURE(what);
        const auto sub = dir / (std::string("wide-") + std::to_string(std::string(what).size()));
        const vizt::RunOut r = vizt::run_viewer(std::string(what) + " --gpu h200 --steps 1 --shots '" + sub.string() +
                                                    "' --sizes 1920x1080 --views compare --modes projector --no-png",
                                                true, dir, "1920x1080");
        REQUIRE_MESSAGE(r.code == 0, r.err);
        const json wide = frame_of(sub, "compare", true, "1920x1080");
        CHECK(vizt::layout_problems(wide).empty());
        CHECK(has_text(wide, "never in HBM"));
        CHECK(has_text(wide, "SM 0"));
        CHECK(elided(wide) == 0);
    }
    CHECK(has_text(shown, "hide panels (C)"));
    CHECK(has_text(hidden, "show panels (C)"));
    CHECK_FALSE(has_text(hidden, "Configuration A"));  // the controls are hidden
    CHECK(has_text(hidden, "HBM bytes"));               // the B / A table is not
    // With the panels hidden the title has room for the schedule; beside them it is shortened.
    CHECK(has_text(hidden, "stages=2"));
    CHECK_FALSE(has_text(shown, "stages=2"));
    CHECK(elided(hidden) == 0);
}

TEST_CASE("the plots view on a 1024x768 projector: titles whole or in short, both roofline points and the ridge labelled") {
    // The quarter charts are narrow at this size: the roofline's title keeps its part before the
    // colon and the points' labels their short form rather than being cut to "..." or left out.
    const auto dir = vizt::temp_dir("layout_plots_projector");
    const vizt::RunOut r = vizt::run_viewer("--algo fa2 --N 1024 --gpu h200 --steps 19 --shots '" + (dir / "shots").string() +
                                                "' --sizes 1024x768 --views plots --modes projector --no-png",
                                            true, dir, "1024x768");
    REQUIRE_MESSAGE(r.code == 0, r.err);
    const json f = frame_of(dir / "shots", "plots", true, "1024x768");
    const auto problems = vizt::layout_problems(f);
    for (size_t i = 0; i < problems.size() && i < 5; ++i) MESSAGE(problems[i]);
    CHECK(problems.empty());
    for (const auto& t : f["texts"]) {
        CAPTURE(t["text"].get<std::string>());
        CHECK_FALSE(t["elided"].get<bool>());
    }
    CHECK(has_text(f, "Roofline"));
    CHECK(has_text(f, "A fa2"));
    CHECK(has_text(f, "B vanilla"));
    CHECK(has_text(f, "ridge"));
    CHECK(has_text(f, "current: "));
}

}  // TEST_SUITE
