// panel_plots.cpp: HBM bytes and time vs block size (Br = Bc) and vs N, computed by simulate() in
// the background, and a roofline with the current configuration's point, which moves as the
// controls change. Drawn with ImGui primitives on log-log axes.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "viz/palette.h"
#include "viz/panels.h"

namespace flashsim::viz {

namespace {

struct Series {
    std::vector<std::pair<double, double>> pts;
    Rgba color;
    const char* label;
};

struct LogAxes {
    Rect r;
    double x_lo, x_hi, y_lo, y_hi;
    float x(double v) const { return r.x0 + float((std::log(v) - std::log(x_lo)) / (std::log(x_hi) - std::log(x_lo))) * (r.x1 - r.x0); }
    float y(double v) const { return r.y1 - float((std::log(v) - std::log(y_lo)) / (std::log(y_hi) - std::log(y_lo))) * (r.y1 - r.y0); }
};

LogAxes chart_frame(ImDrawList* dl, Rect box, const char* title, const char* xlabel, double x_lo, double x_hi, double y_lo,
                    double y_hi, float s, std::string (*yfmt)(double)) {
    dl->AddRectFilled(ImVec2(box.x0, box.y0), ImVec2(box.x1, box.y1), rgba(30, 32, 40));
    dl->AddText(ImVec2(box.x0 + 8 * s, box.y0 + 4 * s), kText, title);
    LogAxes ax{{box.x0 + 70 * s, box.y0 + 28 * s, box.x1 - 14 * s, box.y1 - 40 * s}, x_lo, x_hi, y_lo, y_hi};
    dl->AddRect(ImVec2(ax.r.x0, ax.r.y0), ImVec2(ax.r.x1, ax.r.y1), kBoxBorder);
    // Powers of two, spaced so that at most about 9 labels fit.
    const double factor = std::pow(2.0, std::max(1.0, std::ceil(std::log2(x_hi / x_lo) / 9)));
    for (double v = std::pow(2.0, std::ceil(std::log2(x_lo))); v <= x_hi * 1.001; v *= factor) {
        const float x = ax.x(v);
        dl->AddLine(ImVec2(x, ax.r.y1), ImVec2(x, ax.r.y1 + 5 * s), kText);
        dl->AddText(ImVec2(x - 10 * s, ax.r.y1 + 6 * s), kDimText, fmt_count(v).c_str());
    }
    dl->AddText(ImVec2((ax.r.x0 + ax.r.x1) / 2 - 20 * s, ax.r.y1 + 20 * s), kDimText, xlabel);
    const double e0 = std::floor(std::log10(y_lo)), e1 = std::ceil(std::log10(y_hi));
    const double estep = std::max(1.0, std::ceil((e1 - e0) / 6));
    for (double e = e0; e <= e1; e += estep) {
        const double v = std::pow(10.0, e);
        if (v < y_lo || v > y_hi) continue;
        const float y = ax.y(v);
        dl->AddLine(ImVec2(ax.r.x0, y), ImVec2(ax.r.x1, y), rgba(55, 58, 68));
        dl->AddText(ImVec2(box.x0 + 4 * s, y - 8 * s), kDimText, yfmt(v).c_str());
    }
    return ax;
}

void draw_series(ImDrawList* dl, const LogAxes& ax, const Series& se, float s) {
    for (size_t i = 0; i < se.pts.size(); ++i) {
        const ImVec2 p(ax.x(se.pts[i].first), ax.y(se.pts[i].second));
        dl->AddCircleFilled(p, 4 * s, se.color);
        if (i > 0) dl->AddLine(ImVec2(ax.x(se.pts[i - 1].first), ax.y(se.pts[i - 1].second)), p, se.color, 2 * s);
    }
}

std::string bytes_label(double v) { return fmt_bytes(v); }
std::string seconds_label(double v) { return fmt_seconds(v); }
std::string flops_label(double v) { return fmt_count(v) + "FLOP/s"; }

void sweep_chart(ImDrawList* dl, Rect box, const char* title, const char* xlabel, const std::vector<SweepPoint>& pts,
                 bool time, double current_x, float s) {
    Series se{{}, time ? kComputeGreen : tensor_color(Tensor::Q), title};
    for (const auto& p : pts)
        if (p.ok && (time ? p.seconds : p.hbm_bytes) > 0) se.pts.emplace_back(double(p.x), time ? p.seconds : p.hbm_bytes);
    if (se.pts.empty()) {
        dl->AddRectFilled(ImVec2(box.x0, box.y0), ImVec2(box.x1, box.y1), rgba(30, 32, 40));
        dl->AddText(ImVec2(box.x0 + 8 * s, box.y0 + 4 * s), kText, title);
        dl->AddText(ImVec2(box.x0 + 8 * s, box.y0 + 30 * s), kDimText,
                    time ? "timing not available" : "no point fits (see the controls' error)");
        return;
    }
    double ylo = 1e300, yhi = 0;
    for (const auto& [x, y] : se.pts) ylo = std::min(ylo, y), yhi = std::max(yhi, y);
    const LogAxes ax = chart_frame(dl, box, title, xlabel, double(pts.front().x) / 1.3, double(pts.back().x) * 1.3, ylo / 2,
                                   yhi * 2, s, time ? seconds_label : bytes_label);
    draw_series(dl, ax, se, s);
    if (current_x > 0) {
        const float x = ax.x(current_x);
        dl->AddLine(ImVec2(x, ax.r.y0), ImVec2(x, ax.r.y1), kLoadHighlight, 1.5f * s);
    }
}

void roofline(ImDrawList* dl, Rect box, const AppState& app, float s) {
    const Side& a = app.a;
    const RunResult& r = *a.outcome.result;
    const double peak = r.gpu.tensor_flops_per_s(r.problem.dtype), bw = r.gpu.hbm_bytes_per_s;
    const LogAxes ax = chart_frame(dl, box, "Roofline: matmul FLOP/s vs arithmetic intensity (FLOP per HBM byte)",
                                   "FLOP / byte", 0.25, 8192, peak / 2e4, peak * 3, s, flops_label);
    const double ridge = peak / bw;
    dl->AddLine(ImVec2(ax.x(0.25), ax.y(0.25 * bw)), ImVec2(ax.x(ridge), ax.y(peak)), kText, 2 * s);
    dl->AddLine(ImVec2(ax.x(ridge), ax.y(peak)), ImVec2(ax.x(8192), ax.y(peak)), kText, 2 * s);
    dl->AddText(ImVec2(ax.x(ridge) + 4 * s, ax.y(peak) + 4 * s), kDimText, ("ridge " + fmt_count(ridge) + " FLOP/B").c_str());
    auto point = [&](const Side& sd, const char* name, Rgba c) {
        if (!sd.has_outcome || !sd.outcome.result) return;
        const RunResult& x = *sd.outcome.result;
        const double ai = std::clamp(x.arithmetic_intensity(), 0.26, 8000.0);
        const bool timed = x.timing.valid && x.timing.seconds > 0;
        const double perf = timed ? double(x.counts.matmul_flops) / x.timing.seconds : std::min(peak, ai * bw);
        const ImVec2 p(ax.x(ai), ax.y(std::max(perf, peak / 2e4)));
        if (timed) dl->AddCircleFilled(p, 7 * s, c);
        else dl->AddCircle(p, 7 * s, c, 0, 2.5f * s);
        char lbl[160];
        std::snprintf(lbl, sizeof lbl, "%s %s: %.1f FLOP/B%s", name, x.schedule.describe().c_str(), x.arithmetic_intensity(),
                      timed ? "" : " (on the roof: no timing)");
        const float tw = ImGui::CalcTextSize(lbl).x;
        const float lx = p.x + 10 * s + tw > ax.r.x1 ? p.x - 10 * s - tw : p.x + 10 * s;
        dl->AddText(ImVec2(lx, p.y - 8 * s), c, lbl);
    };
    point(a, "A", kLoadHighlight);
    if (app.view == View::plots && app.b.has_outcome) point(app.b, "B", tensor_color(Tensor::P));
}

}  // namespace

void panel_plots(AppState& app, const DrawContext& ctx) {
    ImDrawList* dl = ctx.dl;
    const float s = ctx.s;
    dl->AddRectFilled(ctx.p0, ctx.p1, kPanelBg);
    app.request_sweeps();
    const float mx = (ctx.p0.x + ctx.p1.x) / 2, my = (ctx.p0.y + ctx.p1.y) / 2, g = 6 * s;
    const Rect q[4] = {{ctx.p0.x, ctx.p0.y, mx - g, my - g}, {mx + g, ctx.p0.y, ctx.p1.x, my - g},
                       {ctx.p0.x, my + g, mx - g, ctx.p1.y}, {mx + g, my + g, ctx.p1.x, ctx.p1.y}};
    if (app.has_sweeps) {
        const Sweeps& sw = app.sweeps;
        const double cur_b = app.a.outcome.result ? double(app.a.outcome.result->schedule.Bc) : 0;
        const bool timed = std::any_of(sw.vs_block.begin(), sw.vs_block.end(), [](const SweepPoint& p) { return p.seconds > 0; });
        sweep_chart(dl, q[0], "HBM bytes vs block size (Br = Bc)", "Br = Bc", sw.vs_block, false, cur_b, s);
        if (timed) sweep_chart(dl, q[1], "Time vs block size (Br = Bc)", "Br = Bc", sw.vs_block, true, cur_b, s);
        else sweep_chart(dl, q[1], "HBM bytes vs N", "N", sw.vs_N, false, double(sw.config.N), s);
        sweep_chart(dl, q[2], timed ? "Time vs N" : "Time vs N (timing not available)", "N", sw.vs_N, true,
                    double(sw.config.N), s);
        char lbl[200];
        std::snprintf(lbl, sizeof lbl, "sweeps of %s%s", sw.config.describe().c_str(), app.sweeps_running ? " (updating...)" : "");
        dl->AddText(ImVec2(q[2].x0 + 8 * s, q[2].y1 - 18 * s), kDimText, lbl);
    } else {
        dl->AddText(ImVec2(q[0].x0 + 8 * s, q[0].y0 + 8 * s), kText, "computing the sweeps in the background...");
    }
    if (app.a.has_outcome && app.a.outcome.result) roofline(dl, q[3], app, s);
}

}  // namespace flashsim::viz
