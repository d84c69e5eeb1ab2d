// panel_timeline.cpp: per-SM lanes of loads, computes and stores over time from the timing
// layer's timeline (RunResult::timing.timeline), with zoom (mouse wheel) and pan (drag). Every SM
// of the GPU has a lane: the ones no CTA reaches are hatched grey, which is often the lesson.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "viz/palette.h"
#include "viz/panels.h"
#include "viz/ticks.h"
#include "viz/ui_text.h"

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
    const float s = ctx.s, L = ImGui::GetTextLineHeight();
    dl->AddRectFilled(ctx.p0, ctx.p1, kPanelBg);
    const Rect whole{ctx.p0.x, ctx.p0.y, ctx.p1.x - 4 * s, ctx.p1.y};
    const Side& a = app.a;
    if (a.has_outcome && a.outcome.partial) {
        ui::draw_text(dl, ImVec2(ctx.p0.x + 20 * s, ctx.p0.y + 20 * s), kText, "timing: simulating...", whole);
        return;
    }
    if (!a.has_outcome || !a.outcome.result || a.outcome.result->timing.timeline.empty()) {
        ui::draw_text_wrapped(dl, ImVec2(ctx.p0.x + 20 * s, ctx.p0.y + 20 * s), kText,
                              "timing not available: the timing layer recorded no timeline for this run", whole);
        return;
    }
    const RunResult& r = *a.outcome.result;
    const auto& ev = r.timing.timeline;
    // Every SM of the GPU has a lane; the ones no CTA reaches stay visibly idle.
    const uint32_t lanes = uint32_t(std::max<int64_t>(1, r.gpu.sm_count));
    std::vector<bool> busy(lanes, false);
    double t_end = 0;
    for (const auto& e : ev) {
        if (e.sm < lanes) busy[e.sm] = true;
        t_end = std::max(t_end, e.end_cycles);
    }
    const uint32_t n_busy = uint32_t(std::count(busy.begin(), busy.end(), true));
    const float label_w = ImGui::CalcTextSize("SM 000").x + 10 * s, axis_h = 2 * L + 12 * s, head_h = 2 * L + 10 * s;
    const float x0 = ctx.p0.x + label_w, x1 = ctx.p1.x - 10 * s;
    const float y0 = ctx.p0.y + head_h, y1 = ctx.p1.y - axis_h;
    const float lane_h = (y1 - y0) / float(lanes);
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

    // Idle lanes: hatched grey across the whole run, so the empty units are the first thing seen.
    const Rgba idle_fill = rgba(48, 50, 58), idle_hatch = rgba(78, 80, 90);
    for (uint32_t i = 0; i < lanes; ++i) {
        if (busy[i]) continue;
        const float ly = y0 + float(i) * lane_h;
        dl->AddRectFilled(ImVec2(x0, ly), ImVec2(x1, ly + std::max(1.0f, lane_h - (lane_h > 4 ? 1 : 0))), idle_fill);
    }
    dl->PushClipRect(ImVec2(x0, y0), ImVec2(x1, y1), true);
    // Diagonal hatching over each run of idle lanes.
    for (uint32_t i = 0; i < lanes;) {
        if (busy[i]) {
            ++i;
            continue;
        }
        uint32_t j = i;
        while (j < lanes && !busy[j]) ++j;
        const float ya = y0 + float(i) * lane_h, yb = y0 + float(j) * lane_h;
        dl->PushClipRect(ImVec2(x0, ya), ImVec2(x1, yb), true);
        for (float d = 0; d < (x1 - x0) + (yb - ya); d += 14 * s)
            dl->AddLine(ImVec2(x0 + d, ya), ImVec2(x0 + d - (yb - ya), yb), idle_hatch, 1.0f * s);
        dl->PopClipRect();
        i = j;
    }
    for (const auto& e : ev) {
        if (e.sm >= lanes) continue;
        const float ex0 = ax.x(e.start_cycles), ex1 = std::max(ax.x(e.end_cycles), ex0 + 1);
        if (ex1 < x0 || ex0 > x1) continue;
        const float ly = y0 + float(e.sm) * lane_h;
        const OpKind k = OpKind(e.kind);
        // Loads and stores in their tensor's colour (as in the hierarchy view), computes green.
        const bool moves = k == OpKind::load || k == OpKind::store || k == OpKind::atomic_add;
        const Rgba c = moves ? tensor_color(Tensor(e.tensor)) : kind_color(k);
        const float band = moves ? (k == OpKind::load ? 0.0f : 0.5f) : 0.25f;  // loads top, stores bottom
        const float pad = lane_h > 6 ? 1.0f : 0.0f;
        dl->AddRectFilled(ImVec2(ex0, ly + lane_h * band + pad), ImVec2(ex1, ly + std::max(lane_h * (band + 0.5f) - pad, lane_h * band + 1)), c);
    }
    dl->PopClipRect();
    // Lane labels: every k-th SM so that labels do not touch; lines between lanes when they are tall.
    const uint32_t every = uint32_t(std::max(1.0f, std::ceil((L + 2 * s) / std::max(lane_h, 1e-3f))));
    const uint32_t step = every <= 1 ? 1 : every <= 2 ? 2 : every <= 5 ? 5 : every <= 10 ? 10 : every <= 20 ? 20 : 50;
    for (uint32_t i = 0; i < lanes; ++i) {
        if (lane_h >= 6) dl->AddLine(ImVec2(x0, y0 + float(i + 1) * lane_h), ImVec2(x1, y0 + float(i + 1) * lane_h), rgba(60, 62, 72));
        if (i % step) continue;
        char lbl[16];
        std::snprintf(lbl, sizeof lbl, "SM %u", i);
        const float ly = y0 + (float(i) + 0.5f) * lane_h - L / 2;
        ui::draw_text(dl, ImVec2(ctx.p0.x + 4 * s, std::clamp(ly, y0, std::max(y0, y1 - L))), busy[i] ? kText : kDimText, lbl,
                      {ctx.p0.x, ctx.p0.y, x0 - 4 * s, ctx.p1.y});
    }
    // Axis: cycles and microseconds, 1-2-5 steps leaving room for each label.
    const double c0 = ax.cycles(x0), c1 = ax.cycles(x1);
    const double clock = r.timing.clock_hz() > 0 ? r.timing.clock_hz() : r.gpu.clock_hz;  // under load
    const float tick_w = ImGui::CalcTextSize("000 k cyc").x + 16 * s;
    const Rect axis_box{x0 - tick_w / 2, y1, ctx.p1.x, ctx.p1.y};
    for (double t : linear_ticks(c0, c1, std::max(2, int((x1 - x0) / tick_w)))) {
        const float x = ax.x(t);
        dl->AddLine(ImVec2(x, y1), ImVec2(x, y1 + 6 * s), kText);
        const std::string cyc = fmt_count(t) + " cyc", sec = fmt_seconds(t / clock);
        ui::draw_text(dl, ImVec2(x - ImGui::CalcTextSize(cyc.c_str()).x / 2, y1 + 6 * s), kDimText, cyc, axis_box);
        ui::draw_text(dl, ImVec2(x - ImGui::CalcTextSize(sec.c_str()).x / 2, y1 + 6 * s + L), kDimText, sec, axis_box);
    }
    char head[200];
    std::snprintf(head, sizeof head, "%u of %u SMs busy, %u idle (hatched)  |  %zu events%s", n_busy, lanes, lanes - n_busy,
                  ev.size(), r.timing.timeline_truncated ? " (truncated)" : "");
    ui::draw_text(dl, ImVec2(ctx.p0.x + 6 * s, ctx.p0.y + 4 * s), n_busy < lanes ? kLoadHighlight : kText, head, whole);
    ui::draw_text(dl, ImVec2(ctx.p0.x + 6 * s, ctx.p0.y + 6 * s + L), kDimText,
                  "top: loads, middle: compute, bottom: stores  |  wheel: zoom, drag: pan, double-click: fit", whole);
}

}  // namespace flashsim::viz
