// panel_timeline.cpp: per-SM lanes of loads, computes and stores over time from the timing
// layer's timeline (RunResult::timing.timeline), with zoom (mouse wheel) and pan (drag).
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "viz/palette.h"
#include "viz/panels.h"

namespace flashsim::viz {

namespace {

// Time <-> pixel conversion of the timeline.
struct TimeAxis {
    double t0_cycles, cycles_per_px;
    float x0;
    float x(double cycles) const { return x0 + float((cycles - t0_cycles) / cycles_per_px); }
    double cycles(float px) const { return t0_cycles + double(px - x0) * cycles_per_px; }
};

}  // namespace

void panel_timeline(AppState& app, const DrawContext& ctx) {
    ImDrawList* dl = ctx.dl;
    const float s = ctx.s;
    dl->AddRectFilled(ctx.p0, ctx.p1, kPanelBg);
    const Side& a = app.a;
    if (!a.has_outcome || !a.outcome.result || a.outcome.result->timing.timeline.empty()) {
        dl->AddText(ImVec2(ctx.p0.x + 20 * s, ctx.p0.y + 20 * s), kText,
                    "timing not available: the timing layer recorded no timeline for this run");
        return;
    }
    const RunResult& r = *a.outcome.result;
    const auto& ev = r.timing.timeline;
    uint32_t lanes = 0;
    double t_end = 0;
    for (const auto& e : ev) lanes = std::max(lanes, e.sm + 1), t_end = std::max(t_end, e.end_cycles);
    const uint32_t shown = std::min<uint32_t>(lanes, 32);
    const float label_w = 60 * s, axis_h = 40 * s, legend_h = 26 * s;
    const float x0 = ctx.p0.x + label_w, x1 = ctx.p1.x - 10 * s;
    const float y0 = ctx.p0.y + legend_h, y1 = ctx.p1.y - axis_h;
    const float lane_h = (y1 - y0) / float(std::max<uint32_t>(shown, 1));
    if (app.timeline_cycles_per_px <= 0) {
        app.timeline_t0_cycles = 0;
        app.timeline_cycles_per_px = std::max(1e-9, t_end / double(x1 - x0));
    }
    // Zoom around the mouse, pan by dragging.
    ImGui::SetCursorScreenPos(ImVec2(x0, y0));
    ImGui::InvisibleButton("timeline", ImVec2(x1 - x0, y1 - y0));
    TimeAxis ax{app.timeline_t0_cycles, app.timeline_cycles_per_px, x0};
    if (ImGui::IsItemHovered()) {
        const float wheel = ImGui::GetIO().MouseWheel;
        if (wheel != 0) {
            const double at = ax.cycles(ImGui::GetIO().MousePos.x);
            app.timeline_cycles_per_px *= std::pow(0.8, double(wheel));
            app.timeline_t0_cycles = at - double(ImGui::GetIO().MousePos.x - x0) * app.timeline_cycles_per_px;
        }
        if (ImGui::IsMouseDoubleClicked(0)) app.timeline_cycles_per_px = 0;
    }
    if (ImGui::IsItemActive() && ImGui::IsMouseDragging(0))
        app.timeline_t0_cycles -= double(ImGui::GetIO().MouseDelta.x) * app.timeline_cycles_per_px;
    ax = {app.timeline_t0_cycles, std::max(app.timeline_cycles_per_px, 1e-9), x0};

    dl->PushClipRect(ImVec2(x0, y0), ImVec2(x1, y1), true);
    for (const auto& e : ev) {
        if (e.sm >= shown) continue;
        const float ex0 = ax.x(e.start_cycles), ex1 = std::max(ax.x(e.end_cycles), ex0 + 1);
        if (ex1 < x0 || ex0 > x1) continue;
        const float ly = y0 + float(e.sm) * lane_h;
        const OpKind k = OpKind(e.kind);
        // Loads and stores in their tensor's colour (as in the hierarchy view), computes green.
        const bool moves = k == OpKind::load || k == OpKind::store || k == OpKind::atomic_add;
        const Rgba c = moves ? tensor_color(Tensor(e.tensor)) : kind_color(k);
        const float band = moves ? (k == OpKind::load ? 0.0f : 0.5f) : 0.25f;  // loads top, stores bottom
        dl->AddRectFilled(ImVec2(ex0, ly + lane_h * band + 1), ImVec2(ex1, ly + lane_h * (band + 0.5f) - 1), c);
    }
    dl->PopClipRect();
    for (uint32_t i = 0; i < shown; ++i) {
        char lbl[16];
        std::snprintf(lbl, sizeof lbl, "SM %u", i);
        dl->AddText(ImVec2(ctx.p0.x + 6 * s, y0 + float(i) * lane_h + lane_h / 2 - 8 * s), kText, lbl);
        dl->AddLine(ImVec2(x0, y0 + float(i + 1) * lane_h), ImVec2(x1, y0 + float(i + 1) * lane_h), rgba(60, 62, 72));
    }
    // Axis: cycles and microseconds.
    const double span = ax.cycles(x1) - ax.cycles(x0);
    // A 1, 2 or 5 x 10^k step leaving room for each label (about 110 px).
    const double max_ticks = std::max(2.0, double(x1 - x0) / double(110 * s));
    const double raw = std::max(span, 1e-9) / max_ticks;
    const double decade = std::pow(10.0, std::floor(std::log10(raw)));
    const double step = raw <= decade ? decade : raw <= 2 * decade ? 2 * decade : raw <= 5 * decade ? 5 * decade : 10 * decade;
    for (double t = std::ceil(ax.cycles(x0) / step) * step; t <= ax.cycles(x1); t += step) {
        const float x = ax.x(t);
        dl->AddLine(ImVec2(x, y1), ImVec2(x, y1 + 6 * s), kText);
        char lbl[48];
        std::snprintf(lbl, sizeof lbl, "%s cyc", fmt_count(t).c_str());
        dl->AddText(ImVec2(x + 2 * s, y1 + 4 * s), kDimText, lbl);
        std::snprintf(lbl, sizeof lbl, "%s", fmt_seconds(t / r.gpu.clock_hz).c_str());
        dl->AddText(ImVec2(x + 2 * s, y1 + 20 * s), kDimText, lbl);
    }
    char head[200];
    std::snprintf(head, sizeof head, "%zu events%s on %u SMs (first %u drawn) | top: loads, middle: compute, bottom: stores | wheel: zoom, drag: pan, double-click: fit",
                  ev.size(), r.timing.timeline_truncated ? " (truncated)" : "", lanes, shown);
    dl->AddText(ImVec2(ctx.p0.x + 6 * s, ctx.p0.y + 4 * s), kText, head);
}

}  // namespace flashsim::viz
