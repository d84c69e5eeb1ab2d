// frame.cpp: the window's layout. Left: controls (A, and B in the compare and plots views) and the
// measured overlay; centre: view selector, playback and the chosen view; right: the listing and
// counters. Widths follow the font size (which follows the window and DPI, window.h); when the
// window is narrow for its font (a small projector), the listing and counters become tabs of the
// left panel so that the view keeps most of the width.
#include <algorithm>
#include <cstdio>

#include "viz/palette.h"
#include "viz/panels.h"
#include "viz/ui_text.h"

namespace flashsim::viz {

namespace {

void controls(AppState& app) {
    ui::text(app.view == View::compare || app.view == View::plots ? "Configuration A" : "Configuration");
    panel_controls(app, app.a, "A");
    if (app.view == View::compare || app.view == View::plots) {
        ImGui::Separator();
        ui::text("Configuration B");
        panel_controls(app, app.b, "B");
    }
    ImGui::Separator();
    if (ImGui::CollapsingHeader("Measured (CUDA kernels)", ImGuiTreeNodeFlags_DefaultOpen)) {
        ui::note_item("Measured (CUDA kernels)");
        panel_measured(app);
    }
    ImGui::Checkbox("projector mode (P)", &app.projector);
    ui::note_item("projector mode (P)");
}

void listing_and_counters(AppState& app) {
    if (ImGui::CollapsingHeader("Algorithm", ImGuiTreeNodeFlags_DefaultOpen)) {
        ui::note_item("Algorithm");
        panel_listing(app);
    }
    if (ImGui::CollapsingHeader("Counters", ImGuiTreeNodeFlags_DefaultOpen)) {
        ui::note_item("Counters");
        panel_counters(app);
    }
}

}  // namespace

void draw_frame(AppState& app) {
    app.record.clear();
    ui::set_record(&app.record);
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    app.record.width = int(vp->Size.x);
    app.record.height = int(vp->Size.y);
    app.record.font_px = ImGui::GetFontSize();
    app.record.projector = app.projector;
    app.record.view = to_string(app.view);
    ImGui::SetNextWindowPos(vp->WorkPos);
    ImGui::SetNextWindowSize(vp->WorkSize);
    const ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize |
                                   ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus;
    ImGui::Begin("flashsim", nullptr, flags);
    const float F = ImGui::GetFontSize(), s = F / 16.0f, W = vp->WorkSize.x;
    const bool narrow = W < 80 * F;
    const float left_w = narrow ? std::clamp(24 * F, 0.26f * W, 0.34f * W) : std::clamp(19 * F, 0.18f * W, 0.26f * W);
    const float right_w = narrow ? 0 : std::clamp(26 * F, 0.22f * W, 0.3f * W);

    // C hides the side panels: the view gets the whole window (a small projector, the compare view).
    const bool panels = !app.hide_panels;
    if (panels) {
    ImGui::BeginChild("left", ImVec2(left_w, 0), true);
    ui::text_colored(kLoadHighlight, "flashsim viewer");
    ImGui::SameLine();
    ui::text_disabled("(H: help)");
    ImGui::Separator();
    if (narrow) {
        if (ImGui::BeginTabBar("left tabs")) {
            auto flags = [&](AppState::LeftTab t) {
                return app.left_tab_requested && app.left_tab == t ? ImGuiTabItemFlags_SetSelected : 0;
            };
            if (ImGui::BeginTabItem("Controls", nullptr, flags(AppState::LeftTab::controls))) {
                controls(app);
                ImGui::EndTabItem();
            }
            if (ImGui::BeginTabItem("Algorithm", nullptr, flags(AppState::LeftTab::algorithm))) {
                panel_listing(app);
                ImGui::EndTabItem();
            }
            if (ImGui::BeginTabItem("Counters", nullptr, flags(AppState::LeftTab::counters))) {
                panel_counters(app);
                ImGui::EndTabItem();
            }
            ImGui::EndTabBar();
            app.left_tab_requested = false;  // selected once; the user's clicks rule from here
        }
    } else {
        controls(app);
    }
    ImGui::EndChild();
    ImGui::SameLine();
    }

    const float centre_w = narrow || !panels ? 0 : ImGui::GetContentRegionAvail().x - right_w - ImGui::GetStyle().ItemSpacing.x;
    ImGui::BeginChild("centre", ImVec2(centre_w, 0), false, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
    for (View v : {View::hierarchy, View::compare, View::timeline, View::plots}) {
        if (v != View::hierarchy) ImGui::SameLine();
        const bool cur = app.view == v;
        if (cur) ImGui::PushStyleColor(ImGuiCol_Button, IM_COL32(120, 100, 0, 255));
        char label[32];
        std::snprintf(label, sizeof label, "%d %s", int(v) + 1, to_string(v));
        if (ImGui::Button(label)) app.view = v;
        ui::note_item(label);
        if (cur) ImGui::PopStyleColor();
    }
    ImGui::SameLine();
    const char* toggle = panels ? "hide panels (C)" : "show panels (C)";
    if (ImGui::Button(toggle)) app.hide_panels = !app.hide_panels;
    ui::note_item(toggle);
    panel_playback(app);
    DrawContext ctx;
    ctx.dl = ImGui::GetWindowDrawList();
    ctx.p0 = ImGui::GetCursorScreenPos();
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    ctx.p1 = ImVec2(ctx.p0.x + avail.x, ctx.p0.y + avail.y);
    ctx.s = s;
    switch (app.view) {
        case View::hierarchy: panel_hierarchy(app, app.a, "", ctx); break;
        case View::compare: panel_compare(app, ctx); break;
        case View::timeline: panel_timeline(app, ctx); break;
        case View::plots: panel_plots(app, ctx); break;
    }
    ImGui::EndChild();

    if (!narrow && panels) {
        ImGui::SameLine();
        ImGui::BeginChild("right", ImVec2(0, 0), true);
        listing_and_counters(app);
        ImGui::EndChild();
    }
    ImGui::End();
    panel_help(app);
    ui::set_record(nullptr);
}

}  // namespace flashsim::viz
