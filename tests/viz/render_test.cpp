// render_test.cpp: runs the viewer headless under xvfb-run and checks its pixels against the
// model: the tile the trace loads at step k is drawn in the load highlight inside the rectangle
// the test computes from the matrix's rectangle and the op's rows, and a tile no drawn CTA holds
// or loads is not.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>
#include <stb_image.h>

#include "sim/engine/simulate.h"
#include "support.h"
#include "viz/config.h"

using namespace flashsim;
using nlohmann::json;

namespace {

struct Image {
    int w = 0, h = 0;
    std::vector<uint8_t> px;  // RGB
    uint32_t rgb(int x, int y) const {
        const size_t i = (size_t(y) * size_t(w) + size_t(x)) * 3;
        return (uint32_t(px[i]) << 16) | (uint32_t(px[i + 1]) << 8) | px[i + 2];
    }
};

Image load_png(const std::string& path) {
    Image im;
    int n = 0;
    unsigned char* data = stbi_load(path.c_str(), &im.w, &im.h, &n, 3);
    REQUIRE_MESSAGE(data != nullptr, "cannot read " << path);
    im.px.assign(data, data + size_t(im.w) * size_t(im.h) * 3);
    stbi_image_free(data);
    return im;
}

// Fraction of the pixels strictly inside `r` (3 px in from each edge) that have colour `rgb`.
double fraction(const Image& im, float x0, float y0, float x1, float y1, uint32_t rgb) {
    int hits = 0, all = 0;
    for (int y = int(y0) + 3; y < int(y1) - 3; ++y)
        for (int x = int(x0) + 3; x < int(x1) - 3; ++x) {
            ++all;
            hits += im.rgb(x, y) == rgb;
        }
    REQUIRE(all > 0);
    return double(hits) / all;
}

struct TileRect {
    float x0, y0, x1, y1;
};

// The rectangle of rows [row0, row0 + rows) of a matrix, from the matrix's drawn rectangle.
TileRect rows_rect(const json& frame, const char* tensor, int64_t row0, int64_t rows) {
    for (const auto& m : frame["matrices"])
        if (m["tensor"] == tensor) {
            const float x0 = m["rect"][0], y0 = m["rect"][1], x1 = m["rect"][2], y1 = m["rect"][3];
            const double n = m["rows"].get<double>();
            return {x0, float(y0 + (y1 - y0) * row0 / n), x1, float(y0 + (y1 - y0) * (row0 + rows) / n)};
        }
    FAIL("matrix " << tensor << " not drawn");
    return {};
}

const char* kArgs = "--algo fa2 --N 1024 --d 64 --Br 128 --Bc 128 --gpu a100-40gb";

}  // namespace

TEST_SUITE("render") {

TEST_CASE("the tile the trace loads at step k is drawn in the load highlight where the model says") {
    viz::ViewerConfig c;
    c.algo = "fa2", c.N = 1024, c.d = 64, c.Br = 128, c.Bc = 128, c.gpu = "a100-40gb";
    const AttentionProblem p = c.to_problem();
    const GpuSpec g = c.to_gpu();
    const Trace t = make_trace(p, resolve_schedule(c.to_schedule(), p, g), g);
    const auto ops = vizt::cta_ops(*t.kernels[0], 0);
    // The step at which CTA 0 (drawn on SM 0) loads K block 2.
    int64_t k = -1;
    for (size_t i = 0; i < ops.size() && k < 0; ++i)
        if (ops[i].kind == OpKind::load && ops[i].tensor == Tensor::K && ops[i].row0 == 2 * c.Bc) k = int64_t(i);
    REQUIRE(k > 0);
    const Op& op = ops[size_t(k)];

    const auto dir = vizt::temp_dir("render");
    const std::string png = (dir / "step.png").string();
    const vizt::RunOut r = vizt::run_viewer(std::string(kArgs) + " --screenshot '" + png + "' --steps " + std::to_string(k), true, dir);
    REQUIRE_MESSAGE(r.code == 0, r.err);
    const Image im = load_png(png);
    CHECK(im.w == 1600);
    CHECK(im.h == 1000);
    const json frame = json::parse(vizt::slurp(png + ".json"));
    CHECK(frame["step"] == k);
    // The viewer says SM 0's current op is the one the trace has at step k.
    bool found = false;
    for (const auto& o : frame["ops"])
        if (o["sm"] == 0) {
            found = true;
            CHECK(o["kind"] == "load");
            CHECK(o["tensor"] == "K");
            CHECK(o["row0"] == op.row0);
            CHECK(o["rows"] == op.rows);
            CHECK(o["ops_done"] == k + 1);
        }
    CHECK(found);

    const uint32_t load_rgb = frame["highlight_load_rgb"];
    CHECK((load_rgb >> 16) > 200);  // yellow: red and green high, blue low
    CHECK(((load_rgb >> 8) & 0xFF) > 200);
    CHECK((load_rgb & 0xFF) < 60);
    const TileRect loaded = rows_rect(frame, "K", op.row0, op.rows);
    CHECK(fraction(im, loaded.x0, loaded.y0, loaded.x1, loaded.y1, load_rgb) > 0.95);

    // A K block that no drawn CTA loads now or holds in SRAM: not highlighted.
    const int64_t other = (op.row0 / c.Bc + 3) * c.Bc;
    for (const auto& tile : frame["tiles"])
        if (tile["tensor"] == "K") CHECK(tile["row0"] != other);
    const TileRect idle = rows_rect(frame, "K", other, c.Bc);
    CHECK(fraction(im, idle.x0, idle.y0, idle.x1, idle.y1, load_rgb) == 0.0);
    // The Q block CTA 0 holds is drawn in Q's colour, not highlighted.
    const TileRect q0 = rows_rect(frame, "Q", 0, c.Br);
    CHECK(fraction(im, q0.x0, q0.y0, q0.x1, q0.y1, load_rgb) == 0.0);
    CHECK(fraction(im, q0.x0, q0.y0, q0.x1, q0.y1, im.rgb(int((q0.x0 + q0.x1) / 2), int((q0.y0 + q0.y1) / 2))) > 0.95);
}

TEST_CASE("a recording writes one frame per step whose current op follows the trace") {
    viz::ViewerConfig c;
    c.algo = "fa2", c.N = 1024, c.d = 64, c.Br = 128, c.Bc = 128, c.gpu = "a100-40gb";
    const AttentionProblem p = c.to_problem();
    const GpuSpec g = c.to_gpu();
    const Trace t = make_trace(p, resolve_schedule(c.to_schedule(), p, g), g);
    const auto ops = vizt::cta_ops(*t.kernels[0], 0);
    const auto dir = vizt::temp_dir("record");
    const int64_t steps = 3;
    const vizt::RunOut r =
        vizt::run_viewer(std::string(kArgs) + " --record '" + (dir / "frames").string() + "' --steps " + std::to_string(steps), true, dir);
    REQUIRE_MESSAGE(r.code == 0, r.err);
    for (int64_t k = 0; k <= steps; ++k) {
        char name[32];
        std::snprintf(name, sizeof name, "step_%05lld.png", (long long)k);
        const auto png = dir / "frames" / name;
        REQUIRE(std::filesystem::exists(png));
        const json frame = json::parse(vizt::slurp(png.string() + ".json"));
        CHECK(frame["step"] == k);
        CHECK(frame["ops"][0]["kind"] == to_string(ops[size_t(k)].kind));
        CHECK(frame["ops"][0]["line"] == ops[size_t(k)].line);
    }
}

TEST_CASE("every view renders headless") {
    const auto dir = vizt::temp_dir("views");
    for (const char* v : {"compare", "timeline", "plots"}) {
        const std::string png = (dir / (std::string(v) + ".png")).string();
        const vizt::RunOut r = vizt::run_viewer(std::string("--N 512 --view ") + v + " --screenshot '" + png + "' --steps 3", true, dir);
        CHECK_MESSAGE(r.code == 0, r.err);
        CHECK(load_png(png).w == 1600);
    }
}

}  // TEST_SUITE
